"""Verdicts: the scale, the rules that compute them, and the call every chapter makes.

Everything that decides a verdict lives here, fixed before any chapter's data is compared:
the tolerance for each kind of figure and each precision, how dates are compared at the
report's own granularity, how rankings and ranges are compared, and the precedence when
several independent figures or an internal check apply. The methods page prints these tables
from this module; tests pin them at their edges and snapshot the whole verdict table.

A chapter calls `reproduce(claim_id, figures, note=...)`. It computes the verdict, shows a
claim card, and records one JSON record per claim with myst-nb's `glue`, which the Sphinx
extension gathers into the ledger, the intro tallies, the downloads and the JSON-LD.
"""
from __future__ import annotations

import csv
import datetime as dt
import html
import json
import re
from dataclasses import asdict, dataclass, field, replace
from functools import lru_cache
from pathlib import Path

import pandas as pd

from companion import BIBLIOGRAPHY, DATA_DIR, in_book_build, inline_style
from companion.bib import STRONG_TIERS, lowest_tier

CLAIMS = DATA_DIR / "claims.csv"
SEARCHES = DATA_DIR / "searches.csv"
# The bibliography whose tiers decide which figures may decide a verdict (tests point it at a fixture).
SOURCES_PATH = BIBLIOGRAPHY
READINGS = DATA_DIR / "readings.csv"
ARGUMENT = DATA_DIR / "argument.csv"
GLUE_PREFIX = "claim:"
# Glued records carry this JSON mimetype (a "+json" type, so notebooks store it as an object).
RECORD_MIMETYPE = "application/vnd.companion.claim+json"

# name -> (meaning, symbol, colour). Colour only ever repeats the word and the symbol.
VERDICTS: dict[str, tuple[str, str, str]] = {
    "reproduced": ("Independent data gives the report's figure within the tolerance its precision allows (for the "
                   "report's own arithmetic: recomputing it from the report's own figures does).", "✓", "#009E73"),
    "close": ("Off, but within the wider tolerance; the commentary says by how much and why.", "≈", "#E69F00"),
    "contradicted": ("Independent data disagrees beyond that, or a date or ranking is wrong.", "✗", "#D55E00"),
    "inconsistent": ("The report's own figures disagree with each other (arithmetic from the report alone).", "≠", "#CC79A7"),
    "unverifiable": ("No independent public figure was found in the collections the book could search; the record "
                     "lists the searches and what came back. It describes the book's reach, not the author.", "?",
                     "#666666"),
}
PENDING = "pending"
# The kinds the report's own figures can confirm without an independent source: its own arithmetic,
# and a conversion of units of one of its own figures (822 km in miles is arithmetic on 822 km).
# Such a verdict is "reproduced" but not independently confirmed; the tallies count it apart.
ARITHMETIC_ONLY_KINDS = ("arithmetic", "conversion")
ERROR_KINDS = ("wrong date", "wrong figure", "misattribution", "arithmetic", "internal contradiction", "wrong ranking")

# Numeric tolerances: (reproduced within, close within). "relative" is |independent - report| / report;
# "points" is the absolute difference in percentage points. A bound is reproduced when the independent
# figure lies on the side the report claims, and close when it misses by no more than the close tolerance.
NUMERIC_KINDS = ("count", "money", "distance", "duration", "rate", "conversion", "arithmetic", "percent")
TOLERANCES: dict[tuple[str, str], tuple[str, float, float]] = {
    ("relative", "exact"): ("relative", 0.01, 0.10),
    ("relative", "approximate"): ("relative", 0.10, 0.25),
    ("relative", "bound"): ("relative", 0.0, 0.10),
    ("points", "exact"): ("points", 0.5, 2.0),
    ("points", "approximate"): ("points", 2.0, 5.0),
    ("points", "bound"): ("points", 0.0, 2.0),
}
# Dates are compared at the report's granularity. Same period: reproduced. A slip across the
# boundary of at most this many days: close. Anything else: contradicted (a year is never "close").
DATE_CLOSE_DAYS = {"day": 1, "month": 7, "year": 0}
# Precedence when several things apply, strongest first. `inconsistent` (the report against itself)
# overrides any outside comparison; then the figure(s) marked as the basis decide; without a basis,
# the most favourable outside figure decides (the report is supported if any credible source gives
# its figure; the commentary must then say which sources disagree). No figure at all: unverifiable.
PRECEDENCE = ("inconsistent", "basis", "most favourable", "unverifiable")
FAVOUR = ("reproduced", "close", "contradicted")
# Between equally supported readings the recorded verdict is the one more favourable to the report,
# in this order: a reading that cannot be checked is kinder than one found wrong.
READING_FAVOUR = ("reproduced", "close", "unverifiable", "inconsistent", "contradicted")
READING_SUPPORT = ("equal", "weaker")
# How much an error matters to the step of the report's argument it touches (data/argument.csv).
MATERIALITY = {
    "material": "the correction weakens the step of the argument the sentence supports",
    "minor": "the sentence is wrong, but the step it supports stands",
    "cosmetic": "the correction changes nothing the sentence is used to show",
}


class LedgerError(ValueError):
    """A claim, a figure or a record that breaks the ledger's rules."""


class WeakSourceError(LedgerError):
    """A verdict that would rest on a source of tier 'other': the ledger refuses to give it."""


# ---------------------------------------------------------------------------------------------
# Values


@dataclass(frozen=True)
class Interval:
    """A number or an estimate's range; a point is an interval with low == high."""
    low: float
    high: float

    def __post_init__(self):
        if self.low > self.high:
            raise LedgerError(f"interval low {self.low} is above high {self.high}")

    @classmethod
    def of(cls, value) -> "Interval":
        if isinstance(value, Interval):
            return value
        if isinstance(value, (tuple, list)) and len(value) == 2:
            return cls(float(value[0]), float(value[1]))
        if isinstance(value, str) and ".." in value:
            low, high = value.split("..")
            return cls(float(low), float(high))
        return cls(float(value), float(value))

    def __str__(self) -> str:
        fmt = lambda v: f"{v:,.0f}" if float(v).is_integer() else f"{v:,.2f}".rstrip("0").rstrip(".")
        return fmt(self.low) if self.low == self.high else f"{fmt(self.low)}–{fmt(self.high)}"


@dataclass(frozen=True)
class Period:
    """A date at some granularity (year, month, day), as the first and last day it covers."""
    start: dt.date
    end: dt.date
    granularity: str

    @classmethod
    def of(cls, value) -> "Period":
        if isinstance(value, Period):
            return value
        if isinstance(value, (dt.date, pd.Timestamp)):
            day = pd.Timestamp(value).date()
            return cls(day, day, "day")
        text = str(value).strip()
        if ".." in text:
            first, last = (cls.of(part) for part in text.split(".."))
            return cls(first.start, last.end, first.granularity)
        if re.fullmatch(r"\d{4}", text):
            year = int(text)
            return cls(dt.date(year, 1, 1), dt.date(year, 12, 31), "year")
        if re.fullmatch(r"\d{4}-\d{2}", text):
            start = dt.date.fromisoformat(text + "-01")
            end = (pd.Timestamp(start) + pd.offsets.MonthEnd(0)).date()
            return cls(start, end, "month")
        if re.fullmatch(r"\d{4}-\d{2}-\d{2}", text):
            day = dt.date.fromisoformat(text)
            return cls(day, day, "day")
        raise LedgerError(f"not a date, month, year or period: {value!r}")

    def __str__(self) -> str:
        fmt = {"year": "%Y", "month": "%B %Y", "day": "%-d %B %Y"}[self.granularity]
        if self.end == dt.date.max:
            return f"{self.start.strftime(fmt)} or later"
        if self.start == dt.date.min:
            return f"{self.end.strftime(fmt)} or earlier"
        first, last = self.start.strftime(fmt), self.end.strftime(fmt)
        return first if first == last else f"{first} – {last}"


