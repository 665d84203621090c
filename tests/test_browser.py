"""A real headless Chromium opens every page with everything outside the book blocked:
over http on 127.0.0.1, and from file:// out of the zip a reader would be sent."""
from __future__ import annotations

import re
import shutil
import zipfile

import pytest

from companion import build
from companion.vega import compile_json
from conftest import SCREENSHOTS
from pagecheck import AWAIT_FOLDED, axe_violations, check_page, html_pages, offline_page, overflow_at, serve

pytestmark = [pytest.mark.book, pytest.mark.browser]

SCREENSHOT_PAGES = {"book/intro.html", "book/ch1_territorial_losses.html", "book/data_sources.html"}
# Chapters whose charts the browser must find drawn (a regression that drops a chart fails here).
EXPECTED_CHARTS = {"book/intro.html": 1, "book/ch1_territorial_losses.html": 3, "book/ch2_not_eliminated.html": 2,
                   "book/ch3_media_strategy.html": 3, "book/ch4_foreign_fighters.html": 4,
                   "book/ch5_resurgence.html": 1, "book/ch6_europe.html": 2,
                   "book/ch7_middle_east_central_asia.html": 3, "book/ch8_solutions.html": 1,
                   "book/ch9_what_happened_next.html": 3, "book/after_2018.html": 2, "book/ledger.html": 1}


def assert_all_pages_pass(browser, root, base, screenshot_dir=None):
    reports, charts_seen = [], {}
    for path in html_pages(root):
        relative = path.relative_to(root).as_posix()
        shot = screenshot_dir / f"{path.stem}.png" if screenshot_dir and relative in SCREENSHOT_PAGES else None
        report = check_page(browser, base + relative, base, screenshot=shot)
        reports.append(report)
        charts_seen[relative] = len(report.charts)
    failures = {r.url: r.problems for r in reports if not r.ok}
    assert failures == {}
    for page, count in EXPECTED_CHARTS.items():
        assert charts_seen[page] == count, page
    return reports


def test_every_page_over_http_with_outside_requests_blocked(built_book, browser):
    with serve(built_book) as base:
        reports = assert_all_pages_pass(browser, built_book, base, SCREENSHOTS / "http")
    assert len(reports) == len(html_pages(built_book)) >= 14
    assert all((SCREENSHOTS / "http" / f"{name.split('/')[-1][:-5]}.png").is_file() for name in SCREENSHOT_PAGES)


PHONE_WIDTH = 390


def test_nothing_but_code_is_wider_than_its_column_on_a_phone(built_book, browser):
    with serve(built_book) as base:
        found = {path.relative_to(built_book).as_posix(): problems for path in html_pages(built_book)
                 if (problems := overflow_at(browser, base + path.relative_to(built_book).as_posix(), base, PHONE_WIDTH))}
    assert found == {}


def test_the_overflow_check_catches_a_wide_table_and_a_wide_chart(control_site, browser):
    with serve(control_site) as base:
        problems = overflow_at(browser, base + "book/control-too-wide.html", base, PHONE_WIDTH)
    assert any("table" in p and "wide in a" in p for p in problems), problems
    assert any("companion-chart-view" in p for p in problems), problems


def test_every_page_from_disk_out_of_the_readers_zip(built_book, browser, tmp_path):
    archive = build.zip_book(built_book, tmp_path / "book.zip")
    with zipfile.ZipFile(archive) as z:
        z.extractall(tmp_path / "unpacked")
    root = tmp_path / "unpacked" / build.ZIP_ROOT
    assert_all_pages_pass(browser, root, root.as_uri() + "/", SCREENSHOTS / "file")


def test_no_serious_or_critical_accessibility_violations(built_book, browser):
    with serve(built_book) as base:
        found = {}
        for path in html_pages(built_book):
            violations = axe_violations(browser, base + path.relative_to(built_book).as_posix(), base)
            if violations:
                found[path.name] = violations
    assert found == {}


# --- Negative controls: pages that must fail the same check the book passes. ---

CHART_FIGURE = """<figure class="companion-chart"><div class="companion-chart-view" id="{id}"></div>
<script type="application/vnd.companion.vega+json" data-target="{id}"{label}>{spec}</script></figure>"""
POINTS = ('{"data": {"values": [{"a": 1}, {"a": 2}]}, "mark": "point", '
          '"encoding": {"x": {"field": "a", "type": "quantitative"}}}')
