"""The tumour-board HTML report: sections and their content for one example per risk level, escaping of every
input-derived string, self-containment (no external resources), determinism, and rendering from JSON read back.

Structure is checked, not bytes: there is no golden HTML (the page's wording and style may change freely while the
facts it shows may not).
"""

from __future__ import annotations

import copy
import json
import re
from collections.abc import Iterator, Mapping
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pytest

from hpdgenomics import annotate
from hpdgenomics.report.document import SampleReport
from hpdgenomics.report.html import render_html
from hpdgenomics.report.view import LEVEL_POLICY
from hpdgenomics.report.writers import DEFAULT_FORMATS, FORMATS, write_reports
from hpdgenomics.request import AnnotateRequest

from .conftest import REPO, TEST_DATA

EXAMPLES: dict[str, dict[str, str]] = {
    level: args for level, args in json.loads((TEST_DATA / "examples" / "examples.json").read_text()).items()
    if not level.startswith("_")
}
SECTIONS = ("specimen", "hpd-findings", "ici-context", "targetable", "vus", "copy-number", "not-assessed",
            "provenance", "variant-appendix")
EPOCH = "1767225600"  # 2026-01-01T00:00:00Z, as tests/conftest.py pins it


def annotate_examples() -> dict[str, SampleReport]:
    """The four bundled examples, annotated with the timestamp pinned (level → report)."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("SOURCE_DATE_EPOCH", EPOCH)
        patch.chdir(REPO)  # the manifest's paths are relative to the repository, as a user would type them
        return {level: annotate(AnnotateRequest.of(**args)) for level,
                args in EXAMPLES.items()}  # type: ignore[arg-type]


@pytest.fixture(scope="module")
def reports() -> dict[str, SampleReport]:
    return annotate_examples()


@pytest.fixture(scope="module")
def pages(reports: Mapping[str, SampleReport]) -> dict[str, str]:
    return {level: render_html(report) for level, report in reports.items()}


class _Page(HTMLParser):
    """Collects what the tests look at: tags with attributes, section ids in order, text per section."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.sections: list[str] = []
        self.text: dict[str, list[str]] = {"banner": []}
        self._current = "head"

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        attributes = dict(attrs)
        self.tags.append((tag, attributes))
        if tag == "header" and "banner" in (attributes.get("class") or ""):
            self._current = "banner"
        if tag == "section":
            self._current = str(attributes.get("id"))
            self.sections.append(self._current)
            self.text[self._current] = []

    def handle_data(self, data: str) -> None:
        self.text.setdefault(self._current, []).append(data)

    def section(self, name: str) -> str:
        return re.sub(r"\s+", " ", " ".join(self.text.get(name, ())))


def parse(page: str) -> _Page:
    parser = _Page()
    parser.feed(page)
    parser.close()
    return parser


def test_each_example_has_its_level(reports: Mapping[str, SampleReport]) -> None:
    assert {level: report.hpd_level for level, report in reports.items()} == {level: level for level in EXAMPLES}


@pytest.mark.parametrize("level", list(EXAMPLES))
def test_sections_in_order(pages: Mapping[str, str], level: str) -> None:
    page = parse(pages[level])
    assert page.sections == list(SECTIONS)
    assert pages[level].index('class="banner') < pages[level].index('id="hpd-findings"')
    headings = [re.sub(r"\s+", " ", h) for h in re.findall(r"<h2>(.*?)</h2>", pages[level], flags=re.S)]
    assert [re.sub(r"<[^>]+>", "", h).strip() for h in headings] == [
        "2 Hyperprogression-linked findings", "3 Immune checkpoint inhibitor context", "4 Targetable co-alterations",
        "Variants of unknown significance in HPD-linked and ICI-context genes", "5 Copy-number picture",
        "6 Not assessed and quality control", "7 Provenance and methods", "A Appendix: variants read in the rule genes"]


