"""Forecasts: what the report expected to happen, and how it fared.

Each row of data/forecasts.csv quotes a forecast, names who made it (`voice`: the author, or a
voice the report quotes) and what it is about (`population`), and says how it is judged
(`method`):

- `rule`: a score computed from cited data. The row names the rule, the dataset that holds the
  evidence, which rows count, the years, the baseline and the threshold. In the book build a
  score that differs from the one recorded stops the build.
- `judgement`: a qualitative forecast an analyst can judge. The row writes the criteria of each
  grade (and says whether they were written before the evidence was compared); at least two
  cited evidence rows in data/forecast_evidence.csv, from sources that can decide, back the grade.
  This is the one class of result the book types rather than computes; it is shown and tallied
  apart from the rule scores.
- `unfalsifiable`: no outcome could show it right or wrong; `reason` says why.

The rules, each over yearly values (`value` names a column; `rows` counts rows of an event list):

- continues: the thing goes on. Borne out when every year of the window reaches the threshold,
  partly when some years do, not borne out when none does.
- fewer-but-continuing: fewer than in the baseline year, but not none. Borne out when every year
  of the window reaches the threshold and the window's yearly mean is below the baseline year's
  value; partly when only one of the two holds; not borne out when neither does.
- occurs: it happens. Borne out when the window holds at least `threshold` of it. With a
  published catalogue of the scope (`catalogue` names it) the evidence holds every event of it:
  partly when some but fewer, not borne out when none. With `catalogue = partial` (the book's
  own list) an absence proves nothing: fewer than the threshold is `unresolved`.
- absent: it does not happen. Not borne out when the window holds more than `threshold` of it.
  With a catalogue, borne out otherwise; with a partial list, `unresolved` otherwise.
- grows: levels rise. Borne out when the last level in the window is above the baseline year's,
  by at least the threshold (a fraction: 0.5 is half as much again; 0 is any rise); partly when
  some level in the window is above the baseline's but the last is not; not borne out otherwise.

Counting rules name their `scope` (place, years, who claimed it and how a shared claim counts,
minimum deaths). Rules that compare years (fewer-but-continuing, grows) refuse rows that mix
definitions (`indicator`, `area`, `unit`, `measure`, `speaker_for`) unless `bridge` names the rows
that put every year on one definition, and refuse a year without a value. A window that ends
before the horizon the report gives (`horizon_end`) says why (`window_why`), and every card shows
the score for each window end the evidence allows. Alternative readings of a forecast live in
data/forecast_readings.csv and are scored by the same rule; as for claims, the recorded score is
the coded reading's unless an equally supported reading is more favourable to the report.
"""
from __future__ import annotations

import html
import json
from dataclasses import asdict, dataclass, field
from pathlib import Path

import pandas as pd

from companion import DATA_DIR, data, in_book_build, ledger
from companion.bib import STRONG_TIERS, SourceError, tier
from companion.ledger import Glued, LedgerError, card_id_html, inventory_table, publish, why_html

FORECASTS = DATA_DIR / "forecasts.csv"
READINGS = DATA_DIR / "forecast_readings.csv"
JUDGEMENT_EVIDENCE = DATA_DIR / "forecast_evidence.csv"
GLUE_PREFIX = "forecast:"
RECORD_MIMETYPE = "application/vnd.companion.forecast+json"

# name -> (meaning, symbol, colour); colour only ever repeats the word and the symbol.
SCORES: dict[str, tuple[str, str, str]] = {
    "borne out": ("What happened meets the forecast's rule, or its criteria for this grade, in full.", "✓", "#009E73"),
    "partly borne out": ("What happened meets part of the rule (some years, some of the events, or one of its "
                         "two conditions), or the criteria for a partial grade.", "◐", "#E69F00"),
    "not borne out": ("What happened does not meet the rule, or meets the criteria for this grade.", "✗", "#D55E00"),
    "unresolved": ("The evidence cannot decide: a list that is not a full catalogue shows neither enough events "
                   "nor one that breaks the forecast. The card states the list's limits.", "…", "#56B4E9"),
    "unfalsifiable": ("No observable outcome could show the forecast right or wrong; the card says why.", "∅",
                      "#666666"),
}
GRADES = ("borne out", "partly borne out", "not borne out")
UNRESOLVED, UNFALSIFIABLE = "unresolved", "unfalsifiable"
METHODS = {"rule": "scored by a rule from cited data", "judgement": "graded by judgement against written criteria "
           "and at least two cited evidence rows", "unfalsifiable": "no observable outcome"}
