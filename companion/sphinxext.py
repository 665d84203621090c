"""The companion's Sphinx extension: offline charts, no outside hosts, a quiet strict build.

* Compiles every chart from Vega-Lite to Vega as its page is written (companion.vega), and ships
  the one chart script a page then needs: vega, from the npm package pinned in package-lock.json
  (installed by `make`), copied at build time into `_static/vendor/` without its source-map
  comment and loaded only on pages that hold a chart. Nothing third-party is committed, nothing
  is fetched at build time, no page loads vega-lite.
* Drops sphinx-thebe's scripts: jupyter-book 1 always loads the extension, whose inline
  configuration names an outside host and whose loader is injected twice and throws.
* Tells chapter kernels to use the book renderer (companion.charts reads the variable).
* Keeps pages fresh. Each chapter declares the datasets it reads in its front matter
  (`companion: {datasets: [...]}`); those CSVs, the data package, the bibliography and the
  companion's own code become Sphinx dependencies of the chapter, so changing any of them makes
  Sphinx re-read the chapter, and `execute_notebooks: force` re-executes every re-read chapter.
  A chapter that loads a dataset it did not declare is a build warning (an error under -W).
"""
from __future__ import annotations

import html

import os
import re
from pathlib import Path

import yaml

from sphinx.application import Sphinx
from sphinx.errors import ExtensionError

from sphinx.util import logging

from companion import BIBLIOGRAPHY, DATA_DIR, RENDERER_ENV, ROOT, STATIC_DIR, deferred, notebooks, vega
from companion.vega import VEGA_MIMETYPE, compile_page
from companion.data import DATAPACKAGE, INVENTORY, dataset_names, dataset_path
from companion.ledger_ext import book_title

logger = logging.getLogger(__name__)
PACKAGE_DIR = Path(__file__).parent
_LOAD_CALL = re.compile(r"""data\.load\(\s*["'](\w+)["']""")
_FRONT_MATTER = re.compile(r"\A---\s*\n(.*?)\n---\s*\n", re.S)

NODE_MODULES = ROOT / "node_modules"
# Charts arrive compiled to Vega, so vega is the only third-party script a page loads.
VENDOR_SCRIPTS = (("vega", "build/vega.min.js"),)
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


def _write_if_changed(path: Path, text: str) -> None:
    if not path.exists() or path.read_text(encoding="utf-8") != text:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")


def install_assets(static_dir: Path, node_modules: Path = NODE_MODULES) -> None:
    """Write the chart scripts and the companion's own CSS/JS into the output's _static/.

    Written directly, and rewritten whenever their content differs: Sphinx's static-file copy
    leaves an existing file alone, which would keep an old script in an incremental build.
    """
    shipped = set()
    for source, name in vendor_files(node_modules):
        _write_if_changed(static_dir / VENDOR_SUBDIR / name, strip_source_map(source.read_text(encoding="utf-8")))
        shipped.add(name)
    for stale in (static_dir / VENDOR_SUBDIR).glob("*.js"):  # a script an earlier build shipped (vega-lite)
        if stale.name not in shipped:
            stale.unlink()
    for source in sorted(STATIC_DIR.iterdir()):
        _write_if_changed(static_dir / source.name, source.read_text(encoding="utf-8"))
    _write_if_changed(static_dir / vega.CONFIG_SCRIPT, vega.config_script())


def _install_assets(app: Sphinx) -> None:
    if app.builder.format == "html":
        install_assets(Path(app.outdir) / "_static")


def _disable_thebe(app: Sphinx, config) -> None:
    """Unhook sphinx-thebe, which jupyter-book 1 loads unconditionally.

    Its handlers add an inline script naming unpkg.com, a loader injected twice that throws on
    every page, a binder config block in every page body and a stylesheet; the book launches
    no live kernels, so none of it belongs on a page.
    """
    for listeners in app.events.listeners.values():
        listeners[:] = [lsn for lsn in listeners if not getattr(lsn.handler, "__module__", "").startswith("sphinx_thebe")]
    app.registry.css_files[:] = [(name, attrs) for name, attrs in app.registry.css_files if "thebe" not in (name or "")]


