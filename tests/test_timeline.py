"""The events timeline: every event in the window is drawn, spans as bars, and an empty window is an error."""
import pandas as pd
import pytest

from companion import data, timeline


@pytest.fixture(scope="module")
def events():
    return data.load("events")


def test_every_event_in_the_window_is_drawn_once(events):
    chart = timeline.timeline(events, title="t", start="2017-01-01", end="2017-12-31")
    [rows] = chart.to_dict()["datasets"].values()
    expected = events[(events.date >= "2017-01-01") & (events.date <= "2017-12-31")]
    assert sorted(r["id"] for r in rows) == sorted(expected.id)


def test_spans_keep_their_end_and_events_the_report_dates_are_marked(events):
    frame = timeline.events_frame(events, "2017-01-01", "2017-12-31").set_index("id")
    assert frame.loc["marawi-siege", "ends"] == pd.Timestamp("2017-10-23")
    assert frame.loc["new-york-truck-attack", "report"] == "Dated by the report"
    assert frame.loc["quetta-pishin-stop-attack", "report"] == "Context"
    assert frame.loc["quetta-church-attack", "where"] == "Pakistan"


def test_an_empty_window_is_an_error_not_an_empty_chart(events):
    with pytest.raises(ValueError, match="no events between"):
        timeline.timeline(events, title="t", start="1990-01-01", end="1990-12-31")


def test_a_section_is_highlighted_and_dates_keep_their_precision(events):
    frame = timeline.events_frame(events, "1996-01-01", "2018-01-31", section=7).set_index("id")
    assert frame.loc["quetta-church-attack", "report"] == "Dated in section 7"
    assert frame.loc["paris-attacks", "report"] == "Dated elsewhere in the report"
    assert frame.loc["afghan-camps-training", "when"] == "1996 to 2001"      # a year, not "January 1996"
    assert frame.loc["westminster-attack", "when"] == "March 2017"
    assert frame.loc["marawi-siege", "when"] == "23 May 2017 to 23 October 2017"


def test_a_window_without_spans_draws_no_empty_layer(events):
    chart = timeline.timeline(events, title="t", start="2014-01-01", end="2014-12-31").to_dict()
    assert len(chart["layer"]) == 1
