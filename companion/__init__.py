"""Helpers shared by every chapter of the companion: data loading, charts, the Sphinx extension.

Paths are resolved from this package's location, never from the working directory,
so a chapter runs the same from the book build, from JupyterLab or from anywhere else.
"""
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DATA_DIR = ROOT / "data"
BOOK_DIR = ROOT / "book"
BIBLIOGRAPHY = BOOK_DIR / "references.bib"
REPORT = DATA_DIR / "report" / "report.txt"
