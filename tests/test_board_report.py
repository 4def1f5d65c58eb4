"""The board sections of the report: the specimen block, the variant appendix with its links, and the print footer
(the browser half is in tests/test_browser.py)."""

from __future__ import annotations

import copy
import re
from pathlib import Path
from typing import Any

import pytest

from hpdgenomics import annotate
from hpdgenomics.report.document import SampleReport, validate_document
from hpdgenomics.report.html import render_html
from hpdgenomics.report.markdown import render_markdown
from hpdgenomics.report.view_specimen import board_view, css_string, variant_links
from hpdgenomics.request import AnnotateRequest

from .conftest import TEST_DATA

LUAD = TEST_DATA / "vcf" / "luad_mutect2_vep.vcf.gz"
CNS = TEST_DATA / "copy_number" / "tumor_luad1_grch38.call.cns"
SHEET = ("SAMPLE_ID\tPATIENT_ID\tONCOTREE_CODE\tSAMPLE_TYPE\tGENE_PANEL\tSAMPLE_COVERAGE\tTUMOR_PURITY\t"
         "COLLECTION_DATE\nTUMOR_LUAD1\tPT-0042\tLUAD\tPrimary\tIMPACT505\t612\t40\t2026-11-30\n")


@pytest.fixture(scope="module")
def report() -> SampleReport:
    return annotate(AnnotateRequest.of(vcf=LUAD, cns=CNS, tumour_type="LUAD", purity=0.4))


@pytest.fixture(scope="module")
def sheet_report(tmp_path_factory: pytest.TempPathFactory) -> SampleReport:
    sheet = tmp_path_factory.mktemp("clinical") / "clinical.tsv"
    sheet.write_text(SHEET)
    return annotate(AnnotateRequest.of(vcf=LUAD, cns=CNS, clinical=sheet))


def test_document_sections_follow_the_schema(report: SampleReport) -> None:
    validate_document(report.document)
    assert set(report.document["specimen"]) >= {"patient_id", "specimen_id", "collection_date", "assay", "purity",
                                                "mean_depth"}


def test_purity_and_its_source_from_the_option(report: SampleReport) -> None:
    assert report.document["specimen"]["purity"] == {"value": 0.4, "source": "--purity"}


def test_mean_depth_from_the_vcf_is_labelled_as_depth_at_the_variants(report: SampleReport) -> None:
    depth = report.document["specimen"]["mean_depth"]
    depths = [v["depth"] for v in report.document["variants"] if v["depth"] is not None]
    assert depth["value"] == round(sum(depths) / len(depths), 1)
    assert depth["variants"] == len(depths) == 5
    assert "VCF FORMAT DP/AD" in depth["source"] and "not the assay's mean coverage" in depth["source"]


def test_specimen_from_the_clinical_sheet(sheet_report: SampleReport) -> None:
    specimen = sheet_report.document["specimen"]
    assert specimen["patient_id"] == {"value": "PT-0042", "source": "clinical sheet clinical.tsv (PATIENT_ID)"}
    assert specimen["assay"]["value"] == "IMPACT505"
    assert specimen["collection_date"]["value"] == "2026-11-30"
    assert specimen["specimen_type"]["value"] == "Primary"
    assert specimen["purity"] == {"value": 0.4, "source": "clinical sheet clinical.tsv"}
    assert specimen["mean_depth"]["value"] == 612.0 and "SAMPLE_COVERAGE" in specimen["mean_depth"]["source"]
    assert specimen["specimen_id"] == {"value": None, "source": None}


def test_specimen_block_in_html(sheet_report: SampleReport) -> None:
    page = render_html(sheet_report)
    block = page[page.index('<section id="specimen"'):page.index("</section>", page.index('<section id="specimen"'))]
    for text in ("PT-0042", "IMPACT505", "2026-11-30", "Primary", "40%", "612×", "not given"):
        assert text in block, text


def test_appendix_lists_every_variant_read_with_vaf_depth_and_class(report: SampleReport) -> None:
    rows = {(r["gene"], r["change"]): r for r in board_view(report.document)["appendix"]["rows"]}
    tp53 = rows[("TP53", "p.R273H")]  # in no finding of its own: the board asked where it was
    assert tp53["vaf"] and tp53["depth"] and tp53["consequence"] == "missense"
    assert tp53["rules"] == []
    assert "EGFR-L858R-TKI" in rows[("EGFR", "p.L858R")]["rules"]
    assert len(rows) == len(report.document["variants"]) == 5
    page = render_html(report)
    appendix = page[page.index('<section id="variant-appendix"'):]
    assert "TP53" in appendix and "p.R273H" in appendix and "55.3%" in appendix


def test_links_are_plain_outbound_pages() -> None:
    links = {link["name"]: link["url"] for link in variant_links("TP53", "p.R273H")}
    assert links == {
        "OncoKB": "https://www.oncokb.org/gene/TP53/R273H",
        "ClinVar": "https://www.ncbi.nlm.nih.gov/clinvar/?term=TP53%5Bgene%5D+AND+p.R273H",
        "COSMIC": "https://cancer.sanger.ac.uk/cosmic/search?q=TP53+R273H",
    }
    assert variant_links("KEAP1", None)[0]["url"] == "https://www.oncokb.org/gene/KEAP1"
    assert "%2A" in variant_links("STK11", "p.Q37*")[0]["url"]


