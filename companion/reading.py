"""Each chapter's further reading: peer-reviewed or book-length work on its subject (data/reading_lists.csv).

Every item is an entry of book/references.bib with a tier (primary or reputable), an identifier
(a DOI, an ISBN or the publisher's address) and where that identifier was checked: `checked` (the
page and the words seen on it) and `checked_on` (CHECKED_ON). Nothing is listed from memory.
"""
from __future__ import annotations

import html
import re

from companion import data, inline_style
from companion.bib import STRONG_TIERS, entries, plain_field, plain_title, tier

MIN_ITEMS, MAX_ITEMS = 2, 5
# Where an item's identifier was seen. A copy of the publisher's own page (a cover or imprint page
# reproduced elsewhere) is said so on the list: it is the publisher's text, not the publisher's site.
CHECKED_ON = ("the publisher's page", "a catalogue page", "a copy of the publisher's own page")


def problems() -> list[str]:
    """What is wrong with the reading lists: a chapter outside 2-5 items, an unknown or weak entry, an
    entry without an identifier or without the record of where it was checked."""
    lists = data.load("reading_lists")
    found = []
    for chapter in range(1, 10):
        count = int((lists["chapter"] == chapter).sum())
        if not MIN_ITEMS <= count <= MAX_ITEMS:
            found.append(f"reading_lists.csv: chapter {chapter} lists {count} items, not {MIN_ITEMS} to {MAX_ITEMS}")
    for number, row in enumerate(lists.itertuples(index=False), start=2):
        where = f"reading_lists.csv, row {number} ({row.key})"
        if row.key not in entries():
            found.append(f"{where}, column 'key': not in references.bib")
            continue
        if tier(row.key) not in STRONG_TIERS:
            found.append(f"{where}: tier {tier(row.key)!r}; a reading list holds primary or reputable work only")
        if not any(plain_field(row.key, name) for name in ("doi", "isbn", "url")):
            found.append(f"{where}: the entry has no DOI, ISBN or address")
        if not re.match(r"https?://\S+ : \S", plain_field(row.key, "checked")):
            found.append(f"{where}: the entry's 'checked' must give the page and the words seen ('<address> : <quote>')")
        if plain_field(row.key, "checked_on") not in CHECKED_ON:
            found.append(f"{where}: the entry's 'checked_on' must be one of {CHECKED_ON}")
    return found


def _identifier(key: str) -> str:
    esc = html.escape
    doi, isbn, url = (plain_field(key, name) for name in ("doi", "isbn", "url"))
    if doi:
        return f'DOI <a href="https://doi.org/{esc(doi)}">{esc(doi)}</a>'
    if isbn:
        return f"ISBN {esc(isbn)}"
    return f'<a href="{esc(url)}">the publisher\'s page</a>'


def _venue(key: str) -> str:
    journal = plain_field(key, "journal")
    volume, number, pages = (plain_field(key, name) for name in ("volume", "number", "pages"))
    if journal:
        where = journal + (f" {volume}" if volume else "") + (f"({number})" if number else "")
        return where + (f": {pages.replace('--', '–')}" if pages else "")
    return plain_field(key, "publisher")


def reading_list(chapter: int):
    """The chapter's reading list, as HTML (each item cited as the bibliography cites it)."""
    from IPython.display import HTML

    from companion.bib import cite_html

    if found := problems():
        raise ValueError("; ".join(found))
    lists = data.load("reading_lists")
    items = []
    for row in lists[lists["chapter"] == chapter].itertuples(index=False):
        esc = html.escape
        checked = plain_field(row.key, "checked_on")
        items.append(f"<li>{cite_html(row.key)} <em>{esc(plain_title(row.key))}</em>. {esc(_venue(row.key))}. "
                     f"{_identifier(row.key)} (checked on {esc(checked)}). {esc(row.why)}</li>")
    return HTML(inline_style() + f'<ul class="reading-list">{"".join(items)}</ul>')



