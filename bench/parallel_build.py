"""The book built through jupyter-book's own `build_sphinx` with N Sphinx processes.

`jupyter-book build` has no option for Sphinx's parallel jobs, but the function it calls does.
This mirrors the command `companion.build.command` runs (external toc, nitpicky, --keep-going)
and adds `jobs`, so `bench/run.py` can show what a parallel build would gain. Warnings are not
errors here: Sphinx warns when it falls back to serial reading (jupyter-book's own
sphinx_multitoc_numbering does not declare itself parallel-safe), and the benchmark reports
that fallback instead of failing on it.

    python bench/parallel_build.py PROJECT JOBS
"""
from __future__ import annotations

import sys
from pathlib import Path

from jupyter_book.sphinx import build_sphinx


def main(project: Path, jobs: int) -> int:
    result = build_sphinx(project, project / "_build" / "html", use_external_toc=True, noconfig=True,
                          path_config=str(project / "_config.yml"),
                          confoverrides={"external_toc_path": (project / "_toc.yml").as_posix(),
                                         "latex_individualpages": False, "nitpicky": True},
                          builder="html", warningiserror=False, keep_going=True, jobs=jobs)
    return 1 if isinstance(result, Exception) else int(result)


if __name__ == "__main__":
    sys.exit(main(Path(sys.argv[1]).absolute(), int(sys.argv[2])))
