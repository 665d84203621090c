"""Sphinx extension: pages derived from the claim records.

After all pages are read, gathers every claim record the chapters glued (myst-nb keeps each
page's glue data in `jupyter_execute/<page>.glue.json`, whether the page was executed in this
build or an earlier one) and derives from them, never from a second copy:

* the ledger page (``{claims-ledger}``): every claim of data/claims.csv with its record, a
  filterable, sortable table that works offline, a chart of verdicts by chapter, the
  unverifiable counts, and `ledger.csv` / `ledger.json` downloads;
* the tallies on the intro page (``{ledger-tally}``, ``{errata-tally}``);
* the errata page (``{errata}``): every claim found wrong or inconsistent, grouped by the kind
  of error, with the figure that corrects it and its source;
* schema.org ClaimReview JSON-LD in the <head> of each chapter that reproduces claims.

The ledger and intro pages are rewritten on every build, so they can never lag a chapter.
"""
from __future__ import annotations

import csv
import functools
import html
import io
import json
import re
from pathlib import Path

import altair as alt
import pandas as pd
from docutils import nodes
from docutils.parsers.rst import Directive
from sphinx.application import Sphinx
from sphinx.errors import ExtensionError
from sphinx.util import logging

from companion import bib, charts, claims as inventory, findings, forecasts, key_numbers, ledger, report, sources_audit, tables
from companion.bib import cite_html, entries

logger = logging.getLogger(__name__)
DOWNLOADS = ("ledger.csv", "ledger.json")
SCORECARD_DOWNLOADS = ("scorecard.csv", "scorecard.json")
# ClaimReview is published only where the book stands behind a rating of the report's figure against
# independent data: never for `unverifiable` (nothing found), `inconsistent` (the report against
# itself) or a `reproduced` that rests on the report's own arithmetic alone.
RATING = {"reproduced": 3, "close": 2, "contradicted": 1}


def publishes_claim_review(record: dict) -> bool:
    """A `contradicted` is published only when no recorded reading gives another verdict and the error
    is not cosmetic: the book does not broadcast a rating it would not defend under every reading."""
    if record["verdict"] not in RATING or ledger.own_arithmetic_only(record):
        return False
    if record["verdict"] == "contradicted":
        other_reading = any(r["verdict"] != "contradicted" for r in record.get("readings") or [])
        return not other_reading and record.get("materiality") != "cosmetic"
    return True


@functools.lru_cache(maxsize=None)
def sentence_key(quote: str) -> int:
    """Where a quote's sentence begins in the report: one sentence, one key (companion.claims)."""
    return inventory.sentence_of(quote)


class ledger_placeholder(nodes.General, nodes.Element):
    """Stands in the doctree for a derived block until every record has been gathered."""


class LedgerDirective(Directive):
    what = ""
    inventories = (ledger.CLAIMS,)  # the files whose change must re-read the page

    def run(self):
        env = self.state.document.settings.env
        for path in self.inventories:
            env.note_dependency(str(path))
        return [ledger_placeholder(what=self.what, docname=env.docname)]


class ClaimsLedger(LedgerDirective):
    what = "ledger"


class LedgerTally(LedgerDirective):
    what = "tally"


class Errata(LedgerDirective):
    what = "errata"


class ErrataTally(LedgerDirective):
    what = "errata-tally"


class CorrectionsList(LedgerDirective):
    what = "corrections"
    inventories = (ledger.CLAIMS, ledger.DATA_DIR / "corrections.csv")


class ForecastCorrectionsList(LedgerDirective):
    what = "forecast-corrections"
    inventories = (forecasts.FORECASTS, ledger.DATA_DIR / "forecast_corrections.csv")


class ForecastScorecard(LedgerDirective):
    what = "scorecard"
    inventories = (ledger.CLAIMS, forecasts.FORECASTS)


class ForecastTally(LedgerDirective):
    what = "forecast-tally"
    inventories = (ledger.CLAIMS, forecasts.FORECASTS)


class Finding(LedgerDirective):
    """A sentence of the intro's summary: its numbers come from the records and its check (the argument,
    a name in companion.findings.CHECKS) runs at build time (companion.findings)."""
    what = "finding"
    required_arguments = 1
    has_content = True
    inventories = (ledger.CLAIMS, forecasts.FORECASTS, ledger.ARGUMENT)

    def run(self):
        [node] = super().run()
        node["check"], node["text"] = self.arguments[0], " ".join(self.content).strip()
        return [node]


class KeyNumbers(LedgerDirective):
    what = "key-numbers"
    inventories = (ledger.CLAIMS, *(ledger.DATA_DIR / f"{name}.csv" for name in key_numbers.DATASETS))


class ArgumentMap(LedgerDirective):
    what = "argument-map"
    inventories = (ledger.CLAIMS, ledger.ARGUMENT)


class ArgumentOverview(LedgerDirective):
    what = "argument-overview"
    inventories = (ledger.CLAIMS, ledger.ARGUMENT)


# ---------------------------------------------------------------------------------------------
# Gathering