# ---------------------------------------------------------------------------------------------
# Rules


@dataclass(frozen=True)
class Outcome:
    verdict: str
    why: str


def _measure(kind: str, unit: str) -> str:
    return "points" if kind == "percent" or (kind == "arithmetic" and unit == "percent") else "relative"


def tolerance(kind: str, precision: str, unit: str = "") -> tuple[str, float, float]:
    """(measure, reproduced within, close within) for a numeric kind and precision."""
    if kind not in NUMERIC_KINDS:
        raise LedgerError(f"kind {kind!r} has no numeric tolerance")
    if precision not in ("exact", "approximate", "bound"):
        raise LedgerError(f"unknown precision {precision!r}")
    return TOLERANCES[(_measure(kind, unit), precision)]


def _gap(report: float, independent: Interval, measure: str, bound: str) -> float:
    """How far the independent figure lies from the report's, in the measure's units (0 = agrees)."""
    if bound == "at_least":
        miss = max(0.0, report - independent.high)
    elif bound == "at_most":
        miss = max(0.0, independent.low - report)
    elif independent.low <= report <= independent.high:
        miss = 0.0
    else:
        miss = min(abs(report - independent.low), abs(report - independent.high))
    if measure == "points":
        return miss
    if report == 0:
        return 0.0 if miss == 0 else float("inf")
    return miss / abs(report)


def compare_number(report, independent, *, kind: str, precision: str, bound: str = "", unit: str = "") -> Outcome:
    measure, within, close = tolerance(kind, precision, unit)
    report_range, independent = Interval.of(report), Interval.of(independent)
    if report_range.low != report_range.high:
        return compare_range(report_range, independent, precision=precision)
    value = report_range.low
    gap = _gap(value, independent, measure, bound)
    shown = f"{gap:.1f} percentage points" if measure == "points" else f"{gap:.1%}"
    side = {"at_least": "at least", "at_most": "at most"}.get(bound, "")
    target = f"{side} {Interval.of(value)}".strip()
    if gap <= within + 1e-12:
        agreement = "on the side the report claims" if bound else \
            f"within the {precision} tolerance ({_fmt_tol(measure, within)})"
        return Outcome("reproduced", f"independent {independent} against the report's {target}: {agreement}")
    if gap <= close + 1e-12:
        return Outcome("close", f"independent {independent} against the report's {target}: off by {shown}, "
                       f"within the wider tolerance ({_fmt_tol(measure, close)})")
    return Outcome("contradicted", f"independent {independent} against the report's {target}: off by {shown}, "
                   f"beyond the {precision} tolerance ({_fmt_tol(measure, close)})")


def _fmt_tol(measure: str, value: float) -> str:
    return f"±{value:g} points" if measure == "points" else f"±{value:.0%}"


def compare_range(report, independent, *, precision: str) -> Outcome:
    """A range claim: reproduced when both ends agree within the tolerance or the independent figure
    lies inside the report's range ("hundreds a month" is borne out by 570); overlapping is close;
    disjoint is contradicted."""
    report, independent = Interval.of(report), Interval.of(independent)
    _, within, _ = TOLERANCES[("relative", "approximate" if precision == "bound" else precision)]
    ends_ok = all(abs(r - i) <= within * abs(r) + 1e-12 for r, i in ((report.low, independent.low), (report.high, independent.high)))
    if ends_ok:
        return Outcome("reproduced", f"independent range {independent} matches the report's {report} at both ends")
    if report.low <= independent.low and independent.high <= report.high:
        return Outcome("reproduced", f"independent {independent} lies inside the report's range {report}")
    if independent.low <= report.high and report.low <= independent.high:
        return Outcome("close", f"independent range {independent} overlaps the report's {report} but the ends differ")
    return Outcome("contradicted", f"independent range {independent} does not overlap the report's {report}")


def compare_date(report, independent, bound: str = "") -> Outcome:
    """The independent date must fall in the period the report names, at the report's granularity;
    for a bound ("post 2011", "by 2017") on the side the report claims."""
    report, independent = Period.of(report), Period.of(independent)
    if bound == "at_least":
        report = Period(report.start, dt.date.max, report.granularity)
    elif bound == "at_most":
        report = Period(dt.date.min, report.end, report.granularity)
    if report.start <= independent.start and independent.end <= report.end:
        return Outcome("reproduced", f"{independent} falls within the report's {report}")
    slack = dt.timedelta(days=DATE_CLOSE_DAYS[report.granularity])
    if slack and report.start - slack <= independent.start and independent.end <= report.end + slack:
        return Outcome("close", f"{independent} is just outside the report's {report} "
                       f"(within {slack.days} day{'s' if slack.days > 1 else ''} of it)")
    return Outcome("contradicted", f"{independent} is not in the report's {report}")


def compare_period(report, independent) -> Outcome:
    """A period claim (2006..2008): both ends at the report's granularity, overlap is close."""
    report, independent = Period.of(report), Period.of(independent)
    start_ok = compare_date(Period.of(report.start.strftime(_GRAN_FMT[report.granularity])), independent.start).verdict == "reproduced"
    end_ok = compare_date(Period.of(report.end.strftime(_GRAN_FMT[report.granularity])), independent.end).verdict == "reproduced"
    if start_ok and end_ok:
        return Outcome("reproduced", f"{independent} matches the report's {report}")
    if independent.start <= report.end and report.start <= independent.end:
        return Outcome("close", f"{independent} overlaps the report's {report}, but the ends differ")
    return Outcome("contradicted", f"{independent} does not overlap the report's {report}")


_GRAN_FMT = {"year": "%Y", "month": "%Y-%m", "day": "%Y-%m-%d"}


def compare_ranking(report, independent, partial: bool = False) -> Outcome:
    """Same rank: reproduced. A rank computed from an incomplete list can show the claimed rank
    is not achieved (if ranked lower, missing entries cannot raise it), but agreement is only
    close, because an entry missing from the list could outrank it."""
    report, independent = int(report), int(independent)
    if report == independent and partial:
        return Outcome("close", f"ranked {independent} among the entries in the data, as the report says, "
                                "but the list is incomplete")
    if report == independent:
        return Outcome("reproduced", f"ranked {independent} in the independent data, as the report says")
    if partial and independent < report:
        return Outcome("close", f"ranked {independent} among the entries in the data, not {report}; the list is incomplete")
    return Outcome("contradicted", f"ranked {independent} in the independent data, not {report} as the report says")