# Between equally supported readings the recorded score is the one more favourable to the report.
SCORE_FAVOUR = ("borne out", "partly borne out", UNRESOLVED, "not borne out")
READING_SUPPORT = ("equal", "weaker")
RULES = ("continues", "fewer-but-continuing", "occurs", "absent", "grows")
COUNTING = ("occurs", "absent")
COMPARING = ("fewer-but-continuing", "grows")
PARTIAL = "partial"
PARTIAL_LIMITS = ("The evidence is the book's own list of events, not a published catalogue of every event in "
                  "scope: it can show that events happened, not that no others did.")
DEFINITION_COLUMNS = ("indicator", "area", "unit", "measure", "speaker_for")
MIN_JUDGEMENT_EVIDENCE = 2
# The columns a scorable row must fill, by rule.
NEEDS = {"continues": ("threshold",), "fewer-but-continuing": ("threshold", "baseline_year"),
         "occurs": ("threshold", "scope", "catalogue"), "absent": ("threshold", "scope", "catalogue"),
         "grows": ("threshold", "baseline_year")}
RULE_COLUMNS = ("rule", "evidence", "selection", "value", "window_start", "window_end", "baseline_year",
                "threshold", "scope", "catalogue", "bridge", "window_why")
CRITERIA = {"borne out": "criteria_borne_out", "partly borne out": "criteria_partly",
            "not borne out": "criteria_not"}
# What a reading may change of the forecast's row.
READING_OVERRIDES = ("population", "selection", "value", "window_start", "window_end", "baseline_year",
                     "threshold", "scope", "catalogue", "bridge")


class ForecastError(LedgerError):
    """A forecast row that cannot be scored as written: names the row and what is wrong."""


# ---------------------------------------------------------------------------------------------
# The inventory


def forecasts(path: Path = FORECASTS) -> dict[str, dict]:
    return inventory_table(str(path))


def forecast(forecast_id: str, path: Path = FORECASTS) -> dict:
    found = forecasts(path).get(forecast_id)
    if found is None:
        raise ForecastError(f"no forecast {forecast_id!r} in {path.name}")
    return found


def _is_year(text: str) -> bool:
    return text.strip().isdigit() and len(text.strip()) == 4


def problems(row: dict) -> list[str]:
    """What makes a forecast row unusable, in words (empty when it is fine)."""
    found = []
    method, score_name = row.get("method", ""), row["score"]
    if score_name not in SCORES:
        found.append(f"score {score_name!r} is not one of: {', '.join(SCORES)}")
    if method not in METHODS:
        return found + [f"method {method!r} is not one of: {', '.join(METHODS)}"]
    criteria = [row.get(c, "").strip() for c in CRITERIA.values()]
    if method == "unfalsifiable":
        if len(row.get("reason", "").strip()) < 40:
            found.append("an unfalsifiable forecast must say in reason, in a sentence, why no outcome could judge it")
        if score_name != UNFALSIFIABLE:
            found.append(f"an unfalsifiable forecast can only be scored {UNFALSIFIABLE!r}")
        if any(row.get(c, "").strip() for c in RULE_COLUMNS) or any(criteria):
            found.append("an unfalsifiable forecast has no rule and no criteria")
        return found
    if not row.get("population", "").strip():
        found.append(f"a forecast judged by {method} must name its population (who or what it is about)")
    if score_name == UNFALSIFIABLE:
        found.append(f"only a forecast whose method is 'unfalsifiable' can be scored {UNFALSIFIABLE!r}")
    if method == "judgement":
        if not all(criteria):
            found.append("a judged forecast needs criteria for every grade: " + ", ".join(CRITERIA.values()))
        if row.get("criteria_written", "") not in ("before", "after"):
            found.append("criteria_written must say whether the criteria were written 'before' or 'after' the "
                         "evidence was compared")
        if score_name not in (*GRADES, UNRESOLVED):
            found.append(f"a judged forecast is graded one of: {', '.join(GRADES)}, or {UNRESOLVED!r}")
        if score_name == UNRESOLVED and len(row.get("reason", "").strip()) < 40:
            found.append(f"a judged forecast left {UNRESOLVED!r} must say in reason what evidence is missing "
                         "and where it was looked for")
        if any(row.get(c, "").strip() for c in RULE_COLUMNS):
            found.append("a judged forecast has no rule columns")
        return found
    # method == "rule"
    if any(criteria):
        found.append("a forecast scored by a rule has no judgement criteria")
    if row.get("reason", "").strip():
        found.append("a forecast scored by a rule must leave reason empty")
    if row["rule"] not in RULES:
        return found + [f"rule {row['rule']!r} is not one of: {', '.join(RULES)}"]
    for column in ("evidence", "value", "window_start", "window_end", *NEEDS[row["rule"]]):
        if not row.get(column, "").strip():
            found.append(f"rule {row['rule']} needs {column}")
    if row["value"] == "rows" and row["rule"] not in COUNTING:
        found.append(f"rule {row['rule']} needs a column of a complete series as its value: counting rows "
                     "of an event list would read a year nobody catalogued as a year with none")
    catalogue = row.get("catalogue", "").strip()
    if catalogue and row["rule"] not in COUNTING:
        found.append("only a counting rule (occurs, absent) names a catalogue")
    if catalogue and catalogue != PARTIAL:
        try:
            tier(catalogue, ledger.SOURCES_PATH)
        except SourceError:
            found.append(f"catalogue {catalogue!r} is neither {PARTIAL!r} nor a key of the bibliography")
    if not _is_year(row.get("horizon_end", "")):
        found.append("horizon_end must be the year the report's horizon reaches, as the book reads it")
    elif _is_year(row.get("window_end", "")) and int(row["window_end"]) < int(row["horizon_end"]) \
            and not row.get("window_why", "").strip():
        found.append(f"the window ends in {row['window_end']}, before the horizon ({row['horizon_end']}): "
                     "window_why must say why")
    if score_name not in SCORE_FAVOUR:
        found.append(f"a rule scores one of: {', '.join(SCORE_FAVOUR)}")
    return found