def gather_records(app: Sphinx, prefix: str = ledger.GLUE_PREFIX,
                   mimetype: str = ledger.RECORD_MIMETYPE) -> dict[str, dict]:
    """Every record glued by any page under `prefix` (claims by default, or forecasts), keyed by id;
    an id recorded twice is an error."""
    from myst_nb.sphinx_ import NbMetadataCollector

    folder = Path(app.env.mystnb_config.output_folder)
    records: dict[str, dict] = {}
    for docname, data in sorted(NbMetadataCollector.get_doc_data(app.env).items()):
        keys = [k for k in data.get("glue", []) if k.startswith(prefix)]
        if not keys or docname not in app.env.found_docs:
            continue
        glued = json.loads((folder / f"{docname}.glue.json").read_text(encoding="utf-8"))
        for key in keys:
            bundle = glued[key]["data"]
            record = bundle.get(mimetype)
            if record is None:
                raise ValueError(f"{docname}: glue {key!r} is not a {prefix.rstrip(':')} record")
            record = json.loads(record) if isinstance(record, str) else record
            if record["id"] in records:
                raise ValueError(f"{prefix.rstrip(':')} {record['id']} is recorded twice: "
                                 f"{records[record['id']]['docname']} and {docname}")
            records[record["id"]] = {**record, "docname": docname}
    return records


def ledger_rows(records: dict[str, dict], claims: dict[str, dict]) -> list[dict]:
    """One row per claim in claims.csv order, with its record where a chapter made one."""
    rows = []
    for claim_id, claim in claims.items():
        record = records.get(claim_id)
        rows.append({
            "id": claim_id, "chapter": int(claim["chapter"]), "quote": claim["quote"],
            "report_figure": f"{claim['report_value']} {claim['unit']}".strip(),
            "kind": claim["kind"], "precision": claim["precision"],
            "independent": "; ".join(f["shown"] for f in record["figures"]) if record else "",
            "sources": "; ".join(sorted({f["source"] for f in record["figures"]})) if record else "",
            "source_tiers": "; ".join(sorted({f"{k}: {bib.tier(k)}" for f in record["figures"]
                                              for k in [f["source"], *f.get("derived_from", [])]})) if record else "",
            "searches": [{k: s.get(k, "") for k in ("angle", "query", "where", "date", "result", "result_url")}
                         for s in record.get("searched", [])] if record else [],
            "verdict": record["verdict"] if record else ledger.PENDING,
            "why": f"{record['why']}. {record['note']}" if record else "",
            "error_kind": record["error_kind"] if record else "",
            "own_arithmetic": bool(record) and ledger.own_arithmetic_only(record),
            "materiality": record.get("materiality", "") if record else "",
            "materiality_why": record.get("materiality_why", "") if record else "",
            "step": (record.get("step") or {}).get("step", "") if record else "",
            "readings": "; ".join(f"{r['reading']}: {r['verdict']}" + (" (recorded)" if r["recorded"] else "")
                                  for r in record.get("readings") or []) if record else "",
            "sentence_start": sentence_key(claim["quote"]),
            "claim_review": bool(record) and publishes_claim_review(record),
            "docname": record["docname"] if record else "",
        })
    unknown = sorted(set(records) - set(claims))
    if unknown:
        raise ValueError(f"records for claims not in claims.csv: {', '.join(unknown)}")
    return rows


def _collect(app: Sphinx, env) -> list[str]:
    claims = ledger.claims(ledger.CLAIMS)
    records = gather_records(app)
    app.companion_records = records
    app.companion_ledger = ledger_rows(records, claims)
    _write_downloads(Path(app.outdir), app.companion_ledger)
    app.companion_forecasts = gather_records(app, forecasts.GLUE_PREFIX, forecasts.RECORD_MIMETYPE)
    app.companion_scorecard = scorecard_rows(app.companion_forecasts, forecasts.forecasts())
    _write_downloads(Path(app.outdir), app.companion_scorecard, SCORECARD_DOWNLOADS)
    # Rewrite every page that shows derived data, whatever changed.
    return sorted({doc for doc, data in _placeholder_docs(env).items() if data})


def _placeholder_docs(env) -> dict[str, bool]:
    return getattr(env, "companion_placeholder_docs", {})


def _note_placeholders(app: Sphinx, doctree: nodes.document) -> None:
    if not hasattr(app.env, "companion_placeholder_docs"):
        app.env.companion_placeholder_docs = {}
    app.env.companion_placeholder_docs[app.env.docname] = bool(list(doctree.findall(ledger_placeholder)))


def _purge(app: Sphinx, env, docname: str) -> None:
    getattr(env, "companion_placeholder_docs", {}).pop(docname, None)


def _merge(app: Sphinx, env, docnames: set[str], other) -> None:
    """Parallel reads (-j): bring back what the worker processes noted about their pages."""
    if not hasattr(env, "companion_placeholder_docs"):
        env.companion_placeholder_docs = {}
    theirs = getattr(other, "companion_placeholder_docs", {})
    env.companion_placeholder_docs.update({doc: theirs[doc] for doc in docnames if doc in theirs})


