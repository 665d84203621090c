"""The claims inventory and the scanner that proves it complete.

Every numeral, number word, month, ordinal, superlative and quantity word (a closed list:
"majority", "decline", "wave"...) in the report is a *hit*. Each hit must lie inside the quote of a
claim (data/claims.csv), of a forecast (data/forecasts.csv, scored in chapter 9) or of an exclusion
(data/claims_excluded.csv, with a reason). Quotes are located in the report after the fold of
DESIGN.md and must each occur exactly once, so every quote covers one well-defined span.

    python -m companion.claims [--claims F] [--excluded F] [--sections 1-4]

prints the hits no quote covers (the completeness test asserts there are none).
"""
from __future__ import annotations

import argparse
import csv
import re
import sys
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from companion import DATA_DIR, report

CLAIMS = DATA_DIR / "claims.csv"
EXCLUDED = DATA_DIR / "claims_excluded.csv"
FORECASTS = DATA_DIR / "forecasts.csv"

NUMBER_WORDS = (
    "one two three four five six seven eight nine ten eleven twelve thirteen fourteen fifteen "
    "sixteen seventeen eighteen nineteen twenty thirty forty fifty sixty seventy eighty ninety "
    "hundred hundreds thousand thousands million millions billion billions dozen dozens several "
    "half quarter twice double triple"
).split()
MONTHS = ("January February March April May June July August September October November "
          "December").split()
ORDINALS = "first second third fourth fifth sixth seventh eighth ninth tenth".split()
# Words that state a quantity or a trend without a numeral (issue 19). A closed list, printed on
# the methods page; bare "more" is left out (it compares far more often than it counts).
QUANTITY_WORDS = ("majority minority many few fewer numerous wave waves rise rises rising rose risen "
                  "increase increases increased increasing decline declines declined declining "
                  "incline inclines frequency grow grows growing grew grown growth shrink shrinks "
                  "shrinking shrank shrunk surge surges surged surging spike spikes spiked").split()
QUANTITY_PHRASES = (r"a\s+(?:large|wide)\s+number", r"more\s+frequent(?:ly)?")
SUPERLATIVES = ("highest largest biggest greatest strongest richest deadliest longest best worst "
                "lowest smallest latest most least top").split()

PATTERNS = {
    "numeral": re.compile(r"\d+(?:[.,/]\d+)*"),
    "number word": re.compile(r"\b(?:" + "|".join(NUMBER_WORDS) + r")\b", re.I),
    "month": re.compile(r"\b(?:" + "|".join(MONTHS) + r")\b"),
    "ordinal": re.compile(r"\b(?:" + "|".join(ORDINALS) + r")\b|\b\d+(?:st|nd|rd|th)\b", re.I),
    "superlative": re.compile(r"\b(?:" + "|".join(SUPERLATIVES) + r")\b", re.I),
    "quantity word": re.compile(r"\b(?:" + "|".join(QUANTITY_PHRASES + tuple(QUANTITY_WORDS)) + r")\b", re.I),
}


@dataclass(frozen=True)
class Hit:
    kind: str
    text: str
    start: int
    end: int
    section: int  # 0 for the title page and table of contents

    def context(self, folded: str, width: int = 50) -> str:
        return folded[max(0, self.start - width):self.end + width]


def section_starts(folded: str) -> list[int]:
    """Offsets in the folded report at which each section's body heading stands."""
    lines = report.text().splitlines()
    starts = []
    for index in report.heading_lines():
        prefix = report.fold("\n".join(lines[:index]))
        starts.append(len(prefix) + 1 if prefix else 0)
    return starts


def scan(folded: str | None = None) -> list[Hit]:
    """Every hit in the report, in order of appearance."""
    folded = folded or report.folded()
    starts = section_starts(folded)
    hits = []
    for kind, pattern in PATTERNS.items():
        for m in pattern.finditer(folded):
            section = sum(1 for s in starts if s <= m.start())
            hits.append(Hit(kind, m.group(0), m.start(), m.end(), section))
    return sorted(hits, key=lambda h: (h.start, h.kind))


