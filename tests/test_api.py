"""End to end through the library API: inputs → SampleReport, validated against the report schema."""

from __future__ import annotations

import pytest

from hpdgenomics import annotate, annotate_samples
from hpdgenomics.errors import BuildMismatchError, OptionError, SampleSelectionError
from hpdgenomics.report.document import validate_document

from .conftest import TEST_DATA

VCF = TEST_DATA / "vcf"
MAF = TEST_DATA / "maf"


def _finding_ids(report) -> set[str]:
    return {f["rule_id"] for f in report.findings}


def _genes(report, category: str) -> set[str]:
    return {f["gene"] for f in report.findings if f["category"] == category}


def test_luad_example_is_not_assessable_without_copy_number() -> None:
    report = annotate(vcf=VCF / "luad_mutect2_vep.vcf.gz", tumour_type="LUAD")
    validate_document(report.document)
    doc = report.document
    assert doc["sample"] == {"id": "TUMOR_LUAD1", "tumour_type": "LUAD", "tumour_type_name": "Lung Adenocarcinoma",
                             "genome_build": "GRCh38", "genome_build_basis": "detected from ##contig lengths"}
    # MDM2/MDM4 amplification is the key event and needs copy-number input: not assessed, so not assessable.
    assert report.hpd_level == "not_assessable"
    missing = {(g["gene"], g["kind"]) for g in report.not_assessed}
    assert {("MDM2", "copy_number"), ("MDM4", "copy_number")} <= missing
    assert {"STK11", "KEAP1"} <= _genes(report, "ici_resistance")
    assert "EGFR" in _genes(report, "targetable")
    assert doc["qc"]["balanced"] and doc["qc"]["read"] == 6
    assert "KRAS" not in {f["gene"] for f in report.findings}  # FILTER weak_evidence


def test_indexed_and_plain_vcf_give_the_same_findings() -> None:
    indexed = annotate(vcf=VCF / "luad_mutect2_vep.vcf.gz", tumour_type="LUAD")
    plain = annotate(vcf=VCF / "luad_mutect2_vep.vcf", tumour_type="LUAD")
    strip = [(f["rule_id"], f["alteration"]) for f in indexed.findings]
    assert strip == [(f["rule_id"], f["alteration"]) for f in plain.findings]
    assert indexed.document["hpd_risk"] == plain.document["hpd_risk"]


def test_no_tumour_type_makes_tumour_specific_rules_conditional() -> None:
    report = annotate(vcf=VCF / "luad_mutect2_vep.vcf")
    assert report.document["sample"]["tumour_type"] is None
    conditional = [f for f in report.findings if f["conditional"]]
    assert conditional, "tumour-specific rules must be kept as conditional, not dropped"
    assert all(r["role"] != "sets_level" for r in report.document["hpd_risk"]["reasons"] if r["role"] == "conditional")


def test_unknown_tumour_type_suggests_codes() -> None:
    with pytest.raises(OptionError, match="LUAD"):
        annotate(vcf=VCF / "luad_mutect2_vep.vcf", tumour_type="LAUD")


def test_unannotated_vcf_reports_small_variants_as_not_assessed() -> None:
    report = annotate(vcf=VCF / "unannotated.vcf", tumour_type="LUAD")
    assert report.findings == []
    assert report.hpd_level == "not_assessable"
    kinds = {g["kind"] for g in report.not_assessed}
    assert kinds == {"small_variant", "copy_number", "biomarker", "structural_variant"}  # nothing but an unannotated VCF
    assert all("no CSQ, ANN, EFF or BCSQ" in g["reason"] for g in report.not_assessed if g["kind"] == "small_variant")


def test_partly_unannotated_vcf_names_the_gene_not_fully_assessed() -> None:
    report = annotate(vcf=VCF / "partly_unannotated_vep.vcf", tumour_type="LUAD")
    stk11 = [g for g in report.not_assessed if g["gene"] == "STK11" and g["kind"] == "small_variant"]
    assert stk11 and "carry no annotation" in stk11[0]["reason"]
    assert not [g for g in report.not_assessed if g["gene"] == "KEAP1" and g["kind"] == "small_variant"]


def test_build_detection_and_mismatch() -> None:
    report = annotate(vcf=VCF / "grch37_contigs_vep.vcf")
    assert report.document["sample"]["genome_build"] == "GRCh37"
    with pytest.raises(BuildMismatchError, match="GRCh37"):
        annotate(vcf=VCF / "grch37_contigs_vep.vcf", build="GRCh38")
    sites = annotate(vcf=VCF / "sites_only_vep_grch37.vcf")
    assert sites.document["sample"]["genome_build"] == "GRCh37"
    assert sites.document["sample"]["genome_build_basis"] == "detected from ##reference line"
    assert sites.sample_id == "sites_only_vep_grch37"
    with pytest.raises(OptionError, match="unsupported genome build"):
        annotate(vcf=VCF / "sites_only_vep_grch37.vcf", build="hg18")


def test_maf_one_report_per_sample_and_selection() -> None:
    reports = annotate_samples(maf=MAF / "gdc_two_samples.maf", tumour_type="NSCLC")
    assert [r.sample_id for r in reports] == ["TCGA-05-4244-01A-01D-1105-08", "TCGA-50-5932-01A-11D-1753-08"]
    for report in reports:
        validate_document(report.document)
    with pytest.raises(SampleSelectionError, match="2 samples"):
        annotate(maf=MAF / "gdc_two_samples.maf")
    one = annotate(maf=MAF / "gdc_two_samples.maf", sample="TCGA-50-5932-01A-11D-1753-08")
    assert "KRAS" in _genes(one, "targetable")


def test_akt1_e17k_from_a_minimal_cbioportal_maf() -> None:
    report = annotate(maf=MAF / "cbioportal_minimal_crlf_bom.maf", tumour_type="BRCA")
    akt1 = [f for f in report.findings if f["gene"] == "AKT1"]
    assert {f["category"] for f in akt1} >= {"hpd_risk", "targetable"}
    assert all(f["alteration"] == "p.E17K" for f in akt1)


def test_exactly_one_input() -> None:
    with pytest.raises(OptionError):
        annotate()
    with pytest.raises(OptionError):
        annotate(vcf=VCF / "unannotated.vcf", maf=MAF / "gdc_two_samples.maf")
