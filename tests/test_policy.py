"""The level policy (docs/level_policy.md), case by case, on small hand-built profiles."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from hpdgenomics.engine import decide_hpd_risk, evaluate, load_rules
from hpdgenomics.engine.policy import RiskReason, summarise
from hpdgenomics.model import (
    AlterationKind,
    ConsequenceClass,
    CopyNumberCall,
    CopyNumberState,
    Coverage,
    CoverageGap,
    GeneScope,
    Sample,
    SampleProfile,
    SmallVariant,
)

RULES = load_rules()
BOTH = Coverage(small_variants=GeneScope.everything(), copy_number=GeneScope.everything(),
                small_variant_basis="test", copy_number_basis="test")
SMALL_ONLY = Coverage(small_variants=GeneScope.everything(), small_variant_basis="test")


def amp(gene: str, copies: float = 14) -> CopyNumberCall:
    return CopyNumberCall(gene=gene, state=CopyNumberState.AMPLIFICATION, copy_number=copies)


def snv(gene: str, change: str, consequence: ConsequenceClass = ConsequenceClass.MISSENSE) -> SmallVariant:
    return SmallVariant(gene=gene, chrom="1", pos=1, ref="A", alt="T", consequence_class=consequence,
                        protein_change=change)


def level(*alterations, tumour_type: str | None = "LUAD", coverage: Coverage = BOTH):
    profile = SampleProfile(
        sample=Sample("S1", tumour_type=tumour_type), coverage=coverage, qc=(), inputs=(),
        variants=tuple(a for a in alterations if isinstance(a, SmallVariant)),
        copy_number=tuple(a for a in alterations if isinstance(a, CopyNumberCall)),
    )
    evaluation = evaluate(profile, RULES)
    return decide_hpd_risk(evaluation, RULES, tumour_type), evaluation


def test_strong_finding_sets_high() -> None:
    risk, _ = level(amp("MDM2"))
    assert risk.level == "high"
    assert [(r.rule_id, r.role) for r in risk.reasons if r.role == "sets_level"] == [("MDM2-AMP-HPD", "sets_level")]
    assert "MDM2 amplification (copy number 14)" in risk.summary


def test_moderate_finding_sets_elevated() -> None:
    risk, _ = level(amp("MDM4"), tumour_type="BLCA")  # MDM4 alone re-graded to moderate (issue 13)
    assert risk.level == "elevated"


def test_egfr_outside_nsclc_is_emerging_and_excluded_in_nsclc() -> None:
    egfr = snv("EGFR", "p.L858R")
    risk, _ = level(egfr, tumour_type="BLCA")
    assert risk.level == "none_detected"
    assert ("EGFR-HPD-NON-NSCLC", "supporting", "emerging") in {(r.rule_id, r.role, r.strength) for r in risk.reasons}
    luad = level(egfr, tumour_type="LUAD")[0]  # excluded in NSCLC (LUAD inherits NSCLC)
    assert {r.role for r in luad.reasons} == {"assessed"}


def test_strong_beats_moderate_and_keeps_it_as_supporting() -> None:
    risk, _ = level(amp("MDM2"), amp("MDM4"), tumour_type="BLCA")
    assert risk.level == "high"
    roles = {r.rule_id: r.role for r in risk.reasons}
    assert roles["MDM2-AMP-HPD"] == "sets_level" and roles["MDM4-AMP-HPD"] == "supporting"


def test_emerging_findings_never_raise_the_level() -> None:
    risk, _ = level(snv("AKT1", "p.E17K"), snv("DNMT3A", "p.R882H"))
    assert risk.level == "none_detected"
    assert {r.rule_id for r in risk.reasons if r.role != "assessed"} == {"AKT1-E17K-HPD", "DNMT3A-HPD"}
    assert {r.rule_id for r in risk.reasons if r.role == "assessed"} == {"MDM2-AMP-HPD", "MDM4-AMP-HPD"}


def test_missing_copy_number_makes_it_not_assessable() -> None:
    risk, evaluation = level(coverage=SMALL_ONLY)
    assert risk.level == "not_assessable"
    assert {r.rule_id for r in risk.reasons if r.role == "not_assessed"} == {"MDM2-AMP-HPD", "MDM4-AMP-HPD"}
    assert {("MDM2", "copy_number"), ("MDM4", "copy_number")} <= {(g.gene, g.kind) for g in evaluation.not_assessed}


def test_a_gap_in_one_gene_is_not_negative() -> None:
    coverage = Coverage(small_variants=GeneScope.everything(), copy_number=GeneScope.everything(),
                        gaps=(CoverageGap("MDM2", AlterationKind.COPY_NUMBER, "no segment over MDM2"),))
    risk, _ = level(coverage=coverage)
    assert risk.level == "not_assessable" and "MDM2" in risk.summary


def test_finding_still_counts_when_key_events_are_unassessed() -> None:
    coverage = Coverage(small_variants=GeneScope.everything(), copy_number=GeneScope.everything(),
                        gaps=(CoverageGap("MDM2", AlterationKind.COPY_NUMBER, "no segment over MDM2"),))
    risk, _ = level(amp("MDM4"), tumour_type="BLCA", coverage=coverage)
    assert risk.level == "elevated" and "Not assessed: MDM2 amplification." in risk.summary


def test_conditional_findings_are_listed_but_do_not_set_the_level() -> None:
    # The 11q13 rules are limited to HCC; without a tumour type they are conditional.
    risk, evaluation = level(amp("CCND1"), tumour_type=None)
    assert risk.level == "none_detected"
    assert [f.rule.id for f in evaluation.findings if f.conditional] == ["CCND1-AMP-HPD-HCC"]
    assert ("CCND1-AMP-HPD-HCC", "conditional") in {(r.rule_id, r.role) for r in risk.reasons}
    risk, evaluation = level(amp("CCND1"), tumour_type="HCC")  # re-graded to emerging (one cohort of 20)
    assert risk.level == "none_detected" and [f.strength for f in evaluation.findings] == ["emerging"]


@pytest.mark.parametrize(("variants", "status"), [
    ((), "met"),
    ((snv("TP53", "p.R273H"),), "not_met"),
])
def test_tp53_qualifier_for_mdm2_inhibitors(variants, status: str) -> None:
    _, evaluation = level(amp("MDM2"), *variants, tumour_type="DDLS")
    finding = next(f for f in evaluation.findings if f.rule.id == "MDM2-AMP-MDM2-INHIBITOR")
    brigimadlin = next(t for t in finding.therapies if t.drugs == ("brigimadlin",))
    assert brigimadlin.qualifiers[0].gene == "TP53" and brigimadlin.qualifiers[0].status == status
    assert brigimadlin.usable is (status == "met")


def test_tp53_qualifier_is_unknown_when_tp53_was_not_assessed() -> None:
    coverage = Coverage(small_variants=GeneScope.of({"EGFR"}), copy_number=GeneScope.everything(),
                        small_variant_basis="EGFR-only panel")
    _, evaluation = level(amp("MDM2"), tumour_type="DDLS", coverage=coverage)
    finding = next(f for f in evaluation.findings if f.rule.id == "MDM2-AMP-MDM2-INHIBITOR")
    assert {q.status for t in finding.therapies for q in t.qualifiers if q.gene == "TP53"} == {"unknown"}
    assert all(not t.usable or "unknown" in {q.status for q in t.qualifiers} for t in finding.therapies)


@pytest.mark.parametrize(("alterations", "status"), [
    ((amp("CDK4"),), "met"),
    ((), "not_met"),
])
def test_cdk4_co_amplification_qualifier(alterations, status: str) -> None:
    _, evaluation = level(amp("MDM2"), *alterations, tumour_type="DDLS")
    finding = next(f for f in evaluation.findings if f.rule.id == "MDM2-AMP-MDM2-INHIBITOR")
    combination = next(t for t in finding.therapies if t.drugs == ("siremadlin", "ribociclib"))
    assert {q.gene: q.status for q in combination.qualifiers} == {"TP53": "met", "CDK4": status}
    assert combination.usable is (status == "met")


def test_cdk4_qualifier_is_unknown_without_copy_number_of_cdk4() -> None:
    coverage = Coverage(small_variants=GeneScope.everything(), copy_number=GeneScope.of({"MDM2"}),
                        small_variant_basis="test", copy_number_basis="MDM2 FISH only")
    _, evaluation = level(amp("MDM2"), tumour_type="DDLS", coverage=coverage)
    finding = next(f for f in evaluation.findings if f.rule.id == "MDM2-AMP-MDM2-INHIBITOR")
    combination = next(t for t in finding.therapies if t.drugs == ("siremadlin", "ribociclib"))
    assert {q.gene: q.status for q in combination.qualifiers} == {"TP53": "met", "CDK4": "unknown"}


def test_resistance_mutation_cancels_first_generation_tki() -> None:
    _, evaluation = level(snv("EGFR", "p.L858R"), snv("EGFR", "p.T790M"))
    finding = next(f for f in evaluation.findings if f.rule.id == "EGFR-L858R-TKI")
    by_drug = {t.drugs: t for t in finding.therapies}
    assert by_drug[("erlotinib",)].cancelled_by == ("p.T790M",) and not by_drug[("erlotinib",)].usable
    assert by_drug[("osimertinib",)].usable


GOLDEN_REPORTS = sorted((Path(__file__).parent / "golden").glob("**/*.hpd.json"))


@pytest.mark.parametrize("path", GOLDEN_REPORTS, ids=lambda p: p.parent.name + "/" + p.name)
def test_every_golden_summary_is_generated_from_its_own_reasons(path: Path) -> None:
    """The summary sentence says nothing its reasons list and hyperprogression gaps do not (issue 13)."""
    risk = json.loads(path.read_text(encoding="utf-8"))
    document = risk
    risk = document["hpd_risk"]
    reasons = [RiskReason(**r) for r in risk["reasons"]]
    gaps = [g["alteration_class"] if g["alteration_class"].startswith(g["gene"]) else
            f"{g['gene']} {g['alteration_class']}" for g in document["not_assessed"] if "hpd_risk" in g["categories"]]
    assert risk["summary"] == summarise(risk["level"], reasons, gaps)
    for reason in reasons:  # and every reason is named in it
        if reason.role != "assessed" or risk["level"] == "none_detected":
            assert f"{reason.gene} {reason.alteration}" in risk["summary"]


def test_none_detected_never_claims_no_moderate_evidence_beside_a_conditional_moderate_finding() -> None:
    risk, _ = level(amp("EGFR"), tumour_type=None)
    assert risk.level == "none_detected"
    # EGFR outside NSCLC is emerging since issue 13's re-grading; the summary still names it with its strength.
    assert any(r.role == "conditional" and r.strength == "emerging" for r in risk.reasons)
    assert "strong or moderate" not in risk.summary
    assert "EGFR amplification (copy number 14), emerging evidence, conditional on the tumour type" in risk.summary


def test_copy_number_only_none_detected_names_the_small_variant_rules_not_assessed() -> None:
    cn_only = Coverage(copy_number=GeneScope.everything(), copy_number_basis="test")
    risk, _ = level(coverage=cn_only)
    assert risk.level == "none_detected"
    assert "assessed and not found: MDM2 amplification, MDM4 amplification" in risk.summary
    assert "Not assessed for the other hyperprogression rules:" in risk.summary and "AKT1 p.E17K" in risk.summary