def compare_attribution(report: str, independent: str, exclusive: bool = False) -> Outcome:
    """Who gave a figure. Bodies are written as paths, broadest first ("US government/State
    Department"): the attribution holds when the body that gave the figure is the one the report
    names or part of it, so "the US" covers US intelligence but not an Afghan governor's office.

    Finding the figure with another body is not evidence that the named body never gave it: absence
    is not contradiction. The attribution is contradicted only on positive evidence about where the
    figure came from (`exclusive`: a source shows it originated with that body alone)."""
    named, actual = [part.strip().casefold() for part in report.split("/")], \
        [part.strip().casefold() for part in independent.split("/")]
    if actual[:len(named)] == named:
        return Outcome("reproduced", f"the figure came from {independent}, which is {report} as the report says")
    if exclusive:
        return Outcome("contradicted", f"the figure came from {independent}, not from {report}")
    return Outcome("unverifiable", f"the figure was found from {independent}; nothing found shows whether {report} "
                                   "also gave it")


# Trend claims ("a sharp incline in the frequency of attacks", "a sharp decline in funding"): the report's
# words name a direction, an optional strength and, in claims.csv, the years they cover ("sharp rise
# 2014..2017"). Fixed before any chapter's series is compared, and printed on the methods page:
# - the series must give every year of the window on one definition (a gap refuses, never guesses);
# - the change is the last year's value against the first's, relative to the first;
# - within TREND_FLAT of no change the series is flat: a claimed rise or decline is then close;
# - beyond it, the claimed direction is reproduced, the opposite one contradicted;
# - a "sharp" move must also reach TREND_SHARP; a move in the claimed direction that falls short is close.
TREND_FLAT = 0.10
TREND_SHARP = 0.50
TREND_DIRECTIONS = ("rise", "decline")
TREND_STRENGTHS = ("", "sharp")
_TREND = re.compile(rf"^(?:(?P<strength>{'|'.join(s for s in TREND_STRENGTHS if s)}) )?"
                    rf"(?P<direction>{'|'.join(TREND_DIRECTIONS)}) (?P<first>\d{{4}})\.\.(?P<last>\d{{4}})$")


def parse_trend(value: str) -> tuple[str, str, int, int]:
    """A trend claim's report_value ("sharp rise 2014..2017") as (strength, direction, first year, last year)."""
    match = _TREND.match(str(value).strip())
    if not match or int(match["first"]) >= int(match["last"]):
        raise LedgerError(f"not a trend: {value!r} (write '[sharp ]rise|decline FIRST..LAST', e.g. 'sharp rise 2014..2017')")
    return match["strength"] or "", match["direction"], int(match["first"]), int(match["last"])


def series_of(value) -> tuple[tuple[int, float], ...]:
    """A yearly series as ((year, value), ...), from pairs, a {year: value} mapping or '2014:2;2015:17'."""
    if isinstance(value, str):
        value = [part.split(":") for part in value.split(";") if part.strip()]
    pairs = value.items() if isinstance(value, dict) else value
    return tuple(sorted((int(year), float(v)) for year, v in pairs))


def compare_trend(report, independent) -> Outcome:
    strength, direction, first, last = parse_trend(report)
    series = dict(series_of(independent))
    missing = [year for year in range(first, last + 1) if year not in series]
    if missing:
        raise LedgerError(f"the series lacks {', '.join(map(str, missing))} of the claimed window {first}–{last}: "
                          "a trend is judged on every year of its window, never across a gap")
    start, end = series[first], series[last]
    if start <= 0:
        raise LedgerError(f"the series starts at {start:g} in {first}: a relative change needs a positive start")
    change = (end - start) / start
    steps = [series[y + 1] - series[y] for y in range(first, last)]
    shape = (f"{start:,g} in {first} to {end:,g} in {last} ({change:+.0%}; {sum(s > 0 for s in steps)} of "
             f"{len(steps)} year-on-year steps up, {sum(s < 0 for s in steps)} down)")
    sign = 1 if direction == "rise" else -1
    claimed = f"{strength} {direction}".strip()
    if abs(change) <= TREND_FLAT + 1e-12:
        return Outcome("close", f"{shape}: flat within ±{TREND_FLAT:.0%}, not the {claimed} the report describes")
    if sign * change < 0:
        return Outcome("contradicted", f"{shape}: the opposite of the {claimed} the report describes")
    if strength == "sharp" and abs(change) < TREND_SHARP - 1e-12:
        return Outcome("close", f"{shape}: a {direction}, but short of a sharp one (±{TREND_SHARP:.0%})")
    return Outcome("reproduced", f"{shape}: a {claimed}, as the report says")


def trend_rule_table() -> pd.DataFrame:
    """The trend rule, for the methods page (generated from TREND_FLAT and TREND_SHARP)."""
    return pd.DataFrame([
        {"the series, first year to last": f"within ±{TREND_FLAT:.0%}", "claimed rise or decline": "close (flat)",
         "claimed sharp rise or decline": "close (flat)"},
        {"the series, first year to last": f"beyond ±{TREND_FLAT:.0%} the other way",
         "claimed rise or decline": "contradicted", "claimed sharp rise or decline": "contradicted"},
        {"the series, first year to last": f"beyond ±{TREND_FLAT:.0%} the claimed way, under ±{TREND_SHARP:.0%}",
         "claimed rise or decline": "reproduced", "claimed sharp rise or decline": "close (not sharp)"},
        {"the series, first year to last": f"±{TREND_SHARP:.0%} or more the claimed way",
         "claimed rise or decline": "reproduced", "claimed sharp rise or decline": "reproduced"},
    ])


WITHDRAWN = "withdrawn"


def correction_problems(current: dict[str, str], published: dict[str, str], corrections: list[dict]) -> list[str]:
    """What is wrong with the corrections record: a verdict that moved since `published` without a row in
    data/corrections.csv, a first row whose `old` is not the published verdict, or a last row whose `new`
    is not the current verdict. `corrections`: rows with date, claim, old, new."""
    problems, by_claim = [], {}
    for row in sorted(corrections, key=lambda r: (str(r["date"]), r["claim"])):
        by_claim.setdefault(row["claim"], []).append(row)
    for claim_id in sorted(set(by_claim) - set(current) - set(published)):
        problems.append(f"{claim_id}: corrected, but it is neither a claim nor a published verdict")
    # A claim that left the inventory (to claims_excluded.csv) is corrected to WITHDRAWN.
    gone = {claim_id: WITHDRAWN for claim_id in published if claim_id not in current}
    for claim_id, verdict in {**current, **gone}.items():
        rows = by_claim.get(claim_id, [])
        before = published.get(claim_id)
        if before is not None and before != verdict and not rows:
            problems.append(f"{claim_id}: moved from {before} to {verdict} without a correction")
        if rows and before is not None and rows[0]["old"] != before:
            problems.append(f"{claim_id}: first correction starts from {rows[0]['old']}, but {before} was published")
        if rows and rows[-1]["new"] != verdict:
            problems.append(f"{claim_id}: last correction says {rows[-1]['new']}, but the verdict is {verdict}")
    return problems


def own_arithmetic_only(record) -> bool:
    """A reproduced verdict that rests on the report's own figures alone (a Record or a gathered record dict)."""
    get = record.get if isinstance(record, dict) else lambda name: getattr(record, name)
    speaks = [f for f in get("figures") if f["verdict"] in FAVOUR]
    return get("verdict") == "reproduced" and not speaks and bool(get("internal"))


