"""The book's one table function, and what every built page's tables must look like."""
from __future__ import annotations

import re

import pandas as pd
import pytest
from bs4 import BeautifulSoup

from companion import bib, tables
from companion.sphinxext import plain_token_classes, same_look_classes, without_plain_spans

KEY = sorted(bib.entries())[0]


def parse(table: tables.Table):
    return BeautifulSoup(table.html, "html.parser")


def test_a_table_reads_like_print():
    frame = pd.DataFrame({"country": ["Tunisia", "Jordan"], "fighters": [6000, pd.NA],
                          "per_million": [254.25, float("nan")], "year": [2017, 2015],
                          "published": pd.to_datetime(["2017-10-24", None]), "source": [KEY, ""]})
    soup = parse(tables.table(frame.astype({"fighters": "Int64"}), caption="Fighters by country",
                              units={"fighters": "people"}, headers={"per_million": "Per million residents"}))
    assert soup.select_one("caption").get_text() == "Fighters by country"
    assert [th.get_text() for th in soup.select("thead th")] == [
        "Country", "Fighters (people)", "Per million residents", "Year", "Published", "Source"]
    assert all(th["scope"] == "col" for th in soup.select("thead th"))
    first, second = ([cell.get_text() for cell in row.find_all(["th", "td"])] for row in soup.select("tbody tr"))
    assert first[:5] == ["Tunisia", "6,000", "254.25", "2017", "24 October 2017"]
    assert second == ["Jordan", "—", "—", "2015", "—", "—"]
    assert soup.select_one("tbody th")["scope"] == "row"
    link = soup.select_one("tbody td a")
    assert link["href"] == f"bibliography.html#{tables.cite_anchor(KEY)}" and link.get_text() == bib.short(KEY)
    html = str(soup)
    assert not re.search(r"<NA>|NaN|NaT|None|<style| id=", html)


def test_a_named_index_becomes_the_first_column_and_an_unnamed_one_goes():
    named = pd.DataFrame({"value": [1]}, index=pd.Index(["a"], name="label"))
    assert [th.get_text() for th in parse(tables.table(named, caption="c")).select("thead th")] == ["Label", "Value"]
    unnamed = pd.DataFrame({"value": [1, 2]})
    assert [th.get_text() for th in parse(tables.table(unnamed, caption="c")).select("thead th")] == ["Value"]


def test_long_text_is_never_cut():
    words = "word " * 200
    assert words.strip() in parse(tables.table(pd.DataFrame({"text": [words.strip()]}), caption="c")).get_text()


def test_a_table_without_a_caption_or_with_an_unknown_column_is_refused():
    with pytest.raises(ValueError, match="caption"):
        tables.table(pd.DataFrame({"a": [1]}), caption=" ")
    with pytest.raises(KeyError, match="no column"):
        tables.table(pd.DataFrame({"a": [1]}), caption="c", units={"b": "km"})


def test_interactive_rows_carry_data_attributes_anchors_and_sort_buttons():
    frame = pd.DataFrame({"claim": ["x"], "verdict": ["close"], "anchor": ["claim-x"]})
    soup = parse(tables.table(frame, caption="c", row_data={"verdict": "verdict"}, row_ids="anchor",
                              sortable=True, table_id="t"))
    row = soup.select_one("tbody tr")
    assert row["data-verdict"] == "close" and row["id"] == "claim-x"
    assert [b.get_text() for b in soup.select("thead button.table-sort")] == ["Claim"]
    assert soup.select_one("table")["id"] == "t"


def test_in_jupyter_a_table_brings_its_style_and_in_the_book_it_does_not(monkeypatch):
    table = tables.table(pd.DataFrame({"a": [1]}), caption="c")
    monkeypatch.delenv("COMPANION_CHART_RENDERER", raising=False)
    assert table._repr_html_().startswith("<style>")
    monkeypatch.setenv("COMPANION_CHART_RENDERER", "book")
    assert table._repr_html_() == table.html


def test_only_spans_drawn_like_plain_text_are_dropped_from_highlighted_code():
    classes = plain_token_classes("a11y-high-contrast-light", "a11y-high-contrast-dark")
    assert {"n", "p", "w"} <= classes and not {"s2", "k", "c1", "o"} & classes
    code = ('<div class="highlight"><pre><span class="n">rows</span><span class="o">=</span>'
            '<span class="s2">"a"</span><span class="p">)</span></pre></div><p><span class="n">prose</span></p>')
    out = without_plain_spans(code, classes)
    assert out == ('<div class="highlight"><pre>rows<span class="o">=</span><span class="s2">"a"</span>)</pre></div>'
                   '<p><span class="n">prose</span></p>')
    # Operators and strings share one colour in both styles: one class, neighbours joined.
    same = same_look_classes("a11y-high-contrast-light", "a11y-high-contrast-dark")
    assert same["s2"] == same["sa"] == same["si"] and same.get("k") != same["s2"]
    joined = without_plain_spans('<div class="highlight"><pre><span class="sa">f</span><span class="s2">"x</span>'
                                 '<span class="si">{</span>n<span class="si">}</span></pre></div>', classes, same)
    look = same["s2"]
    assert joined == f'<div class="highlight"><pre><span class="{look}">f"x{{</span>n<span class="{look}">}}</span></pre></div>'