def forecast_readings(forecast_id: str, path: Path = READINGS) -> list[dict]:
    """The alternative readings of a forecast (data/forecast_readings.csv), each checked."""
    if not Path(path).exists():
        return []
    rows = [r for r in inventory_table(str(path)).values() if r["forecast"] == forecast_id]
    for r in rows:
        if r["support"] not in READING_SUPPORT:
            raise ForecastError(f"{forecast_id}: reading {r['id']!r} has support {r['support']!r}; one of "
                                f"{READING_SUPPORT} (a better supported reading belongs in forecasts.csv)")
        if not r["why"].strip() or not r["reading"].strip():
            raise ForecastError(f"{forecast_id}: reading {r['id']!r} needs the reading in words and why")
    return rows


def judgement_evidence(forecast_id: str, path: Path = JUDGEMENT_EVIDENCE) -> list[dict]:
    """The cited rows behind a judged grade, each with its source's tier."""
    frame = data.load("forecast_evidence") if Path(path) == JUDGEMENT_EVIDENCE else pd.read_csv(path, dtype=str)
    rows = frame[frame["forecast"] == forecast_id].fillna("").to_dict("records")
    return [{**r, "tier": tier(r["source"], ledger.SOURCES_PATH)} for r in rows]


# ---------------------------------------------------------------------------------------------
# Evidence


def evidence(row: dict, frame: pd.DataFrame | None = None) -> pd.DataFrame:
    """The rows of the forecast's dataset that count as evidence (its `selection`, a pandas query)."""
    frame = data.load(row["evidence"]) if frame is None else frame
    selected = frame.query(row["selection"], engine="python") if row["selection"].strip() else frame
    return selected.copy()


def _window(row: dict) -> range:
    return range(int(row["window_start"]), int(row["window_end"]) + 1)


def _wanted_years(row: dict) -> list[int]:
    baseline = [int(row["baseline_year"])] if row.get("baseline_year", "").strip() else []
    return sorted(set(baseline) | set(_window(row)))


def _year_of(rows: pd.DataFrame) -> pd.Series:
    return pd.to_datetime(rows["date"]).dt.year if "date" in rows else rows["year"].astype(int)


def definitions(rows: pd.DataFrame) -> list[str]:
    """Each distinct definition among the rows ("indicator: …; area: …"), in order of first year."""
    if rows.empty or not any(c in rows for c in DEFINITION_COLUMNS):
        return []
    return list(dict.fromkeys(definitions_of(rows.iloc[_year_of(rows).argsort(kind="stable")])))


