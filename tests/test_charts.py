"""The chart theme and renderers, and the parts of Altair's output the book relies on."""
import hashlib
import json
import re

import altair as alt
import pandas as pd
import pytest

from companion import ROOT, charts
from companion.sphinxext import VENDOR_SCRIPTS, strip_source_map, vendor_files

NODE_MODULES = ROOT / "node_modules"


def npm_version(package):
    return json.loads((NODE_MODULES / package / "package.json").read_text())["version"]


def test_shipped_vega_lite_is_the_version_altair_writes_specs_for():
    assert npm_version("vega-lite") == alt.VEGALITE_VERSION


def test_shipped_vega_and_vega_embed_majors_match_altair():
    assert npm_version("vega").split(".")[0] == alt.VEGA_VERSION.split(".")[0]
    assert npm_version("vega-embed").split(".")[0] == alt.VEGAEMBED_VERSION.split(".")[0]


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
    assert [p for p, _ in VENDOR_SCRIPTS] == ["vega", "vega-lite", "vega-embed"]


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


@pytest.fixture
def fresh_ids(monkeypatch):
    monkeypatch.setattr(charts, "_ids_seen", charts.Counter())


def test_book_renderer_output(fresh_ids):
    spec = charts.figure(sample_chart(), title="Finding", source="IHS", description="A line.").to_dict()
    html = charts.book_renderer(spec)["text/html"]
    without_schema = {k: v for k, v in spec.items() if k != "$schema"}
    expected_id = "chart-" + hashlib.sha1(json.dumps(without_schema, sort_keys=True).encode()).hexdigest()[:12]
    assert f'id="{expected_id}"' in html
    assert f'<script type="{charts.SPEC_MIMETYPE}" data-target="{expected_id}">' in html
    assert "$schema" not in html and "https://" not in html
    assert "<figcaption>A line.</figcaption>" in html
    assert '"description": "A line."' in html  # companion-charts.js names the SVG from it
    assert "<table" in html and "90800" in html and 'download="' in html


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
