"""The verdict rules at their edges, the precedence, the call's own requirements, and a snapshot
of the whole rule table so that any change to a tolerance shows every verdict it moves."""
from __future__ import annotations

import itertools
import json
from dataclasses import replace
from pathlib import Path

import pandas as pd
import pytest

from companion import ledger
from companion.ledger import Figure, Interval, LedgerError, Outcome, Search

pytestmark = pytest.mark.usefixtures("fixture_sources")


def searched_over_every_angle() -> list[Search]:
    """Four searches with distinct queries, one per angle, each with its result: what `unverifiable` needs."""
    return [Search(f"query {n}", "pages", "2026-12-05", angle, ledger.NOTHING)
            for n, angle in enumerate(ledger.SEARCH_ANGLES)]

SNAPSHOT = Path(__file__).parent / "snapshots" / "rule_table.json"


def verdict(report, independent, kind="count", precision="exact", bound="", unit=""):
    return ledger.judge({"kind": kind, "precision": precision, "bound": bound, "unit": unit,
                         "report_value": str(report)}, independent).verdict


@pytest.mark.parametrize("precision, reproduced_at, close_at, contradicted_at", [
    ("exact", 1010, 1100, 1101),          # ±1 % reproduced, ±10 % close
    ("approximate", 1100, 1250, 1251),    # ±10 %, ±25 %
])
def test_relative_tolerances_at_their_edges(precision, reproduced_at, close_at, contradicted_at):
    assert verdict(1000, reproduced_at, precision=precision) == "reproduced"
    assert verdict(1000, reproduced_at + 1, precision=precision) == "close"
    assert verdict(1000, close_at, precision=precision) == "close"
    assert verdict(1000, contradicted_at, precision=precision) == "contradicted"
    assert verdict(1000, 2000 - contradicted_at, precision=precision) == "contradicted"  # symmetric below


@pytest.mark.parametrize("precision, reproduced_at, close_at", [("exact", 0.5, 2.0), ("approximate", 2.0, 5.0)])
def test_percentages_are_compared_in_points(precision, reproduced_at, close_at):
    assert verdict(60, 60 + reproduced_at, "percent", precision) == "reproduced"
    assert verdict(60, 60 + reproduced_at + 0.01, "percent", precision) == "close"
    assert verdict(60, 60 - close_at, "percent", precision) == "close"
    assert verdict(60, 60 - close_at - 0.01, "percent", precision) == "contradicted"


def test_lower_bounds():
    assert verdict(30000, 31000, precision="bound", bound="at_least") == "reproduced"
    assert verdict(30000, 30000, precision="bound", bound="at_least") == "reproduced"
    assert verdict(30000, 27000, precision="bound", bound="at_least") == "close"       # 10 % short
    assert verdict(30000, 26999, precision="bound", bound="at_least") == "contradicted"
    assert verdict(30000, (27000, 31000), precision="bound", bound="at_least") == "reproduced"  # range reaches it


def test_upper_bounds():
    assert verdict(6500, 5000, precision="bound", bound="at_most") == "reproduced"
    assert verdict(6500, 7150, precision="bound", bound="at_most") == "close"
    assert verdict(6500, 7151, precision="bound", bound="at_most") == "contradicted"


def test_a_point_claim_against_an_estimate_range_uses_the_nearest_end():
    assert verdict(9_000_000, (6_500_000, 11_000_000), precision="approximate") == "reproduced"
    assert verdict(9_000_000, (9_950_000, 11_000_000), precision="approximate") == "close"


def test_dates_at_the_reports_granularity():
    assert verdict("2017-10", "2017-10-17", "date") == "reproduced"
    assert verdict("2017-10", "2017-11-07", "date") == "close"          # 7 days across the boundary
    assert verdict("2017-10", "2017-11-08", "date") == "contradicted"
    assert verdict("2017-08-09", "2017-08-08", "date") == "close"      # one day
    assert verdict("2017-08-09", "2017-08-07", "date") == "contradicted"
    assert verdict("2016", "2017-01-01", "date") == "contradicted"     # a wrong year is never close
    assert verdict("2016", "2016-12-31", "date") == "reproduced"