# --- The built book ---------------------------------------------------------------------------

def article(path):
    soup = BeautifulSoup(path.read_text(encoding="utf-8"), "html.parser")
    return soup.select_one("article.bd-article")


@pytest.mark.book
def test_no_page_shows_a_raw_dataframe_or_a_missing_value_marker(built_book):
    found = {}
    for path in sorted((built_book / "book").glob("*.html")):
        body = article(path)
        problems = [f"{len(body.select('table.dataframe'))} pandas tables"] if body.select("table.dataframe") else []
        problems += [f"per-table style: {s.get_text()[:40]}" for s in body.select("style")]
        for table in body.select("table"):
            problems += [f"{marker} in a table" for marker in ("<NA>", "NaN", "NaT") if re.search(
                rf"(?<![\w]){re.escape(marker)}(?![\w])", table.get_text())]
        if problems:
            found[path.name] = problems
    assert found == {}


@pytest.mark.book
def test_every_table_the_book_writes_has_a_caption_and_scoped_headers(built_book):
    checked = 0
    for path in sorted((built_book / "book").glob("*.html")):
        for table in article(path).select("table"):  # the book's own and the prose's Markdown tables
            caption = table.select_one("caption")
            assert caption and caption.get_text().strip(), path.name
            assert all(th.get("scope") in ("col", "row") for th in table.select("th")), path.name
            checked += 1
    assert checked > 40  # (tables in folded outputs load when opened: tests/test_folding.py)


@pytest.mark.book
def test_every_source_link_lands_on_its_bibliography_entry(built_book):
    entries = set(re.findall(r'id="(cite-[^"]+)"', (built_book / "book" / "bibliography.html").read_text()))
    assert len(entries) == len(bib.entries())
    links = set()
    for path in (built_book / "book").glob("*.html"):
        links |= set(re.findall(r'href="bibliography\.html#(cite-[^"]+)"', path.read_text(encoding="utf-8")))
    assert links and links <= entries, sorted(links - entries)[:5]


@pytest.mark.book
def test_every_class_left_in_highlighted_code_is_drawn_in_both_themes(built_book):
    css = (built_book / "_static" / "pygments.css").read_text()
    used = set()
    for path in (built_book / "book").glob("*.html"):
        for pre in re.findall(r'<div class="highlight"><pre>(.*?)</pre>', path.read_text(encoding="utf-8"), re.S):
            used |= set(re.findall(r'<span class="([\w-]+)">', pre))
    assert used
    for theme in ("light", "dark"):
        missing = {c for c in used if f'html[data-theme="{theme}"] .highlight .{c} ' not in css}
        assert not missing, (theme, sorted(missing))


def test_the_stylesheet_colours_each_verdict_and_score_as_the_rules_do():
    from companion import forecasts, ledger
    from companion import STATIC_DIR

    css = (STATIC_DIR / "companion.css").read_text()
    scales = [("verdict", name, colour) for name, (_, _, colour) in ledger.VERDICTS.items()]
    scales += [("forecast", name.replace(" ", "-"), colour) for name, (_, _, colour) in forecasts.SCORES.items()]
    for prefix, name, colour in scales:
        assert f".verdict-badge.{prefix}-{name} {{ border-color: {colour}; }}" in css, (prefix, name)
        assert f".claim-card.{prefix}-{name} {{ border-left-color: {colour}; }}" in css, (prefix, name)


def test_the_ledger_prints_the_reports_figures_with_separators_and_dashes_but_leaves_dates():
    from companion.ledger_ext import shown_figure

    assert shown_figure({"report_figure": "9000000 people", "kind": "count"}) == "9,000,000 people"
    assert shown_figure({"report_figure": "3..9 provinces", "kind": "count"}) == "3–9 provinces"
    assert shown_figure({"report_figure": "10000..20000 people", "kind": "count"}) == "10,000–20,000 people"
    assert shown_figure({"report_figure": "2016..2017 date", "kind": "period"}) == "2016–2017 date"
    assert shown_figure({"report_figure": "2014 date", "kind": "date"}) == "2014 date"
    assert shown_figure({"report_figure": "0.5 percent", "kind": "percent"}) == "0.5 percent"


def test_long_identifiers_may_wrap_after_their_separators_and_entities_stay_whole():
    soup = parse(tables.table(pd.DataFrame({"file": ["data/population_under_rule.csv"], "note": ["R&D_results_for_2017_x"]}),
                              caption="c"))
    assert soup.select_one("tbody th").get_text() == "data/population_under_rule.csv"
    assert len(soup.select("tbody th wbr")) >= 3
    assert soup.select_one("tbody td").get_text() == "R&D_results_for_2017_x"
