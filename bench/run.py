"""`make bench`: how fast the book builds and how light its pages are, on this machine.

Measures, in a copy of the project (the working tree's _build is left alone):

* clean build of the whole book (every chapter executed), its peak memory;
* a rebuild with nothing changed, and a rebuild after touching one data file (and which
  chapters that re-executed, against the chapters that declare the file);
* the same clean build of the template book `jupyter-book create` makes, per page, as a ratio;
* the floor: Sphinx's fixed cost with execution off, and one kernel start with the chapters'
  imports; the clean build as a multiple of (fixed cost + one kernel per chapter);
* each page's own HTML bytes, by part (highlighted code, claim cards, chart specifications,
  chart data, JSON-LD, tables, theme chrome, the rest), and the shared static files counted once;
* for every page with charts, and a chart-free control page, in headless Chromium on 127.0.0.1,
  the time from navigation to the page parsed and to the last chart drawn (the control: parsed);
* the code a reader sees unfolded on each chapter's page: verdict code and other code (lines);
* the parallel path: the same clean build with 2 and 4 Sphinx processes (jupyter-book's own
  `build_sphinx`, which its command line does not expose), and whether its pages are
  byte-identical to the serial build's.

Timings are medians of RUNS runs; ratios are taken within one run. Budgets are checked and
printed; the numbers go to bench/results.json.

    python bench/run.py [--runs N]
    python bench/run.py --pages-only [--runs N]   # page parts, drawing times and shown code of _build/html
"""
from __future__ import annotations

import argparse
import json
import os
import re
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))
sys.path.insert(0, str(ROOT))

from companion import build  # noqa: E402

PROJECT_FILES = ("_config.yml", "_toc.yml", "package.json", "pyproject.toml", "jupytext.toml")
PROJECT_DIRS = ("book", "companion", "data")
BUDGETS = {"clean build / floor": 2.0, "no-change rebuild (s)": 2.0, "page HTML (KB)": 200.0,
           "charts drawn after navigation (ms)": 500.0, "other code shown per chapter (lines)": 30}
CONTROL_PAGE = "book/glossary.html"  # no charts: what any page costs to open, for comparison
PARALLEL_JOBS = (2, 4)
EXECUTED = re.compile(r"(book/[\w]+)\.md: Executed notebook")


def copy_project(target: Path) -> Path:
    target.mkdir(parents=True)
    for name in PROJECT_FILES:
        shutil.copy2(ROOT / name, target / name)
    for name in PROJECT_DIRS:
        shutil.copytree(ROOT / name, target / name, ignore=shutil.ignore_patterns("__pycache__"))
    (target / "node_modules").symlink_to(ROOT / "node_modules")
    return target


def timed(cmd: list[str], cwd: Path, env: dict | None = None) -> tuple[float, str]:
    start = time.perf_counter()
    result = subprocess.run(cmd, cwd=cwd, env=env, capture_output=True, text=True)
    elapsed = time.perf_counter() - start
    if result.returncode != 0:
        raise SystemExit(f"{' '.join(cmd)} failed:\n{result.stdout[-2000:]}\n{result.stderr[-2000:]}")
    return elapsed, result.stdout + result.stderr


def book_build(project: Path, extra_env: dict | None = None) -> tuple[float, str]:
    env = build.environment({"PYTHONPATH": str(project), **(extra_env or {})})
    return timed(build.command(project), project, env)


SERIAL_FALLBACK = re.compile(r"doing serial (read|write)")


def parallel_build(project: Path, jobs: int) -> tuple[float, set[str]]:
    """Seconds, and which phases Sphinx refused to parallelise ("read", "write")."""
    env = build.environment({"PYTHONPATH": str(project)})
    seconds, log = timed([sys.executable, str(ROOT / "bench" / "parallel_build.py"), str(project), str(jobs)], project, env)
    return seconds, set(SERIAL_FALLBACK.findall(log))


