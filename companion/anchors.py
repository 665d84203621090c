"""Numbers anchored to their words: every cited value is read in the exact words of its locator.

A row's locator quotes its source. `figure_text` names the exact words of that quote that give
the row's value ("the UK (3)", not the whole sentence "in the EU (10), Switzerland (2 …), and the
UK (3)"), and the check is anchored both ways:

* every value the row gives (the fields marked `"anchored": true` in data/datapackage.json) is
  a number written in `figure_text`, and
* every number written in `figure_text` is one of those values, or a year or day of the row's
  own dates, so the words cannot quietly carry a neighbour's figure.

A value that is not written in the locator (a sum, a conversion, a reading of "a couple of
hundred", a quote in another language) gives a `derivation` instead: an arithmetic expression
(`78000 + 12800`), or one per field (`per_month_high = 2000 / 4`), whose every number is written
in the locator or in its English rendering `locator_en`.

Numbers are read as a reader would: digits with or without separators, decimals, number words
("nine", "twenty-five"), scales ("6.5 million", "US$2 bn", "US$600 m"), ordinals and the
superlatives a ranking uses ("third", "highest"), fractions ("half", "a quarter"), and "no" or
"zero". A field whose unit is a multiple ("usd_million_per_month") names it in `anchorScale`.
"""
from __future__ import annotations

import ast
import datetime as dt
import math
import operator
import re
from dataclasses import dataclass

import pandas as pd

WORDS = {
    "zero": 0, "no": 0, "none": 0,  # "no longer" is a zero; "no less than" is not (see numbers)
    "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8, "nine": 9,
    "ten": 10, "eleven": 11, "twelve": 12, "thirteen": 13, "fourteen": 14, "fifteen": 15, "sixteen": 16,
    "seventeen": 17, "eighteen": 18, "nineteen": 19, "twenty": 20, "thirty": 30, "forty": 40, "fifty": 50,
    "sixty": 60, "seventy": 70, "eighty": 80, "ninety": 90, "hundred": 100, "thousand": 1000,
    "couple": 2, "dozen": 12, "half": 0.5, "quarter": 0.25,
    # Ordinals and the superlatives a ranking is stated in: a rank, not a count.
    "first": 1, "second": 2, "third": 3, "fourth": 4, "fifth": 5, "sixth": 6, "seventh": 7, "eighth": 8,
    "ninth": 9, "tenth": 10, "top": 1, "highest": 1, "greatest": 1, "largest": 1, "richest": 1,
}
SCALES = {"thousand": 1e3, "k": 1e3, "million": 1e6, "mn": 1e6, "m": 1e6, "billion": 1e9, "bn": 1e9}
TENS = ("twenty", "thirty", "forty", "fifty", "sixty", "seventy", "eighty", "ninety")
_UNITS = ("one", "two", "three", "four", "five", "six", "seven", "eight", "nine")

_DIGITS = r"\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?"
_WORD = r"(?:" + "|".join(sorted(map(re.escape, WORDS), key=len, reverse=True)) + r")"
_COMPOUND = r"(?:" + "|".join(TENS) + r")-(?:" + "|".join(_UNITS) + r")"
# A scale word must end at a word boundary ("2bn", "5 million"); a unit written straight after the digits
# ("822km") does not hide the number.
_SCALE = r"(?:\s?(?P<scale>" + "|".join(sorted(SCALES, key=len, reverse=True)) + r")\b)?"
NUMBER = re.compile(
    r"(?<![\w.,/])(?:(?P<digits>" + _DIGITS + r")(?![\d])|(?P<compound>" + _COMPOUND + r")\b|(?P<word>" + _WORD + r")\b)"
    + _SCALE, re.IGNORECASE)


@dataclass(frozen=True)
class Number:
    """One number as written: its words, the number itself, and the number times its scale word."""
    text: str
    value: float
    scaled: float

    def candidates(self) -> set[float]:
        return {self.value, self.scaled}


def numbers(text: str) -> list[Number]:
    """Every number written in a text, in order."""
    found = []
    for match in NUMBER.finditer(text or ""):
        if match.group("digits"):
            value = float(match.group("digits").replace(",", ""))
        elif match.group("compound"):
            tens, unit = match.group("compound").lower().split("-")
            value = float(WORDS[tens] + WORDS[unit])
        else:
            word = match.group("word").lower()
            if word == "no" and re.match(r"\s+(?:less|more|fewer|greater)\b", text[match.end():], re.IGNORECASE):
                continue  # "no less than 92 per cent" states a bound, not a zero
            value = float(WORDS[word])
        scale = match.group("scale")
        scaled = value * SCALES[scale.lower()] if scale else value
        found.append(Number(match.group(0), value, scaled))
    return found


def fold(text: str) -> str:
    """Whitespace folded to single spaces, the only normalisation between a locator and its words."""
    return " ".join(str(text).split())


def same(a: float, b: float) -> bool:
    return math.isclose(a, b, rel_tol=1e-9, abs_tol=1e-9)


_OPERATORS = {ast.Add: operator.add, ast.Sub: operator.sub, ast.Mult: operator.mul, ast.Div: operator.truediv}


