"""Forecasts: what the report expected to happen, and a score computed from what did.

Each row of data/forecasts.csv quotes a forecast and, when it can be scored, names a rule, the
cited dataset that holds the evidence, which rows of it count, the years to look at and the
threshold. A chapter calls `score(forecast_id, note=...)`: it applies the rule to the evidence,
shows a card and records the result with myst-nb's `glue`, as `ledger.reproduce` does for claims;
the same Sphinx extension gathers both. Scores are computed, never typed: in the book build a
score that differs from the one recorded in forecasts.csv stops the build.

The rules, each over yearly values (`value` in the CSV names a column; `rows` counts rows):

- continues: the thing goes on. Borne out when every year of the window reaches the threshold,
  partly when some years do, not borne out when none does.
- fewer-but-continuing: fewer than in the baseline year, but not none. Borne out when every year
  of the window reaches the threshold and the window's yearly mean is below the baseline year's
  value; partly when only one of the two holds; not borne out when neither does.
- occurs: it happens. Borne out when the window holds at least `threshold` of it, partly when
  some but fewer, not borne out when none.
- absent: it does not happen. Borne out when the window holds no more than `threshold` of it
  (normally none), not borne out otherwise; `selection` names what would break the forecast.
- grows: levels rise. Borne out when the last level in the window is above the baseline year's,
  by at least the threshold (a fraction: 0.5 is half as much again; 0 is any rise); partly when
  some level in the window is above the baseline's but the last is not; not borne out otherwise.
"""
from __future__ import annotations

import html
import json
from dataclasses import asdict, dataclass, field
from pathlib import Path

import pandas as pd

from companion import DATA_DIR, data, in_book_build, ledger
from companion.bib import STRONG_TIERS, tier
from companion.ledger import Glued, LedgerError, card_id_html, inventory_table, publish, why_html

FORECASTS = DATA_DIR / "forecasts.csv"
GLUE_PREFIX = "forecast:"
RECORD_MIMETYPE = "application/vnd.companion.forecast+json"

# name -> (meaning, symbol, colour); colour only ever repeats the word and the symbol.
SCORES: dict[str, tuple[str, str, str]] = {
    "borne out": ("What happened meets the forecast's rule in full.", "✓", "#009E73"),
    "partly borne out": ("What happened meets part of the rule: some years, some of the events, "
                         "or one of its two conditions.", "◐", "#E69F00"),
    "not borne out": ("What happened does not meet the rule.", "✗", "#D55E00"),
    "too vague to score": ("The forecast names nothing observable, no threshold or no time; "
                           "the inventory says why.", "?", "#666666"),
}
VAGUE = "too vague to score"
RULES = ("continues", "fewer-but-continuing", "occurs", "absent", "grows")
# The columns a scorable row must fill, by rule.
NEEDS = {"continues": ("threshold",), "fewer-but-continuing": ("threshold", "baseline_year"),
         "occurs": ("threshold",), "absent": ("threshold",), "grows": ("threshold", "baseline_year")}


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


def problems(row: dict) -> list[str]:
    """What makes a forecast row unusable, in words (empty when it is fine)."""
    found = []
    if row["score"] not in SCORES:
        found.append(f"score {row['score']!r} is not one of: {', '.join(SCORES)}")
    if not row["rule"]:
        if not row["too_vague_because"].strip():
            found.append("a forecast without a rule must say in too_vague_because why it cannot be scored")
        if row["score"] != VAGUE:
            found.append(f"a forecast without a rule can only be scored {VAGUE!r}")
        return found
    if row["rule"] not in RULES:
        return found + [f"rule {row['rule']!r} is not one of: {', '.join(RULES)}"]
    for column in ("evidence", "value", "window_start", "window_end", *NEEDS[row["rule"]]):
        if not row[column].strip():
            found.append(f"rule {row['rule']} needs {column}")
    if row["value"] == "rows" and row["rule"] not in ("occurs", "absent"):
        found.append(f"rule {row['rule']} needs a column of a complete series as its value: counting rows "
                     "of an event list would read a year nobody catalogued as a year with none")
    if row["too_vague_because"].strip():
        found.append("a forecast with a rule must leave too_vague_because empty")
    if row["score"] == VAGUE:
        found.append(f"a forecast with a rule is scored by it, not {VAGUE!r}")
    return found