def judge(claim: dict, independent, partial: bool = False, exclusive: bool = False) -> Outcome:
    """The verdict of one independent figure against one claim, by the claim's kind and precision."""
    kind = claim["kind"]
    if kind == "date":
        return compare_date(claim["report_value"], independent, claim.get("bound", ""))
    if kind == "period":
        return compare_period(claim["report_value"], independent)
    if kind == "ranking":
        return compare_ranking(claim["report_value"], independent, partial)
    if kind == "attribution":
        return compare_attribution(claim["report_value"], independent, exclusive)
    if kind == "range":
        return compare_range(claim["report_value"], independent, precision=claim["precision"])
    if kind == "trend":
        return compare_trend(claim["report_value"], independent)
    return compare_number(claim["report_value"], independent, kind=kind, precision=claim["precision"],
                          bound=claim.get("bound", ""), unit=claim.get("unit", ""))


def check_internal(claim: dict, implied) -> Outcome:
    """The report's own arithmetic: its stated figure against what its other figures imply."""
    outcome = compare_number(claim["report_value"], implied, kind="arithmetic", precision="exact",
                             unit=claim.get("unit", ""))
    if outcome.verdict == "reproduced":
        return Outcome("reproduced", f"consistent with the report's own figures, not independently confirmed: they imply "
                                     f"{Interval.of(implied)}")
    return Outcome("inconsistent", f"the report's own figures imply {Interval.of(implied)}, "
                   f"not its stated {Interval.of(claim['report_value'])}")


def combine(outcomes: list[tuple], internal: Outcome | None = None) -> Outcome:
    """Apply PRECEDENCE to (outcome, is_basis[, measure]) tuples and an optional internal check.

    An outcome that is itself `unverifiable` (a figure that cannot speak to the claim, such as an
    attribution found elsewhere without evidence of exclusive origin) counts as no figure. The basis
    decides only between figures of its own measure: it cannot make a claim contradicted while
    another figure of the same measure supports the claim as worded."""
    if internal is not None and internal.verdict == "inconsistent":
        return internal
    cases = [(o, is_basis, rest[0] if rest else "") for o, is_basis, *rest in outcomes if o.verdict in FAVOUR]
    if not cases:
        if internal is not None:
            return internal
        found = [o for o, *_ in outcomes]
        return found[0] if found else Outcome("unverifiable", "no independent figure was found")
    basis = [(o, measure) for o, is_basis, measure in cases if is_basis]
    if basis:  # every figure marked as the basis must support the verdict: the weakest holds
        decided = max((o for o, _ in basis), key=lambda o: FAVOUR.index(o.verdict))
        measures = {measure for _, measure in basis if measure}
        supporting = [o for o, is_basis, measure in cases
                      if not is_basis and measure in measures and o.verdict != "contradicted"]
        if decided.verdict == "contradicted" and supporting:
            best = min(supporting, key=lambda o: FAVOUR.index(o.verdict))
            return Outcome(best.verdict, f"{best.why} (a figure of the same measure as the basis supports the claim "
                                         "as worded, so the basis cannot contradict it)")
        return decided
    return min((o for o, *_ in cases), key=lambda o: FAVOUR.index(o.verdict))


# ---------------------------------------------------------------------------------------------
# The claims inventory


@lru_cache(maxsize=8)
def inventory_table(path: str) -> dict[str, dict]:
    """An inventory CSV (claims, forecasts, readings, argument) as {id: row}, read once per path."""
    with open(path, encoding="utf-8", newline="") as fh:
        return {row["id"]: row for row in csv.DictReader(fh)}


def claims(path: Path = CLAIMS) -> dict[str, dict]:
    return inventory_table(str(path))


def claim(claim_id: str, path: Path = CLAIMS) -> dict:
    table = claims(path)
    if claim_id not in table:
        raise LedgerError(f"no claim {claim_id!r} in {path.name}")
    return table[claim_id]


def report_marks(labels: dict[str, str]) -> pd.DataFrame:
    """The report's own figures, read from the claims inventory, for marking on a chart.

    labels: {claim id: the words to show}. Returns one row per claim: claim, value, label."""
    rows = []
    for claim_id, label in labels.items():
        value = Interval.of(claim(claim_id)["report_value"])
        if value.low != value.high:
            raise LedgerError(f"{claim_id}: a range cannot be marked as one value")
        rows.append({"claim": claim_id, "value": value.low, "label": label})
    return pd.DataFrame(rows)


# ---------------------------------------------------------------------------------------------
# The call


@dataclass
class Figure:
    """One independent figure: a value (number, (low, high), date or rank), its source and where in it."""
    value: object
    source: str
    locator: str
    label: str = ""
    basis: bool = False
    # A rank computed from a list that leaves countries out: it can still show a claimed top rank
    # to be wrong (a missing country only pushes a rank down), but it cannot prove it.
    partial: bool = False
    # What the figure measures, in words ("Britons convicted of terrorism offences after travelling").
    # A basis must name it and say why it is the figure the report relied on (basis_why); it then
    # decides only between figures of the same measure.
    measure: str = ""
    basis_why: str = ""
    # For an attribution: the source shows the figure originated with this body alone (positive
    # evidence against the report's attribution, not just the only body found).
    exclusive: bool = False
    # A computed figure: the other sources it was computed from. It is as strong as the weakest of
    # them and `source` together (a per-capita rate from a state outlet's count is a state outlet's).
    derived_from: tuple = ()
    # Shown on the card but never judged: a figure from a source that cannot decide a verdict (tier
    # 'other'), kept to show what was in circulation. Only such a figure may be context.
    context: bool = False
    # A figure that measures what only one alternative reading of the claim talks about (its id in
    # data/readings.csv): judged under that reading alone. Europol's count of all jihadist attacks
    # speaks to "'lone wolf' attacks" read as jihadist attacks in general, not to attacks by lone actors.
    reading: str = ""

    @property
    def sources(self) -> tuple:
        return (self.source, *self.derived_from)

    @classmethod
    def from_row(cls, row, value: str, label: str = "", basis: bool = False, **extra) -> "Figure":
        """A figure from one row of a cited dataset: its `value` column, source and locator.

        A date is kept at the precision the row gives it (`date_precision`): an event dated only
        to a month is March 2017, not 1 March 2017. An event the source dates as a span (an
        `end_date`) becomes a period: "the fall of 2006" is September..November 2006."""
        figure = row[value]
        precision = row.get("date_precision") if hasattr(row, "get") else None
        if isinstance(figure, (pd.Timestamp, dt.date)) and isinstance(precision, str):
            layout = {"day": "%Y-%m-%d", "month": "%Y-%m", "year": "%Y"}[precision]
            figure = pd.Timestamp(figure).strftime(layout)
            end = row.get("end_date")
            if value == "date" and end is not None and not pd.isna(end):
                figure = f"{figure}..{pd.Timestamp(end).strftime(layout)}"
        return cls(value=figure, source=row["source"], locator=locator_shown(row), label=label, basis=basis, **extra)

    def shown(self, kind: str) -> str:
        if kind in ("date", "period"):
            return str(Period.of(self.value))
        if kind == "ranking":
            return f"rank {int(self.value)}"
        if kind == "attribution":
            return str(self.value)
        if kind == "trend":
            return " → ".join(f"{v:,g} ({year})" for year, v in series_of(self.value))
        return str(Interval.of(self.value))