def one_definition(row: dict, rows: pd.DataFrame) -> pd.DataFrame:
    """The rows on one definition, for rules that compare years; a mix is refused unless bridged.

    `bridge` names rows (ids) whose definition every compared year must share: the rows that put
    the baseline and the window on one footing (for example a baseline re-counted without a
    country that later left the series). Rows on other definitions are then set aside."""
    if row["rule"] not in COMPARING or rows.empty:
        return rows
    in_years = rows[_year_of(rows).isin(_wanted_years(row))]
    found = definitions(in_years)
    bridge = [b.strip() for b in row.get("bridge", "").split(";") if b.strip()]
    if not bridge:
        if len(found) > 1:
            raise ForecastError(f"{row['id']}: the selected rows of {row['evidence']} mix definitions between the "
                                f"baseline and the window ({' | '.join(found)}); a rise or a fall across a change of "
                                "definition is not a change in the world. Name the rows that put every year on one "
                                "definition in `bridge`, or select one definition")
        return rows
    missing = [b for b in bridge if b not in set(in_years.get("id", []))]
    if missing:
        raise ForecastError(f"{row['id']}: bridge rows {', '.join(missing)} are not among the selected rows of "
                            f"{row['evidence']} in {_wanted_years(row)[0]}–{_wanted_years(row)[-1]}")
    target = definitions(in_years[in_years["id"].isin(bridge)])
    if len(target) != 1:
        raise ForecastError(f"{row['id']}: the bridge rows are on more than one definition ({' | '.join(target)})")
    keep = definitions_of(in_years) == target[0]
    return in_years[keep]


def definitions_of(rows: pd.DataFrame) -> pd.Series:
    """Each row's definition, as `definitions` words it."""
    columns = [c for c in DEFINITION_COLUMNS if c in rows]
    return rows[columns].astype(str).apply(lambda r: "; ".join(f"{c}: {r[c]}" for c in columns), axis=1)


def yearly(row: dict, rows: pd.DataFrame) -> pd.Series:
    """The evidence as one value per year of the baseline and the window.

    Counts (every rule but `grows`): a column summed by year, or rows counted. A year with no row
    is a zero when rows of an event list are counted (what the list proves is decided by its
    catalogue), but a gap when a column is summed: the score refuses to cross a gap.
    Levels (`grows`): the latest estimate of each year; every year of the baseline and the window
    must have one (a gap is refused here too).
    """
    wanted = _wanted_years(row)
    year = _year_of(rows)
    if row["value"] == "rows":
        counts = year.value_counts()
        return pd.Series({y: float(counts.get(y, 0)) for y in wanted}, name="rows")
    values = pd.to_numeric(rows[row["value"]], errors="raise").astype(float)
    if values.isna().any():
        raise ForecastError(f"{row['id']}: evidence column {row['value']!r} is empty in a selected row of {row['evidence']}")
    if row["rule"] == "grows":
        order = pd.to_datetime(rows["date"]) if "date" in rows else year
        levels = values.groupby(year).apply(lambda v: v.loc[order.loc[v.index].idxmax()]) if len(values) else values
        missing = [y for y in wanted if y not in levels.index]
        if missing:
            raise ForecastError(f"{row['id']}: `grows` needs a level for every year of {_years_with_baseline(row)}; "
                                f"{row['evidence']} has none for {', '.join(map(str, missing))} (a gap is not a level)")
        return levels.loc[wanted].rename(row["value"])
    sums = values.groupby(year).sum()
    missing = [y for y in wanted if y not in sums.index]
    if missing:
        raise ForecastError(f"{row['id']}: {row['evidence']} has no {row['value']} for {', '.join(map(str, missing))}; "
                            "a gap is not a zero")
    return sums.loc[wanted].rename(row["value"])


def _years(row: dict) -> str:
    return f"{row['window_start']}–{row['window_end']}" if row["window_start"] != row["window_end"] else row["window_start"]


def _years_with_baseline(row: dict) -> str:
    years = _wanted_years(row)
    return f"{years[0]}–{years[-1]}"


