"""The data layer: every dataset validates, and each kind of broken file gets its own clear error."""
import csv
import shutil

import pytest
from pybtex.database import parse_file

from companion import BIBLIOGRAPHY, DATA_DIR, data


@pytest.fixture
def data_copy(tmp_path):
    target = tmp_path / "data"
    shutil.copytree(DATA_DIR, target)
    return target


def rewrite(path, transform):
    path.write_text(transform(path.read_text(encoding="utf-8")), encoding="utf-8")


@pytest.mark.parametrize("name", data.dataset_names())
def test_every_dataset_loads_with_typed_columns(name):
    frame = data.load(name)
    assert len(frame) > 0
    if name in data.figure_datasets():
        assert frame["source"].notna().all() and frame["locator"].str.len().gt(0).all()
    fields = {f["name"]: f["type"] for r in data.descriptor()["resources"] if r["name"] == name
              for f in r["schema"]["fields"]}
    for column, kind in fields.items():
        if kind == "date":
            assert str(frame[column].dtype).startswith("datetime64"), column
        if kind == "integer":
            assert str(frame[column].dtype) == "Int64", column


def test_every_csv_in_data_is_described_by_the_data_package():
    described = {data.dataset_path(name).name for name in data.dataset_names()}
    on_disk = {p.name for p in DATA_DIR.glob("*.csv")}
    assert on_disk == described


def test_every_source_behind_a_data_row_has_url_publisher_date_and_access_date():
    entries = parse_file(str(BIBLIOGRAPHY), bib_format="bibtex").entries
    used = {key for name in data.figure_datasets() for key in data.load(name)["source"]}
    for key in sorted(used):
        fields = entries[key].fields
        missing = [f for f in ("url", "publisher", "date", "urldate") if not fields.get(f)]
        assert not missing, f"{key} lacks {missing}"


# (mutation of ihs_territory.csv, expected row, column, rule). Row 2 is the first data row.
BROKEN = {
    "wrong type": (lambda t: t.replace(",90800,", ",ninety thousand,"), 2, "area_km2", "wrong type"),
    "missing required value": (lambda t: t.replace(",90800,", ",,"), 2, "area_km2", "missing required value"),
    "unknown source key": (lambda t: t.replace("ihs2016shrinks16", "no_such_key", 1), 4, "source", "unknown source key"),
    "negative count": (lambda t: t.replace(",65500,", ",-65500,"), 5, "area_km2", "constraint broken (minimum)"),
    "duplicate primary key": (lambda t: t.replace("2016-10-03,", "2016-07-04,"), 5, "date", "duplicate primary key"),
    "unparseable date": (lambda t: t.replace("2016-10-03,", "3 Oct 2016,"), 5, "date", "wrong type"),
}


@pytest.mark.parametrize("case", list(BROKEN))
def test_broken_row_names_file_row_column_and_rule(case, data_copy):
    mutate, row, column, rule = BROKEN[case]
    rewrite(data_copy / "ihs_territory.csv", mutate)
    with pytest.raises(data.DataError) as caught:
        data.load("ihs_territory", data_dir=data_copy)
    error = caught.value
    assert (error.row, error.column, error.rule) == (row, column, rule)
    message = str(error)
    assert message.startswith(str(data_copy / "ihs_territory.csv"))
    assert f"row {row}" in message and f"column '{column}'" in message and rule in message


def test_a_range_whose_high_end_is_below_its_low_end_is_refused(data_copy):
    # Soufan's 27,000-31,000 written backwards: each cell is valid, the pair is not.
    rewrite(data_copy / "foreign_fighters.csv", lambda t: t.replace(",27000,31000,", ",31000,27000,"))
    with pytest.raises(data.DataError) as caught:
        data.load("foreign_fighters", data_dir=data_copy)
    error = caught.value
    assert (error.row, error.column, error.rule) == (2, "fighters_high", "fighters_high before fighters_low")
    assert "27000 is less than fighters_low 31000" in str(error)


def test_an_event_span_that_ends_before_it_starts_is_refused(data_copy):
    rewrite(data_copy / "events.csv", lambda t: t.replace("2006-09-01,2006-11-30,", "2006-09-01,2006-08-30,"))
    with pytest.raises(data.DataError) as caught:
        data.load("events", data_dir=data_copy)
    assert caught.value.column == "end_date" and caught.value.rule == "end_date before date"


def test_wrong_type_message_quotes_the_bad_value(data_copy):
    rewrite(data_copy / "ihs_territory.csv", BROKEN["wrong type"][0])
    with pytest.raises(data.DataError, match="'ninety thousand' is not a valid integer"):
        data.load("ihs_territory", data_dir=data_copy)


def test_empty_file(data_copy):
    (data_copy / "ihs_revenue.csv").write_text("")
    with pytest.raises(data.DataError, match=r"ihs_revenue\.csv: empty file: no header and no rows") as caught:
        data.load("ihs_revenue", data_dir=data_copy)
    assert caught.value.row is None and caught.value.rule == "empty file"


def test_header_without_rows_is_empty(data_copy):
    rewrite(data_copy / "ihs_revenue.csv", lambda t: t.splitlines()[0] + "\n")
    with pytest.raises(data.DataError, match="a header but no data rows"):
        data.load("ihs_revenue", data_dir=data_copy)


def test_missing_file(data_copy):
    (data_copy / "ihs_revenue.csv").unlink()
    with pytest.raises(data.DataError, match=r"ihs_revenue\.csv: missing file") as caught:
        data.load("ihs_revenue", data_dir=data_copy)
    assert caught.value.rule == "missing file"


def test_renamed_column_is_named(data_copy):
    rewrite(data_copy / "ihs_territory.csv", lambda t: t.replace("area_km2", "area", 1))
    with pytest.raises(data.DataError) as caught:
        data.load("ihs_territory", data_dir=data_copy)
    assert caught.value.column == "area_km2" and caught.value.rule == "wrong column name"


def test_unknown_dataset_lists_the_known_ones():
    with pytest.raises(KeyError, match="ihs_territory"):
        data.load("no_such_dataset")


def test_data_is_found_from_the_package_not_the_working_directory(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    assert len(data.load("ihs_territory")) > 0


def test_figure_files_are_plain_utf8_with_source_and_locator_columns():
    for path in (data.dataset_path(name) for name in data.figure_datasets()):
        with path.open(encoding="utf-8", newline="") as fh:
            header = next(csv.reader(fh))
        assert "source" in header and "locator" in header, path.name
