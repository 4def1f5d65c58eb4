"""The report's head for a driver-positive tumour: the level 1 targeted therapy first, ICI monotherapy not the
standard there, and the HPD numbers and the no-prevention statement (issue 13, item 5)."""

from __future__ import annotations

from hpdgenomics import annotate
from hpdgenomics.report.html import render_html
from hpdgenomics.report.view import NO_PREVENTION, build_view
from hpdgenomics.request import AnnotateRequest

from .conftest import TEST_DATA

VCF = TEST_DATA / "vcf" / "luad_mutect2_vep.vcf.gz"  # EGFR p.L858R, STK11 p.Q37*


def test_luad_egfr_l858r_leads_with_the_level_1_tki_above_the_hpd_level() -> None:
    report = annotate(AnnotateRequest.of(vcf=VCF, tumour_type="LUAD"))
    view = build_view(report.document)
    assert view["lead"] and view["lead"][0]["what"] == "EGFR p.L858R" and "osimertinib" in view["lead"][0]["drugs"]
    assert view["lead"][0]["conditional"] == ""
    page = render_html(report)
    assert page.index("Targeted therapy first") < page.index('class="level-pill"')
    assert "not ICI monotherapy, is the standard in this tumour type" in page
    assert NO_PREVENTION in page


def test_lung_lists_the_tkis_conditional_on_the_nsclc_subtype() -> None:
    report = annotate(AnnotateRequest.of(vcf=VCF, tumour_type="LUNG"))
    view = build_view(report.document)
    assert view["lead"] and view["lead"][0]["conditional"] == "yes"
    assert "if the tumour is NSCLC" in view["lead"][0]["words"]
    assert report.hpd_level not in ("high", "elevated")
    conditional = [f for f in report.document["findings"] if f["rule_id"] == "EGFR-HPD-NON-NSCLC"]
    assert all(f["conditional"] and "applies only if it is not" in f["scope_condition"] for f in conditional)


def test_a_tumour_without_a_level_1_driver_has_no_lead() -> None:
    report = annotate(AnnotateRequest.of(seg=TEST_DATA / "copy_number" / "mdm2_cdk4_amp_two_samples.seg",
                                         tumour_type="DDLS", sample="TUMOUR_A"))
    view = build_view(report.document)
    assert view["lead"] == []
    numbers = [n for f in view["hpd_findings"] for n in f["numbers"]]
    assert "Kato 2017: 4 of 6 MDM2/MDM4-amplified patients had hyperprogression (exact 95% CI 22–96%)" in numbers
