"""Each chapter as a clean Jupyter notebook, converted from its MyST source at build time.

The book's chapters are MyST markdown (jupytext). A reader downloads `notebooks/<chapter>.ipynb`
from the chapter page: no outputs, no execution counts, no timestamps, cell ids numbered in order,
so the same source always gives the same file. In the student edition the solutions are cut out
of the notebook, as they are from the pages, with the `solution-data` cells that compute them.
"""
from __future__ import annotations

import json
import re
from pathlib import Path

import jupytext
import nbformat

# A solution directive, fenced with backticks or colons: ```{solution} label ... ```
_SOLUTION = re.compile(r"^(?P<fence>`{3,}|:{3,})\{solution\}.*?^(?P=fence)[ \t]*\n?", re.M | re.S)
CHAPTER = re.compile(r"^book/ch\d+_")
FOLDER = "notebooks"


def is_chapter(docname: str) -> bool:
    return bool(CHAPTER.match(docname))


def without_solutions(markdown: str) -> str:
    return _SOLUTION.sub("", markdown)


# Code cells that compute only what a solution states: left out of the student edition with the solutions.
SOLUTION_DATA = "solution-data"


def is_solution_data(cell) -> bool:
    return cell.cell_type == "code" and SOLUTION_DATA in cell.get("metadata", {}).get("tags", [])


def chapter_notebook(source: Path, *, solutions: bool = True) -> nbformat.NotebookNode:
    notebook = jupytext.read(source)
    kept = []
    for cell in notebook.cells:
        if not solutions and is_solution_data(cell):
            continue
        if cell.cell_type == "markdown" and not solutions:
            cell.source = without_solutions(cell.source).strip("\n")
            if not cell.source:
                continue
        if cell.cell_type == "code":
            cell.outputs, cell.execution_count = [], None
        cell.id = f"cell-{len(kept)}"
        kept.append(cell)
    notebook.cells = kept
    notebook.metadata = {"kernelspec": notebook.metadata.get("kernelspec",
                                                            {"display_name": "Python 3", "language": "python", "name": "python3"})}
    notebook.nbformat, notebook.nbformat_minor = 4, 5
    return notebook


def notebook_text(source: Path, *, solutions: bool = True) -> str:
    """The .ipynb file a chapter page offers, as text: validated, keys sorted, one fixed layout."""
    notebook = chapter_notebook(source, solutions=solutions)
    nbformat.validate(notebook)
    return json.dumps(notebook, indent=1, ensure_ascii=False, sort_keys=True) + "\n"


def link_html(pagename: str) -> str:
    """The download link a chapter page carries, relative to the page."""
    href = "../" * pagename.count("/") + f"{FOLDER}/{Path(pagename).name}.ipynb"
    return (f'<p class="companion-notebook-download"><a href="{href}" download>Download this chapter as a '
            f'notebook (.ipynb)</a> to run it in JupyterLab: install the project from a clone '
            f'(<code>pip install -e .</code>) and open the file from anywhere.</p>')


# ---------------------------------------------------------------------------------------------
# What a reader sees of the code. Chart specifications and plumbing are folded (`hide-input`) or
# removed from the page (`remove-cell`/`remove-input`); the downloaded notebook keeps every cell.
# A verdict's call and the arithmetic feeding it stay on the page.

FOLDED = frozenset({"hide-input", "hide-cell"})
REMOVED = frozenset({"remove-cell", "remove-input"})
VERDICT_CALL = re.compile(r"\b(?:reproduce|score)\(")


def _names(code: str) -> tuple[set[str], set[str]]:
    """(names a cell binds, names it reads), from its syntax tree."""
    import ast

    bound, read = set(), set()
    for node in ast.walk(ast.parse(code)):
        if isinstance(node, ast.Name):
            (bound if isinstance(node.ctx, (ast.Store, ast.Del)) else read).add(node.id)
        elif isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            bound.add(node.name)
        elif isinstance(node, (ast.Import, ast.ImportFrom)):
            bound.update((alias.asname or alias.name).split(".")[0] for alias in node.names)
    return bound, read


def shown_code(source: Path) -> list[dict]:
    """Every code cell a reader sees unfolded on the page, classed as `verdict` code (a call to
    reproduce/score, or a cell binding a name that such a call reads, directly or through other
    cells, folded ones included: a folded cell may hold a card's commentary) or `other` code, with
    its count of non-blank lines."""
    cells = []
    for cell in jupytext.read(source).cells:
        if cell.cell_type != "code":
            continue
        tags = set(cell.get("metadata", {}).get("tags", []))
        bound, read = _names(cell.source)
        lines = sum(1 for line in cell.source.splitlines() if line.strip())
        cells.append({"source": cell.source, "lines": lines, "bound": bound, "read": read,
                      "shown": not tags & (FOLDED | REMOVED),
                      "kind": "verdict" if VERDICT_CALL.search(cell.source) else "other"})
    needed: set[str] = set()
    for cell in reversed(cells):
        if cell["kind"] == "other" and cell["bound"] & needed:
            cell["kind"] = "verdict"
        if cell["kind"] == "verdict":
            needed |= cell["read"]
    return [cell for cell in cells if cell["shown"]]


def shown_lines(source: Path) -> dict[str, int]:
    """Unfolded lines of code on a chapter's page: {'verdict': n, 'other': m}."""
    counts = {"verdict": 0, "other": 0}
    for cell in shown_code(source):
        counts[cell["kind"]] += cell["lines"]
    return counts
