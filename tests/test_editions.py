"""Chapters as clean notebooks, and the student edition: solutions left out, not hidden."""
from __future__ import annotations

import re
import shutil

import nbformat
import pytest

from companion import ROOT, build, notebooks

pytestmark = pytest.mark.book

CHAPTERS = sorted(p.stem for p in (ROOT / "book").glob("ch*_*.md"))
SOLUTION_LABEL = re.compile(r":label: (ch\d-sol-[a-z-]+)")


def solution_labels() -> list[str]:
    return [label for chapter in CHAPTERS for label in SOLUTION_LABEL.findall((ROOT / "book" / f"{chapter}.md").read_text())]


@pytest.fixture(scope="session")
def student_book():
    """The student edition, built once per run and always from clean: a file left over from an
    earlier build must not hide (or fake) a solution in the output."""
    html = build.html_dir(ROOT, student=True)
    shutil.rmtree(ROOT / build.STUDENT_DIR, ignore_errors=True)
    result = build.build(ROOT, student=True, capture=True)
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    return html


def test_every_chapter_page_offers_its_notebook_and_the_file_is_clean(built_book):
    for chapter in CHAPTERS:
        page = (built_book / "book" / f"{chapter}.html").read_text()
        assert f'href="../notebooks/{chapter}.ipynb" download' in page, chapter
        path = built_book / "notebooks" / f"{chapter}.ipynb"
        notebook = nbformat.read(path, as_version=4)
        nbformat.validate(notebook)
        code = [c for c in notebook.cells if c.cell_type == "code"]
        assert code and all(c.outputs == [] and c.execution_count is None for c in code), chapter
        assert [c.id for c in notebook.cells] == [f"cell-{i}" for i in range(len(notebook.cells))]
        assert set(notebook.metadata) == {"kernelspec"}  # no timestamps, no widget state, no jupytext paths
        # the same source always gives the same bytes
        assert path.read_text(encoding="utf-8") == notebooks.notebook_text(ROOT / "book" / f"{chapter}.md")


def test_the_teachers_edition_has_the_solutions(built_book):
    labels = solution_labels()
    assert len(labels) >= 3 * len(CHAPTERS)
    pages = "".join((built_book / "book" / f"{c}.html").read_text() for c in CHAPTERS)
    assert all(f'id="{label}"' in pages for label in labels)


def test_the_student_edition_contains_no_solution_text(student_book):
    labels = solution_labels()
    texts = [p.read_text(errors="ignore") for p in student_book.rglob("*") if p.is_file() and p.suffix in (".html", ".ipynb", ".js", ".md", ".txt", ".json")]
    everything = "\n".join(texts)
    assert not [label for label in labels if label in everything]
    assert "{solution}" not in everything and 'class="solution' not in everything
    assert not (student_book / "_sources").exists()  # the MyST sources hold the solutions
    # the exercises are still there, and the notebooks too
    exercises = re.findall(r'id="(ch\d-ex-[a-z-]+)"', "".join(
        (student_book / "book" / f"{c}.html").read_text() for c in CHAPTERS))
    assert len(exercises) >= 3 * len(CHAPTERS)
    for chapter in CHAPTERS:
        notebook = nbformat.read(student_book / "notebooks" / f"{chapter}.ipynb", as_version=4)
        assert any("{exercise}" in c.source for c in notebook.cells if c.cell_type == "markdown"), chapter


def test_solutions_are_cut_from_markdown_with_either_fence():
    text = "Before\n\n```{solution} a\n:label: x\n\nSecret\n```\n\nMiddle\n\n::::{solution} b\nSecret\n::::\nAfter"
    assert notebooks.without_solutions(text) == "Before\n\n\nMiddle\n\nAfter"


def test_a_downloaded_notebook_runs_top_to_bottom_from_any_directory(built_book, tmp_path, monkeypatch):
    """What a student does: download the .ipynb, open it away from the clone, run all cells."""
    import nbclient

    from companion.charts import RENDERER_ENV

    monkeypatch.delenv(RENDERER_ENV, raising=False)
    downloaded = tmp_path / "downloads" / "ch5_resurgence.ipynb"
    downloaded.parent.mkdir()
    shutil.copy(built_book / "notebooks" / "ch5_resurgence.ipynb", downloaded)
    notebook = nbformat.read(downloaded, as_version=4)
    nbclient.NotebookClient(notebook, timeout=300, kernel_name="python3",
                            resources={"metadata": {"path": str(downloaded.parent)}}).execute()
    outputs = [o for c in notebook.cells if c.cell_type == "code" for o in c.get("outputs", [])]
    assert not any(o.get("output_type") == "error" for o in outputs)
    html = " ".join(o.get("data", {}).get("text/html", "") for o in outputs)
    assert 'class="claim-card' in html


def solution_data_cells() -> dict[str, list]:
    """Each chapter's `solution-data` cells: the code that computes only what a solution states."""
    import jupytext

    return {c: [cell for cell in jupytext.read(ROOT / "book" / f"{c}.md").cells if notebooks.is_solution_data(cell)]
            for c in CHAPTERS}


def test_the_student_edition_leaves_out_the_code_and_values_only_solutions_use(student_book):
    """A `solution-data` cell computes only what solutions state: none of its values is used outside a
    solution, and neither its code nor its glued values reach a student's page or notebook."""
    cells = solution_data_cells()
    assert sum(map(len, cells.values())) >= 4, "the chapters compute their solutions' numbers in solution-data cells"
    for chapter, chapter_cells in cells.items():
        notebook = (student_book / "notebooks" / f"{chapter}.ipynb").read_text()
        page = (student_book / "book" / f"{chapter}.html").read_text()
        teacher = nbformat.read(ROOT / "_build" / "html" / "notebooks" / f"{chapter}.ipynb", as_version=4)
        prose = "\n".join(notebooks.without_solutions(c.source) for c in teacher.cells if c.cell_type == "markdown")
        for cell in chapter_cells:
            assert not [k for k in re.findall(r'glue\("([^"]+)"', cell.source) if k in prose], chapter
            code = [line for line in cell.source.splitlines() if line.strip() and not line.startswith(("#", ":"))]
            assert code[0] not in notebook and code[0] not in page, (chapter, code[0])
            for key in re.findall(r'glue\("([^"]+)"', cell.source):
                assert key not in notebook and key not in page, (chapter, key)
            # the teachers' notebook keeps the cell, so its solutions still compute
            assert any(code[0] in c.source for c in teacher.cells), (chapter, code[0])
