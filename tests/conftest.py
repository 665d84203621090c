"""Shared fixtures: one build of the real book per test run, a small fixture project for
mutation tests, and a headless Chromium."""
from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from companion import ROOT, build

BUILD_DIR = ROOT / "_build"
HTML = BUILD_DIR / "html"
SCREENSHOTS = BUILD_DIR / "screenshots"

# One-chapter book for mutation tests: chapter 1 (charts, data, glue, citations) and the pages
# it links to. Small enough to build in seconds, real enough to break the way the book would.
FIXTURE_TOC = """format: jb-book
root: book/ch1_territorial_losses
chapters:
  - file: book/ledger
  - file: book/corrections
  - file: book/report_sources
  - file: book/methods
  - file: book/glossary
  - file: book/bibliography
"""
PROJECT_FILES = ("_config.yml", "_toc.yml", "package.json", "pyproject.toml", "jupytext.toml")
PROJECT_DIRS = ("book", "companion", "data")


def build_failure(result) -> str:
    return f"build failed (exit {result.returncode}):\n{(result.stdout or '')[-4000:]}\n{(result.stderr or '')[-4000:]}"


@pytest.fixture(scope="session")
def built_book() -> Path:
    """The real book, built once per test run (from clean on CI) and shared by every book test."""
    if os.environ.get("CI") == "true" and BUILD_DIR.exists():
        shutil.rmtree(BUILD_DIR)
    result = build.build(capture=True)
    assert result.returncode == 0, build_failure(result)
    return HTML


def copy_project(target: Path, toc: str | None = None) -> Path:
    """A copy of the project that imports its own `companion` (PYTHONPATH) and shares node_modules."""
    target.mkdir(parents=True, exist_ok=True)
    for name in PROJECT_FILES:
        shutil.copy2(ROOT / name, target / name)
    for name in PROJECT_DIRS:
        shutil.copytree(ROOT / name, target / name, ignore=shutil.ignore_patterns("__pycache__"))
    (target / "node_modules").symlink_to(ROOT / "node_modules")
    if toc is not None:
        (target / "_toc.yml").write_text(toc)
    return target


def build_copy(project: Path):
    """Build a copied project with its own companion package first on the path."""
    return build.build(project, capture=True, env={"PYTHONPATH": str(project)})


@pytest.fixture
def fixture_project(tmp_path) -> Path:
    return copy_project(tmp_path / "project", FIXTURE_TOC)


@pytest.fixture(scope="session")
def browser():
    from pagecheck import browser_context

    with browser_context() as context:
        yield context


def pytest_addoption(parser):
    parser.addoption("--update-rule-snapshot", action="store_true",
                     help="rewrite tests/snapshots/rule_table.json from the current verdict rules")


@pytest.fixture(autouse=True, scope="session")
def _update_rule_snapshot(request):
    if request.config.getoption("--update-rule-snapshot"):
        import json

        from test_ledger import SNAPSHOT, rule_table

        SNAPSHOT.write_text(json.dumps(rule_table(), indent=1, sort_keys=True) + "\n")


FIXTURE_SOURCES = Path(__file__).parent / "fixtures" / "sources.bib"


@pytest.fixture
def fixture_sources(monkeypatch):
    """Point the ledger's tiers at a small bibliography with one source of each tier (keys s, t, weak...)."""
    from companion import ledger

    monkeypatch.setattr(ledger, "SOURCES_PATH", FIXTURE_SOURCES)
    return FIXTURE_SOURCES


@pytest.fixture
def claims_file(tmp_path):
    """A small claims inventory for the ledger's unit tests: a count claim and an arithmetic claim."""
    from companion import ledger

    path = tmp_path / "claims.csv"
    path.write_text(
        "id,chapter,quote,report_value,unit,kind,precision,bound,attributed_to,related,reading,verdict,error_kind,"
        "materiality,materiality_why\n"
        "ch1-x,1,some quote,100,people,count,exact,,,,,reproduced,,minor,the step stands\n"
        "ch1-sum,1,another quote,48,percent,arithmetic,exact,,,,,reproduced,,,\n")
    ledger.inventory_table.cache_clear()
    yield path
    ledger.inventory_table.cache_clear()