GOOD_SPEC = compile_json(POINTS)  # compiled as the build compiles every chart
LABEL = ' data-label="Two points"'


def chart(name: str, spec: str, label: str = LABEL) -> str:
    return CHART_FIGURE.format(id=name, spec=spec, label=label)


CONTROLS = {
    "cdn-script": ('<script src="https://cdn.jsdelivr.net/npm/vega@6"></script>', "request outside the book"),
    "broken-chart": (chart("broken", '{"marks": [{"type": "no-such-mark"}]}'), "chart broken failed"),
    "unparseable-chart": (chart("garbled", "{not json"), "unparseable spec"),
    "empty-chart": (chart("empty", '{"data": [{"name": "t", "values": []}], "marks": []}'), "chart empty drew nothing"),
    "unlabelled-chart": (chart("unlabelled", GOOD_SPEC, label=""), "chart unlabelled has no text for screen readers"),
    "script-error": ("<script>throw new Error('negative control');</script>", "page error: negative control"),
    "console-error": ("<script>console.error('negative control');</script>", "console error: negative control"),
    "missing-file": ('<img alt="" src="../_static/no-such-image.png">', "HTTP 404"),
}


@pytest.fixture(scope="module")
def control_site(built_book, tmp_path_factory):
    """A copy of the built book with one injected page per negative control (and one good chart)."""
    site = tmp_path_factory.mktemp("controls") / "html"
    shutil.copytree(built_book, site)
    template = (site / "book" / "ledger.html").read_text()
    marker = '<article class="bd-article">'
    assert marker in template
    vendor = '<script src="../_static/vendor/vega.min.js"></script>'
    vendor += '<script src="../_static/companion-charts.js"></script>'
    for name, (snippet, _) in {**CONTROLS, "good-chart": (chart("good", GOOD_SPEC), "")}.items():
        page = template.replace("</head>", vendor + "</head>", 1).replace(marker, marker + snippet, 1)
        (site / "book" / f"control-{name}.html").write_text(page)
    # Too wide for a phone: a table with an unbreakable cell and a chart view holding a fixed-width drawing.
    wide = ('<table><tr><td style="white-space:nowrap">' + "x" * 200 + "</td></tr></table>"
            '<div class="companion-chart-view" id="wide" data-chart-drawn="true"><div style="width:900px;height:20px"></div></div>')
    (site / "book" / "control-too-wide.html").write_text(template.replace(marker, marker + wide, 1))
    # A chart that starts drawing a second after the page has loaded, reached through a redirect
    # like the site root's: the check must wait for the page the reader lands on.
    slow = chart("slow", GOOD_SPEC) + (
        "<script>setTimeout(() => { const s = document.createElement('script');"
        " s.src = '../_static/companion-charts.js'; document.head.appendChild(s); }, 1000);</script>")
    slow_vendor = vendor.replace('<script src="../_static/companion-charts.js"></script>', "")
    without_drawing = re.sub(r'<script src="\.\./_static/companion-charts\.js[^"]*"></script>', "", template)
    (site / "book" / "control-slow-chart.html").write_text(
        without_drawing.replace("</head>", slow_vendor + "</head>", 1).replace(marker, marker + slow, 1))
    (site / "control-redirect.html").write_text(
        '<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>Redirect</title>'
        '<meta http-equiv="refresh" content="0; url=book/control-slow-chart.html"></head><body></body></html>')
    return site


def test_a_redirect_is_followed_to_a_chart_that_draws_late(control_site, browser):
    with serve(control_site) as base:
        report = check_page(browser, base + "control-redirect.html", base)
    assert report.ok, report.problems
    assert {chart["id"]: chart["marks"] for chart in report.charts}["slow"] == 2


def test_the_control_with_a_good_chart_passes(control_site, browser):
    with serve(control_site) as base:
        report = check_page(browser, base + "book/control-good-chart.html", base)
    assert report.ok, report.problems
    assert report.charts[0]["marks"] == 2