def apply_rule(row: dict, series: pd.Series) -> tuple[str, str]:
    """(score, why) for a forecast's yearly values, by its rule."""
    rule, threshold = row["rule"], float(row["threshold"])
    window = series.loc[[y for y in series.index if int(row["window_start"]) <= y <= int(row["window_end"])]]
    reached = window[window >= threshold]
    partial = row.get("catalogue", "").strip() == PARTIAL
    if rule == "continues":
        why = f"{len(reached)} of {len(window)} years in {_years(row)} reach {threshold:g}"
        score = ("borne out" if len(reached) == len(window) else "partly borne out" if len(reached) else "not borne out")
        return score, why
    if rule == "occurs":
        total = window.sum()
        why = f"{total:g} listed in {_years(row)}, against {threshold:g} wanted"
        if total >= threshold:
            return "borne out", why
        if partial:
            return UNRESOLVED, why + "; the list is partial, so fewer listed does not mean fewer happened"
        return ("partly borne out" if total > 0 else "not borne out"), why
    if rule == "absent":
        total = window.sum()
        why = f"{total:g} listed in {_years(row)}, against at most {threshold:g} allowed"
        if total > threshold:
            return "not borne out", why
        if partial:
            return UNRESOLVED, why + "; the list is partial, so none listed does not mean none happened"
        return "borne out", why
    base = series.loc[int(row["baseline_year"])]
    if rule == "fewer-but-continuing":
        continuing, fewer = len(reached) == len(window), window.mean() < base
        why = (f"{len(reached)} of {len(window)} years in {_years(row)} reach {threshold:g}; the yearly mean "
               f"{window.mean():.1f} is {'below' if fewer else 'not below'} {row['baseline_year']}'s {base:g}")
        return ("borne out" if continuing and fewer else "partly borne out" if continuing or fewer else "not borne out"), why
    if rule == "grows":
        last, top = window.iloc[-1], window.max()
        target = base * (1 + threshold)
        wanted = "any rise" if threshold == 0 else f"a rise of {threshold:.0%} (to {target:g})"
        why = (f"{row['baseline_year']}: {base:g}; in {_years(row)} the highest is {top:g} ({window.idxmax()}) and the "
               f"last {last:g} ({window.index[-1]}); {wanted} above {row['baseline_year']} wanted")
        grown = last > base and last >= target
        return ("borne out" if grown else "partly borne out" if (window > base).any() else "not borne out"), why
    raise ForecastError(f"{row['id']}: no rule {rule!r}")


def rule_score(row: dict, frame: pd.DataFrame | None = None) -> tuple[str, str, pd.Series, pd.DataFrame]:
    """(score, why, yearly values, evidence rows) of one reading of a rule-scored forecast."""
    rows = one_definition(row, evidence(row, frame))
    series = yearly(row, rows)
    score_name, why = apply_rule(row, series)
    return score_name, why, series, rows


def window_scores(row: dict, frame: pd.DataFrame | None = None) -> list[dict]:
    """The score for each window end from the window's start to the last year the evidence reaches
    (or the horizon, if later, for an event list): how the score depends on the window chosen."""
    # The dataset is read once for every window (data.load validates the file each time it is called).
    frame = data.load(row["evidence"]) if frame is None else frame
    rows = one_definition(row, evidence(row, frame))
    years = _year_of(rows)
    last = max([int(row["window_end"]), *([int(years.max())] if len(years) else [])])
    if row["value"] == "rows":
        last = max(last, int(row.get("horizon_end") or last))
    found = []
    for end in range(int(row["window_start"]), last + 1):
        trial = {**row, "window_end": str(end)}
        try:
            found.append({"end": end, "score": rule_score(trial, frame)[0]})
        except ForecastError as error:
            broken = "the definitions change" if "mix definitions" in str(error) else "a gap in the series"
            found.append({"end": end, "score": f"no score ({broken})"})
    return found


# ---------------------------------------------------------------------------------------------
# Scoring and recording


@dataclass
class ForecastRecord:
    id: str
    chapter: int
    quote: str
    voice: str
    horizon: str
    forecast: str
    population: str
    method: str
    rule: str
    score: str
    recorded_score: str
    why: str
    note: str
    yearly: dict = field(default_factory=dict)
    evidence: list[dict] = field(default_factory=list)
    scope: str = ""
    catalogue: str = ""
    definitions: list[str] = field(default_factory=list)
    bridge: str = ""
    window: str = ""
    window_why: str = ""
    horizon_end: str = ""
    windows: list[dict] = field(default_factory=list)
    reading: str = ""
    readings: list[dict] = field(default_factory=list)
    criteria: dict = field(default_factory=dict)
    criteria_written: str = ""

    def to_json(self) -> str:
        return json.dumps(asdict(self), sort_keys=True, ensure_ascii=False)


def _cited(rows: pd.DataFrame) -> list[dict]:
    return [{"what": str(r.get("event", r.get("id", ""))), "date": str(r.get("date", r.get("year", "")))[:10],
             "source": r["source"], "locator": r["locator"]} for _, r in rows.iterrows()]