_PRE = re.compile(r'(<div class="highlight"><pre>)(.*?)(</pre>)', re.S)


def _token_styles(style_names: tuple[str, ...]) -> dict[str, tuple]:
    """Each Pygments token class, with how every given style draws it."""
    from pygments.styles import get_style_by_name
    from pygments.token import STANDARD_TYPES

    styles = [get_style_by_name(name) for name in style_names]
    return {css: tuple(tuple(sorted(style.style_for_token(token).items())) for style in styles)
            for token, css in STANDARD_TYPES.items() if css}


def plain_token_classes(*style_names: str) -> frozenset[str]:
    """Pygments token classes drawn exactly like plain code text in every given style (names,
    punctuation, whitespace in the theme's styles): their spans change nothing on screen."""
    from pygments.styles import get_style_by_name
    from pygments.token import Token

    if not style_names:
        return frozenset()
    text = tuple(tuple(sorted(get_style_by_name(name).style_for_token(Token.Text).items())) for name in style_names)
    return frozenset(css for css, look in _token_styles(style_names).items() if look == text)


def same_look_classes(*style_names: str) -> dict[str, str]:
    """Each token class -> one class drawn exactly like it in every given style (strings, string
    affixes and interpolations, and operators share one colour in the theme's styles)."""
    drawn = _token_styles(style_names)
    canonical: dict[tuple, str] = {}
    for css in sorted(drawn):
        canonical.setdefault(drawn[css], css)
    return {css: canonical[look] for css, look in drawn.items() if canonical[look] != css}


def without_plain_spans(body: str, classes: frozenset[str], same: dict[str, str] | None = None) -> str:
    """Inside highlighted code: drop the spans of `classes`, keeping their text, give each span
    the one class of its look (`same`) and join neighbouring spans of one look. Nothing changes
    on screen; Pygments' spans had made the shown code a third of a chapter's HTML. Such a span
    holds only text, never another span."""
    if not classes and not same:
        return body
    plain = re.compile(r'<span class="(?:' + "|".join(map(re.escape, sorted(classes))) + r')">([^<]*)</span>') \
        if classes else None
    renamed = re.compile(r'<span class="(' + "|".join(map(re.escape, sorted(same))) + r')">') if same else None
    joined = re.compile(r'<span class="([\w-]+)">([^<]*)</span><span class="\1">')

    def tidy(code: str) -> str:
        if plain:
            code = plain.sub(r"\1", code)
        if renamed:
            code = renamed.sub(lambda m: f'<span class="{same[m.group(1)]}">', code)
        while True:
            merged = joined.sub(r'<span class="\1">\2', code)
            if merged == code:
                return code
            code = merged

    return _PRE.sub(lambda m: m.group(1) + tidy(m.group(2)) + m.group(3), body)


def _code_styles(app: Sphinx) -> tuple[str, ...]:
    """The light and dark Pygments styles the theme draws code with (pydata-sphinx-theme options)."""
    try:
        options = app.builder.theme.get_options(app.config.html_theme_options)
    except Exception:  # noqa: BLE001 - a theme without these options: strip nothing
        return ()
    return tuple(options[key] for key in ("pygments_light_style", "pygments_dark_style") if options.get(key))


# docutils writes the bibliography as role="list" holding role="doc-biblioentry" children, which
# is invalid ARIA (a list must own listitems: axe's critical "aria-required-children").
_CITATION_ENTRY = re.compile(r'class="citation" id="([^"]+)" role="doc-biblioentry"')


