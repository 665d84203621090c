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
# card's evidence rows (companion.forecasts).
DEFERRED = re.compile(r'(<details class="(?:admonition hide above-input|admonition hide above-output|'
                      r'admonition hide below-input|claim-searches|forecast-evidence)"[^>]*>.*?</summary>)'
                      r'(.*?)(</details>)', re.S)
PLACEHOLDER = ('<div class="companion-deferred" data-page="{page}" data-part="{part}" data-src="{src}">'
               '<noscript>Opens with JavaScript (also in the notebook and ledger.json).</noscript></div>')


def script_name(pagename: str) -> str:
    return pagename.replace("/", "__") + ".js"


def defer(body: str, pagename: str) -> tuple[str, list[str]]:
    """The page body with each folded part replaced by a placeholder, and the parts in order."""
    parts: list[str] = []
    src = "../" * pagename.count("/") + f"_static/{FOLDER}/{script_name(pagename)}"

    def replace(match: re.Match) -> str:
        parts.append(match.group(2))
        placeholder = PLACEHOLDER.format(page=html.escape(pagename), part=len(parts) - 1, src=html.escape(src))
        return match.group(1) + placeholder + match.group(3)

    return DEFERRED.sub(replace, body), parts


def script(pagename: str, parts: list[str]) -> str:
    """The script that hands a page's folded parts to companion-deferred.js."""
    payload = json.dumps(parts, ensure_ascii=False).replace("</", "<\\/")
    return (f"window.companionDeferred = window.companionDeferred || {{}};\n"
            f"window.companionDeferred[{json.dumps(pagename)}] = {payload};\n")
