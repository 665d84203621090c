"""The forecast scorecard: the inventory, each rule at its edges, and scores that move with the evidence."""
from __future__ import annotations

import csv
import html

import pandas as pd
import pytest

from companion import charts, data, forecasts, report

RULE_COLUMNS = forecasts.RULE_COLUMNS


def rule_row(rule: str, **fields) -> dict:
    """A forecast row for a rule test: a yearly series in `value`, years 2018-2020 against 2017."""
    row = {c: "" for c in next(iter(forecasts.forecasts().values()))}
    row.update({"id": "f5-test", "chapter": "5", "voice": "the author", "population": "attacks", "method": "rule",
                "rule": rule, "evidence": "indicators_by_year", "value": "value", "window_start": "2018",
                "window_end": "2020", "horizon_end": "2020", "baseline_year": "2017", "threshold": "1",
                "score": "borne out"})
    if rule in forecasts.COUNTING:
        row.update({"scope": "anywhere, 2018-2020", "catalogue": "partial"})
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


def test_every_forecast_is_scored_by_a_rule_judged_or_unfalsifiable_with_its_reason():
    methods = {}
    for fid, row in forecasts.forecasts().items():
        assert forecasts.problems(row) == [], fid
        methods.setdefault(row["method"], []).append(fid)
        if row["method"] == "rule":
            assert all(row[c].strip() for c in ("evidence", "value", "window_start", "window_end", "population")), fid
        elif row["method"] == "unfalsifiable":
            assert len(row["reason"]) > 40 and not any(row[c] for c in RULE_COLUMNS), fid
    assert set(methods) == set(forecasts.METHODS) and sum(map(len, methods.values())) == len(forecasts.forecasts())


def test_every_counting_rule_declares_its_scope_and_catalogue():
    counting = [r for r in forecasts.forecasts().values() if r["rule"] in forecasts.COUNTING]
    assert counting and all(r["scope"].strip() and r["catalogue"].strip() for r in counting)


def test_every_recorded_score_is_the_one_its_method_gives():
    for fid, row in forecasts.forecasts().items():
        assert forecasts.evaluate(fid, note="test").score == row["score"], fid


def test_partial_lists_leave_unresolved_what_they_cannot_decide():
    """A partial list scored 'borne out' must list enough events; 'not borne out' must list a breaking one."""
    for fid, row in forecasts.forecasts().items():
        if row.get("catalogue") != forecasts.PARTIAL:
            continue
        record = forecasts.evaluate(fid, note="test")
        listed = sum(record.yearly.values())
        if row["rule"] == "occurs":
            assert (record.score == "borne out") == (listed >= float(row["threshold"])), fid
            assert record.score in ("borne out", "unresolved"), fid
        else:
            assert record.score in ("not borne out", "unresolved"), fid
        assert html.escape(forecasts.PARTIAL_LIMITS) in forecasts.card_html(record), fid


def test_no_score_depends_on_a_change_of_definition_or_a_gap():
    for fid, row in forecasts.forecasts().items():
        if row["rule"] in forecasts.COMPARING:
            record = forecasts.evaluate(fid, note="test")
            assert len(record.definitions) == 1, (fid, record.definitions)
            years = list(record.yearly)
            assert years == list(range(years[0], years[-1] + 1)) or row["baseline_year"], fid
            assert set(range(int(row["window_start"]), int(row["window_end"]) + 1)) <= set(years), fid


def test_each_rule_scored_forecast_rests_on_cited_rows():
    for fid, row in forecasts.forecasts().items():
        if row["rule"] and row["rule"] != "absent" and row["catalogue"] != forecasts.PARTIAL:
            rows = forecasts.evidence(row)
            assert len(rows) and rows["source"].notna().all() and rows["locator"].notna().all(), fid


def test_each_judged_grade_rests_on_criteria_and_two_deciding_rows():
    from companion.bib import STRONG_TIERS

    judged = [r for r in forecasts.forecasts().values() if r["method"] == "judgement"]
    assert len(judged) >= 5
    for row in judged:
        assert all(row[c].strip() for c in forecasts.CRITERIA.values()), row["id"]
        rows = forecasts.judgement_evidence(row["id"])
        if row["score"] != "unresolved":
            assert sum(r["tier"] in STRONG_TIERS for r in rows) >= forecasts.MIN_JUDGEMENT_EVIDENCE, row["id"]


def test_the_inventory_is_a_validated_dataset_of_the_package():
    frame = data.load("forecasts")
    assert list(frame["id"]) == list(forecasts.forecasts())
    assert "forecasts" in data.INVENTORY and "forecasts" not in data.figure_datasets()
    assert "forecast_readings" in data.INVENTORY and "forecast_evidence" in data.figure_datasets()
    known = set(forecasts.forecasts())
    assert set(data.load("forecast_evidence")["forecast"]) <= known
    assert set(data.load("forecast_readings")["forecast"]) <= known


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


