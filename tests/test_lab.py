"""`make lab`: JupyterLab opens the MyST chapters as notebooks (jupytext), offline."""
from __future__ import annotations

import json
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from companion import ROOT, ledger

VENV_BIN = Path(sys.executable).parent


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_lab(root_dir: Path, *extra: str, env: dict[str, str] | None = None) -> tuple[subprocess.Popen, str]:
    """`jupyter lab` on 127.0.0.1 (a free port, no token) serving root_dir; returns once it answers."""
    port = free_port()
    process = subprocess.Popen(
        [str(VENV_BIN / "jupyter"), "lab", "--no-browser", f"--port={port}", "--ip=127.0.0.1",
         "--IdentityProvider.token=", "--ServerApp.password=", "--allow-root", f"--ServerApp.root_dir={root_dir}", *extra],
        stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True, env=env)
    base = f"http://127.0.0.1:{port}"
    for _ in range(120):
        try:
            urllib.request.urlopen(base + "/api/status", timeout=1)
            return process, base
        except OSError:
            if process.poll() is not None:
                pytest.fail(f"jupyter lab exited: {process.stderr.read()[-2000:]}")
            time.sleep(0.5)
    process.terminate()
    pytest.fail("jupyter lab did not start in 60 s")


@pytest.fixture(scope="module")
def lab_server():
    process, base = start_lab(ROOT)
    try:
        yield base
    finally:
        process.terminate()
        process.wait(timeout=30)


def get_json(url: str) -> dict:
    with urllib.request.urlopen(url, timeout=30) as response:
        return json.load(response)


def test_markdown_chapters_open_as_notebooks_by_default(lab_server):
    plugin = get_json(lab_server + "/lab/api/settings/@jupyterlab/docmanager-extension:plugin")
    defaults = plugin["schema"]["properties"]["defaultViewers"]["default"]
    assert defaults.get("markdown") == "Jupytext Notebook"
    assert defaults.get("myst") == "Jupytext Notebook"


def test_a_chapter_is_served_as_a_notebook_with_its_code_cells(lab_server):
    model = get_json(lab_server + "/api/contents/book/ch1_territorial_losses.md?type=notebook&content=1")
    assert model["type"] == "notebook"
    cells = model["content"]["cells"]
    assert any(c["cell_type"] == "code" and 'data.load("ihs_territory")' in c["source"] for c in cells)
    assert model["content"]["metadata"]["kernelspec"]["name"] == "python3"


# chapter file -> (claim cards, charts) a student's run must show
# chapter: number of charts. Each chapter shows one claim card per claim of its section in claims.csv.
FINISHED_CHAPTERS = {"ch1_territorial_losses": 3, "ch2_not_eliminated": 2, "ch3_media_strategy": 3,
                     "ch4_foreign_fighters": 4, "ch5_resurgence": 1, "ch6_europe": 2,
                     "ch7_middle_east_central_asia": 3, "ch8_solutions": 1}


@pytest.mark.parametrize("chapter", sorted(FINISHED_CHAPTERS))
def test_finished_chapters_run_as_notebooks_outside_the_book_from_any_directory(chapter, tmp_path, monkeypatch):
    """A student's run: the MyST chapter as a notebook, a fresh kernel, another working directory,
    no book-build variable, so charts use Altair's offline Jupyter renderer."""
    import jupytext
    import nbclient

    from companion.charts import RENDERER_ENV

    monkeypatch.delenv(RENDERER_ENV, raising=False)
    notebook = jupytext.read(ROOT / "book" / f"{chapter}.md")
    client = nbclient.NotebookClient(notebook, timeout=300, kernel_name="python3",
                                     resources={"metadata": {"path": str(tmp_path)}})
    client.execute()
    outputs = [o for cell in notebook.cells if cell.cell_type == "code" for o in cell.get("outputs", [])]
    html = " ".join(o.get("data", {}).get("text/html", "") for o in outputs)
    charts = FINISHED_CHAPTERS[chapter]
    cards = sum(int(row["chapter"]) == int(chapter[2]) for row in ledger.claims().values())
    assert html.count('class="claim-card') == cards and "<style>" in html
    widgets = [o for o in outputs if "application/vnd.jupyter.widget-view+json" in o.get("data", {})]
    assert len(widgets) == charts  # offline JupyterChart widgets
    assert not any(o.get("output_type") == "error" for o in outputs)


def test_a_chapter_run_in_jupyterlab_draws_its_charts_offline(tmp_path, browser):
    """The student's path, in the real front end: JupyterLab on 127.0.0.1 opens a copy of a
    chapter as a notebook, runs every cell, and the charts draw as SVG with every request to
    anywhere but the lab server aborted (a copy, so that JupyterLab's autosave never rewrites
    the book's own source). Uses the session's headless Chromium: one Playwright per process."""
    import os
    import shutil

    shutil.copy(ROOT / "book" / "ch6_europe.md", tmp_path)
    shutil.copy(ROOT / "jupytext.toml", tmp_path)
    process, base = start_lab(tmp_path, "--LabApp.expose_app_in_browser=True",  # lets the test run the lab's own commands
                              env={k: v for k, v in os.environ.items() if k != "COMPANION_CHART_RENDERER"})  # as `make lab`
    port = base.rsplit(":", 1)[1]
    outside = []

    def route(request_route):
        url = request_route.request.url
        if url.startswith(base) or url.startswith(f"ws://127.0.0.1:{port}"):
            request_route.continue_()
        else:
            outside.append(url)
            request_route.abort()

    page = browser.new_page()
    try:
        page.route("**/*", route)
        page.goto(base + "/lab/tree/ch6_europe.md")
        page.wait_for_function("() => window.jupyterapp?.shell.currentWidget?.sessionContext?.session?.kernel",
                               timeout=90000)
        page.evaluate("() => window.jupyterapp.commands.execute('notebook:run-all-cells')")
        drawn = """() => [...document.querySelectorAll('.jp-OutputArea-output svg.marks')]
            .filter(svg => svg.querySelectorAll('path, line, rect, circle').length > 10).length"""
        page.wait_for_function(f"() => ({drawn})() >= 2", timeout=180000)
        assert page.evaluate("() => document.querySelectorAll('.jp-OutputArea-output[data-mime-type*=\"error\"]').length") == 0
        assert page.evaluate(drawn) == 2  # the chapter's two charts
    finally:
        page.close()
        process.terminate()
        process.wait(timeout=30)
    assert outside == []


def test_saving_a_chapter_through_jupytext_keeps_its_declared_datasets(tmp_path):
    """JupyterLab saves an opened chapter through jupytext; the project's jupytext.toml must keep
    the `companion:` front matter, or the saved chapter would stop declaring its datasets."""
    import jupytext
    from jupytext.config import load_jupytext_configuration_file

    config = load_jupytext_configuration_file(str(ROOT / "jupytext.toml"))
    notebook = jupytext.read(ROOT / "book" / "ch4_foreign_fighters.md")
    jupytext.write(notebook, tmp_path / "saved.md", fmt="md:myst", config=config)
    saved = jupytext.read(tmp_path / "saved.md")
    assert saved.metadata["companion"] == notebook.metadata["companion"]
    assert "jupytext_version" not in (tmp_path / "saved.md").read_text()
