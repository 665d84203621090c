"""The per-capita join behind the Tunisia claims: arithmetic checked against a published rate,
rankings that move when the data move, and a clear error when a population is missing."""
import csv
import shutil

import pytest

from companion import DATA_DIR, data, ledger, percapita
from companion.ledger import Figure

WORLD_BANK = "World Bank WDI, October 2018 release"
SOUFAN_2015 = "The Soufan Group, December 2015"


@pytest.fixture
def data_copy(tmp_path):
    target = tmp_path / "data"
    shutil.copytree(DATA_DIR, target)
    return target


def rates(data_dir=DATA_DIR, **options):
    return percapita.per_million(data.load("foreign_fighters", data_dir=data_dir),
                                 data.load("national_population", data_dir=data_dir), series=WORLD_BANK, **options)


def set_estimate(path, estimate, fighters):
    with path.open(newline="", encoding="utf-8") as f:
        rows = list(csv.DictReader(f))
    [row] = [r for r in rows if r["estimate"] == estimate]
    # A counterfactual source: its quoted words give the new number, so the row stays anchored.
    for column in ("locator", "figure_text"):
        row[column] = row[column].replace(row["fighters_high"], str(fighters))
    row["fighters_low"] = row["fighters_high"] = str(fighters)
    with path.open("w", newline="", encoding="utf-8") as f:
        writer = csv.DictWriter(f, fieldnames=list(rows[0]), lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)


def tunisia_verdict(table):
    """The chapter's recomputed check: Tunisia's rank in the report's source, among the countries transcribed."""
    row = table[(table.country == "Tunisia") & (table.study == SOUFAN_2015)].iloc[0]
    return ledger.evaluate("ch4-tunisia-highest-per-capita",
                           [Figure(int(row.rank_per_million), row.source, "rank computed", SOUFAN_2015, partial=True)],
                           note="test").verdict


def test_recomputed_rates_match_icsrs_published_rates_within_its_rounding():
    icsr = rates().dropna(subset=["per_million_as_published"])
    assert len(icsr) == 14
    # ICSR rounds to whole numbers (halves below 10) and used older population figures.
    assert (icsr.per_million_high - icsr.per_million_as_published).abs().max() < 1.5


def test_a_rate_is_fighters_over_population_in_the_publication_year():
    row = rates().query("study == @SOUFAN_2015 and country == 'Tunisia'").iloc[0]
    assert row.population_year == 2015
    assert row.per_million_high == pytest.approx(row.fighters_high / row.population * 1e6, abs=0.05)


def test_raising_one_countrys_estimate_changes_the_ranking_and_the_verdict(data_copy):
    assert tunisia_verdict(rates()) == "close"  # first among the countries transcribed: supports, cannot prove
    set_estimate(data_copy / "foreign_fighters.csv", "soufan-2015-maldives", 300)  # was 200
    moved = rates(data_copy)
    assert percapita.rank_of(moved, "Maldives", SOUFAN_2015) == 1
    assert percapita.rank_of(moved, "Tunisia", SOUFAN_2015) == 2
    assert tunisia_verdict(moved) == "contradicted"
    # the other sources' rankings do not move
    before = rates().set_index(["study", "country"]).rank_per_million
    after = moved.set_index(["study", "country"]).rank_per_million
    assert (before.drop(SOUFAN_2015) == after.drop(SOUFAN_2015)).all()


def test_fixing_the_population_year_uses_that_year_for_every_estimate():
    fixed = rates(year=2014)
    assert set(fixed.population_year) == {2014}


def test_a_country_without_a_population_is_an_error_not_a_gap(data_copy):
    path = data_copy / "national_population.csv"
    kept = [line for line in path.read_text(encoding="utf-8").splitlines() if not line.startswith("Maldives,")]
    path.write_text("\n".join(kept) + "\n", encoding="utf-8")
    with pytest.raises(percapita.MissingPopulation, match="no population for Maldives in 2015 or earlier"):
        rates(data_copy)
