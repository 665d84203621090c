"""Sources by standing, and searches worth the word (DESIGN.md, "Standards a fact-check desk holds")."""
from __future__ import annotations

import csv
import json

from pathlib import Path

import pytest

from companion import bib, ledger, report
from companion.ledger import Figure, LedgerError, Search
from tests.conftest import FIXTURE_SOURCES

pytestmark = pytest.mark.usefixtures("fixture_sources")


def test_every_entry_of_the_books_bibliography_has_a_standing():
    assert bib.standing_problems() == []
    assert {bib.tier(key) for key in bib.entries()} <= set(bib.TIERS)


def test_a_broken_standing_names_the_file_entry_field_and_rule():
    problems = bib.standing_problems(FIXTURE_SOURCES)
    assert "sources.bib, entry 'untiered', field 'tier': '' is not one of primary, reputable, other" in problems
    assert any(p.startswith("sources.bib, entry 'copy', field 'copy_check'") for p in problems)
    assert not any("entry 'weak'" in p for p in problems)   # an 'other' source with its reason is in order
    assert bib.lowest_tier(["s", "t"], FIXTURE_SOURCES) == "reputable"
    assert bib.lowest_tier(["s", "weak"], FIXTURE_SOURCES) == "other"




def test_a_weak_source_never_decides_a_verdict(claims_file):
    weak = Figure(100, "weak", "l")
    with pytest.raises(LedgerError, match=r"rests on a source of tier 'other' \(weak\); without it the verdict would "
                                          r"be 'unverifiable'"):
        ledger.evaluate("ch1-x", [weak], note="n", claims_path=claims_file)
    # a weak figure against a reputable one that gives the same verdict decides nothing
    assert ledger.evaluate("ch1-x", [weak, Figure(100, "t", "l")], note="n", claims_path=claims_file).verdict \
        == "reproduced"
    # ...but it cannot lift a verdict the strong sources alone would not give
    with pytest.raises(LedgerError, match="would be 'contradicted'"):
        ledger.evaluate("ch1-x", [weak, Figure(200, "t", "l")], note="n", claims_path=claims_file)
    # nor can a weak basis decide against a strong figure
    with pytest.raises(LedgerError, match="rests on a source of tier 'other'"):
        ledger.evaluate("ch1-x", [Figure(200, "weak", "l", basis=True, measure="m", basis_why="w"),
                                  Figure(100, "t", "l")], note="n", claims_path=claims_file)
    # a weak figure that loses to a strong one is shown, and decides nothing
    record = ledger.evaluate("ch1-x", [Figure(300, "weak", "l"), Figure(100, "s", "l")], note="n",
                             claims_path=claims_file)
    assert [f["tier"] for f in record.figures] == ["other", "primary"]


def test_a_computed_figure_is_as_strong_as_its_weakest_row(claims_file):
    computed = Figure(100, "s", "l", derived_from=("weak",))
    with pytest.raises(LedgerError, match=r"tier 'other' \(weak\)"):
        ledger.evaluate("ch1-x", [computed], note="n", claims_path=claims_file)
    record = ledger.evaluate("ch1-x", [Figure(100, "s", "l", derived_from=("t",))], note="n", claims_path=claims_file)
    assert record.verdict == "reproduced" and record.figures[0]["tier"] == "reputable"


def _write_searches(path, rows):
    with open(path, "w", newline="", encoding="utf-8") as fh:
        writer = csv.writer(fh)
        writer.writerow(["claim", "angle", "query", "where", "date", "result", "result_url"])
        writer.writerows(rows)


@pytest.mark.parametrize("row, message", [
    (["ch1-x", "hunch", "q", "pages", "2026-12-05", "nothing relevant", ""],
     "searches.csv, row 2, column 'angle': 'hunch' is not one of"),
    (["ch1-x", "named source", "q", "pages", "2026-12-05", "", ""], "searches.csv, row 2, column 'result'"),
    (["ch1-x", "named source", "", "pages", "2026-12-05", "nothing relevant", ""],
     "searches.csv, row 2, column 'query'"),
    (["ch1-x", "named source", "q", "pages", "2026-12-05", "a close figure", ""],
     "searches.csv, row 2, column 'result_url'"),
])
def test_a_malformed_search_names_the_file_row_and_column(tmp_path, row, message):
    path = tmp_path / "searches.csv"
    _write_searches(path, [row])
    with pytest.raises(LedgerError, match=message):
        ledger.searches_on_record("ch1-x", path)