def evaluate(forecast_id: str, *, note: str = "", frame: pd.DataFrame | None = None,
             path: Path = FORECASTS, readings_path: Path = READINGS,
             evidence_path: Path = JUDGEMENT_EVIDENCE) -> ForecastRecord:
    """Score a forecast by its method (on `frame` instead of its dataset, to ask "what if")."""
    row = forecast(forecast_id, path)
    broken = problems(row)
    if broken:
        raise ForecastError(f"{path.name}, forecast {forecast_id}: " + "; ".join(broken))
    if not note.strip():
        raise ForecastError(f"{forecast_id}: every score needs a note explaining it")
    common = dict(id=forecast_id, chapter=int(row["chapter"]), quote=row["quote"], voice=row["voice"],
                  horizon=row["horizon"], forecast=row["forecast"], population=row.get("population", ""),
                  method=row["method"], recorded_score=row["score"], note=note)
    if row["method"] == "unfalsifiable":
        return ForecastRecord(**common, rule="", score=UNFALSIFIABLE, why=row["reason"].rstrip("."))
    if row["method"] == "judgement":
        return _judged(row, common, evidence_path)
    coded = {"id": "as-coded", "reading": row["forecast"], "support": "best", "why": "the reading coded in "
             "forecasts.csv", "row": row}
    # Every reading reads the same dataset (a reading cannot change `evidence`): read it once.
    frame = data.load(row["evidence"]) if frame is None else frame
    alternatives = [{**r, "row": {**row, **{k: r[k] for k in READING_OVERRIDES if r.get(k, "").strip()}}}
                    for r in forecast_readings(forecast_id, readings_path)]
    judged = [(reading, rule_score(reading["row"], frame)) for reading in [coded] + alternatives]
    recorded = judged[0]
    for candidate in judged[1:]:
        if candidate[0]["support"] == "equal" and \
                SCORE_FAVOUR.index(candidate[1][0]) < SCORE_FAVOUR.index(recorded[1][0]):
            recorded = candidate
    reading, (score_name, why, series, rows) = recorded
    used = reading["row"]
    _check_standing(used, rows, score_name)
    compared = rows[_year_of(rows).isin(_wanted_years(used))]
    return ForecastRecord(
        **{**common, "population": used.get("population", "")}, rule=row["rule"], score=score_name, why=why,
        yearly={int(k): v for k, v in series.items()}, evidence=_cited(compared),
        scope=used.get("scope", ""), catalogue=used.get("catalogue", ""),
        definitions=definitions(compared),
        bridge=used.get("bridge", ""), window=_years(used), window_why=used.get("window_why", ""),
        horizon_end=used.get("horizon_end", ""), windows=window_scores(used, frame),
        reading=(reading["reading"] + (" (recorded: equally supported, and more favourable to the report than the "
                                       "reading coded first)" if reading is not coded else "")),
        readings=[{"id": r["id"], "reading": r["reading"], "support": r["support"], "why": r["why"],
                   "score": result[0], "why_score": result[1], "recorded": r is reading}
                  for r, result in judged] if alternatives else [],
    )


def _judged(row: dict, common: dict, evidence_path: Path) -> ForecastRecord:
    """A judged grade: its criteria and at least two cited rows from sources that can decide."""
    rows = judgement_evidence(row["id"], evidence_path)
    criteria = {grade: row[column] for grade, column in CRITERIA.items()}
    cited = [{"what": r["finding"], "date": "", "source": r["source"], "locator": r["locator"],
              "bears_on": r["bears_on"]} for r in rows]
    if row["score"] == UNRESOLVED:
        return ForecastRecord(**common, rule="", score=UNRESOLVED, why=row["reason"].rstrip("."), evidence=cited,
                              criteria=criteria, criteria_written=row["criteria_written"])
    problem = grade_problem(row["score"], [r["bears_on"] for r in rows if r["tier"] in STRONG_TIERS])
    if problem:
        raise ForecastError(f"{row['id']}: the grade {row['score']!r} needs {problem} in {Path(evidence_path).name}, "
                            "from primary or reputable sources (a source of tier 'other' is listed but never counts)")
    leaning = pd.Series([r["bears_on"] for r in rows]).value_counts()
    why = (f"judged against the criteria below on {len(rows)} cited rows ("
           + ", ".join(f"{n} {k}" for k, n in leaning.items()) + ")")
    return ForecastRecord(**common, rule="", score=row["score"], why=why, evidence=cited, criteria=criteria,
                          criteria_written=row["criteria_written"])