@pytest.mark.parametrize(("level", "words", "css"), [
    ("high", "High", "level-high"), ("elevated", "Elevated", "level-elevated"),
    ("none_detected", "None detected", "level-none"), ("not_assessable", "Not assessable", "level-na"),
])
def test_banner_states_level_in_words_and_colour(pages: Mapping[str, str], reports: Mapping[str, SampleReport],
                                                 level: str, words: str, css: str) -> None:
    page = parse(pages[level])
    banner = page.section("banner")
    document = reports[level].document
    assert any(tag == "header" and css in (attrs.get("class") or "") for tag, attrs in page.tags)
    assert f" {words} " in f" {banner} "
    assert document["hpd_risk"]["summary"] in banner
    assert document["sample"]["id"] in banner
    assert document["sample"]["tumour_type"] in banner
    assert "GRCh38" in banner and "2026-01-01 00:00 UTC" in banner
    assert "not a diagnosis" in banner


def test_banner_high_gives_the_reason(pages: Mapping[str, str]) -> None:
    banner = parse(pages["high"]).section("banner")
    assert "MDM2 amplification (copy number 15), strong evidence sets the level (high)." in banner
    assert "No intervention has been shown to prevent hyperprogression" in banner


def test_not_assessable_says_plainly_what_is_missing(pages: Mapping[str, str]) -> None:
    banner = parse(pages["not_assessable"]).section("banner")
    assert "Not assessable because these key events could not be examined" in banner
    assert "MDM2 amplification — no copy-number input" in banner
    assert "MDM4 amplification — no copy-number input" in banner
    for level in ("high", "elevated", "none_detected"):
        assert "could not be examined" not in parse(pages[level]).section("banner")


def test_hpd_findings_show_measurements_strength_and_linked_studies(pages: Mapping[str, str]) -> None:
    page = parse(pages["high"])
    text = page.section("hpd-findings")
    assert "MDM2" in text and "amplification (copy number 15)" in text and "copy number 15; log2 +2.95; focal" in text
    assert "strong" in text and "sets the level" in text
    assert "DNMT3A" in text and "p.R882H" in text and "VAF 20.7% (23/111 reads)" in text
    assert "unverified" in text  # the DNMT3A evidence is marked as the rule file marks it
    assert "All six MDM2/MDM4-amplified patients" in text
    assert "CDK4 and MDM2 are co-amplified on 12q" in text
    links = [attrs["href"] for tag, attrs in page.tags if tag == "a"]
    assert "https://pubmed.ncbi.nlm.nih.gov/28351930/" in links
    assert "https://doi.org/10.20517/cdr.2021.104" in links


def test_elevated_and_none_detected_findings(pages: Mapping[str, str]) -> None:
    elevated = parse(pages["elevated"]).section("hpd-findings")
    assert "EGFR" in elevated and "moderate" in elevated and "sets the level" in elevated
    assert "except NSCLC" in elevated
    none = parse(pages["none_detected"]).section("hpd-findings")
    assert "No hyperprogression-linked alteration was found" in none and "not negative" in none


def test_ici_context(pages: Mapping[str, str]) -> None:
    text = parse(pages["high"]).section("ici-context")
    assert "Tumour mutational burden (TMB)" in text and "Microsatellite instability (MSI)" in text
    assert "STK11" in text and "p.Q37*" in text and "primary resistance to PD-1 blockade" in text
    assert "Benefit markers found" in text and "Not assessed" in text
    elevated = parse(pages["elevated"]).section("ici-context")
    assert "None found among the assessed genes" in elevated and "not assessed, listed below" in elevated
    assert "JAK1 truncating" in elevated  # small-variant rule genes a copy-number-only run could not examine


def test_targetable_ordered_by_level_with_tp53_qualifier(pages: Mapping[str, str]) -> None:
    text = parse(pages["high"]).section("targetable")
    assert text.index("osimertinib") < text.index("brigimadlin") < text.index("navtemadlin")
    assert "TP53 wild type: not met" in text and "TP53 p.R273H" in text
    assert "approved in this tumour type" in text or "this tumour type" in text
    assert "other tumour type" in text or "another tumour type" in text
    levels = re.findall(r'class="level-badge[^"]*">([^<]+)<', pages["high"])
    order = ("1", "2", "3A", "3B", "4", "not_leveled", "R1", "R2")
    assert levels[0] == "1"
    mdm2 = levels[1:]
    assert mdm2 == sorted(mdm2, key=order.index), "options of one alteration are listed most actionable first"


