"""Bundled rules: schema, citations traceable to the knowledge file, loader errors and user overrides."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from hpdgenomics.engine.loader import bundled_rule_files, load_rules
from hpdgenomics.errors import RuleError
from hpdgenomics.genome import oncotree

from .conftest import SHARED

KNOWLEDGE = SHARED / "knowledge"
# Identifiers not in the knowledge file, each marked partly_verified/unverified and explained in docs/rules_curation.md.
OUTSIDE_KNOWLEDGE = {"28890946"}


def all_evidence():
    for rule in load_rules().rules:
        yield rule.id, rule.evidence
        for therapy in rule.therapies:
            yield rule.id, therapy.evidence


def test_every_rule_has_well_formed_evidence() -> None:
    ruleset = load_rules()
    assert len(ruleset.rules) >= 30
    for rule_id, evidence in all_evidence():
        for entry in evidence:
            assert entry.pmid or entry.doi, rule_id
            assert entry.pmid is None or re.fullmatch(r"[1-9][0-9]{0,8}", entry.pmid), rule_id
            assert entry.doi is None or re.fullmatch(r"10\.[0-9]{4,9}/\S+", entry.doi), rule_id
    assert all(rule.evidence for rule in ruleset.rules)


def test_identifiers_come_from_the_knowledge_file() -> None:
    if not KNOWLEDGE.exists():
        pytest.skip("../shared/knowledge is not available")
    text = "\n".join(p.read_text(encoding="utf-8") for p in KNOWLEDGE.glob("*.md"))
    for rule_id, evidence in all_evidence():
        for entry in evidence:
            if entry.pmid in OUTSIDE_KNOWLEDGE:
                assert entry.verification != "verified", rule_id
                continue
            for identifier in filter(None, (entry.pmid, entry.doi)):
                assert identifier in text, f"{rule_id}: {identifier} is not in ../shared/knowledge"


def test_tumour_types_are_oncotree_codes() -> None:
    for rule in load_rules().rules:
        codes = [*rule.tumour_types, *rule.exclude_tumour_types]
        codes += [c for t in rule.therapies for c in (*t.tumour_types, *t.exclude_tumour_types)]
        for code in codes:
            assert code == "ALL" or oncotree.is_known(code), f"{rule.id}: {code}"


def test_key_events_are_mdm2_and_mdm4_amplification() -> None:
    keys = {(r.gene, r.alteration.describe()) for r in load_rules().rules if r.key_event}
    assert keys == {("MDM2", "amplification"), ("MDM4", "amplification")}


def test_rule_files_are_one_per_category() -> None:
    assert [p.name for p in bundled_rule_files()] == ["clinical_factors.yaml", "hpd_risk.yaml", "ici_benefit.yaml",
                                                      "ici_resistance.yaml", "targetable.yaml"]


def test_user_file_overrides_a_rule_by_id(tmp_path: Path) -> None:
    extra = tmp_path / "site.yaml"
    extra.write_text("""
schema_version: 1
category: hpd_risk
rules:
  - id: DNMT3A-HPD
    title: "DNMT3A (site policy: hotspot only)"
    gene: DNMT3A
    alteration: {protein_change: p.R882H}
    tumour_types: [ALL]
    strength: emerging
    strength_reason: Local policy restricts the rule to the R882 hotspot.
    interpretation: DNMT3A R882H has been listed among HPD correlates.
    evidence:
      - citation: "Kato S, et al. Clin Cancer Res 2017"
        pmid: "28351930"
        finding: Listed as an HPD correlate; numbers not verified.
        verification: unverified
""")
    bundled = load_rules()
    ruleset = load_rules([extra])
    assert len(ruleset.rules) == len(bundled.rules)
    assert ruleset.get("DNMT3A-HPD").alteration.describe() == "p.R882H"
    assert ruleset.sha256 != bundled.sha256
    assert [f.bundled for f in ruleset.files][-1] is False


@pytest.mark.parametrize(("text", "message"), [
    ("schema_version: 1\ncategory: hpd_risk\nrules:\n  - id: X-Y\n    title: t\n", "X-Y"),
    ("schema_version: 1\ncategory: nonsense\nrules: []\n", "category"),
    ("rules: [\n", "YAML"),
    ("!!python/object/apply:os.system ['echo hacked']\n", "YAML"),
])
def test_bad_rule_files_name_the_file_and_rule(tmp_path: Path, text: str, message: str) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text(text)
    with pytest.raises(RuleError, match=message) as caught:
        load_rules([bad])
    assert "bad.yaml" in str(caught.value)


def test_validation_record_is_current() -> None:
    """rules/VALIDATED.json lets start-up skip the schema pass for unchanged bundled files; it must match them."""
    import json

    from hpdgenomics.engine.loader import VALIDATED_FILE, bundled_rules_dir, validation_record

    recorded = json.loads((bundled_rules_dir() / VALIDATED_FILE).read_text(encoding="utf-8"))
    assert recorded == validation_record(), "run: python scripts/validate_bundled_rules.py"


def test_an_edited_bundled_file_is_validated_in_full(tmp_path: Path) -> None:
    from hpdgenomics.engine.loader import parse_rule_file

    source = bundled_rule_files()[0]
    edited = tmp_path / source.name
    edited.write_bytes(source.read_bytes().replace(b"schema_version: 1", b"schema_version: 2", 1))
    with pytest.raises(RuleError, match="schema error"):
        parse_rule_file(edited, trusted=True)  # bytes not in the record: the schema runs and refuses them
