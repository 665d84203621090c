"""The verdict scale: one home for the words every page uses to rate a claim.

The rules that compute a verdict from data (tolerances by precision, precedence) join this
module with the claims ledger; the scale itself is fixed here so pages never retype it.
"""
from __future__ import annotations

import pandas as pd

# name -> (meaning, symbol). The symbol pairs every verdict colour with a word and a shape.
VERDICTS: dict[str, tuple[str, str]] = {
    "reproduced": ("Independent data gives the report's figure within the tolerance its precision allows.", "✓"),
    "close": ("Off, but within the wider tolerance; the commentary says by how much and why.", "≈"),
    "contradicted": ("Independent data disagrees beyond that, or a date or ranking is wrong.", "✗"),
    "inconsistent": ("The report's own figures disagree with each other (arithmetic from the report alone).", "≠"),
    "unverifiable": ("No independent public figure was found; the record lists what was searched.", "?"),
}


def legend() -> pd.DataFrame:
    """The verdict scale as a table, for the intro and methods pages."""
    return pd.DataFrame(
        [(f"{symbol} {name}", meaning) for name, (meaning, symbol) in VERDICTS.items()],
        columns=["verdict", "meaning"],
    ).set_index("verdict")