def scorecard_rows(records: dict[str, dict], inventory: dict[str, dict]) -> list[dict]:
    """One row per forecast in forecasts.csv order, with its score where a chapter computed one."""
    unknown = sorted(set(records) - set(inventory))
    if unknown:
        raise ValueError(f"records for forecasts not in forecasts.csv: {', '.join(unknown)}")
    rows = []
    for forecast_id, row in inventory.items():
        record = records.get(forecast_id)
        rows.append({"id": forecast_id, "chapter": int(row["chapter"]), "quote": row["quote"],
                     "voice": row["voice"], "forecast": row["forecast"], "population": row["population"],
                     "horizon": row["horizon"], "method": row["method"], "rule": row["rule"],
                     "evidence": row["evidence"], "score": record["score"] if record else ledger.PENDING,
                     "why": f"{record['why']}. {record['note']}" if record else "",
                     "docname": record["docname"] if record else ""})
    return rows


def _write_downloads(outdir: Path, rows: list[dict], names: tuple[str, str] = DOWNLOADS) -> None:
    outdir.mkdir(parents=True, exist_ok=True)
    fields = [k for k in rows[0] if k != "docname"] if rows else []
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=fields, extrasaction="ignore", lineterminator="\n")
    writer.writeheader()
    # A list (the searches behind a claim) is one JSON cell in the CSV; the JSON download keeps it structured.
    writer.writerows([{k: json.dumps(v, ensure_ascii=False) if isinstance(v, list) else v for k, v in r.items()}
                      for r in rows])
    (outdir / names[0]).write_text(buffer.getvalue(), encoding="utf-8")
    (outdir / names[1]).write_text(
        json.dumps([{k: v for k, v in r.items() if k != "docname"} for r in rows], indent=1, ensure_ascii=False) + "\n",
        encoding="utf-8")


# ---------------------------------------------------------------------------------------------
# Rendering


def _rel(app: Sphinx, fromdoc: str, target: str) -> str:
    return app.builder.get_relative_uri(fromdoc, target)


def _card_link(app: Sphinx, fromdoc: str, kind: str, item_id: str, card_doc: str | None) -> str:
    """A card's id, linked to the card on the page that shows it (plain text where none does)."""
    if not card_doc:
        return html.escape(item_id)
    return f'<a href="{html.escape(_rel(app, fromdoc, card_doc) + f"#{kind}-{item_id}")}">{html.escape(item_id)}</a>'


OWN_ARITHMETIC = "reproduced from the report's own figures"


# A report sentence counts once in the headline, under the least favourable verdict among its claims.
SENTENCE_ORDER = ("contradicted", "inconsistent", "unverifiable", "close", OWN_ARITHMETIC, "reproduced", ledger.PENDING)


def tally_frame(rows: list[dict]) -> pd.DataFrame:
    """Claims and report sentences by verdict. A `reproduced` that rests on the report's own arithmetic
    is counted apart; `pending` appears only while some claim has no record."""
    labels = [OWN_ARITHMETIC if r["own_arithmetic"] else r["verdict"] for r in rows]
    order = [label for v in ledger.VERDICTS for label in ([v, OWN_ARITHMETIC] if v == "reproduced" else [v])]
    order.append(ledger.PENDING)
    counts = pd.Series(labels, dtype="string").value_counts()
    worst: dict[int, str] = {}
    for row, label in zip(rows, labels):
        held = worst.get(row["sentence_start"])
        if held is None or SENTENCE_ORDER.index(label) < SENTENCE_ORDER.index(held):
            worst[row["sentence_start"]] = label
    sentences = pd.Series(list(worst.values()), dtype="string").value_counts()
    frame = pd.DataFrame({"verdict": order, "claims": [int(counts.get(v, 0)) for v in order],
                          "sentences": [int(sentences.get(v, 0)) for v in order]})
    return frame[(frame.verdict != ledger.PENDING) | (frame.claims > 0)]


def checked_phrase(rows: list[dict], noun: str = "quantitative claims") -> str:
    """"105 quantitative claims, all checked" or, while some are pending, "98 of 105 ... checked so far"."""
    pending = sum(r["verdict"] == ledger.PENDING for r in rows)
    if pending:
        return f"{len(rows) - pending} of {len(rows)} {noun} checked so far"
    return f"{len(rows)} {noun}, all checked"


def _tally_badge(label: str) -> str:
    if label == OWN_ARITHMETIC:
        return (ledger.badge_html("reproduced") + ' <span class="tally-note">from the report\'s own figures only, '
                "not independently confirmed</span>")
    return ledger.badge_html(label)


def render_tally(app: Sphinx, docname: str, rows: list[dict]) -> str:
    frame = tally_frame(rows)
    shown = frame.set_axis(["verdict", "claims", "sentences"], axis=1).assign(verdict=lambda d: d.verdict.map(_tally_badge))
    link = _rel(app, docname, "book/ledger")
    sentences = len({r["sentence_start"] for r in rows})
    return (f'<div class="ledger-tally"><p>{checked_phrase(rows)}, in {sentences} sentences of the report; '
            f'the <a href="{link}">claims ledger</a> lists every one. A sentence that holds several claims counts '
            'once in the last column, under the least favourable verdict among them.</p>'
            + tables.table(shown, caption="Claims and report sentences by verdict", html_columns=["verdict"],
                           headers={"sentences": "Report sentences"}, classes="ledger-tally-table").html
            + "</div>")


