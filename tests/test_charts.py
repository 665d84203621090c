"""The chart theme and renderers, and the parts of Altair's output the book relies on."""
import hashlib
import json
import re

import altair as alt
import pandas as pd
import pytest

from companion import ROOT, charts, vega
from companion.sphinxext import VENDOR_SCRIPTS, strip_source_map, vendor_files

NODE_MODULES = ROOT / "node_modules"


def npm_version(package):
    return json.loads((NODE_MODULES / package / "package.json").read_text())["version"]


def test_the_build_compiles_with_the_vega_lite_altair_writes_specs_for():
    import vl_convert

    assert alt.VEGALITE_VERSION.startswith(vega.VEGALITE_VERSION + ".")
    assert vega.VEGALITE_VERSION in vl_convert.get_vegalite_versions()


def test_shipped_vega_is_the_version_the_compiler_targets():
    import vl_convert

    assert npm_version("vega") == vl_convert.get_vega_version()
    assert npm_version("vega").split(".")[0] == alt.VEGA_VERSION.split(".")[0]


def test_package_lock_pins_exactly_what_package_json_asks():
    wanted = json.loads((ROOT / "package.json").read_text())["dependencies"]
    locked = json.loads((ROOT / "package-lock.json").read_text())["packages"]
    for name, version in wanted.items():
        assert re.fullmatch(r"\d+\.\d+\.\d+", version), f"{name} is not pinned exactly"
        assert locked[f"node_modules/{name}"]["version"] == version


def test_vendor_scripts_are_umd_builds_that_set_globals():
    for source, _ in vendor_files():
        head = source.read_text()[:400]
        assert "globalThis" in head, source
    assert [p for p, _ in VENDOR_SCRIPTS] == ["vega"]  # charts arrive compiled: no vega-lite, no vega-embed


def test_source_map_comments_are_stripped():
    assert strip_source_map("code();\n//# sourceMappingURL=x.js.map\n") == "code();\n"


def sample_chart():
    frame = pd.DataFrame({"year": [2015, 2016, 2017], "km2": [90800, 60400, 36200]})
    return alt.Chart(frame).mark_line().encode(x="year:O", y="km2:Q")


def test_altair_puts_dataframe_rows_in_top_level_datasets():
    spec = sample_chart().to_dict()
    (name, rows), = spec["datasets"].items()
    assert spec["data"] == {"name": name}
    assert rows[0] == {"year": 2015, "km2": 90800}
    assert spec["$schema"].endswith(f"v{alt.VEGALITE_VERSION}.json")


def test_figure_requires_title_source_and_description():
    for missing in ("title", "source", "description"):
        kwargs = {"title": "T", "source": "S", "description": "D", missing: "  "}
        with pytest.raises(ValueError, match=missing):
            charts.figure(sample_chart(), **kwargs)


def test_figure_puts_the_source_line_under_the_title():
    spec = charts.figure(sample_chart(), title="Finding", source="IHS", description="Desc",
                         subtitle="Units").to_dict()
    assert spec["title"] == {"text": "Finding", "subtitle": ["Units", "Source: IHS"]}
    assert spec["description"] == "Desc"
    assert spec["usermeta"]["companion"]["narrow"] == {"title": ["Finding"], "subtitle": ["Units", "Source: IHS"]}


def test_a_title_is_one_line_and_detail_goes_to_the_subtitle():
    fits = "x" * charts.TITLE_MAX
    assert charts.figure(sample_chart(), title=fits, source="S", description="D").to_dict()["title"]["text"] == fits
    with pytest.raises(ValueError, match="move the detail to the subtitle"):
        charts.figure(sample_chart(), title=fits + "y", source="S", description="D")


@pytest.fixture
def fresh_ids(monkeypatch):
    monkeypatch.setattr(charts, "_ids_seen", charts.Counter())


def test_book_renderer_output(fresh_ids):
    spec = charts.figure(sample_chart(), title="Finding", source="IHS", description="A line.").to_dict()
    html = charts.book_renderer(spec)["text/html"]
    without_schema = {k: v for k, v in spec.items() if k != "$schema"}
    without_schema.update(width="container", autosize={"type": "fit-x", "contains": "padding"})
    expected_id = "chart-" + hashlib.sha1(json.dumps(without_schema, sort_keys=True).encode()).hexdigest()[:12]
    assert f'id="{expected_id}"' in html
    assert f'<script type="{charts.SPEC_MIMETYPE}" data-target="{expected_id}">' in html
    assert "$schema" not in html and "https://" not in html
    assert f'<figcaption id="{expected_id}-caption">A line.</figcaption>' in html
    assert '"description": "A line."' in html  # companion-charts.js names the SVG from it
    # The rows travel once, in the spec; the table and CSV are built from them in the browser.
    assert html.count("90800") == 1 and "<table" not in html and "base64" not in html
    assert f'<details class="companion-chart-details" data-chart="{expected_id}">' in html
    assert "(3 rows)" in html
    assert json.loads(html.split('data-target="' + expected_id + '">')[1].split("</script>")[0])["width"] == "container"