def test_searches_on_record_reach_the_card_and_a_passage_not_reached_is_said(tmp_path, claims_file):
    path = tmp_path / "searches.csv"
    _write_searches(path, [
        ["ch1-x", "named source", "the named study", "pages", "2026-12-05", ledger.NOT_REACHED,
         "https://example.org/study"],
        ["ch1-x", "figure or event", "the figure", "pages", "2026-12-05", ledger.NOTHING, ""],
        ["ch1-x", "independent primary", "the statistics office", "pages", "2026-12-05", ledger.NOTHING, ""],
        ["ch1-x", "other language", "", "", "2026-12-05", "not applicable: reported in English only", ""],
        ["ch1-x", "figure or event", "the figure, again in other words", "pages", "2026-12-05", ledger.NOTHING, ""],
    ])
    record = ledger.evaluate("ch1-x", [], note="n", claims_path=claims_file, searches_path=path)
    assert record.verdict == "unverifiable" and len(record.searched) == 5
    card = ledger.card_html(record)
    assert "out of the book's reach, not shown to be wrong" in card
    assert 'href="https://example.org/study"' in card and "not applicable: reported in English only" in card


def test_every_unverifiable_claim_has_its_searches_on_record():
    """The inventory's unverifiable claims meet the search protocol from data/searches.csv alone."""
    claims = ledger.claims()
    unverifiable = [c for c, row in claims.items() if row["verdict"] == "unverifiable"]
    assert unverifiable, "the inventory has unverifiable claims to check"
    short = {c: ledger.search_problems(ledger.searches_on_record(c)) for c in unverifiable}
    assert {c: p for c, p in short.items() if p} == {}
    known = set(claims)
    with open(ledger.SEARCHES, encoding="utf-8", newline="") as fh:
        assert {r["claim"] for r in csv.DictReader(fh)} <= known


def test_a_weak_figure_can_be_shown_as_context_but_never_judged(claims_file):
    weak, strong = Figure(100, "weak", "l"), Figure(95, "t", "l")
    # passed as a figure, the weak 100 would make the claim reproduced: refused
    with pytest.raises(LedgerError, match="would be 'close'"):
        ledger.evaluate("ch1-x", [weak, strong], note="n", claims_path=claims_file)
    shown = ledger.as_context([weak, strong])
    assert [f.context for f in shown] == [True, False]
    record = ledger.evaluate("ch1-x", shown, note="n", claims_path=claims_file)
    assert record.verdict == "close" and record.figures[0]["context"]
    # a figure of a strong source cannot be set aside as context
    with pytest.raises(LedgerError, match="only a figure from a source of tier 'other' is shown as context"):
        ledger.evaluate("ch1-x", [Figure(100, "t", "l", context=True)], note="n", claims_path=claims_file)


def test_the_audit_covers_every_attribution_and_every_organisation_the_report_names():
    from companion import sources_audit

    claims = ledger.claims()
    assert sources_audit.coverage_problems(claims) == []
    # an attribution with no row of the audit is caught
    first = next(iter(claims))
    orphan = {**claims, first: {**claims[first], "attributed_to": "A Think Tank Nobody Audited"}}
    assert sources_audit.coverage_problems(orphan) == [
        "report_sources.csv: no row lists the attribution 'A Think Tank Nobody Audited' (claims.csv, attributed_to)"]
    # every organisation of the closed list that the report names is covered by a row's names
    text = report.folded()
    named = [o for o in sources_audit.NAMED_IN_REPORT if o in text]
    assert len(named) >= 15