def test_targetable_empty_and_qualifier_unknown(reports: Mapping[str, SampleReport]) -> None:
    assert "No targetable alteration was found" in parse(render_html(reports["elevated"])).section("targetable")
    document = copy.deepcopy(dict(reports["high"].document))
    for finding in document["findings"]:
        for therapy in finding["therapies"]:
            for qualifier in therapy["qualifiers"]:
                if qualifier["gene"] == "TP53":
                    qualifier.update(status="unknown", detail="TP53 was not assessed (no small-variant input)")
    text = parse(render_html(SampleReport(document))).section("targetable")
    assert "TP53 wild type: unknown" in text and "check first" in text


def test_cancelling_alteration_is_shown(reports: Mapping[str, SampleReport]) -> None:
    document = copy.deepcopy(dict(reports["high"].document))
    egfr = next(f for f in document["findings"] if f["rule_id"] == "EGFR-L858R-TKI")
    egfr["therapies"][0].update(cancelled_by=["EGFR p.C797S"], usable=False)
    text = parse(render_html(SampleReport(document))).section("targetable")
    assert "cancelled by EGFR p.C797S" in text


@pytest.mark.parametrize("level", ["high", "elevated", "none_detected"])
def test_copy_number_picture_has_profile_and_four_panels(pages: Mapping[str, str], level: str) -> None:
    page = pages[level]
    section = page[page.index('id="copy-number"'):page.index('id="not-assessed"')]
    assert section.count("<svg ") == 5
    for band in ("12q15", "1q32", "11q13", "7p11"):
        assert band in section
    assert "amplification ≥ 6" in section and "deep deletion &lt; 0.5" in section
    assert "Genome-wide profile of every segment of the input." in section  # the documents list every segment


def test_copy_number_picture_without_copy_number(pages: Mapping[str, str]) -> None:
    text = parse(pages["not_assessable"]).section("copy-number")
    assert "<svg" not in pages["not_assessable"]
    assert "No copy-number input" in text


def test_copy_number_tables(pages: Mapping[str, str]) -> None:
    elevated = parse(pages["elevated"]).section("copy-number")
    assert "EGFR amplification 9" in elevated and "CCND1, FGF19, FGF4 and FGF3 are co-amplified" in elevated
    assert "Neutral:" in elevated and "MDM2 2" in elevated
    assert "PureCN callAlterations" in elevated  # thresholds with their sources


def test_not_assessed_and_qc(pages: Mapping[str, str]) -> None:
    text = parse(pages["not_assessable"]).section("not-assessed")
    assert "MDM2" in text and "no copy-number input" in text and "not negative" in text
    assert "1 × FILTER not PASS" in text
    assert "luad_mutect2_vep.vcf.gz" in text
    elevated = parse(pages["elevated"]).section("not-assessed")
    assert "no small-variant input" in elevated


def test_provenance(pages: Mapping[str, str], reports: Mapping[str, SampleReport]) -> None:
    document = reports["high"].document
    text = parse(pages["high"]).section("provenance")
    assert document["rules"]["sha256"] in text and document["tool"]["version"] in text
    for entry in document["inputs"]:
        assert entry["sha256"] in text and entry["path"] in text
    for entry in document["rules"]["files"]:
        assert entry["sha256"] in text
    assert "tumour_type" in text and "LUAD" in text
    assert "GRCh38 (detected from ##contig lengths)" in text
    assert "for research and clinical decision support; not a diagnosis" in text.lower()
    for level, rule in LEVEL_POLICY:
        assert level in text and rule in text


