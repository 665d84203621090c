"""What a reader's browser sees: open a built page with everything outside the book blocked.

Used by the browser tests (the real book, a zip of it, and the negative-control pages). A page
passes when it raised no console error and no uncaught exception, asked for nothing outside
the book, got no failed request or HTTP status >= 400, and every chart on it drew marks.
"""
from __future__ import annotations

import functools
import http.server
import re
import threading
import urllib.parse
import urllib.request
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from companion import ROOT

CHROMIUM = "/usr/bin/chromium"
# As the machine notes advise: no background traffic, no sandbox (we run as root), no GPU.
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]
AXE = ROOT / "node_modules" / "axe-core" / "axe.min.js"
CHART_TIMEOUT_MS = 15_000

# Settled only once the document is complete and every chart view has drawn or failed; an
# empty list of views would pass `every` vacuously, so a page mid-navigation is never "settled".
ALL_CHARTS_SETTLED = """() => document.readyState === 'complete'
    && document.querySelectorAll('.companion-chart-view').length
       >= document.querySelectorAll('script[type="application/vnd.companion.vega+json"]').length
    && [...document.querySelectorAll('.companion-chart-view')]
       .every(e => e.dataset.chartDrawn === 'true' || e.dataset.chartError)"""
CHART_STATS = """() => [...document.querySelectorAll('.companion-chart-view')].map(e => ({
    id: e.id,
    error: e.dataset.chartError || null,
    svg: e.querySelectorAll('svg').length,
    marks: e.querySelectorAll('svg .role-mark > *').length,
    label: (e.querySelector('svg') || {getAttribute: () => null}).getAttribute('aria-label'),
    labelled_marks: e.querySelectorAll('svg [role="graphics-symbol"][aria-label]').length,
}))"""
SPEC_COUNT = "() => document.querySelectorAll('script[type=\"application/vnd.companion.vega+json\"]').length"


# Nothing but a code block may be wider than its column: the page itself, every table, table
# wrapper, chart view and claim card. (A code block scrolls inside itself, by design.)
# companion.css lets the browser skip laying out cards, tables and code far off screen
# (content-visibility); checks that measure or read colours lay everything out first.
RENDER_ALL = """() => document.querySelectorAll('*').forEach(e => {
    if (getComputedStyle(e).contentVisibility === 'auto') e.style.contentVisibility = 'visible'; })"""
# Folded parts load when opened (companion/deferred.py): wait, up to 5 s, until none is still a placeholder.
AWAIT_FOLDED = """async () => {
    for (let i = 0; i < 100 && document.querySelector('.companion-deferred'); i++) {
        await new Promise(r => setTimeout(r, 50));
    }
}"""
OVERFLOW = """async () => {
    const found = [];
    (""" + RENDER_ALL + """)();
    // Open every folded part (folded code and tables, search logs, chart data tables) and wait for
    // the parts that load when opened: what a reader can open must fit too.
    document.querySelectorAll('details').forEach(d => { d.open = true; });
    await (""" + AWAIT_FOLDED + """)();
    if (document.querySelector('.companion-deferred')) found.push('a folded part did not load');
    (""" + RENDER_ALL + """)();
    const name = e => e.tagName.toLowerCase() + (e.id ? '#' + e.id : '') +
        (e.className && typeof e.className === 'string' ? '.' + e.className.trim().split(/\\s+/).join('.') : '');
    const root = document.documentElement;
    if (root.scrollWidth > root.clientWidth + 1) found.push(`page is ${root.scrollWidth} px wide in a ${root.clientWidth} px window`);
    document.querySelectorAll('table, .companion-table-wrap, .companion-chart-view, .claim-card')
        .forEach(e => {
            if (e.closest('pre, div.highlight') || !e.offsetParent) return;  // (hidden by the theme, e.g. print-only)
            if (e.scrollWidth > e.clientWidth + 1) found.push(`${name(e)} scrolls: ${e.scrollWidth} px of content in ${e.clientWidth} px`);
            const column = e.parentElement.clientWidth;
            const width = e.getBoundingClientRect().width;
            if (column && width > column + 1) found.push(`${name(e)} is ${Math.round(width)} px wide in a ${column} px column`);
        });
    return found;
}"""
# A chart's title is one line that fits its drawn width (detail goes to the subtitle).
TITLE_LINES = """() => [...document.querySelectorAll('.companion-chart-view svg')].map(svg => {
    const title = svg.querySelector('.role-title-text text');
    return {id: svg.closest('.companion-chart-view').id, lines: title ? Math.max(1, title.querySelectorAll('tspan').length) : 0,
            width: title ? title.getBBox().width : 0, room: svg.getBoundingClientRect().width};
})"""


@dataclass
class PageReport:
    url: str
    problems: list[str] = field(default_factory=list)
    charts: list[dict] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems


def inside(url: str, base: str) -> bool:
    """A request the book may make: its own files, or inline data."""
    return url.startswith(base) or url.startswith(("data:", "blob:", "about:"))


