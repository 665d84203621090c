"""The findings a reader meets first, and the argument map: both derived from the records at build time.

The intro's plain-language summary is written in book/intro.md as `{finding}` blocks. Each names a
check from CHECKS; its numbers ({claims}, {material}...) come from `facts`, computed from the
gathered records, never typed. At build time the check runs against the same records: a summary
sentence the records no longer support stops the build (FindingError), and the page shows the check
beside the sentence, folded, so a reader can see what it rests on.

The argument map (data/argument.csv) shows the thesis, each section's steps, the claims each step
rests on with their verdicts and, for errors, how much they matter. A step's standing is computed
from its claims by STEP_STANDING.
"""
from __future__ import annotations

import html
import re
from collections import Counter
from dataclasses import dataclass
from typing import Callable

from companion import data, forecasts, ledger, report

HOLDS = ("reproduced", "close")
WRONG = ("contradicted", "inconsistent")


class FindingError(ValueError):
    """A summary sentence that the records no longer support."""


def _share(part: int, whole: int) -> str:
    return f"{part} of {whole}"


def facts(rows: list[dict], records: dict[str, dict], scorecard: list[dict]) -> dict:
    """Every number the summary may use, from the ledger rows (one per claim, with its record's verdict),
    the claim records and the forecast scorecard."""
    verdicts = Counter(r["verdict"] for r in rows)
    own = sum(r["own_arithmetic"] for r in rows)
    wrong = [r for r in rows if r["verdict"] in WRONG]
    materiality = Counter(r["materiality"] for r in wrong)
    kinds = Counter(r["error_kind"] for r in wrong)
    unverifiable = [records[r["id"]] for r in rows if r["verdict"] == "unverifiable" and r["id"] in records]
    named = [r for r in unverifiable if r.get("attributed_to", "").strip() or (r.get("provenance") or {}).get("id")]
    steps = argument_steps(rows)
    with_claims = [s for s in steps if s["claims"]]
    rule = [r for r in scorecard if r["method"] == "rule"]
    return {
        "claims": len(rows),
        "sentences": len({r["sentence_start"] for r in rows}),
        "holds": sum(verdicts[v] for v in HOLDS),
        "reproduced": verdicts["reproduced"] - own, "own_arithmetic": own, "close": verdicts["close"],
        "wrong": len(wrong), "wrong_sentences": len({r["sentence_start"] for r in wrong}),
        "material": materiality["material"], "minor": materiality["minor"], "cosmetic": materiality["cosmetic"],
        "error_kinds": dict(kinds), "wrong_dates": kinds["wrong date"],
        "unverifiable": verdicts["unverifiable"], "unverifiable_named": len(named),
        "pending": verdicts[ledger.PENDING],
        "steps": len(steps), "steps_with_claims": len(with_claims),
        "steps_argued": len(steps) - len(with_claims),
        "steps_all_hold": sum(s["standing"] == "holds" for s in with_claims),
        "steps_touched_by_error": sum(any(c["verdict"] in WRONG for c in s["claims"]) for s in with_claims),
        "steps_some_unchecked": sum(s["standing"] == "partly checked" for s in with_claims),
        "steps_holding_one": sum(any(c["verdict"] in HOLDS for c in s["claims"]) for s in with_claims),
        "evidence": sum(len(s["claims"]) for s in with_claims),
        "evidence_holds": sum(c["verdict"] in HOLDS for s in with_claims for c in s["claims"]),
        "forecasts": len(scorecard), "forecast_tally": forecasts.tally_sentence(scorecard),
        "rule_scored": len(rule),
        "rule_borne_out": sum(r["score"] == "borne out" for r in rule),
        "rule_not_borne_out": sum(r["score"] == "not borne out" for r in rule),
    }


@dataclass(frozen=True)
class Check:
    """What a summary sentence asserts, as a test on the facts, and how the page says it was checked."""
    claim: str
    test: Callable[[dict], bool]
    shown: Callable[[dict], str]


