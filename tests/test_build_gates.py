"""The build's own gates, proven on copies of the project: a one-chapter fixture book for
mutations (cell errors, warnings, bad data, stale pages) and a full second clean build for
determinism."""
from __future__ import annotations

import filecmp
import json
import os
import re
import socket
import time
from pathlib import Path

import pytest

from conftest import FIXTURE_TOC, build_copy, build_failure, copy_project

pytestmark = pytest.mark.book

CHAPTER = Path("book/ch1_territorial_losses.md")
CHAPTER_HTML = Path("_build/html/book/ch1_territorial_losses.html")


def append_cell(project: Path, code: str) -> None:
    path = project / CHAPTER
    path.write_text(path.read_text() + f"\n```{{code-cell}} ipython3\n{code}\n```\n")


def append_markdown(project: Path, text: str) -> None:
    path = project / CHAPTER
    path.write_text(path.read_text() + f"\n{text}\n")


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text()
    assert old in text, f"{old!r} not in {path}"
    path.write_text(text.replace(old, new))
    # Sphinx compares modification times in microseconds; make the edit strictly newer.
    later = time.time() + 1
    os.utime(path, (later, later))


def test_a_cell_error_fails_the_build(fixture_project):
    append_cell(fixture_project, 'raise RuntimeError("negative control: a failing cell")')
    result = build_copy(fixture_project)
    assert result.returncode != 0
    assert "negative control: a failing cell" in result.stdout + result.stderr


def test_a_sphinx_warning_fails_the_build(fixture_project):
    append_markdown(fixture_project, "See {doc}`no_such_page`.")
    result = build_copy(fixture_project)
    assert result.returncode != 0
    assert "no_such_page" in result.stdout + result.stderr


def test_loading_an_undeclared_dataset_fails_the_build(fixture_project):
    edit(fixture_project / CHAPTER, "datasets: [ihs_territory, ihs_revenue, ", "datasets: [ihs_territory, ")
    result = build_copy(fixture_project)
    assert result.returncode != 0
    assert "loads dataset 'ihs_revenue' without declaring it" in result.stdout + result.stderr


def test_a_verdict_that_moves_away_from_the_recorded_one_stops_the_build(fixture_project):
    # 36,200 km² -> 20,000 km² makes the loss 78 %: the 60 percent claim is then contradicted,
    # which disagrees with data/claims.csv, so the build must stop and say so. The row's words
    # change with its value (a counterfactual source), so the anchoring check still passes.
    edit(fixture_project / "data/ihs_territory.csv", ",36200,", ",20000,")
    edit(fixture_project / "data/ihs_territory.csv", "36,200 km2", "20,000 km2")
    result = build_copy(fixture_project)
    assert result.returncode != 0
    assert ("ch1-territory-lost-60-percent: computed verdict 'contradicted' differs from the one recorded"
            in result.stdout + result.stderr)


def test_a_score_that_moves_with_its_evidence_stops_the_build(tmp_path):
    # No completed attack in the EU in 2019: "diminish but continue" is then only partly borne out,
    # which disagrees with data/forecasts.csv.
    project = copy_project(tmp_path / "project", FIXTURE_TOC.replace(
        "chapters:\n", "chapters:\n  - file: book/ch9_what_happened_next\n"))
    edit(project / "data/indicators_by_year.csv", "eu-completed-2019,completed jihadist attacks,EU (with the UK),2019,3,",
         "eu-completed-2019,completed jihadist attacks,EU (with the UK),2019,0,")
    edit(project / "data/indicators_by_year.csv", "the three completed jihadist",
         "the zero completed jihadist")  # the words change with the value
    result = build_copy(project)
    assert result.returncode != 0
    assert ("f5-west-fewer-but-continuing: computed score 'partly borne out' differs from the one recorded"
            in result.stdout + result.stderr)


def test_a_scorecard_shown_without_the_chapter_that_scores_fails_the_build(fixture_project):
    append_markdown(fixture_project, "```{forecast-tally}\n```")
    result = build_copy(fixture_project)
    assert result.returncode != 0
    assert "forecast f1-comeback is in forecasts.csv but no page scored it" in result.stdout + result.stderr


@pytest.mark.parametrize("old, new, error", [
    # a value its source never allows
    (",65500,", ",-65500,", r"row 5, column 'area_km2': constraint broken \(minimum\)"),
    # a value that changes while its quoted words do not: the anchoring check names the row and the rule
    (",36200,", ",36300,", r"row 7, column 'area_km2': value not in its words"),
])
def test_a_broken_data_file_stops_the_build_with_file_row_column_and_rule(fixture_project, old, new, error):
    edit(fixture_project / "data/ihs_territory.csv", old, new)
    result = build_copy(fixture_project)
    assert result.returncode != 0
    assert re.search(r"data/ihs_territory\.csv, " + error, result.stdout + result.stderr)


