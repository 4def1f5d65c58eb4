"""The significance classes in the engine: what counts for a rule, what is listed apart, and curator context."""

from __future__ import annotations

from hpdgenomics.engine import decide_hpd_risk, evaluate, load_rules
from hpdgenomics.model import (
    ConsequenceClass,
    CopyNumberCall,
    CopyNumberState,
    Coverage,
    GeneScope,
    Sample,
    SampleProfile,
    SmallVariant,
)
from hpdgenomics.model.alterations import Origin, Rearrangement
from hpdgenomics.model.biomarkers import Microsatellites, MsiStatus

RULES = load_rules()
ALL = Coverage(small_variants=GeneScope.everything(), copy_number=GeneScope.everything(),
               structural=GeneScope.everything(), small_variant_basis="test", copy_number_basis="test")
C = ConsequenceClass


def snv(gene: str, change: str, consequence: ConsequenceClass = C.MISSENSE, **extra) -> SmallVariant:
    return SmallVariant(gene=gene, chrom="1", pos=1, ref="A", alt="T", consequence_class=consequence,
                        protein_change=change, **extra)


def run(*alterations, tumour_type: str | None = "BLCA", msi: Microsatellites | None = None):
    profile = SampleProfile(
        sample=Sample("S1", tumour_type=tumour_type), coverage=ALL, qc=(), inputs=(), msi=msi,
        variants=tuple(a for a in alterations if isinstance(a, SmallVariant)),
        copy_number=tuple(a for a in alterations if isinstance(a, CopyNumberCall)),
        rearrangements=tuple(a for a in alterations if isinstance(a, Rearrangement)),
    )
    evaluation = evaluate(profile, RULES)
    return evaluation, decide_hpd_risk(evaluation, RULES, tumour_type)


def findings(evaluation) -> dict[str, object]:
    return {f.rule.id: f for f in evaluation.findings}


def test_a_vus_in_an_oncogene_sets_nothing_and_is_listed_apart() -> None:
    evaluation, risk = run(snv("EGFR", "p.S912A"), snv("EGFR", "p.V148fs", C.FRAMESHIFT))
    assert "EGFR-HPD-NON-NSCLC" not in findings(evaluation)
    assert risk.level == "none_detected" and {r.role for r in risk.reasons} == {"assessed"}  # key events only
    listed = {(u.variant.label, u.variant.significance) for u in evaluation.variants_of_unknown_significance}
    assert listed == {("p.S912A", "vus"), ("p.V148fs", "truncating")}  # truncating does not count for an oncogene
    assert all("EGFR-HPD-NON-NSCLC" in u.rule_ids for u in evaluation.variants_of_unknown_significance)


def test_an_annotated_oncogenic_variant_counts() -> None:
    evaluation, _ = run(snv("EGFR", "p.S912A", input_oncogenicity="ONCOGENIC: Oncogenic"))
    assert "EGFR-HPD-NON-NSCLC" in findings(evaluation)
    assert not evaluation.variants_of_unknown_significance


def test_stk11_vus_is_not_resistance_and_truncating_states_kras_context() -> None:
    evaluation, _ = run(snv("STK11", "p.H168R"), tumour_type="LUAD")
    assert "STK11-ICI-RESISTANCE-LUAD" not in findings(evaluation)
    evaluation, _ = run(snv("STK11", "p.Q37*", C.NONSENSE), tumour_type="LUAD")
    caveats = findings(evaluation)["STK11-ICI-RESISTANCE-LUAD"].caveats
    assert any("no KRAS driver variant found" in c and "Krishnamurthy 2021" in c for c in caveats)
    evaluation, _ = run(snv("STK11", "p.Q37*", C.NONSENSE), snv("KRAS", "p.G12C"), tumour_type="LUAD")
    assert any(c.startswith("KRAS p.G12C present") for c in findings(evaluation)["STK11-ICI-RESISTANCE-LUAD"].caveats)


def test_jak1_single_frameshift_is_emerging_without_a_second_hit() -> None:
    frameshift = snv("JAK1", "p.K860fs", C.FRAMESHIFT)
    one = findings(run(frameshift)[0])["JAK1-ICI-RESISTANCE"]
    assert one.strength == "emerging" and one.rule.strength == "moderate"
    assert any("single JAK1 hit" in c for c in one.caveats)
    second = findings(run(frameshift, snv("JAK1", "p.L431fs", C.FRAMESHIFT))[0])["JAK1-ICI-RESISTANCE"]
    assert second.strength == "moderate"
    loh = CopyNumberCall(gene="JAK1", state=CopyNumberState.LOSS, copy_number=1, loh=True)
    assert findings(run(frameshift, loh)[0])["JAK1-ICI-RESISTANCE"].strength == "moderate"
    no_loh = CopyNumberCall(gene="JAK1", state=CopyNumberState.NEUTRAL, copy_number=2, loh=False)
    assert findings(run(frameshift, no_loh)[0])["JAK1-ICI-RESISTANCE"].strength == "emerging"


