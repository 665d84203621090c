"""Load the companion's datasets, validated against data/datapackage.json by frictionless.

Every dataset is a CSV in data/ described in the data package: field types, units and
constraints, a primary key, and a foreign key from `source` to the keys of
book/references.bib. A file that breaks any rule raises one DataError naming the file,
the row, the column and the rule, so nothing downstream draws a chart from bad data.
"""
from __future__ import annotations

import json
import re
from pathlib import Path

import pandas as pd
from frictionless import Package

from companion import BIBLIOGRAPHY, DATA_DIR, ROOT, anchors, bib

DATAPACKAGE = DATA_DIR / "datapackage.json"
BIBLIOGRAPHY_RESOURCE = "bibliography"

# Columns that bound one span: the first may not exceed the second in any row. Frictionless
# checks one cell at a time, so the companion checks these pairs itself.
ORDERED_PAIRS = (("fighters_low", "fighters_high"), ("period_start", "period_end"), ("date", "end_date"))

# Plain-English names for frictionless error types, used in DataError messages.
RULES = {
    "type-error": "wrong type",
    "constraint-error": "constraint broken",
    "missing-cell": "missing value",
    "extra-cell": "extra value",
    "primary-key": "duplicate primary key",
    "unique-error": "duplicate value",
    "foreign-key": "unknown source key",
    "blank-row": "blank row",
    "missing-label": "missing column",
    "extra-label": "unexpected column",
    "incorrect-label": "wrong column name",
    "duplicate-label": "duplicate column name",
    "blank-label": "blank column name",
}


class DataError(ValueError):
    """A data file breaks its schema. Carries where and which rule, for tests and readers.

    `row` counts rows as a spreadsheet does: the header is row 1, the first data row is row 2.
    """

    def __init__(self, path: Path, row: int | None, column: str | None, rule: str, detail: str):
        self.path, self.row, self.column, self.rule, self.detail = path, row, column, rule, detail
        where = [_display(path)]
        if row is not None:
            where.append(f"row {row}")
        if column is not None:
            where.append(f"column '{column}'")
        super().__init__(f"{', '.join(where)}: {rule}: {detail}")


def _display(path: Path) -> str:
    try:
        return str(Path(path).resolve().relative_to(ROOT))
    except ValueError:
        return str(path)


def bibliography_keys(bib_path: Path = BIBLIOGRAPHY) -> set[str]:
    """The citation keys defined in the companion's bibliography."""
    return set(bib.entries(bib_path).keys())


def descriptor(data_dir: Path = DATA_DIR, bib_path: Path = BIBLIOGRAPHY) -> dict:
    """The data package descriptor with the bibliography resource filled from references.bib."""
    package_path = Path(data_dir) / "datapackage.json"
    with package_path.open(encoding="utf-8") as fh:
        desc = json.load(fh)
    for resource in desc["resources"]:
        if resource["name"] == BIBLIOGRAPHY_RESOURCE:
            resource["data"] = [["key"]] + [[key] for key in sorted(bibliography_keys(bib_path))]
    return desc


def anchored_fields(resource) -> dict[str, float]:
    """{field: scale} for the fields the data package marks as values anchored to their locator's words."""
    return {f.name: float(f.to_dict().get("anchorScale", 1)) for f in resource.schema.fields if f.to_dict().get("anchored")}


def check_anchors(frame: pd.DataFrame, resource, path: Path) -> None:
    """Every value is read in its locator's words (companion.anchors); the first row that breaks a rule raises."""
    anchored = anchored_fields(resource)
    if not anchored:
        return
    context = tuple(f.name for f in resource.schema.fields if f.to_dict().get("anchorContext"))
    for at, row in enumerate(frame.to_dict("records")):
        broken = anchors.check_row(row, anchored, context)
        if broken:
            first = broken[0]
            more = f" (and {len(broken) - 1} more)" if len(broken) > 1 else ""
            raise DataError(path, at + 2, first.column, first.rule, first.detail + more)


# The inventories: the report's own figures and forecasts (the quote is the locator), the search log and the
# audit of the report's sources: records about the report, not cited data.
INVENTORY = ("claims", "claims_excluded", "forecasts", "forecast_readings", "forecast_corrections", "readings", "argument", "corrections", "searches",
             "report_sources", "publishers", "reading_lists")


# Cited findings: each row quotes its source, but states a finding in words rather than a figure, so it has
# nothing to anchor (the evidence behind judged forecasts).
FINDINGS = ("forecast_evidence",)


def dataset_names(data_dir: Path = DATA_DIR) -> list[str]:
    """Names of the CSV datasets the data package describes."""
    return [r["name"] for r in descriptor(data_dir)["resources"] if "path" in r]