def test_pages_never_go_stale_when_data_or_companion_change(fixture_project):
    first = build_copy(fixture_project)
    assert first.returncode == 0, build_failure(first)
    page = fixture_project / CHAPTER_HTML
    before = page.read_text()
    assert "36,200 km²" in before

    # A data file changes: the chapter that declared it is re-executed, and only it.
    edit(fixture_project / "data/ihs_territory.csv", ",36200,", ",36100,")
    edit(fixture_project / "data/ihs_territory.csv", "36,200 km2", "36,100 km2")  # the words follow the value
    second = build_copy(fixture_project)
    assert second.returncode == 0, build_failure(second)
    after_data = page.read_text()
    assert "36,100 km²" in after_data and "36,200 km²" not in after_data
    assert "Executing notebook" in second.stdout
    assert re.findall(r"(\S+\.md): Executing notebook", second.stdout) == [str(fixture_project / CHAPTER)]
    # ... and the ledger, derived from the chapter's records, follows in the same incremental build.
    ledger_rows = json.loads((fixture_project / "_build/html/ledger.json").read_text())
    territory = next(r for r in ledger_rows if r["id"] == "ch1-territory-lost-60-percent")
    assert territory["independent"] == "60.24"  # 1 - 36,100 / 90,800

    # The companion's code changes: pages that use it are rebuilt with the new behaviour.
    edit(fixture_project / "companion/report.py", '"in the report\'s words"', '"in the words of the report"')
    third = build_copy(fixture_project)
    assert third.returncode == 0, build_failure(third)
    # (the numerals table is folded: its rows load from the page's deferred script when opened)
    folded = fixture_project / "_build/html/_static/deferred/book__ch1_territorial_losses.js"
    assert "in the words of the report" in (page.read_text() + folded.read_text()).lower()

    # The companion's shipped assets change: the output's copy follows (Sphinx alone would keep the old one).
    edit(fixture_project / "companion/static/companion.css", "/* Charts and their data tables. */",
         "/* Charts and their data tables (edited). */")
    assert build_copy(fixture_project).returncode == 0
    assert "(edited)" in (fixture_project / "_build/html/_static/companion.css").read_text()

    # Nothing changes: nothing is re-read.
    fourth = build_copy(fixture_project)
    assert fourth.returncode == 0 and "0 added, 0 changed, 0 removed" in fourth.stdout


# Files that may differ between two clean builds of the same commit, and why. Nothing else may.
ALLOWED_TO_DIFFER = {
    ".buildinfo": "Sphinx's hash of the configuration, which includes the project's absolute path",
}


def compare_trees(left: Path, right: Path) -> list[str]:
    left_files = {p.relative_to(left).as_posix() for p in left.rglob("*") if p.is_file()}
    right_files = {p.relative_to(right).as_posix() for p in right.rglob("*") if p.is_file()}
    differ = sorted(left_files ^ right_files)
    for name in sorted(left_files & right_files):
        if not filecmp.cmp(left / name, right / name, shallow=False):
            differ.append(name)
    return [name for name in differ if name not in ALLOWED_TO_DIFFER]


def clean_build(target: Path) -> Path:
    project = copy_project(target)
    result = build_copy(project)
    assert result.returncode == 0, build_failure(result)
    return project / "_build" / "html"


def test_two_clean_builds_are_byte_identical(built_book, tmp_path):
    # On CI the shared build is clean, so one more clean build is enough. Elsewhere the shared
    # build may be incremental (Sphinx then keeps emptied search-index entries), so build twice.
    first = built_book if os.environ.get("CI") == "true" else clean_build(tmp_path / "first-build")
    assert compare_trees(first, clean_build(tmp_path / "second-build")) == []


def test_the_test_run_has_no_network_beyond_loopback():
    """`make test` runs the whole suite, the book build included, in a network namespace with
    only loopback up; this proves the cut is real (run the suite with `make test`)."""
    assert os.environ.get("COMPANION_NETWORK_CUT") == "1", "run the suite through `make test`"
    interfaces = {name for _, name in socket.if_nameindex()}
    assert interfaces == {"lo"}
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.settimeout(3)
        assert probe.connect_ex(("1.1.1.1", 443)) != 0


def test_stray_notebooks_and_hidden_folders_are_not_read(fixture_project):
    # A notebook exported beside its .md source would be a duplicate document; hidden folders
    # (.venv, .pytest_cache, editor folders) hold files Sphinx must never read.
    stray = {"nbformat": 4, "nbformat_minor": 5, "metadata": {}, "cells": [
        {"cell_type": "markdown", "id": "stray", "metadata": {}, "source": "See {doc}`no_such_page`."}]}
    (fixture_project / "book" / "ch1_territorial_losses.ipynb").write_text(json.dumps(stray))
    for hidden in (".pytest_cache", ".venv/share", ".ipynb_checkpoints", "book/.hidden"):
        folder = fixture_project / hidden
        folder.mkdir(parents=True, exist_ok=True)
        (folder / "README.md").write_text("# Not a page\n\nSee {doc}`no_such_page`.\n")
    result = build_copy(fixture_project)
    assert result.returncode == 0, build_failure(result)
    assert not (fixture_project / "_build/html/book/.hidden").exists()
