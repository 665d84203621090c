"""The teacher's guide keeps a path for a class that does not code (issue 19)."""
from __future__ import annotations

import re

from companion import BOOK_DIR, ROOT

GUIDE = (BOOK_DIR / "teachers_guide.md").read_text(encoding="utf-8")
NO_CODE = GUIDE.split("## A seminar for a class that does not code", 1)[-1]


def test_the_no_code_path_has_pre_reading_a_single_session_and_a_rubric():
    assert "## A seminar for a class that does not code" in GUIDE
    for heading in ("### Pre-reading", "### Per chapter", "### A single session (90 minutes)",
                    "### Assessing the source and argument exercises", "### If the class codes after all"):
        assert heading in NO_CODE, heading
    rubric = NO_CODE.split("### Assessing the source and argument exercises", 1)[1]
    assert all(level in rubric for level in ("Excellent", "Good", "Adequate", "Weak"))


def test_every_chapter_has_a_no_code_exercise_that_names_real_cards():
    chapters = sorted(p.stem for p in BOOK_DIR.glob("ch[1-9]_*.md"))
    claim_ids = set(re.findall(r"^(ch\d-[a-z0-9-]+),", (ROOT / "data" / "claims.csv").read_text(), re.M))
    forecast_ids = set(re.findall(r"^(f\d-[a-z0-9-]+),", (ROOT / "data" / "forecasts.csv").read_text(), re.M))
    blocks = re.split(r"\n#### ", NO_CODE.split("### Per chapter", 1)[1].split("### A single session", 1)[0])[1:]
    assert [re.search(r"\{doc\}`(ch\d_[a-z_]+)`", b).group(1) for b in blocks] == chapters
    for block in blocks:
        assert re.search(r"\*\*Exercise: (judge a claim card|find a second source|argue a reading)\.\*\*", block), block[:60]
        named = set(re.findall(r"(?<!ref\})`((?:ch\d|f\d)-[a-z0-9-]+)`", block))
        assert named and named <= claim_ids | forecast_ids, named - claim_ids - forecast_ids


def test_the_coding_path_says_how_long_the_install_takes_and_how_to_recover():
    coding = NO_CODE.split("### If the class codes after all", 1)[1]
    assert "make lab" in coding and "make install" in coding and re.search(r"\d+ seconds", coding)