def locator_shown(row) -> str:
    """A row's locator as a reader sees it: a quote in another language is followed by its English rendering."""
    english = row.get("locator_en") if hasattr(row, "get") else None
    if isinstance(english, str) and english.strip():
        return f"{row['locator']} (in English: {english.strip()})"
    return row["locator"]


def as_context(figures: list[Figure]) -> list[Figure]:
    """The figures, with those whose sources include one of tier 'other' marked as context: shown, not judged."""
    return [replace(f, context=True) if lowest_tier(f.sources, SOURCES_PATH) not in STRONG_TIERS else f
            for f in figures]


def figures_from(frame: pd.DataFrame, value: str, *, label: str | None = None, basis: bool = False,
                 **extra) -> list[Figure]:
    """One Figure per row of a cited dataset: the value column, with the row's source and locator."""
    return [Figure.from_row(row, value, str(row[label]) if label else "", basis, **extra) for _, row in frame.iterrows()]


def trend_figure(frame: pd.DataFrame, value: str, *, year: str = "year", label: str = "",
                 definition: tuple = ("indicator", "area", "unit"), reading: str = "") -> Figure:
    """One Figure for a trend claim: a yearly series from rows of a cited dataset, on one definition.

    Rows that differ in any `definition` column (what is counted, where, in what unit) refuse: a
    trend across a change of definition would show the change, not the trend. The figure cites
    every row's source (the weakest decides its standing) and every row's locator, year by year."""
    for column in definition:
        if column in frame and frame[column].nunique() > 1:
            raise LedgerError(f"the series mixes definitions in {column!r}: {sorted(frame[column].unique())}")
    if frame[year].duplicated().any():
        raise LedgerError(f"the series gives {sorted(frame[year][frame[year].duplicated()])} more than once")
    rows = frame.sort_values(year)
    sources = list(dict.fromkeys(rows["source"]))
    return Figure(value=";".join(f"{int(y)}:{v:g}" for y, v in zip(rows[year], rows[value])),
                  source=sources[0], derived_from=tuple(sources[1:]), label=label, reading=reading,
                  locator=" · ".join(f"{int(r[year])}: {locator_shown(r)}" for _, r in rows.iterrows()))


# The angles a search for an independent figure takes (DESIGN.md, "Searches"). An `unverifiable`
# verdict needs searches over every angle that applies; an angle that does not apply is recorded with
# the result "not applicable: <why>" and no query.
SEARCH_ANGLES = {
    "named source": "the source the report names or evidently used",
    "figure or event": "the figure or the event itself, in other words",
    "independent primary": "a body that would produce the figure independently (a statistics office, the UN, a research institute)",
    "other language": "the figure in the language of the place it concerns",
}
MIN_SEARCHES = 4
NOTHING = "nothing relevant"
# Searches made before results were logged (2026-11-24) say only that no independent figure came back.
NOT_LOGGED = "no independent figure found (the nearest result was not logged)"
EMPTY_HANDED = (NOTHING, NOT_LOGGED)
# A result seen in the search tool's answer without an address (it is said so, never guessed).
ADDRESS_NOT_SHOWN = "(address not shown in the stored copy)"
NOT_REACHED = "source found, passage not reached"
NOT_APPLICABLE = "not applicable"


@dataclass
class Search:
    """One place looked for an independent figure: what was searched, where, when, from which angle,
    and what came back (the nearest thing found with its address, NOTHING, or NOT_REACHED: the
    document is stored but the passage lies beyond the part of it that can be read)."""
    query: str
    where: str
    date: str
    angle: str = ""
    result: str = ""
    result_url: str = ""

    @property
    def applies(self) -> bool:
        return not self.result.startswith(NOT_APPLICABLE)

    @property
    def not_reached(self) -> bool:
        return self.result.startswith(NOT_REACHED)


def searches_on_record(claim_id: str, path: Path = SEARCHES) -> list[Search]:
    """The searches data/searches.csv records for a claim (none when the file is absent)."""
    return list(_search_log(str(path)).get(claim_id, ()))


@lru_cache(maxsize=8)
def _search_log(path: str) -> dict[str, tuple[Search, ...]]:
    """A search log read and checked once per path: {claim id: its searches}, in the file's order."""
    if not Path(path).exists():
        return {}
    with open(path, encoding="utf-8", newline="") as fh:
        rows = list(enumerate(csv.DictReader(fh), start=2))
    log: dict[str, list[Search]] = {}
    for n, r in rows:
        where = f"{Path(path).name}, row {n}"
        if r["angle"] not in SEARCH_ANGLES:
            raise LedgerError(f"{where}, column 'angle': {r['angle']!r} is not one of {', '.join(SEARCH_ANGLES)}")
        if not r["result"].strip():
            raise LedgerError(f"{where}, column 'result': say what came back (the nearest thing found with its "
                              f"address, {NOTHING!r}, or {NOT_REACHED!r})")
        search = Search(r["query"], r["where"], r["date"], r["angle"], r["result"].strip(), r["result_url"].strip())
        if search.applies and not search.query.strip():
            raise LedgerError(f"{where}, column 'query': a search needs its query (an angle that does not apply "
                              f"says {NOT_APPLICABLE!r} in its result)")
        if search.applies and search.result not in EMPTY_HANDED and not search.result_url \
                and not (search.result.endswith(ADDRESS_NOT_SHOWN) and not search.not_reached):
            raise LedgerError(f"{where}, column 'result_url': a result other than {NOTHING!r} needs its address")
        log.setdefault(r["claim"], []).append(search)
    return {claim_id: tuple(searches) for claim_id, searches in log.items()}


def search_problems(searched: list[Search]) -> list[str]:
    """Why a list of searches does not yet support `unverifiable`: too few, repeated, or an angle missed."""
    real = [s for s in searched if s.applies and s.result]
    problems = []
    if len({s.query.strip().lower() for s in real}) < MIN_SEARCHES:
        problems.append(f"at least {MIN_SEARCHES} searches with distinct queries and recorded results are needed; "
                        f"got {len({s.query.strip().lower() for s in real})}")
    covered = {s.angle for s in searched if s.result}
    missing = [a for a in SEARCH_ANGLES if a not in covered]
    if missing:
        problems.append(f"no search, and no 'not applicable' note, for the angle(s): {', '.join(missing)}")
    return problems


@dataclass
class Record:
    id: str
    chapter: int
    quote: str
    report_value: str
    unit: str
    kind: str
    precision: str
    verdict: str
    recorded_verdict: str
    why: str
    note: str
    error_kind: str
    attributed_to: str
    figures: list[dict] = field(default_factory=list)
    internal: dict | None = None
    searched: list[dict] = field(default_factory=list)
    bound: str = ""
    reading: str = ""
    # Every reading judged (empty when the claim has no alternative reading in data/readings.csv).
    readings: list[dict] = field(default_factory=list)
    materiality: str = ""
    materiality_why: str = ""
    step: dict = field(default_factory=dict)
    # Where the report's wording evidently comes from (data/report_sources.csv), when traced.
    provenance: dict = field(default_factory=dict)

    def to_json(self) -> str:
        return json.dumps(asdict(self), sort_keys=True, ensure_ascii=False)


class Glued:
    """What `glue` stores for a record: its JSON under the companion's own mimetype."""

    def __init__(self, record, mimetype: str, text: str):
        self.record, self.mimetype, self.text = record, mimetype, text

    def _repr_mimebundle_(self, include=None, exclude=None):
        return {self.mimetype: json.loads(self.record.to_json()), "text/plain": self.text}