def figure_datasets(data_dir: Path = DATA_DIR) -> list[str]:
    """The datasets of independent figures: every row cites a source and a locator."""
    return [name for name in dataset_names(data_dir) if name not in INVENTORY]


def dataset_path(name: str, data_dir: Path = DATA_DIR) -> Path:
    for resource in descriptor(data_dir)["resources"]:
        if resource["name"] == name and "path" in resource:
            return Path(data_dir) / resource["path"]
    raise KeyError(f"no dataset named {name!r} in {_display(Path(data_dir) / 'datapackage.json')}; "
                   f"known: {', '.join(dataset_names(data_dir))}")


def validate(name: str, data_dir: Path = DATA_DIR, bib_path: Path = BIBLIOGRAPHY) -> Package:
    """Raise DataError for the first rule the dataset breaks; return the validated data package."""
    data_dir = Path(data_dir)
    path = dataset_path(name, data_dir)
    if not path.is_file():
        raise DataError(path, None, None, "missing file", "the data package lists it but it does not exist")
    text = path.read_text(encoding="utf-8")
    if not text.strip():
        raise DataError(path, None, None, "empty file", "no header and no rows")
    if len([line for line in text.splitlines() if line.strip()]) < 2:
        raise DataError(path, None, None, "empty file", "a header but no data rows")

    package = Package(descriptor(data_dir, bib_path), basepath=str(data_dir))
    report = package.get_resource(name).validate()
    if report.valid:
        return package
    errors = report.flatten(["type", "rowNumber", "fieldName", "cell", "note", "message"])
    if not errors:  # a failure frictionless reports at task level (unreadable file, bad schema)
        raise DataError(path, None, None, "unreadable", "; ".join(str(e) for e in report.errors))
    kind, row, column, cell, note, message = errors[0]
    rule, detail = RULES.get(kind, kind), note or message
    constraint = re.match(r'constraint "(\w+)" is "(.*)"', note or "")
    if kind == "type-error":
        expected = (note or "").split('"')[1].split("/")[0] if '"' in (note or "") else "the schema's type"
        detail = f"{cell!r} is not a valid {expected}"
    elif kind == "constraint-error" and constraint and constraint.group(1) == "required":
        rule, detail = "missing required value", "the cell is empty but the column is required"
    elif kind == "constraint-error" and constraint:
        rule = f"constraint broken ({constraint.group(1)})"
        detail = f"{cell!r} breaks {constraint.group(1)} = {constraint.group(2)}"
    elif kind == "primary-key":
        column = ", ".join(package.get_resource(name).schema.primary_key)
        detail = f"this row repeats another row's key: {note}"
    elif kind == "foreign-key":
        column = "source"
        detail = f"{note}; add the entry to {_display(Path(bib_path))} or fix the key"
    more = len(errors) - 1
    if more:
        detail += f" (and {more} more error{'s' if more > 1 else ''} in this file)"
    raise DataError(path, row, column, rule, detail)


def load(name: str, data_dir: Path = DATA_DIR, bib_path: Path = BIBLIOGRAPHY) -> pd.DataFrame:
    """Validate data/<name>.csv against its schema and return it with typed columns.

    Dates become datetime64, integers nullable Int64, numbers float64; everything else is text.
    """
    resource = validate(name, data_dir, bib_path).get_resource(name)
    fields = resource.schema.fields
    rows = [[row[f.name] for f in fields] for row in resource.read_rows()]
    frame = pd.DataFrame(rows, columns=[f.name for f in fields])
    for field in fields:
        if field.type in ("date", "datetime"):
            frame[field.name] = pd.to_datetime(frame[field.name])
        elif field.type == "integer":
            frame[field.name] = frame[field.name].astype("Int64")
        elif field.type == "number":
            frame[field.name] = frame[field.name].astype("float64")
        else:
            frame[field.name] = frame[field.name].astype("string")
    for first, second in ORDERED_PAIRS:
        if first in frame and second in frame:
            broken = frame.index[(frame[first] > frame[second]).fillna(False).astype(bool)]
            if len(broken):
                at = broken[0]
                raise DataError(dataset_path(name, data_dir), int(at) + 2, second, f"{second} before {first}",
                                f"{frame.at[at, second]} is less than {first} {frame.at[at, first]}; "
                                "a span must not end before it starts")
    check_anchors(frame, resource, dataset_path(name, data_dir))
    frame.attrs["dataset"] = name
    frame.attrs["path"] = _display(dataset_path(name, data_dir))
    return frame
