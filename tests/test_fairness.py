"""The fact-check desk's standards as data: the report's argument covers every claim, every moved
verdict has a correction, errata carry their weight, and ClaimReview goes only where the book
would defend the rating under every reading."""
from __future__ import annotations

import json
from pathlib import Path

import pytest

from companion import claims, data, ledger, ledger_ext, report

SNAPSHOT = Path(__file__).parent / "snapshots" / "published_verdicts.json"
CLAIMS = {r["id"]: r for r in claims.read_rows(claims.CLAIMS)}


def test_the_argument_covers_every_claim_once_with_a_step_or_a_reason():
    argument = data.load("argument").fillna({"claims": "", "context_claims": ""})
    assert (argument.role == "thesis").sum() == 1
    assert set(argument[argument.role == "step"].section) == set(range(1, 9)), "every section has a step"
    folded = report.fold(report.text())
    seen: dict[str, str] = {}
    for row in argument.itertuples():
        assert report.fold(row.quote) in folded, f"{row.id}: quote not in the report"
        evidence, context = ledger.argument_attachments(row._asdict())
        listed = [part for part in row.context_claims.split(" | ") if part.strip()]
        assert len(listed) == len(context), f"{row.id}: every context claim is written 'id: reason'"
        for claim_id, reason in [(c, "evidence") for c in evidence] + list(context.items()):
            assert claim_id in CLAIMS, f"{row.id} names an unknown claim {claim_id!r}"
            assert reason, f"{row.id}: context claim {claim_id} needs a reason"
            assert claim_id not in seen, f"{claim_id} is attached twice ({seen.get(claim_id)} and {row.id})"
            seen[claim_id] = row.id
    assert sorted(set(CLAIMS) - set(seen)) == [], "claims attached to no step of the argument"


def test_every_error_names_its_materiality_and_reason():
    for claim_id, row in CLAIMS.items():
        if row["verdict"] in ("contradicted", "inconsistent"):
            assert row["materiality"] in ledger.MATERIALITY and row["materiality_why"].strip(), claim_id
        else:
            assert not row["materiality"], f"{claim_id}: materiality belongs to errors only"


def published() -> dict[str, str]:
    return json.loads(SNAPSHOT.read_text())["verdicts"]


def corrections() -> list[dict]:
    return data.load("corrections").to_dict("records")


def test_every_moved_verdict_has_a_correction_and_the_latest_correction_is_the_verdict():
    current = {c: row["verdict"] for c, row in CLAIMS.items()}
    assert set(current) <= set(published()), "the snapshot lists every claim"
    assert ledger.correction_problems(current, published(), corrections()) == []


def test_a_claim_that_leaves_the_inventory_is_withdrawn_on_the_corrections_page():
    current = {c: row["verdict"] for c, row in CLAIMS.items()}
    withdrawn = [r["claim"] for r in corrections() if r["new"] == ledger.WITHDRAWN]
    assert withdrawn and not set(withdrawn) & set(current)
    # dropping a claim without a correction is caught
    kept = next(c for c in current if c not in {r["claim"] for r in corrections()})
    problems = ledger.correction_problems({c: v for c, v in current.items() if c != kept}, published(), corrections())
    assert problems == [f"{kept}: moved from {published()[kept]} to withdrawn without a correction"]


def test_a_verdict_that_moves_silently_or_a_stale_correction_is_caught():
    current = {c: row["verdict"] for c, row in CLAIMS.items()}
    corrected = {r["claim"] for r in corrections()}
    quiet = next(c for c, v in published().items() if v == "reproduced" and c not in corrected)
    problems = ledger.correction_problems({**current, quiet: "close"}, published(), corrections())
    assert problems == [f"{quiet}: moved from reproduced to close without a correction"]
    some = next(iter(corrected))
    problems = ledger.correction_problems({**current, some: "pending"}, published(), corrections())
    assert any(p.startswith(f"{some}: last correction says") for p in problems)


SCORES_SNAPSHOT = Path(__file__).parent / "snapshots" / "published_scores.json"


def test_every_moved_forecast_score_has_a_correction_and_the_latest_is_the_score():
    from companion import forecasts

    published_scores = json.loads(SCORES_SNAPSHOT.read_text())["scores"]
    current = {f: row["score"] for f, row in forecasts.forecasts().items()}
    moves = [{**r, "claim": r["forecast"]} for r in data.load("forecast_corrections").to_dict("records")]
    assert set(current) == set(published_scores)
    assert ledger.correction_problems(current, published_scores, moves) == []
    # a score that moves without a row is caught
    quiet = next(f for f in current if f not in {m["claim"] for m in moves})
    moved = "borne out" if current[quiet] != "borne out" else "not borne out"
    assert ledger.correction_problems({**current, quiet: moved}, published_scores, moves) == [
        f"{quiet}: moved from {published_scores[quiet]} to {moved} without a correction"]


def record(verdict="contradicted", materiality="minor", readings=(), own=False):
    return {"verdict": verdict, "materiality": materiality, "readings": list(readings),
            "figures": [] if own else [{"verdict": verdict}], "internal": {"verdict": "reproduced"} if own else None}


def test_claimreview_for_a_contradiction_only_when_every_reading_agrees_and_it_matters():
    assert ledger_ext.publishes_claim_review(record())
    assert not ledger_ext.publishes_claim_review(record(materiality="cosmetic"))
    assert not ledger_ext.publishes_claim_review(record(readings=[{"verdict": "contradicted"}, {"verdict": "close"}]))
    assert ledger_ext.publishes_claim_review(record(readings=[{"verdict": "contradicted"}, {"verdict": "contradicted"}]))
    assert ledger_ext.publishes_claim_review(record("reproduced", ""))
    assert not ledger_ext.publishes_claim_review(record("reproduced", "", own=True))
    for verdict in ("unverifiable", "inconsistent"):
        assert not ledger_ext.publishes_claim_review(record(verdict))


def test_an_erratum_without_materiality_stops_the_errata():
    quote = next(iter(CLAIMS.values()))["quote"]
    claim_id = next(iter(CLAIMS))
    bare = {"id": claim_id, "verdict": "contradicted", "error_kind": "wrong date", "materiality": "", "quote": quote}
    with pytest.raises(ValueError, match="materiality"):
        ledger_ext.errata_records({claim_id: bare}, {claim_id: CLAIMS[claim_id]})


def test_a_report_sentence_is_one_key_however_many_claims_it_holds():
    folded = report.fold(report.text())
    keys = {c: claims.sentence_of(row["quote"], folded) for c, row in CLAIMS.items()}
    # "At its peak in 2014 ... nine million people ... equal to the entire country of Jordan": one sentence.
    assert keys["ch1-peak-2014"] == keys["ch1-population-nine-million"] == keys["ch1-jordan-population-nine-million"]
    assert keys["ch1-peak-2014"] != keys["ch2-foreign-fighters-30000"]
    assert len(set(keys.values())) < len(keys)
