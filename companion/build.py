"""Build the book: the one place that knows the build command (used by `make book` and the tests).

    python -m companion.build [ROOT]       build the book into ROOT/_build/html
    python -m companion.build --zip        pack _build/html into _build/companion-book.zip

Strict: -W turns every Sphinx warning into an error, -n adds missing-reference warnings,
--keep-going reports them all before failing; cell errors fail the build through
`nb_execution_raise_on_error` in _config.yml.
"""
from __future__ import annotations

import os
import subprocess
import sys
import zipfile
from pathlib import Path

from companion import ROOT
from companion.charts import RENDERER_ENV


def command(root: Path = ROOT, builder: str = "html") -> list[str]:
    jupyter_book = Path(sys.executable).with_name("jupyter-book")
    return [str(jupyter_book), "build", str(root), "--builder", builder, "-W", "-n", "--keep-going"]


def environment(extra: dict[str, str] | None = None) -> dict[str, str]:
    env = dict(os.environ)
    env[RENDERER_ENV] = "book"
    env["PYTHONHASHSEED"] = "0"  # set iteration order in any kernel, for byte-identical builds
    env.update(extra or {})
    return env


def build(root: Path = ROOT, *, capture: bool = False, env: dict[str, str] | None = None) -> subprocess.CompletedProcess:
    return subprocess.run(command(Path(root)), cwd=root, env=environment(env), text=True,
                          capture_output=capture, check=False)


ZIP_ROOT = "companion-book"
# A fixed timestamp for every entry, so the same build always gives the same zip.
ZIP_DATE = (2018, 1, 1, 0, 0, 0)


def zip_book(html_dir: Path = ROOT / "_build" / "html", out: Path = ROOT / "_build" / "companion-book.zip") -> Path:
    """Pack the built site so that, unpacked anywhere, companion-book/index.html opens from disk."""
    html_dir = Path(html_dir)
    if not (html_dir / "index.html").is_file():
        raise SystemExit(f"{html_dir}/index.html is missing: run `make book` first")
    files = sorted(p for p in html_dir.rglob("*") if p.is_file() and p.name != ".buildinfo")
    with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for path in files:
            info = zipfile.ZipInfo(f"{ZIP_ROOT}/{path.relative_to(html_dir).as_posix()}", date_time=ZIP_DATE)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            archive.writestr(info, path.read_bytes())
    return out


if __name__ == "__main__":
    if sys.argv[1:] == ["--zip"]:
        print(f"wrote {zip_book()}")
        sys.exit(0)
    sys.exit(build(Path(sys.argv[1]) if len(sys.argv) > 1 else ROOT).returncode)