def read_rows(path: Path) -> list[dict]:
    with Path(path).open(encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


def locate(quote: str, folded: str) -> list[int]:
    """Every offset at which the folded quote stands in the folded report."""
    needle = report.fold(quote)
    if not needle:
        return []
    return [m.start() for m in re.finditer(re.escape(needle), folded)]


# A sentence ends at . ! or ? (a closing quote or bracket may follow) before the next one begins.
_SENTENCE_END = re.compile(r"(?<=[.!?])[\"”’)]?\s+(?=[\"“‘(]?[A-Z0-9])")


@lru_cache(maxsize=2)
def sentence_starts(folded: str) -> tuple[int, ...]:
    """Offsets in the folded report at which a sentence begins (section headings start one too)."""
    return tuple(sorted({0, *(m.end() for m in _SENTENCE_END.finditer(folded)), *section_starts(folded)}))


def sentence_of(quote: str, folded: str | None = None) -> int:
    """Where the sentence holding a quote begins, in the folded report: one report sentence, one key.

    Headline tallies count a sentence once however many claims it holds; the key comes from where
    the quote stands, never from a hand-typed column."""
    folded = folded or report.folded()
    offsets = locate(quote, folded)
    if len(offsets) != 1:
        raise ValueError(f"quote found {len(offsets)} times in the report: {quote[:80]!r}")
    starts = sentence_starts(folded)
    return max(s for s in starts if s <= offsets[0])


def spans(rows: list[dict], folded: str, label: str) -> tuple[list[tuple[int, int, str]], list[str]]:
    """(start, end, id) for every quote found exactly once, and a problem for each other quote."""
    found, problems = [], []
    for number, row in enumerate(rows, start=2):
        quote, ident = row.get("quote", ""), row.get("id") or f"{label} row {number}"
        offsets = locate(quote, folded)
        if len(offsets) != 1:
            problems.append(f"{label} row {number} ({ident}): quote found {len(offsets)} times: {quote[:80]!r}")
            continue
        found.append((offsets[0], offsets[0] + len(report.fold(quote)), ident))
    return found, problems


def uncovered(claims: list[dict], excluded: list[dict], sections: set[int] | None = None,
              forecasts: list[dict] | None = None) -> tuple[list[Hit], list[str]]:
    """Hits no quote covers, and the quotes that could not be located. A forecast's quote covers its
    hits ("likely to increase in frequency"): it is scored in chapter 9, not as a claim."""
    folded = report.folded()
    claim_spans, problems = spans(claims, folded, "claims")
    excluded_spans, more = spans(excluded, folded, "excluded")
    forecast_spans, more_still = spans(forecasts or [], folded, "forecasts")
    problems += more_still
    covering = claim_spans + excluded_spans + forecast_spans
    missing = [h for h in scan(folded)
               if (sections is None or h.section in sections)
               and not any(start <= h.start and h.end <= end for start, end, _ in covering)]
    return missing, problems + more


def _sections(arg: str | None) -> set[int] | None:
    if not arg:
        return None
    low, _, high = arg.partition("-")
    return set(range(int(low), int(high or low) + 1))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--claims", default=str(CLAIMS))
    parser.add_argument("--excluded", default=str(EXCLUDED))
    parser.add_argument("--forecasts", default=str(FORECASTS))
    parser.add_argument("--sections", help="e.g. 0-3 (0 is the title page and table of contents)")
    args = parser.parse_args(argv)
    claims = read_rows(Path(args.claims)) if Path(args.claims).exists() else []
    excluded = read_rows(Path(args.excluded)) if Path(args.excluded).exists() else []
    forecasts = read_rows(Path(args.forecasts)) if Path(args.forecasts).exists() else []
    missing, problems = uncovered(claims, excluded, _sections(args.sections), forecasts)
    folded = report.folded()
    for problem in problems:
        print("QUOTE", problem)
    for hit in missing:
        print(f"UNCOVERED s{hit.section} {hit.kind:12} {hit.text!r:14} …{hit.context(folded)}…")
    print(f"{len(missing)} uncovered hits, {len(problems)} quote problems")
    return 1 if missing or problems else 0


if __name__ == "__main__":
    sys.exit(main())
