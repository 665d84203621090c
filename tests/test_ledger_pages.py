"""The pages derived from the claim records: ledger, downloads, intro tallies, ClaimReview JSON-LD."""
from __future__ import annotations

import csv
import io
import json
import re

import pytest

from companion import claims, ledger

pytestmark = pytest.mark.book

ROWS = claims.read_rows(claims.CLAIMS)


@pytest.fixture(scope="module")
def ledger_json(built_book):
    return json.loads((built_book / "ledger.json").read_text())


def test_downloads_list_every_claim_in_inventory_order(built_book, ledger_json):
    assert [r["id"] for r in ledger_json] == [r["id"] for r in ROWS]
    table = list(csv.DictReader(io.StringIO((built_book / "ledger.csv").read_text())))
    assert [r["id"] for r in table] == [r["id"] for r in ROWS]
    assert [r["verdict"] for r in table] == [r["verdict"] for r in ledger_json]


def test_every_computed_verdict_equals_the_recorded_one(ledger_json):
    """The chapters compute; claims.csv records the expectation; they must agree, claim by claim."""
    recorded = {r["id"]: r["verdict"] for r in ROWS}
    computed = {r["id"]: r["verdict"] for r in ledger_json}
    assert {k: (recorded[k], computed[k]) for k in recorded if recorded[k] != computed[k]} == {}


def test_checked_claims_carry_figures_and_sources(ledger_json):
    for record in ledger_json:
        # Arithmetic claims are decided from the report's own figures; the rest need outside figures.
        if record["verdict"] not in (ledger.PENDING, "unverifiable", "inconsistent") and record["kind"] != "arithmetic":
            assert record["independent"] and record["sources"], record["id"]


def test_the_ledger_page_shows_every_claim_with_its_verdict(built_book, ledger_json):
    html = (built_book / "book" / "ledger.html").read_text()
    rows = re.findall(r'<tr data-verdict="([a-z]+)" data-chapter="(\d)"><td>(?:<a href="([^"]+)">)?([a-z0-9-]+)', html)
    assert [r[3] for r in rows] == [r["id"] for r in ledger_json]
    assert [r[0] for r in rows] == [r["verdict"] for r in ledger_json]
    for verdict, _, link, claim_id in rows:
        assert bool(link) == (verdict != ledger.PENDING)
        if link:
            assert link.endswith(f"#claim-{claim_id}")
    assert 'href="../ledger.csv"' in html and 'href="../ledger.json"' in html
    assert html.count('class="companion-chart-view"') == 1


def test_the_intro_tallies_match_the_ledger(built_book, ledger_json):
    html = (built_book / "book" / "intro.html").read_text()
    tally = dict((v, int(n)) for v, n in re.findall(
        r'<tr><td><span class="verdict-badge verdict-([a-z]+)".*?</span></td><td>(\d+)</td></tr>', html))
    expected = {v: sum(r["verdict"] == v for r in ledger_json) for v in list(ledger.VERDICTS) + [ledger.PENDING]}
    assert tally == expected
    checked = len(ledger_json) - expected[ledger.PENDING]
    assert f"{checked} of {len(ledger_json)} quantitative claims checked" in html


def claim_reviews(html: str) -> list[dict]:
    blocks = re.findall(r'<script type="application/ld\+json">(.*?)</script>', html, re.S)
    assert len(blocks) == 1
    return json.loads(blocks[0])


def test_chapter_one_carries_its_claims_as_claimreview_json_ld(built_book, ledger_json):
    html = (built_book / "book" / "ch1_territorial_losses.html").read_text()
    head = html.split("</head>")[0]
    reviews = claim_reviews(head)
    chapter1 = {r["id"]: r for r in ledger_json if r["chapter"] == 1}
    assert {r["url"].split("#claim-")[1] for r in reviews} == set(chapter1)
    for review in reviews:
        record = chapter1[review["url"].split("#claim-")[1]]
        assert review["@type"] == "ClaimReview" and review["@context"] == "https://schema.org"
        assert review["claimReviewed"] == record["quote"]
        assert review["itemReviewed"]["author"]["name"] == "Fatima Ayub"
        assert review["itemReviewed"]["appearance"]["datePublished"] == "2018-01"
        rating = review["reviewRating"]
        assert rating["alternateName"] == record["verdict"]
        assert ("ratingValue" in rating) == (record["verdict"] in ("reproduced", "close", "contradicted"))
        assert review["citation"] and all("url" in c for c in review["citation"])
    # Each review points at a claim card that exists on the page.
    for review in reviews:
        assert f'id="claim-{review["url"].split("#claim-")[1]}"' in html


def test_pages_without_records_carry_no_json_ld(built_book):
    assert "application/ld+json" not in (built_book / "book" / "ledger.html").read_text()
