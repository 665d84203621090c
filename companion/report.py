"""The report under study: its text, its sections, and the one fold used to match quotes.

The text is data/report/report.txt, a byte-identical copy of the report as supplied. Chapters
quote from it; the built book never publishes it whole.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from companion import REPORT

BIB_KEY = "ayub2018"  # the report's entry in book/references.bib: the one home of its title, publisher, date, address

# The report's eight section headings, in its order, exactly as they stand in the body text.
SECTION_HEADINGS = (
    "Why territorial losses do not mean the end for the Islamic State",
    "ISIS is not eliminated, but is in retreat mode.",
    "ISIS Media strategy",
    "Foreign fighters - Migration and small-scale territorial expansion",
    "CHANNELING THE RESURGENCE OF IS 2.0",
    "High Alert: Europe",
    "ISIS in the Middle East and Central Asia",
    "Looking towards solutions",
)

# Numerals (with thousands separators and decimals), optionally followed by a percent or km.
_NUMERAL = re.compile(r"(?<![\w.,/])(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?(?:\s?(?:per ?cent|percent|%|km))?(?!/\d)")


@dataclass(frozen=True)
class Publication:
    """Where and when the report was published, as its bibliography entry gives it."""
    title: str
    author: str
    publisher: str
    series: str
    date: str
    url: str


def publication() -> Publication:
    """The report's citation, read from its bibliography entry (publisher, date and address are required)."""
    from companion import bib

    fields = bib.entries()[BIB_KEY].fields
    missing = [name for name in ("title", "publisher", "date", "url") if not fields.get(name)]
    if missing:
        raise ValueError(f"book/references.bib entry {BIB_KEY} lacks {', '.join(missing)}")
    person = bib.entries()[BIB_KEY].persons["author"][0]
    return Publication(title=fields["title"].replace("{", "").replace("}", ""),
                       author=" ".join(person.first_names + person.last_names), publisher=fields["publisher"],
                       series=fields.get("howpublished", ""), date=fields["date"], url=fields["url"])


@lru_cache(maxsize=1)
def text() -> str:
    return REPORT.read_text(encoding="utf-8")


def fold(s: str) -> str:
    """The exact fold of DESIGN.md: `*`/`**` markup removed, whitespace runs become one space."""
    return re.sub(r"\s+", " ", s.replace("*", "")).strip()


@lru_cache(maxsize=1)
def folded() -> str:
    """The whole report under the fold, computed once."""
    return fold(text())


@dataclass(frozen=True)
class Section:
    number: int
    heading: str
    body: str


@lru_cache(maxsize=1)
def heading_lines() -> tuple[int, ...]:
    """The line index of each section heading in the body (the table of contents is skipped)."""
    lines = text().splitlines()
    starts = []
    for heading in SECTION_HEADINGS:
        # The heading stands alone on its line; the table of contents carries page numbers after it.
        hits = [i for i, line in enumerate(lines) if line.strip() == heading]
        if len(hits) != 1:
            raise ValueError(f"section heading {heading!r} found {len(hits)} times in {REPORT}")
        starts.append(hits[0])
    if starts != sorted(starts):
        raise ValueError("section headings are not in the report's order")
    return tuple(starts)


@lru_cache(maxsize=1)
def sections() -> tuple[Section, ...]:
    """The eight sections, split at their headings in the body."""
    lines = text().splitlines()
    starts = list(heading_lines())
    ends = starts[1:] + [len(lines)]
    return tuple(Section(n, heading, "\n".join(lines[start + 1:end]).strip())
                 for n, (heading, start, end) in enumerate(zip(SECTION_HEADINGS, starts, ends), start=1))


def section(number: int) -> Section:
    return sections()[number - 1]


def contains_quote(quote: str, haystack: str | None = None) -> bool:
    """True when the quote stands in the report (or in `haystack`) after the fold."""
    return fold(quote) in fold(text() if haystack is None else haystack)


def numerals(body: str, context: int = 60) -> list[tuple[str, str]]:
    """Each numeral in a passage with the words around it, in order of appearance."""
    flat = fold(body)
    found = []
    for match in _NUMERAL.finditer(flat):
        start, end = max(0, match.start() - context), min(len(flat), match.end() + context)
        found.append((match.group(0), ("…" if start else "") + flat[start:end] + ("…" if end < len(flat) else "")))
    return found


ORDINALS = ("first", "second", "third", "fourth", "fifth", "sixth", "seventh", "eighth")


def numerals_table(number: int):
    """A chapter's opening table: every numeral its report section states, in context."""
    import pandas as pd

    from companion import tables

    rows = numerals(section(number).body)
    frame = pd.DataFrame(rows, columns=["figure", "in the report's words"])
    frame.insert(0, "order", range(1, len(frame) + 1))
    return tables.table(frame, caption=f"Every numeral in the report's {ORDINALS[number - 1]} section, in order, "
                                       "with the words around it", sources=())