def _page_assets(app: Sphinx, pagename: str, templatename: str, context: dict, doctree) -> None:
    if "body" in context:
        context["body"] = _CITATION_ENTRY.sub(r'class="citation" id="\1" role="listitem"', context["body"])
        # Prose tables (Markdown, written by docutils) get scoped headers like the book's own tables.
        context["body"] = context["body"].replace('<th class="head">', '<th class="head" scope="col">')
        if notebooks.is_chapter(pagename):
            context["body"] = notebooks.link_html(pagename) + context["body"]
        if not hasattr(app, "companion_code_looks"):
            styles = _code_styles(app)
            app.companion_code_looks = (plain_token_classes(*styles), same_look_classes(*styles) if styles else {})
        context["body"] = without_plain_spans(compile_page(context["body"]), *app.companion_code_looks)
        context["body"], parts = deferred.defer(context["body"], pagename)
        if parts and app.builder.format == "html":
            _write_if_changed(Path(app.outdir) / "_static" / deferred.FOLDER / deferred.script_name(pagename),
                              deferred.script(pagename, parts))
            app.add_js_file("companion-deferred.js", priority=655, loading_method="defer")
    if VEGA_MIMETYPE in context.get("body", ""):
        # A plain (blocking) script: measured, it beats async, which the browser ran only after the
        # page's layout and the theme's scripts, delaying every chart (bench/run.py).
        for index, (_, name) in enumerate(vendor_files()):
            app.add_js_file(f"{VENDOR_SUBDIR}/{name}", priority=600 + index)
        app.add_js_file(vega.CONFIG_SCRIPT, priority=649)
        app.add_js_file("companion-charts.js", priority=650)


def declared_datasets(source: str, known: set[str]) -> list[str]:
    """The datasets a chapter declares in its front matter: `companion: {datasets: [a, b]}`,
    or `datasets: all` for a page that reads every dataset (the data and sources page)."""
    match = _FRONT_MATTER.match(source)
    meta = yaml.safe_load(match.group(1)) if match else None
    declared = ((meta or {}).get("companion") or {}).get("datasets") or []
    return sorted(known) if declared == "all" else list(declared)


def chapter_dependencies(source: str, known: set[str]) -> list[Path]:
    """Files whose change must re-read (and so re-execute) a page.

    Every page depends on the companion's code, this extension included, since it shapes the
    HTML of every page; a page with code cells also on the data package and the bibliography
    its data are validated against, and on the datasets it declares.
    """
    deps = sorted(PACKAGE_DIR.glob("*.py"))
    if "code-cell" in source:
        deps += [DATAPACKAGE, BIBLIOGRAPHY]
        deps += [dataset_path(name) for name in declared_datasets(source, known) if name in known]
    if "reproduce(" in source or "score(" in source or "sources_audit" in source:
        # A verdict reads the inventories (the claim, its readings, its step, its searches, where its
        # wording comes from) and the standing of its sources.
        deps += [dataset_path(name) for name in INVENTORY if name in known] + [DATA_DIR / "publishers.csv"]
    return sorted(set(deps))


def _note_dependencies(app: Sphinx, docname: str, source: list[str]) -> None:
    text = source[0]
    known = set(dataset_names(DATA_DIR))
    declared = declared_datasets(text, known)
    for name in declared:
        if name not in known:
            logger.warning(f"{docname}: front matter declares unknown dataset {name!r} "
                           f"(known: {', '.join(sorted(known))})", location=docname)
    for name in sorted(set(_LOAD_CALL.findall(text)) - set(declared)):
        logger.warning(f"{docname}: loads dataset {name!r} without declaring it in its front matter "
                       f"(companion: datasets: [...]); its page would go stale when the data change",
                       location=docname)
    for dep in chapter_dependencies(text, known):
        app.env.note_dependency(str(dep))


REDIRECT_PAGE = """<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>{title}</title>
<meta http-equiv="refresh" content="0; url={target}">
<link rel="icon" href="data:,">
</head>
<body>
<main><p><a href="{target}">Open {title}</a></p></main>
</body>
</html>
"""


def _write_index(app: Sphinx, exception: Exception | None) -> None:
    """A real HTML5 redirect at the site root (sphinx-external-toc's is a bare <meta> line with
    no language, title or icon, which fails accessibility checks and makes browsers ask for
    /favicon.ico; the empty data: icon asks for nothing while the page redirects). Written before sphinx-external-toc looks, so it leaves ours alone."""
    if exception is not None or app.builder.format != "html" or app.config.root_doc == "index":
        return
    title = html.escape(book_title(app))
    page = REDIRECT_PAGE.format(title=title, target=f"{app.config.root_doc}.html")
    (Path(app.outdir) / "index.html").write_text(page, encoding="utf-8")


