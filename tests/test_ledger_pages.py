"""The pages derived from the records: ledger, scorecard, downloads, intro tallies, ClaimReview JSON-LD."""
from __future__ import annotations

import csv
import io
import json
import re
from html import escape as html_escape

import pytest

from companion import claims, forecasts, ledger

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
        if record["verdict"] not in (ledger.PENDING, "unverifiable", "inconsistent") and record["kind"] not in ledger.ARITHMETIC_ONLY_KINDS:
            assert record["independent"] and record["sources"], record["id"]


def test_the_ledger_page_shows_every_claim_with_its_verdict(built_book, ledger_json):
    html = (built_book / "book" / "ledger.html").read_text()
    rows = re.findall(r'<tr data-verdict="([a-z]+)" data-chapter="(\d)"><th scope="row" data-label="Claim">'
                      r'(?:<a href="([^"]+)">)?([a-z0-9-]+)', html)
    assert [r[3] for r in rows] == [r["id"] for r in ledger_json]
    assert [r[0] for r in rows] == [r["verdict"] for r in ledger_json]
    for verdict, _, link, claim_id in rows:
        assert bool(link) == (verdict != ledger.PENDING)
        if link:
            assert link.endswith(f"#claim-{claim_id}")
    assert 'href="../ledger.csv"' in html and 'href="../ledger.json"' in html
    assert html.count('class="companion-chart-view"') == 1


def test_the_intro_tallies_match_the_ledger(built_book, ledger_json):
    """Reproduced from the report's own arithmetic is counted apart; 'pending' and 'so far' only while pending."""
    html = (built_book / "book" / "intro.html").read_text()
    table = html.split('ledger-tally-table"', 1)[1].split("</table>", 1)[0]
    rows = re.findall(r'<tr><th scope="row" data-label="Verdict">(<span class="verdict-badge verdict-([a-z]+)".*?)</th>'
                      r'<td class="num" data-label="Claims">(\d+)</td><td class="num" data-label="Report sentences">(\d+)</td></tr>',
                      table)
    tally = {(v, "tally-note" in cell): int(n) for cell, v, n, _ in rows}
    assert len(tally) == len(rows)
    # Each report sentence counts once, under the least favourable verdict among its claims.
    assert sum(int(k) for *_, k in rows) == len({r["sentence_start"] for r in ledger_json})
    own = [r for r in ledger_json if r["own_arithmetic"]]
    assert own and all(r["verdict"] == "reproduced" and r["kind"] in ledger.ARITHMETIC_ONLY_KINDS for r in own)
    expected = {(v, False): sum(r["verdict"] == v and not r["own_arithmetic"] for r in ledger_json)
                for v in ledger.VERDICTS}
    expected[("reproduced", True)] = len(own)
    assert tally == expected
    pending = sum(r["verdict"] == ledger.PENDING for r in ledger_json)
    assert pending == 0 and "so far" not in html
    assert f"{len(ledger_json)} quantitative claims, all checked" in html


def claim_reviews(html: str) -> list[dict]:
    """The page's ClaimReviews, each with the graph's @context and its @id references resolved,
    as a JSON-LD processor reads them."""
    blocks = re.findall(r'<script type="application/ld\+json">(.*?)</script>', html, re.S)
    assert len(blocks) == 1
    graph = json.loads(blocks[0])
    nodes = {node["@id"]: node for node in graph["@graph"] if "@id" in node}

    def resolve(value):
        if isinstance(value, dict):
            if set(value) == {"@id"}:
                assert value["@id"] in nodes, f"dangling reference {value['@id']}"
                return resolve(nodes[value["@id"]])
            return {k: resolve(v) for k, v in value.items()}
        return [resolve(v) for v in value] if isinstance(value, list) else value

    return [{"@context": graph["@context"], **resolve(node)} for node in graph["@graph"]
            if node["@type"] == "ClaimReview"]


PUBLISHED_VERDICTS = ("reproduced", "close", "contradicted")