def test_a_claims_provenance_reaches_its_card(monkeypatch):
    monkeypatch.setattr(ledger, "SOURCES_PATH", bib.BIBLIOGRAPHY)   # the book's own sources, for the card's citation
    record = ledger.evaluate("ch4-libya-estimate-last-year", [Figure(6500, "cnn2016libya", "l")], note="n")
    assert record.provenance["id"] == "bbc-vidino-2017"
    assert "Where the wording comes from" in ledger.card_html(record)


def test_a_forecast_score_resting_on_a_weak_row_is_refused():
    import pandas as pd

    from companion import forecasts

    row = {"id": "f-test", "rule": "occurs", "threshold": "1", "window_start": "2018", "window_end": "2018",
           "baseline_year": "", "value": "rows", "evidence": "events"}
    rows = pd.DataFrame({"date": ["2018-05-01"], "source": ["weak"], "locator": ["l"]})
    with pytest.raises(forecasts.ForecastError, match=r"rests on a source of tier 'other' \(weak\)"):
        forecasts._check_standing(row, rows, "borne out")
    both = pd.DataFrame({"date": ["2018-05-01", "2018-06-01"], "source": ["weak", "t"], "locator": ["l", "l"]})
    forecasts._check_standing(row, both, "borne out")   # the reputable row alone gives the same score


def test_the_book_shows_each_sources_tier_and_each_searchs_result(built_book):
    bibliography = (built_book / "book" / "bibliography.html").read_text(encoding="utf-8")
    for mark in ("[P]", "[R]", "[O]"):
        assert mark in bibliography
    chapter = (built_book / "book" / "ch6_europe.html").read_text(encoding="utf-8")
    assert 'class="tier tier-reputable"' in chapter and "Searched without finding an independent figure" in chapter
    records = {r["id"]: r for r in json.loads((built_book / "ledger.json").read_text(encoding="utf-8"))}
    searches = records["ch7-burke-four-waves"]["searches"]
    assert any(s["result"] == ledger.NOT_REACHED and s["result_url"] for s in searches)
    assert {s["angle"] for s in searches} == set(ledger.SEARCH_ANGLES)
    sources = (built_book / "book" / "report_sources.html").read_text(encoding="utf-8")
    assert 'id="source-bbc-vidino-2017"' in sources and "Where the wording comes from" in (
        built_book / "book" / "errata.html").read_text(encoding="utf-8")


def test_the_publishers_schema_and_the_reasons_for_each_kind_agree():
    """data/publishers.csv is checked against its schema's enum of kinds; each kind needs its reason in bib."""
    from companion import data

    kind = next(f for r in data.descriptor()["resources"] if r["name"] == "publishers"
                for f in r["schema"]["fields"] if f["name"] == "kind")
    assert kind["constraints"]["enum"] == list(bib.PUBLISHER_KINDS)
    table = bib.publisher_table()
    assert set(table.tier) == set(bib.TIERS) and table.why.str.len().min() > 0


def test_every_chapter_ends_with_its_checked_reading_list():
    from companion import reading

    assert reading.problems() == []
    for number in range(1, 10):
        page = next(Path("book").glob(f"ch{number}_*.md")).read_text(encoding="utf-8")
        assert "## Further reading" in page and f"reading.reading_list({number})" in page, number


def test_a_reading_list_refuses_a_short_list_an_unknown_work_and_an_unchecked_identifier(monkeypatch):
    import pandas as pd

    from companion import reading

    lists = pd.DataFrame({"chapter": [1, 1] + [n for n in range(2, 10) for _ in range(2)] + [1],
                          "key": ["whiteside2016islamic", "no-such-work"] + ["tonnessen2015heirs"] * 16 + ["ayub2018"],
                          "why": ["x"] * 19})
    lists.loc[lists.chapter == 9, "chapter"] = [9, 3]  # chapter 9 is left with one item, chapter 3 gets three
    monkeypatch.setattr(reading.data, "load", lambda name: lists)
    found = reading.problems()
    assert "reading_lists.csv: chapter 9 lists 1 items, not 2 to 5" in found
    assert any("(no-such-work), column 'key': not in references.bib" in p for p in found)
    # The report itself is primary but no checked scholarly item: it carries no 'checked' record.
    assert any("(ayub2018): the entry's 'checked' must give the page" in p for p in found)
