"""Vega-Lite to Vega, once per build, in the Sphinx process.

A chapter's kernel writes each chart's Vega-Lite spec into the page (companion.charts). Before the
page is written, the book's Sphinx extension compiles every spec to Vega with vl-convert (locked
in requirements.lock; its Vega-Lite equals Altair's), so no page loads vega-lite or compiles in the
reader's browser, and companion-charts.js draws with vega alone. Compiling here rather than in
each kernel keeps vl-convert's start-up out of every chapter's execution.

The compiled spec keeps no outside URL (`$schema` and the like go). A single-view chart's title
and subtitle become a choice by drawn width: one line on a desktop column, shorter lines on a
phone (the lines come from companion.charts.figure).
"""
from __future__ import annotations

import functools
import html
import json
import re

from companion.charts import META, NARROW_WIDTH, SPEC_MIMETYPE, title_text

VEGA_MIMETYPE = "application/vnd.companion.vega+json"
VEGALITE_VERSION = "6.4"  # vl-convert's name for the Vega-Lite that Altair writes (6.4.x; tests/test_charts.py)
SPEC = re.compile(r'<script type="' + re.escape(SPEC_MIMETYPE) + r'" data-target="([^"]+)">(.*?)</script>', re.S)
URL = re.compile(r"^(?:https?:)?//")


class ChartCompileError(ValueError):
    pass


def _without_urls(node):
    """The spec with `$schema` and every value that is an outside URL dropped."""
    if isinstance(node, dict):
        return {k: _without_urls(v) for k, v in node.items()
                if k != "$schema" and not (isinstance(v, str) and URL.match(v))}
    if isinstance(node, list):
        return [_without_urls(v) for v in node]
    return node


def _literal(value) -> str:
    return json.dumps(value, ensure_ascii=True)


CONFIG_SCRIPT = "companion-chart-config.js"


@functools.lru_cache(maxsize=1)
def book_config() -> dict:
    """The Vega config every book chart compiles to (the companion theme's): shipped once in
    _static/companion-chart-config.js instead of once per chart."""
    import altair as alt
    import pandas as pd
    import vl_convert

    from companion import charts

    alt.theme.register(charts.THEME, enable=True)(charts.theme)
    spec = alt.Chart(pd.DataFrame({"x": [1]})).mark_point().encode(x="x:Q").to_dict()
    return _without_urls(vl_convert.vegalite_to_vega(spec, vl_version=VEGALITE_VERSION)).get("config", {})


def config_script() -> str:
    return ("// The Vega config of every chart in the book (companion.vega.book_config), shipped once.\n"
            f"window.companionChartConfig = {json.dumps(book_config(), sort_keys=True)};\n")


@functools.lru_cache(maxsize=256)
def compile_json(vegalite_json: str) -> str:
    """Vega JSON for a Vega-Lite spec, ready to sit in a <script> element."""
    import vl_convert

    spec = json.loads(vegalite_json)
    narrow = ((spec.get("usermeta") or {}).get(META) or {}).get("narrow")
    try:
        vega = vl_convert.vegalite_to_vega(spec, vl_version=VEGALITE_VERSION)
    except Exception as error:  # vl-convert raises ValueError with Vega-Lite's message
        raise ChartCompileError(f"Vega-Lite could not compile the chart titled {spec.get('title')!r}: {error}") from error
    vega = _without_urls(vega)
    vega.pop("usermeta", None)
    # The description is the figure's caption, right under the chart, and the drawn SVG points to
    # it (aria-describedby): a second copy inside the spec would only add weight.
    vega.pop("description", None)
    if vega.get("config") == book_config():
        del vega["config"]  # companion-charts.js puts back the one shipped in CONFIG_SCRIPT
    title = vega.get("title")
    if narrow and isinstance(title, dict) and spec.get("width") == "container":
        # The page column's width decides (not the plot's, which long axis labels narrow); naming
        # `width` makes the choice follow a resize.
        narrow_column = f"width >= 0 && isFinite(containerSize()[0]) && containerSize()[0] < {NARROW_WIDTH}"
        wide_text, wide_subtitle = title.get("text"), title.get("subtitle")
        title["text"] = {"signal": f"{narrow_column} ? {_literal(narrow['title'])} : {_literal(wide_text)}"}
        if wide_subtitle:
            title["subtitle"] = {"signal": f"{narrow_column} ? {_literal(narrow['subtitle'])} : "
                                           f"{_literal(wide_subtitle)}"}
    return json.dumps(vega, sort_keys=True, ensure_ascii=True, separators=(",", ":")).replace("</", "<\\/")


def compile_page(body: str) -> str:
    """A page body with every Vega-Lite chart replaced by its compiled Vega spec."""
    def replace(match: re.Match) -> str:
        # The title names the drawn SVG (aria-label); the figure's caption describes it.
        target, source = match.group(1), match.group(2)
        return (f'<script type="{VEGA_MIMETYPE}" data-target="{target}" '
                f'data-label="{html.escape(title_text(json.loads(source)))}">{compile_json(source)}</script>')

    return SPEC.sub(replace, body)
