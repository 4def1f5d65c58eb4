"""Real public files from ../shared/realdata (see its PROVENANCE.md). Skipped cleanly when it is absent."""

from __future__ import annotations

import pytest

from hpdgenomics import annotate, annotate_samples
from hpdgenomics.report.document import validate_document
from hpdgenomics.request import AnnotateRequest

from .conftest import REALDATA_FIGURES, realdata

pytestmark = pytest.mark.realdata


def _balanced(report) -> bool:
    return report.document["qc"]["balanced"] and report.document["qc"]["read"] == (
        report.document["qc"]["kept"] + sum(report.document["qc"]["skipped"].values()))


def test_pcgr_legacy_vep_vcf_finds_pik3ca_h1047r() -> None:
    path = realdata("pcgr/legacy_2017-03-29_f1c9ee7/tumor_sample.BRCA.pcgr.vcf.gz")
    report = annotate(AnnotateRequest.of(vcf=path, tumour_type="BRCA"))
    validate_document(report.document)
    assert report.document["sample"]["genome_build"] == "GRCh37"  # sites-only: the build comes from the header
    pik3ca = [f for f in report.findings if f["gene"] == "PIK3CA"]
    assert [(f["rule_id"], f["alteration"], f["conditional"]) for f in pik3ca] == [
        ("PIK3CA-HOTSPOT-BREAST", "p.H1047R", False)]
    assert pik3ca[0]["variant"]["annotation"].startswith("VEP CSQ")
    assert _balanced(report)
    unscoped = annotate(AnnotateRequest.of(vcf=path))
    assert [f["conditional"] for f in unscoped.findings if f["gene"] == "PIK3CA"] == [True]


def test_cyvcf2_legacy_snpeff_eff_multisample() -> None:
    path = realdata("cyvcf2/test.snpeff.vcf")
    report = annotate(AnnotateRequest.of(vcf=path, tumour_sample="1094PC0005"))
    validate_document(report.document)
    assert report.sample_id == "1094PC0005" and _balanced(report)


def test_unannotated_pcgr_vcf_is_not_assessed_for_small_variants() -> None:
    # No ##contig lengths and no ##reference: without --build the records cannot be placed in genes.
    report = annotate(AnnotateRequest.of(vcf=realdata("pcgr/current/T001-BRCA.grch38.vcf.gz"), tumour_type="BRCA"))
    assert report.findings == [] and _balanced(report)
    assert report.document["qc"]["skipped"] == {"unannotated (no CSQ/ANN/BCSQ/EFF)": report.document["qc"]["read"]}
    assert any(g["kind"] == "small_variant" and "build is unknown" in g["reason"] for g in report.not_assessed)


@pytest.mark.parametrize(("build", "position"), [("GRCh37", "3:178952085"), ("GRCh38", "3:179234297")])
def test_pcgr_t001_brca_pik3ca_h1047_codon_from_transcript_models(build: str, position: str) -> None:
    # PIK3CA H1047R (PROVENANCE.md) is placed at c.3140A>G, codon 1047, from the bundled transcript models; without a
    # reference FASTA the residues are not determined, so the hotspot rule is reported as not assessed, never negative.
    report = annotate(AnnotateRequest.of(vcf=realdata(f"pcgr/current/T001-BRCA.{build.lower()}.vcf.gz"),
                                         tumour_type="BRCA", build=build))
    assert _balanced(report) and report.document["qc"]["read"] == 196
    gap = next(g for g in report.not_assessed if g["gene"] == "PIK3CA" and g["kind"] == "small_variant")
    assert f"{position} A>G c.3140A>G codon 1047" in gap["reason"] and "PIK3CA-HOTSPOT-BREAST" in gap["rule_ids"]
    assert "PIK3CA-HOTSPOT-BREAST" not in {f["rule_id"] for f in report.findings}


def test_vcf2maf_grch38_output_maf() -> None:
    report = annotate(AnnotateRequest.of(maf=realdata("vcf2maf/test_b38_output.maf")))
    assert report.document["sample"]["genome_build"] == "GRCh38" and _balanced(report)


