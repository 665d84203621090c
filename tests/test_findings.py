"""The intro's findings, the argument map's standings and the key-numbers rule, at their edges."""
from __future__ import annotations

import pandas as pd
import pytest

from companion import findings, key_numbers, ledger


def facts(**changes) -> dict:
    base = {"claims": 10, "sentences": 9, "holds": 7, "reproduced": 6, "own_arithmetic": 0, "close": 1, "wrong": 2,
            "wrong_sentences": 2, "material": 0, "minor": 1, "cosmetic": 1, "error_kinds": {"wrong date": 2},
            "wrong_dates": 2, "unverifiable": 1, "unverifiable_named": 1, "pending": 0, "steps": 3,
            "steps_with_claims": 2, "steps_argued": 1, "steps_all_hold": 1, "steps_touched_by_error": 1,
            "steps_some_unchecked": 0, "steps_holding_one": 2, "evidence": 4, "evidence_holds": 3, "forecasts": 2,
            "forecast_tally": "2 forecasts.", "rule_scored": 2, "rule_borne_out": 2, "rule_not_borne_out": 0}
    return {**base, **changes}


def test_a_finding_fills_its_numbers_and_folds_its_check():
    shown = findings.finding_html("no-material-error", "{wrong} wrong; none material.", facts())
    assert "<p>2 wrong; none material.</p>" in shown and '<details class="finding-check">' in shown
    assert "material 0, minor 1, cosmetic 1" in shown


@pytest.mark.parametrize("check, changes", [
    ("no-material-error", {"material": 1}),
    ("most-figures-hold", {"holds": 5}),            # exactly half is not most
    ("most-figures-hold", {"evidence_holds": 2}),
    ("dates-commonest-error", {"error_kinds": {"wrong date": 2, "wrong figure": 2}}),  # a tie is not commonest
    ("unverifiable-mostly-named-sources", {"unverifiable": 2, "unverifiable_named": 1}),
    ("every-step-keeps-a-figure", {"steps_holding_one": 1}),
    ("rule-forecasts-mostly-borne-out", {"rule_borne_out": 1, "rule_not_borne_out": 1}),
    ("all-checked", {"pending": 1}),
])
def test_a_finding_the_records_no_longer_support_stops_the_build(check, changes):
    assert findings.finding_html(check, "text", facts())
    with pytest.raises(findings.FindingError, match=f"finding {check!r} no longer holds"):
        findings.finding_html(check, "text", facts(**changes))


def test_a_finding_with_an_unknown_number_or_check_is_refused():
    with pytest.raises(findings.FindingError, match="'percent_right', which is not one of the facts"):
        findings.finding_html("all-checked", "{percent_right} right", facts())
    with pytest.raises(findings.FindingError, match="unknown check 'mostly-right'"):
        findings.finding_html("mostly-right", "text", facts())


@pytest.mark.parametrize("verdicts, expected", [
    ([], "argued, not counted"),
    (["reproduced", "close"], "holds"),
    (["reproduced", "unverifiable"], "partly checked"),
    (["reproduced", "unverifiable", "contradicted"], "a figure is wrong"),
    (["inconsistent"], "a figure is wrong"),
])
def test_a_steps_standing_follows_from_its_claims(verdicts, expected):
    assert findings.standing(verdicts) == expected


def test_a_step_naming_a_claim_the_ledger_lacks_is_refused():
    rows = [{"id": "ch1-peak-2014", "verdict": "reproduced", "materiality": "", "error_kind": "", "quote": "q",
             "docname": "book/ch1"}]
    with pytest.raises(findings.FindingError, match="claims not in the ledger"):
        findings.argument_steps(rows)


def marked(**rows) -> pd.DataFrame:
    frame = pd.DataFrame([{"claim": "ch4-britons-800", "dataset": "uk_returnees", "row": name, "date": pd.Timestamp(d),
                           "low": 800, "high": 800, "counts": "travelled", "qualifier": "", "source": "s",
                           "tier": tier, "order": order}
                          for order, (name, (d, tier)) in enumerate(rows.items())])
    return frame


def test_the_best_estimate_is_the_latest_strong_one():
    chosen = key_numbers.best(marked(old=("2016-01-01", "primary"), new=("2017-10-17", "reputable"),
                                     weak=("2018-01-01", "other")))
    assert list(chosen["row"]) == ["new"] and list(chosen["compared"]) == [2]


def test_between_estimates_of_one_date_the_primary_wins():
    chosen = key_numbers.best(marked(a=("2017-10-17", "reputable"), b=("2017-10-17", "primary")))
    assert list(chosen["row"]) == ["b"]


def test_a_key_estimate_needs_a_known_claim_and_a_strong_source():
    with pytest.raises(ledger.LedgerError, match="no primary or reputable row for ch4-britons-800"):
        key_numbers.best(marked(weak=("2018-01-01", "other")))
    with pytest.raises(ledger.LedgerError, match="not in claims.csv: ch4-no-such-claim"):
        key_numbers.best(marked(a=("2017-10-17", "primary")).assign(claim="ch4-no-such-claim"))


def test_every_marked_row_names_a_claim_and_each_claim_has_a_best_estimate():
    chosen = key_numbers.best(key_numbers.candidates())
    assert len(chosen) >= 5
    assert set(chosen["tier"]) <= {"primary", "reputable"}