def grade_problem(grade: str, leanings: list[str]) -> str:
    """What a judged grade lacks among the deciding rows' leanings ('' when it has enough): two rows that point
    its way, or for a partial grade two rows of which one supports and one goes against or is mixed."""
    supports = leanings.count("supports")
    against = leanings.count("against")
    if grade == "borne out" and supports < MIN_JUDGEMENT_EVIDENCE:
        return f"at least {MIN_JUDGEMENT_EVIDENCE} rows that support the forecast (it has {supports})"
    if grade == "not borne out" and against < MIN_JUDGEMENT_EVIDENCE:
        return f"at least {MIN_JUDGEMENT_EVIDENCE} rows that go against the forecast (it has {against})"
    if grade == "partly borne out" and not (len(leanings) >= MIN_JUDGEMENT_EVIDENCE and supports
                                            and len(leanings) > supports):
        return ("at least one row that supports the forecast and one that goes against it or is mixed "
                f"(it has {supports} supporting of {len(leanings)})")
    return ""


def _check_standing(row: dict, rows: pd.DataFrame, score_name: str) -> None:
    """No source of tier 'other' decides a score: without its rows the score must stand."""
    weak = pd.Series([tier(key, ledger.SOURCES_PATH) not in STRONG_TIERS for key in rows["source"]], index=rows.index)
    if not weak.any():
        return
    try:
        without = apply_rule(row, yearly(row, rows[~weak]))[0]
    except ForecastError:
        without = "no score"
    if without != score_name:
        raise ForecastError(f"{row['id']}: the score {score_name!r} rests on a source of tier 'other' "
                            f"({', '.join(sorted(set(rows.loc[weak, 'source'])))}); without it the score would be "
                            f"{without!r}. Find the primary or reputable reporting of it")


def score(forecast_id: str, *, note: str = "", frame: pd.DataFrame | None = None,
          path: Path = FORECASTS) -> None:
    """Compute, show and record a forecast's score (`evaluate` returns it without showing it).

    Returns nothing, as `ledger.reproduce` does: the card is the output (a returned record would
    print its repr under the card)."""
    record = evaluate(forecast_id, note=note, frame=frame, path=path)
    if in_book_build():
        if frame is not None:
            raise ForecastError(f"{forecast_id}: the book records scores from the cited datasets only")
        if record.score != record.recorded_score:
            raise ForecastError(f"{forecast_id}: computed score {record.score!r} differs from the one recorded in "
                                f"data/forecasts.csv ({record.recorded_score!r}); fix the data or the record")
    publish(GLUE_PREFIX + forecast_id, Glued(record, RECORD_MIMETYPE, f"<forecast record {forecast_id}: {record.score}>"),
            card_html(record))


def badge_html(score_name: str, method: str = "") -> str:
    _, symbol, _ = SCORES[score_name]
    slug = score_name.replace(" ", "-")
    judged = ' <span class="forecast-judged">(judged)</span>' if method == "judgement" else ""
    return (f'<span class="verdict-badge forecast-{slug}">'
            f'<span aria-hidden="true">{symbol}</span> {score_name}{judged}</span>')


def _window_html(record: ForecastRecord) -> str:
    esc = html.escape
    shorter = (f" It ends before the report's horizon ({esc(record.horizon_end)}): {esc(record.window_why)}"
               if record.window_why else "")
    return f"<dt>Window</dt><dd>{esc(record.window)}.{shorter}</dd>"


def _sensitivity_html(record: ForecastRecord) -> str:
    """How the score depends on the window and on the reading, folded (loaded when opened: companion.deferred)."""
    esc, parts = html.escape, []
    if len(record.windows) > 1:
        parts.append("<p>Score by the window’s last year:</p><ul class=\"forecast-windows\">" + "".join(
            f"<li>to {w['end']}: {esc(w['score'])}{' (recorded window)' if str(w['end']) == record.window[-4:] else ''}</li>"
            for w in record.windows) + "</ul>")
    readings = ledger.readings_list_html([(r, r["why_score"], badge_html(r["score"])) for r in record.readings])
    if readings:
        parts.append("<p>Readings of the forecast, each scored by the same rule:</p>" + readings)
    if not parts:
        return ""
    what = " and the reading" if readings else ""
    return (f'<dt>Sensitivity</dt><dd><details class="forecast-sensitivity"><summary>How the score depends on the '
            f'window{what}</summary>{"".join(parts)}</details></dd>')