def test_oncokb_annotator_example_maf() -> None:
    reports = annotate_samples(AnnotateRequest.of(maf=realdata("oncokb_annotator/example_maf.txt")))
    assert reports and all(_balanced(r) for r in reports)
    for report in reports:
        validate_document(report.document)


def test_prostate_msk_2024_akt1_e17k_in_25_samples() -> None:
    reports = annotate_samples(AnnotateRequest.of(maf=realdata("prostate_msk_2024/data_mutations.txt"),
                                                  tumour_type="PRAD"))
    with_e17k = {r.sample_id for r in reports for f in r.findings if f["rule_id"] == "AKT1-E17K-HPD"}
    print(f"prostate_msk_2024: {len(reports)} samples with mutations, AKT1 E17K in {len(with_e17k)}")
    assert len(with_e17k) == 25
    assert all(_balanced(r) for r in reports)


def test_vcf2maf_strelka_vcf_braf_v600e_from_its_genomic_allele() -> None:
    # vcf2maf's caller VCFs carry no CSQ/ANN/BCSQ: the BRAF record is placed at c.1799T>A by the transcript models,
    # and 7:g.140453136A>T is the V600E allele of the knowledge file (§5.3), so the rule matches by position.
    report = annotate(AnnotateRequest.of(vcf=realdata("vcf2maf/test_strelka.vcf"), build="GRCh37", tumour_type="MEL"))
    assert report.sample_id == "TUMOR" and _balanced(report)
    qc = report.document["qc"]
    assert qc["skipped"] == {"not in a gene the rules need": 239} and qc["kept"] == 1
    braf = next(f for f in report.findings if f["rule_id"] == "BRAF-V600E-INHIBITOR")
    assert braf["alteration"] == "p.V600E" and braf["matched_by"] == "genomic allele 7:g.140453136A>T (GRCh37)"
    assert braf["variant"]["hgvsc"] == "NM_004333:c.1799T>A" and braf["variant"]["protein_change"] is None
    REALDATA_FIGURES.append("vcf2maf test_strelka.vcf: BRAF V600E found from its genomic allele (7:g.140453136A>T)")


# ------------------------------------------------------------------------------------------ copy number


def _state(report, gene: str) -> str | None:
    return next((g["state"] for g in report.document["copy_number"]["genes"] if g["gene"] == gene), None)


def test_cnvkit_segments_bins_and_calls_of_one_sample_agree() -> None:
    """p2-9_2: the integer cn of .call.cns (CNVkit's threshold call) and our calls on the .cns log2 agree."""
    calls = {suffix: annotate(AnnotateRequest.of(cns=realdata(f"cnvkit/regression/p2-9_2.{suffix}"), build="GRCh37"))
             for suffix in ("call.cns", "cns", "cnr")}
    for report in calls.values():
        validate_document(report.document)
        assert _balanced(report)
    genes = [g["gene"] for g in calls["call.cns"].document["copy_number"]["genes"]]
    assert len(genes) >= 25
    assert all(_state(calls["call.cns"], g) == _state(calls["cns"], g) for g in genes)
    assert "as given by the input" in calls["call.cns"].document["copy_number"]["genes"][0]["method"]


@pytest.mark.parametrize(("name", "amplified"), [
    ("tr95t.cns", {"CDK4", "MDM2"}),
    ("tr95t.segmetrics.cns", {"CDK4", "MDM2"}),
    ("nv3.cns", {"EGFR"}),
    ("cl_seq.cns", set()),
])
def test_cnvkit_real_segment_files(name: str, amplified: set[str]) -> None:
    report = annotate(AnnotateRequest.of(cns=realdata(f"cnvkit/{name}")))
    validate_document(report.document)
    assert report.document["sample"]["genome_build"] == "GRCh37" and _balanced(report)
    found = {g["gene"] for g in report.document["copy_number"]["genes"] if g["state"] == "amplification"}
    assert found == amplified
    if amplified == {"CDK4", "MDM2"}:
        assert [e["genes"] for e in report.document["copy_number"]["events"]] == [["CDK4", "MDM2"]]
        assert report.hpd_level == "high"