def test_dates_with_bounds():
    assert verdict("2011", "2011", "date", "bound", "at_least") == "reproduced"
    assert verdict("2011", "2013-05", "date", "bound", "at_least") == "reproduced"
    assert verdict("2011", "2010", "date", "bound", "at_least") == "contradicted"
    assert verdict("2017", "2016-03", "date", "bound", "at_most") == "reproduced"


def test_periods_ranges_and_rankings():
    assert verdict("2006..2008", "2006..2008", "period") == "reproduced"
    assert verdict("2006..2008", "2007..2009", "period") == "close"
    assert verdict("2006..2008", "2010..2011", "period") == "contradicted"
    assert verdict("10000..20000", (10500, 19000), "range", "approximate") == "reproduced"
    assert verdict("10000..20000", (12000, 15000), "range", "approximate") == "reproduced"  # inside
    assert verdict("200..999", 570, "range", "approximate") == "reproduced"
    assert verdict("10000..20000", (15000, 40000), "range", "approximate") == "close"
    assert verdict("10000..20000", (25000, 40000), "range", "approximate") == "contradicted"
    assert verdict(1, 1, "ranking") == "reproduced"
    assert verdict(1, 2, "ranking") == "contradicted"


def test_a_rank_from_an_incomplete_list_can_refute_but_not_prove():
    assert ledger.compare_ranking(1, 1, partial=True).verdict == "close"
    assert ledger.compare_ranking(1, 2, partial=True).verdict == "contradicted"  # missing entries cannot help
    assert ledger.compare_ranking(2, 1, partial=True).verdict == "close"         # a missing entry could be above
    assert ledger.compare_ranking(1, 1).verdict == "reproduced"


def attribution(report, independent, exclusive=False):
    return ledger.judge({"kind": "attribution", "report_value": report}, independent, exclusive=exclusive).verdict


def test_an_attribution_holds_for_the_body_named_or_a_part_of_it():
    assert attribution("US government", "US government/intelligence community") == "reproduced"
    assert attribution("US government/military", "us government/Military") == "reproduced"


def test_an_attribution_is_contradicted_only_on_positive_evidence_of_origin():
    """Finding the figure with another body does not show the named body never gave it."""
    for named, found in [("US government/military", "US government/State Department"),
                         ("US government", "Afghan government/Nangarhar provincial governor"),
                         ("US government/military", "US government"),   # a narrower body is not borne out by a broader one
                         ("US", "USA government")]:                     # parts are compared whole, not as text
        assert attribution(named, found) == "unverifiable", (named, found)
        assert attribution(named, found, exclusive=True) == "contradicted", (named, found)
    # the exclusive flag cannot turn a match into a contradiction
    assert attribution("US government", "US government/intelligence community", exclusive=True) == "reproduced"


def test_an_attribution_found_elsewhere_counts_as_no_figure(claims_file):
    rows = claims_file.read_text() + "ch1-who,1,who said,US government/military,who,attribution,exact,,,,,unverifiable,,minor,m\n"
    claims_file.write_text(rows)
    ledger.inventory_table.cache_clear()
    elsewhere = Figure("US government/State Department", "s", "l")
    with pytest.raises(LedgerError, match="at least 4 searches"):
        ledger.evaluate("ch1-who", [elsewhere], note="n", claims_path=claims_file)
    searched = searched_over_every_angle()
    assert ledger.evaluate("ch1-who", [elsewhere], note="n", searched=searched, claims_path=claims_file).verdict \
        == "unverifiable"
    exclusive = Figure("US government/State Department", "s", "l", exclusive=True)
    assert ledger.evaluate("ch1-who", [exclusive, elsewhere], note="n", claims_path=claims_file,
                           searched=searched).verdict == "contradicted"