def readings(claim_id: str, path: Path = READINGS) -> list[dict]:
    """The alternative readings of a claim recorded in data/readings.csv (none when the file is absent)."""
    if not Path(path).exists():
        return []
    rows = [r for r in inventory_table(str(path)).values() if r["claim"] == claim_id]
    for r in rows:
        if r["support"] not in READING_SUPPORT:
            raise LedgerError(f"{claim_id}: reading {r['id']!r} has support {r['support']!r}; one of {READING_SUPPORT} "
                              "(a reading better supported than the one in claims.csv belongs in claims.csv)")
        if not r["why"].strip():
            raise LedgerError(f"{claim_id}: reading {r['id']!r} needs a reason (why)")
    return rows


def argument_attachments(step: dict) -> tuple[list[str], dict[str, str]]:
    """A step of data/argument.csv: the claims it rests on as evidence, and its context claims with their reasons."""
    evidence = [c.strip() for c in (step.get("claims") or "").split(";") if c.strip()]
    context = {}
    for part in (step.get("context_claims") or "").split(" | "):
        if ":" in part:
            claim_id, reason = part.split(":", 1)
            context[claim_id.strip()] = reason.strip()
    return evidence, context


def argument_step(claim_id: str, path: Path = ARGUMENT) -> dict:
    """The step of the report's argument a claim rests in (data/argument.csv): {'step', 'summary', 'role'}."""
    if not Path(path).exists():
        return {}
    for row in inventory_table(str(path)).values():
        evidence, context = argument_attachments(row)
        if claim_id in evidence or claim_id in context:
            return {"step": row["id"], "summary": row["summary"], "role": "evidence" if claim_id in evidence else "context"}
    return {}


def _outcomes(row: dict, figures: list[Figure], implied) -> tuple[Outcome, list[Outcome], Outcome | None]:
    """The verdict of one reading of a claim: each figure's outcome, the internal check, and the combination."""
    judged = [judge(row, f.value, f.partial, f.exclusive) for f in figures]
    internal = check_internal(row, implied) if implied is not None else None
    deciding = [(o, f) for o, f in zip(judged, figures) if not f.context]
    outcome = combine([(o, f.basis, f.measure) for o, f in deciding], internal)
    if not any(o.verdict in FAVOUR for o, _ in deciding) and outcome.verdict == "reproduced" \
            and row["kind"] not in ARITHMETIC_ONLY_KINDS:
        # Only the report's own arithmetic can be confirmed by the report alone; any other figure needs a source.
        outcome = Outcome("unverifiable", f"{outcome.why}; no independent figure was found")
    return outcome, judged, internal


def _for_reading(figures: list[Figure], reading_id: str) -> list[Figure]:
    """The figures judged under one reading: every figure but those that speak to another reading only."""
    return [f for f in figures if f.reading in ("", reading_id)]


def _reading_row(row: dict, reading: dict) -> dict:
    """The claim as an alternative reading reads it: its value, precision and bound where it gives them."""
    return {**row, **{k: reading[k] for k in ("report_value", "precision", "bound") if reading.get(k, "").strip()}}


def evaluate(claim_id: str, figures: list[Figure] | None = None, *, note: str = "", implied=None,
             searched: list[Search] | None = None, claims_path: Path = CLAIMS,
             readings_path: Path = READINGS, argument_path: Path = ARGUMENT,
             searches_path: Path = SEARCHES) -> Record:
    """Compute a claim's verdict by the rules, without displaying anything.

    The claim is judged under the reading coded in claims.csv and under every alternative reading of
    data/readings.csv. The recorded verdict is the coded reading's, unless an equally supported
    reading gives one more favourable to the report (READING_FAVOUR); every reading's verdict is kept."""
    row = claim(claim_id, claims_path)
    figures = list(figures or [])
    searched = searches_on_record(claim_id, searches_path) + list(searched or [])
    for f in figures:
        if not f.source or not f.locator:
            raise LedgerError(f"{claim_id}: every independent figure needs a source key and a locator")
        if f.context and (f.basis or lowest_tier(f.sources, SOURCES_PATH) in STRONG_TIERS):
            raise LedgerError(f"{claim_id}: only a figure from a source of tier 'other' is shown as context "
                              f"({f.source} is {lowest_tier(f.sources, SOURCES_PATH)}"
                              f"{', and a basis decides' if f.basis else ''})")
        if f.basis and not (f.basis_why.strip() and f.measure.strip()):
            raise LedgerError(f"{claim_id}: a figure marked as the basis must say what it measures (measure) and why "
                              "it is the figure the report relied on (basis_why)")
    coded = {"id": "as-coded", "reading": row.get("reading", "").strip() or "as worded", "support": "best",
             "why": "the reading coded in claims.csv", "row": row}
    alternatives = [{**r, "row": _reading_row(row, r)} for r in readings(claim_id, readings_path)]
    if stray := sorted({f.reading for f in figures if f.reading} - {r["id"] for r in alternatives}):
        raise LedgerError(f"{claim_id}: figures speak to readings that are not in readings.csv for this claim: "
                          f"{', '.join(stray)}")
    judged = []
    for reading in [coded] + alternatives:
        outcome, per_figure, internal = _outcomes(reading["row"], _for_reading(figures, reading["id"]), implied)
        judged.append((reading, outcome, per_figure, internal))
    recorded = judged[0]
    for candidate in judged[1:]:
        if candidate[0]["support"] == "equal" and \
                READING_FAVOUR.index(candidate[1].verdict) < READING_FAVOUR.index(recorded[1].verdict):
            recorded = candidate
    reading, outcome, _, internal = recorded
    used = reading["row"]
    # Each figure is shown with its outcome under the reading it is judged by: the recorded one, or the
    # one reading it speaks to.
    own_row = {r["id"]: r["row"] for r in [coded] + alternatives}
    per_figure = [judge(own_row[f.reading] if f.reading and f.reading != reading["id"] else used,
                        f.value, f.partial, f.exclusive) for f in figures]
    if outcome.verdict == "unverifiable" and (problems := search_problems(searched)):
        raise LedgerError(f"{claim_id}: an unverifiable verdict describes the book's reach, so the searches must be "
                          f"on record (data/searches.csv): {'; '.join(problems)}")
    tiers = [lowest_tier(f.sources, SOURCES_PATH) for f in figures]
    if outcome.verdict in FAVOUR and any(t not in STRONG_TIERS for t in tiers):
        strong = [f for f, t in zip(figures, tiers) if t in STRONG_TIERS]
        without = _outcomes(used, _for_reading(strong, reading["id"]), implied)[0]
        if without.verdict != outcome.verdict:
            weak = ", ".join(sorted({k for f, t in zip(figures, tiers) if t not in STRONG_TIERS for k in f.sources
                                     if lowest_tier([k], SOURCES_PATH) not in STRONG_TIERS}))
            raise WeakSourceError(f"{claim_id}: the verdict {outcome.verdict!r} rests on a source of tier 'other' ({weak}); "
                              f"without it the verdict would be {without.verdict!r}. Find the primary or reputable "
                              "reporting of it, or let the verdict not rest on it")
    if not note.strip():
        raise LedgerError(f"{claim_id}: every verdict needs a note explaining it")
    error = outcome.verdict in ("contradicted", "inconsistent")
    materiality = row.get("materiality", "").strip()
    shown_reading = (f"{reading['reading']} (recorded: equally supported, and more favourable to the report than "
                     f"the reading coded first)" if reading is not coded else reading["reading"])
    return Record(
        id=claim_id, chapter=int(row["chapter"]), quote=row["quote"], report_value=used["report_value"],
        unit=row["unit"], kind=row["kind"], precision=used["precision"], verdict=outcome.verdict,
        recorded_verdict=row["verdict"], why=outcome.why, note=note,
        error_kind=row.get("error_kind", "") if error else "",
        attributed_to=row.get("attributed_to", ""),
        figures=[{**asdict(f), "value": _jsonable(f.value), "derived_from": list(f.derived_from),
                  "shown": f.shown(row["kind"]), "tier": t, "verdict": o.verdict, "why": o.why}
                 for f, o, t in zip(figures, per_figure, tiers)],
        internal=None if internal is None else {"implied": str(Interval.of(implied)), "verdict": internal.verdict,
                                                "why": internal.why},
        searched=[asdict(s) for s in searched],
        bound=used.get("bound", ""),
        reading=shown_reading,
        readings=[{"id": r["id"], "reading": r["reading"], "support": r["support"], "why": r["why"],
                   "report_value": r["row"]["report_value"], "precision": r["row"]["precision"],
                   "bound": r["row"].get("bound", ""), "verdict": o.verdict, "verdict_why": o.why,
                   "recorded": r is reading} for r, o, _, _ in judged] if alternatives else [],
        materiality=materiality if error else "",
        materiality_why=row.get("materiality_why", "").strip() if error else "",
        step=argument_step(claim_id, argument_path),
        provenance=_provenance(claim_id, claims_path),
    )


