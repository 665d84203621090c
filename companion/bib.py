"""Short citations from book/references.bib, for claim cards and tables outside Sphinx's {cite}."""
from __future__ import annotations

import html
from functools import lru_cache

from pybtex.database import parse_file

from companion import BIBLIOGRAPHY, DATA_DIR

PUBLISHERS = DATA_DIR / "publishers.csv"


@lru_cache(maxsize=None)
def _entries(path: str):
    return parse_file(path, bib_format="bibtex").entries


def entries(path=BIBLIOGRAPHY):
    """The parsed entries of a bibliography file (the book's own by default), parsed once per file."""
    return _entries(str(path))


# A source's standing (DESIGN.md, "Sources by standing"). The mark is what a citation shows; its key is
# printed on the methods page.
TIERS: dict[str, tuple[str, str]] = {
    "primary": ("published by the body that produced the figures it is cited for (or a copy that carries the "
                "producer's identifying text, checked as its entry says)", "P"),
    "reputable": ("a wire service, news organisation, research institute or journal that separates news from "
                  "opinion, publishes corrections and is editorially independent of the parties to these conflicts "
                  "(a wire copy carried by another paper keeps the wire's tier)", "R"),
    "other": ("anything else: kept only for what it shows, with the reason and the search for a better version in "
              "its entry; it never decides a verdict", "O"),
}
STRONG_TIERS = ("primary", "reputable")


class SourceError(ValueError):
    """A bibliography entry that breaks the rules of standing."""


def tier(key: str, path=BIBLIOGRAPHY) -> str:
    """The standing of a source: primary, reputable or other."""
    table = entries(path)
    if key not in table:
        raise SourceError(f"source {key!r} is not in {path.name}")
    value = table[key].fields.get("tier", "")
    if value not in TIERS:
        raise SourceError(f"{path.name}, entry {key!r}, field 'tier': {value!r} is not one of {', '.join(TIERS)}")
    return value


def lowest_tier(keys, path=BIBLIOGRAPHY) -> str:
    """The weakest standing among several sources (a computed figure is as strong as its weakest row)."""
    order = list(TIERS)
    return max((tier(k, path) for k in keys), key=order.index)


def standing_problems(path=BIBLIOGRAPHY) -> list[str]:
    """Every broken rule of standing in a bibliography: file, entry, field and rule."""
    problems = []
    for key, entry in entries(path).items():
        f = entry.fields
        where = f"{path.name}, entry {key!r}"
        if f.get("tier", "") not in TIERS:
            problems.append(f"{where}, field 'tier': {f.get('tier', '')!r} is not one of {', '.join(TIERS)}")
            continue
        if f["tier"] == "other" and not f.get("tier_reason", "").strip():
            problems.append(f"{where}, field 'tier_reason': an 'other' source must say why it is still cited and what "
                            "was searched for a better version")
        if f["tier"] != "other" and f.get("tier_reason", "").strip():
            problems.append(f"{where}, field 'tier_reason': only an 'other' source carries one")
        if f.get("copy_of", "").strip() and f["tier"] != "other" and not f.get("copy_check", "").strip():
            problems.append(f"{where}, field 'copy_check': a copy counts as {f['tier']} only when it carries the "
                            "producer's identifying text, and the entry says how that was checked")
    return problems


# Why a kind of publisher has the standing it has (data/publishers.csv names each publisher's kind).
# State-funded outlets are judged by the same test as any other, not by who pays for them.
PUBLISHER_KINDS: dict[str, str] = {
    "producer": "publishes its own figures: the primary for what it is cited for",
    "wire service": "a news agency that separates news from opinion and publishes corrections",
    "wire copy": "carries a wire service's report whole; the entry keeps the wire's standing",
    "public broadcaster": "a public broadcaster under a charter of editorial independence, with a corrections process",
    "US-funded broadcaster": ("funded by the US government, a party to these conflicts, but barred by statute (the US "
                              "International Broadcasting Act's firewall) from government editing of its news; it "
                              "separates news from opinion and publishes corrections, so it passes the same test"),
    "newspaper, magazine or news site": "a news organisation that separates news from opinion and publishes corrections",
    "research institute, journal or reference publisher": "an institute, journal or reference publisher with editorial review",
    "official body reporting another body's figures": "an official body relaying another body's figures with attribution",
    "state news outlet": ("a state news agency or broadcaster under the editorial control of its government (Russia and "
                          "Iran are parties to the Syrian war); never decides a verdict"),
    "partisan site": "a hyperpartisan site that does not separate news from opinion; never decides a verdict",
    "outlet aligned with a party to the conflicts": ("an outlet aligned with a government or party fighting in these "
                                                     "conflicts, or relaying one's state agency; never decides a verdict"),
    "military-sponsored regional site": ("a regional news site sponsored by a military that is a party to these conflicts "
                                         "(US Central Command's Caravanserai, Salaam Times, Diyaruna); never decides a verdict"),
    "copy, digest or aggregator": "a copy, digest or aggregator without the producer's identifying text; never decides a verdict",
    "outlet of unestablished standing": "a small outlet whose editorial and corrections policy could not be established",
}