def verdict_chart_html(rows: list[dict]) -> str:
    frame = pd.DataFrame(rows).groupby(["chapter", "verdict"]).size().rename("claims").reset_index()
    order = list(ledger.VERDICTS) + [ledger.PENDING]
    colours = [ledger.VERDICTS[v][2] for v in ledger.VERDICTS] + ["#BBBBBB"]
    chart = alt.Chart(frame).mark_bar().encode(
        y=alt.Y("chapter:O", title="Chapter (report section)"),
        x=alt.X("claims:Q", title="Claims", stack="zero"),
        color=alt.Color("verdict:N", scale=alt.Scale(domain=order, range=colours), title="Verdict"),
        order=alt.Order("verdict_rank:Q"),
        tooltip=[alt.Tooltip("chapter:O", title="Chapter"), alt.Tooltip("verdict:N", title="Verdict"),
                 alt.Tooltip("claims:Q", title="Claims")],
    ).transform_calculate(verdict_rank=f"indexof({json.dumps(order)}, datum.verdict)")
    counts = pd.Series([r["verdict"] for r in rows]).value_counts()
    finding = "Of the claims: " + ", ".join(f"{int(counts[v])} {v}" for v in ledger.VERDICTS if counts.get(v))
    pending = " (pending = not yet checked)" if counts.get(ledger.PENDING) else ""
    chart = charts.figure(
        chart, title=finding,
        subtitle=f"{checked_phrase(rows, 'claims')}. Number of quantitative claims per report section, by verdict{pending}",
        source="This companion's claim records (ledger.csv)",
        description="Stacked bar chart of claims per chapter by verdict: " + "; ".join(
            f"chapter {c}: " + ", ".join(f"{n} {v}" for v, n in zip(g.verdict, g.claims))
            for c, g in frame.groupby("chapter")) + ".")
    charts.setup()  # the book's theme, as in the chapters
    return charts.book_renderer(chart.to_dict())["text/html"]


TIME_KINDS = ("date", "period", "duration")


def shown_figure(row: dict) -> str:
    """The report's figure as the ledger page prints it: '9,000,000 people', '3–9 provinces' (dates
    and periods as written; ledger.csv keeps the raw value)."""
    figure = re.sub(r"(\d)\.\.(\d)", "\\1–\\2", row["report_figure"])
    if row["kind"] not in TIME_KINDS:
        figure = re.sub(r"(?<![\d.,-])\d{4,}(?![\d.,-])", lambda m: f"{int(m.group()):,}", figure)
    return figure


def render_ledger(app: Sphinx, docname: str, rows: list[dict]) -> str:
    frame = pd.DataFrame({
        "claim": [_card_link(app, docname, "claim", r["id"], r["docname"]) for r in rows], "chapter": [r["chapter"] for r in rows],
        "quote": [r["quote"] for r in rows], "report_figure": [shown_figure(r) for r in rows],
        "independent": [r["independent"] for r in rows], "verdict": [ledger.badge_html(r["verdict"]) for r in rows],
        "sources": [r["sources"] for r in rows], "verdict_key": [r["verdict"] for r in rows],
        "chapter_key": [r["chapter"] for r in rows]})
    claims_table = tables.table(
        frame, caption="Every quantitative claim of the report (select a column heading to sort)",
        headers={"quote": "The report's words", "report_figure": "Report's figure",
                 "independent": "Independent figure(s)"},
        html_columns=["claim", "verdict"], sources=["sources"], table_id="ledger-table", sortable=True,
        row_data={"verdict_key": "verdict", "chapter_key": "chapter"}, classes="claims-ledger-table")
    unverifiable = pd.DataFrame(rows).assign(unverifiable=lambda d: d.verdict.eq("unverifiable")) \
        .groupby("chapter").unverifiable.sum().astype(int).reset_index()
    options = "".join(f'<option value="{v}">{v}</option>' for v in list(ledger.VERDICTS) + [ledger.PENDING])
    to_root = "../" * docname.count("/")  # the downloads sit at the site root
    csv_link, json_link = (to_root + name for name in DOWNLOADS)
    return (
        f'<p class="ledger-downloads">Download the ledger: <a href="{csv_link}" download>ledger.csv</a> · '
        f'<a href="{json_link}" download>ledger.json</a></p>'
        + verdict_chart_html(rows)
        + '<div class="ledger-controls"><label>Filter <input type="search" id="ledger-filter" '
        'placeholder="id, words of the quote, source…"></label> '
        f'<label>Verdict <select id="ledger-verdict"><option value="">all</option>{options}</select></label> '
        '<span id="ledger-count" aria-live="polite"></span></div>'
        + claims_table.html
        + tables.table(unverifiable, caption="Unverifiable claims by chapter", classes="ledger-unverifiable").html
    )