def differing_files(first: Path, second: Path) -> list[str]:
    """Output files that are not byte-identical in both builds (Sphinx's .buildinfo aside)."""
    def files(root: Path) -> dict[str, bytes]:
        return {p.relative_to(root).as_posix(): p.read_bytes() for p in root.rglob("*")
                if p.is_file() and p.name != ".buildinfo"}
    one, two = files(first), files(second)
    return sorted(name for name in set(one) | set(two) if one.get(name) != two.get(name))


def peak_memory_mb() -> float:
    """Largest resident set of any finished child process so far (Sphinx or a kernel)."""
    return resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024


def declared(project: Path, dataset: str) -> set[str]:
    from companion.sphinxext import declared_datasets

    return {f"book/{p.stem}" for p in (project / "book").glob("*.md")
            if dataset in declared_datasets(p.read_text(encoding="utf-8"), {dataset})}


def template_book(workdir: Path) -> tuple[Path, int]:
    jb = Path(sys.executable).with_name("jupyter-book")
    subprocess.run([str(jb), "create", str(workdir / "template")], check=True, capture_output=True)
    pages = len(list((workdir / "template").glob("*.md"))) + len(list((workdir / "template").glob("*.ipynb")))
    return workdir / "template", pages


def floor(project: Path) -> dict:
    """Sphinx's fixed cost (execution off, warnings allowed) and one kernel start with the imports."""
    config = (project / "_config.yml").read_text(encoding="utf-8")
    (project / "_config_floor.yml").write_text(config.replace("execute_notebooks: force", "execute_notebooks: 'off'"),
                                              encoding="utf-8")
    shutil.rmtree(project / "_build", ignore_errors=True)
    jb = Path(sys.executable).with_name("jupyter-book")
    env = build.environment({"PYTHONPATH": str(project)})
    start = time.perf_counter()
    subprocess.run([str(jb), "build", str(project), "--config", str(project / "_config_floor.yml")],
                   cwd=project, env=env, capture_output=True, text=True)
    sphinx_off = time.perf_counter() - start
    shutil.rmtree(project / "_build", ignore_errors=True)

    from jupyter_client.manager import start_new_kernel

    start = time.perf_counter()
    manager, client = start_new_kernel(kernel_name="python3")
    client.execute_interactive("import altair, pandas\nfrom companion import bib, charts, data, ledger, report\nrenderer = charts.setup()",
                               timeout=120)
    kernel = time.perf_counter() - start
    client.stop_channels()
    manager.shutdown_kernel(now=True)
    return {"sphinx_execution_off_s": sphinx_off, "kernel_start_with_imports_s": kernel}


def page_sizes(html: Path) -> dict:
    pages = {p.relative_to(html).as_posix(): p.stat().st_size for p in html.rglob("*.html") if "_static" not in p.parts}
    static = sum(p.stat().st_size for p in (html / "_static").rglob("*") if p.is_file())
    return {"pages": pages, "static_bytes": static}


# A page's own HTML by part, each element counted once (an element inside a counted one is not
# counted again); "theme chrome" is everything outside the article; "other" is the article's rest.
PARTS = (("highlighted code", "div.cell_input, div.highlight"), ("claim cards", "section.claim-card"),
         ("chart specifications", 'script[type="application/vnd.companion.vega+json"]'),
         ("JSON-LD", 'script[type="application/ld+json"]'), ("tables", "table"))


