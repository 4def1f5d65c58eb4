"""Purity/ploidy from the caller, ploidy-relative amplification, allele-specific states, segment-size noise control
and the typed thresholds file."""

from __future__ import annotations

from pathlib import Path

import pytest

from hpdgenomics import api
from hpdgenomics.copynumber.thresholds import CopyNumberThresholds, load_thresholds
from hpdgenomics.errors import OptionError
from hpdgenomics.request import AnnotateRequest

from .conftest import realdata

EDGE = Path(__file__).resolve().parent.parent / "test_data" / "copy_number"
PURPLE = "copy_number_callers/purple/tumor_sample.purple.cnv.somatic.tsv"


def _report(**options: object):
    return api.annotate(AnnotateRequest.of(**options))


def _gene(document: dict, symbol: str) -> dict:
    return next(g for g in document["copy_number"]["genes"] if g["gene"] == symbol)


def test_purple_run_takes_purity_ploidy_wgd_msi_and_tmb_from_its_purity_file() -> None:
    document = _report(seg=realdata(PURPLE), tumour_type="SKCM").document
    settings = document["copy_number"]["settings"]
    assert (settings["purity"], settings["ploidy"]) == (0.99, 3.1)
    assert settings["purity_source"].startswith("PURPLE (tumor_sample.purple.purity.tsv:2")
    assert settings["ploidy_source"] == settings["purity_source"] and settings["whole_genome_doubling"] is True
    assert settings["amplification_rule_applied"] == "absolute copy number >= 6"
    biomarkers = document["biomarkers"]  # the ICI context: MSI and TMB as PURPLE gives them
    assert biomarkers["msi"]["status"] == "MSS" and biomarkers["msi"]["source"].startswith("PURPLE")
    assert biomarkers["tmb"]["value"] == pytest.approx(13.722) and biomarkers["tmb"]["source"].startswith("PURPLE")


def test_purity_option_overrides_the_caller_with_a_note() -> None:
    settings = _report(seg=realdata(PURPLE), purity=0.5).document["copy_number"]["settings"]
    assert settings["purity_source"] == "--purity" and settings["ploidy_source"].startswith("PURPLE")
    assert settings["fit_notes"] == ["--purity 0.5 overrides the purity 0.99 fitted by PURPLE "
                                     "(tumor_sample.purple.purity.tsv:2)"]


def test_hartwig_rule_is_relative_to_the_fitted_ploidy() -> None:
    # PURPLE ploidy 3.1: Hartwig needs a minimum copy number above 9.3 where the absolute rule needs 6.
    absolute = _report(seg=realdata(PURPLE)).document
    hartwig = _report(seg=realdata(PURPLE), amplification_rule="hartwig").document
    assert hartwig["copy_number"]["settings"]["amplification_rule_applied"].startswith(
        "minimum copy number over the gene > 3 x ploidy 3.1 = 9.3")
    amplified = {g["gene"] for g in absolute["copy_number"]["genes"] if g["state"] == "amplification"}
    still = {g["gene"] for g in hartwig["copy_number"]["genes"] if g["state"] == "amplification"}
    assert still <= amplified
    assert all(g["copy_number"] > 9.3 for g in hartwig["copy_number"]["genes"] if g["state"] == "amplification")


def test_cohort_purity_table_gives_each_sample_its_purity(tmp_path: Path) -> None:
    table = tmp_path / "purity.tsv"
    table.write_text("sample\tpurity\tploidy\nTUMOUR_B\t0.3\t2\n")
    reports = api.annotate_samples(AnnotateRequest.of(seg=EDGE / "mdm2_cdk4_amp_two_samples.seg",
                                                      purity_table=table))
    by_id = {r.sample_id: r.document for r in reports}
    assert by_id["TUMOUR_A"]["copy_number"]["settings"]["purity"] is None
    b = by_id["TUMOUR_B"]
    settings = b["copy_number"]["settings"]
    assert settings["purity"] == 0.3 and settings["purity_source"] == "purity table (purity.tsv:2)"
    # log2 0.90 over MDM2 is a gain when pure and an amplification at 30 % purity (CNVkit's formula).
    assert _gene(b, "MDM2")["state"] == "amplification"
    assert _gene(by_id["TUMOUR_A"], "MDM2")["state"] == "amplification"


def test_stk11_copy_neutral_loh_is_on_the_call() -> None:
    report = _report(vcf=Path(__file__).resolve().parent.parent / "test_data/vcf/luad_mutect2_vep.vcf",
                     seg=EDGE / "stk11_cnloh_grch38.cna.tsv", tumour_type="LUAD")
    stk11 = _gene(report.document, "STK11")
    assert (stk11["state"], stk11["minor_copy_number"], stk11["loh"]) == ("neutral", 0.0, True)
    assert "copy-neutral LOH" in stk11["method"]
    mdm2 = _gene(report.document, "MDM2")
    assert mdm2["loh"] is False and mdm2["minor_copy_number"] == 1.0


