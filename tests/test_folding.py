"""What a reader sees of the code: verdicts in plain sight, chart specifications and plumbing folded.

The downloaded notebooks keep every cell (tests/test_editions.py runs one top to bottom)."""
from __future__ import annotations

from pathlib import Path

import jupytext
import pytest
from bs4 import BeautifulSoup

from companion import BOOK_DIR, notebooks

CHAPTERS = sorted(BOOK_DIR.glob("ch*.md"))
PAGES = sorted(p for p in BOOK_DIR.glob("*.md") if "code-cell" in p.read_text(encoding="utf-8"))
OTHER_CODE_LIMIT = 30  # unfolded lines of code per chapter that are not a verdict or what feeds one


def code_cells(path: Path):
    for cell in jupytext.read(path).cells:
        if cell.cell_type == "code":
            yield cell, set(cell.get("metadata", {}).get("tags", []))


@pytest.mark.parametrize("page", PAGES, ids=lambda p: p.stem)
def test_no_verdict_is_folded_or_removed(page):
    hidden = [cell.source.splitlines()[0] for cell, tags in code_cells(page)
              if tags & (notebooks.FOLDED | notebooks.REMOVED) and notebooks.VERDICT_CALL.search(cell.source)]
    assert not hidden, f"{page.name}: cells calling reproduce()/score() are folded or removed: {hidden}"


@pytest.mark.parametrize("chapter", CHAPTERS, ids=lambda p: p.stem)
def test_the_numerals_table_is_folded_with_its_code_removed(chapter):
    cells = [tags for cell, tags in code_cells(chapter) if "numerals_table(" in cell.source]
    assert cells, f"{chapter.name} has no numerals table"
    for tags in cells:
        assert {"remove-input", "hide-output"} <= tags, f"{chapter.name}: numerals table cell tags {sorted(tags)}"


@pytest.mark.parametrize("chapter", CHAPTERS, ids=lambda p: p.stem)
def test_other_code_shown_stays_short(chapter):
    counts = notebooks.shown_lines(chapter)
    other = [c["source"].splitlines()[0] for c in notebooks.shown_code(chapter) if c["kind"] == "other"]
    assert counts["other"] <= OTHER_CODE_LIMIT, (
        f"{chapter.name}: {counts['other']} unfolded lines of code that neither call nor feed a verdict "
        f"(limit {OTHER_CODE_LIMIT}); fold them: {other}")


def test_shown_code_counts_what_feeds_a_verdict(tmp_path):
    page = tmp_path / "page.md"
    page.write_text(
        "---\njupytext:\n  text_representation:\n    extension: .md\n    format_name: myst\n---\n"
        "```{code-cell} ipython3\nrows = load()\nunused = 1\n```\n"
        "```{code-cell} ipython3\ntotal = rows.sum()\n\n```\n"
        "```{code-cell} ipython3\n:tags: [hide-input]\nchart(rows)\n```\n"
        "```{code-cell} ipython3\nreproduce('x', [total])\n```\n"
        "```{code-cell} ipython3\nlater = total + 1\n```\n", encoding="utf-8")
    kinds = [(c["source"].splitlines()[0], c["kind"], c["lines"]) for c in notebooks.shown_code(page)]
    assert kinds == [("rows = load()", "verdict", 2), ("total = rows.sum()", "verdict", 1),
                     ("reproduce('x', [total])", "verdict", 1), ("later = total + 1", "other", 1)]
    assert notebooks.shown_lines(page) == {"verdict": 4, "other": 1}


def test_every_chart_building_cell_is_folded_on_the_page(built_book):
    unfolded = []
    for page in sorted((built_book / "book").glob("*.html")):
        soup = BeautifulSoup(page.read_text(encoding="utf-8"), "html.parser")
        for cell in soup.select("div.cell"):
            if not cell.select_one("figure.companion-chart"):
                continue
            source = cell.select_one("div.cell_input")
            folded = source is None or source.find_parent("details") is not None or "tag_hide-input" in cell["class"]
            if not folded:
                unfolded.append(f"{page.name}: {source.get_text()[:60]!r}")
    assert not unfolded, f"chart-building cells shown unfolded: {unfolded}"
    assert any((built_book / "book").glob("ch*.html"))


def test_folded_code_is_still_on_the_page_behind_a_toggle(built_book):
    page = BeautifulSoup((built_book / "book" / "ch1_territorial_losses.html").read_text(encoding="utf-8"), "html.parser")
    folded = [cell for cell in page.select("div.cell.tag_hide-input")]
    assert folded, "chapter 1 folds no cell"
    for cell in folded:
        details = cell.select_one("details")
        assert details is not None and details.select_one("summary") and details.select_one("div.cell_input"), \
            "a folded cell must keep its code behind a toggle"
