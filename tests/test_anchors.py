"""Numbers anchored to their words: each cited value is read in the exact words of its locator,
a wrong row kept as a fixture never loads, and one source has one publication date."""
import csv
import re
import shutil
from collections import defaultdict
from pathlib import Path

import pandas as pd
import pytest

from companion import DATA_DIR, anchors, bib, data

FIXTURES = Path(__file__).parent / "fixtures"
# The UK's 2020 row as it stood before issue 14: the value was the EU's 10, its words say 3.
WRONG_UK_2020 = FIXTURES / "indicators_uk_2020_as_published.csv"


def written(text):
    return [n.value for n in anchors.numbers(text)]


@pytest.mark.parametrize("text, expected", [
    ("the UK (3)", [3]),
    ("27,000 to 31,000 from at least 86 different countries", [27000, 31000, 86]),
    ("nine million people", [9]),
    ("twenty-five", [25]),
    ("the 900 km (560-mile) frontier", [900, 560]),
    ("12,800 km2", [12800]),            # the 2 of km2 is a unit, not a number
    ("from 1996 through 9/11", [1996, 9]),  # after a slash is no number ("S/2017/573", 9/11's 11)
    ("29 percent is between the ages of 15-29 years", [29, 15, 29]),
    ("Third is FARC", [3]),
    ("a couple of hundred", [2, 100]),
    ("no less than 92 per cent", [92]),  # a bound, not a zero
    ("no longer make for Syria", [0]),
])
def test_numbers_are_read_as_a_reader_would(text, expected):
    assert written(text) == expected


def test_scale_words_multiply_and_both_readings_are_kept():
    (two_bn,), (six_hundred_m,), (six_point_five,) = (anchors.numbers(t) for t in ("US$2 bn", "US$600 m", "6.5 million"))
    assert (two_bn.value, two_bn.scaled) == (2, 2e9)
    assert six_hundred_m.scaled == 6e8
    assert six_point_five.scaled == 6.5e6


ROW = {"locator": '"All 15 of the terrorist attacks ‒ in the EU (10), Switzerland (2 probable terrorist attacks), '
                  'and the UK (3) ‒ were carried out by lone actors"', "year": 2020}


@pytest.mark.parametrize("changes, rule", [
    ({"value": 3, "figure_text": "the UK (3)"}, None),
    ({"value": 10, "figure_text": "the UK (3)"}, "value not in its words"),
    ({"value": 10, "figure_text": ROW["locator"].strip('"')}, "carries another figure"),
    ({"value": 3, "figure_text": "the UK (three)"}, "not in the locator"),
    ({"value": 3, "figure_text": ""}, "value not in its words"),
    ({"value": 13, "figure_text": "", "derivation": "10 + 3"}, None),
    ({"value": 13, "figure_text": "", "derivation": "10 + 4"}, "number not in the locator"),
    ({"value": 12, "figure_text": "", "derivation": "10 + 3"}, "derivation gives another value"),
    ({"value": 13, "figure_text": "", "derivation": "__import__('os')"}, "unreadable derivation"),
])
def test_anchoring_rules_at_their_edges(changes, rule):
    broken = anchors.check_row({**ROW, **changes}, {"value": 1.0})
    assert [b.rule for b in broken][:1] == ([rule] if rule else [])


def test_a_year_of_the_row_may_stand_in_its_words_but_no_other_figure():
    row = {"locator": '"rising to 33 in 2017, according to Europol"', "year": 2017, "value": 33}
    assert anchors.check_row({**row, "figure_text": "rising to 33 in 2017"}, {"value": 1.0}) == []
    assert anchors.check_row({**row, "year": 2016, "figure_text": "rising to 33 in 2017"}, {"value": 1.0})[0].rule \
        == "carries another figure"


def test_derivations_name_their_fields_and_an_english_rendering_counts():
    row = {"locator": '"quelque 1.910 Français"', "locator_en": "some 1,910 French people",
           "low": 1910, "high": 1910, "derivation": "1910"}
    assert anchors.check_row(row, {"low": 1.0, "high": 1.0}) == []
    assert anchors.check_row({**row, "locator_en": ""}, {"low": 1.0, "high": 1.0})[0].rule == "number not in the locator"
    warren = {"locator": '"was 2,000 at one point and is now down to a quarter or less of that"', "low": None,
              "high": 500, "derivation": "high = 2000 * 0.25"}
    assert anchors.check_row(warren, {"low": 1.0, "high": 1.0}) == []


