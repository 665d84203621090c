"""The forecast scorecard: the inventory, each rule at its edges, and scores that move with the evidence."""
from __future__ import annotations

import csv

import pandas as pd
import pytest

from companion import charts, data, forecasts, report

SCORABLE_COLUMNS = ("evidence", "selection", "value", "window_start", "window_end", "baseline_year", "threshold")


def rule_row(rule: str, **fields) -> dict:
    """A forecast row for a rule test: a yearly series in `value`, years 2018-2020 against 2017."""
    row = {"id": "f5-test", "chapter": "5", "quote": "", "horizon": "", "forecast": "", "rule": rule,
           "evidence": "indicators_by_year", "selection": "", "value": "value", "window_start": "2018",
           "window_end": "2020", "baseline_year": "2017", "threshold": "1", "too_vague_because": "", "score": "borne out"}
    return {**row, **fields}


def yearly(values: dict[int, float]) -> pd.DataFrame:
    return pd.DataFrame({"year": list(values), "value": list(values.values())})


def score_of(row: dict, values: dict[int, float]) -> str:
    return forecasts.apply_rule(row, forecasts.yearly(row, yearly(values)))[0]


# --- The inventory -----------------------------------------------------------------------------

def test_every_forecast_is_quoted_verbatim_from_its_own_section():
    inventory = forecasts.forecasts()
    assert len(inventory) >= 15
    misplaced = [fid for fid, row in inventory.items()
                 if not report.contains_quote(row["quote"], report.section(int(row["chapter"])).body)]
    assert misplaced == []
    assert all(fid.startswith(f"f{row['chapter']}-") for fid, row in inventory.items())


def test_every_row_is_complete_for_its_rule_or_says_why_it_cannot_be_scored():
    for fid, row in forecasts.forecasts().items():
        assert forecasts.problems(row) == [], fid
        if row["rule"]:
            assert all(row[c].strip() for c in ("evidence", "value", "window_start", "window_end")), fid
        else:
            assert len(row["too_vague_because"]) > 40 and not any(row[c] for c in SCORABLE_COLUMNS), fid


def test_every_recorded_score_is_the_one_its_rule_computes():
    for fid, row in forecasts.forecasts().items():
        assert forecasts.evaluate(fid, note="test").score == row["score"], fid


def test_each_scored_forecast_rests_on_cited_rows():
    for fid, row in forecasts.forecasts().items():
        if row["rule"] and row["rule"] != "absent":
            rows = forecasts.evidence(row)
            assert len(rows) and rows["source"].notna().all() and rows["locator"].notna().all(), fid


def test_the_inventory_is_a_validated_dataset_of_the_package():
    frame = data.load("forecasts")
    assert list(frame["id"]) == list(forecasts.forecasts())
    assert "forecasts" in data.INVENTORY and "forecasts" not in data.figure_datasets()


# --- The rules at their edges ------------------------------------------------------------------

@pytest.mark.parametrize("values, expected", [
    ({2017: 5, 2018: 1, 2019: 1, 2020: 1}, "borne out"),
    ({2017: 5, 2018: 1, 2019: 0, 2020: 3}, "partly borne out"),
    ({2017: 5, 2018: 0, 2019: 0, 2020: 0}, "not borne out"),
])
def test_continues(values, expected):
    assert score_of(rule_row("continues", baseline_year=""), {y: v for y, v in values.items() if y >= 2018}) == expected


@pytest.mark.parametrize("values, expected", [
    ({2017: 10, 2018: 9, 2019: 1, 2020: 5}, "borne out"),        # every year >= 1, mean 5 < 10
    ({2017: 10, 2018: 9, 2019: 0, 2020: 5}, "partly borne out"),  # fewer, but one year without
    ({2017: 10, 2018: 10, 2019: 10, 2020: 10}, "partly borne out"),  # continuing, but not fewer
    ({2017: 10, 2018: 30, 2019: 0, 2020: 1}, "not borne out"),    # neither
])
def test_fewer_but_continuing(values, expected):
    assert score_of(rule_row("fewer-but-continuing"), values) == expected


@pytest.mark.parametrize("values, expected", [
    ({2017: 10, 2018: 5, 2019: 8, 2020: 11}, "borne out"),
    ({2017: 10, 2018: 12, 2019: 8, 2020: 10}, "partly borne out"),  # rose, then fell back to the baseline
    ({2017: 10, 2018: 10, 2019: 8, 2020: 9}, "not borne out"),      # never above it
])
def test_grows(values, expected):
    assert score_of(rule_row("grows", threshold="0"), values) == expected


def test_grows_by_a_fraction():
    row = rule_row("grows", threshold="0.5")
    assert score_of(row, {2017: 10, 2018: 10, 2019: 10, 2020: 15}) == "borne out"
    assert score_of(row, {2017: 10, 2018: 10, 2019: 10, 2020: 14}) == "partly borne out"