CHECKS: dict[str, Check] = {
    "most-figures-hold": Check(
        "Most of the report's figures hold, and most of those its argument rests on.",
        lambda f: f["holds"] * 2 > f["claims"] and f["evidence_holds"] * 2 > f["evidence"],
        lambda f: (f"reproduced or close: {_share(f['holds'], f['claims'])} claims; among the claims a step of the "
                   f"argument rests on, {_share(f['evidence_holds'], f['evidence'])}; both above half")),
    "no-material-error": Check(
        "None of the errors is material: each leaves the step of the argument it touches standing.",
        lambda f: f["wrong"] > 0 and f["material"] == 0 and f["minor"] + f["cosmetic"] == f["wrong"],
        lambda f: (f"contradicted or inconsistent: {f['wrong']} claims; material {f['material']}, minor {f['minor']}, "
                   f"cosmetic {f['cosmetic']}")),
    "dates-commonest-error": Check(
        "Wrong dates are the commonest kind of error.",
        lambda f: f["wrong_dates"] > 0 and all(f["wrong_dates"] > n for k, n in f["error_kinds"].items() if k != "wrong date"),
        lambda f: "errors by kind: " + ", ".join(f"{k} {n}" for k, n in sorted(f["error_kinds"].items(), key=lambda kv: -kv[1]))),
    "unverifiable-mostly-named-sources": Check(
        "Most of what could not be checked rests on a source the report names that the book could not reach.",
        lambda f: f["unverifiable_named"] * 2 > f["unverifiable"],
        lambda f: (f"unverifiable: {f['unverifiable']} claims, of which {f['unverifiable_named']} are attributed to a "
                   "named body or traced to a source the report evidently used; above half")),
    "every-step-keeps-a-figure": Check(
        "Every step of the argument that cites figures keeps at least one that holds.",
        lambda f: f["steps_holding_one"] == f["steps_with_claims"] > 0,
        lambda f: (f"steps resting on claims: {f['steps_with_claims']}; with at least one claim reproduced or close: "
                   f"{f['steps_holding_one']}")),
    "rule-forecasts-mostly-borne-out": Check(
        "More of the forecasts scored by a rule were borne out than not.",
        lambda f: f["rule_borne_out"] > f["rule_not_borne_out"],
        lambda f: (f"scored by a rule: {f['rule_scored']}; borne out {f['rule_borne_out']}, "
                   f"not borne out {f['rule_not_borne_out']}")),
    "all-checked": Check(
        "Every claim in the inventory has a verdict.",
        lambda f: f["pending"] == 0,
        lambda f: f"claims without a record: {f['pending']}"),
}


def finding_html(check_name: str, text: str, found: dict) -> str:
    """One summary paragraph: its text with the numbers filled in from the facts, and its check, folded.
    Raises FindingError when the records no longer support it."""
    if check_name not in CHECKS:
        raise FindingError(f"finding names an unknown check {check_name!r}; known: {', '.join(CHECKS)}")
    check = CHECKS[check_name]
    try:
        body = text.format(**found)
    except KeyError as missing:
        raise FindingError(f"finding {check_name!r} uses {missing}, which is not one of the facts") from None
    if not check.test(found):
        raise FindingError(f"finding {check_name!r} no longer holds: {check.claim} ({check.shown(found)}). "
                           "Rewrite the sentence in book/intro.md to say what the records now show.")
    return (f'<div class="finding"><p>{html.escape(body)}</p>'
            f'<details class="finding-check"><summary>The check behind this</summary>'
            f'<p>Asserted at build time from the records: “{html.escape(check.claim)}” '
            f'Found: {html.escape(check.shown(found))}. The build stops if it fails.</p></details></div>')


# ---------------------------------------------------------------------------------------------
# The argument map

# A step's standing, from the verdicts of the claims it rests on (first match wins).
STEP_STANDING = {
    "argued, not counted": "the step cites no figure the book could check",
    "a figure is wrong": "at least one figure it rests on is contradicted or inconsistent",
    "partly checked": "no figure is wrong, but at least one could not be checked",
    "holds": "every figure it rests on is reproduced or close",
}


def standing(verdicts: list[str]) -> str:
    if not verdicts:
        return "argued, not counted"
    if any(v in WRONG for v in verdicts):
        return "a figure is wrong"
    if any(v not in HOLDS for v in verdicts):
        return "partly checked"
    return "holds"


def argument_steps(rows: list[dict]) -> list[dict]:
    """The thesis and steps of data/argument.csv in order, each with its claims (id, verdict, materiality,
    error kind, quote, docname) and its standing. A claim the step names that the ledger lacks is an error."""
    by_id = {r["id"]: r for r in rows}
    steps = []
    for number, row in enumerate(data.load("argument").to_dict("records"), start=2):
        evidence, context = ledger.argument_attachments({k: ("" if v != v else v) for k, v in row.items()})
        missing = [c for c in evidence + list(context) if c not in by_id]
        if missing:
            raise FindingError(f"argument.csv, row {number} ({row['id']}): claims not in the ledger: {', '.join(missing)}")
        claims = [{k: by_id[c][k] for k in ("id", "verdict", "materiality", "error_kind", "quote", "docname")}
                  for c in evidence]
        steps.append({"id": row["id"], "section": int(row["section"]), "role": row["role"], "quote": row["quote"],
                      "summary": row["summary"], "claims": claims, "context": sorted(context),
                      "standing": standing([c["verdict"] for c in claims])})
    return steps