def test_claimreview_only_where_the_book_stands_behind_the_rating(built_book, ledger_json):
    """Every chapter's JSON-LD: exactly its reproduced, close and contradicted claims (a reproduced that rests
    on the report's own arithmetic is not independently rated), never unverifiable or inconsistent; the
    explanation is the why line alone; the reviewed report carries its publisher, date and address."""
    from companion import report

    publication = report.publication()
    assert (publication.publisher, publication.date) == ("Spearhead Research", "2018-01-23")
    by_page = {}
    for record in ledger_json:
        by_page.setdefault(record["chapter"], []).append(record)
    unpublished = [r for r in ledger_json if r["verdict"] not in PUBLISHED_VERDICTS or r["own_arithmetic"]]
    assert {"unverifiable"} <= {r["verdict"] for r in unpublished} and any(r["own_arithmetic"] for r in unpublished), \
        "the rule must have cases to refuse"
    seen = 0
    for page in sorted((built_book / "book").glob("ch[1-8]_*.html")):
        html = page.read_text()
        head = html.split("</head>")[0]
        chapter = int(page.name[2])
        expected = {r["id"]: r for r in by_page[chapter] if r["claim_review"]}
        for r in by_page[chapter]:
            if r["claim_review"]:  # the rule, restated on the downloads: tested at its edges in test_fairness
                assert r["verdict"] in PUBLISHED_VERDICTS and not r["own_arithmetic"] and r["materiality"] != "cosmetic"
                assert not (r["verdict"] == "contradicted" and "reproduced" in r["readings"])
        reviews = claim_reviews(head) if expected else []
        if not expected:
            assert "application/ld+json" not in head, page.name
        assert {r["url"].split("#claim-")[1] for r in reviews} == set(expected), page.name
        for review in reviews:
            record = expected[review["url"].split("#claim-")[1]]
            assert review["@type"] == "ClaimReview" and review["@context"] == "https://schema.org"
            assert review["claimReviewed"] == record["quote"]
            assert review["author"]["name"] == "Territory lost, threat remaining? A companion to Ayub (2018)"
            reviewed = review["itemReviewed"]
            assert reviewed["author"]["name"] == publication.author == "Fatima Ayub"
            assert reviewed["datePublished"] == publication.date
            assert reviewed["appearance"]["publisher"]["name"] == publication.publisher
            assert reviewed["appearance"]["url"] == publication.url
            assert reviewed["appearance"]["datePublished"] == publication.date
            rating = review["reviewRating"]
            assert rating["alternateName"] == record["verdict"]
            assert rating["ratingValue"] == {"reproduced": 3, "close": 2, "contradicted": 1}[record["verdict"]]
            # The why line alone: the ledger's `why` is that line followed by the chapter's note.
            explanation = rating["ratingExplanation"].rstrip(".")
            assert record["why"].casefold().startswith(explanation.casefold()) and len(explanation) < len(record["why"])
            assert review["citation"] and all("url" in c for c in review["citation"])
            assert f'id="claim-{record["id"]}"' in html
            seen += 1
    assert seen == sum(r["claim_review"] for r in ledger_json) > 0
    # the tightened rule has cases to refuse: a cosmetic contradiction is not published
    assert any(r["verdict"] == "contradicted" and not r["claim_review"] for r in ledger_json)


def test_pages_without_records_carry_no_json_ld(built_book):
    assert "application/ld+json" not in (built_book / "book" / "ledger.html").read_text()


