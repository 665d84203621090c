"""Helpers shared by every chapter of the companion: data loading, charts, the Sphinx extension.

Paths are resolved from this package's location, never from the working directory,
so a chapter runs the same from the book build, from JupyterLab or from anywhere else.
"""
import os
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DATA_DIR = ROOT / "data"
BOOK_DIR = ROOT / "book"
BIBLIOGRAPHY = BOOK_DIR / "references.bib"
REPORT = DATA_DIR / "report" / "report.txt"
STATIC_DIR = Path(__file__).resolve().parent / "static"  # companion.css and the book's own scripts
# Set to "book" by `make book` and the Sphinx extension: cards, tables and charts render for the
# built pages; anywhere else (JupyterLab, a script) they render for a notebook.
RENDERER_ENV = "COMPANION_CHART_RENDERER"


def in_book_build() -> bool:
    return os.environ.get(RENDERER_ENV) == "book"


def inline_style() -> str:
    """The book loads companion.css on every page; in Jupyter a card or table brings it along."""
    return "" if in_book_build() else f"<style>{(STATIC_DIR / 'companion.css').read_text(encoding='utf-8')}</style>"