def test_the_reports_own_arithmetic():
    claim = {"report_value": "48", "unit": "percent"}
    assert ledger.check_internal(claim, 50).verdict == "inconsistent"
    assert ledger.check_internal(claim, 48.3).verdict == "reproduced"
    assert ledger.check_internal(claim, (46, 49)).verdict == "reproduced"   # rounding of the inputs


def test_precedence():
    good, near, bad = Outcome("reproduced", ""), Outcome("close", ""), Outcome("contradicted", "")
    inconsistent = Outcome("inconsistent", "")
    assert ledger.combine([(good, False)], inconsistent).verdict == "inconsistent"
    assert ledger.combine([(bad, False), (good, False)]).verdict == "reproduced"   # most favourable
    assert ledger.combine([(bad, True), (good, False)]).verdict == "contradicted"  # the basis decides
    assert ledger.combine([(good, True), (near, True)]).verdict == "close"         # weakest basis holds
    assert ledger.combine([]).verdict == "unverifiable"
    assert ledger.combine([], Outcome("reproduced", "")).verdict == "reproduced"




def test_unverifiable_needs_four_searches_over_every_angle(claims_file):
    four = searched_over_every_angle()
    with pytest.raises(LedgerError, match="at least 4 searches"):
        ledger.evaluate("ch1-x", [], note="n", searched=four[:3], claims_path=claims_file)
    # the same query twice is one search
    with pytest.raises(LedgerError, match="at least 4 searches"):
        ledger.evaluate("ch1-x", [], note="n", claims_path=claims_file,
                        searched=four[:3] + [Search("Query 0", "docs", "2026-12-05", "other language", ledger.NOTHING)])
    # four queries, but one angle left out without a word
    one_angle = [Search(f"q{n}", "pages", "2026-12-05", "named source", ledger.NOTHING) for n in range(4)]
    with pytest.raises(LedgerError, match="other language"):
        ledger.evaluate("ch1-x", [], note="n", searched=one_angle[:3] + four[1:3], claims_path=claims_file)
    # an angle that does not apply is said so, and does not count as a search
    not_applicable = Search("", "", "2026-12-05", "other language", "not applicable: the event is reported in English")
    with pytest.raises(LedgerError, match="at least 4 searches"):
        ledger.evaluate("ch1-x", [], note="n", searched=four[:3] + [not_applicable], claims_path=claims_file)
    record = ledger.evaluate("ch1-x", [], note="n", claims_path=claims_file,
                             searched=four[:3] + [one_angle[0], not_applicable])
    assert record.verdict == "unverifiable" and len(record.searched) == 5
    # searches without a logged result do not count
    blank = [Search(f"q{n}", "pages", "2026-12-05", angle) for n, angle in enumerate(ledger.SEARCH_ANGLES)]
    with pytest.raises(LedgerError, match="at least 4 searches"):
        ledger.evaluate("ch1-x", [], note="n", searched=blank, claims_path=claims_file)


def test_only_the_reports_own_arithmetic_is_reproduced_from_its_own_figures(claims_file):
    """An arithmetic claim recomputed from the report's own figures is reproduced, and says it is not
    independently confirmed; any other kind needs an independent figure, or it is unverifiable."""
    own = ledger.evaluate("ch1-sum", [], implied=48.3, note="n", claims_path=claims_file)
    assert own.verdict == "reproduced" and ledger.own_arithmetic_only(own)
    assert "consistent with the report's own figures, not independently confirmed" in own.why
    assert not ledger.own_arithmetic_only(ledger.evaluate("ch1-sum", [Figure(48, "s", "l")], implied=48.3, note="n",
                                                          claims_path=claims_file))
    with pytest.raises(LedgerError, match="at least 4 searches"):
        ledger.evaluate("ch1-x", [], implied=100, note="n", claims_path=claims_file)
    count = ledger.evaluate("ch1-x", [], implied=100, note="n", claims_path=claims_file,
                            searched=searched_over_every_angle())
    assert count.verdict == "unverifiable" and "no independent figure" in count.why
    # Inconsistent needs no outside figure, whatever the kind: the report against itself.
    assert ledger.evaluate("ch1-x", [], implied=150, note="n", claims_path=claims_file).verdict == "inconsistent"