def check_page(context, url: str, base: str, *, screenshot: Path | None = None, check_titles: bool = True) -> PageReport:
    report = PageReport(url)
    page = context.new_page()

    def on_route(route):
        if inside(route.request.url, base):
            route.continue_()
        else:
            report.problems.append(f"request outside the book: {route.request.url}")
            route.abort()

    page.route("**/*", on_route)
    page.on("console", lambda m: m.type == "error" and report.problems.append(f"console error: {m.text}"))
    page.on("pageerror", lambda e: report.problems.append(f"page error: {e}"))
    page.on("requestfailed", lambda r: inside(r.url, base)
            and report.problems.append(f"failed request: {r.url} ({r.failure})"))
    page.on("response", lambda r: r.status >= 400 and report.problems.append(f"HTTP {r.status}: {r.url}"))
    try:
        page.goto(url, wait_until="load")
        target = redirect_target(url)
        if target is not None:
            # The site root redirects to the intro: check the page a reader lands on, once loaded.
            # Asking the live page whether it redirects races the redirect itself; the file says.
            page.wait_for_url(target, wait_until="load", timeout=CHART_TIMEOUT_MS)
        try:
            page.wait_for_function(ALL_CHARTS_SETTLED, timeout=CHART_TIMEOUT_MS)
        except Exception:  # noqa: BLE001 - a timeout is reported as a problem below
            report.problems.append("charts did not finish drawing in time")
        report.charts = page.evaluate(CHART_STATS)
        if page.evaluate(SPEC_COUNT) != len(report.charts):
            report.problems.append("a chart spec has no matching chart container")
        for chart in report.charts:
            if chart["error"]:
                report.problems.append(f"chart {chart['id']} failed: {chart['error']}")
            elif not chart["svg"] or not chart["marks"]:
                report.problems.append(f"chart {chart['id']} drew nothing ({chart['svg']} svg, {chart['marks']} marks)")
            elif not chart["label"] or not chart["labelled_marks"]:
                report.problems.append(f"chart {chart['id']} has no text for screen readers")
        report.problems += [f"overflow: {problem}" for problem in page.evaluate(OVERFLOW)]
        if check_titles:
            for title in page.evaluate(TITLE_LINES):
                if title["lines"] > 1 or title["width"] > title["room"] + 1:  # (the controls have no title)
                    report.problems.append(f"chart {title['id']}: title in {title['lines']} line(s), "
                                           f"{title['width']:.0f} px wide in {title['room']:.0f} px")
        if screenshot is not None:
            screenshot.parent.mkdir(parents=True, exist_ok=True)
            page.screenshot(path=str(screenshot), full_page=False)
    finally:
        page.close()
    return report


REDIRECT = re.compile(r'<meta http-equiv="refresh" content="0; url=([^"]+)">')


def redirect_target(url: str) -> str | None:
    """Where a page of the book sends the reader at once, read from the page's own HTML."""
    if url.startswith("file:"):
        html = Path(urllib.request.url2pathname(urllib.parse.urlparse(url).path)).read_text()
    else:
        with urllib.request.urlopen(url) as response:
            html = response.read().decode()
    match = REDIRECT.search(html)
    return urllib.parse.urljoin(url, match.group(1)) if match else None


@contextmanager
def offline_page(context, base: str, path: str):
    """A page of the served book with every request outside it aborted, its charts drawn."""
    page = context.new_page()
    page.route("**/*", lambda route: route.continue_() if inside(route.request.url, base) else route.abort())
    try:
        page.goto(base + path)
        page.wait_for_function(ALL_CHARTS_SETTLED, timeout=CHART_TIMEOUT_MS)
        yield page
    finally:
        page.close()


def axe_violations(context, url: str, base: str) -> list[dict]:
    """Serious and critical axe-core violations on a page (axe injected from the pinned npm package)."""
    page = context.new_page()
    page.route("**/*", lambda route: route.continue_() if inside(route.request.url, base) else route.abort())
    try:
        page.goto(url, wait_until="load")
        page.wait_for_function(ALL_CHARTS_SETTLED, timeout=CHART_TIMEOUT_MS)
        page.evaluate(RENDER_ALL)  # axe reads colours and positions: lay out what content-visibility skips
        page.add_script_tag(path=str(AXE))
        return page.evaluate("""async () => {
            const result = await axe.run(document, {resultTypes: ['violations']});
            return result.violations
                .filter(v => v.impact === 'serious' || v.impact === 'critical')
                .map(v => ({id: v.id, impact: v.impact, help: v.help,
                            targets: v.nodes.slice(0, 5).map(n => n.target.join(' '))}));
        }""")
    finally:
        page.close()


def html_pages(root: Path) -> list[Path]:
    """The book's pages; _static/ holds theme template fragments that are not pages."""
    return sorted(p for p in root.rglob("*.html") if "_static" not in p.relative_to(root).parts)


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):  # keep pytest output readable
        pass


@contextmanager
def serve(directory: Path):
    """Serve a folder on 127.0.0.1 (a free port) for the length of the block; yields the base URL."""
    handler = functools.partial(_QuietHandler, directory=str(directory))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/"
    finally:
        server.shutdown()
        server.server_close()


@contextmanager
def browser_context():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        context = browser.new_context(viewport={"width": 1280, "height": 900}, service_workers="block")
        try:
            yield context
        finally:
            context.close()
            browser.close()


def overflow_at(context, url: str, base: str, width: int) -> list[str]:
    """What is wider than its column on a page at a given window width (the phone check)."""
    page = context.new_page()
    page.set_viewport_size({"width": width, "height": 900})
    page.route("**/*", lambda route: route.continue_() if inside(route.request.url, base) else route.abort())
    try:
        page.goto(url, wait_until="load")
        page.wait_for_function(ALL_CHARTS_SETTLED, timeout=CHART_TIMEOUT_MS)
        return page.evaluate(OVERFLOW)
    finally:
        page.close()
