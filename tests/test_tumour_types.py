"""Tumour-type scope of rules and therapies: OncoTree parent matching, exclusions, conditional findings."""

from __future__ import annotations

import pytest

from hpdgenomics.engine import evaluate, load_rules
from hpdgenomics.engine.policy import decide_hpd_risk
from hpdgenomics.engine.tumour_types import Scope, condition, lineage, scope_of
from hpdgenomics.model import (
    ConsequenceClass,
    Coverage,
    GeneScope,
    Microsatellites,
    MsiStatus,
    Rearrangement,
    Sample,
    SampleProfile,
    SmallVariant,
    TumourMutationalBurden,
)

RULES = load_rules()
BOTH = Coverage(small_variants=GeneScope.everything(), copy_number=GeneScope.everything(),
                structural=GeneScope.everything(), small_variant_basis="test", copy_number_basis="test")


@pytest.mark.parametrize(("tumour_type", "include", "exclude", "scope"), [
    ("LUAD", ["NSCLC"], [], Scope.APPLIES),  # LUAD's parent is NSCLC
    ("LUSC", ["NSCLC"], [], Scope.APPLIES),
    ("SCLC", ["NSCLC"], [], Scope.OTHER_TUMOUR_TYPE),  # small cell is not non-small cell
    ("DDLS", ["LIPO"], [], Scope.APPLIES),  # dedifferentiated liposarcoma under liposarcoma
    ("LUAD", ["ALL"], ["NSCLC"], Scope.OTHER_TUMOUR_TYPE),  # an exclusion reaches the children too
    ("BLCA", ["ALL"], ["NSCLC"], Scope.APPLIES),
    ("AML", ["ALL"], ["HEMATOPOIETIC"], Scope.OTHER_TUMOUR_TYPE),  # "solid tumours" rules exclude the heme tree
    (None, ["ALL"], [], Scope.APPLIES),
    (None, ["NSCLC"], [], Scope.CONDITIONAL),  # unknown tumour type: kept as conditional, never dropped
    (None, ["ALL"], ["NSCLC"], Scope.CONDITIONAL),
    # An ancestor of the rule's type may or may not be it: conditional, for inclusions and exclusions alike.
    ("LUNG", ["NSCLC"], [], Scope.CONDITIONAL),
    ("LUNG", ["ALL"], ["NSCLC"], Scope.CONDITIONAL),  # never applied as if the lung tumour were known not NSCLC
    ("NSCLC", ["LUAD"], [], Scope.CONDITIONAL),
    ("BREAST", ["NSCLC"], [], Scope.OTHER_TUMOUR_TYPE),
    ("BREAST", ["ALL"], ["NSCLC"], Scope.APPLIES),
    ("MLUAD", ["LUAD"], [], Scope.APPLIES),
])
def test_scope_with_oncotree_parents(tumour_type, include, exclude, scope) -> None:
    assert scope_of(tumour_type, include, exclude) is scope


@pytest.mark.parametrize(("tumour_type", "include", "exclude", "words"), [
    ("LUNG", ["NSCLC"], [], "LUNG may or may not be NSCLC: applies only if it is (give the subtype to decide)"),
    ("LUNG", ["ALL"], ["NSCLC"], "LUNG may or may not be NSCLC: applies only if it is not (give the subtype"),
    (None, ["HCC"], [], "tumour type not given; the rule covers HCC"),
    (None, ["ALL"], ["NSCLC"], "tumour type not given; the rule covers every tumour type except NSCLC"),
    ("LUAD", ["NSCLC"], [], None),
])
def test_condition_says_why_a_scope_is_conditional(tumour_type, include, exclude, words) -> None:
    said = condition(tumour_type, include, exclude)
    assert said == words if words is None else said is not None and said.startswith(words)