def counted(rule: str, years: list[int], **fields) -> str:
    row = rule_row(rule, value="rows", baseline_year="", **fields)
    return forecasts.apply_rule(row, forecasts.yearly(row, events_in(years)))[0]


@pytest.mark.parametrize("years, threshold, expected", [
    ([2018, 2019, 2019], "3", "borne out"), ([2018, 2016], "3", "partly borne out"), ([2016, 2021], "1", "not borne out")])
def test_occurs_over_a_catalogue_counts_events_inside_the_window(years, threshold, expected):
    assert counted("occurs", years, threshold=threshold, catalogue="iep2022deadliest") == expected


@pytest.mark.parametrize("years, threshold, expected", [
    ([2018, 2019, 2020], "3", "borne out"),   # enough listed: what is listed proves it
    ([2018, 2019], "3", "unresolved"),         # one short: a partial list cannot say the third did not happen
    ([2016, 2021], "1", "unresolved"),         # none listed: nor that none did
])
def test_occurs_over_a_partial_list_proves_only_what_it_lists(years, threshold, expected):
    assert counted("occurs", years, threshold=threshold) == expected


@pytest.mark.parametrize("years, catalogue, expected", [
    ([2016], "iep2022deadliest", "borne out"), ([2019], "iep2022deadliest", "not borne out"),
    ([2016], "partial", "unresolved"), ([2019], "partial", "not borne out"), ([2016, 2021], "partial", "unresolved"),
])
def test_absent_breaks_on_a_listed_event_and_proves_absence_only_from_a_catalogue(years, catalogue, expected):
    assert counted("absent", years, threshold="0", catalogue=catalogue) == expected


def test_a_gap_in_a_series_is_not_read_as_zero():
    with pytest.raises(forecasts.ForecastError, match="no value for 2019; a gap is not a zero"):
        forecasts.yearly(rule_row("continues"), yearly({2017: 4, 2018: 3, 2020: 2}))


@pytest.mark.parametrize("values", [{2017: 10, 2018: 12, 2020: 14}, {2018: 12, 2019: 11, 2020: 14}])
def test_grows_refuses_a_gap_as_the_summed_rules_do(values):
    with pytest.raises(forecasts.ForecastError, match="a gap is not a level"):
        forecasts.yearly(rule_row("grows", threshold="0"), yearly(values))


def series(areas: dict[int, str]) -> pd.DataFrame:
    return pd.DataFrame({"id": [f"{y}-{a.split()[1].strip('(')}" for y, a in areas.items()], "year": list(areas),
                         "area": list(areas.values()), "value": [10.0] * len(areas)})


def test_a_comparison_across_a_change_of_definition_is_refused():
    mixed = series({2017: "EU (with the UK)", 2018: "EU (without the UK)", 2019: "EU (without the UK)",
                    2020: "EU (without the UK)"})
    for rule in forecasts.COMPARING:
        with pytest.raises(forecasts.ForecastError, match="mix definitions"):
            forecasts.one_definition(rule_row(rule, threshold="0"), mixed)
    # A rule that judges each year on its own (a threshold, not a baseline) may read across it.
    assert len(forecasts.one_definition(rule_row("continues", baseline_year=""), mixed)) == 4


def test_a_bridge_row_puts_every_year_on_one_definition():
    bridged = pd.concat([series({2017: "EU (with the UK)"}), series({y: "EU (without the UK)" for y in range(2017, 2021)})])
    assert list(bridged.id[:2]) == ["2017-with", "2017-without"]
    kept = forecasts.one_definition(rule_row("fewer-but-continuing", bridge="2017-without"), bridged)
    assert list(kept.area.unique()) == ["EU (without the UK)"] and list(kept.year) == [2017, 2018, 2019, 2020]
    with pytest.raises(forecasts.ForecastError, match="more than one definition"):
        forecasts.one_definition(rule_row("fewer-but-continuing", bridge="2017-with; 2018-without"), bridged)
    with pytest.raises(forecasts.ForecastError, match="are not among the selected rows"):
        forecasts.one_definition(rule_row("grows", bridge="no-such-row"), bridged)


