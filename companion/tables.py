"""One way to print a table anywhere in the companion: plain semantic HTML that reads like print.

`table(frame, caption=...)` is the only call. It writes a <table> with a caption, column headers
in words (`<th scope="col">`), each row's first cell as its header (`<th scope="row">`), no
DataFrame index, numbers with thousands separators, dates as dates, an em dash for an empty
cell, text wrapped and never cut, and bibliography keys linked to their entry on the
bibliography page. Units go in the header: "Length (km)". At phone width every row reflows into
a card of label: value lines (companion.css), so no table is wider than its column.

The style comes from companion.css: the book loads it on every page; in Jupyter the table brings
it inline, as the claim cards do.
"""
from __future__ import annotations

import html
import math
import numbers
import re
from collections.abc import Iterable, Mapping
from datetime import date, datetime

import pandas as pd

from companion import inline_style

NUM = ' class="num"'
EMPTY = "—"  # an em dash, never <NA>, NaN or NaT
BIBLIOGRAPHY_PAGE = "bibliography.html"


def cite_anchor(key: str) -> str:
    """The id of a bibliography entry on the bibliography page (`bibtex_cite_id` in _config.yml)."""
    from docutils.nodes import make_id

    return make_id(f"cite-{key}")


def source_link(key: str, page: str = BIBLIOGRAPHY_PAGE, *, with_title: bool = True) -> str:
    """A short citation linking to the source's entry in the book's bibliography, with its tier
    mark (and the source's title on hover, unless a page with many citations leaves it out)."""
    from companion.bib import entries, plain_title, short, tier_mark

    if key not in entries():
        raise KeyError(f"source {key!r} is not in references.bib")
    hover = f' title="{html.escape(plain_title(key))}"' if with_title else ""
    return (f'<a class="reference internal" href="{page}#{cite_anchor(key)}"{hover}>'
            f'{html.escape(short(key))}</a>{tier_mark(key)}')


def header_words(name: object) -> str:
    """`per_million_as_published` -> 'Per million as published'."""
    words = str(name).replace("_", " ").strip()
    return words[:1].upper() + words[1:]


def is_empty(value: object) -> bool:
    if value is None or value is pd.NA or value is pd.NaT:
        return True
    if isinstance(value, float) and math.isnan(value):
        return True
    return isinstance(value, str) and not value.strip()


def is_year_column(name: object) -> bool:
    """Years print without a separator: 2017, not 2,017."""
    words = str(name).lower().replace("_", " ").split()
    return "year" in words or "years" in words


def format_value(value: object, *, decimals: int | None = None, separators: bool = True) -> str:
    """One cell as text: separators for numbers, '5 July 2017' for dates, an em dash for nothing."""
    if is_empty(value):
        return EMPTY
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, (pd.Timestamp, datetime)):
        stamp = pd.Timestamp(value)
        day = f"{stamp.day} {stamp:%B %Y}"
        return day if (stamp.hour, stamp.minute, stamp.second) == (0, 0, 0) else f"{day}, {stamp:%H:%M}"
    if isinstance(value, date):
        return f"{value.day} {value:%B %Y}"
    if isinstance(value, numbers.Integral):
        return f"{int(value):,}" if separators else str(int(value))
    if isinstance(value, numbers.Real):
        if decimals is not None:
            return f"{float(value):,.{decimals}f}"
        if float(value).is_integer():
            return f"{int(value):,}" if separators else str(int(value))
        # As many decimals as the value has, up to six: a table never rounds a figure it reports.
        return f"{float(value):,.6f}".rstrip("0").rstrip(".")
    return str(value)


_LONG_TOKEN = re.compile(r"[^\s<>]{12,}")
_SEPARATOR = re.compile(r"([_/.=,;:|()\[\]-])(?=[^\s])")
_UNBROKEN = re.compile(r"[^_/.=,;:|()\[\]\s<>-]{20,}")


def breakable(text: str) -> str:
    """Let a long identifier, address or pattern wrap after its separators (data/ihs_territory.csv,
    population_under_rule), and a run of 20 characters with none every 16, so no column needs to
    be wider than the page. (Escaped text: `&` and `;` of an entity are never split.)"""
    def split(token: str) -> str:
        if "&" in token:
            return token
        token = _SEPARATOR.sub(r"\1<wbr>", token)
        return _UNBROKEN.sub(lambda m: "<wbr>".join(m.group()[i:i + 16] for i in range(0, len(m.group()), 16)), token)

    return _LONG_TOKEN.sub(lambda m: split(m.group()), text)