def _provenance(claim_id: str, claims_path: Path) -> dict:
    from companion import sources_audit  # it reads the ledger's tables, so it is imported late

    return sources_audit.provenance(claim_id, claims_path)


def verdict_or_refusal(claim_id: str, figures: list[Figure], **kwargs) -> str:
    """A what-if verdict for exercises and discussion: the verdict, or the refusal when only a source of
    tier 'other' could give it (the same rule as every recorded verdict, said in words)."""
    try:
        return evaluate(claim_id, figures, **kwargs).verdict
    except WeakSourceError:
        return "refused: only a source of tier 'other' gives a verdict"


def check_recordable(record: Record) -> None:
    """What a record must carry before the book publishes it: an error names how much it matters."""
    if record.verdict not in ("contradicted", "inconsistent"):
        return
    if record.materiality not in MATERIALITY:
        raise LedgerError(f"{record.id}: an error needs its materiality in claims.csv (one of {', '.join(MATERIALITY)}), "
                          f"with a reason naming the step of the argument it touches; got {record.materiality!r}")
    if not record.materiality_why:
        raise LedgerError(f"{record.id}: materiality {record.materiality!r} needs its reason (materiality_why)")


def _jsonable(value):
    """A figure's value as plain JSON (numpy and pandas scalars, dates, intervals, pairs)."""
    if isinstance(value, Interval):
        return [value.low, value.high]
    if isinstance(value, (dt.date, pd.Timestamp)):
        return pd.Timestamp(value).date().isoformat()
    if isinstance(value, (tuple, list)):
        return [_jsonable(v) for v in value]
    if hasattr(value, "item"):
        return value.item()
    return value


def reproduce(claim_id: str, figures: list[Figure] | None = None, *, note: str = "", implied=None,
              searched: list[Search] | None = None) -> None:
    """Compute, show and record a claim's verdict (`evaluate` returns the record without showing it).

    In the book build a verdict that differs from the one recorded in claims.csv stops the build;
    in Jupyter the card says so, so a student who changes a figure sees the verdict move.
    """
    record = evaluate(claim_id, figures, note=note, implied=implied, searched=searched)
    record.to_json()  # fail here, loudly, if anything in the record is not JSON
    if in_book_build() and record.verdict != record.recorded_verdict:
        raise LedgerError(f"{claim_id}: computed verdict {record.verdict!r} differs from the one recorded in "
                          f"data/claims.csv ({record.recorded_verdict!r}); fix the data or the record")
    if in_book_build():
        check_recordable(record)
    publish(GLUE_PREFIX + claim_id, Glued(record, RECORD_MIMETYPE, f"<claim record {claim_id}: {record.verdict}>"),
            card_html(record))


def publish(key: str, glued: Glued, card: str) -> None:
    """Record a glued record for the Sphinx extension and show its card."""
    from IPython.display import HTML, display
    from myst_nb import glue

    glue(key, glued, display=False)
    display(HTML(inline_style() + card))


# ---------------------------------------------------------------------------------------------
# Display


def badge_html(verdict: str) -> str:
    other = {WITHDRAWN: ("Withdrawn from the inventory: not a checkable figure (the reason is on record).", "–", "#999999")}
    _, symbol, _ = VERDICTS.get(verdict, other.get(verdict, ("Not yet checked.", "…", "#999999")))
    # No hover text and no inline colour: a long chapter shows a hundred badges; the scale's
    # meanings are on the intro and methods pages, each card says why in words, and the colour
    # comes from companion.css (a test keeps it equal to VERDICTS).
    return (f'<span class="verdict-badge verdict-{verdict}">'
            f'<span aria-hidden="true">{symbol}</span> {verdict}</span>')


def _reading_note(figure: dict, record: Record) -> str:
    """A figure judged under one alternative reading only says which (the verdict beside it is that reading's)."""
    if not figure.get("reading"):
        return ""
    words = next((r["reading"] for r in record.readings if r["id"] == figure["reading"]), figure["reading"])
    return f' <span class="claim-figure-reading">(speaks only to the reading: {html.escape(words)})</span>'


def card_html(record: Record) -> str:
    from companion.bib import cite_html

    esc = html.escape
    rows = "".join(
        f"<li>{esc(f['shown'])}{' (' + esc(f['label']) + ')' if f['label'] else ''} — "
        # A figure computed from several sources (a yearly series, a rate) cites each of them.
        f"{', '.join(cite_html(k) for k in dict.fromkeys([f['source'], *f.get('derived_from', [])]))}, "
        f"{esc(f['locator'])} <span class=\"claim-figure-verdict\">"
        f"{'context: cannot decide (source of tier other)' if f.get('context') else badge_html(f['verdict'])}</span>"
        f"{_basis_html(f)}{_reading_note(f, record)}</li>"
        for f in record.figures)
    internal = (f"<dt>From the report's own figures</dt><dd>{esc(record.internal['implied'])} "
                f"{badge_html(record.internal['verdict'])}</dd>") if record.internal else ""
    searched = _searches_html(record) if record.searched else ""
    from companion.sources_audit import provenance_html

    provenance = provenance_html(record.provenance)
    mismatch = (f'<p class="claim-mismatch" role="note">The verdict recorded in data/claims.csv is '
                f'<strong>{esc(record.recorded_verdict)}</strong>; the data now give <strong>{esc(record.verdict)}</strong>.</p>'
                if record.verdict != record.recorded_verdict else "")
    attributed = f" (the report cites: {esc(record.attributed_to)})" if record.attributed_to else ""
    readings = _readings_html(record)
    weight = (f'<dt>How much it matters</dt><dd><span class="materiality materiality-{esc(record.materiality)}">'
              f'{esc(record.materiality)}</span>: {esc(record.materiality_why)}'
              + (f' (step <code>{esc(record.step["step"])}</code> of the report\'s argument)' if record.step else "")
              + "</dd>") if record.materiality else ""
    return (
        f'<section class="claim-card verdict-{record.verdict}" id="claim-{esc(record.id)}" '
        f'aria-label="Claim {esc(record.id)}: {esc(record.verdict)}">'
        f'<header>{card_id_html("claim", record.id)} {badge_html(record.verdict)}</header>'
        f'<blockquote class="claim-quote">{esc(record.quote)}</blockquote>'
        f'<dl><dt>The report says</dt><dd>{esc(report_shown(record))}{attributed}</dd>'
        + (f"<dt>Independent figures</dt><dd><ul>{rows}</ul></dd>" if rows else "")
        + internal + searched + readings + provenance
        + why_html(record.why, record.note) + weight + '</dl>'
        + mismatch + "</section>"
    )