# ---------------------------------------------------------------------------------------------
# Evidence


def evidence(row: dict, frame: pd.DataFrame | None = None) -> pd.DataFrame:
    """The rows of the forecast's dataset that count as evidence (its `selection`, a pandas query)."""
    frame = data.load(row["evidence"]) if frame is None else frame
    selected = frame.query(row["selection"], engine="python") if row["selection"].strip() else frame
    return selected.copy()


def yearly(row: dict, rows: pd.DataFrame) -> pd.Series:
    """The evidence as one value per year.

    Counts (every rule but `grows`): a column summed by year, or rows counted. A year with no row
    is a zero when rows are counted (an event list), but a gap when a column is summed (a series
    such as Europol's): the score refuses to cross a gap rather than read it as none.
    Levels (`grows`): the latest estimate of each year that has one; the baseline year must have one.
    """
    window = range(int(row["window_start"]), int(row["window_end"]) + 1)
    baseline = [int(row["baseline_year"])] if row["baseline_year"].strip() else []
    wanted = sorted(set(baseline) | set(window))
    dated = "date" in rows
    year = pd.to_datetime(rows["date"]).dt.year if dated else rows["year"].astype(int)
    if row["value"] == "rows":
        counts = year.value_counts()
        return pd.Series({y: float(counts.get(y, 0)) for y in wanted}, name="rows")
    values = pd.to_numeric(rows[row["value"]], errors="raise").astype(float)
    if values.isna().any():
        raise ForecastError(f"{row['id']}: evidence column {row['value']!r} is empty in a selected row of {row['evidence']}")
    if row["rule"] == "grows":
        order = pd.to_datetime(rows["date"]) if dated else year
        levels = values.groupby(year).apply(lambda v: v.loc[order.loc[v.index].idxmax()])
        levels = levels[[y for y in levels.index if y in baseline or y in window]]
        if not baseline or baseline[0] not in levels.index or len(levels) < 2:
            raise ForecastError(f"{row['id']}: `grows` needs an estimate in {row['baseline_year']} and one in "
                                f"{_years(row)} ({row['evidence']} has {', '.join(map(str, levels.index)) or 'none'})")
        return levels.rename(row["value"])
    sums = values.groupby(year).sum()
    missing = [y for y in wanted if y not in sums.index]
    if missing:
        raise ForecastError(f"{row['id']}: {row['evidence']} has no {row['value']} for {', '.join(map(str, missing))}; "
                            "a gap is not a zero")
    return sums.loc[wanted].rename(row["value"])


def _years(row: dict) -> str:
    return f"{row['window_start']}–{row['window_end']}"


def apply_rule(row: dict, series: pd.Series) -> tuple[str, str]:
    """(score, why) for a forecast's yearly values, by its rule."""
    rule, threshold = row["rule"], float(row["threshold"])
    window = series.loc[[y for y in series.index if int(row["window_start"]) <= y <= int(row["window_end"])]]
    reached = window[window >= threshold]
    if rule == "continues":
        why = f"{len(reached)} of {len(window)} years in {_years(row)} reach {threshold:g}"
        score = ("borne out" if len(reached) == len(window) else "partly borne out" if len(reached) else "not borne out")
        return score, why
    if rule == "occurs":
        total = window.sum()
        why = f"{total:g} in {_years(row)}, against {threshold:g} wanted"
        return ("borne out" if total >= threshold else "partly borne out" if total > 0 else "not borne out"), why
    if rule == "absent":
        total = window.sum()
        why = f"{total:g} in {_years(row)}, against at most {threshold:g} allowed"
        return ("borne out" if total <= threshold else "not borne out"), why
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


# ---------------------------------------------------------------------------------------------
# Scoring and recording


@dataclass
class ForecastRecord:
    id: str
    chapter: int
    quote: str
    horizon: str
    forecast: str
    rule: str
    score: str
    recorded_score: str
    why: str
    note: str
    yearly: dict = field(default_factory=dict)
    evidence: list[dict] = field(default_factory=list)

    def to_json(self) -> str:
        return json.dumps(asdict(self), sort_keys=True, ensure_ascii=False)