def test_the_errata_list_exactly_the_wrong_and_inconsistent_claims_by_kind(built_book, ledger_json):
    html = (built_book / "book" / "errata.html").read_text()
    wrong = [r for r in ledger_json if r["verdict"] in ("contradicted", "inconsistent")]
    assert wrong, "the book has found errors; an empty errata page would hide them"
    listed = re.findall(r'<article class="erratum" id="erratum-([a-z0-9-]+)">', html)
    assert sorted(listed) == sorted(r["id"] for r in wrong)
    # grouped by materiality, then by kind of error, with the counts in the headings
    for materiality in ("material", "minor", "cosmetic"):
        assert f'id="errata-{materiality}"' in html
        section = html.split(f'id="errata-{materiality}"', 1)[1].split('<section class="errata-materiality"', 1)[0]
        ids = re.findall(r'id="erratum-([a-z0-9-]+)"', section)
        assert sorted(ids) == sorted(r["id"] for r in wrong if r["materiality"] == materiality), materiality
        for kind_slug, count, body in re.findall(
                rf'<section class="errata-kind" id="errata-{materiality}-([a-z-]+)"><h3>[^<]+\((\d+)\)</h3>(.*?)</section>',
                section, re.S):
            kind_ids = re.findall(r'id="erratum-([a-z0-9-]+)"', body)
            assert int(count) == len(kind_ids) > 0
            assert {r["error_kind"].replace(" ", "-") for r in wrong if r["id"] in kind_ids} == {kind_slug}
    # every erratum says how much it matters, and why
    for record in wrong:
        entry = html.split(f'id="erratum-{record["id"]}"', 1)[1].split("</article>", 1)[0]
        assert f'materiality-{record["materiality"]}' in entry and html_escape(record["materiality_why"]) in entry
    # every entry links to the claim card in its chapter and cites the correcting source
    for claim_id in listed:
        entry = html.split(f'id="erratum-{claim_id}"', 1)[1].split("</article>", 1)[0]
        assert re.search(rf'href="[a-z0-9_]+\.html#claim-{claim_id}"', entry), claim_id
        correction = entry.split("<dt>The correction</dt>", 1)[1].split("</dd>", 1)[0]
        assert re.search(r'class="reference internal" href="bibliography\.html#cite-[\w-]+"', correction), claim_id


def test_the_intro_counts_the_errata_by_materiality_and_kind_and_sentences_once(built_book, ledger_json):
    html = (built_book / "book" / "intro.html").read_text()
    shown = {slug: (int(n), int(k)) for slug, n, k in re.findall(
        r'href="errata\.html#errata-([a-z-]+)">[^<]+</a></td><td class="num" data-label="Claims">(\d+)</td>'
        r'<td class="num" data-label="Report sentences">(\d+)</td>', html)}
    expected, sentences = {}, {}
    for r in ledger_json:
        if r["verdict"] in ("contradicted", "inconsistent"):
            slug = f'{r["materiality"]}-{r["error_kind"].replace(" ", "-")}'
            expected[slug] = expected.get(slug, 0) + 1
            sentences.setdefault(slug, set()).add(r["sentence_start"])
    assert shown == {slug: (n, len(sentences[slug])) for slug, n in expected.items()}
    wrong = [r for r in ledger_json if r["verdict"] in ("contradicted", "inconsistent")]
    assert f"{len(wrong)} claims, in {len({r['sentence_start'] for r in wrong})} sentences of the report" in html


# --- The forecast scorecard: gathered by the same extension ------------------------------------

FORECAST_ROWS = list(forecasts.forecasts().values())


def html_unescape(text: str) -> str:
    import html

    return html.unescape(text)


def test_the_scorecard_downloads_list_every_forecast_with_its_computed_score(built_book):
    scorecard = json.loads((built_book / "scorecard.json").read_text())
    assert [r["id"] for r in scorecard] == [r["id"] for r in FORECAST_ROWS]
    assert {r["id"]: r["score"] for r in scorecard} == {r["id"]: r["score"] for r in FORECAST_ROWS}
    table = list(csv.DictReader(io.StringIO((built_book / "scorecard.csv").read_text())))
    assert [(r["id"], r["score"]) for r in table] == [(r["id"], r["score"]) for r in scorecard]
    assert all(r["why"] for r in scorecard)


def test_the_chapter_shows_a_card_and_a_scorecard_row_for_every_forecast(built_book):
    html = (built_book / "book" / "ch9_what_happened_next.html").read_text()
    cards = re.findall(r'<section class="claim-card forecast-card forecast-[a-z-]+" id="forecast-([\w-]+)" aria-label="Forecast [\w-]+: ([a-z ]+)"', html)
    assert dict(cards) == {r["id"]: r["score"] for r in FORECAST_ROWS}
    from test_folding import deferred_parts

    assert '<details class="forecast-scorecard">' in html  # folded, loaded when opened
    folded = "".join(deferred_parts(built_book, "book/ch9_what_happened_next"))
    table = folded.split('forecast-scorecard-table"')[1].split("</table>")[0]
    assert re.findall(r'<tr data-score="([a-z ]+)">', table) == [r["score"] for r in FORECAST_ROWS]


