"""The report copy, its sections, and the one quote fold."""
import hashlib
import subprocess

import pytest

from companion import REPORT, ROOT, report

REPORT_SHA256 = "51e1dafa3072e8414f2a561a1a578fcb175d9bf0882c4b3b4376c5ff7cf51c30"


def test_report_copy_is_byte_identical_to_the_pinned_checksum():
    assert hashlib.sha256(REPORT.read_bytes()).hexdigest() == REPORT_SHA256


def test_eight_sections_in_the_reports_order_matching_its_table_of_contents():
    sections = report.sections()
    assert [s.heading for s in sections] == list(report.SECTION_HEADINGS)
    after_toc = report.text().split("Table of Contents")[1].strip().splitlines()[:8]
    toc_entries = [line.split("\t")[0].removesuffix(".....") for line in after_toc]
    assert toc_entries == [h.rstrip(".") for h in report.SECTION_HEADINGS]
    assert all(len(s.body) > 1000 for s in sections)
    assert sections[0].body.startswith("When commanders of the Syrian Democratic Forces")
    assert sections[-1].body.rstrip().endswith("consistent with interests of all stakeholders.")


@pytest.mark.parametrize("raw, folded", [
    ("a  b\n\n\nc", "a b c"),
    ("**July 2016 edition of Dabiq**", "July 2016 edition of Dabiq"),
    ("*Utopia* and\n\ntowards", "Utopia and towards"),
    ("  leading and trailing \t", "leading and trailing"),
    ("Capitals, ‘quotes’ — and dashes stay", "Capitals, ‘quotes’ — and dashes stay"),
])
def test_fold_removes_only_whitespace_runs_and_emphasis(raw, folded):
    assert report.fold(raw) == folded


def test_fold_does_not_change_case_or_punctuation():
    assert report.fold("ISIS") != report.fold("Isis")
    assert report.fold("per cent") != report.fold("percent")


def test_quotes_match_across_page_breaks_and_markup():
    # This sentence is split by a blank line in the report and carries ** markup.
    assert report.contains_quote("The UK Home Office for example, in stats released data in early 2017 "
                                 "that of the 400 British foreign fighters who had returned from Syria and Iraq, "
                                 "only 54 were convicted.")
    assert report.contains_quote("returning to their home states amidst high security and monitoring measures "
                                 "and possible legal repercussions")
    assert not report.contains_quote("only 55 were convicted")


def test_numerals_keep_thousands_and_units_and_skip_9_11():
    found = [n for n, _ in report.numerals("post-9/11 era; about 6,000 of its citizens; the 822km (510 mile)")]
    assert found == ["6,000", "822km", "510"]


def test_nothing_in_the_project_reads_the_shared_folder():
    tracked = subprocess.run(["git", "ls-files"], cwd=ROOT, capture_output=True, text=True, check=True).stdout.split()
    needle = "../" + "shared"
    offenders = [f for f in tracked if f != "data/report/report.txt"
                 and (ROOT / f).is_file() and needle in (ROOT / f).read_text(errors="ignore")]
    assert offenders == []