def evaluate(forecast_id: str, *, note: str = "", frame: pd.DataFrame | None = None,
             path: Path = FORECASTS) -> ForecastRecord:
    """Score a forecast by its rule (on `frame` instead of its dataset, to ask "what if")."""
    row = forecast(forecast_id, path)
    broken = problems(row)
    if broken:
        raise ForecastError(f"{path.name}, forecast {forecast_id}: " + "; ".join(broken))
    if not note.strip():
        raise ForecastError(f"{forecast_id}: every score needs a note explaining it")
    if not row["rule"]:
        return ForecastRecord(forecast_id, int(row["chapter"]), row["quote"], row["horizon"], row["forecast"], "",
                              VAGUE, row["score"], row["too_vague_because"], note)
    rows = evidence(row, frame)
    series = yearly(row, rows)
    score, why = apply_rule(row, series)
    _check_standing(row, rows, score)
    cited = [{"what": str(r.get("event", r.get("id", ""))), "date": str(r.get("date", r.get("year", "")))[:10],
              "source": r["source"], "locator": r["locator"]} for _, r in rows.iterrows()]
    return ForecastRecord(forecast_id, int(row["chapter"]), row["quote"], row["horizon"], row["forecast"], row["rule"],
                          score, row["score"], why, note, {int(k): v for k, v in series.items()}, cited)


def _check_standing(row: dict, rows: pd.DataFrame, score: str) -> None:
    """No source of tier 'other' decides a score: without its rows the score must stand."""
    weak = pd.Series([tier(key, ledger.SOURCES_PATH) not in STRONG_TIERS for key in rows["source"]], index=rows.index)
    if not weak.any():
        return
    try:
        without = apply_rule(row, yearly(row, rows[~weak]))[0]
    except ForecastError:
        without = "no score"
    if without != score:
        raise ForecastError(f"{row['id']}: the score {score!r} rests on a source of tier 'other' "
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


def badge_html(score_name: str) -> str:
    _, symbol, _ = SCORES[score_name]
    slug = score_name.replace(" ", "-")
    return (f'<span class="verdict-badge forecast-{slug}">'
            f'<span aria-hidden="true">{symbol}</span> {score_name}</span>')


def card_html(record: ForecastRecord) -> str:
    from companion.bib import cite_html, short

    esc = html.escape
    years = "".join(f"<li>{year}: {value:g}</li>" for year, value in record.yearly.items())
    cited = "".join(f"<li>{esc(e['date'])} {esc(e['what'])} — {cite_html(e['source'])}, {esc(e['locator'])}</li>"
                    for e in record.evidence)
    mismatch = (f'<p class="claim-mismatch" role="note">The score recorded in data/forecasts.csv is '
                f'<strong>{esc(record.recorded_score)}</strong>; the evidence now gives '
                f'<strong>{esc(record.score)}</strong>.</p>' if record.score != record.recorded_score else "")
    return (
        f'<section class="claim-card forecast-card forecast-{record.score.replace(" ", "-")}" id="forecast-{esc(record.id)}" '
        f'aria-label="Forecast {esc(record.id)}: {esc(record.score)}">'
        f'<header>{card_id_html("forecast", record.id)} {badge_html(record.score)}</header>'
        f'<blockquote class="claim-quote">{esc(record.quote)}</blockquote>'
        f'<dl><dt>Read as</dt><dd>{esc(record.forecast)}'
        + (f" (horizon in the report: {esc(record.horizon)})" if record.horizon else "") + "</dd>"
        + (f"<dt>Rule</dt><dd>{esc(record.rule)}</dd><dt>By year</dt><dd><ul class=\"forecast-years\">{years}</ul></dd>"
           if record.rule else "")
        # The rows behind the yearly values, folded (and loaded when opened: companion.deferred).
        + (f'<dt>Evidence</dt><dd><details class="forecast-evidence"><summary>{len(record.evidence)} rows, from '
           f'{esc(", ".join(sorted({short(e["source"]) for e in record.evidence})))}</summary><ul>{cited}</ul>'
           f"</details></dd>" if cited else "")
        + why_html(record.why, record.note) + '</dl>'
        + mismatch + "</section>"
    )


def legend() -> pd.DataFrame:
    return pd.DataFrame([{"score": name, "symbol": symbol, "meaning": meaning}
                         for name, (meaning, symbol, _) in SCORES.items()])
