"""Key numbers a reader can still use: for each quantity the report relies on, the latest estimate of
the same measure, beside the report's own figure.

A data row takes part by naming, in its `key_estimate` column, the claim whose quantity it measures
(the same thing counted: "Britons who travelled", not "Britons convicted"). Which row is shown is
computed, never typed (BEST_RULE, printed on the methods page):
1. only rows from a primary or reputable source take part (a weak source never speaks for a number);
2. the latest estimate wins, dated by when it was given;
3. between estimates of the same date, the primary source before the reputable one;
4. then the row listed first in its dataset.
"""
from __future__ import annotations

import pandas as pd

from companion import data, ledger
from companion.bib import STRONG_TIERS, TIERS, lowest_tier

BEST_RULE = (
    "Only rows from a primary or reputable source take part.",
    "The latest estimate wins, dated by when it was given.",
    "Between estimates of the same date, the primary source comes before the reputable one.",
    "Then the row listed first in its dataset.",
)

# Where each dataset keeps a row's id, date, value (low, high), what it counts and any qualifier.
DATASETS = {
    "foreign_fighters": {"id": "estimate", "date": "published", "low": "fighters_low", "high": "fighters_high",
                         "counts": "counts", "qualifier": "qualifier", "where": "country"},
    "uk_returnees": {"id": "id", "date": "date", "low": "value", "high": "value", "counts": "counts",
                     "qualifier": "qualifier", "where": None},
    "affiliate_strength": {"id": "id", "date": "date", "low": "low", "high": "high", "counts": "measure",
                           "qualifier": "qualifier", "where": "place"},
}


def candidates() -> pd.DataFrame:
    """Every row marked `key_estimate`, in one shape: claim, dataset, row, date, low, high, counts,
    qualifier, source, tier, order (its place in its dataset)."""
    rows = []
    for name, columns in DATASETS.items():
        frame = data.load(name)
        marked = frame[frame["key_estimate"].fillna("").str.strip() != ""]
        for order, row in marked.iterrows():
            counts = str(row[columns["counts"]])
            if columns["where"]:
                counts = f"{counts} ({row[columns['where']]})"
            qualifier = row[columns["qualifier"]]
            rows.append({"claim": row["key_estimate"].strip(), "dataset": name, "row": row[columns["id"]],
                         "date": pd.Timestamp(row[columns["date"]]), "low": row[columns["low"]],
                         "high": row[columns["high"]], "counts": counts,
                         "qualifier": "" if pd.isna(qualifier) else str(qualifier), "source": row["source"],
                         "tier": lowest_tier([row["source"]], ledger.SOURCES_PATH), "order": order})
    return pd.DataFrame(rows, columns=["claim", "dataset", "row", "date", "low", "high", "counts", "qualifier",
                                       "source", "tier", "order"])


def best(marked: pd.DataFrame) -> pd.DataFrame:
    """One row per claim: the estimate BEST_RULE picks among the marked rows, with how many took part."""
    unknown = sorted(set(marked["claim"]) - set(ledger.claims()))
    if unknown:
        raise ledger.LedgerError(f"key_estimate names claims that are not in claims.csv: {', '.join(unknown)}")
    strong = marked[marked["tier"].isin(STRONG_TIERS)].copy()
    without = sorted(set(marked["claim"]) - set(strong["claim"]))
    if without:
        raise ledger.LedgerError(f"key_estimate: no primary or reputable row for {', '.join(without)}")
    strong["tier_rank"] = strong["tier"].map(list(TIERS).index)
    ranked = strong.sort_values(["claim", "date", "tier_rank", "dataset", "order"],
                                ascending=[True, False, True, True, True])
    chosen = ranked.groupby("claim", sort=False).head(1).set_index("claim")
    chosen["compared"] = strong.groupby("claim").size()
    return chosen.reset_index().drop(columns="tier_rank")


def _estimate(row) -> str:
    value = str(ledger.Interval.of((row["low"], row["high"])))
    # A qualifier may speak of several fields ("more than (fighters); roughly (countries)"): keep the count's.
    qualifier = row["qualifier"].split(" (fighters)")[0] if "(fighters)" in row["qualifier"] else row["qualifier"]
    return f"{qualifier} {value}".strip()


def table_frame() -> pd.DataFrame:
    """The key-numbers table, in the report's order of claims."""
    chosen = best(candidates())
    order = list(ledger.claims())
    rows = []
    for _, row in sorted(chosen.iterrows(), key=lambda item: order.index(item[1]["claim"])):
        claim = ledger.claim(row["claim"])
        rows.append({
            "the report": f"“{claim['quote']}” ({ledger.report_shown(claim)})",
            "latest estimate": _estimate(row),
            "what it counts": row["counts"],
            "given on": f"{row['date']:%-d %B %Y}",
            "source": row["source"],
            "estimates compared": int(row["compared"]),
            "claim": row["claim"],
        })
    return pd.DataFrame(rows)