# The errata, in the order a reader meets the kinds of error; headings say what went wrong.
ERRATA_HEADINGS = {
    "wrong date": "Wrong dates",
    "wrong figure": "Wrong figures",
    "misattribution": "Misattributed sources",
    "arithmetic": "The report's own arithmetic",
    "internal contradiction": "Contradictions between sections",
    "wrong ranking": "Wrong rankings",
}
MATERIALITY_HEADINGS = {"material": "Material errors", "minor": "Minor errors", "cosmetic": "Cosmetic errors"}
ERRATA_VERDICTS = ("contradicted", "inconsistent")


def _slug(*parts: str) -> str:
    return "-".join(p.replace(" ", "-") for p in parts)


def errata_records(records: dict[str, dict], claims: dict[str, dict]) -> dict[str, dict[str, list[dict]]]:
    """Claims found wrong or inconsistent, by materiality and then kind of error, in the inventory's order.
    An erratum without materiality or a known kind stops the build."""
    if set(ERRATA_HEADINGS) != set(ledger.ERROR_KINDS) or set(MATERIALITY_HEADINGS) != set(ledger.MATERIALITY):
        raise ValueError("every kind of error and every materiality needs an errata heading")
    grouped = {m: {kind: [] for kind in ERRATA_HEADINGS} for m in MATERIALITY_HEADINGS}
    for claim_id, claim in claims.items():
        record = records.get(claim_id)
        if record is None and claim["verdict"] in ERRATA_VERDICTS:
            # A partial rebuild must not drop an erratum silently.
            logger.warning(f"errata: {claim_id} is recorded as {claim['verdict']} but no chapter reproduced it in this build")
        if record and record["verdict"] in ERRATA_VERDICTS:
            if record["error_kind"] not in ERRATA_HEADINGS:
                raise ValueError(f"{claim_id}: {record['verdict']} but its kind of error is {record['error_kind']!r}")
            if record.get("materiality") not in MATERIALITY_HEADINGS:
                raise ValueError(f"{claim_id}: an erratum needs its materiality; got {record.get('materiality')!r}")
            grouped[record["materiality"]][record["error_kind"]].append(record)
    return grouped


def _sentences(items: list[dict]) -> int:
    return len({sentence_key(r["quote"]) for r in items})


def _corrections(record: dict) -> list[dict]:
    """The figures that decided the verdict: the basis if the chapter named one, else those that disagree."""
    figures = [f for f in record["figures"] if f["verdict"] in ledger.FAVOUR]
    decisive = [f for f in figures if f["basis"]] or [f for f in figures if f["verdict"] != "reproduced"] or figures
    return decisive


def render_errata(app: Sphinx, docname: str, records: dict[str, dict], claims: dict[str, dict]) -> str:
    esc = html.escape
    grouped = errata_records(records, claims)
    if not any(items for kinds in grouped.values() for items in kinds.values()):
        return "<p>No claim is contradicted or inconsistent.</p>"
    parts = []
    for materiality, kinds in grouped.items():
        everything = [r for items in kinds.values() for r in items]
        if not everything:
            parts.append(f'<section class="errata-materiality" id="errata-{materiality}">'
                         f'<h2>{esc(MATERIALITY_HEADINGS[materiality])} (none)</h2>'
                         f'<p class="errata-meaning">No error the book found is {materiality}: '
                         f'{esc(ledger.MATERIALITY[materiality])}.</p></section>')
            continue
        parts.append(f'<section class="errata-materiality" id="errata-{materiality}">'
                     f'<h2>{esc(MATERIALITY_HEADINGS[materiality])} ({len(everything)} claims in '
                     f'{_sentences(everything)} sentences)</h2>'
                     f'<p class="errata-meaning">{esc(ledger.MATERIALITY[materiality][0].upper() + ledger.MATERIALITY[materiality][1:])}.</p>')
        for kind, items in kinds.items():
            if not items:
                continue
            parts.append(f'<section class="errata-kind" id="errata-{_slug(materiality, kind)}">'
                         f'<h3>{esc(ERRATA_HEADINGS[kind])} ({len(items)})</h3>')
            for r in items:
                parts.append(_erratum_html(app, docname, r, claims))
            parts.append("</section>")
        parts.append("</section>")
    return "".join(parts)