def test_lung_egfr_l858r_no_exclusion_fires_and_tkis_stay_conditional() -> None:
    """--tumour-type LUNG with EGFR L858R: the non-NSCLC rule does not raise the level, the EGFR TKIs are listed
    conditional on the NSCLC subtype, and the STK11/KEAP1 rules are not dropped as out of scope."""
    def variant(gene: str, change: str, consequence=ConsequenceClass.MISSENSE) -> SmallVariant:
        return SmallVariant(gene=gene, chrom="7", pos=1, ref="T", alt="G", consequence_class=consequence,
                            protein_change=change)
    profile = _profile(variant("EGFR", "p.L858R"), variant("STK11", "p.Q37*", ConsequenceClass.NONSENSE),
                       variant("KEAP1", "p.R470C"), tumour_type="LUNG")
    evaluation = evaluate(profile, RULES)
    by_rule = {f.rule.id: f for f in evaluation.findings}
    non_nsclc = by_rule.get("EGFR-HPD-NON-NSCLC")
    assert non_nsclc is None or non_nsclc.scope is Scope.CONDITIONAL
    risk = decide_hpd_risk(evaluation, RULES, "LUNG")
    assert all(r.role != "sets_level" for r in risk.reasons if r.rule_id == "EGFR-HPD-NON-NSCLC")
    assert risk.level not in ("high", "elevated")
    egfr = [f for f in evaluation.findings if f.rule.category == "targetable" and f.rule.subject == "EGFR"]
    assert egfr and all(t.scope is Scope.CONDITIONAL for f in egfr for t in f.therapies if "NSCLC" in t.tumour_types)
    assert not {"STK11", "KEAP1"} & {RULES.get(r).subject for r in evaluation.rules_out_of_scope  # type: ignore
                                     if RULES.get(r) is not None}
    assert {"STK11", "KEAP1"} <= {f.rule.subject for f in evaluation.findings}


def test_lineage_reaches_the_tissue() -> None:
    assert lineage("LUAD")[:3] == ["LUAD", "NSCLC", "LUNG"]


def _profile(*alterations, tumour_type=None, tmb=None, msi=None) -> SampleProfile:
    return SampleProfile(
        sample=Sample("S1", tumour_type=tumour_type), coverage=BOTH, qc=(), inputs=(),
        variants=tuple(a for a in alterations if isinstance(a, SmallVariant)), copy_number=(),
        rearrangements=tuple(a for a in alterations if isinstance(a, Rearrangement)), tmb=tmb, msi=msi,
    )


def test_targetable_rule_of_one_tumour_type_is_conditional_without_one_and_absent_in_another() -> None:
    g12c = SmallVariant(gene="KRAS", chrom="12", pos=1, ref="C", alt="A",
                        consequence_class=ConsequenceClass.MISSENSE, protein_change="p.G12C")
    by_type = {t: {f.rule.id: f for f in evaluate(_profile(g12c, tumour_type=t), RULES).findings}
               for t in (None, "LUAD", "PRAD")}
    assert by_type[None]["KRAS-G12C-INHIBITOR"].conditional
    assert not by_type["LUAD"]["KRAS-G12C-INHIBITOR"].conditional
    assert "KRAS-G12C-INHIBITOR" not in by_type["PRAD"]
    # Therapies carry their own scope: in colorectal cancer the anti-EGFR antibodies alone are resistance (R1).
    crc = {f.rule.id: f for f in evaluate(_profile(g12c, tumour_type="COAD"), RULES).findings}
    levels = {t.drugs: (t.level, t.scope) for t in crc["KRAS-G12C-INHIBITOR"].therapies}
    assert levels[("cetuximab",)] == ("R1", Scope.APPLIES) and levels[("sotorasib",)][1] is Scope.OTHER_TUMOUR_TYPE


def test_fusion_rules_and_solid_tumour_scope() -> None:
    ret = Rearrangement(genes=("KIF5B", "RET"), kind="fusion")

    def ids(profile: SampleProfile) -> set[str]:
        return {f.rule.id for f in evaluate(profile, RULES).findings}

    assert "RET-FUSION-SELPERCATINIB" in ids(_profile(ret, tumour_type="THPA"))
    assert "RET-FUSION-SELPERCATINIB" not in ids(_profile(ret, tumour_type="AML"))
    intragenic = Rearrangement(genes=("RET",), kind="rearrangement")
    assert "RET-FUSION-SELPERCATINIB" not in ids(_profile(intragenic, tumour_type="THPA"))


@pytest.mark.parametrize(("tmb", "msi", "expected"), [
    (10.0, None, {"TMB-HIGH-PEMBROLIZUMAB"}),
    (9.99, None, set()),
    (None, MsiStatus.MSI_HIGH, {"MSI-HIGH-PEMBROLIZUMAB"}),
    (None, MsiStatus.STABLE, set()),
    (None, MsiStatus.INDETERMINATE, set()),
])
def test_benefit_biomarker_thresholds(tmb, msi, expected) -> None:
    profile = _profile(tmb=TumourMutationalBurden(tmb, "test") if tmb is not None else None,
                       msi=Microsatellites(msi, "test") if msi is not None else None, tumour_type="COAD")
    benefit = {f.rule.id for f in evaluate(profile, RULES).findings if f.rule.category == "ici_benefit"}
    assert benefit == expected