def test_every_verdict_needs_a_note_and_every_figure_a_source(claims_file):
    with pytest.raises(LedgerError, match="note"):
        ledger.evaluate("ch1-x", [Figure(100, "s", "l")], claims_path=claims_file)
    with pytest.raises(LedgerError, match="source key and a locator"):
        ledger.evaluate("ch1-x", [Figure(100, "s", "")], note="n", claims_path=claims_file)


def test_unknown_claims_are_refused(claims_file):
    with pytest.raises(LedgerError, match="no claim"):
        ledger.evaluate("ch9-nope", [Figure(1, "s", "l")], note="n", claims_path=claims_file)


def test_a_record_carries_what_the_pages_need(claims_file, monkeypatch):
    monkeypatch.delenv("COMPANION_CHART_RENDERER", raising=False)
    record = ledger.evaluate("ch1-x", [Figure(104, "afp2017lost60", "p. 1", "AFP")], note="why", claims_path=claims_file)
    assert (record.verdict, record.recorded_verdict) == ("close", "reproduced")
    assert record.figures[0]["shown"] == "104" and record.figures[0]["verdict"] == "close"
    json.loads(record.to_json())
    card = ledger.card_html(record)
    assert "✗" not in card and "≈ close" in card.replace("</span> ", " ").replace('<span aria-hidden="true">', "")
    assert "The verdict recorded in data/claims.csv is" in card
    assert 'href="https://www.straitstimes.com' in card  # in Jupyter: the source's own address


def test_in_the_book_a_card_cites_its_source_by_the_bibliography_entry(claims_file, monkeypatch):
    monkeypatch.setenv("COMPANION_CHART_RENDERER", "book")
    record = ledger.evaluate("ch1-x", [Figure(104, "afp2017lost60", "p. 1", "AFP")], note="why", claims_path=claims_file)
    card = ledger.card_html(record)
    assert 'href="bibliography.html#cite-afp2017lost60"' in card and "straitstimes" not in card


def rule_table() -> dict[str, str]:
    """Every kind × precision × bound against a ladder of independent values: the whole rule set."""
    table = {}
    ladder = [0.5, 0.74, 0.75, 0.89, 0.9, 0.99, 1.0, 1.01, 1.05, 1.1, 1.11, 1.25, 1.26, 2.0]
    for kind, precision in itertools.product(("count", "money", "distance", "rate"), ("exact", "approximate")):
        for factor in ladder:
            table[f"{kind}/{precision}/x{factor}"] = verdict(1000, 1000 * factor, kind, precision)
    for bound, factor in itertools.product(("at_least", "at_most"), ladder):
        table[f"count/bound/{bound}/x{factor}"] = verdict(1000, 1000 * factor, "count", "bound", bound)
    for precision, delta in itertools.product(("exact", "approximate", "bound"), (-6, -5, -2.5, -2, -0.5, 0, 0.5, 1, 2, 5, 6)):
        table[f"percent/{precision}/{delta:+}"] = verdict(50, 50 + delta, "percent", precision,
                                                          "at_least" if precision == "bound" else "")
    for report, independent in itertools.product(("2017", "2017-10", "2017-10-15"),
                                                 ("2016-12-31", "2017-09-24", "2017-09-30", "2017-10-14", "2017-10-15",
                                                  "2017-10-16", "2017-10-31", "2017-11-07", "2017-11-08", "2018-01-01")):
        table[f"date/{report}/{independent}"] = verdict(report, independent, "date")
    for independent in ("2006..2008", "2006..2007", "2005..2009", "2009..2011", "2004..2005"):
        table[f"period/2006..2008/{independent}"] = verdict("2006..2008", independent, "period")
    for independent in ((10000, 20000), (12000, 15000), (9000, 22000), (8000, 20000), (15000, 30000), (21000, 30000)):
        table[f"range/10000..20000/{independent}"] = verdict("10000..20000", independent, "range", "approximate")
    for rank in (1, 2, 3):
        table[f"ranking/1/{rank}"] = verdict(1, rank, "ranking")
    for claimed, last in itertools.product(("rise", "sharp rise", "decline", "sharp decline"),
                                           (40, 50, 50.5, 89.5, 90, 100, 110, 110.5, 149.9, 150, 300)):
        table[f"trend/{claimed}/100->{last}"] = ledger.judge(
            {"kind": "trend", "report_value": f"{claimed} 2014..2016"}, {2014: 100, 2015: 100, 2016: last}).verdict
    return table