def _erratum_html(app: Sphinx, docname: str, r: dict, claims: dict[str, dict]) -> str:
    esc = html.escape
    link = _rel(app, docname, r["docname"]) + f"#claim-{r['id']}"
    corrections = "".join(
        f'<li>{esc(f["shown"])}'
        + (f' ({esc(f["label"])})' if f["label"] else "")
        + f': {cite_html(f["source"])}, <span class="errata-locator">{esc(f["locator"])}</span></li>'
        for f in _corrections(r))
    internal = (f'<li>the report\'s own figures imply {esc(r["internal"]["implied"])}</li>'
                if r.get("internal") and r["internal"]["verdict"] == "inconsistent" else "")
    reading = r.get("reading") or claims[r["id"]].get("reading", "")
    step = r.get("step") or {}
    matters = esc(r["materiality_why"]) + (f' (step <code>{esc(step["step"])}</code>: {esc(step["summary"])})'
                                           if step else "")
    return (f'<article class="erratum" id="erratum-{esc(r["id"])}">'
            f'<h4><a href="{esc(link)}">{esc(r["id"])}</a> {ledger.badge_html(r["verdict"])} '
            f'<span class="erratum-chapter">chapter {r["chapter"]}</span></h4>'
            f'<blockquote>{esc(r["quote"])}</blockquote>'
            f'<dl><dt>The report says</dt><dd>{esc(ledger.report_shown(r))}</dd>'
            + (f'<dt>Read as</dt><dd>{esc(reading)}</dd>' if reading else "")
            + f'<dt>The correction</dt><dd><ul>{internal}{corrections}</ul></dd>'
            f'<dt>How much it matters</dt><dd><span class="materiality materiality-{esc(r["materiality"])}">'
            f'{esc(r["materiality"])}</span>: {matters}</dd>'
            + ledger.why_html(r["why"], r["note"])
            + sources_audit.provenance_html(r.get("provenance") or {}) + '</dl></article>')


def render_errata_tally(app: Sphinx, docname: str, records: dict[str, dict], claims: dict[str, dict]) -> str:
    grouped = errata_records(records, claims)
    everything = [r for kinds in grouped.values() for items in kinds.values() for r in items]
    link = _rel(app, docname, "book/errata")
    shown = pd.DataFrame(
        [(MATERIALITY_HEADINGS[m], f'<a href="{link}#errata-{_slug(m, kind)}">{html.escape(ERRATA_HEADINGS[kind])}</a>',
          len(items), _sentences(items))
         for m, kinds in grouped.items() for kind, items in kinds.items() if items],
        columns=["how much it matters", "kind of error", "claims", "report sentences"])
    by_materiality = ", ".join(f"{_sentences([r for items in kinds.values() for r in items])} "
                               f"{MATERIALITY_HEADINGS[m].split()[0].lower()}"
                               for m, kinds in grouped.items() if any(kinds.values()))
    return (f'<div class="errata-tally"><p>{len(everything)} claims, in {_sentences(everything)} sentences of the '
            f'report, are wrong or inconsistent ({by_materiality}, counting each sentence once); the '
            f'<a href="{link}">errata</a> give each correction with its source and say how much it matters.</p>'
            + tables.table(shown, caption="Errata by how much they matter and kind of error",
                           html_columns=["kind of error"], classes="errata-tally-table").html + "</div>")


# ---------------------------------------------------------------------------------------------
# The forecast scorecard

SCORE_ORDER = list(forecasts.SCORES) + [ledger.PENDING]


METHOD_COLUMNS = {"rule": "By a rule", "judgement": "By judgement", "unfalsifiable": "No outcome to judge"}


def scorecard_tally(rows: list[dict]) -> pd.DataFrame:
    """Forecasts by score and by method: rule scores and judged grades are counted apart."""
    frame = pd.DataFrame({"score": SCORE_ORDER})
    for method, heading in METHOD_COLUMNS.items():
        mine = pd.Series([r["score"] for r in rows if r["method"] == method], dtype="string").value_counts()
        frame[heading] = [int(mine.get(s, 0)) for s in SCORE_ORDER]
    counted = frame[list(METHOD_COLUMNS.values())].sum(axis=1)
    return frame[counted > 0].reset_index(drop=True)


def _score_badge(score: str) -> str:
    return forecasts.badge_html(score) if score in forecasts.SCORES else ledger.badge_html(score)


def _warn_unscored(rows: list[dict], docname: str) -> None:
    """A page that shows the scorecard must not show it with a forecast silently missing."""
    for r in rows:
        if r["score"] == ledger.PENDING:
            logger.warning(f"{docname}: forecast {r['id']} is in forecasts.csv but no page scored it in this build")


def render_forecast_tally(app: Sphinx, docname: str, rows: list[dict]) -> str:
    _warn_unscored(rows, docname)
    frame = scorecard_tally(rows)
    link = _rel(app, docname, "book/ch9_what_happened_next") + "#the-scorecard"
    shown = frame.assign(score=frame.score.map(_score_badge))
    return (f'<div class="forecast-tally"><p>{html.escape(forecasts.tally_sentence(rows))} Judged grades are counted apart '
            f'from rule scores; the <a href="{link}">scorecard</a> gives each forecast\'s score and its evidence.</p>'
            + tables.table(shown, caption="Forecasts by score and by how they were judged", html_columns=["score"],
                           classes="forecast-tally-table").html + "</div>")


