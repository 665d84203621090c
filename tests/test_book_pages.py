"""The built pages, read as files: nothing loaded from outside, every link resolves, the report
quoted but never republished, chapters titled as the report titles its sections."""
from __future__ import annotations

import re
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urldefrag, urlparse

import pytest
from pybtex.database import parse_file

from companion import BIBLIOGRAPHY, BOOK_DIR, ROOT, report

pytestmark = pytest.mark.book

# Attributes through which a page loads something (as opposed to linking to it with <a>).
LOADING_ATTRIBUTES = {"src", "srcset", "poster", "data", "action", "formaction", "background"}


class PageParser(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.loads: list[tuple[str, str, str]] = []   # (tag, attribute, url)
        self.links: list[str] = []                   # <a href>
        self.ids: set[str] = set()
        self.h1: list[str] = []
        self.text: list[str] = []
        self._in_h1 = self._skip = 0

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        for name in ("id", "name"):
            if attrs.get(name):
                self.ids.add(attrs[name])
        for name, value in attrs.items():
            if value and name in LOADING_ATTRIBUTES:
                self.loads.append((tag, name, value))
        if tag == "link" and attrs.get("href"):
            self.loads.append((tag, "href", attrs["href"]))
        if tag == "meta" and (attrs.get("http-equiv") or "").lower() == "refresh":
            self.loads.append((tag, "content", (attrs.get("content") or "").split("url=")[-1]))
        if tag == "a" and attrs.get("href"):
            self.links.append(attrs["href"])
        if tag == "h1":
            self._in_h1 += 1
            self.h1.append("")
        if tag in ("script", "style"):
            self._skip += 1

    def handle_endtag(self, tag):
        if tag == "h1":
            self._in_h1 -= 1
        if tag in ("script", "style"):
            self._skip -= 1

    def handle_data(self, data):
        if self._in_h1:
            self.h1[-1] += data
        if not self._skip:
            self.text.append(data)


def parse(path: Path) -> PageParser:
    parser = PageParser()
    parser.feed(path.read_text(encoding="utf-8"))
    return parser


def is_outside(url: str) -> bool:
    parsed = urlparse(url.strip())
    return bool(parsed.netloc) or parsed.scheme not in ("", "data", "blob")


@pytest.fixture(scope="module")
def pages(built_book):
    from pagecheck import html_pages

    return {path: parse(path) for path in html_pages(built_book)}


def test_the_book_has_every_page(built_book, pages):
    names = {p.relative_to(built_book).as_posix() for p in pages}
    expected = {f"book/{p.stem}.html" for p in BOOK_DIR.glob("*.md")}
    assert expected <= names


def test_no_page_loads_anything_from_another_host(pages):
    offenders = [(p.name, tag, attr, url) for p, parsed in pages.items()
                 for tag, attr, url in parsed.loads if is_outside(url)]
    assert offenders == []


def test_no_stylesheet_or_script_in_the_book_names_a_url_it_would_fetch(built_book):
    offenders = []
    for path in list(built_book.rglob("*.css")):
        for url in re.findall(r"url\(\s*['\"]?([^)'\"]+)", path.read_text(errors="ignore")):
            if is_outside(url):
                offenders.append((path.name, url))
    for path in built_book.rglob("*.html"):
        for url in re.findall(r"""@import\s+["']?(https?://[^"')\s]+)""", path.read_text()):
            offenders.append((path.name, url))
    assert offenders == []


def test_outside_links_are_plain_links_to_sources_never_loads(pages):
    # <a href="https://..."> opens a source when clicked; it loads nothing with the page.
    external = {url for parsed in pages.values() for url in parsed.links if is_outside(url)}
    assert all(urlparse(url).scheme in ("https", "http", "mailto") for url in external)


def test_every_internal_link_and_anchor_resolves(built_book, pages):
    broken = []
    for path, parsed in pages.items():
        for href in parsed.links:
            if is_outside(href) or href.startswith(("data:", "javascript:")):
                continue
            target, fragment = urldefrag(href)
            target_path = (path.parent / unquote(target)).resolve() if target else path
            if target_path.is_dir():
                target_path = target_path / "index.html"
            if not target_path.is_file():
                broken.append((path.name, href, "no such file"))
                continue
            if fragment and target_path.suffix == ".html":
                ids = pages[target_path].ids if target_path in pages else parse(target_path).ids
                if unquote(fragment) not in ids:
                    broken.append((path.name, href, "no such anchor"))
    assert broken == []


def test_every_cite_key_in_the_book_is_in_the_bibliography():
    keys = set(parse_file(str(BIBLIOGRAPHY), bib_format="bibtex").entries)
    cited = set()
    for md in BOOK_DIR.glob("*.md"):
        for group in re.findall(r"\{cite(?::\w+)?\}`([^`]+)`", md.read_text()):
            cited.update(k.strip() for k in group.split(","))
    assert cited, "the book cites nothing"
    assert cited <= keys, cited - keys


def test_the_report_is_quoted_but_never_published_whole(built_book, pages):
    text = report.text()
    for path in built_book.rglob("*"):
        if path.is_file():
            assert path.read_bytes() != text.encode(), path
    published = report.fold(" ".join(" ".join(p.text) for p in pages.values()))
    paragraphs = [report.fold(p) for p in re.split(r"\n\s*\n", text) if len(report.fold(p)) > 300]
    assert len(paragraphs) > 20
    republished = [p[:60] for p in paragraphs if p in published]
    assert republished == []


def test_chapters_are_titled_with_the_reports_own_headings(built_book, pages):
    chapter_files = sorted(BOOK_DIR.glob("ch[1-8]_*.md"))
    assert len(chapter_files) == 8
    for number, md in enumerate(chapter_files, start=1):
        parsed = pages[built_book / "book" / f"{md.stem}.html"]
        title = re.sub(r"\s+", " ", parsed.h1[0]).strip().rstrip("#").strip()
        assert title == report.SECTION_HEADINGS[number - 1]


def test_money_renders_as_money_and_no_page_needs_mathjax(built_book, pages):
    chapter1 = built_book / "book" / "ch1_territorial_losses.html"
    assert "US$81 million" in " ".join(pages[chapter1].text)
    for path, parsed in pages.items():
        assert not any("mathjax" in url.lower() for _, _, url in parsed.loads), path.name
        assert 'class="math' not in path.read_text(), path.name


def test_the_book_ships_vega_alone_in_the_version_its_charts_are_compiled_for(built_book):
    import vl_convert

    vendor = built_book / "_static" / "vendor"
    shipped = (vendor / "vega.min.js").read_text()
    assert f'.version="{vl_convert.get_vega_version()}"' in shipped
    assert "sourceMappingURL" not in shipped
    assert sorted(p.name for p in vendor.glob("*.js")) == ["vega.min.js"]  # no vega-lite, no vega-embed


def test_chapter_one_carries_its_charts_and_their_data(built_book):
    html = (built_book / "book" / "ch1_territorial_losses.html").read_text()
    assert html.count('class="companion-chart-view"') == 3
    assert html.count("Data behind this chart") == 3
    assert "vendor/vega.min.js" in html
    assert "vendor/vega.min.js" not in (built_book / "book" / "methods.html").read_text()  # no chart, no scripts


def test_no_thebe_and_a_default_theme_mode(built_book, pages):
    for path in pages:
        html = path.read_text()
        assert "thebe" not in html.lower(), path.name
        if path != built_book / "index.html":  # the root page only redirects
            assert 'dataset.mode = localStorage.getItem("mode") || "light"' in html, path.name


def test_the_root_page_is_a_proper_redirect_to_the_introduction(built_book):
    html = (built_book / "index.html").read_text()
    assert html.startswith("<!DOCTYPE html>") and '<html lang="en">' in html
    assert "<title>Territory lost, threat remaining? A companion to Ayub (2018)</title>" in html
    assert 'content="0; url=book/intro.html"' in html


# --- What the book says about the report and about itself (issue 14) ----------------------------

def page_text(html_dir: Path, name: str) -> str:
    parser = PageParser()
    parser.feed((html_dir / "book" / name).read_text())
    # Sphinx's smart quotes turn ' into ’ in prose; the tests quote with plain apostrophes.
    return " ".join("".join(parser.text).split()).replace("’", "'")


def test_the_report_can_be_found_from_the_intro_and_the_teachers_guide(built_book):
    publication = report.publication()
    for name in ("intro.html", "teachers_guide.html"):
        html = (built_book / "book" / name).read_text()
        assert f'href="{publication.url}"' in html, name
        text = page_text(built_book, name)
        assert "Spearhead Research, 23 January 2018" in text and "read on its publisher's page" in text, name


def test_the_methods_page_states_the_replies_and_corrections_policy_once(built_book):
    text = page_text(built_book, "methods.html")
    # companion_errors_to is empty while the book is not hosted: the page says so and how to report an error.
    assert "This book is not yet hosted" in text and "opening an issue in the project's repository" in text
    assert "A reply from the author, Fatima Ayub, or from the report's publisher, Spearhead Research" in text
    assert "has not yet been sent to the author or the publisher" in text
    assert text.count("A reply from the author") == 1
    assert "no longer online" not in text and "describes the reach of this book, not the author" in text
    for chapter in sorted((built_book / "book").glob("ch*.html")):
        assert "A reply from the author" not in chapter.read_text(), chapter.name  # never inside a card


def test_teaching_follows_the_data(built_book):
    """The corrected solutions and sentences are in the built book, with their numbers computed."""
    ch9 = page_text(built_book, "ch9_what_happened_next.html")
    assert ("The rule refuses: “the selected rows of indicators_by_year mix definitions between the baseline and "
            "the window”" in ch9)
    assert "2016 also had 10 completed attacks, so the score stays “borne out”" in ch9
    ch2 = page_text(built_book, "ch2_not_eliminated.html")
    assert "US intelligence reports, January 2016: 100 countries" in ch2
    assert "September 2015" not in ch2 and "more than 30,000 foreign fighters from roughly 100 countries" in ch2
    ch5 = page_text(built_book, "ch5_resurgence.html")
    assert "not scored in this companion" not in ch5 and "What happened next" in ch5


def test_a_claim_card_can_be_cited_and_keeps_the_rule_apart_from_the_commentary(built_book):
    """The id is a self-link with a visible permalink; the methods page explains a card and how to cite one."""
    chapter = (built_book / "book" / "ch2_not_eliminated.html").read_text(encoding="utf-8")
    card = chapter.split('id="claim-ch2-new-york-attack-october-2017"', 1)[1].split("</section>", 1)[0]
    assert '<a class="claim-id" href="#claim-ch2-new-york-attack-october-2017">' in card
    assert 'class="claim-permalink" href="#claim-ch2-new-york-attack-october-2017"' in card
    assert card.index('class="claim-why"') < card.index('class="claim-note"')
    methods = page_text(built_book, "methods.html")
    assert "How to read a claim card" in methods
    assert "book/ch2_not_eliminated.html#claim-ch2-new-york-attack-october-2017" in methods
    assert 'id="example-claim-' in (built_book / "book" / "methods.html").read_text(encoding="utf-8")


def test_no_chart_draws_the_reports_own_words_as_data():
    """A chart may mark the report's figures (report_marks), never plot its quotations as if they were data."""
    import jupytext

    for path in sorted((ROOT / "book").glob("ch*.md")):
        for cell in jupytext.read(path).cells:
            if cell.cell_type == "code" and "charts.figure(" in cell.source:
                assert '["quote"]' not in cell.source and "ledger.claim(" not in cell.source, path.name


THEME_MACROS = "static/webpack-macros.html"
ICON_SCRIPT = "_static/scripts/fontawesome.js"


def test_the_theme_macros_copy_differs_from_the_theme_only_by_the_icon_script():
    """book/_templates keeps the installed theme's macros whole but for its 1.5 MB icon script."""
    import pydata_sphinx_theme

    theme = (Path(pydata_sphinx_theme.__file__).parent / "theme" / "pydata_sphinx_theme" / THEME_MACROS).read_text()
    ours = (BOOK_DIR / "_templates" / THEME_MACROS).read_text()
    dropped = [line for line in theme.splitlines() if line not in ours.splitlines()]
    added = [line for line in ours.splitlines() if line not in theme.splitlines()]
    assert len(dropped) == 2 and ICON_SCRIPT in dropped[1] and "custom icons" in dropped[0]
    assert added and all(line.strip().startswith(("<!--", "already draws")) or "-->" in line for line in added), added


def test_no_page_loads_the_theme_icon_script(built_book):
    pages = list(built_book.rglob("*.html"))
    assert pages and not [p.name for p in pages if f'src="{ICON_SCRIPT}' in p.read_text() or
                          re.search(r'src="[./]*' + re.escape(ICON_SCRIPT), p.read_text())]