def card_html(record: ForecastRecord) -> str:
    from companion.bib import cite_html, short

    esc = html.escape
    years = "".join(f"<li>{year}: {value:g}</li>" for year, value in record.yearly.items())
    cited = "".join(f"<li>{esc(e['date'] + ' ') if e['date'] else ''}{esc(e['what'])}"
                    f"{' (' + esc(e['bears_on']) + ')' if e.get('bears_on') else ''} — {cite_html(e['source'])}, "
                    f"{esc(e['locator'])}</li>" for e in record.evidence)
    mismatch = (f'<p class="claim-mismatch" role="note">The score recorded in data/forecasts.csv is '
                f'<strong>{esc(record.recorded_score)}</strong>; the evidence now gives '
                f'<strong>{esc(record.score)}</strong>.</p>' if record.score != record.recorded_score else "")
    parts = [f"<dt>Read as</dt><dd>{esc(record.reading or record.forecast)}"
             + (f" (horizon in the report: {esc(record.horizon)})" if record.horizon else "") + "</dd>",
             f"<dt>Whose forecast</dt><dd>{esc(record.voice)}</dd>"]
    if record.population:
        parts.append(f"<dt>About</dt><dd>{esc(record.population)}</dd>")
    parts.append(f"<dt>Method</dt><dd>{esc(METHODS[record.method])}"
                 + (f": {esc(record.rule)}" if record.rule else "") + "</dd>")
    if record.scope:
        parts.append(f"<dt>Scope</dt><dd>{esc(record.scope)}</dd>")
    if record.catalogue:
        parts.append("<dt>Catalogue</dt><dd>" + (esc(PARTIAL_LIMITS) if record.catalogue == PARTIAL
                                                else f"every event in scope of {cite_html(record.catalogue)}") + "</dd>")
    if record.definitions:
        parts.append("<dt>Definitions in the evidence</dt><dd>" + "<br>".join(esc(d) for d in record.definitions)
                     + (f" (bridge rows: {esc(record.bridge)})" if record.bridge else "") + "</dd>")
    if record.rule:
        parts.append(_window_html(record))
        parts.append(f'<dt>By year</dt><dd><ul class="forecast-years">{years}</ul></dd>')
        parts.append(_sensitivity_html(record))
    if record.criteria:
        # Folded like the evidence (loaded when opened); the summary says when they were written.
        parts.append(f'<dt>Criteria</dt><dd><details class="forecast-criteria"><summary>For each grade, written '
                     f'{esc(record.criteria_written)} the evidence was compared</summary><ul>'
                     + "".join(f"<li><strong>{esc(g)}</strong>: {esc(c)}</li>" for g, c in record.criteria.items())
                     + "</ul></details></dd>")
    if cited:
        # The rows behind the score, folded (and loaded when opened: companion.deferred).
        parts.append(f'<dt>Evidence</dt><dd><details class="forecast-evidence"><summary>{len(record.evidence)} rows, '
                     f'from {esc(", ".join(sorted({short(e["source"]) for e in record.evidence})))}</summary>'
                     f"<ul>{cited}</ul></details></dd>")
    return (
        f'<section class="claim-card forecast-card forecast-{record.score.replace(" ", "-")}" id="forecast-{esc(record.id)}" '
        f'aria-label="Forecast {esc(record.id)}: {esc(record.score)}">'
        f'<header>{card_id_html("forecast", record.id)} {badge_html(record.score, record.method)}</header>'
        f'<blockquote class="claim-quote">{esc(record.quote)}</blockquote>'
        f'<dl>{"".join(parts)}' + why_html(record.why, record.note) + '</dl>' + mismatch + "</section>"
    )


def tally_sentence(rows: list[dict]) -> str:
    """The scorecard in words, from records or scorecard rows (each with `method` and `score`): each method's
    count, with the rule scores and the judged grades counted apart."""
    def count(method: str, score_name: str | None = None) -> int:
        return sum(r["method"] == method and (score_name is None or r["score"] == score_name) for r in rows)

    def scores(method: str) -> str:
        found = [f"{count(method, s)} {s}" for s in SCORES if count(method, s)]
        return ", ".join(found[:-1]) + (" and " if len(found) > 1 else "") + found[-1] if found else "none"

    return (f"{len(rows)} forecasts in the report: {count('rule')} scored by a rule from cited data "
            f"({scores('rule')}); {count('judgement')} graded by judgement against written criteria and cited "
            f"evidence ({scores('judgement')}); {count('unfalsifiable')} unfalsifiable, with the reason.")


def legend() -> pd.DataFrame:
    return pd.DataFrame([{"score": name, "symbol": symbol, "meaning": meaning}
                         for name, (meaning, symbol, _) in SCORES.items()])


def methods_legend() -> pd.DataFrame:
    return pd.DataFrame([{"method": name, "meaning": meaning} for name, meaning in METHODS.items()])