def test_stk11_truncating_with_loh_is_reported_as_biallelic_loss() -> None:
    # The truncating STK11 p.Q37* beside copy-neutral LOH of STK11: every STK11 finding says biallelic loss.
    report = _report(vcf=Path(__file__).resolve().parent.parent / "test_data/vcf/luad_mutect2_vep.vcf",
                     seg=EDGE / "stk11_cnloh_grch38.cna.tsv", tumour_type="LUAD")
    findings = [f for f in report.findings if f.get("gene") == "STK11"]
    assert findings and all(f["variant"]["significance"] == "truncating" for f in findings)
    assert _gene(report.document, "STK11")["loh"] is True
    for finding in findings:
        assert "biallelic STK11 loss: STK11 copy number shows loss of heterozygosity" in finding["caveats"]


def test_stk11_truncating_without_copy_number_is_one_allele_as_far_as_the_inputs_show() -> None:
    report = _report(vcf=Path(__file__).resolve().parent.parent / "test_data/vcf/luad_mutect2_vep.vcf",
                     tumour_type="LUAD")
    findings = [f for f in report.findings if f.get("gene") == "STK11"]
    assert findings
    for finding in findings:
        assert ("one STK11 allele hit as far as the inputs show: no second hit was found and STK11 copy number was "
                "not assessed") in finding["caveats"]


def test_small_log_ratio_segments_do_not_call_amplification_or_deep_deletion() -> None:
    reports = {r.sample_id: r.document for r in api.annotate_samples(
        AnnotateRequest.of(seg=EDGE / "mdm2_two_probe_noise.seg", build="GRCh37"))}
    noisy = reports["NOISY"]
    mdm2, pten = _gene(noisy, "MDM2"), _gene(noisy, "PTEN")
    assert mdm2["state"] != "amplification" and pten["state"] != "deep_deletion"
    note = next(p["note"] for p in mdm2["parts"] if p.get("note"))
    assert note == ("amplification not called: segment too small (2 markers, 79 bp; the minimum is 5 markers and "
                    "10,000 bp)")
    qc_notes = [n for f in noisy["qc"]["files"] for n in f["notes"]]
    assert any(n.startswith("2 segment(s) over rule genes too small") for n in qc_notes)
    assert _gene(reports["REAL"], "MDM2")["state"] == "amplification"
    # An amplified segment over 30 % of MDM2 does not amplify the gene (gene-body rule).
    partial = _gene(reports["PARTIAL"], "MDM2")
    assert partial["state"] == "neutral" and "gene-body rule" in partial["method"]  # the larger, neutral part decides


def test_minimum_size_can_be_lowered() -> None:
    reports = {r.sample_id: r.document for r in api.annotate_samples(
        AnnotateRequest.of(seg=EDGE / "mdm2_two_probe_noise.seg", build="GRCh37", min_markers=0, min_bases=0))}
    assert _gene(reports["NOISY"], "PTEN")["state"] == "deep_deletion"


@pytest.mark.parametrize(("text", "message"), [
    ("default:\n  amplification_cn: true\n", "a boolean is not a number"),
    ("default:\n  amplification_cn: .inf\n", ""),
    ("default:\n  min_markers: 2.5\n", "whole number"),
    ("genes:\n  MDM3: {amplification_cn: 8}\n", "unknown gene symbol(s) MDM3"),
    ("default:\n  amplification_rule: ascat\n", "amplification_rule must be one of absolute, pcgr, hartwig"),
])
def test_thresholds_file_is_typed(tmp_path: Path, text: str, message: str) -> None:
    path = tmp_path / "t.yaml"
    path.write_text(text)
    with pytest.raises((OptionError, Exception)) as error:
        load_thresholds(path)
    assert message in str(error.value)


def test_per_gene_threshold_for_a_known_gene_is_read(tmp_path: Path) -> None:
    path = tmp_path / "t.yaml"
    path.write_text("default:\n  amplification_rule: pcgr\ngenes:\n  MDM2: {amplification_cn: 8, min_markers: 10}\n")
    thresholds = load_thresholds(path)
    assert thresholds.default.amplification_rule == "pcgr" and thresholds.for_gene("MDM2").min_markers == 10


@pytest.mark.parametrize(("rule", "copy_number", "ploidy", "amplified"), [
    ("absolute", 6.0, 3.1, True), ("absolute", 5.9, 2.0, False),
    ("pcgr", 7.75, 3.1, True), ("pcgr", 7.7, 3.1, False),
    ("hartwig", 9.3, 3.1, False), ("hartwig", 9.31, 3.1, True),
])
def test_amplification_rules(rule: str, copy_number: float, ploidy: float, amplified: bool) -> None:
    assert CopyNumberThresholds(amplification_rule=rule).is_amplified(copy_number, ploidy) is amplified
