"""TMB (from a clinical sheet or computed over a panel), MSI, the ICI-benefit rules and the clinical factors."""

from __future__ import annotations

from pathlib import Path

import pytest

from hpdgenomics import annotate, annotate_samples
from hpdgenomics.errors import InputError, OptionError, SampleSelectionError
from hpdgenomics.readers.bed import read_bed
from hpdgenomics.report.document import validate_document
from hpdgenomics.request import AnnotateRequest, CohortRequest

from .conftest import TEST_DATA

LUAD_VCF = TEST_DATA / "vcf" / "luad_mutect2_vep.vcf.gz"
LUAD_PLAIN = TEST_DATA / "vcf" / "luad_mutect2_vep.vcf"
CLINICAL = TEST_DATA / "clinical"
PANEL = TEST_DATA / "panel" / "luad_panel_grch38.bed"
CNS = TEST_DATA / "copy_number" / "tumor_luad1_grch38.call.cns"
SEG = TEST_DATA / "copy_number" / "mdm2_cdk4_amp_two_samples.seg"


def _benefit(report) -> set[str]:
    return {f["rule_id"] for f in report.findings if f["category"] == "ici_benefit"}


# The LUAD example has five PASS non-synonymous variants (DNMT3A, EGFR, TP53, STK11, KEAP1); KRAS G12C is FILTERed.
@pytest.mark.parametrize(("size", "value", "status"), [(0.5, 10.0, "high"), (1.0, 5.0, "not_high")])
def test_tmb_is_computed_over_the_panel_size(size: float, value: float, status: str) -> None:
    report = annotate(AnnotateRequest.of(vcf=LUAD_VCF, tumour_type="LUAD", panel_size_mb=size))
    validate_document(report.document)
    tmb = report.document["biomarkers"]["tmb"]
    assert (tmb["value"], tmb["status"], tmb["variants_counted"]) == (value, status, 5)
    assert tmb["source"] == "computed from small variants" and "not an FDA-approved TMB test" in tmb["method"]
    assert ("TMB-HIGH-PEMBROLIZUMAB" in _benefit(report)) is (status == "high")  # 10.0 is at the cut-off: high
    assert report.hpd_level == "not_assessable"  # benefit markers never move the hyperprogression level


def test_indexed_vcf_is_streamed_whole_when_tmb_is_counted() -> None:
    report = annotate(AnnotateRequest.of(vcf=LUAD_VCF, tumour_type="LUAD", panel_size_mb=1.0))
    notes = report.document["qc"]["files"][0]["notes"]
    assert any("every record read (not by region) to count mutations for TMB" in n for n in notes)


def test_panel_bed_merges_intervals_and_counts_only_variants_inside() -> None:
    regions = read_bed(PANEL)
    assert regions.size_bp == 300_000  # 100 kb + 100 kb + 80 kb and 50 kb overlapping by 30 kb
    assert regions.contains("chr7", 55191822) and regions.contains("7", 55191822)
    assert not regions.contains("chr2", 25234373)
    report = annotate(AnnotateRequest.of(vcf=LUAD_PLAIN, tumour_type="LUAD", panel_bed=PANEL))
    tmb = report.document["biomarkers"]["tmb"]
    assert tmb["variants_counted"] == 3 and tmb["value"] == 10.0 and tmb["panel_size_mb"] == 0.3  # EGFR, TP53, STK11
    assert "luad_panel_grch38.bed, 300,000 bp after merging" in tmb["method"]
    assert "bed" in {i["format"] for i in report.document["inputs"]}


@pytest.mark.parametrize(("line", "message"), [
    ("chr1\t10\n", "expected tab-separated 'chrom start end'"),
    ("chr1\tten\t20\n", "must be integers"),
    ("chr1\t20\t10\n", "expected 0 <= start < end"),
    ("# only a comment\n", "has no regions"),
])
def test_bad_panel_bed(tmp_path: Path, line: str, message: str) -> None:
    path = tmp_path / "panel.bed"
    path.write_text(line)
    with pytest.raises(InputError, match=message):
        read_bed(path)