def test_the_whole_rule_table_matches_its_snapshot():
    """If this fails, a rule changed: the diff lists every verdict it moves. Review it, then
    regenerate the snapshot with `python -m pytest tests/test_ledger.py --update-rule-snapshot`."""
    current = rule_table()
    if not SNAPSHOT.exists():
        pytest.fail(f"no snapshot at {SNAPSHOT}: create it with --update-rule-snapshot")
    recorded = json.loads(SNAPSHOT.read_text())
    moved = {k: f"{recorded.get(k)} -> {current.get(k)}" for k in sorted(set(current) | set(recorded))
             if current.get(k) != recorded.get(k)}
    assert moved == {}


def test_the_snapshot_covers_every_verdict_an_outside_comparison_can_give():
    assert set(json.loads(SNAPSHOT.read_text()).values()) == {"reproduced", "close", "contradicted"}


def test_interval_and_period_parsing():
    assert Interval.of("10000..20000") == Interval(10000, 20000)
    assert str(Interval.of(9000000)) == "9,000,000"
    with pytest.raises(LedgerError):
        Interval(2, 1)
    assert str(ledger.Period.of("2006..2008")) == "2006 – 2008"
    with pytest.raises(LedgerError):
        ledger.Period.of("August 9")


def test_records_serialise_numpy_and_pandas_values(claims_file):
    import numpy as np
    import pandas as pd

    record = ledger.evaluate("ch1-x", [Figure((np.int64(95), np.int64(105)), "s", "l"),
                                       Figure(np.float64(100.0), "s", "l")], note="n", claims_path=claims_file)
    assert json.loads(record.to_json())["figures"][0]["value"] == [95, 105]
    assert ledger._jsonable(pd.Timestamp("2017-10-17")) == "2017-10-17"


def test_figures_from_rows_keep_the_date_precision_of_the_row():
    import pandas as pd

    row = pd.Series({"date": pd.Timestamp("2017-03-01"), "date_precision": "month", "source": "s", "locator": "l"})
    figure = Figure.from_row(row, "date", "Westminster")
    assert figure.value == "2017-03" and figure.shown("date") == "March 2017"
    day = Figure.from_row(row.replace({"month": "day"}), "date")
    assert day.shown("date") == "1 March 2017"


def write_readings(tmp_path, *rows):
    path = tmp_path / "readings.csv"
    path.write_text("id,claim,reading,report_value,precision,bound,support,why\n" + "".join(r + "\n" for r in rows))
    ledger.inventory_table.cache_clear()  # inventories are read once per path; this path is rewritten
    return path


