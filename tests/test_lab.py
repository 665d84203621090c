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

from companion import ROOT

VENV_BIN = Path(sys.executable).parent


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def lab_server():
    port = free_port()
    process = subprocess.Popen(
        [str(VENV_BIN / "jupyter"), "lab", "--no-browser", f"--port={port}", "--ip=127.0.0.1",
         "--IdentityProvider.token=", "--ServerApp.password=", "--allow-root", f"--ServerApp.root_dir={ROOT}"],
        stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(120):
            try:
                urllib.request.urlopen(base + "/api/status", timeout=1)
                break
            except OSError:
                if process.poll() is not None:
                    pytest.fail(f"jupyter lab exited: {process.stderr.read()[-2000:]}")
                time.sleep(0.5)
        else:
            pytest.fail("jupyter lab did not start in 60 s")
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
FINISHED_CHAPTERS = {"ch1_territorial_losses": (15, 3), "ch2_not_eliminated": (6, 3), "ch3_media_strategy": (19, 3),
                     "ch4_foreign_fighters": (14, 4), "ch5_resurgence": (1, 1), "ch6_europe": (10, 2),
                     "ch7_middle_east_central_asia": (39, 4), "ch8_solutions": (1, 1)}


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
    cards, charts = FINISHED_CHAPTERS[chapter]
    assert html.count('class="claim-card') == cards and "<style>" in html
    widgets = [o for o in outputs if "application/vnd.jupyter.widget-view+json" in o.get("data", {})]
    assert len(widgets) == charts  # offline JupyterChart widgets
    assert not any(o.get("output_type") == "error" for o in outputs)