def test_tmb_options_are_checked() -> None:
    with pytest.raises(OptionError, match="--panel-size-mb or --panel-bed, not both"):
        annotate(AnnotateRequest.of(vcf=LUAD_PLAIN, panel_size_mb=1, panel_bed=PANEL))
    with pytest.raises(OptionError, match="above 0"):
        annotate(AnnotateRequest.of(vcf=LUAD_PLAIN, panel_size_mb=0))


def test_unannotated_records_in_the_panel_make_tmb_not_assessed() -> None:
    report = annotate(AnnotateRequest.of(vcf=TEST_DATA / "vcf" / "partly_unannotated_vep.vcf", panel_size_mb=1.0))
    tmb = report.document["biomarkers"]["tmb"]
    assert tmb["status"] == "not_assessed" and "carry no annotation" in tmb["reason"]


def test_clinical_sheet_gives_tumour_type_tmb_msi_and_purity() -> None:
    report = annotate(AnnotateRequest.of(vcf=LUAD_VCF, cns=CNS, clinical=CLINICAL / "cbioportal_sample_sheet.txt"))
    validate_document(report.document)
    doc = report.document
    assert doc["sample"]["tumour_type"] == "LUAD"  # from ONCOTREE_CODE
    assert doc["biomarkers"]["tmb"]["value"] == 12.5 and doc["biomarkers"]["tmb"]["status"] == "high"
    assert "TMB_NONSYNONYMOUS" in doc["biomarkers"]["tmb"]["source"]
    assert doc["biomarkers"]["msi"]["status"] == "MSS" and doc["biomarkers"]["msi"]["raw"] == "Stable"
    assert _benefit(report) == {"TMB-HIGH-PEMBROLIZUMAB"}
    assert doc["copy_number"]["settings"]["purity"] == pytest.approx(0.4)  # TUMOR_PURITY 40 (%)
    assert "clinical" in {i["format"] for i in doc["inputs"]}


def test_clinical_tmb_wins_over_a_computed_one() -> None:
    report = annotate(AnnotateRequest.of(vcf=LUAD_VCF, clinical=CLINICAL / "cbioportal_sample_sheet.txt",
                                         panel_size_mb=0.5))
    assert report.document["biomarkers"]["tmb"]["value"] == 12.5


def test_sheet_and_command_line_must_agree() -> None:
    with pytest.raises(OptionError, match="clinical sheet says LUAD"):
        annotate(AnnotateRequest.of(vcf=LUAD_VCF, clinical=CLINICAL / "cbioportal_sample_sheet.txt",
                                    tumour_type="BLCA"))
    with pytest.raises(OptionError, match=r"--purity 0\.9 was given, but the clinical sheet gives 0\.4"):
        annotate(AnnotateRequest.of(vcf=LUAD_VCF, cns=CNS, clinical=CLINICAL / "cbioportal_sample_sheet.txt",
                                    purity=0.9))


def test_one_tumour_absent_from_the_sheet_is_an_error() -> None:
    with pytest.raises(SampleSelectionError, match="has no row in the clinical sheet"):
        annotate(AnnotateRequest.of(vcf=LUAD_VCF, clinical=CLINICAL / "clinical_factors_crlf.csv", sample_id="OTHER"))


def test_multi_sample_copy_number_takes_each_sample_from_the_sheet() -> None:
    request = AnnotateRequest.of(seg=SEG, clinical=CLINICAL / "cbioportal_sample_sheet.txt")
    reports = {r.sample_id: r for r in annotate_samples(request)}
    a, b = reports["TUMOUR_A"].document, reports["TUMOUR_B"].document
    assert a["sample"]["tumour_type"] == b["sample"]["tumour_type"] == "DDLS"
    assert a["biomarkers"]["msi"]["status"] == "MSI-H" and _benefit(reports["TUMOUR_A"]) == {"MSI-HIGH-PEMBROLIZUMAB"}
    assert a["copy_number"]["settings"]["purity"] is None and b["copy_number"]["settings"]["purity"] == 0.7
    assert b["biomarkers"]["tmb"]["status"] == "not_assessed"