def page_parts(path: Path) -> dict[str, int]:
    from bs4 import BeautifulSoup

    text = path.read_text(encoding="utf-8")
    soup = BeautifulSoup(text, "html.parser")
    size = lambda element: len(str(element).encode())  # noqa: E731
    article = soup.select_one("article.bd-article") or soup
    json_ld = soup.select('script[type="application/ld+json"]')
    outside = sum(size(e) for e in json_ld if article not in e.parents)
    parts = {"total": len(text.encode()), "theme chrome": len(text.encode()) - size(article) - outside}
    counted: set[int] = set()
    for name, selector in PARTS:
        found = []
        for element in (json_ld if name == "JSON-LD" else article.select(selector)):
            if id(element) in counted or any(id(parent) in counted for parent in element.parents):
                continue
            counted.add(id(element))
            found.append(element)
        parts[name] = sum(size(e) for e in found)
        if name == "chart specifications":
            data = sum(len(json.dumps(d.get("values", []), separators=(",", ":")).encode())
                       for e in found for d in json.loads(e.string or "{}").get("data", []))
            parts["chart data"], parts[name] = data, parts[name] - data
    parts["other"] = parts["total"] - sum(v for k, v in parts.items() if k != "total")
    return parts  # KB in the report = 1,024 bytes


# Milliseconds from navigation: when the page was parsed, and when its last chart was drawn
# (companion-charts.js stamps each chart as it finishes). The theme's deferred scripts run after
# parsing; they delay the load event, not the charts.
DRAWN = """() => ({parsed: performance.getEntriesByType('navigation')[0].domInteractive,
    drawn: Math.max(0, ...[...document.querySelectorAll('.companion-chart-view')].map(e => Number(e.dataset.chartDrawnMs)))})"""


def chart_times(html: Path, runs: int) -> dict:
    from pagecheck import ALL_CHARTS_SETTLED, browser_context, serve

    times: dict[str, list[dict]] = {}
    with serve(html) as base, browser_context() as context:
        for path in sorted(html.rglob("*.html")):
            relative = path.relative_to(html).as_posix()
            if "_static" in relative or (relative != CONTROL_PAGE and
                                         "companion.vega+json" not in path.read_text(encoding="utf-8", errors="ignore")):
                continue
            for _ in range(runs):
                page = context.new_page()
                page.goto(base + relative)
                page.wait_for_function(ALL_CHARTS_SETTLED, timeout=30000)
                times.setdefault(relative, []).append(page.evaluate(DRAWN))
                page.close()
    return {page: {key: statistics.median(run[key] for run in values) for key in ("parsed", "drawn")}
            for page, values in times.items()}


def shown_code() -> dict[str, dict[str, int]]:
    from companion import notebooks

    return {p.stem: notebooks.shown_lines(p) for p in sorted((ROOT / "book").glob("ch*.md"))}


def page_results(html: Path, runs: int) -> dict:
    """Weight, parts, drawing times and shown code: what a reader's browser gets."""
    results: dict = {}
    sizes = page_sizes(html)
    results["largest_page_kb"] = round(max(sizes["pages"].values()) / 1024, 1)
    results["largest_page"] = max(sizes["pages"], key=sizes["pages"].get)
    results["page_kb"] = {k: round(v / 1024, 1) for k, v in sorted(sizes["pages"].items())}
    results["static_kb_once"] = round(sizes["static_bytes"] / 1024, 1)
    results["page_parts_kb"] = {path.relative_to(html).as_posix(): {k: round(v / 1024, 1) for k, v in page_parts(path).items()}
                                for path in sorted((html / "book").glob("*.html"))}
    # What a page loads only when a reader opens a folded part (companion/deferred.py), reported apart.
    for page, parts in results["page_parts_kb"].items():
        side = html / "_static" / "deferred" / (page.removesuffix(".html").replace("/", "__") + ".js")
        parts["loaded when opened"] = round(side.stat().st_size / 1024, 1) if side.exists() else 0.0
    times = chart_times(html, runs)
    results["control_page"] = CONTROL_PAGE
    results["control_page_parsed_ms"] = round(times.pop(CONTROL_PAGE)["parsed"])
    results["parsed_ms"] = {k: round(v["parsed"]) for k, v in times.items()}
    results["charts_drawn_ms"] = {k: round(v["drawn"]) for k, v in times.items()}
    results["slowest_charts_ms"] = max(results["charts_drawn_ms"].values())
    results["slowest_charts_page"] = max(results["charts_drawn_ms"], key=results["charts_drawn_ms"].get)
    results["shown_code_lines"] = shown_code()
    results["most_other_code_lines"] = max(c["other"] for c in results["shown_code_lines"].values())
    return results