@pytest.mark.parametrize("control", list(CONTROLS))
def test_each_negative_control_fails_the_browser_check(control, control_site, browser):
    _, expected = CONTROLS[control]
    with serve(control_site) as base:
        report = check_page(browser, base + f"book/control-{control}.html", base)
    assert not report.ok
    assert any(expected in problem for problem in report.problems), report.problems


def test_a_cdn_script_also_fails_from_disk(control_site, browser):
    page = control_site / "book" / "control-cdn-script.html"
    report = check_page(browser, page.as_uri(), control_site.as_uri() + "/")
    assert any("request outside the book: https://cdn.jsdelivr.net" in p for p in report.problems)


def test_the_ledger_table_filters_and_sorts_offline(built_book, browser):
    import json

    records = json.loads((built_book / "ledger.json").read_text())
    contradicted = sum(r["verdict"] == "contradicted" for r in records)
    with serve(built_book) as base:
        page = browser.new_page()
        page.route("**/*", lambda route: route.continue_() if route.request.url.startswith(base) else route.abort())
        try:
            page.goto(base + "book/ledger.html")
            visible = "() => [...document.querySelectorAll('#ledger-table tbody tr')].filter(r => !r.hidden).length"
            assert page.evaluate(visible) == len(records)
            page.select_option("#ledger-verdict", "contradicted")
            assert page.evaluate(visible) == contradicted > 0
            assert page.inner_text("#ledger-count") == f"{contradicted} of {len(records)} claims shown"
            page.select_option("#ledger-verdict", "")
            page.fill("#ledger-filter", "mosul")
            assert page.evaluate(visible) == sum("mosul" in (r["id"] + " " + r["quote"]).lower() for r in records) > 0
            page.fill("#ledger-filter", "")
            page.click("button.table-sort[data-column='1']")  # chapter, ascending
            page.click("button.table-sort[data-column='1']")  # and descending
            first_chapter = page.evaluate("() => document.querySelector('#ledger-table tbody tr').dataset.chapter")
            assert first_chapter == str(max(r["chapter"] for r in records))
        finally:
            page.close()


# The per-capita explorer: its y axes, read from the labels Vega gives each axis for screen readers.
EXPLORER_AXES = """() => {
    const view = document.querySelector('.vega-bindings select').closest('.companion-chart-view');
    return [...view.querySelectorAll('[aria-roledescription="axis"]')]
        .map(axis => axis.getAttribute('aria-label')).filter(label => label.startsWith('Y-axis'));
}"""


def top_countries(page):
    """The first country on each y axis (per capita, then in numbers)."""
    return [label.split(": ", 1)[1].split(",")[0] for label in page.evaluate(EXPLORER_AXES)]


def served_or_from_disk(built_book, how):
    """The book's base URL over http on 127.0.0.1, or from disk (file://), for the length of a block."""
    from contextlib import nullcontext

    return serve(built_book) if how == "http" else nullcontext(built_book.as_uri() + "/")


@pytest.mark.parametrize("how", ["http", "file"])
def test_the_per_capita_explorer_switches_source_offline(built_book, browser, how):
    with served_or_from_disk(built_book, how) as base, offline_page(browser, base, "book/ch4_foreign_fighters.html") as page:
            select = page.locator(".vega-bindings select")
            assert select.count() == 1
            options = select.locator("option").all_inner_texts()
            assert "The Soufan Group, December 2015" in options and len(options) == 4
            assert top_countries(page) == ["Tunisia", "Tunisia"]  # the report's source: first on both counts
            select.select_option("The Soufan Center, October 2017")
            page.wait_for_function(f"() => ({EXPLORER_AXES})()[0].includes(': Jordan')", timeout=5000)
            assert top_countries(page) == ["Jordan", "Russia"]
            select.select_option("ICSR, January 2015")
            page.wait_for_function(f"() => ({EXPLORER_AXES})()[0].includes(': Tunisia')", timeout=5000)
            assert "26 values" in page.evaluate(EXPLORER_AXES)[0]  # ICSR's countries, all drawn


