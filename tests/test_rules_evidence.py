"""Evidence counts in the rule files: schema, loader, and agreement with the knowledge file."""

from __future__ import annotations

from pathlib import Path

import pytest

from hpdgenomics.engine.loader import load_rules
from hpdgenomics.engine.rules import EvidenceCount
from hpdgenomics.errors import RuleError

RULE_WITH_COUNT = """
schema_version: 1
category: hpd_risk
rules:
  - id: TEST-COUNT
    title: Test count
    gene: MDM2
    alteration: {{class: amplification}}
    tumour_types: [ALL]
    strength: emerging
    strength_reason: A test rule with a count in its evidence.
    interpretation: A test rule with a count in its evidence.
    evidence:
      - citation: "Kato S, et al. Clin Cancer Res 2017"
        pmid: "28351930"
        finding: Four of six amplified patients had hyperprogression.
        verification: verified
        count: {count}
"""


def test_kato_count_is_loaded_as_data() -> None:
    rule = load_rules().get("MDM2-AMP-HPD")
    counts = [e.count for e in rule.evidence if e.count is not None]
    assert counts == [EvidenceCount(4, 6, "MDM2/MDM4-amplified patients had hyperprogression")]
    assert counts[0].describe() == "4 of 6 MDM2/MDM4-amplified patients had hyperprogression"


def test_every_count_agrees_with_its_finding_sentence() -> None:
    """The finding sentence was written from the knowledge file; a count must not contradict it."""
    words = {1: "one", 2: "two", 3: "three", 4: "four", 6: "six", 10: "ten"}
    seen = 0
    for rule in load_rules().rules:
        for evidence in rule.evidence:
            if evidence.count is None:
                continue
            seen += 1
            text = evidence.finding.lower()
            for number in (evidence.count.events, evidence.count.total):
                assert str(number) in text or words.get(number, "?") in text, (rule.id, number)
    assert seen >= 5


def test_a_count_with_more_events_than_patients_is_refused(tmp_path: Path) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text(RULE_WITH_COUNT.format(count="{events: 7, total: 6, outcome: had HPD}"))
    with pytest.raises(RuleError, match="events must be between 0 and total") as caught:
        load_rules([bad])
    assert "bad.yaml" in str(caught.value)


def test_a_count_without_its_outcome_is_a_schema_error(tmp_path: Path) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text(RULE_WITH_COUNT.format(count="{events: 4, total: 6}"))
    with pytest.raises(RuleError, match="outcome"):
        load_rules([bad])