def test_level_policy_text_matches_the_policy_document() -> None:
    rows = re.findall(r"^\| `(\w+)` \| (.+?) \|$", (REPO / "docs" / "level_policy.md").read_text(), flags=re.M)
    written = {level: re.sub(r"[*`]", "", text) for level, text in rows}
    words = {"high": "High", "elevated": "Elevated", "not_assessable": "Not assessable",
             "none_detected": "None detected"}
    assert {words[level]: text for level, text in written.items()} == dict(LEVEL_POLICY)


# ---------------------------------------------------------------- escaping


HOSTILE = "<script>alert(1)</script>"


def hostile_document(report: SampleReport) -> dict[str, Any]:
    """The high example with markup in every kind of input-derived string."""
    document = copy.deepcopy(dict(report.document))
    document["sample"]["id"] = HOSTILE
    document["sample"]["tumour_type_name"] = '"><img src=x onerror=alert(2)>'
    document["hpd_risk"]["summary"] = "MDM2 <b onmouseover=alert(3)>amplified</b>"
    finding = document["findings"][0]
    finding["interpretation"] = "<iframe src=javascript:alert(4)></iframe>"
    finding["evidence"][0].update(pmid="123<script>", doi="10.1000/x\"><script>alert(5)</script>",
                                  citation="<svg onload=alert(6)>")
    finding["evidence"].append({"citation": "no id", "pmid": None, "doi": None, "url": "javascript:alert(7)",
                                "finding": "<a href=http://evil.example>x</a>", "verification": "verified"})
    variant = next(f for f in document["findings"] if f.get("variant"))
    variant["variant"]["hgvsc"] = "ENST1:c.1A>G<script>alert(8)</script>"
    variant["alteration"] = "p.<i>X</i>"
    document["qc"]["files"][0]["skipped"] = {"<style>@import url(http://evil.example)</style>": 1}
    document["inputs"][0]["path"] = "/data/<script>alert(9)</script>.vcf"
    document["parameters"]["tumour_sample"] = "</td></tr></table><script>alert(10)</script>"
    document["copy_number"]["events"][0]["note"] = "<link rel=stylesheet href=http://evil.example/x.css>"
    document["copy_number"]["genes"][0]["gene"] = "<b>GENE</b>"
    if document.get("variants"):  # the appendix: its gene also goes into the outbound links
        document["variants"][0].update(gene="<svg onload=alert(11)>", protein_change='p.X1Y"><script>')
    return document


def test_every_input_string_is_escaped(reports: Mapping[str, SampleReport]) -> None:
    page = render_html(SampleReport(hostile_document(reports["high"])))
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    for marker in ("<script", "<img", "<iframe", "<b ", "<i>", "<style>@import", "<link", "<a href=http",
                   "<svg onload", "<b>GENE"):
        assert marker not in page, marker
    assert "javascript:" not in page.replace("src=javascript:alert(4)", "")  # only as escaped text, never as a link
    hrefs = [attrs["href"] for tag, attrs in parse(page).tags if tag == "a"]
    outbound = r"^https://(pubmed\.ncbi\.nlm\.nih\.gov|doi\.org|www\.oncokb\.org|www\.ncbi\.nlm\.nih\.gov/clinvar|cancer\.sanger\.ac\.uk)/"
    assert all(h and re.match(outbound, h) for h in hrefs), hrefs  # evidence, and the appendix's variant pages
    assert all("<" not in h and '"' not in h for h in hrefs)
    assert "https://pubmed.ncbi.nlm.nih.gov/123<script>/" not in hrefs  # a malformed PMID makes no link
    doi_links = [h for h in hrefs if "10.1000/x" in h]
    assert doi_links and all("<" not in h and '"' not in h for h in doi_links)


def test_sample_named_script_renders_as_text(reports: Mapping[str, SampleReport]) -> None:
    document = copy.deepcopy(dict(reports["not_assessable"].document))
    document["sample"]["id"] = HOSTILE
    page = render_html(SampleReport(document))
    assert "<script" not in page
    assert f"<title>Hyperprogression screen — {HOSTILE.replace('<', '&lt;').replace('>', '&gt;')}</title>" in page
    assert HOSTILE in parse(page).section("banner")