def test_a_chapter_prints_as_a_handout_with_pages_text_and_charts(built_book, browser, tmp_path):
    import re
    import zlib

    with serve(built_book) as base, offline_page(browser, base, "book/ch6_europe.html") as page:
            page.emulate_media(media="print")
            hidden = page.evaluate("""() => ['.bd-sidebar-primary', '.bd-header', '.companion-notebook-download']
                .map(s => document.querySelector(s)).filter(Boolean).map(e => getComputedStyle(e).display)""")
            assert hidden and set(hidden) == {"none"}
            assert page.locator("figure.companion-chart svg").count() == 2
            pdf = page.pdf(format="A4", print_background=False)
    (tmp_path / "ch6.pdf").write_bytes(pdf)
    assert pdf.startswith(b"%PDF") and len(re.findall(rb"/Type\s*/Page[^s]", pdf)) >= 3
    def inflate(data):
        try:
            return zlib.decompress(data)
        except zlib.error:  # not a Flate stream (an image, a font program)
            return b""
    streams = [inflate(m) for m in re.findall(rb"stream\r?\n(.*?)\r?\nendstream", pdf, re.S)]
    text_ops = sum(len(re.findall(rb"\bT[Jj]\b", s)) for s in streams)
    assert text_ops > 200  # the chapter's prose, tables and chart labels are drawn as text


def test_the_theme_icons_draw_from_the_web_font_without_the_icon_script(built_book, browser):
    with serve(built_book) as base, offline_page(browser, base, "book/intro.html") as page:
        page.evaluate("() => document.fonts.ready.then(() => true)")
        icons = page.evaluate("""() => [...document.querySelectorAll('i.fa-solid, i.fa-brands, i.fa-regular')]
            .filter(i => i.offsetParent).map(i => {
                const before = getComputedStyle(i, '::before');
                return [i.className, before.fontFamily, before.content, i.getBoundingClientRect().width]; })""")
    assert icons, "the page shows no theme icon"
    blank = [icon for icon in icons if "Font Awesome" not in icon[1] or icon[2] in ("none", "normal", '""') or icon[3] <= 0]
    assert blank == [], blank


OPEN_FOLDED = """async () => {
    const searches = document.querySelector('details.claim-searches');
    const code = document.querySelector('div.cell.tag_hide-input details');
    searches.open = true; code.open = true;
    await (""" + AWAIT_FOLDED + """)();
    return {left: document.querySelectorAll('.companion-deferred').length,
            searches: searches.querySelectorAll('li').length, code: (code.querySelector('pre') || {}).textContent || ''};
}"""


@pytest.mark.parametrize("how", ["http", "file"])
def test_folded_parts_load_when_opened(built_book, browser, how):
    with served_or_from_disk(built_book, how) as base, \
            offline_page(browser, base, "book/ch7_middle_east_central_asia.html") as page:
        found = page.evaluate(OPEN_FOLDED)
    assert found["left"] == 0 and found["searches"] >= 4 and "(" in found["code"], found


@pytest.mark.parametrize("how", ["http", "file"])
def test_a_chart_shows_tooltips_and_builds_its_data_table_and_csv_when_opened(built_book, browser, how):
    with served_or_from_disk(built_book, how) as base, offline_page(browser, base, "book/ch5_resurgence.html") as page:
        assert page.locator(".companion-tooltip").count() == 0 or not page.locator(".companion-tooltip").is_visible()
        page.locator(".companion-chart-view svg g.mark-symbol.role-mark path").first.hover(force=True)
        page.wait_for_selector(".companion-tooltip", state="visible", timeout=5000)
        tip = page.inner_text(".companion-tooltip")
        assert "Event" in tip and "When" in tip
        summary = page.locator("details.companion-chart-details summary").first
        rows = int(re.search(r"\((\d+) rows\)", summary.inner_text()).group(1))
        summary.click()
        details = page.locator("details.companion-chart-details").first
        details.locator("table.companion-table").wait_for(timeout=5000)
        assert details.locator("tbody tr").count() == rows > 0
        assert details.locator("thead th").count() >= 3
        link = details.locator("a[download]")
        assert link.get_attribute("download").endswith(".csv") and link.get_attribute("href").startswith("blob:")
        csv_text = page.evaluate("async () => (await fetch(document.querySelector('details.companion-chart-details a[download]').href)).text()")
        assert len(csv_text.strip().splitlines()) == rows + 1