def test_book_renderer_ids_are_stable_and_unique_on_a_page(fresh_ids):
    spec = charts.figure(sample_chart(), title="F", source="S", description="D").to_dict()
    first = charts.book_renderer(spec)["text/html"]
    second = charts.book_renderer(spec)["text/html"]
    ids = [re.search(r'id="(chart-[0-9a-f]+(?:-\d+)?)"', h).group(1) for h in (first, second)]
    assert ids[1] == ids[0] + "-2"


def test_book_renderer_escapes_closing_script_tags(fresh_ids):
    frame = pd.DataFrame({"label": ["</script><script>alert(1)</script>"], "v": [1]})
    spec = charts.figure(alt.Chart(frame).mark_bar().encode(x="v:Q", y="label:N"),
                         title="T", source="S", description="D").to_dict()
    html = charts.book_renderer(spec)["text/html"]
    spec_json = html.split(f'type="{charts.SPEC_MIMETYPE}"')[1].split("</script>")[0]
    assert "</script" not in spec_json.lower()


def test_book_renderer_refuses_charts_without_title_or_description(fresh_ids):
    with pytest.raises(ValueError, match="title and a description"):
        charts.book_renderer(sample_chart().to_dict())


def test_setup_in_the_book_build_uses_the_book_renderer(monkeypatch):
    monkeypatch.setenv(charts.RENDERER_ENV, "book")
    assert charts.setup() == charts.BOOK_RENDERER
    assert alt.renderers.active == charts.BOOK_RENDERER
    assert alt.theme.active == charts.THEME


def test_setup_elsewhere_uses_altairs_offline_jupyter_renderer(monkeypatch):
    monkeypatch.delenv(charts.RENDERER_ENV, raising=False)
    assert charts.setup() == "jupyter"
    assert alt.renderers.active == "jupyter"
    sample_chart()._repr_mimebundle_()  # Altair applies the offline option when it renders
    assert alt.JupyterChart._is_offline
    # The offline bundle imports nothing from a CDN.
    assert not re.search(r"""(from|import\()\s*["']https?://""", alt.JupyterChart._esm)


def vega_spec_in(html: str) -> dict:
    return json.loads(html.split('type="application/vnd.companion.vega+json"')[1].split(">", 1)[1].split("</script>")[0])


def test_the_build_compiles_each_chart_to_vega_without_outside_urls(fresh_ids):
    spec = charts.figure(sample_chart(), title="Finding", source="IHS", description="A line.",
                         subtitle="Square kilometres held").to_dict()
    page = vega.compile_page("<p>before</p>" + charts.book_renderer(spec)["text/html"])
    assert charts.SPEC_MIMETYPE not in page and "https://" not in page and "$schema" not in page
    compiled = vega_spec_in(page)
    assert "marks" in compiled and compiled["data"][0]["values"][0] == {"year": 2015, "km2": 90800}
    assert 'data-label="Finding"' in page and "description" not in compiled  # the caption describes it
    # One line on a desktop column, the narrow lines on a phone: chosen by the drawn width.
    assert compiled["title"]["text"]["signal"] == (f'width >= 0 && isFinite(containerSize()[0]) && containerSize()[0] < '
                                                   f'{charts.NARROW_WIDTH} ? ["Finding"] : "Finding"')
    assert "Square kilometres held" in compiled["title"]["subtitle"]["signal"]
    assert page.count("90800") == 1
    # The book's one chart config ships once, in a script every chart page loads.
    assert "config" not in compiled and vega.book_config()["range"]["category"] == charts.PALETTE
    assert json.dumps(vega.book_config(), sort_keys=True) in vega.config_script()


def test_a_chart_vega_lite_cannot_compile_stops_the_build():
    with pytest.raises(vega.ChartCompileError, match="could not compile"):
        vega.compile_json('{"title": "Bad", "mark": "no-such-mark", "data": {"values": [{"a": 1}]}}')


def test_compiled_charts_draw_in_vega_as_svg(fresh_ids):
    import vl_convert

    spec = charts.figure(sample_chart(), title="Finding", source="IHS", description="A line.").to_dict()
    svg = vl_convert.vega_to_svg(vega_spec_in(vega.compile_page(charts.book_renderer(spec)["text/html"])))
    assert svg.startswith("<svg") and "Finding" in svg


def test_a_chart_carries_only_the_columns_it_uses_and_each_rows_source(fresh_ids):
    frame = pd.DataFrame({"year": [2015], "km2": [90800], "source": ["ihs2017"], "locator": ["p. 2"],
                          "unused_note": ["a long note nobody draws"], "figure_text": ["90,800"]})
    spec = charts.figure(alt.Chart(frame).mark_line().encode(x="year:O", y="km2:Q", tooltip=["km2:Q"]),
                         title="T", source="S", description="D").to_dict()
    html = charts.book_renderer(spec)["text/html"]
    spec_json = html.split(f'type="{charts.SPEC_MIMETYPE}"')[1].split(">", 1)[1].split("</script>")[0]
    (rows,) = json.loads(spec_json)["datasets"].values()
    assert rows == [{"year": 2015, "km2": 90800, "source": "ihs2017"}]