def print_pages(results: dict) -> None:
    columns = ["total", "highlighted code", "claim cards", "chart specifications", "chart data", "JSON-LD",
               "tables", "theme chrome", "other", "loaded when opened"]
    print("page HTML by part (KB)")
    print(f"{'page':34}" + "".join(f"{c[:10]:>11}" for c in columns))
    for page, parts in results["page_parts_kb"].items():
        print(f"{page.removeprefix('book/')[:34]:34}" + "".join(f"{parts[c]:>11}" for c in columns))
    print(f"after navigation (ms, median of runs): page parsed, last chart drawn; control page (no charts) "
          f"{results['control_page']} parsed at {results['control_page_parsed_ms']} ms")
    for page, ms in results["charts_drawn_ms"].items():
        print(f"  {page:44} {results['parsed_ms'][page]:>6} {ms:>6}")
    print("code shown unfolded per chapter (lines): verdict / other")
    for chapter, counts in results["shown_code_lines"].items():
        print(f"  {chapter:44} {counts['verdict']:>4} / {counts['other']:>3}")


def page_budgets(results: dict) -> dict:
    checks = {"page HTML (KB)": results["largest_page_kb"],
              "charts drawn after navigation (ms)": results["slowest_charts_ms"],
              "other code shown per chapter (lines)": results["most_other_code_lines"]}
    return {name: {"measured": value, "budget": BUDGETS[name], "met": value <= BUDGETS[name]}
            for name, value in checks.items()}


