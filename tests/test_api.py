"""End to end through the library API: inputs → SampleReport, validated against the report schema."""

from __future__ import annotations

from pathlib import Path

import pytest

from hpdgenomics import annotate, annotate_samples
from hpdgenomics.errors import BuildMismatchError, OptionError, SampleSelectionError
from hpdgenomics.report.document import validate_document
from hpdgenomics.request import AnnotateRequest

from .conftest import TEST_DATA

VCF = TEST_DATA / "vcf"
MAF = TEST_DATA / "maf"


def _finding_ids(report) -> set[str]:
    return {f["rule_id"] for f in report.findings}


def _genes(report, category: str) -> set[str]:
    return {f["gene"] for f in report.findings if f["category"] == category}


def test_a_retired_code_on_the_command_line_is_read_as_todays_with_a_note() -> None:
    report = annotate(AnnotateRequest.of(vcf=VCF / "luad_mutect2_vep.vcf.gz", tumour_type="GBM"))
    assert report.document["sample"]["tumour_type"] == "GB"
    assert "GBM is a retired OncoTree code (revoked by GB" in report.document["sample"]["tumour_type_note"]
    with pytest.raises(OptionError, match=r"unknown OncoTree code 'LAUD'; did you mean LUAD"):
        annotate(AnnotateRequest.of(vcf=VCF / "luad_mutect2_vep.vcf.gz", tumour_type="LAUD"))


def test_luad_example_is_not_assessable_without_copy_number() -> None:
    report = annotate(AnnotateRequest.of(vcf=VCF / "luad_mutect2_vep.vcf.gz", tumour_type="LUAD"))
    validate_document(report.document)
    doc = report.document
    assert doc["sample"] == {"id": "TUMOR_LUAD1", "tumour_type": "LUAD", "tumour_type_name": "Lung Adenocarcinoma",
                             "genome_build": "GRCh38", "genome_build_basis": "detected from ##contig lengths",
                             "tumour_type_note": None}
    # MDM2/MDM4 amplification is the key event and needs copy-number input: not assessed, so not assessable.
    assert report.hpd_level == "not_assessable"
    missing = {(g["gene"], g["kind"]) for g in report.not_assessed}
    assert {("MDM2", "copy_number"), ("MDM4", "copy_number")} <= missing
    assert {"STK11", "KEAP1"} <= _genes(report, "ici_resistance")
    assert "EGFR" in _genes(report, "targetable")
    assert doc["qc"]["balanced"] and doc["qc"]["read"] == 6
    assert "KRAS" not in {f["gene"] for f in report.findings}  # FILTER weak_evidence


def test_indexed_and_plain_vcf_give_the_same_findings() -> None:
    indexed = annotate(AnnotateRequest.of(vcf=VCF / "luad_mutect2_vep.vcf.gz", tumour_type="LUAD"))
    plain = annotate(AnnotateRequest.of(vcf=VCF / "luad_mutect2_vep.vcf", tumour_type="LUAD"))
    strip = [(f["rule_id"], f["alteration"]) for f in indexed.findings]
    assert strip == [(f["rule_id"], f["alteration"]) for f in plain.findings]
    assert indexed.document["hpd_risk"] == plain.document["hpd_risk"]


def test_no_tumour_type_makes_tumour_specific_rules_conditional() -> None:
    report = annotate(AnnotateRequest.of(vcf=VCF / "luad_mutect2_vep.vcf"))
    assert report.document["sample"]["tumour_type"] is None
    conditional = [f for f in report.findings if f["conditional"]]
    assert conditional, "tumour-specific rules must be kept as conditional, not dropped"
    assert all(r["role"] != "sets_level" for r in report.document["hpd_risk"]["reasons"] if r["role"] == "conditional")


def test_unknown_tumour_type_suggests_codes() -> None:
    with pytest.raises(OptionError, match="LUAD"):
        annotate(AnnotateRequest.of(vcf=VCF / "luad_mutect2_vep.vcf", tumour_type="LAUD"))


def test_unannotated_vcf_is_annotated_from_transcript_models() -> None:
    # No CSQ/ANN/BCSQ: the EGFR record (chr7:55191822 T>G) is placed by the bundled transcript models; without a
    # reference FASTA its residues are undetermined, so L858R is matched only through the rule's genomic allele, and
    # the class rules on EGFR (non-synonymous) are not assessed rather than negative.
    report = annotate(AnnotateRequest.of(vcf=VCF / "unannotated.vcf", tumour_type="LUAD"))
    assert [(f["rule_id"], f["alteration"], f["matched_by"]) for f in report.findings] == [
        ("EGFR-L858R-TKI", "p.L858R", "genomic allele 7:g.55191822T>G (GRCh38)")]
    assert report.hpd_level == "not_assessable"
    egfr = [g for g in report.not_assessed if g["gene"] == "EGFR" and g["kind"] == "small_variant"]
    assert egfr and all("without a reference FASTA its residues were not determined" in g["reason"] for g in egfr)
    assert "transcript models" in report.document["coverage"]["small_variants"]


def test_partly_unannotated_vcf_names_the_gene_not_fully_assessed() -> None:
    report = annotate(AnnotateRequest.of(vcf=VCF / "partly_unannotated_vep.vcf", tumour_type="LUAD"))
    stk11 = [g for g in report.not_assessed if g["gene"] == "STK11" and g["kind"] == "small_variant"]
    # The transcript models place it at STK11 c.109C>T (codon 37); without a FASTA its residues stay undetermined.
    assert stk11 and "19:1207022 C>T c.109C>T codon 37" in stk11[0]["reason"]
    assert "reference FASTA" in stk11[0]["reason"]
    assert not [g for g in report.not_assessed if g["gene"] == "KEAP1" and g["kind"] == "small_variant"]