def test_equally_supported_readings_are_all_judged_and_the_more_favourable_is_recorded(claims_file, tmp_path):
    figure = [Figure(150, "afp2017lost60", "l")]
    readings = write_readings(tmp_path, "ch1-x-wider,ch1-x,as 150,150,,,equal,the sentence allows it")
    record = ledger.evaluate("ch1-x", figure, note="n", claims_path=claims_file, readings_path=readings)
    assert record.verdict == "reproduced" and record.report_value == "150"
    assert [(r["id"], r["verdict"], r["recorded"]) for r in record.readings] == [
        ("as-coded", "contradicted", False), ("ch1-x-wider", "reproduced", True)]
    assert "equally supported" in record.reading
    # A weaker reading is judged and shown, but never decides.
    weaker = write_readings(tmp_path, "ch1-x-wider,ch1-x,as 150,150,,,weaker,a stretch")
    record = ledger.evaluate("ch1-x", figure, note="n", claims_path=claims_file, readings_path=weaker)
    assert record.verdict == "contradicted" and [r["recorded"] for r in record.readings] == [True, False]
    card = ledger.card_html(record)
    assert "Readings of the sentence" in card and "as 150" in card and "weaker support: a stretch" in card
    with pytest.raises(LedgerError, match="support"):
        ledger.evaluate("ch1-x", figure, note="n", claims_path=claims_file,
                        readings_path=write_readings(tmp_path, "r,ch1-x,as 150,150,,,better,no"))


def test_the_basis_must_say_what_it_measures_and_why_and_decides_only_within_its_measure(claims_file):
    with pytest.raises(LedgerError, match="basis_why"):
        ledger.evaluate("ch1-x", [Figure(150, "s", "l", basis=True)], note="n", claims_path=claims_file)
    basis = Figure(150, "s", "l", basis=True, measure="people convicted", basis_why="the report's evident source")
    same = Figure(100, "t", "m", measure="people convicted")
    other = Figure(100, "t", "m", measure="people prosecuted")
    assert ledger.evaluate("ch1-x", [basis, other], note="n", claims_path=claims_file).verdict == "contradicted"
    held = ledger.evaluate("ch1-x", [basis, same], note="n", claims_path=claims_file)
    assert held.verdict == "reproduced" and "same measure as the basis" in held.why
    card = ledger.card_html(ledger.evaluate("ch1-x", [replace(basis, source="afp2017lost60")], note="n",
                                            claims_path=claims_file))
    assert "<strong>Basis</strong> (people convicted): the report&#x27;s evident source" in card


def test_an_error_without_materiality_stops(claims_file):
    text = claims_file.read_text().replace("reproduced,,minor,the step stands", "reproduced,,,")
    claims_file.write_text(text)
    ledger.inventory_table.cache_clear()
    wrong = ledger.evaluate("ch1-x", [Figure(150, "s", "l")], note="n", claims_path=claims_file)
    with pytest.raises(LedgerError, match="materiality"):
        ledger.check_recordable(wrong)  # reproduce() calls this in the book build
    right = ledger.evaluate("ch1-x", [Figure(100, "s", "l")], note="n", claims_path=claims_file)
    assert right.materiality == "" and ledger.check_recordable(right) is None


# The trend rule (issue 19), at its edges: flat band, sharpness, direction, gaps and definitions.
def trend(report: str, series: dict) -> str:
    return ledger.judge({"kind": "trend", "report_value": report, "precision": "approximate"}, series).verdict


@pytest.mark.parametrize("last, rise, sharp_rise, decline", [
    (110, "close", "close", "close"),              # +10%: still flat
    (110.5, "reproduced", "close", "contradicted"),  # just beyond the flat band
    (149.9, "reproduced", "close", "contradicted"),  # a rise, short of sharp
    (150, "reproduced", "reproduced", "contradicted"),  # +50%: sharp
    (90, "close", "close", "close"),               # -10%: flat
    (89.5, "contradicted", "contradicted", "reproduced"),
])
def test_trend_rule_at_its_edges(last, rise, sharp_rise, decline):
    series = {2014: 100, 2015: 120, 2016: 80, 2017: last}
    assert trend("rise 2014..2017", series) == rise
    assert trend("sharp rise 2014..2017", series) == sharp_rise
    assert trend("decline 2014..2017", series) == decline