def print_budgets(budgets: dict) -> None:
    print("budgets:")
    for name, check in budgets.items():
        print(f"  {name:40} {check['measured']:>8} <= {check['budget']:<6} {'met' if check['met'] else 'NOT MET'}")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--pages-only", action="store_true",
                        help="measure the pages of the existing _build/html only (no builds); writes bench/pages.json")
    args = parser.parse_args()
    if args.pages_only:
        html = ROOT / "_build" / "html"
        if not (html / "index.html").exists():
            raise SystemExit(f"No {html}/index.html: run 'make book' first.")
        results = {"runs": args.runs, **page_results(html, args.runs)}
        results["budgets"] = page_budgets(results)
        (ROOT / "bench" / "pages.json").write_text(json.dumps(results, indent=1, sort_keys=True) + "\n", encoding="utf-8")
        print_pages(results)
        print_budgets(results["budgets"])
        return 0 if all(b["met"] for b in results["budgets"].values()) else 1
    work = Path(tempfile.mkdtemp(prefix="companion-bench-"))
    project = copy_project(work / "project")
    html = project / "_build" / "html"
    results: dict = {"runs": args.runs, "cores": os.cpu_count()}

    clean, nochange, touched = [], [], []
    reexecuted: set[str] = set()
    template_clean = []
    template, template_pages = template_book(work)
    chapter_pages = len(list((project / "book").glob("*.md")))
    serial_html = work / "serial-html"
    for _ in range(args.runs):
        shutil.rmtree(project / "_build", ignore_errors=True)
        clean.append(book_build(project)[0])
        if not serial_html.exists():  # a clean serial build, to compare the parallel builds with
            shutil.copytree(html, serial_html)
        nochange.append(book_build(project)[0])
        os.utime(project / "data" / "border_lengths.csv")  # declared by chapter 4 and the data page
        seconds, log = book_build(project)
        touched.append(seconds)
        reexecuted = set(EXECUTED.findall(log))
        shutil.rmtree(template / "_build", ignore_errors=True)
        jb = Path(sys.executable).with_name("jupyter-book")
        template_clean.append(timed([str(jb), "build", str(template)], template)[0])
    results["peak_memory_mb"] = round(peak_memory_mb(), 1)
    parallel, differing, serial_phases = {}, set(), set()
    for jobs in PARALLEL_JOBS:
        seconds = []
        for _ in range(args.runs):
            shutil.rmtree(project / "_build", ignore_errors=True)
            elapsed, fallback = parallel_build(project, jobs)
            seconds.append(elapsed)
            serial_phases |= fallback
            differing |= set(differing_files(serial_html, html))
        parallel[str(jobs)] = round(statistics.median(seconds), 2)
    results["parallel_clean_build_s"] = parallel
    results["parallel_pages_identical"] = not differing
    results["parallel_files_differing"] = sorted(differing)
    results["parallel_phases_sphinx_ran_serially"] = sorted(serial_phases)
    results["clean_build_s"] = round(statistics.median(clean), 2)
    results["no_change_rebuild_s"] = round(statistics.median(nochange), 2)
    results["data_edit_rebuild_s"] = round(statistics.median(touched), 2)
    expected = declared(project, "border_lengths")
    results["data_edit_reexecuted"] = sorted(reexecuted)
    results["data_edit_declared"] = sorted(expected)
    results["pages"] = chapter_pages
    results["template_pages"] = template_pages
    results["template_clean_build_s"] = round(statistics.median(template_clean), 2)
    per_page, template_per_page = results["clean_build_s"] / chapter_pages, results["template_clean_build_s"] / template_pages
    results["seconds_per_page"] = round(per_page, 2)
    results["template_seconds_per_page"] = round(template_per_page, 2)
    results["per_page_ratio_to_template"] = round(per_page / template_per_page, 2)

    results.update(page_results(html, args.runs))

    results.update({k: round(v, 2) for k, v in floor(project).items()})
    chapters_executed = sum(1 for p in (project / "book").glob("*.md") if "code-cell" in p.read_text(encoding="utf-8"))
    results["floor_s"] = round(results["sphinx_execution_off_s"] + chapters_executed * results["kernel_start_with_imports_s"], 2)
    results["clean_build_over_floor"] = round(results["clean_build_s"] / results["floor_s"], 2)

    checks = {
        "clean build / floor": (results["clean_build_over_floor"], BUDGETS["clean build / floor"]),
        "no-change rebuild (s)": (results["no_change_rebuild_s"], BUDGETS["no-change rebuild (s)"]),
    }
    results["budgets"] = {name: {"measured": value, "budget": budget, "met": value <= budget}
                          for name, (value, budget) in checks.items()}
    results["budgets"].update(page_budgets(results))
    results["data_edit_only_declaring_chapters"] = set(results["data_edit_reexecuted"]) <= expected

    (ROOT / "bench" / "results.json").write_text(json.dumps(results, indent=1, sort_keys=True) + "\n", encoding="utf-8")
    print(f"{'measure':44} {'value':>10}")
    for key in ("clean_build_s", "no_change_rebuild_s", "data_edit_rebuild_s", "template_clean_build_s",
                "seconds_per_page", "template_seconds_per_page", "per_page_ratio_to_template",
                "sphinx_execution_off_s", "kernel_start_with_imports_s", "floor_s", "clean_build_over_floor",
                "peak_memory_mb", "largest_page_kb", "static_kb_once", "slowest_charts_ms"):
        print(f"{key:44} {results[key]:>10}")
    print("parallel clean build: " + ", ".join(f"{jobs} processes {s} s" for jobs, s in parallel.items())
          + f" (serial {results['clean_build_s']} s); pages identical to the serial build's: {not differing}; "
          + f"Sphinx ran serially anyway for: {', '.join(sorted(serial_phases)) or 'nothing'}")
    print(f"data edit (border_lengths.csv) re-executed {len(results['data_edit_reexecuted'])} chapters; "
          f"{len(expected)} declare it; only declaring ones: {results['data_edit_only_declaring_chapters']}")
    print_pages(results)
    print_budgets(results["budgets"])
    shutil.rmtree(work, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