def test_build_detection_and_mismatch() -> None:
    report = annotate(AnnotateRequest.of(vcf=VCF / "grch37_contigs_vep.vcf"))
    assert report.document["sample"]["genome_build"] == "GRCh37"
    with pytest.raises(BuildMismatchError, match="GRCh37"):
        annotate(AnnotateRequest.of(vcf=VCF / "grch37_contigs_vep.vcf", build="GRCh38"))
    sites = annotate(AnnotateRequest.of(vcf=VCF / "sites_only_vep_grch37.vcf"))
    assert sites.document["sample"]["genome_build"] == "GRCh37"
    assert sites.document["sample"]["genome_build_basis"] == "detected from ##reference line"
    assert sites.sample_id == "sites_only_vep_grch37"
    with pytest.raises(OptionError, match="unsupported genome build"):
        annotate(AnnotateRequest.of(vcf=VCF / "sites_only_vep_grch37.vcf", build="hg18"))


def test_maf_one_report_per_sample_and_selection() -> None:
    reports = annotate_samples(AnnotateRequest.of(maf=MAF / "gdc_two_samples.maf", tumour_type="NSCLC"))
    assert [r.sample_id for r in reports] == ["TCGA-05-4244-01A-01D-1105-08", "TCGA-50-5932-01A-11D-1753-08"]
    for report in reports:
        validate_document(report.document)
    with pytest.raises(SampleSelectionError, match="2 samples"):
        annotate(AnnotateRequest.of(maf=MAF / "gdc_two_samples.maf"))
    one = annotate(AnnotateRequest.of(maf=MAF / "gdc_two_samples.maf", sample="TCGA-50-5932-01A-11D-1753-08"))
    assert "KRAS" in _genes(one, "targetable")


def test_akt1_e17k_from_a_minimal_cbioportal_maf() -> None:
    report = annotate(AnnotateRequest.of(maf=MAF / "cbioportal_minimal_crlf_bom.maf", tumour_type="BRCA"))
    akt1 = [f for f in report.findings if f["gene"] == "AKT1"]
    assert {f["category"] for f in akt1} >= {"hpd_risk", "targetable"}
    assert all(f["alteration"] == "p.E17K" for f in akt1)


def test_exactly_one_input() -> None:
    with pytest.raises(OptionError):
        annotate(AnnotateRequest.of())
    with pytest.raises(OptionError):
        annotate(AnnotateRequest.of(vcf=VCF / "unannotated.vcf", maf=MAF / "gdc_two_samples.maf"))


def test_reference_fasta_gives_protein_changes_to_unannotated_records() -> None:
    # The synthetic FASTA (test_data/reference, labelled SYNTHETIC) carries the hotspot codons around real GRCh37
    # positions: with it the transcript models write the protein changes themselves (no genomic-allele fallback).
    report = annotate(AnnotateRequest.of(vcf=VCF / "unannotated_hotspots_grch37.vcf", build="GRCh37",
                                         tumour_type="NSCLC",
                      reference_fasta=TEST_DATA / "reference" / "synthetic_hotspots_grch37.fa"))
    found = {(f["rule_id"], f["alteration"], f["matched_by"]) for f in report.findings}
    assert {("BRAF-V600E-INHIBITOR", "p.V600E", None), ("EGFR-L858R-TKI", "p.L858R", None),
            ("KRAS-G12C-INHIBITOR", "p.G12C", None), ("AKT1-E17K-HPD", "p.E17K", None)} <= found
    skipped = report.document["qc"]["skipped"]
    assert skipped["unannotated record whose REF differs from the reference FASTA"] == 1
    assert report.document["qc"]["balanced"] and report.document["parameters"]["reference_fasta"].endswith(".fa")
    with pytest.raises(OptionError, match="needs --vcf"):
        annotate(AnnotateRequest.of(maf=MAF / "gdc_two_samples.maf",
                 reference_fasta=TEST_DATA / "reference" / "synthetic_hotspots_grch37.fa"))


def test_declared_build_is_checked_against_positions_when_the_file_cannot_say(tmp_path: Path) -> None:
    # No NCBI_Build and no ##contig lengths: the readers accept any position inside either build, so the declared
    # build decides — chr17:82,000,000 lies past the end of GRCh37's chr17 (81,195,210 bp), inside GRCh38's.
    maf = tmp_path / "no_build.maf"
    maf.write_text("Hugo_Symbol\tTumor_Sample_Barcode\tVariant_Classification\tChromosome\tStart_Position\n"
                   "TP53\tS1\tMissense_Mutation\tchr17\t82000000\n")
    assert annotate(AnnotateRequest.of(maf=maf, build="GRCh38")).document["sample"]["genome_build"] == "GRCh38"
    with pytest.raises(BuildMismatchError, match=r"past the end of chromosome 17 in GRCh37 .*declared with --build") \
            as caught:
        annotate(AnnotateRequest.of(maf=maf, build="GRCh37"))
    assert caught.value.line == 2
    vcf_text = (VCF / "luad_mutect2_vep.vcf").read_text(encoding="utf-8")
    vcf = tmp_path / "no_contigs.vcf"
    vcf.write_text("".join(line for line in vcf_text.splitlines(keepends=True) if not line.startswith("##contig"))
                   .replace("chr17\t7673802", "chr17\t82000000"), encoding="utf-8")
    with pytest.raises(BuildMismatchError, match=r"past the end of chromosome 17 in GRCh37 .* declared with --build") \
            as caught:
        annotate(AnnotateRequest.of(vcf=vcf, build="GRCh37"))
    assert caught.value.line == 20  # found by the position scan although the record is outside every rule gene
