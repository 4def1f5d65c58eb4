"""rules/README.md is current, and the knowledge map accounts for every entry of the knowledge file."""

from __future__ import annotations

import re

import pytest
from click.testing import CliRunner

from hpdgenomics.cli import cli
from hpdgenomics.engine.loader import bundled_rules_dir, load_rules
from hpdgenomics.engine.ruledocs import load_knowledge_map, render_rule_docs

from .conftest import SHARED

KNOWLEDGE = SHARED / "knowledge" / "hpd_evidence.md"


def test_committed_rules_readme_is_current() -> None:
    committed = (bundled_rules_dir() / "README.md").read_text(encoding="utf-8")
    assert committed == render_rule_docs(load_rules()), "run: hpdgenomics rules docs -o rules/README.md"


def test_rules_docs_command_prints_the_same_text() -> None:
    result = CliRunner().invoke(cli, ["rules", "docs"])
    assert result.exit_code == 0 and result.output == render_rule_docs(load_rules())


def test_every_rule_is_in_the_knowledge_map_and_every_mapped_rule_exists() -> None:
    ids = {rule.id for rule in load_rules().rules}
    mapped = {rule_id for entry in load_knowledge_map() for rule_id in entry.rules}
    assert mapped - ids == set(), "the knowledge map names rules that do not exist"
    assert ids - mapped == set(), "rules missing from rules/curation/knowledge_map.yaml"


def test_left_out_entries_say_why() -> None:
    for entry in load_knowledge_map():
        assert entry.rules or (entry.left_out and len(entry.left_out) > 20), entry


def _table_rows(text: str) -> list[str]:
    """'§<n> <first column>' of every data row of the §1, §3 and §4 tables, markup removed."""
    rows = []
    for section in re.split(r"\n## ", text):
        number = section.split(".", 1)[0].strip()
        if number not in ("1", "3", "4"):
            continue
        for line in section.splitlines():
            if not line.startswith("| ") or line.startswith("|---"):
                continue
            first = line.split("|")[1].replace("**", "").strip()
            if first in ("Alteration (as studied)", "Marker", "Alteration"):
                continue
            rows.append(f"§{number} {first}")
    return rows


def test_every_knowledge_row_and_citation_code_is_accounted_for() -> None:
    if not KNOWLEDGE.exists():
        pytest.skip("../shared/knowledge is not available")
    text = KNOWLEDGE.read_text(encoding="utf-8")
    entries = load_knowledge_map()
    listed = [row for entry in entries for row in entry.rows]
    rows = _table_rows(text)
    assert len(rows) > 60
    missing = [row for row in rows if not any(row.startswith(prefix) for prefix in listed)]
    assert missing == [], f"knowledge rows not in the knowledge map: {missing}"
    unused = [prefix for prefix in listed if not any(row.startswith(prefix) for row in rows)]
    assert unused == [], f"knowledge map rows that match nothing in the knowledge file: {unused}"
    key = text.split("## 6a. Citation key", 1)[1].split("\n## ", 1)[0]
    codes = set(re.findall(r"^\| (C[0-9]+) \|", key, flags=re.MULTILINE))
    assert len(codes) > 25
    refs = {ref for entry in entries for ref in entry.refs}
    assert codes - refs == set(), "citation codes not in the knowledge map"
