"""Short citations from book/references.bib, for claim cards and tables outside Sphinx's {cite}."""
from __future__ import annotations

import html
from functools import lru_cache

from pybtex.database import parse_file

from companion import BIBLIOGRAPHY


@lru_cache(maxsize=None)
def _entries(path: str):
    return parse_file(path, bib_format="bibtex").entries


def entries(path=BIBLIOGRAPHY):
    """The parsed entries of a bibliography file (the book's own by default), parsed once per file."""
    return _entries(str(path))


def short(key: str) -> str:
    """Author (year), with corporate authors kept whole: 'IHS Markit (2017)'."""
    entry = entries()[key]
    people = entry.persons.get("author", [])
    names = [" ".join(p.last_names) or " ".join(p.first_names) for p in people]
    author = names[0] + (" et al." if len(names) > 2 else f" and {names[1]}" if len(names) == 2 else "") if names else key
    return f"{author.replace('{', '').replace('}', '')} ({entry.fields.get('year', 'n.d.')})"


def cite_html(key: str) -> str:
    """A short citation linking to the source, with its title on hover; unknown keys are an error."""
    if key not in entries():
        raise KeyError(f"source {key!r} is not in {BIBLIOGRAPHY.name}")
    fields = entries()[key].fields
    title = html.escape(fields.get("title", "").replace("{", "").replace("}", "").replace("\\%", "%"))
    text = html.escape(short(key))
    url = fields.get("url")
    if url:
        return f'<a class="reference external" href="{html.escape(url)}" title="{title}">{text}</a>'
    return f'<span title="{title}">{text}</span>'


def cited(frame):
    """A copy of a data table for display, its `source` keys shown as short citations."""
    shown = frame.copy()
    shown["source"] = [short(key) for key in shown["source"]]
    return shown
