"""The Markdown report: sections and facts for the four examples, Markdown escaping of input strings, determinism."""

from __future__ import annotations

import copy
import re
from collections.abc import Mapping
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from hpdgenomics.report.document import SampleReport
from hpdgenomics.report.markdown import md_escape, render_markdown

from .test_html import EXAMPLES, annotate_examples

HEADINGS = ("## 2. Hyperprogression-linked findings", "## 3. Immune checkpoint inhibitor context",
            "## 4. Targetable co-alterations", "## 5. Copy number", "## 6. Not assessed and quality control",
            "## 7. Provenance")


@pytest.fixture(scope="module")
def reports() -> dict[str, SampleReport]:
    return annotate_examples()


@pytest.fixture(scope="module")
def notes(reports: Mapping[str, SampleReport]) -> dict[str, str]:
    return {level: render_markdown(report) for level, report in reports.items()}


@pytest.mark.parametrize(("level", "words"), [("high", "High"), ("elevated", "Elevated"),
                                              ("none_detected", "None detected"), ("not_assessable", "Not assessable")])
def test_sections_and_level(notes: Mapping[str, str], level: str, words: str) -> None:
    text = notes[level]
    assert text.startswith("# Hyperprogression screen — ")
    assert f"**Hyperprogression risk: {words}.**" in text
    positions = [text.index(heading) for heading in HEADINGS]
    assert positions == sorted(positions)
    assert "not a diagnosis" in text
    assert "\n\n\n" not in text


def test_high_example_facts(notes: Mapping[str, str]) -> None:
    text = notes["high"]
    row = "| MDM2 | amplification (copy number 15) | copy number 15; log2 +2.95; focal | strong | sets the level |"
    assert row in text
    assert "[PMID 28351930](<https://pubmed.ncbi.nlm.nih.gov/28351930/>)" in text
    assert "TP53 wild type: not met (TP53 p.R273H)" in text
    assert text.index("osimertinib") < text.index("brigimadlin")
    assert "| CDK4 | amplification | 7 |" in text


def test_not_assessable_lists_what_is_missing(notes: Mapping[str, str]) -> None:
    assert "- **MDM2 amplification**: no copy-number input" in notes["not_assessable"]


def test_tables_keep_their_columns(notes: Mapping[str, str]) -> None:
    for text in notes.values():
        for block in re.findall(r"(?:^\|.*\|\n)+", text, flags=re.M):
            rows = block.strip().split("\n")
            widths = {len(re.findall(r"(?<!\\)\|", row)) for row in rows}
            assert len(widths) == 1, block


def test_input_strings_are_escaped(reports: Mapping[str, SampleReport]) -> None:
    document = copy.deepcopy(dict(reports["high"].document))
    document["sample"]["id"] = "<script>alert(1)</script>"
    document["findings"][0]["interpretation"] = "a | b *bold* [link](http://evil.example) `code`"
    document["findings"][0]["gene"] = "MDM2|X"
    text = render_markdown(SampleReport(document))
    assert re.search(r"(?<!\\)<", text.replace("](<https://", "")) is None  # every "<" is escaped (links aside)
    assert "\\<script>alert(1)\\</script>" in text
    assert "a \\| b \\*bold\\* \\[link\\](http://evil.example) \\`code\\`" in text
    assert "| MDM2\\|X |" in text
    assert "](http://evil.example)" not in text.replace("\\](http://evil.example)", "")


@pytest.mark.parametrize(("raw", "escaped"), [
    ("TUMOR_LUAD1", "TUMOR_LUAD1"),  # inside a word "_" never makes emphasis: kept readable
    ("_x_", "\\_x\\_"),
    ("a|b", "a\\|b"),
    ("#heading", "\\#heading"),
    ("TMB >= 10", "TMB >= 10"),
    ("&amp; R&D", "\\&amp; R&D"),
    ("line\nbreak", "line break"),
    (None, ""),
])
def test_md_escape(raw: str | None, escaped: str) -> None:
    assert md_escape(raw) == escaped


@given(st.text())
def test_md_escape_leaves_no_markup(text: str) -> None:
    escaped = md_escape(text)
    assert "\n" not in escaped and "\r" not in escaped
    for char in "`*[]<|~":
        assert re.search(rf"(?<!\\)(\\\\)*{re.escape(char)}", escaped) is None


@pytest.mark.parametrize("level", list(EXAMPLES))
def test_deterministic_and_same_from_json(reports: Mapping[str, SampleReport], notes: Mapping[str, str],
                                          level: str, tmp_path: Path) -> None:
    assert render_markdown(reports[level]) == notes[level]
    path = tmp_path / "r.hpd.json"
    path.write_text(reports[level].to_json(), encoding="utf-8")
    assert render_markdown(SampleReport.from_json(path)) == notes[level]