def test_in_msi_high_tumours_a_second_frameshift_is_no_second_hit() -> None:
    msi = Microsatellites(status=MsiStatus.MSI_HIGH, source="test")
    two = [snv("JAK1", "p.K860fs", C.FRAMESHIFT), snv("JAK1", "p.P430fs", C.FRAMESHIFT)]
    evaluation, _ = run(*two, msi=msi)
    jak1 = [f for f in evaluation.findings if f.rule.id == "JAK1-ICI-RESISTANCE"]
    assert [f.strength for f in jak1] == ["emerging", "emerging"]
    assert "MSI-high" in jak1[0].caveats[0]
    assert "MSI-HIGH-PEMBROLIZUMAB" in findings(evaluation)
    loh = CopyNumberCall(gene="JAK1", state=CopyNumberState.LOSS, copy_number=1, loh=True)
    assert {f.strength for f in run(*two, loh, msi=msi)[0].findings if f.rule.id == "JAK1-ICI-RESISTANCE"} == {
        "moderate"}
    nonsense = snv("JAK1", "p.Q503*", C.NONSENSE)
    assert findings(run(two[0], nonsense, msi=msi)[0])["JAK1-ICI-RESISTANCE"].strength == "moderate"


def test_clonal_haematopoiesis_caution_is_stronger_at_low_vaf_or_without_matched_normal() -> None:
    low = findings(run(snv("DNMT3A", "p.R882H", vaf=0.04, origin=Origin.SOMATIC))[0])["DNMT3A-HPD"]
    assert low.caveats[0].startswith("strong caution: VAF 4% is low") and "Jaiswal 2014" in low.caveats[0]
    unknown = findings(run(snv("DNMT3A", "p.R882H", vaf=0.4))[0])["DNMT3A-HPD"]
    assert "matched normal" in unknown.caveats[0]
    somatic = findings(run(snv("DNMT3A", "p.R882H", vaf=0.4, origin=Origin.SOMATIC))[0])["DNMT3A-HPD"]
    assert somatic.caveats[0].startswith("caution:")
    assert "DNMT3A-HPD" not in findings(run(snv("DNMT3A", "p.S714C"))[0])  # a VUS


def test_vhl_is_no_hpd_flag_in_clear_cell_renal_cancer() -> None:
    vhl = snv("VHL", "p.S65*", C.NONSENSE)
    assert "VHL-HPD" in findings(run(vhl, tumour_type="BLCA")[0])
    assert "VHL-HPD" not in findings(run(vhl, tumour_type="CCRCC")[0])


def test_intragenic_egfr_rearrangement_matches_the_egfr_rules() -> None:
    kdd = Rearrangement(genes=("EGFR",), kind="rearrangement", sv_class="DUPLICATION",
                        description="EGFR kinase-domain duplication")
    assert "EGFR-HPD-NON-NSCLC" in findings(run(kdd, tumour_type="ESCC")[0])
    assert "EGFR-ICI-LOW-RESPONSE-NSCLC" in findings(run(kdd, tumour_type="LUAD")[0])
    fusion = Rearrangement(genes=("EGFR", "SEPTIN14"), kind="fusion")
    assert "EGFR-HPD-NON-NSCLC" not in findings(run(fusion, tumour_type="ESCC")[0])


def test_brca2_deep_deletion_is_level_1_in_prostate_and_3b_elsewhere() -> None:
    deletion = CopyNumberCall(gene="BRCA2", state=CopyNumberState.DEEP_DELETION, copy_number=0)
    prostate = findings(run(deletion, tumour_type="PRAD")[0])["BRCA2-OLAPARIB-PROSTATE"]
    assert [(t.drugs, t.level) for t in prostate.therapies if t.tumour_types == ("PROSTATE",)] == [(("olaparib",), "1")]
    bladder = findings(run(deletion, tumour_type="BLCA")[0])["BRCA2-OLAPARIB-PROSTATE"]
    assert {t.level for t in bladder.therapies} == {"3B"}
    assert all("listed as Level 3B" in t.note for t in bladder.therapies)


def test_t790m_is_level_1_and_erbb2_amplification_level_1_in_colorectal() -> None:
    t790m = findings(run(snv("EGFR", "p.T790M"), tumour_type="LUAD")[0])["EGFR-T790M-OSIMERTINIB"]
    assert [t.level for t in t790m.therapies] == ["1"]
    erbb2 = CopyNumberCall(gene="ERBB2", state=CopyNumberState.AMPLIFICATION, copy_number=12)
    crc = findings(run(erbb2, tumour_type="COAD")[0])["ERBB2-AMP-HER2-THERAPY"]
    levels = {t.drugs: t.level for t in crc.therapies if t.tumour_types == ("COADREAD",)}
    assert levels[("tucatinib", "trastuzumab")] == "1"
    assert next(t for t in crc.therapies if t.drugs == ("tucatinib", "trastuzumab")).qualifiers[0].gene == "KRAS"


def test_a_tp53_vus_leaves_the_mdm2_inhibitor_qualifier_unknown() -> None:
    amp = CopyNumberCall(gene="MDM2", state=CopyNumberState.AMPLIFICATION, copy_number=20)
    evaluation, _ = run(amp, snv("TP53", "p.P47S"), tumour_type="DDLS")
    statuses = {q.status for t in findings(evaluation)["MDM2-AMP-MDM2-INHIBITOR"].therapies for q in t.qualifiers
                if q.gene == "TP53"}
    assert statuses == {"unknown"}