def plain_field(key: str, name: str, path=BIBLIOGRAPHY) -> str:
    """An entry's field as a reader reads it: without BibTeX's braces and its escaped & and %."""
    return (entries(path)[key].fields.get(name, "").replace("{", "").replace("}", "").replace("\\&", "&")
            .replace("\\%", "%").strip())


def publisher_of(key: str, path=BIBLIOGRAPHY) -> str:
    return plain_field(key, "publisher", path)


def publisher_table(path=BIBLIOGRAPHY):
    """Every publisher the bibliography cites, with its tier(s) and why: for the methods page.

    Each publisher's kind comes from data/publishers.csv, validated by its schema (whose enum is
    PUBLISHER_KINDS); the kind says why a publisher of that kind has its standing."""
    import pandas as pd

    from companion import data  # data validates against this module, so it is imported here

    kinds = dict(data.load("publishers")[["publisher", "kind"]].itertuples(index=False))
    rows = {}
    for key in entries(path):
        publisher, standing = publisher_of(key, path), tier(key, path)
        if publisher not in kinds:
            raise SourceError(f"{PUBLISHERS.name}: publisher {publisher!r} (entry {key!r}) has no row; add its kind")
        row = rows.setdefault((publisher, standing), {"publisher": publisher, "tier": standing, "entries": 0,
                                                      "kind": kinds[publisher], "why": set()})
        row["entries"] += 1
        fields = entries(path)[key].fields
        row["why"].add(fields["tier_reason"] if standing == "other" else
                       f"a copy: {fields['copy_check']}" if fields.get("copy_of") else PUBLISHER_KINDS[kinds[publisher]])
    order = list(TIERS)
    table = [{**r, "why": "; ".join(sorted(r["why"]))} for r in rows.values()]
    return pd.DataFrame(sorted(table, key=lambda r: (order.index(r["tier"]), r["publisher"].lower())))


def short(key: str) -> str:
    """Author (year), with corporate authors kept whole: 'IHS Markit (2017)'."""
    entry = entries()[key]
    people = entry.persons.get("author", [])
    names = [" ".join(p.last_names) or " ".join(p.first_names) for p in people]
    author = names[0] + (" et al." if len(names) > 2 else f" and {names[1]}" if len(names) == 2 else "") if names else key
    author = author.replace("{", "").replace("}", "").replace("\\&", "&")  # BibTeX's escaped ampersand
    return f"{author} ({entry.fields.get('year', 'n.d.')})"


def plain_title(key: str) -> str:
    """An entry's title without BibTeX's braces and escapes, its en dash ("--") drawn."""
    return plain_field(key, "title").replace("--", "–")


def cite_html(key: str) -> str:
    """A short citation, with its tier mark; unknown keys are an error.

    In the book it links to the source's entry in the bibliography, which gives the title, the
    address and the date it was read (as a table's source column does, companion.tables); in
    Jupyter, where that page is not beside the card, it links to the source's address, its title
    on hover."""
    from companion import in_book_build

    if key not in entries():
        raise KeyError(f"source {key!r} is not in {BIBLIOGRAPHY.name}")
    if in_book_build():
        from companion.tables import source_link

        return source_link(key, with_title=False)
    title = html.escape(plain_title(key))
    text = html.escape(short(key))
    url = entries()[key].fields.get("url")
    link = (f'<a class="reference external" href="{html.escape(url)}" title="{title}">{text}</a>' if url
            else f'<span title="{title}">{text}</span>')
    return link + tier_mark(key)


def tier_mark(key: str) -> str:
    """The short mark of a source's standing that follows its citation (key on the methods page)."""
    standing = tier(key)
    return (f'<sup class="tier tier-{standing}" title="source tier: {standing}">'
            f'{TIERS[standing][1]}</sup>')