def render_scorecard(app: Sphinx, docname: str, rows: list[dict]) -> str:
    """One line per forecast, linked to its card: the cards hold the words, the reading and the evidence."""
    _warn_unscored(rows, docname)
    to_root = "../" * docname.count("/")
    csv_link, json_link = (to_root + name for name in SCORECARD_DOWNLOADS)
    frame = pd.DataFrame({"forecast": [_card_link(app, docname, "forecast", r["id"], r["docname"]) for r in rows], "section": [r["chapter"] for r in rows],
                          "method": [r["method"] for r in rows],
                          "score": [_score_badge(r["score"]) for r in rows], "score_key": [r["score"] for r in rows]})
    return (f'<p class="ledger-downloads">Download the scorecard: <a href="{csv_link}" download>scorecard.csv</a> · '
            f'<a href="{json_link}" download>scorecard.json</a></p>'
            # Folded, and loaded when opened (companion.deferred): the chapter's summary lists the same forecasts.
            + f'<details class="forecast-scorecard"><summary>Every forecast, its method and its score ({len(rows)} '
              f'rows, each linked to its card)</summary>'
            + tables.table(frame, caption="Every forecast of the report, scored against 2018–2025 (each links to "
                                          "its card, with the report's words, the evidence and why)",
                           html_columns=["forecast", "score"], row_data={"score_key": "score"},
                           classes="forecast-scorecard-table").html + "</details>")


def corrections_html(app: Sphinx, docname: str, moves: pd.DataFrame, kind: str, records: dict[str, dict],
                     badge, counted: str) -> str:
    """Every move of a verdict or score, newest first, each linked to its card (`moves`: date, the item's id as
    `item`, old, new, standard, why)."""
    esc = html.escape
    items = []
    for row in moves.sort_values(["date", "item"], ascending=[False, True]).itertuples(index=False):
        record = records.get(row.item)
        ident = _card_link(app, docname, kind, row.item, record["docname"] if record else None)
        items.append(f'<article class="correction" id="correction-{esc(row.item)}-{row.date:%Y-%m-%d}">'
                     f"<h3>{ident}</h3><p>{row.date:%-d %B %Y}: {badge(row.old)} → "
                     f"{badge(row.new)}</p><dl><dt>The standard that decided it</dt>"
                     f"<dd>{esc(row.standard)}</dd><dt>Why</dt><dd>{esc(row.why)}</dd></dl></article>")
    return f"<p>{len(moves)} {counted} have moved since the book was first published, newest first.</p>" + "".join(items)


def render_corrections(app: Sphinx, docname: str, records: dict[str, dict]) -> str:
    """Every verdict that moved, from data/corrections.csv."""
    from companion import data

    moves = data.load("corrections").rename(columns={"claim": "item"})
    return corrections_html(app, docname, moves, "claim", records, ledger.badge_html, "verdicts")


def render_forecast_corrections(app: Sphinx, docname: str, records: dict[str, dict]) -> str:
    """Every forecast score that moved, from data/forecast_corrections.csv ("too vague to score" is a retired score)."""
    from companion import data

    moves = data.load("forecast_corrections").rename(columns={"forecast": "item"})
    badge = lambda name: forecasts.badge_html(name) if name in forecasts.SCORES else html.escape(name)
    return corrections_html(app, docname, moves, "forecast", records, badge, "forecast scores")


def _resolve(app: Sphinx, doctree: nodes.document, docname: str) -> None:
    rows = getattr(app, "companion_ledger", [])
    records = getattr(app, "companion_records", {})
    claims = ledger.claims(ledger.CLAIMS)
    render = {"ledger": lambda: render_ledger(app, docname, rows),
              "tally": lambda: render_tally(app, docname, rows),
              "errata": lambda: render_errata(app, docname, records, claims),
              "errata-tally": lambda: render_errata_tally(app, docname, records, claims),
              "corrections": lambda: render_corrections(app, docname, records),
              "forecast-corrections": lambda: render_forecast_corrections(
                  app, docname, getattr(app, "companion_forecasts", {})),
              "scorecard": lambda: render_scorecard(app, docname, getattr(app, "companion_scorecard", [])),
              "forecast-tally": lambda: render_forecast_tally(app, docname, getattr(app, "companion_scorecard", [])),
              "key-numbers": lambda: render_key_numbers(app, docname, rows),
              "argument-map": lambda: render_argument_map(app, docname, rows),
              "argument-overview": lambda: render_argument_overview(app, docname, rows)}
    # The summary's facts, computed once per page however many findings it holds.
    facts = functools.cache(lambda: findings.facts(rows, records, getattr(app, "companion_scorecard", [])))
    for node in list(doctree.findall(ledger_placeholder)):
        try:
            shown = (findings.finding_html(node["check"], node["text"], facts()) if node["what"] == "finding"
                     else render[node["what"]]())
        except findings.FindingError as error:  # a finding or a step the records no longer support
            raise ExtensionError(f"{docname}: {error}") from None
        node.replace_self(nodes.raw("", shown, format="html"))


def _claim_link(app: Sphinx, docname: str):
    return lambda claim: _card_link(app, docname, "claim", claim["id"], claim["docname"])