def card_id_html(kind: str, item_id: str) -> str:
    """A card's id as a self-link with a visible permalink mark, so a reader can cite `<page>#<kind>-<id>`."""
    esc = html.escape
    anchor = f"#{kind}-{esc(item_id)}"
    return (f'<a class="claim-id" href="{anchor}">{esc(item_id)}</a>'
            f'<a class="claim-permalink" href="{anchor}" aria-label="Link to this {kind}">#</a>')


def why_html(why: str, note: str) -> str:
    """The rule's reason and the chapter's commentary, as two visibly separate lines of a card."""
    esc = html.escape
    return (f'<dt>Why, by the rules</dt><dd class="claim-why">{esc(why[0].upper() + why[1:])}.</dd>'
            f'<dt>Commentary</dt><dd class="claim-note">{esc(note)}</dd>')


def _searches_html(record: Record) -> str:
    """What was searched, from which angle, and what came back; a document stored but not read to the
    passage is said plainly: the claim is out of the book's reach, not shown to be wrong."""
    esc = html.escape
    items = []
    for s in record.searched:
        if s.get("result", "").startswith(NOT_APPLICABLE):
            items.append(f'<li><span class="search-angle">{esc(s["angle"])}</span>: {esc(s["result"])}</li>')
            continue
        found = esc(s.get("result") or "no result recorded")
        if s.get("result_url"):
            found = f'<a class="reference external" href="{esc(s["result_url"])}">{found}</a>'
        angle = f'<span class="search-angle">{esc(s["angle"])}</span>: ' if s.get("angle") else ""
        items.append(f"<li>{angle}“{esc(s['query'])}” in {esc(s['where'])} ({esc(s['date'])}) → {found}</li>")
    reach = ('<p class="claim-reach">A source was found but the passage lies beyond the part of the stored copy '
             'that can be read: the claim is out of the book\'s reach, not shown to be wrong.</p>'
             if any(s.get("result", "").startswith(NOT_REACHED) for s in record.searched) else "")
    title = "Searched without finding an independent figure" if record.verdict == "unverifiable" else "Searches"
    count = sum(1 for s in record.searched if not s.get("result", "").startswith(NOT_APPLICABLE))
    angles = len({s.get("angle") for s in record.searched if s.get("angle")})
    return (f"<dt>{title}</dt><dd>{reach}<details class=\"claim-searches\"><summary>{count} searches over "
            f"{angles} angles: what was searched and what came back</summary>"
            f'<ul>{"".join(items)}</ul></details></dd>')


def _basis_html(figure: dict) -> str:
    """What a basis measures and why it is the basis, under its figure on the card."""
    if not figure.get("basis"):
        return ""
    return (f'<br><span class="claim-basis"><strong>Basis</strong> ({html.escape(figure["measure"])}): '
            f'{html.escape(figure["basis_why"])}</span>')


def _readings_html(record: Record) -> str:
    """Every reading of the sentence with its verdict, the recorded one marked (nothing when there is one reading)."""
    listed = readings_list_html([(r, _reading_value(record, r), badge_html(r["verdict"])) for r in record.readings])
    return f"<dt>Readings of the sentence</dt><dd>{listed}</dd>" if listed else ""


def readings_list_html(items: list[tuple[dict, str, str]]) -> str:
    """A card's list of readings, claims' and forecasts' alike: (reading, what it gives, its badge) per item,
    the recorded one marked; nothing when there is one reading."""
    if not items:
        return ""
    esc, shown = html.escape, []
    for r, gives, badge in items:
        basis = "coded in the inventory" if r["id"] == "as-coded" else f"{r['support']} support: {r['why']}"
        recorded = " <strong>recorded</strong>" if r["recorded"] else ""
        css = ' class="reading-recorded"' if r["recorded"] else ""
        shown.append(f"<li{css}>{esc(r['reading'])} ({esc(gives)}; {esc(basis)}) {badge}{recorded}</li>")
    return f'<ul class="claim-readings">{"".join(shown)}</ul>'


def _reading_value(record: Record, reading: dict) -> str:
    shown = report_shown({"kind": record.kind, "report_value": reading["report_value"], "unit": record.unit,
                          "precision": reading["precision"]})
    dated = record.kind in ("date", "period")
    side = {"at_least": "or later" if dated else "at least", "at_most": "or earlier" if dated else "at most"}
    return f"{shown}, {side[reading['bound']]}" if reading.get("bound") in side else shown


def report_shown(record: Record | dict) -> str:
    """The report's figure as a reader should see it; takes a Record or a gathered record dict."""
    get = record.get if isinstance(record, dict) else lambda name: getattr(record, name)
    kind, value, unit, precision = get("kind"), get("report_value"), get("unit"), get("precision")
    if kind in ("date", "period"):
        return f"{Period.of(value)} ({precision})"
    if kind == "ranking":
        return f"rank {value}: {unit} ({precision})"
    if kind == "attribution":
        return f"{unit}: {value}"
    if kind == "trend":
        return f"{value} ({unit})"
    return f"{Interval.of(value)} {unit} ({precision})"


def legend() -> pd.DataFrame:
    """The verdict scale as a table, for the intro and methods pages."""
    return pd.DataFrame(
        [(f"{symbol} {name}", meaning) for name, (meaning, symbol, _) in VERDICTS.items()],
        columns=["verdict", "meaning"],
    ).set_index("verdict")


def tolerance_table() -> pd.DataFrame:
    """The numeric tolerances, for the methods page (generated from TOLERANCES)."""
    rows = []
    for (measure, precision), (_, within, close) in TOLERANCES.items():
        kinds = "percentages, and arithmetic in percent" if measure == "points" else \
            "counts, money, distances, durations, rates, conversions, arithmetic"
        rows.append({"figures": kinds, "precision": precision,
                     "reproduced within": _fmt_tol(measure, within) if precision != "bound" else "on the claimed side",
                     "close within": _fmt_tol(measure, close)})
    return pd.DataFrame(rows)


def date_rule_table() -> pd.DataFrame:
    return pd.DataFrame([
        {"report's granularity": g, "reproduced": "independent date inside the period",
         "close": f"outside by at most {d} day{'s' if d != 1 else ''}" if d else "never (a wrong year is wrong)"}
        for g, d in DATE_CLOSE_DAYS.items()])