def test_the_wrong_uk_2020_row_is_kept_and_never_loads(tmp_path):
    """The fixture is the row as published before the fix; a naive check would have passed it."""
    target = tmp_path / "data"
    shutil.copytree(DATA_DIR, target)
    (target / "indicators_by_year.csv").write_text(WRONG_UK_2020.read_text(encoding="utf-8"), encoding="utf-8")
    row = next(csv.DictReader(WRONG_UK_2020.open(encoding="utf-8")))
    assert row["value"] in written(row["locator"]) or float(row["value"]) in written(row["locator"])  # the naive check
    with pytest.raises(data.DataError) as caught:
        data.load("indicators_by_year", target)
    error = caught.value
    assert (error.row, error.column, error.rule) == (2, "value", "value not in its words")
    assert "indicators_by_year.csv" in str(error) and "'the UK (3)' does not write 10" in str(error)


@pytest.mark.parametrize("name", data.FINDINGS)
def test_a_dataset_of_findings_carries_no_figure_to_anchor(name):
    """The findings datasets are left out of the anchoring test below only because they hold no numbers."""
    resource = data.validate(name).get_resource(name)
    assert name in data.figure_datasets() and {"source", "locator"} <= set(resource.schema.field_names)
    assert all(field.type == "string" for field in resource.schema.fields), name


@pytest.mark.parametrize("name", [n for n in data.figure_datasets() if n not in data.FINDINGS])
def test_every_value_of_every_dataset_is_anchored(name):
    """data.load runs the anchoring rules; this names each dataset so a failure says which."""
    frame = data.load(name)
    resource = data.validate(name).get_resource(name)
    anchored = data.anchored_fields(resource)
    assert anchored, f"{name} marks no field as anchored in datapackage.json"
    valued = frame[list(anchored)].notna().any(axis=1)
    unanchored = frame[valued & frame["figure_text"].isna() & frame["derivation"].isna()]
    assert unanchored.empty, f"{name}: rows with a value but no figure_text or derivation: {list(unanchored.index + 2)}"


def test_a_world_bank_row_quotes_the_column_of_its_own_year():
    """The World Bank rows quote four columns (2014 to 2017) of one CSV line: the value must be its year's."""
    frame = data.load("national_population")
    rows = frame[frame["locator"].str.contains("(columns 2014 to 2017)", regex=False)]
    assert len(rows) > 150
    for _, row in rows.iterrows():
        columns = re.findall(r'"(\d+)"', row["locator"].split("…")[1])
        assert len(columns) == 4, row["locator"]
        assert int(columns[int(row["year"]) - 2014]) == row["population"], (row["country"], row["year"])


PUBLICATION_COLUMNS = ("published",)


def test_one_source_has_one_publication_date_across_all_data_files():
    """A study (by name) and a bibliography key each carry one publication date wherever they are cited,
    and no source reports an estimate before it was published."""
    by_study, by_key = defaultdict(set), defaultdict(set)
    for name in data.figure_datasets():
        frame = data.load(name)
        for column in PUBLICATION_COLUMNS:
            if column not in frame:
                continue
            for _, row in frame.iterrows():
                day = row[column].date().isoformat()
                by_key[row["source"]].add((day, name))
                if "study" in frame:
                    by_study[row["study"]].add((day, name))
                carried = bib.entries()[row["source"]].fields.get("date", "")
                if re.fullmatch(r"\d{4}-\d{2}-\d{2}", carried):
                    assert day <= carried, f"{name}: {row['source']} (dated {carried}) reports an estimate published {day}"
    assert by_study and by_key
    for label, groups in (("study", by_study), ("source", by_key)):
        for what, dates in groups.items():
            if what == "National figures compiled here, 2015-2017":
                continue  # not one study: each row is its own national figure, dated by its own source
            assert len({d for d, _ in dates}) == 1, f"{label} {what!r} has several publication dates: {sorted(dates)}"


def test_a_unit_written_straight_after_the_digits_does_not_hide_the_number():
    from companion import anchors

    assert [n.value for n in anchors.numbers("the 822km (510 mile) long border")] == [822.0, 510.0]
    assert [n.scaled for n in anchors.numbers("US$2bn and 10k fighters")] == [2e9, 1e4]
