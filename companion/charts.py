"""One theme and one renderer for every chart in the companion.

`setup()` is the only call a chapter makes. It registers the theme and picks the renderer:

* inside the book build (COMPANION_CHART_RENDERER=book, set by `make book` and by the
  companion Sphinx extension), each chart becomes a <figure> holding its Vega-Lite spec as
  JSON; `_static/companion-charts.js` draws it as SVG with the vega scripts the book ships
  in `_static/vendor/`. Nothing is fetched from a CDN.
* anywhere else (JupyterLab, a script), Altair's documented offline Jupyter renderer, which
  draws from the JavaScript bundled with vl-convert-python.

Element ids are derived from the spec (a hash) plus the order of appearance in the kernel,
so two builds of the same page produce the same ids and no id repeats within a page.
"""
from __future__ import annotations

import base64
import hashlib
import html
import io
import json
import os
import textwrap
from collections import Counter

import altair as alt
import pandas as pd

RENDERER_ENV = "COMPANION_CHART_RENDERER"
BOOK_RENDERER = "companion-book"
THEME = "companion"
SPEC_MIMETYPE = "application/vnd.companion.vegalite+json"

# Okabe & Ito (2008): distinguishable under the common forms of colour-vision deficiency.
PALETTE = ["#0072B2", "#E69F00", "#009E73", "#D55E00", "#56B4E9", "#CC79A7", "#F0E442", "#000000"]
TITLE_WIDTH, SUBTITLE_WIDTH = 64, 96  # characters per line, for a chart about 500 px wide
FONT = "system-ui, -apple-system, 'Segoe UI', Roboto, 'DejaVu Sans', sans-serif"

_ids_seen: Counter[str] = Counter()


def theme() -> alt.theme.ThemeConfig:
    """Readable type, a colour-blind-safe palette, no chart border."""
    return {
        "config": {
            "font": FONT,
            "view": {"continuousWidth": 500, "continuousHeight": 300, "stroke": None},
            "range": {"category": PALETTE},
            "title": {"fontSize": 16, "anchor": "start", "subtitleFontSize": 12,
                      "subtitleColor": "#444444", "offset": 12},
            "axis": {"labelFontSize": 12, "titleFontSize": 13, "titleFontWeight": "normal",
                     "labelColor": "#222222", "titleColor": "#222222", "gridColor": "#e6e6e6"},
            "legend": {"labelFontSize": 12, "titleFontSize": 13, "orient": "bottom", "direction": "horizontal", "columns": 2, "labelLimit": 320},
            "line": {"strokeWidth": 2.5},
            "point": {"size": 70, "filled": True},
        }
    }


def setup() -> str:
    """Register the theme and pick the renderer for this context; return the renderer's name."""
    alt.theme.register(THEME, enable=True)(theme)
    if os.environ.get(RENDERER_ENV) == "book":
        alt.renderers.register(BOOK_RENDERER, book_renderer)
        alt.renderers.enable(BOOK_RENDERER)
        return BOOK_RENDERER
    alt.renderers.enable("jupyter", offline=True)
    return "jupyter"


ANCHOR_COLUMNS = ("figure_text", "derivation", "locator_en")


def figure(chart: alt.TopLevelMixin, *, title: str, source: str, description: str,
           subtitle: str | None = None) -> alt.TopLevelMixin:
    """Give a chart what every chart in the book must carry.

    title: the finding, as a sentence. source: the line naming where the data come from.
    description: what the chart shows, in words, for screen readers and for anyone skimming.
    """
    for name, value in (("title", title), ("source", source), ("description", description)):
        if not value or not value.strip():
            raise ValueError(f"a chart needs a non-empty {name}")
    # Vega does not wrap titles: break long ones into lines so the chart fits the page column.
    lines = [piece for line in ([subtitle] if subtitle else []) + [f"Source: {source}"]
             for piece in textwrap.wrap(line, SUBTITLE_WIDTH)]
    heading = textwrap.wrap(title, TITLE_WIDTH)
    return chart.properties(title=alt.Title(heading[0] if len(heading) == 1 else heading, subtitle=lines),
                            description=description)


def chart_id(spec: dict) -> str:
    """A stable id: the spec's hash, with a suffix when the same spec appears again."""
    digest = hashlib.sha1(json.dumps(spec, sort_keys=True).encode()).hexdigest()[:12]
    _ids_seen[digest] += 1
    n = _ids_seen[digest]
    return f"chart-{digest}" if n == 1 else f"chart-{digest}-{n}"


def _datasets_frame(spec: dict) -> pd.DataFrame:
    """The rows the chart draws, from the spec's inline datasets (one table per chart)."""
    frames = [pd.DataFrame(rows) for rows in spec.get("datasets", {}).values()]
    if not frames:
        values = spec.get("data", {}).get("values")
        frames = [pd.DataFrame(values)] if values else []
    if not frames:
        raise ValueError("a book chart must carry its data inline (pass a DataFrame to alt.Chart)")
    return pd.concat(frames, ignore_index=True) if len(frames) > 1 else frames[0]


def _title_text(spec: dict) -> str:
    title = spec.get("title")
    if isinstance(title, dict):
        title = title.get("text")
    return " ".join(title) if isinstance(title, list) else (title or "")


def book_renderer(spec: dict, **_: object) -> dict:
    """Altair renderer for the book build: a figure with the spec, a caption and the data."""
    spec = dict(spec)
    spec.pop("$schema", None)  # no outside URL in the page; the shipped vega-lite is the version
    # The anchoring columns serve the data checks (companion.anchors); a chart's rows show the locator.
    if "datasets" in spec:
        spec["datasets"] = {name: [{k: v for k, v in row.items() if k not in ANCHOR_COLUMNS} for row in rows]
                            for name, rows in spec["datasets"].items()}
    title, description = _title_text(spec), spec.get("description", "")
    if not title or not description:
        raise ValueError("book charts need a title and a description: wrap them in companion.charts.figure()")
    cid = chart_id(spec)
    data = _datasets_frame(spec)
    csv_text = data.to_csv(index=False)
    csv_href = "data:text/csv;charset=utf-8;base64," + base64.b64encode(csv_text.encode()).decode()
    table = data.to_html(index=False, border=0, classes="companion-chart-data", na_rep="")
    spec_json = json.dumps(spec, sort_keys=True, ensure_ascii=True).replace("</", "<\\/")
    page = io.StringIO()
    page.write(f'<figure class="companion-chart" id="{cid}-figure">\n')
    # No role here: companion-charts.js names the drawn SVG, and Vega labels every mark.
    page.write(f'<div class="companion-chart-view" id="{cid}"></div>\n')
    page.write(f'<script type="{SPEC_MIMETYPE}" data-target="{cid}">{spec_json}</script>\n')
    page.write(f'<figcaption>{html.escape(description)}</figcaption>\n')
    page.write(f'<details class="companion-chart-details"><summary>Data behind this chart '
               f'({len(data)} rows): table and CSV</summary>\n{table}\n'
               f'<p><a download="{cid}.csv" href="{csv_href}">Download the data (CSV)</a></p>\n'
               f'</details>\n</figure>')
    return {"text/html": page.getvalue()}
