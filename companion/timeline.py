"""The dated events of the book on one chart: what happened, when, and how the report dates it.

One function, used by the chapters and the intro page, so the timeline is drawn the same way
everywhere and always from `data/events.csv`.
"""
from __future__ import annotations

import altair as alt
import pandas as pd

from companion import charts, report

REPORT_DATE = pd.Timestamp(report.publication().date)  # from the report's bibliography entry


def region(place: str) -> str:
    """The country (or 'Iraq and Syria', 'Online', 'Publication') a place is in: the part after the last comma."""
    return place.rsplit(",", 1)[-1].strip()


def events_frame(events: pd.DataFrame, start: str = "2014-01-01", end=REPORT_DATE,
                 section: int | None = None) -> pd.DataFrame:
    """Events (and spans) that begin in the window, with what the chart needs.

    section: highlight the events that report section dates (its claims are named ch<section>-...)."""
    shown = events.reset_index() if "id" not in events.columns else events.copy()
    shown = shown[(shown.date >= pd.Timestamp(start)) & (shown.date <= pd.Timestamp(end))].copy()
    if shown.empty:
        raise ValueError(f"no events between {start} and {end}")
    shown["where"] = shown.place.map(region)
    shown["ends"] = shown.end_date.fillna(shown.date)
    dating = shown.report_dating.fillna("")
    shown["report"] = dating.map(lambda s: "Dated by the report" if s else "Context")
    if section is not None:
        here = dating.str.contains(f"(ch{section}-", regex=False)
        shown["report"] = shown.report.where(~here, f"Dated in section {section}").where(
            here | (shown.report == "Context"), "Dated elsewhere in the report")
    layouts = {"day": "%-d %B %Y", "month": "%B %Y", "year": "%Y"}
    shown["when"] = [f"{d:{layouts[p]}}" + (f" to {e:{layouts[p]}}" if e > d else "")
                     for d, e, p in zip(shown.date, shown.ends, shown.date_precision)]
    return shown


def timeline(events: pd.DataFrame, *, title: str, subtitle: str | None = None, start: str = "2014-01-01", end=REPORT_DATE, section: int | None = None,
             source: str = "Events dataset (data/events.csv); each event's source is in its row") -> alt.TopLevelMixin:
    """A dot per event (a bar for spans) by place, coloured by whether the report (or one section) dates it."""
    shown = events_frame(events, start, end, section)
    # A point event ships no end (null): only spans draw a bar, and the repeated date is weight on every page.
    shown = shown.assign(ends=shown.ends.where(shown.ends > shown.date))
    order = shown.sort_values("date")["where"].drop_duplicates().tolist()
    if section is None:
        domain, colours = ["Dated by the report", "Context"], ["#D55E00", "#0072B2"]
    else:
        domain = [f"Dated in section {section}", "Dated elsewhere in the report", "Context"]
        colours = ["#D55E00", "#E69F00", "#0072B2"]
    colour = alt.Color("report:N", title=None, scale=alt.Scale(domain=domain, range=colours))
    base = alt.Chart(shown).encode(
        y=alt.Y("where:N", title=None, sort=order),
        tooltip=[alt.Tooltip("event:N", title="Event"), alt.Tooltip("when:N", title="When"),
                 alt.Tooltip("place:N", title="Where"), alt.Tooltip("deaths:Q", title="Deaths")]
        # The report's dating only where some event has one (none after the report): an empty field is weight.
        + ([alt.Tooltip("report_dating:N", title="The report's dating")] if shown.report_dating.notna().any() else []),
    )
    dots = base.mark_point(size=80, filled=True).encode(
        x=alt.X("date:T", title="Date", scale=alt.Scale(domain=[pd.Timestamp(start).isoformat(), pd.Timestamp(end).isoformat()])),
        color=colour)
    layers = [dots]
    if (shown.ends > shown.date).any():  # an empty layer would leave an unlabelled graphic for screen readers
        layers.insert(0, base.transform_filter("datum.ends > datum.date").mark_rule(strokeWidth=6, opacity=0.6).encode(
            x="date:T", x2="ends:T", color=colour))
    highlighted = "the events this section dates" if section is not None else "the events the report itself dates"
    return charts.figure(
        alt.layer(*layers).properties(height=alt.Step(22)),
        title=title,
        subtitle=(f"{subtitle} " if subtitle else "") + f"Events in the book's data by country (or 'Online', 'Publication'); orange: {highlighted}; bars: events that lasted weeks or months",
        source=source,
        # Counts by place, in the chart's order: each event, with its date, place and source, is in the
        # table under the chart, so the caption does not carry the whole dataset a second time.
        description=f"Timeline of {len(shown)} events from {shown.date.min():%B %Y} to {shown.date.max():%B %Y}, by "
                    "place: " + "; ".join(f"{place} {n}" for place, n in shown["where"].value_counts()[order].items())
                    + f". {(shown.report != 'Context').sum()} of them are {highlighted}. The table under the chart "
                    "lists each event with its date, place and source.",
    )