def test_every_window_end_is_scored_and_a_gap_says_so():
    frame = pd.DataFrame({"id": list("abcdef"), "indicator": "x", "year": [2017, 2018, 2019, 2020, 2022, 2023],
                          "value": [10, 12, 8, 9, 30, 31], "source": "iep2022deadliest", "locator": "q"})
    row = rule_row("grows", threshold="0", window_end="2019", selection="")
    scores = {w["end"]: w["score"] for w in forecasts.window_scores(row, frame)}
    assert scores[2018] == "borne out" and scores[2019] == "partly borne out" and scores[2020] == "partly borne out"
    assert scores[2021] == scores[2022] == "no score (a gap in the series)"


@pytest.mark.parametrize("change, message", [
    ({"rule": "continues", "value": "rows"}, "counting rows of an event list"),
    ({"rule": "grows", "baseline_year": ""}, "rule grows needs baseline_year"),
    ({"rule": "occurs", "value": "rows", "scope": ""}, "rule occurs needs scope"),
    ({"rule": "absent", "value": "rows", "catalogue": "", "scope": "x"}, "rule absent needs catalogue"),
    ({"rule": "occurs", "value": "rows", "scope": "x", "catalogue": "a list I remember"}, "neither 'partial' nor a key"),
    ({"catalogue": "partial"}, "only a counting rule"),
    ({"window_end": "2019", "horizon_end": "2024"}, "window_why must say why"),
    ({"horizon_end": "soon"}, "horizon_end must be the year"),
    ({"population": ""}, "must name its population"),
    ({"reason": "No measure."}, "must leave reason empty"),
    ({"score": "unfalsifiable"}, "only a forecast whose method is 'unfalsifiable'"),
    ({"method": "unfalsifiable", "score": "unfalsifiable", "reason": ""}, "why no outcome could judge it"),
    ({"method": "unfalsifiable", "reason": "A possibility, not a forecast: no outcome could show it wrong."},
     "can only be scored 'unfalsifiable'"),
    ({"method": "judgement", "rule": ""}, "criteria for every grade"),
    ({"method": "judgement", "criteria_written": ""}, "criteria_written must say"),
    ({"method": "hunch"}, "method 'hunch' is not one of"),
    ({"rule": "hunch"}, "is not one of"),
])
def test_malformed_rows_are_named(change, message):
    assert any(message in problem for problem in forecasts.problems({**rule_row("continues"), **change}))


def test_a_judged_grade_needs_two_rows_from_sources_that_can_decide(tmp_path):
    fields = {"method": "judgement", "rule": "", "evidence": "", "value": "", "window_start": "", "window_end": "",
              "baseline_year": "", "threshold": "", "horizon_end": "", "criteria_written": "before",
              "criteria_borne_out": "a", "criteria_partly": "b", "criteria_not": "c", "score": "borne out"}
    row = {**rule_row("continues"), **fields}
    assert forecasts.problems(row) == []
    inventory, evidence = tmp_path / "forecasts.csv", tmp_path / "evidence.csv"
    write_csv(inventory, [row])
    head = {"id": "", "forecast": "f5-test", "finding": "x", "bears_on": "supports", "locator": "q"}
    write_csv(evidence, [{**head, "id": "e1", "source": "iep2022deadliest"}, {**head, "id": "e2", "source": "tasnim2016fourteen"}])
    with pytest.raises(forecasts.ForecastError, match=r"at least 2 rows that support the forecast \(it has 1\)"):
        forecasts.evaluate("f5-test", note="test", path=inventory, evidence_path=evidence)
    write_csv(evidence, [{**head, "id": "e1", "source": "iep2022deadliest"}, {**head, "id": "e2", "source": "iep2020release"}])
    record = forecasts.evaluate("f5-test", note="test", path=inventory, evidence_path=evidence)
    assert record.score == "borne out" and record.method == "judgement" and set(record.criteria) == set(forecasts.GRADES)
    assert "(judged)" in forecasts.card_html(record) and "written before the evidence was compared" in forecasts.card_html(record)


@pytest.mark.parametrize("grade, leanings, lacks", [
    ("borne out", ["supports", "supports"], ""), ("borne out", ["supports", "mixed"], "support the forecast"),
    ("not borne out", ["against", "against"], ""), ("not borne out", ["against", "supports"], "go against"),
    ("partly borne out", ["supports", "mixed"], ""), ("partly borne out", ["supports", "supports"], "one that goes"),
    ("partly borne out", ["against", "mixed"], "one row that supports"), ("partly borne out", ["supports"], "one that goes"),
])
def test_a_judged_grade_needs_deciding_rows_that_point_its_way(grade, leanings, lacks):
    problem = forecasts.grade_problem(grade, leanings)
    assert (lacks in problem and problem) if lacks else problem == ""