def test_cnvkit_amplicon_panel_counts_its_empty_segments() -> None:
    report = annotate(AnnotateRequest.of(cns=realdata("cnvkit/amplicon.cns"), build="GRCh37"))
    assert report.document["qc"]["skipped"] == {"empty segment (0 probes, end before start)": 8}
    assert _balanced(report)
    bins = annotate(AnnotateRequest.of(cns=realdata("cnvkit/amplicon.cnr"), build="GRCh37"))
    assert bins.document["qc"]["read"] == 1433 and _balanced(bins)


@pytest.mark.parametrize(("name", "log10", "samples"), [("cw-tr-log2.seg", False, 41), ("acgh-log10.seg", True, 36)])
def test_cnvkit_exported_seg_files(name: str, log10: bool, samples: int) -> None:
    reports = annotate_samples(AnnotateRequest.of(seg=realdata(f"cnvkit/{name}"), seg_log10=log10))
    assert len(reports) == samples
    assert all(r.document["sample"]["genome_build"] == "GRCh37" and _balanced(r) for r in reports)


# MDM2 span on hg19 from the knowledge file §5.1 (GISTIC2's refGene, 1-based closed), independent of our tables.
MDM2_HG19 = ("12", 69_201_952, 69_239_324)


def _independent_mdm2_count(path) -> int:
    """Tumour aliquots with a segment over MDM2 at >= 6 copies (log2 >= log2(3)), by plain pandas."""
    import math

    import pandas as pd

    frame = pd.read_csv(path, sep="\t", dtype={"chrom": str})
    chrom, start, end = MDM2_HG19
    over = frame[(frame["chrom"] == chrom) & (frame["loc.start"] <= end) & (frame["loc.end"] >= start)]
    tumour = over["ID"].str.slice(13, 15).astype(int).between(1, 9)
    return over[tumour & (over["seg.mean"] >= math.log2(3))]["ID"].nunique()


@pytest.mark.parametrize(("study", "expected"), [("LUAD", 9), ("BLCA", 20)])
def test_tcga_seg_mdm2_amplified_tumours_at_default_threshold(study: str, expected: int) -> None:
    from .conftest import REALDATA_FIGURES

    path = realdata(f"tcga_firehose_seg/{study}.segmented_scna_minus_germline_cnv_hg19.seg.gz")
    reports = annotate_samples(AnnotateRequest.of(seg=path))
    tumours = [r for r in reports if 1 <= int(r.sample_id.split("-")[3][:2]) <= 9]
    amplified = [r for r in tumours if _state(r, "MDM2") == "amplification"]
    assert all(r.document["sample"]["genome_build"] == "GRCh37" for r in reports[:5])
    assert all(r.document["qc"]["balanced"] for r in reports)
    assert len(amplified) == _independent_mdm2_count(path) == expected
    assert all(r.hpd_level == "high" for r in amplified)
    REALDATA_FIGURES.append(f"TCGA {study} SEG: MDM2 amplified (>= 6 copies, purity not adjusted) in "
                            f"{len(amplified)} of {len(tumours)} tumour aliquots ({len(reports)} aliquots in file)")


def test_prostate_msk_cna_matrix_mdm2_and_mdm4_amplified() -> None:
    from .conftest import REALDATA_FIGURES

    reports = annotate_samples(AnnotateRequest.of(cna=realdata("prostate_msk_2024/data_CNA.txt"), tumour_type="PRAD"))
    assert len(reports) == 2260
    mdm2 = sum(_state(r, "MDM2") == "amplification" for r in reports)
    mdm4 = sum(_state(r, "MDM4") == "amplification" for r in reports)
    assert (mdm2, mdm4) == (14, 16)
    assert all(r.document["qc"]["balanced"] for r in reports)
    REALDATA_FIGURES.append(f"prostate_msk_2024 data_CNA.txt: MDM2 amplified in {mdm2}, MDM4 in {mdm4} of "
                            f"{len(reports)} samples")