class Table:
    """A finished table: `_repr_html_` for Jupyter and the book, `html` for pages built in Sphinx."""

    def __init__(self, body: str, caption: str):
        self.html = body
        self.caption = caption

    def __str__(self) -> str:
        return self.html

    def _repr_html_(self) -> str:
        return inline_style() + self.html


def table(frame: pd.DataFrame, *, caption: str, headers: Mapping[str, str] | None = None,
          units: Mapping[str, str] | None = None, sources: Iterable[str] = ("source",),
          decimals: Mapping[str, int] | None = None, html_columns: Iterable[str] = (),
          row_headers: bool = True, classes: str = "", link_page: str = BIBLIOGRAPHY_PAGE,
          table_id: str | None = None, row_ids: str | None = None, row_data: Mapping[str, str] | None = None, sortable: bool = False) -> Table:
    """Write `frame` as the book's table.

    caption: what the table shows, as a sentence. headers: column -> words, where the default
    ('per_million' -> 'Per million') will not do. units: column -> unit, shown in the header.
    sources: columns holding bibliography keys ('; '-separated for several), each linked to its
    entry. decimals: column -> fixed decimals. html_columns: columns already holding HTML (the
    caller escaped it). A named index becomes the first column; an unnamed one is dropped.
    For interactive tables (the ledger): table_id, row_data (column -> data-* attribute on each
    row; the column itself is not shown) and sortable (each header a sort button, for
    companion-ledger.js). row_ids: a column whose values become each row's id (an anchor to link
    to; the column itself is not shown).
    """
    if not caption or not caption.strip():
        raise ValueError("a table needs a caption that says what it shows")
    if frame.index.name is not None or any(name is not None for name in frame.index.names[1:]):
        frame = frame.reset_index()
    row_data = dict(row_data or {})
    attributes = frame[list(row_data)] if row_data else None
    anchors = list(frame[row_ids]) if row_ids else None
    frame = frame.drop(columns=list(row_data) + ([row_ids] if row_ids else []))
    headers, units, decimals = dict(headers or {}), dict(units or {}), dict(decimals or {})
    sources, html_columns = set(sources) & set(frame.columns), set(html_columns)
    unknown = (set(headers) | set(units) | set(decimals) | html_columns) - set(frame.columns)
    if unknown:
        raise KeyError(f"table {caption!r}: no column(s) {', '.join(sorted(map(str, unknown)))}")
    labels = []
    for column in frame.columns:
        label = headers.get(column, header_words(column))
        labels.append(f"{label} ({units[column]})" if column in units else label)
    numeric = {column for column in frame.columns
               if pd.api.types.is_numeric_dtype(frame[column]) and not pd.api.types.is_bool_dtype(frame[column])}

    def cell(column: str, value: object) -> str:
        if column in sources and not is_empty(value):
            return ", ".join(source_link(key, link_page) for key in str(value).split("; ") if key)
        if column in html_columns and not is_empty(value):
            return str(value)
        return breakable(html.escape(format_value(value, decimals=decimals.get(column),
                                                  separators=not is_year_column(column))))

    rows = []
    for number, values in enumerate(frame.itertuples(index=False, name=None)):
        cells = []
        for position, (column, label, value) in enumerate(zip(frame.columns, labels, values)):
            tag = "th" if row_headers and position == 0 else "td"
            scope = ' scope="row"' if tag == "th" else ""
            kind = NUM if column in numeric else ""
            cells.append(f'<{tag}{scope}{kind} data-label="{html.escape(label)}">{cell(column, value)}</{tag}>')
        data = "".join(f' data-{name}="{html.escape(format_value(attributes.iloc[number][column], separators=False))}"'
                       for column, name in row_data.items()) if row_data else ""
        anchor = f' id="{html.escape(str(anchors[number]))}"' if anchors else ""
        rows.append(f"<tr{anchor}{data}>" + "".join(cells) + "</tr>")
    def heading(position: int, column: str, label: str) -> str:
        text = html.escape(label)
        if sortable:
            text = f'<button type="button" class="table-sort" data-column="{position}">{text}</button>'
        return f'<th scope="col"{NUM if column in numeric else ""}>{text}</th>'

    head = "".join(heading(i, column, label) for i, (column, label) in enumerate(zip(frame.columns, labels)))
    class_names = " ".join(["companion-table", *classes.split()] + (["many-columns"] if len(labels) >= 7 else []))
    ident = f' id="{html.escape(table_id)}"' if table_id else ""
    return Table(f'<div class="companion-table-wrap"><table class="{class_names}"{ident}>'
                 f"<caption>{html.escape(caption)}</caption><thead><tr>{head}</tr></thead>"
                 f"<tbody>{''.join(rows)}</tbody></table></div>", caption)