def test_readings_are_scored_alike_and_the_favourable_one_wins_only_a_tie(tmp_path):
    frame = pd.DataFrame({"id": ["a", "b"], "date": ["2019-05-01", "2020-05-01"],
                                         "tags": ["x", "y"], "source": "iep2022deadliest", "locator": "q"})
    row = rule_row("occurs", evidence="events", value="rows", selection='tags == "x"', threshold="2",
                   window_end="2020", baseline_year="")
    inventory, readings = tmp_path / "forecasts.csv", tmp_path / "readings.csv"
    write_csv(inventory, [{**row, "score": "unresolved"}])
    reading = {"id": "r1", "forecast": "f5-test", "reading": "either tag", "why": "also plausible",
               "selection": 'tags.isin(["x", "y"])', **{c: "" for c in ("population", "value", "window_start",
               "window_end", "baseline_year", "threshold", "scope", "catalogue", "bridge")}}
    write_csv(readings, [{**reading, "support": "weaker"}])
    weaker = forecasts.evaluate("f5-test", note="t", frame=frame, path=inventory, readings_path=readings)
    assert weaker.score == "unresolved" and [r["score"] for r in weaker.readings] == ["unresolved", "borne out"]
    equally = tmp_path / "readings-equal.csv"  # inventories are read once per path
    write_csv(equally, [{**reading, "support": "equal"}])
    equal = forecasts.evaluate("f5-test", note="t", frame=frame, path=inventory, readings_path=equally)
    assert equal.score == "borne out" and equal.readings[1]["recorded"] and "more favourable" in equal.reading


def write_csv(path, rows: list[dict]) -> None:
    with path.open("w", encoding="utf-8", newline="") as fh:
        writer = csv.DictWriter(fh, fieldnames=list(rows[0]), lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)


# --- Scores move with the evidence -------------------------------------------------------------

def test_changing_one_row_of_evidence_moves_a_score():
    indicators = data.load("indicators_by_year")
    assert forecasts.evaluate("f5-west-fewer-but-continuing", note="as published").score == "borne out"
    no_attack_in_2019 = indicators.copy()
    no_attack_in_2019.loc[no_attack_in_2019.id == "eu-completed-2019", "value"] = 0
    moved = forecasts.evaluate("f5-west-fewer-but-continuing", note="what if", frame=no_attack_in_2019)
    assert moved.score == "partly borne out" and moved.recorded_score == "borne out"
    assert moved.yearly[2019] == 0


def test_more_violence_in_the_data_would_turn_not_borne_out_into_borne_out():
    indicators = data.load("indicators_by_year")
    worse = indicators.copy()
    worse.loc[worse.id == "iraq-deaths-2019", "value"] = 5000  # above 2017's 4,271
    assert forecasts.evaluate("f7-worse-violence-civilians", note="as published").score == "not borne out"
    assert forecasts.evaluate("f7-worse-violence-civilians", note="what if", frame=worse).score == "borne out"


def test_a_listed_event_in_scope_resolves_a_partial_list(tmp_path):
    """Through the files: a copy of the data folder in which one listed attacker had fought in Syria."""
    import shutil

    copy = tmp_path / "data"
    shutil.copytree(data.DATA_DIR, copy)
    path = copy / "events.csv"
    rows = list(csv.DictReader(path.open(encoding="utf-8", newline="")))
    for row in rows:
        if row["id"] == "london-bridge-attack-2019":
            row["tags"] = "attack; released-convict; released-fighter"
    write_csv(path, rows)
    assert forecasts.evaluate("f6-released-convicts-return", note="as published").score == "unresolved"
    moved = forecasts.evaluate("f6-released-convicts-return", note="what if", frame=data.load("events", copy))
    assert moved.score == "borne out"


def test_the_book_build_refuses_a_score_that_differs_from_the_record(tmp_path, monkeypatch):
    monkeypatch.setenv(charts.RENDERER_ENV, "book")
    inventory = tmp_path / "forecasts.csv"
    rows = list(csv.DictReader(forecasts.FORECASTS.open(encoding="utf-8", newline="")))
    for row in rows:
        if row["id"] == "f7-worse-violence-civilians":
            row["score"] = "borne out"
    write_csv(inventory, rows)
    record = forecasts.evaluate("f7-worse-violence-civilians", note="test", path=inventory)
    assert (record.score, record.recorded_score) == ("not borne out", "borne out")
    with pytest.raises(forecasts.ForecastError, match="differs from the one recorded in data/forecasts.csv"):
        forecasts.score("f7-worse-violence-civilians", note="test", path=inventory)
    with pytest.raises(forecasts.ForecastError, match="from the cited datasets only"):
        forecasts.score("f5-west-fewer-but-continuing", note="test", frame=data.load("indicators_by_year"))
