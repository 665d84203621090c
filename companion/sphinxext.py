"""The companion's Sphinx extension: offline charts, no outside hosts, a quiet strict build.

* Ships the chart scripts. vega, vega-lite and vega-embed come from the npm packages pinned in
  package-lock.json (installed by `make`), copied at build time into `_static/vendor/` without
  their source-map comments, and loaded only on pages that hold a chart. Nothing third-party is
  committed, nothing is fetched at build time.
* Drops sphinx-thebe's scripts: jupyter-book 1 always loads the extension, whose inline
  configuration names an outside host and whose loader is injected twice and throws.
* Tells chapter kernels to use the book renderer (companion.charts reads the variable).
"""
from __future__ import annotations

import os
from pathlib import Path

from sphinx.application import Sphinx
from sphinx.errors import ExtensionError

from companion import ROOT
from companion.charts import RENDERER_ENV, SPEC_MIMETYPE

NODE_MODULES = ROOT / "node_modules"
# Load order matters: vega-lite needs vega, vega-embed needs both.
VENDOR_SCRIPTS = (
    ("vega", "build/vega.min.js"),
    ("vega-lite", "build/vega-lite.min.js"),
    ("vega-embed", "build/vega-embed.min.js"),
)
STATIC_DIR = Path(__file__).parent / "static"
VENDOR_SUBDIR = "vendor"


def vendor_files(node_modules: Path = NODE_MODULES) -> list[tuple[Path, str]]:
    """(installed file, name under _static/vendor/) for each chart script, checked to exist."""
    files = []
    for package, relpath in VENDOR_SCRIPTS:
        source = node_modules / package / relpath
        if not source.is_file():
            raise ExtensionError(
                f"{source} is missing: the chart scripts come from npm. Run `make book` "
                f"(it runs `npm ci` from package-lock.json) before building.")
        files.append((source, f"{package}.min.js"))
    return files


def strip_source_map(text: str) -> str:
    """Remove `//# sourceMappingURL=` lines: the .map files are not shipped, so browsers would 404."""
    return "\n".join(line for line in text.splitlines() if not line.startswith("//# sourceMappingURL=")) + "\n"


def write_vendor_dir(target: Path, node_modules: Path = NODE_MODULES) -> None:
    target.mkdir(parents=True, exist_ok=True)
    for source, name in vendor_files(node_modules):
        text = strip_source_map(source.read_text(encoding="utf-8"))
        out = target / name
        if not out.exists() or out.read_text(encoding="utf-8") != text:
            out.write_text(text, encoding="utf-8")


def _register_static(app: Sphinx, config) -> None:
    generated = Path(app.outdir).parent / "companion-static"
    write_vendor_dir(generated / VENDOR_SUBDIR)
    config.html_static_path.extend([str(STATIC_DIR), str(generated)])


def _disable_thebe(app: Sphinx, config) -> None:
    """Unhook sphinx-thebe, which jupyter-book 1 loads unconditionally.

    Its handlers add an inline script naming unpkg.com, a loader injected twice that throws on
    every page, a binder config block in every page body and a stylesheet; the book launches
    no live kernels, so none of it belongs on a page.
    """
    for listeners in app.events.listeners.values():
        listeners[:] = [lsn for lsn in listeners if not getattr(lsn.handler, "__module__", "").startswith("sphinx_thebe")]
    app.registry.css_files[:] = [(name, attrs) for name, attrs in app.registry.css_files if "thebe" not in (name or "")]


def _page_assets(app: Sphinx, pagename: str, templatename: str, context: dict, doctree) -> None:
    if SPEC_MIMETYPE in context.get("body", ""):
        for index, (_, name) in enumerate(vendor_files()):
            app.add_js_file(f"{VENDOR_SUBDIR}/{name}", priority=600 + index)
        app.add_js_file("companion-charts.js", priority=650)


def setup(app: Sphinx) -> dict:
    os.environ.setdefault(RENDERER_ENV, "book")
    app.connect("config-inited", _disable_thebe)
    app.connect("config-inited", _register_static)
    app.connect("html-page-context", _page_assets)
    app.add_css_file("companion.css")
    return {"version": "0.1", "parallel_read_safe": True, "parallel_write_safe": True}
