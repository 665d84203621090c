"""What a reader sees of the code: verdicts in plain sight, chart specifications and plumbing folded.

The downloaded notebooks keep every cell (tests/test_editions.py runs one top to bottom)."""
from __future__ import annotations

import json
from pathlib import Path

import jupytext
import pytest
from bs4 import BeautifulSoup

from companion import BOOK_DIR, deferred, notebooks

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


SECTION_CHAPTERS = [p for p in CHAPTERS if p.stem != "ch9_what_happened_next"]  # ch9 scores forecasts, not a section


@pytest.mark.parametrize("chapter", SECTION_CHAPTERS, ids=lambda p: p.stem)
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
        "```{code-cell} ipython3\nshare = total / 2\n```\n"
        "```{code-cell} ipython3\n:tags: [hide-input]\ncommentary = f'half is {share}'\n```\n"
        "```{code-cell} ipython3\nreproduce('x', [total], note=commentary)\n```\n"
        "```{code-cell} ipython3\nlater = total + 1\n```\n", encoding="utf-8")
    kinds = [(c["source"].splitlines()[0], c["kind"], c["lines"]) for c in notebooks.shown_code(page)]
    # `share` feeds the verdict through the folded commentary cell, which is not counted itself.
    assert kinds == [("rows = load()", "verdict", 2), ("total = rows.sum()", "verdict", 1),
                     ("share = total / 2", "verdict", 1), ("reproduce('x', [total], note=commentary)", "verdict", 1),
                     ("later = total + 1", "other", 1)]
    assert notebooks.shown_lines(page) == {"verdict": 5, "other": 1}


def test_every_chart_building_cell_is_folded_on_the_page(built_book):
    unfolded, charts = [], 0
    for page in sorted((built_book / "book").glob("*.html")):
        soup = BeautifulSoup(page.read_text(encoding="utf-8"), "html.parser")
        for cell in soup.select("div.cell"):
            if not cell.select_one("figure.companion-chart"):
                continue
            charts += 1
            folded = {"tag_hide-input", "tag_remove-input", "tag_remove-cell"} & set(cell["class"])
            if not folded or cell.select_one("div.cell_input:not(details div)"):
                unfolded.append(f"{page.name}: {cell.get_text()[:60]!r}")
    assert charts > 20 and not unfolded, unfolded


def parts_in(script: str) -> list[str]:
    """The folded parts a page's deferred script hands over (the JSON after its last ' = ')."""
    return json.loads(script.split(" = ", 2)[-1].rstrip().rstrip(";"))


def deferred_parts(built_book: Path, pagename: str) -> list[str]:
    return parts_in((built_book / "_static" / deferred.FOLDER / deferred.script_name(pagename)).read_text(encoding="utf-8"))


def test_folded_code_loads_from_beside_the_page_when_opened(built_book):
    """The page keeps the toggle; the code behind it is in the page's deferred script, in order."""
    page = BeautifulSoup((built_book / "book" / "ch1_territorial_losses.html").read_text(encoding="utf-8"), "html.parser")
    parts = deferred_parts(built_book, "book/ch1_territorial_losses")
    folded = page.select("div.cell.tag_hide-input")
    assert folded
    for cell in folded:
        details = cell.select_one("details")
        placeholder = details.select_one(".companion-deferred")
        assert details.select_one("summary") and placeholder and not details.select_one("div.cell_input")
        code = BeautifulSoup(parts[int(placeholder["data-part"])], "html.parser")
        assert code.select_one("div.cell_input pre").get_text().strip()
    texts = [BeautifulSoup(part, "html.parser").get_text() for part in parts]
    assert any("charts.figure(" in text or "timeline.timeline(" in text for text in texts)


def test_deferring_moves_only_the_inside_of_folded_parts():
    body = ('<p>kept</p><details class="claim-searches"><summary>3 searches</summary><ul><li>a</li></ul></details>'
            '<details class="companion-chart-details"><summary>Data</summary></details>'
            '<details class="admonition hide above-input"><summary>Show</summary><div class="cell_input">x</div></details>')
    page, parts = deferred.defer(body, "book/ch1")
    assert parts == ["<ul><li>a</li></ul>", '<div class="cell_input">x</div>']
    assert "<p>kept</p>" in page and "<summary>3 searches</summary>" in page and "<li>a</li>" not in page
    assert page.count('class="companion-deferred"') == 2 and 'data-src="../_static/deferred/book__ch1.js"' in page
    assert parts_in(deferred.script("book/ch1", parts)) == parts
