"""The claims inventory: complete against the report, every quote verbatim, every row well formed."""
import re

import pytest

from companion import claims, data, ledger, report

CLAIMS = data.load("claims")  # validated against its schema on load
EXCLUDED = data.load("claims_excluded")
ROWS = claims.read_rows(claims.CLAIMS)  # the same rows as plain strings (empty cells are "")


def test_every_hit_in_the_report_is_covered_by_a_claim_or_an_exclusion():
    missing, problems = claims.uncovered(claims.read_rows(claims.CLAIMS), claims.read_rows(claims.EXCLUDED),
                                         forecasts=claims.read_rows(claims.FORECASTS))
    folded = report.fold(report.text())
    assert problems == []
    assert [f"s{h.section} {h.kind} {h.text!r}: …{h.context(folded, 40)}…" for h in missing] == []


def test_the_scanner_finds_each_kind_of_hit():
    text = ("In June 2017 about 6,000 fighters, several hundred more, the second wave, "
            "the highest rate and 48 percent")
    hits = [(kind, m.group(0)) for kind, pattern in claims.PATTERNS.items() for m in pattern.finditer(text)]
    assert ("month", "June") in hits and ("numeral", "2017") in hits and ("numeral", "6,000") in hits
    assert ("number word", "several") in hits and ("number word", "hundred") in hits
    assert ("ordinal", "second") in hits and ("superlative", "highest") in hits and ("numeral", "48") in hits
    assert ("quantity word", "wave") in hits


@pytest.mark.parametrize("text, found", [
    ("a majority of these attacks", "majority"), ("a sharp incline in numbers", "incline"),
    ("the much feared wave of violence", "wave"), ("a wide number of analysts", "a wide number"),
    ("a large  number of recruits", "a large  number"), ("attacks became more frequent", "more frequent"),
    ("funding declined", "declined"), ("a surge in recruits", "surge"), ("few fighters", "few"),
    ("fewer than expected", "fewer"), ("numerous times", "numerous"), ("will continue to grow", "grow"),
    ("the minority of cases", "minority"), ("a spike in attacks", "spike"), ("the caliphate shrank", "shrank"),
])
def test_the_scanner_finds_each_quantity_word(text, found):
    assert [m.group(0) for m in claims.PATTERNS["quantity word"].finditer(text)] == [found]


@pytest.mark.parametrize("text", ["more fighters", "increasingly", "wavering", "fewest", "arise", "growl"])
def test_the_quantity_words_leave_out_bare_more_and_other_words(text):
    assert not claims.PATTERNS["quantity word"].search(text)


def test_a_forecast_covers_the_quantity_words_in_its_quote():
    folded = report.folded()
    forecast = {"id": "f8-insurgency-increase",
                "quote": "Asymmetric attacks are likely to increase in frequency in areas that ISIS has now lost."}
    in_quote = lambda hits: [h.text for h in hits if h.kind == "quantity word" and h.section == 8
                             and "increase in frequency" in h.context(folded, 20)]
    assert in_quote(claims.uncovered([], [], {8})[0]) == ["increase", "frequency"]
    assert in_quote(claims.uncovered([], [], {8}, [forecast])[0]) == []


def test_the_scanner_counts_every_numeral_of_the_report():
    folded = report.fold(report.text())
    numerals = [h for h in claims.scan(folded) if h.kind == "numeral"]
    assert len(numerals) == len(re.findall(r"\d+(?:[.,/]\d+)*", folded)) > 100


@pytest.mark.parametrize("table", ["claims", "excluded"])
def test_every_quote_stands_exactly_once_in_the_report(table):
    frame = CLAIMS if table == "claims" else EXCLUDED
    folded = report.fold(report.text())
    counts = {q: len(claims.locate(q, folded)) for q in frame.quote}
    assert {q: n for q, n in counts.items() if n != 1} == {}


def test_each_claim_quotes_its_own_chapter():
    folded = report.fold(report.text())
    starts = claims.section_starts(folded) + [len(folded)]
    for row in CLAIMS.itertuples():
        at = claims.locate(row.quote, folded)[0]
        section = max(i + 1 for i, s in enumerate(starts[:-1]) if s <= at)
        assert section == row.chapter, row.id


def test_related_claims_exist_and_bounds_match_precision():
    ids = {row["id"] for row in ROWS}
    for row in ROWS:
        related = {r for r in row["related"].split(";") if r}
        assert related <= ids, (row["id"], related - ids)
        assert (row["precision"] == "bound") == bool(row["bound"]), row["id"]


def test_every_report_value_parses_for_its_kind():
    for row in CLAIMS.itertuples():
        if row.kind in ("date", "period"):
            ledger.Period.of(row.report_value)
        elif row.kind == "ranking":
            assert int(row.report_value) >= 1
        elif row.kind == "attribution":  # a body, broadest first: "US government/State Department"
            assert all(part.strip() for part in row.report_value.split("/")), row.id
        elif row.kind == "trend":  # "[sharp ]rise|decline FIRST..LAST"
            ledger.parse_trend(row.report_value)
        else:
            ledger.Interval.of(row.report_value)


def test_ids_are_readable_and_carry_their_chapter():
    for row in CLAIMS.itertuples():
        assert row.id.startswith(f"ch{row.chapter}-"), row.id


def test_contradicted_and_inconsistent_claims_name_the_kind_of_error():
    for row in ROWS:
        if row["verdict"] in ("contradicted", "inconsistent"):
            assert row["error_kind"] in ledger.ERROR_KINDS, row["id"]
        else:
            assert row["error_kind"] == "", row["id"]


def test_no_claim_anywhere_is_pending():
    pending = CLAIMS[CLAIMS.verdict == "pending"]
    assert len(CLAIMS) > 90 and len(pending) == 0, pending.id.tolist()  # 95 claims since ten were withdrawn
