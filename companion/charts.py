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

import hashlib
import html
import io
import json
import textwrap
from collections import Counter

import altair as alt

from companion import RENDERER_ENV, in_book_build  # noqa: F401 - RENDERER_ENV read as charts.RENDERER_ENV by build.py and tests
BOOK_RENDERER = "companion-book"
THEME = "companion"
SPEC_MIMETYPE = "application/vnd.companion.vegalite+json"

# Okabe & Ito (2008): distinguishable under the common forms of colour-vision deficiency.
PALETTE = ["#0072B2", "#E69F00", "#009E73", "#D55E00", "#56B4E9", "#CC79A7", "#F0E442", "#000000"]
SUBTITLE_WIDTH = 96  # characters per line of the 12 px subtitle in the page column
FONT = "system-ui, -apple-system, 'Segoe UI', Roboto, 'DejaVu Sans', sans-serif"

_ids_seen: Counter[str] = Counter()


def theme() -> alt.theme.ThemeConfig:
    """Readable type, a colour-blind-safe palette, no chart border."""
    return {
        "config": {
            "font": FONT,
            "view": {"continuousWidth": 500, "continuousHeight": 300, "stroke": None},
            "range": {"category": PALETTE},
            "title": {"fontSize": 15, "anchor": "start", "subtitleFontSize": 12,
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
    if in_book_build():
        alt.renderers.register(BOOK_RENDERER, book_renderer)
        alt.renderers.enable(BOOK_RENDERER)
        return BOOK_RENDERER
    alt.renderers.enable("jupyter", offline=True)
    return "jupyter"


ANCHOR_COLUMNS = ("figure_text", "derivation", "locator_en")
TRACE_COLUMNS = ("source",)  # every row a chart draws names its source (the locator stays in the data file)
# A title is the finding in one line: at 1280 px the page column is about 690 px, which holds
# about 75 characters of the 15 px title (the browser test measures it). Detail goes to the subtitle.
TITLE_MAX = 75
NARROW_TITLE, NARROW_SUBTITLE = 36, 56  # characters per line in a page column below NARROW_WIDTH px
NARROW_WIDTH = 520
META = "companion"


def figure(chart: alt.TopLevelMixin, *, title: str, source: str, description: str,
           subtitle: str | None = None) -> alt.TopLevelMixin:
    """Give a chart what every chart in the book must carry.

    title: the finding, as one sentence of at most TITLE_MAX characters. source: the line naming
    where the data come from. subtitle: detail the title leaves out. description: what the chart
    shows, in words, for screen readers and for anyone skimming.
    """
    for name, value in (("title", title), ("source", source), ("description", description)):
        if not value or not value.strip():
            raise ValueError(f"a chart needs a non-empty {name}")
    if len(title) > TITLE_MAX:
        raise ValueError(f"a chart title is one line of at most {TITLE_MAX} characters ({len(title)} given: "
                         f"{title!r}); move the detail to the subtitle")
    # Vega does not wrap text: break the subtitle into lines, and keep narrower lines for a phone,
    # which the book's build turns into a choice made by the drawn width (companion.vega).
    texts = ([subtitle] if subtitle else []) + [f"Source: {source}"]
    lines = [piece for line in texts for piece in textwrap.wrap(line, SUBTITLE_WIDTH)]
    narrow = {"title": textwrap.wrap(title, NARROW_TITLE),
              "subtitle": [piece for line in texts for piece in textwrap.wrap(line, NARROW_SUBTITLE)]}
    return chart.properties(title=alt.Title(title, subtitle=lines), description=description,
                            usermeta={META: {"narrow": narrow}})


def chart_id(spec: dict) -> str:
    """A stable id: the spec's hash, with a suffix when the same spec appears again."""
    digest = hashlib.sha1(json.dumps(spec, sort_keys=True).encode()).hexdigest()[:12]
    _ids_seen[digest] += 1
    n = _ids_seen[digest]
    return f"chart-{digest}" if n == 1 else f"chart-{digest}-{n}"


def title_text(spec: dict) -> str:
    """A spec's title as one line of text (what the drawn chart is named for screen readers)."""
    title = spec.get("title")
    if isinstance(title, dict):
        title = title.get("text")
    return " ".join(title) if isinstance(title, list) else (title or "")


COMPOSED = ("hconcat", "vconcat", "concat", "facet", "repeat")


def book_renderer(spec: dict, **_: object) -> dict:
    """Altair renderer for the book build: a figure holding the Vega-Lite spec and its caption.

    The spec is compiled to Vega once per build, in the Sphinx process (companion.vega); the page
    then carries each chart's rows once, inside the compiled spec, and companion-charts.js builds
    the "Data behind this chart" table and its CSV from them when the reader opens it.
    """
    spec = dict(spec)
    spec.pop("$schema", None)  # no outside URL in the page
    # The anchoring columns serve the data checks (companion.anchors), not the reader.
    if "datasets" in spec:
        # A chart's rows carry the fields the chart uses and their source, nothing else:
        # a DataFrame's other columns would ride along into the page unseen.
        used = json.dumps({k: v for k, v in spec.items() if k != "datasets"})

        def drawn(field: str) -> bool:  # named as a field ("field": "x") or in an expression (datum.x)
            return (f'"{field}"' in used or f"datum.{field}" in used or f"datum['{field}']" in used
                    or f'datum[\\"{field}\\"]' in used)

        spec["datasets"] = {name: [{k: v for k, v in row.items()
                                    if k not in ANCHOR_COLUMNS and (k in TRACE_COLUMNS or drawn(k))} for row in rows]
                            for name, rows in spec["datasets"].items()}
    elif not spec.get("data", {}).get("values"):
        raise ValueError("a book chart must carry its data inline (pass a DataFrame to alt.Chart)")
    title, description = title_text(spec), spec.get("description", "")
    if not title or not description:
        raise ValueError("book charts need a title and a description: wrap them in companion.charts.figure()")
    if not any(key in spec for key in COMPOSED):
        # One view (or layers of one): as wide as the page column, on a phone as on a desktop.
        spec["width"] = "container"
        spec["autosize"] = {"type": "fit-x", "contains": "padding"}
    rows = sum(len(r) for r in spec["datasets"].values()) if "datasets" in spec else len(spec["data"]["values"])
    cid = chart_id(spec)
    spec_json = json.dumps(spec, sort_keys=True, ensure_ascii=True).replace("</", "<\\/")
    page = io.StringIO()
    page.write(f'<figure class="companion-chart" id="{cid}-figure">\n')
    # No role here: companion-charts.js names the drawn SVG, and Vega labels every mark.
    page.write(f'<div class="companion-chart-view" id="{cid}"></div>\n')
    page.write(f'<script type="{SPEC_MIMETYPE}" data-target="{cid}">{spec_json}</script>\n')
    page.write(f'<figcaption id="{cid}-caption">{html.escape(description)}</figcaption>\n')
    page.write(f'<details class="companion-chart-details" data-chart="{cid}"><summary>Data behind this chart ({rows} rows): '
               f'table and CSV</summary></details>\n</figure>')
    return {"text/html": page.getvalue()}