def evaluate(expression: str) -> tuple[float, list[float]]:
    """The value of an arithmetic expression of numbers, + - * / and brackets, and its literals."""
    literals: list[float] = []

    def walk(node):
        if isinstance(node, ast.Expression):
            return walk(node.body)
        if isinstance(node, ast.Constant) and isinstance(node.value, (int, float)) and not isinstance(node.value, bool):
            literals.append(float(node.value))
            return float(node.value)
        if isinstance(node, ast.BinOp) and type(node.op) in _OPERATORS:
            return _OPERATORS[type(node.op)](walk(node.left), walk(node.right))
        raise ValueError(f"only numbers, + - * / and brackets are allowed, not {ast.unparse(node)!r}")

    try:
        tree = ast.parse(expression.strip(), mode="eval")
    except SyntaxError as error:
        raise ValueError(f"not an arithmetic expression: {expression!r}") from error
    return walk(tree), literals


def derivations(text: str, fields: list[str]) -> dict[str, str]:
    """`field = expression; ...`, or one bare expression that gives every anchored field."""
    text = (text or "").strip()
    if not text:
        return {}
    parts = [p.strip() for p in text.split(";") if p.strip()]
    named = [re.fullmatch(r"(\w+)\s*=\s*(.+)", p) for p in parts]
    if all(named):
        return {m.group(1): m.group(2) for m in named}
    if len(parts) == 1:
        return {name: parts[0] for name in fields}
    raise ValueError("several derivations must each name their field: 'low = 2000; high = 3000'")


@dataclass(frozen=True)
class Broken:
    """One anchoring rule a row breaks: which column and what is wrong."""
    column: str
    rule: str
    detail: str


def _context(row: dict, context_fields: tuple[str, ...] = ()) -> set[float]:
    """Numbers a row's figure text may carry besides its values: the years and days of its dates, and
    the numbers of the fields the data package marks `anchorContext` (an age group, "15 to 29")."""
    found: set[float] = set()
    for name, value in row.items():
        if name == "year" and value is not None and not pd.isna(value):
            found.add(float(value))
        elif name in context_fields and isinstance(value, str):
            found.update(n.value for n in numbers(value))
        elif isinstance(value, (pd.Timestamp, dt.date)) and not pd.isna(value):
            stamp = pd.Timestamp(value)
            found.update({float(stamp.year), float(stamp.day)})
    return found


def _empty(value) -> bool:
    return value is None or (isinstance(value, str) and not value.strip()) or (not isinstance(value, str) and pd.isna(value))


def _matches(value: float, scale: float, candidates: set[float]) -> bool:
    return any(same(value, c) or same(value * scale, c) for c in candidates)


def check_row(row: dict, anchored: dict[str, float], context_fields: tuple[str, ...] = ()) -> list[Broken]:
    """The anchoring rules a row breaks. `anchored`: {field: scale} for the fields that are values;
    `context_fields`: fields whose numbers the figure text may also carry."""
    broken: list[Broken] = []
    values = {name: float(row[name]) for name in anchored if not _empty(row.get(name))}
    figure_text, derivation, locator, locator_en = (
        "" if _empty(row.get(name)) else fold(row[name]) for name in ("figure_text", "derivation", "locator", "locator_en"))
    if not values:
        return broken
    if figure_text and figure_text not in locator:
        broken.append(Broken("figure_text", "not in the locator",
                             f"{figure_text!r} is not words of the locator (after folding whitespace)"))
    written = numbers(figure_text)
    candidates = {c for n in written for c in n.candidates()}
    try:
        derived = derivations(derivation, [n for n in values if not _matches(values[n], anchored[n], candidates)])
    except ValueError as error:
        return broken + [Broken("derivation", "unreadable derivation", str(error))]
    source_numbers = {c for n in numbers(locator) + numbers(locator_en) for c in n.candidates()} if derived else set()
    for name in derived:
        if name not in anchored:
            broken.append(Broken("derivation", "unknown field", f"{name!r} is not an anchored field of this dataset"))
    for name, value in values.items():
        if _matches(value, anchored[name], candidates):
            continue
        if name not in derived:
            why = (f"{figure_text!r} does not write {value:g}" if figure_text
                   else "the row has neither figure_text nor a derivation for it")
            broken.append(Broken(name, "value not in its words", why))
            continue
        try:
            result, literals = evaluate(derived[name])
        except (ValueError, ZeroDivisionError) as error:
            broken.append(Broken("derivation", "unreadable derivation", str(error)))
            continue
        missing = [f"{x:g}" for x in literals if not any(same(x, c) for c in source_numbers)]
        if missing:
            broken.append(Broken("derivation", "number not in the locator",
                                 f"{', '.join(missing)} of {derived[name]!r} is written neither in the locator nor in locator_en"))
        elif not _matches(value, anchored[name], {result}):
            broken.append(Broken(name, "derivation gives another value",
                                 f"{derived[name]!r} gives {result:g}, not the row's {value:g}"))
    allowed = {c for name, v in values.items() for c in (v, v * anchored[name])} | _context(row, context_fields)
    stray = [n.text for n in written if not any(same(c, a) for c in n.candidates() for a in allowed)]
    if stray:
        broken.append(Broken("figure_text", "carries another figure",
                             f"{figure_text!r} also writes {', '.join(repr(s) for s in stray)}, which is not this row's "
                             "value: quote only the words that give it"))
    return broken