def _claim_item(claim: dict, link: Callable[[dict], str]) -> str:
    matters = f' <span class="materiality">({html.escape(claim["materiality"])})</span>' if claim["materiality"] else ""
    return (f"<li>{ledger.badge_html(claim['verdict'])}{matters} {link(claim)}: "
            f"“{html.escape(claim['quote'])}”</li>")


def standing_html(name: str) -> str:
    return f'<span class="step-standing step-{name.replace(" ", "-").replace(",", "")}">{html.escape(name)}</span>'


def argument_map_html(steps: list[dict], link: Callable[[dict], str]) -> str:
    """The whole map: the thesis, then each section's steps with the claims they rest on."""
    esc = html.escape
    parts = []
    for number in sorted({s["section"] for s in steps}):
        parts.append(f'<section class="argument-section" id="argument-section-{number}">'
                     f"<h2>Section {number}: {esc(report.section(number).heading)}</h2>")
        for step in (s for s in steps if s["section"] == number):
            kind = "The thesis" if step["role"] == "thesis" else "Step"
            claims = "".join(_claim_item(c, link) for c in step["claims"])
            rests = (f"<p>Rests on {len(step['claims'])} claim{'s' if len(step['claims']) != 1 else ''}:</p>"
                     f'<ul class="argument-claims">{claims}</ul>' if step["claims"] else
                     "<p>Rests on no figure the book checks: the step is argued, not counted.</p>")
            context = (f'<p class="argument-context">Context, not evidence for the step: '
                       f'{", ".join(esc(c) for c in step["context"])}.</p>' if step["context"] else "")
            parts.append(f'<article class="argument-step argument-{esc(step["role"])}" id="step-{esc(step["id"])}">'
                         f'<h3>{kind}: {esc(step["summary"])}</h3>'
                         f'<p>Standing: {standing_html(step["standing"])}</p>'
                         f'<blockquote><p>“{esc(step["quote"])}”</p></blockquote>{rests}{context}</article>')
        parts.append("</section>")
    return "".join(parts)


# Ids are lower case; the names they carry are not.
PROPER_NOUNS = {"south asia": "South Asia", "levant": "Levant", "western": "Western"}


def step_label(step: dict) -> str:
    """A step's short name, from its id: 's1-territory-lost-but-celebration-premature' -> 'Territory lost but
    celebration premature' (the map gives the summary and the report's words)."""
    words = step["id"].split("-", 1)[1].replace("-", " ")
    for lower, proper in PROPER_NOUNS.items():
        words = re.sub(rf"\b{lower}\b", proper, words)
    return words[:1].upper() + words[1:]


def argument_overview_html(steps: list[dict], map_link: str) -> str:
    """The compact map for the intro: one line per step, its standing and its claims as symbols."""
    esc = html.escape
    rows = []
    for step in steps:
        symbols = " ".join(ledger.VERDICTS[c["verdict"]][1] if c["verdict"] in ledger.VERDICTS else "…"
                           for c in step["claims"]) or "—"
        label = "Thesis" if step["role"] == "thesis" else f"§{step['section']}"
        rows.append(f'<tr><th scope="row">{label}</th><td><a href="{esc(map_link)}#step-{esc(step["id"])}">'
                    f'{esc(step_label(step))}</a></td>'
                    f'<td>{standing_html(step["standing"])}</td>'
                    f'<td class="argument-symbols" aria-label="verdicts of the claims it rests on">{esc(symbols)}</td></tr>')
    return ('<table class="argument-overview"><caption>The report\'s argument, step by step: the standing of each '
            "step and the verdicts of the claims it rests on (✓ reproduced, ≈ close, ✗ contradicted, ? unverifiable)"
            "</caption><thead><tr><th scope=\"col\">Where</th><th scope=\"col\">Step</th><th scope=\"col\">Standing</th>"
            "<th scope=\"col\">Claims</th></tr></thead><tbody>"
            + "".join(rows) + "</tbody></table>")