# ---------------------------------------------------------------- self-contained, deterministic, from JSON


def external_references(page: str) -> Iterator[str]:
    """Every way a page could make the browser fetch something, found in ``page``."""
    patterns = (r"<script\b", r"<link\b", r"<img\b", r"<iframe\b", r"<object\b", r"<embed\b", r"<video\b",
                r"<audio\b", r"<source\b", r"@import", r"url\(\s*['\"]?(?!#)", r"\bsrc\s*=", r"srcset\s*=",
                r"xlink:href\s*=\s*['\"](?!#)", r"<use\b[^>]*\bhref\s*=\s*['\"](?!#)")
    for pattern in patterns:
        for match in re.finditer(pattern, page, flags=re.I):
            yield page[max(0, match.start() - 40):match.end() + 40]


@pytest.mark.parametrize("level", list(EXAMPLES))
def test_no_external_resources(pages: Mapping[str, str], level: str) -> None:
    page = pages[level]
    assert list(external_references(page)) == []
    for match in re.finditer(r"https?://[^\s\"'<>)]+", page):
        before = page[max(0, match.start() - 6):match.start()]
        assert before.endswith('href="'), f"URL outside a link: {match.group(0)}"
        assert re.match(r"https://(pubmed\.ncbi\.nlm\.nih\.gov|doi\.org|www\.oncokb\.org|www\.ncbi\.nlm\.nih\.gov/clinvar|"
                        r"cancer\.sanger\.ac\.uk)/", match.group(0)), match.group(0)
    assert "default-src 'none'" in page  # the browser is told to fetch nothing, should anything slip through


def test_print_stylesheet_keeps_tables_whole() -> None:
    from hpdgenomics.report.html import environment

    css = environment().loader.get_source(environment(), "report.css")[0]  # type: ignore[union-attr]
    assert "@page" in css and "size: A4" in css
    assert "thead { display: table-header-group; }" in css
    assert re.search(r"tr, tbody\.finding, tbody\.therapy, figure[^{]*\{\s*break-inside: avoid", css)


@pytest.mark.parametrize("level", list(EXAMPLES))
def test_same_document_gives_same_bytes(reports: Mapping[str, SampleReport], pages: Mapping[str, str],
                                        level: str) -> None:
    assert render_html(reports[level]) == pages[level]


@pytest.mark.parametrize("level", list(EXAMPLES))
def test_report_read_back_from_json_renders_identically(reports: Mapping[str, SampleReport],
                                                        pages: Mapping[str, str], level: str,
                                                        tmp_path: Path) -> None:
    path = tmp_path / "report.hpd.json"
    path.write_text(reports[level].to_json(), encoding="utf-8")
    assert render_html(SampleReport.from_json(path)) == pages[level]


def test_templates_start_with_a_comment_saying_what_they_render() -> None:
    folder = REPO / "hpdgenomics" / "report" / "templates"
    templates = sorted(folder.glob("*.j2"))
    assert len(templates) >= 8
    for template in templates:
        assert template.read_text().startswith("{#- Renders "), template.name
    assert (folder / "report.css").read_text().startswith("/* ")


# ---------------------------------------------------------------- documents old and new


def test_document_without_newer_keys_renders(reports: Mapping[str, SampleReport]) -> None:
    document = copy.deepcopy(dict(reports["high"].document))
    for key in ("biomarkers", "clinical_factors"):
        document.pop(key, None)
    for finding in document["findings"]:
        finding.pop("matched_by", None)
        for therapy in finding["therapies"]:
            therapy.pop("evidence_category", None)
    text = parse(render_html(SampleReport(document))).section("ici-context")
    assert "not reported in this document" in text
    assert "Clinical factors" not in text