def test_the_intro_tallies_the_forecasts_by_score_and_method(built_book):
    html = (built_book / "book" / "intro.html").read_text()
    tally = html.split('<div class="forecast-tally">')[1].split("</div>")[0]
    rows = re.findall(r'</span> ([a-z ]+)(?: <span class="forecast-judged">\(judged\)</span>)?</span></th>'
                      r'<td class="num" data-label="By a rule">(\d+)</td><td class="num" data-label="By judgement">(\d+)</td>'
                      r'<td class="num" data-label="No outcome to judge">(\d+)</td>', tally)
    counts = {score: tuple(map(int, n)) for score, *n in rows}
    expected = {score: tuple(sum(r["score"] == score and r["method"] == m for r in FORECAST_ROWS)
                             for m in ("rule", "judgement", "unfalsifiable")) for score in forecasts.SCORES}
    assert counts == {s: n for s, n in expected.items() if any(n)}
    assert html_unescape(forecasts.tally_sentence(FORECAST_ROWS)) in html_unescape(tally)

# ---------------------------------------------------------------------------------------------
# The argument map and the intro's findings (issue 19)

def _step_articles(page: str) -> dict[str, str]:
    """Each step's article on the argument map, by step id."""
    return {m.group(1): m.group(2) for m in re.finditer(
        r'<article class="argument-step[^"]*" id="step-([^"]+)">(.*?)</article>', page, re.S)}


def test_the_argument_map_keeps_in_step_with_argument_csv_and_the_ledger(built_book, ledger_json):
    page = (built_book / "book" / "argument_map.html").read_text()
    verdicts = {r["id"]: r["verdict"] for r in ledger_json}
    articles = _step_articles(page)
    steps = list(csv.DictReader(open(ledger.ARGUMENT, encoding="utf-8")))
    assert list(articles) == [s["id"] for s in steps]
    for step in steps:
        evidence, context = ledger.argument_attachments(step)
        shown = re.findall(r'<li><span class="verdict-badge verdict-([a-z]+)">.*?#claim-([a-z0-9-]+)"', articles[step["id"]])
        assert [(claim_id, verdict) for verdict, claim_id in shown] == [(c, verdicts[c]) for c in evidence], step["id"]
        standing = re.search(r'class="step-standing step-([a-z-]+)"', articles[step["id"]]).group(1)
        from companion import findings
        expected = findings.standing([verdicts[c] for c in evidence])
        assert standing == expected.replace(" ", "-").replace(",", ""), step["id"]
        for claim_id in context:
            assert claim_id in articles[step["id"]], (step["id"], claim_id)


def test_the_intro_overview_lists_every_step_linked_to_the_map(built_book):
    intro = (built_book / "book" / "intro.html").read_text()
    table = re.search(r'<table class="argument-overview">.*?</table>', intro, re.S).group(0)
    linked = re.findall(r'href="argument_map.html#step-([^"]+)"', table)
    assert linked == [s["id"] for s in csv.DictReader(open(ledger.ARGUMENT, encoding="utf-8"))]


def test_every_finding_on_the_intro_shows_its_check_and_glued_numbers(built_book, ledger_json):
    intro_source = (ledger.DATA_DIR.parent / "book" / "intro.md").read_text()
    intro = (built_book / "book" / "intro.html").read_text()
    written = re.findall(r"```\{finding\} ([a-z-]+)", intro_source)
    assert len(written) >= 6 and intro.count('<details class="finding-check">') == len(written)
    assert "{" not in "".join(re.findall(r'<div class="finding"><p>(.*?)</p>', intro))  # every placeholder filled
    counts = {v: sum(r["verdict"] == v for r in ledger_json) for v in ledger.VERDICTS}
    assert "every one has a verdict" in intro and f"{counts['unverifiable']} claims" in intro
    assert f"What is wrong, and how much it matters: {counts['contradicted'] + counts['inconsistent']} claims" in intro


def test_the_key_numbers_table_shows_each_marked_claims_best_estimate(built_book):
    from companion import key_numbers

    intro = (built_book / "book" / "intro.html").read_text()
    table = re.search(r'<table[^>]*key-numbers-table.*?</table>', intro, re.S).group(0)
    chosen = key_numbers.best(key_numbers.candidates())
    assert len(re.findall(r"<tr", table)) - 1 == len(chosen)
    for claim_id in chosen["claim"]:
        assert f"#claim-{claim_id}" in table