def test_links_in_the_page_are_anchors_only(report: SampleReport) -> None:
    page = render_html(report)
    assert page.count('href="https://www.oncokb.org/gene/') == 5
    assert not re.search(r'<(?:img|script|link|iframe)[^>]+(?:src|href)="https?:', page), "nothing is fetched"


def test_print_footer_carries_the_sample_id_and_page_numbers(report: SampleReport) -> None:
    page = render_html(report)
    assert '@bottom-left { content: "TUMOR_LUAD1 \\0000b7  hyperprogression screen"' in page
    assert 'content: "Page " counter(page) " of " counter(pages)' in page


@pytest.mark.parametrize("text", ['"; } body { display: none } x { content: "', "</style><script>alert(1)</script>",
                                  "a\\b\nc", "échantillon·1"])
def test_css_string_cannot_escape(text: str) -> None:
    escaped = css_string(text)
    assert re.fullmatch(r"[A-Za-z0-9 ._\-\\]*", escaped)
    decoded = re.sub(r"\\([0-9a-f]{6}) ", lambda m: chr(int(m.group(1), 16)), escaped)
    assert decoded == text


def test_hostile_sample_id_in_the_footer(report: SampleReport) -> None:
    document = copy.deepcopy(dict(report.document))
    document["sample"]["id"] = "</style><script>alert(1)</script>"
    page = render_html(SampleReport(document))
    style = page[page.index("<style>") + len("<style>"):page.index("</style>")]
    assert "<" not in style, "the id cannot end the style element"
    footer = re.search(r'@bottom-left \{ content: "([^"]*)"', style)
    assert footer is not None
    decoded = re.sub(r"\\([0-9a-f]{6}) ", lambda m: chr(int(m.group(1), 16)), footer.group(1))
    assert decoded.startswith("</style><script>alert(1)</script>")


def _old_document(report: SampleReport) -> dict[str, Any]:
    document = copy.deepcopy(dict(report.document))
    del document["specimen"], document["variants"]
    return document


def test_documents_without_the_board_sections_still_render(report: SampleReport) -> None:
    page = render_html(SampleReport(_old_document(report)))
    assert "does not list the variants read" in page
    assert page.count("not given") >= 4
    render_markdown(SampleReport(_old_document(report)))


def test_no_variant_read(tmp_path: Path) -> None:
    report = annotate(AnnotateRequest.of(cns=CNS, tumour_type="LUAD"))
    assert report.document["variants"] == []
    assert "No small variant was read" in render_html(report)


def test_specimen_options_win_over_the_sheet_and_name_their_source(tmp_path: Path) -> None:
    sheet = tmp_path / "clinical.tsv"
    sheet.write_text(SHEET)
    report = annotate(AnnotateRequest.of(vcf=LUAD, clinical=sheet, patient_id="PT-7", specimen_id="S26-1234",
                                         collection_date="2026-12-01", assay="TruSight Oncology 500"))
    specimen = report.document["specimen"]
    assert specimen["patient_id"] == {"value": "PT-7", "source": "--patient-id"}
    assert specimen["specimen_id"] == {"value": "S26-1234", "source": "--specimen-id"}
    assert specimen["collection_date"] == {"value": "2026-12-01", "source": "--collection-date"}
    assert specimen["assay"] == {"value": "TruSight Oncology 500", "source": "--assay"}
    assert report.document["parameters"]["patient_id"] == "PT-7"
    validate_document(report.document)


@pytest.mark.parametrize("date", ["30/11/2026", "2026-13-01", "2026-1-5", "yesterday"])
def test_collection_date_must_be_iso(date: str) -> None:
    from hpdgenomics.errors import OptionError

    with pytest.raises(OptionError, match="YYYY-MM-DD"):
        annotate(AnnotateRequest.of(vcf=LUAD, collection_date=date))


def test_specimen_options_describe_one_sample() -> None:
    from hpdgenomics.api import annotate_samples
    from hpdgenomics.errors import OptionError

    with pytest.raises(OptionError, match="--patient-id describe one specimen"):
        annotate_samples(AnnotateRequest.of(maf=TEST_DATA / "maf" / "gdc_two_samples.maf", patient_id="PT-1"))


def test_specimen_options_on_the_command_line(tmp_path: Path) -> None:
    import json

    from click.testing import CliRunner

    from hpdgenomics.cli import cli

    result = CliRunner().invoke(cli, ["annotate", "--vcf", str(LUAD), "--patient-id", "PT-9", "--specimen-id", "A1",
                                      "--collection-date", "2026-10-02", "--assay", "WES", "--format", "json",
                                      "--out", str(tmp_path)])
    assert result.exit_code == 0, result.output
    specimen = json.loads((tmp_path / "TUMOR_LUAD1.hpd.json").read_text())["specimen"]
    assert [specimen[k]["value"] for k in ("patient_id", "specimen_id", "collection_date", "assay")] == [
        "PT-9", "A1", "2026-10-02", "WES"]
    bad = CliRunner().invoke(cli, ["annotate", "--vcf", str(LUAD), "--collection-date", "2/10/26", "--out",
                                   str(tmp_path / "x")])
    assert bad.exit_code == 2 and "YYYY-MM-DD" in bad.output