def events_in(years: list[int]) -> pd.DataFrame:
    return pd.DataFrame({"date": pd.to_datetime([f"{y}-06-01" for y in years])})


@pytest.mark.parametrize("years, threshold, expected", [
    ([2018, 2019, 2019], "3", "borne out"), ([2018, 2016], "3", "partly borne out"), ([2016, 2021], "1", "not borne out")])
def test_occurs_counts_events_inside_the_window(years, threshold, expected):
    row = rule_row("occurs", value="rows", threshold=threshold, baseline_year="")
    assert forecasts.apply_rule(row, forecasts.yearly(row, events_in(years)))[0] == expected


def test_absent():
    row = rule_row("absent", value="rows", threshold="0", baseline_year="")
    assert forecasts.apply_rule(row, forecasts.yearly(row, events_in([2016])))[0] == "borne out"
    assert forecasts.apply_rule(row, forecasts.yearly(row, events_in([2019])))[0] == "not borne out"


def test_a_gap_in_a_series_is_not_read_as_zero():
    with pytest.raises(forecasts.ForecastError, match="no value for 2019; a gap is not a zero"):
        forecasts.yearly(rule_row("continues"), yearly({2017: 4, 2018: 3, 2020: 2}))


@pytest.mark.parametrize("change, message", [
    ({"rule": "continues", "value": "rows"}, "counting rows of an event list"),
    ({"rule": "grows", "baseline_year": ""}, "rule grows needs baseline_year"),
    ({"rule": "", "score": "too vague to score"}, "must say in too_vague_because why"),
    ({"rule": "", "too_vague_because": "No measure.", "score": "borne out"}, "can only be scored 'too vague to score'"),
    ({"score": "too vague to score"}, "is scored by it"),
    ({"rule": "hunch"}, "is not one of"),
])
def test_malformed_rows_are_named(change, message):
    assert any(message in problem for problem in forecasts.problems({**rule_row("continues"), **change}))


# --- Scores move with the evidence -------------------------------------------------------------

def test_changing_one_row_of_evidence_moves_a_score():
    indicators = data.load("indicators_by_year")
    assert forecasts.evaluate("f5-west-fewer-but-continuing", note="as published").score == "borne out"
    no_attack_in_2022 = indicators.copy()
    no_attack_in_2022.loc[no_attack_in_2022.id == "eu-completed-2022", "value"] = 0
    moved = forecasts.evaluate("f5-west-fewer-but-continuing", note="what if", frame=no_attack_in_2022)
    assert moved.score == "partly borne out" and moved.recorded_score == "borne out"
    assert moved.yearly[2022] == 0


def test_a_comeback_in_the_data_would_turn_not_borne_out_into_borne_out():
    indicators = data.load("indicators_by_year")
    comeback = indicators.copy()
    comeback.loc[comeback.id == "iraq-deaths-2023", "value"] = 5000  # above 2017's 4,271
    assert forecasts.evaluate("f1-comeback", note="as published").score == "not borne out"
    assert forecasts.evaluate("f1-comeback", note="what if", frame=comeback).score == "borne out"


def test_an_edited_evidence_file_moves_the_score_it_feeds(tmp_path):
    """The same, through the files: a copy of the data folder with one edited row."""
    import shutil

    copy = tmp_path / "data"
    shutil.copytree(data.DATA_DIR, copy)
    path = copy / "events.csv"
    rows = list(csv.DictReader(path.open(encoding="utf-8", newline="")))
    for row in rows:
        if row["id"] == "baghdadi-killed":
            row["place"] = "Mogadishu, Somalia"  # a leader killed outside Iraq and Syria
    with path.open("w", encoding="utf-8", newline="") as fh:
        writer = csv.DictWriter(fh, fieldnames=list(rows[0]), lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)
    moved = forecasts.evaluate("f5-no-substitute-base", note="what if", frame=data.load("events", copy))
    assert moved.score == "not borne out"


def test_the_book_build_refuses_a_score_that_differs_from_the_record(tmp_path, monkeypatch):
    monkeypatch.setenv(charts.RENDERER_ENV, "book")
    inventory = tmp_path / "forecasts.csv"
    rows = list(csv.DictReader(forecasts.FORECASTS.open(encoding="utf-8", newline="")))
    for row in rows:
        if row["id"] == "f1-comeback":
            row["score"] = "borne out"
    with inventory.open("w", encoding="utf-8", newline="") as fh:
        writer = csv.DictWriter(fh, fieldnames=list(rows[0]), lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)
    record = forecasts.evaluate("f1-comeback", note="test", path=inventory)
    assert (record.score, record.recorded_score) == ("not borne out", "borne out")
    with pytest.raises(forecasts.ForecastError, match="differs from the one recorded in data/forecasts.csv"):
        forecasts.score("f1-comeback", note="test", path=inventory)
    with pytest.raises(forecasts.ForecastError, match="from the cited datasets only"):
        forecasts.score("f5-west-fewer-but-continuing", note="test", frame=data.load("indicators_by_year"))
