"""Sphinx extension: where to read the report, and how to answer the book.

* ``{report-citation}``: the report's full citation, from its bibliography entry (author, title,
  series, publisher, date, address), with where to read it in full. The book quotes the report
  only in part; a reader who wants the whole text goes to its publisher.
* ``{corrections-policy}``: how to report an error, what happens to a reply from the author or the
  publisher, and whether the book has been sent to them. Where errors go is one setting,
  ``companion_errors_to`` in ``_config.yml``; while it is empty the page says the book is not yet
  hosted and how to report an error through the project's repository. Rendered once, on the
  methods page, never inside a claim card.
"""
from __future__ import annotations

import datetime as dt

from docutils import nodes
from docutils.parsers.rst import Directive
from sphinx.application import Sphinx

from companion import BIBLIOGRAPHY, report

# Whether the book has been sent to the author or publisher for comment. A fact about the project,
# stated on the methods page; change it (and the sentence it selects) when it becomes untrue.
SENT_TO_AUTHOR = False


def _date(iso: str) -> str:
    return dt.date.fromisoformat(iso).strftime("%-d %B %Y")


def _text(*parts) -> nodes.paragraph:
    paragraph = nodes.paragraph()
    for part in parts:
        paragraph += part if isinstance(part, nodes.Node) else nodes.Text(part)
    return paragraph


def _link(url: str, text: str | None = None) -> nodes.reference:
    return nodes.reference("", text or url, refuri=url)


class ReportCitation(Directive):
    def run(self):
        self.state.document.settings.env.note_dependency(str(BIBLIOGRAPHY))
        pub = report.publication()
        citation = _text(f"{pub.author}, “{pub.title}”, {pub.series}, {pub.publisher}, {_date(pub.date)}. "
                         "The full report can be read on its publisher's page: ", _link(pub.url), ".")
        citation["classes"].append("report-citation")
        return [citation]


class CorrectionsPolicy(Directive):
    def run(self):
        env = self.state.document.settings.env
        env.note_dependency(str(BIBLIOGRAPHY))
        where = (env.config.companion_errors_to or "").strip()
        pub = report.publication()
        if where:
            target = where if "://" in where else f"mailto:{where}"
            report_to = _text("To report an error in a figure, a source or a verdict, write to ", _link(target, where),
                              " with the claim's identifier (for example ", nodes.literal("", "ch1-territory-lost-60-percent"),
                              "), what is wrong and the source that shows it.")
        else:
            report_to = _text("This book is not yet hosted, so it has no public address for corrections yet. Until it "
                              "has, report an error in a figure, a source or a verdict by opening an issue in the "
                              "project's repository, with the claim's identifier (for example ",
                              nodes.literal("", "ch1-territory-lost-60-percent"),
                              "), what is wrong and the source that shows it.")
        replies = _text(f"A reply from the author, {pub.author}, or from the report's publisher, {pub.publisher}, will "
                        "be published beside the verdicts it concerns, in full or, if it is long, in a fair summary "
                        "linked to the whole. A verdict that a reply or a new source moves is corrected in the data "
                        "and recomputed, and the change is recorded with its date and reason.")
        sent = _text("The book has been sent to the author and the publisher for comment." if SENT_TO_AUTHOR else
                     "The book has not yet been sent to the author or the publisher for comment.")
        section = nodes.container(classes=["corrections-policy"])
        section += [report_to, replies, sent]
        return [section]


def setup(app: Sphinx) -> dict:
    # Where readers report errors: an address (mailto) or a URL; empty while the book is not hosted.
    app.add_config_value("companion_errors_to", "", "env", types=[str])
    app.add_directive("report-citation", ReportCitation)
    app.add_directive("corrections-policy", CorrectionsPolicy)
    return {"version": "0.1", "parallel_read_safe": True, "parallel_write_safe": True}