def render_key_numbers(app: Sphinx, docname: str, rows: list[dict]) -> str:
    """The key numbers, each linked to the claim card that checks the report's figure."""
    frame = key_numbers.table_frame()
    where = {r["id"]: r["docname"] for r in rows}
    frame["claim"] = [_card_link(app, docname, "claim", c, where.get(c)) for c in frame["claim"]]
    return tables.table(frame, caption="Key numbers a reader can still use: the report's figure beside the latest "
                                       "estimate of the same measure from a primary or reputable source",
                        headers={"estimates compared": "Estimates compared", "claim": "Claim card"},
                        html_columns=["claim"], classes="key-numbers-table").html


def render_argument_map(app: Sphinx, docname: str, rows: list[dict]) -> str:
    return findings.argument_map_html(findings.argument_steps(rows), _claim_link(app, docname))


def render_argument_overview(app: Sphinx, docname: str, rows: list[dict]) -> str:
    return findings.argument_overview_html(findings.argument_steps(rows), _rel(app, docname, "book/argument_map"))


def book_title(app: Sphinx) -> str:
    """jupyter-book puts the book's title in html_title; `project` keeps Sphinx's placeholder."""
    return app.config.html_title or app.config.project


def claim_reviews(app: Sphinx, docname: str, records: list[dict]) -> dict | None:
    """schema.org ClaimReview for the records the book stands behind (`publishes_claim_review`).

    One JSON-LD graph per page: the reviewed report, its author and the reviewing book are nodes
    of their own, which each ClaimReview references by @id rather than repeating them."""
    base = app.config.html_baseurl or ""
    # Without a base address each review points into its own page by fragment alone: a path such as
    # "book/ch7.html" would resolve against the page's own folder to a page that does not exist.
    page = base.rstrip("/") + "/" + app.builder.get_target_uri(docname) if base else ""
    pub = report.publication()
    shared = [{"@id": "#reviewer", "@type": "Organization", "name": book_title(app)},
              {"@id": "#report-author", "@type": "Person", "name": pub.author},
              {"@id": "#report", "@type": "CreativeWork", "name": pub.title, "datePublished": pub.date,
               "url": pub.url, "author": {"@id": "#report-author"},
               "publisher": {"@type": "Organization", "name": pub.publisher}}]
    reviews = []
    for r in records:
        if not publishes_claim_review(r):
            continue
        rating = {"@type": "Rating", "alternateName": r["verdict"],
                  "ratingExplanation": r["why"][0].upper() + r["why"][1:] + ".",
                  "ratingValue": RATING[r["verdict"]], "bestRating": max(RATING.values()),
                  "worstRating": min(RATING.values())}
        # Each source by its address (its title and the rest are in the bibliography).
        citations = [{"@type": "CreativeWork", "url": entries()[key].fields["url"]}
                     for key in sorted({f["source"] for f in r["figures"]}) if "url" in entries()[key].fields]
        reviews.append({
            "@type": "ClaimReview", "url": f"{page}#claim-{r['id']}",
            "claimReviewed": r["quote"], "reviewRating": rating, "citation": citations,
            "author": {"@id": "#reviewer"},
            "itemReviewed": {"@type": "Claim", "author": {"@id": "#report-author"}, "datePublished": pub.date,
                             "appearance": {"@id": "#report"}},
        })
    return {"@context": "https://schema.org", "@graph": shared + reviews} if reviews else None


def _page_context(app: Sphinx, pagename: str, templatename: str, context: dict, doctree) -> None:
    records = [r for r in getattr(app, "companion_records", {}).values() if r["docname"] == pagename]
    reviews = claim_reviews(app, pagename, records) if records else None
    if reviews:
        # Compact: the markup is for machines, and every byte of <head> is in every visit's page weight.
        payload = json.dumps(reviews, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
        context["metatags"] = context.get("metatags", "") + (
            '\n<script type="application/ld+json">' + payload.replace("</", "<\\/") + "</script>\n")
    if "claims-ledger-table" in context.get("body", ""):
        app.add_js_file("companion-ledger.js", priority=660)


def setup(app: Sphinx) -> dict:
    app.add_node(ledger_placeholder)
    app.add_directive("claims-ledger", ClaimsLedger)
    app.add_directive("ledger-tally", LedgerTally)
    app.add_directive("errata", Errata)
    app.add_directive("errata-tally", ErrataTally)
    app.add_directive("corrections-list", CorrectionsList)
    app.add_directive("forecast-corrections-list", ForecastCorrectionsList)
    app.add_directive("forecast-scorecard", ForecastScorecard)
    app.add_directive("forecast-tally", ForecastTally)
    app.add_directive("finding", Finding)
    app.add_directive("key-numbers", KeyNumbers)
    app.add_directive("argument-map", ArgumentMap)
    app.add_directive("argument-overview", ArgumentOverview)
    app.connect("doctree-read", _note_placeholders)
    app.connect("env-purge-doc", _purge)
    app.connect("env-merge-info", _merge)
    app.connect("env-updated", _collect)
    app.connect("doctree-resolved", _resolve)
    app.connect("html-page-context", _page_context)
    return {"version": "0.1", "parallel_read_safe": True, "parallel_write_safe": False, "env_version": 1}