def _write_notebooks(app: Sphinx, exception: Exception | None) -> None:
    """Every chapter as a clean .ipynb next to the pages (solutions cut in the student edition)."""
    if exception is not None or app.builder.format != "html":
        return
    solutions = not app.config.hide_solutions
    for docname in sorted(app.env.found_docs):
        if notebooks.is_chapter(docname):
            _write_if_changed(Path(app.outdir) / notebooks.FOLDER / f"{Path(docname).name}.ipynb",
                              notebooks.notebook_text(Path(app.env.doc2path(docname)), solutions=solutions))


def _copy_late_assets_early(app: Sphinx, env) -> None:
    """myst-nb and sphinx-exercise copy their stylesheets at build-finished, after the pages are
    written; Sphinx adds a `?v=checksum` to an asset's link only when the file is already in the
    output. A clean build's pages would then differ from an incremental build's. Run their own
    copy steps before any page is written, so every build writes the same links."""
    if app.builder.format != "html":
        return
    from myst_nb.sphinx_ext import add_global_html_resources
    from sphinx_exercise import copy_asset_files

    (Path(app.outdir) / "_static").mkdir(parents=True, exist_ok=True)
    add_global_html_resources(app, None)
    copy_asset_files(app, None)


def setup(app: Sphinx) -> dict:
    os.environ.setdefault(RENDERER_ENV, "book")
    app.connect("config-inited", _disable_thebe)
    app.connect("builder-inited", _install_assets)
    app.connect("html-page-context", _page_assets)
    app.connect("source-read", _note_dependencies)
    app.connect("build-finished", _write_index, priority=400)
    app.connect("build-finished", _write_notebooks)
    app.connect("env-updated", _copy_late_assets_early)
    app.connect("doctree-resolved", _mark_citations)
    app.add_css_file("companion.css")
    return {"version": "0.1", "parallel_read_safe": True, "parallel_write_safe": True}


# ---------------------------------------------------------------------------------------------
# The bibliography: each entry ends with the short mark of its tier (key on the methods page).

def _register_tiered_style() -> None:
    from pybtex.plugin import register_plugin
    from pybtex.richtext import Text
    from pybtex.style import FormattedEntry
    from pybtex.style.formatting.plain import Style as PlainStyle

    from companion.bib import TIERS

    class TieredStyle(PlainStyle):
        """pybtex's plain style, with the entry's standing appended: '[P]', '[R]' or '[O]'."""

        def format_entry(self, label, entry, bib_data=None):
            formatted = super().format_entry(label, entry, bib_data=bib_data)
            standing = entry.fields.get("tier", "")
            if standing not in TIERS:
                raise ExtensionError(f"references.bib, entry {entry.key!r}: no tier, so its standing cannot be shown")
            return FormattedEntry(formatted.key, Text(formatted.text, f" [{TIERS[standing][1]}]"), formatted.label)

    register_plugin("pybtex.style.formatting", "companion_tiered", TieredStyle, force=True)


_register_tiered_style()


def _mark_citations(app: Sphinx, doctree, docname: str) -> None:
    """After each in-text citation, the short mark of its source's tier (as cite_html does on cards)."""
    from docutils import nodes

    from companion.bib import TIERS, tier

    domain = app.env.get_domain("cite")
    keys = {c.citation_id: c.key for c in getattr(domain, "citations", [])}
    for ref in list(doctree.findall(nodes.reference)):
        anchor = ref.get("refid") or ref.get("refuri", "").rpartition("#")[2]
        if anchor not in keys or ref.get("classes") and "tier-marked" in ref["classes"]:
            continue
        standing = tier(keys[anchor])
        mark = nodes.superscript("", TIERS[standing][1], classes=["tier", f"tier-{standing}"])
        mark["title"] = f"source tier: {standing}"
        ref["classes"].append("tier-marked")
        ref.parent.insert(ref.parent.index(ref) + 1, mark)
