"""Copy number end to end through the library API: builds, samples, purity, thresholds, not-assessed genes."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from hpdgenomics import annotate, annotate_samples
from hpdgenomics.cli import cli
from hpdgenomics.errors import BuildMismatchError, OptionError, SampleSelectionError
from hpdgenomics.report import SampleReport
from hpdgenomics.report.document import validate_document
from hpdgenomics.request import AnnotateRequest

from .conftest import TEST_DATA

CN = TEST_DATA / "copy_number"
LUAD_VCF = TEST_DATA / "vcf" / "luad_mutect2_vep.vcf.gz"
GDC_MAF = TEST_DATA / "maf" / "gdc_two_samples.maf"


def _gene(report: SampleReport, gene: str) -> dict:
    return next(g for g in report.document["copy_number"]["genes"] if g["gene"] == gene)


def _checked(reports: list[SampleReport]) -> list[SampleReport]:
    for report in reports:
        validate_document(report.document)
        qc = report.document["qc"]
        assert qc["balanced"] and qc["read"] == qc["kept"] + sum(qc["skipped"].values())
    return reports


def test_seg_alone_reports_every_sample_with_build_detected_from_coordinates() -> None:
    first, second = _checked(annotate_samples(AnnotateRequest.of(seg=CN / "mdm2_cdk4_amp_two_samples.seg",
                                                                 tumour_type="DDLS")))
    assert first.document["sample"]["genome_build"] == "GRCh37"
    assert "segment ends" in first.document["sample"]["genome_build_basis"]
    assert first.hpd_level == "high" and _gene(first, "MDM2")["copy_number"] == 14.03
    assert [e["genes"] for e in first.document["copy_number"]["events"]] == [["CDK4", "MDM2"]]
    assert second.hpd_level == "none_detected" and _gene(second, "MDM2")["state"] == "gain"
    assert first.document["coverage"]["small_variants"] == "no small-variant input (VCF or MAF) was given"
    gaps = {(g["gene"], g["kind"]) for g in first.not_assessed}
    assert ("EGFR", "copy_number") in gaps and ("AKT1", "small_variant") in gaps


def test_declared_build_contradicting_segment_coordinates_is_an_error() -> None:
    with pytest.raises(BuildMismatchError, match="GRCh38"):
        annotate_samples(AnnotateRequest.of(seg=CN / "mdm2_cdk4_amp_two_samples.seg", build="GRCh38"))


def test_undecidable_build_needs_build_option() -> None:
    with pytest.raises(OptionError, match="give --build"):
        annotate(AnnotateRequest.of(seg=CN / "gistic_columns_chr_prefix_crlf.seg"))
    report = _checked([annotate(AnnotateRequest.of(seg=CN / "gistic_columns_chr_prefix_crlf.seg", build="GRCh37"))])[0]
    assert _gene(report, "MDM2")["state"] == "amplification"
    assert report.document["sample"]["genome_build_basis"] == "declared with --build"


def test_small_variant_build_decides_for_segments_and_a_contradiction_is_an_error() -> None:
    with pytest.raises(BuildMismatchError, match="the small-variant input says GRCh38, but segment ends lie past"):
        annotate(AnnotateRequest.of(vcf=LUAD_VCF, seg=CN / "mdm2_cdk4_amp_two_samples.seg", sample="TUMOUR_A"))


def test_vcf_and_cnvkit_of_one_tumour_combine_into_one_report() -> None:
    report = _checked([annotate(AnnotateRequest.of(vcf=LUAD_VCF, cns=CN / "tumor_luad1_grch38.call.cns",
                                                   tumour_type="LUAD"))])[0]
    assert report.sample_id == "TUMOR_LUAD1" and report.hpd_level == "high"
    assert {i["format"] for i in report.document["inputs"]} == {"vcf", "cns"}
    inhibitor = next(f for f in report.findings if f["rule_id"] == "MDM2-AMP-MDM2-INHIBITOR")
    tp53 = {q["status"] for t in inhibitor["therapies"] for q in t["qualifiers"] if q["gene"] == "TP53"}
    assert tp53 == {"not_met"}  # TP53 p.R273H in the VCF
    cdk4 = [q for t in inhibitor["therapies"] for q in t["qualifiers"] if q["gene"] == "CDK4"]
    assert [q["status"] for q in cdk4] == ["met"]  # CDK4 is co-amplified with MDM2 in this tumour


def test_purity_turns_a_low_purity_gain_into_an_amplification() -> None:
    path = CN / "tumour_low_purity.cns"
    pure = annotate(AnnotateRequest.of(cns=path, build="GRCh37"))
    assert _gene(pure, "MDM2")["state"] == "gain" and pure.hpd_level == "none_detected"
    adjusted = annotate(AnnotateRequest.of(cns=path, build="GRCh37", purity=0.3))
    assert _gene(adjusted, "MDM2")["state"] == "amplification" and adjusted.hpd_level == "high"
    assert adjusted.document["copy_number"]["settings"]["purity"] == 0.3
    assert "purity 0.3" in _gene(adjusted, "MDM2")["method"]


def test_amplification_cutoff_option_and_thresholds_file(tmp_path: Path) -> None:
    seg = CN / "mdm2_cdk4_amp_two_samples.seg"
    strict = annotate(AnnotateRequest.of(seg=seg, sample="TUMOUR_A", amplification_cn=15))
    assert _gene(strict, "MDM2")["state"] == "gain" and strict.hpd_level == "none_detected"
    thresholds = tmp_path / "t.yaml"
    thresholds.write_text("genes:\n  CDK4:\n    amplification_cn: 8\n")
    per_gene = annotate(AnnotateRequest.of(seg=seg, sample="TUMOUR_A", cn_thresholds=thresholds))
    assert _gene(per_gene, "CDK4")["state"] == "gain" and _gene(per_gene, "MDM2")["state"] == "amplification"
    assert per_gene.document["copy_number"]["settings"]["thresholds"]["genes"]["CDK4"]["amplification_cn"] == 8


def test_uncovered_key_gene_makes_the_level_not_assessable(tmp_path: Path) -> None:
    seg = tmp_path / "mdm2_only.seg"
    seg.write_text("ID\tchrom\tloc.start\tloc.end\tnum.mark\tseg.mean\nT\t12\t60001\t133800000\t900\t0.01\n")
    report = annotate(AnnotateRequest.of(seg=seg, build="GRCh37"))
    assert _gene(report, "MDM2")["state"] == "neutral"
    assert report.hpd_level == "not_assessable"
    reason = next(g["reason"] for g in report.document["copy_number"]["not_assessed"] if g["gene"] == "MDM4")
    assert reason.startswith("no copy-number segment of T overlaps MDM4")


def test_gene_split_across_segments_reports_both_parts() -> None:
    report = annotate(AnnotateRequest.of(seg=CN / "mdm2_split_mdm4_uncovered.seg"))
    mdm2 = _gene(report, "MDM2")
    assert [p["state"] for p in mdm2["parts"]] == ["neutral", "amplification"]
    assert mdm2["fraction_covered"] == 1.0 and mdm2["copy_number"] == 9.86


def test_discrete_matrix_not_profiled_sample_is_not_assessable() -> None:
    reports = _checked(annotate_samples(AnnotateRequest.of(cna=CN / "cbioportal_matrix_msk_codes.txt",
                                                           tumour_type="PRAD")))
    levels = {r.sample_id: r.hpd_level for r in reports}
    assert levels == {"P-0000001-T01-IM6": "high", "P-0000002-T01-IM6": "none_detected",
                      "P-0000003-T01-IM3": "not_assessable"}
    assert reports[0].document["sample"]["genome_build"] is None  # a gene-level table has no coordinates


def test_maf_and_long_cna_match_by_sample_and_keep_samples_found_in_either(tmp_path: Path) -> None:
    cna = tmp_path / "cna.txt"
    cna.write_text("Tumor_Sample_Barcode\tHugo_Symbol\tValue\nTCGA-05-4244-01A-01D-1105-08\tMDM2\t2\n"
                   "CN-ONLY-SAMPLE\tMDM4\t2\n")
    reports = {r.sample_id: r for r in _checked(annotate_samples(AnnotateRequest.of(maf=GDC_MAF, cna=cna,
                                                                                    tumour_type="LUAD")))}
    assert set(reports) == {"TCGA-05-4244-01A-01D-1105-08", "TCGA-50-5932-01A-11D-1753-08", "CN-ONLY-SAMPLE"}
    assert reports["TCGA-05-4244-01A-01D-1105-08"].hpd_level == "high"
    assert "no column" in reports["TCGA-50-5932-01A-11D-1753-08"].document["coverage"]["copy_number"]
    assert "has no row in the small-variant input" in reports["CN-ONLY-SAMPLE"].document["coverage"]["small_variants"]


def test_vcf_with_multi_sample_seg_needs_a_matching_sample() -> None:
    with pytest.raises(SampleSelectionError, match="choose one with --sample"):
        annotate(AnnotateRequest.of(vcf=TEST_DATA / "vcf" / "grch37_contigs_vep.vcf",
                                    seg=CN / "mdm2_cdk4_amp_two_samples.seg"))


def test_dragen_vcf_as_copy_number_input() -> None:
    report = _checked([annotate(AnnotateRequest.of(cnv_vcf=CN / "dragen_cnv_grch38.vcf"))])[0]
    assert report.document["sample"]["genome_build"] == "GRCh38"
    assert _gene(report, "PTEN")["state"] == "deep_deletion" and _gene(report, "MDM2")["copy_number"] == 9.0


def test_two_copy_number_inputs_are_refused() -> None:
    with pytest.raises(OptionError, match="at most one copy-number input"):
        annotate(AnnotateRequest.of(seg=CN / "mdm2_cdk4_amp_two_samples.seg",
                                    cna=CN / "cbioportal_matrix_msk_codes.txt"))


def test_cli_copy_number_run_and_bad_purity(tmp_path: Path) -> None:
    runner = CliRunner()
    ok = runner.invoke(cli, ["annotate", "--seg", str(CN / "mdm2_cdk4_amp_two_samples.seg"), "--sample", "TUMOUR_A",
                             "--out", str(tmp_path), "--format", "json"])
    assert ok.exit_code == 0, ok.output
    assert "TUMOUR_A: hyperprogression risk high" in ok.output
    assert (tmp_path / "TUMOUR_A.hpd.json").exists()
    bad = runner.invoke(cli, ["annotate", "--seg", str(CN / "mdm2_cdk4_amp_two_samples.seg"), "--purity", "1.5",
                              "--out", str(tmp_path)])
    assert bad.exit_code == 2 and "purity" in bad.output.lower()
    broken = runner.invoke(cli, ["annotate", "--seg", str(CN / "non_numeric_mean.seg"), "--build", "GRCh37",
                                 "--out", str(tmp_path / "none")])
    assert broken.exit_code == 1 and "non_numeric_mean.seg, line 3" in broken.output
    assert not (tmp_path / "none").exists()