def test_a_sharp_decline_needs_half_the_start_gone():
    assert trend("sharp decline 2015..2017", {2015: 100, 2016: 70, 2017: 50}) == "reproduced"
    assert trend("sharp decline 2015..2017", {2015: 100, 2016: 70, 2017: 50.5}) == "close"


def test_trend_compares_the_window_the_claim_names_not_the_whole_series():
    # 2018 falls outside the claimed window: the fall after it cannot touch the verdict.
    assert trend("rise 2014..2016", {2014: 1, 2015: 5, 2016: 9, 2017: 0, 2018: 0}) == "reproduced"


@pytest.mark.parametrize("report", ["rise", "sharp rise 2017..2014", "slow rise 2014..2017", "rise 2014-2017"])
def test_a_malformed_trend_claim_is_refused(report):
    with pytest.raises(ledger.LedgerError, match="not a trend"):
        trend(report, {2014: 1, 2015: 2})


def test_a_trend_is_never_judged_across_a_gap():
    with pytest.raises(ledger.LedgerError, match="lacks 2016"):
        trend("rise 2014..2017", {2014: 1, 2015: 2, 2017: 5})


def test_a_trend_series_on_two_definitions_is_refused():
    frame = pd.DataFrame({"year": [2016, 2017, 2018], "value": [1, 2, 3], "area": ["EU (with the UK)"] * 2 + ["EU"],
                          "source": ["a"] * 3, "locator": ["p. 1"] * 3})
    with pytest.raises(ledger.LedgerError, match="mixes definitions in 'area'"):
        ledger.trend_figure(frame, "value")
    figure = ledger.trend_figure(frame.assign(area="EU"), "value")
    assert figure.value == "2016:1;2017:2;2018:3" and figure.shown("trend") == "1 (2016) → 2 (2017) → 3 (2018)"


def test_a_figure_for_one_reading_is_judged_under_that_reading_alone(tmp_path, fixture_sources):
    claims_file = tmp_path / "claims.csv"
    claims_file.write_text(
        "id,chapter,quote,report_value,unit,kind,precision,bound,attributed_to,related,reading,verdict,error_kind,"
        "materiality,materiality_why,provenance\n"
        "ch1-t,1,q,sharp rise 2014..2016,attacks by lone actors,trend,approximate,,,,lone actors,unverifiable,,,,\n")
    def write(support):  # one file per support: inventories are read once per path
        readings_file = tmp_path / f"readings-{support}.csv"
        readings_file.write_text("id,claim,reading,report_value,precision,bound,support,why\n"
                                 f"ch1-t-all,ch1-t,all attacks,,,,{support},the term is used loosely\n")
        kwargs["readings_path"] = readings_file
    searches = tmp_path / "searches.csv"
    searches.write_text("claim,angle,query,where,date,result,result_url\n" + "".join(
        f"ch1-t,{a},query {i},pages,2026-12-06,nothing relevant,\n" for i, a in enumerate(ledger.SEARCH_ANGLES)))
    everything = Figure("2014:2;2015:17;2016:33", "s", "p. 1", reading="ch1-t-all")
    kwargs = dict(note="n", claims_path=claims_file, searches_path=searches, argument_path=tmp_path / "none.csv")
    write("weaker")
    record = ledger.evaluate("ch1-t", [everything], **kwargs)
    assert record.verdict == "unverifiable"  # the coded reading has no figure of its own
    assert [(r["id"], r["verdict"]) for r in record.readings] == [("as-coded", "unverifiable"), ("ch1-t-all", "reproduced")]
    assert record.figures[0]["verdict"] == "reproduced" and record.figures[0]["reading"] == "ch1-t-all"
    write("equal")
    assert ledger.evaluate("ch1-t", [everything], **kwargs).verdict == "reproduced"  # equally supported, kinder
    with pytest.raises(LedgerError, match="not in readings.csv for this claim: ch1-t-other"):
        ledger.evaluate("ch1-t", [replace(everything, reading="ch1-t-other")], **kwargs)