def test_document_with_biomarkers_clinical_factors_and_benefit_findings(reports: Mapping[str, SampleReport]) -> None:
    document = copy.deepcopy(dict(reports["high"].document))
    document["biomarkers"] = {
        "tmb": {"status": "high", "value": 12.3, "unit": "mutations/Mb", "threshold": 10.0,
                "source": "clinical sheet (column TMB_NONSYNONYMOUS)", "method": "as reported by the sheet",
                "variants_counted": None, "panel_size_mb": None, "reason": None},
        "msi": {"status": "MSI-H", "score": 3.1, "source": "clinical sheet (column MSI_SCORE)", "reason": None},
    }
    document["clinical_factors"] = {
        "given": True, "source": "clinical.tsv",
        "note": "Clinical factors are listed for the board; they never change the genomic hyperprogression level.",
        "factors": [{"id": "ldh_above_uln", "label": "Serum LDH above the upper normal limit", "value": "412 U/L",
                     "present": True, "evidence": [{"citation": "Chen Y et al. BMC Cancer 2020;20:707",
                                                     "pmid": None, "doi": "10.1186/s12885-020-07206-4",
                                                     "url": "https://doi.org/10.1186/s12885-020-07206-4"}]}],
    }
    document["findings"].append({
        "rule_id": "TMB-HIGH-PEMBROLIZUMAB", "category": "ici_benefit", "title": "TMB-high", "gene": "TMB",
        "alteration": "TMB 12.3 mutations/Mb", "alteration_type": "biomarker", "strength": "strong",
        "conditional": False, "tumour_types": ["ALL"], "exclude_tumour_types": [],
        "interpretation": "TMB-high (>= 10 mut/Mb) solid tumours: pembrolizumab approval.", "evidence": [],
        "therapies": [], "biomarker": {"name": "TMB", "value": 12.3, "status": "high"},
    })
    text = parse(render_html(SampleReport(document))).section("ici-context")
    assert "12.3 mutations/Mb (high ≥ 10)" in text and "clinical sheet (column TMB_NONSYNONYMOUS)" in text
    assert "MSI-H" in text and "score 3.1" in text
    assert "Serum LDH above the upper normal limit" in text and "412 U/L" in text and "yes" in text
    assert "TMB 12.3 mutations/Mb" in text and "TMB 12.3 high" in text
    assert "never change the genomic hyperprogression level" in text


def test_discrete_copy_number_renders_calls_without_figures() -> None:
    report = annotate(AnnotateRequest.of(cna=TEST_DATA / "copy_number" / "cbioportal_matrix_msk_codes.txt",
                                         sample="P-0000001-T01-IM6"))
    page = render_html(report)
    assert "<svg" not in page
    text = parse(page).section("copy-number")
    assert "without segments" in text and "MDM2" in text and "amplification" in text


# ---------------------------------------------------------------- writing


def test_default_formats_include_html_and_md_on_request(reports: Mapping[str, SampleReport], tmp_path: Path) -> None:
    assert DEFAULT_FORMATS == ("json", "tsv", "html") and "md" in FORMATS
    written = write_reports([reports["high"]], tmp_path)
    assert sorted(p.name for p in written) == ["TUMOR_LUAD1.hpd.html", "TUMOR_LUAD1.hpd.json", "TUMOR_LUAD1.hpd.tsv"]
    assert (tmp_path / "TUMOR_LUAD1.hpd.html").read_text(encoding="utf-8") == render_html(reports["high"])
    write_reports([reports["high"]], tmp_path, formats=["md"])
    assert (tmp_path / "TUMOR_LUAD1.hpd.md").read_text(encoding="utf-8").startswith("# Hyperprogression screen")
    assert not list(tmp_path.glob(".*.tmp"))


def test_cli_writes_html_by_default(tmp_path: Path) -> None:
    from click.testing import CliRunner

    from hpdgenomics.cli import cli

    args = EXAMPLES["elevated"]
    result = CliRunner().invoke(cli, ["annotate", "--cns", str(REPO / args["cns"]), "--tumour-type",
                                      args["tumour_type"], "--out", str(tmp_path)])
    assert result.exit_code == 0, result.output
    assert sorted(p.suffix for p in tmp_path.iterdir()) == [".html", ".json", ".tsv"]
    assert "Elevated" in (tmp_path / "hnsc_mdm4_amp_elevated.hpd.html").read_text(encoding="utf-8")
