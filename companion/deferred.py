"""Folded content that loads when a reader opens it.

A folded chart specification, a folded table and a claim card's search log are read by few
readers but weighed on every visit: together they were a third of a long chapter's HTML. The
book's Sphinx extension moves the inside of those <details> elements into a small script next
to the page (`_static/deferred/<page>.js`) and leaves a placeholder; companion-deferred.js loads
the script the first time a reader opens one of them. A <script> element, unlike fetch(), loads
from file:// too, so this works from a zip as over http. The downloaded notebook, ledger.json
and the data files keep everything.
"""
from __future__ import annotations

import html
import json
import re

FOLDER = "deferred"
# myst-nb's folded input and output, a claim card's search log (companion.ledger) and a forecast
# card's evidence rows, judgement criteria and sensitivity to window and reading (companion.forecasts),
# and the forecast scorecard (companion.ledger_ext).
DEFERRED = re.compile(r'(<details class="(?:admonition hide above-input|admonition hide above-output|'
                      r'admonition hide below-input|claim-searches|forecast-evidence|forecast-criteria|'
                      r'forecast-sensitivity|forecast-scorecard)"[^>]*>.*?</summary>)'
                      r'(.*?)(</details>)', re.S)
# One small placeholder per folded part; the page and its script are named once, in SOURCE (a long
# chapter has some sixty folded parts, and repeating them in each placeholder cost about 10 KB).
PLACEHOLDER = '<div class="companion-deferred" data-part="{part}"><noscript>Opens with JavaScript.</noscript></div>'
SOURCE = '<div id="companion-deferred-source" data-page="{page}" data-src="{src}" hidden></div>'


def script_name(pagename: str) -> str:
    return pagename.replace("/", "__") + ".js"


def defer(body: str, pagename: str) -> tuple[str, list[str]]:
    """The page body with each folded part replaced by a placeholder, and the parts in order."""
    parts: list[str] = []
    src = "../" * pagename.count("/") + f"_static/{FOLDER}/{script_name(pagename)}"

    def replace(match: re.Match) -> str:
        parts.append(match.group(2))
        return match.group(1) + PLACEHOLDER.format(part=len(parts) - 1) + match.group(3)

    body = DEFERRED.sub(replace, body)
    if parts:
        body += SOURCE.format(page=html.escape(pagename), src=html.escape(src))
    return body, parts


def script(pagename: str, parts: list[str]) -> str:
    """The script that hands a page's folded parts to companion-deferred.js."""
    payload = json.dumps(parts, ensure_ascii=False).replace("</", "<\\/")
    return (f"window.companionDeferred = window.companionDeferred || {{}};\n"
            f"window.companionDeferred[{json.dumps(pagename)}] = {payload};\n")