def test_clinical_factors_are_listed_apart_and_never_set_the_level() -> None:
    report = annotate(AnnotateRequest.of(vcf=LUAD_VCF, clinical=CLINICAL / "clinical_factors_crlf.csv"))
    section = report.document["clinical_factors"]
    assert section["given"] and "never change the genomic" in section["note"]
    present = {f["id"]: f["present"] for f in section["factors"]}
    assert present == {
        "CLIN-LDH-ABOVE-ULN": True,  # 410 above its upper limit 250 (fallback test: ldh above ldh_uln)
        "CLIN-METASTATIC-SITES-GT2": True, "CLIN-LIVER-METASTASES": True, "CLIN-ECOG-GE2": True,
        "CLIN-RMH-GE2": None,  # no RMH column
        "CLIN-NLR-HIGH": None, "CLIN-AGE": None,  # listed as reported: no cut-off in the knowledge base
        "CLIN-PRIOR-RADIOTHERAPY": False,
    }
    values = {f["id"]: f["value"] for f in section["factors"]}
    assert values["CLIN-LDH-ABOVE-ULN"] == "410 (upper limit 250)" and values["CLIN-AGE"] == "67"
    assert report.hpd_level == annotate(AnnotateRequest.of(vcf=LUAD_VCF, tumour_type="LUAD")).hpd_level
    assert all(f["evidence"] for f in section["factors"])


def test_without_a_sheet_every_clinical_factor_is_unknown() -> None:
    section = annotate(AnnotateRequest.of(vcf=LUAD_VCF, tumour_type="LUAD")).document["clinical_factors"]
    assert not section["given"] and {f["present"] for f in section["factors"]} == {None}


GDC_MAF = TEST_DATA / "maf" / "gdc_two_samples.maf"


@pytest.mark.parametrize("maf", [GDC_MAF, GDC_MAF.with_suffix(".maf.gz")])  # the careful and the streamed reader
def test_tmb_from_a_maf_counts_every_sample(maf: Path) -> None:
    # TCGA-05-4244: EGFR, STK11, TP53 count; the germline BRCA2 and the silent TTN do not.
    # TCGA-50-5932: KRAS and KEAP1 count; the PIK3CA row FILTERed as panel_of_normals does not.
    reports = {r.sample_id: r.document["biomarkers"]["tmb"] for r in annotate_samples(AnnotateRequest.of(maf=maf,
                                                                                                         panel_size_mb=0.25))}
    assert {s: (t["variants_counted"], t["value"], t["status"]) for s, t in reports.items()} == {
        "TCGA-05-4244-01A-01D-1105-08": (3, 12.0, "high"), "TCGA-50-5932-01A-11D-1753-08": (2, 8.0, "not_high")}


def test_tmb_from_a_maf_inside_a_panel_bed() -> None:
    reports = {r.sample_id: r.document["biomarkers"]["tmb"] for r in annotate_samples(AnnotateRequest.of(maf=GDC_MAF,
                                                                                                         panel_bed=PANEL))}
    assert reports["TCGA-05-4244-01A-01D-1105-08"]["variants_counted"] == 3  # EGFR, TP53, STK11 lie in the panel
    assert reports["TCGA-50-5932-01A-11D-1753-08"]["variants_counted"] == 0  # KRAS and KEAP1 do not


def test_cohort_computes_tmb_over_the_panel(tmp_path: Path) -> None:
    from hpdgenomics.cohort import run_cohort

    result = run_cohort(CohortRequest.of(out=tmp_path / "cohort", maf=GDC_MAF, panel_size_mb=0.25))
    rows = (tmp_path / "cohort" / "cohort.tsv").read_text(encoding="utf-8").splitlines()
    header = rows[0].split("\t")
    tmb = {cells[0]: (cells[header.index("tmb")], cells[header.index("tmb_status")])
           for cells in (row.split("\t") for row in rows[1:])}
    assert result.samples == 2
    assert tmb == {"TCGA-05-4244-01A-01D-1105-08": ("12", "high"), "TCGA-50-5932-01A-11D-1753-08": ("8", "not_high")}
