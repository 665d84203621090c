"""The report's own sources, audited as a set (data/report_sources.csv).

Every source the report names or evidently draws on: found or not, whether it says what the report
says, what the book read (the primary, a copy or a report of it), and which claims lean on it. A
claim's `provenance` in claims.csv names the source its wording evidently comes from, so a card and
an erratum can explain a slip of copying ("last year" written in October 2017 and read in 2018).
The searches behind it are the claims' own (data/searches.csv); there is no second search log.
"""
from __future__ import annotations

import html

from companion import DATA_DIR, bib, ledger, report

REPORT_SOURCES = DATA_DIR / "report_sources.csv"
# Every organisation, study or publication the report's text names, as the report spells it. A test
# checks that each one found in the report is a row of report_sources.csv (its `names`).
NAMED_IN_REPORT = ("IHS Markit", "Quilliam Foundation", "Quillam Foundation", "Gartenstein-Ross", "Brookings",
                   "Dabiq", "Rumiya", "FBI", "MI5", "Global Coalition", "Home Office", "Soufan Group", "UNSC",
                   "Institute of Strategic Studies", "Washington Institute", "Guardian", "Syrian Observatory",
                   "coalition military wing", "the US suggested", "the US reported", "Kabul-based security agencies")


def _split(value: str) -> list[str]:
    return [part.strip() for part in (value or "").split(";") if part.strip()]


def table(path=REPORT_SOURCES) -> dict[str, dict]:
    return ledger.inventory_table(str(path))


def provenance(claim_id: str, claims_path=ledger.CLAIMS, path=REPORT_SOURCES) -> dict:
    """Where a claim's wording evidently comes from: {'id', 'source', 'note', 'bib'}, or {} when not traced."""
    key = ledger.claim(claim_id, claims_path).get("provenance", "").strip()
    if not key:
        return {}
    rows = table(path)
    if key not in rows:
        raise ledger.LedgerError(f"{claim_id}: provenance {key!r} is not a row of {path.name}")
    row = rows[key]
    return {"id": key, "source": row["source"], "use": row["evident_use"], "note": row["note"], "bib": _split(row["bib"])}


def provenance_html(prov: dict) -> str:
    """The provenance of a claim's wording, for its card and its erratum."""
    if not prov:
        return ""
    esc = html.escape
    cites = ", ".join(bib.cite_html(k) for k in prov["bib"][:1])
    use = f" ({esc(prov['use'])})" if prov.get("use") else ""
    return (f'<dt>Where the wording comes from</dt><dd class="claim-provenance">{esc(prov["source"])}'
            f'{", " + cites if cites else ""}{use}. {esc(prov["note"])}</dd>')


def coverage_problems(claims: dict[str, dict], path=REPORT_SOURCES) -> list[str]:
    """What the audit fails to cover: an attribution, a named organisation, a name the report does not
    contain, or a claim, source or bibliography key that does not exist."""
    rows = table(path)
    text = report.folded()
    problems = []
    attributed = {a for row in rows.values() for a in _split(row["attributed_as"])}
    for value in sorted({c["attributed_to"] for c in claims.values() if c.get("attributed_to")}):
        if value not in attributed:
            problems.append(f"{path.name}: no row lists the attribution {value!r} (claims.csv, attributed_to)")
    names = [n for row in rows.values() for n in _split(row["names"])]
    for organisation in NAMED_IN_REPORT:
        if organisation in text and not any(organisation in n or n in organisation for n in names):
            problems.append(f"{path.name}: the report names {organisation!r}, but no row's names cover it")
    for key, row in rows.items():
        for name in _split(row["names"]):
            if report.fold(name) not in text:
                problems.append(f"{path.name}, row {key!r}, column 'names': {name!r} is not in the report's text")
        for claim_id in _split(row["claims"]):
            if claim_id not in claims:
                problems.append(f"{path.name}, row {key!r}, column 'claims': {claim_id!r} is not a claim")
        for source in _split(row["bib"]):
            if source not in bib.entries():
                problems.append(f"{path.name}, row {key!r}, column 'bib': {source!r} is not in the bibliography")
        if not _split(row["names"]) and not row["evident_use"].strip():
            problems.append(f"{path.name}, row {key!r}: a source the report does not name needs its evident_use")
    for claim_id, claim in claims.items():
        key = claim.get("provenance", "").strip()
        if key and claim_id not in _split(rows.get(key, {}).get("claims", "")):
            problems.append(f"claims.csv, row {claim_id!r}, column 'provenance': {key!r} does not list the claim")
    return problems


def audit_rows(claims: dict[str, dict], path=REPORT_SOURCES) -> list[dict]:
    """The audit as rows for the page: each source with its standing, its claims and their verdicts,
    and, where it was not found, how many searches lie behind the claims that lean on it."""
    out = []
    for key, row in table(path).items():
        claim_ids = _split(row["claims"])
        searches = sum(1 for c in claim_ids for s in ledger.searches_on_record(c) if s.applies)
        out.append({**row, "claim_ids": claim_ids, "verdicts": [claims[c]["verdict"] for c in claim_ids],
                    "searches": searches, "bib_keys": _split(row["bib"]), "named": bool(_split(row["names"]))})
    return out


COLUMNS = ("Source", "How the report names it", "Found", "Says what the report says", "What the book read",
           "Claims leaning on it (verdict)", "What the audit found")


def audit_html(claims: dict[str, dict] | None = None, path=REPORT_SOURCES) -> str:
    """The report's-sources page table, written by the book's one table function (companion.tables)."""
    import pandas as pd

    from companion import tables

    claims = claims if claims is not None else ledger.claims()
    esc = html.escape
    rows = []
    for r in audit_rows(claims, path):
        named = "; ".join(f"“{esc(n)}”" for n in _split(r["names"])) or f"not named: {esc(r['evident_use'])}"
        read = esc(r["form"]) + (": " + ", ".join(tables.source_link(k) for k in r["bib_keys"]) if r["bib_keys"] else "")
        claim_list = "; ".join(f"<code>{esc(c)}</code> ({esc(v)})" for c, v in zip(r["claim_ids"], r["verdicts"])) or "—"
        searched = f" {r['searches']} searches on record for its claims." if r["found"] != "yes" and r["searches"] else ""
        rows.append([f"source-{r['id']}", r["source"], named, r["found"], r["says"], read, claim_list,
                     esc(r["note"]) + searched])
    frame = pd.DataFrame(rows, columns=["anchor", *COLUMNS])
    return tables.table(frame, caption=f"The report's sources: {len(rows)} named or evidently used",
                        headers={c: c for c in COLUMNS}, row_ids="anchor", sources=(),
                        html_columns=[COLUMNS[1], COLUMNS[4], COLUMNS[5], COLUMNS[6]], classes="report-sources").html
