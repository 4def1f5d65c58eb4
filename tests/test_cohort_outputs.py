"""The cohort outputs: cohort.tsv and the MultiQC file compared with tests/golden/cohort/ (regenerate:
python tests/regenerate_golden.py --cohort), cohort.json, the HTML page (escaped, nothing fetched) and the figures."""

from __future__ import annotations

import base64
import hashlib
import html
import json
import re
from pathlib import Path

import pytest

from hpdgenomics.cohort import run_cohort
from hpdgenomics.cohort.figures import _runs, frequency_svg, oncoprint_svg
from hpdgenomics.cohort.html import render_cohort_html
from hpdgenomics.cohort.summary import SampleSummary, cell_kind
from hpdgenomics.cohort.tables import COLUMNS, rule_counts
from hpdgenomics.request import CohortRequest

from . import regenerate_golden
from .conftest import GOLDEN, REPO, TEST_DATA, pinned_cohort

TINY = TEST_DATA / "cohort" / "study_tiny"


@pytest.fixture(scope="module")
def tiny_out(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return pinned_cohort(tmp_path_factory, "outputs", study_dir=TINY)


@pytest.mark.parametrize("case", sorted(regenerate_golden.COHORT_CASES))
def test_cohort_tables_match_golden(case: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(REPO)
    for name, text in regenerate_golden.render_cohort(case).items():
        expected = (GOLDEN / name).read_text(encoding="utf-8")
        assert text == expected, f"{name} differs; run python tests/regenerate_golden.py --cohort and review the diff"


def test_cohort_tsv_columns_and_rows(tiny_out: Path) -> None:
    lines = (tiny_out / "cohort.tsv").read_text(encoding="utf-8").splitlines()
    assert tuple(lines[0].split("\t")) == COLUMNS
    rows = {line.split("\t")[0]: dict(zip(COLUMNS, line.split("\t"), strict=True)) for line in lines[1:]}
    assert rows["TINY-01"]["hpd_events"] == "MDM2 amplification; AKT1 p.E17K"
    assert rows["TINY-01"]["report"] == "samples/TINY-01.hpd.json"
    assert rows["TINY-05"]["key_events_not_assessed"] == "MDM2 amplification; MDM4 amplification"
    assert rows["TINY-03"]["ici_benefit"] == "MSI-H; TMB 31.0 mut/Mb" and rows["TINY-03"]["msi_status"] == "MSI-H"
    assert all((tiny_out / row["report"]).is_file() for row in rows.values())


def test_cohort_json_counts(tiny_out: Path) -> None:
    cohort = json.loads((tiny_out / "cohort.json").read_text(encoding="utf-8"))
    assert cohort["samples"] == 5
    assert cohort["levels"] == {"high": 1, "elevated": 1, "none_detected": 2, "not_assessable": 1}  # TINY-03 MDM4 alone
    rules = {r["rule_id"]: r for r in cohort["hpd_rules"]}
    assert (rules["MDM2-AMP-HPD"]["found"], rules["MDM2-AMP-HPD"]["assessed"]) == (1, 4)  # TINY-05: CNA not profiled
    assert rules["MDM2-AMP-HPD"]["by_tumour_type"]["PRAD"] == {"found": 1, "assessed": 2, "samples": 3}
    assert cohort["tumour_types"] == {"BLCA": 1, "LUAD": 1, "PRAD": 3}
    assert cohort["rules"]["sha256"] and cohort["generated_at"] == "2026-01-01T00:00:00Z"
    assert {i["format"] for i in cohort["inputs"]} >= {"maf", "cna", "sv", "clinical", "gene_panel_matrix"}


def _summary(sample: str, **fields: object) -> SampleSummary:
    values: dict[str, object] = {
        "index": 0, "sample": sample, "tumour_type": "PRAD", "level": "none_detected", "hpd_events": (),
        "hpd_rules": (), "hpd_not_assessed": (), "hpd_out_of_scope": (), "targetable": 0, "targetable_genes": (),
        "ici_benefit": (), "ici_resistance": (), "key_not_assessed": (), "not_assessed": 0, "tmb": None,
        "tmb_status": "not_assessed", "msi": "not_assessed", "cells": (), "genes_not_assessed": (), "report": "",
    }
    values.update(fields)
    return SampleSummary(**values)  # type: ignore[arg-type]


def test_html_is_self_contained(tiny_out: Path) -> None:
    page = (tiny_out / "cohort.html").read_text(encoding="utf-8")
    assert "Content-Security-Policy" in page and "default-src 'none'" in page
    # one inline script (the table's sort and filter), allowed by its hash and nothing else; no external resource
    scripts = re.findall(r"<script>(.*?)</script>", page, re.S)
    assert len(scripts) == 1 and page.count("<script") == 1
    digest = base64.b64encode(hashlib.sha256(html.unescape(scripts[0]).encode()).digest()).decode()
    assert f"script-src 'sha256-{digest}'" in page
    assert not re.search(r"<link|<iframe|@import|url\((?!#)", page, re.I)  # url(#clip) is inside the SVG
    assert not re.search(r"""\bsrc\s*=\s*["']?(?!data:)""", page, re.I)
    links = re.findall(r"""href\s*=\s*["']([^"']+)""", page)
    assert links and all(link.startswith("samples/") for link in links)
    assert page.count("<svg") == 3  # the level chart, the frequency heatmap, the oncoprint
    assert "MDM2 amplification" in page and "TINY-01" in page


def test_html_escapes_hostile_text(tmp_path: Path) -> None:
    hostile = '<script>alert("x")</script>&amp'
    maf = tmp_path / "hostile.maf"
    maf.write_text("Hugo_Symbol\tTumor_Sample_Barcode\tVariant_Classification\tHGVSp_Short\n"
                   f"AKT1\t{hostile}\tMissense_Mutation\tp.E17K\n", encoding="utf-8")
    run_cohort(CohortRequest.of(maf=maf, out=tmp_path / "out", tumour_type="PRAD"))
    page = (tmp_path / "out" / "cohort.html").read_text(encoding="utf-8")
    assert "alert(" not in page.replace("&lt;script&gt;alert(&#34;x&#34;)", "")  # only the escaped text
    assert page.count("<script>") == 1 and "&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt;&amp;amp" in page
    tsv = (tmp_path / "out" / "cohort.tsv").read_text(encoding="utf-8")
    assert hostile in tsv  # the TSV keeps the id as it is (no tab, no line break in it)


def test_figures_are_deterministic_and_say_when_there_is_nothing() -> None:
    rows = [_summary("A", hpd_events=("MDM2 amplification",), hpd_rules=("MDM2-AMP-HPD",),
                     cells=(("MDM2", "amplification"),)),
            _summary("B", index=1, tumour_type="LUAD", hpd_not_assessed=("MDM2-AMP-HPD",),
                     genes_not_assessed=("MDM2",))]
    genes = {"MDM2-AMP-HPD": "MDM2", "MDM4-AMP-HPD": "MDM4"}
    assert frequency_svg(rows, genes) == frequency_svg(rows, genes)
    svg, caption = oncoprint_svg(rows, ["MDM2", "MDM4"])
    assert svg.startswith("<svg") and "1 of 2 samples" in caption
    assert oncoprint_svg([rows[1]], ["MDM2"]) == ("", "No HPD-linked event in any of the 1 samples: nothing to draw.")
    assert frequency_svg([], genes)[0] == ""


def test_oncoprint_draws_runs_not_cells() -> None:
    assert _runs(["a", "a", "", "b", "b", "b", "na"]) == [(0, 2, "a"), (3, 3, "b"), (6, 1, "na")]
    rows = [_summary(f"S{i}", index=i, cells=(("MDM2", "amplification"),)) for i in range(3000)]
    svg, _ = oncoprint_svg(rows, ["MDM2", "MDM4"])
    assert len(svg) < 60_000  # one rectangle for the 3,000 amplified samples, not 3,000


@pytest.mark.parametrize(("finding", "kind"), [
    ({"alteration_type": "copy_number", "copy_number": {"state": "amplification"}}, "amplification"),
    ({"alteration_type": "copy_number", "copy_number": {"state": "deep_deletion"}}, "deep_deletion"),
    ({"alteration_type": "small_variant", "variant": {"consequence_class": "missense"}}, "missense"),
    ({"alteration_type": "small_variant", "variant": {"consequence_class": "frameshift"}}, "truncating"),
    ({"alteration_type": "small_variant", "variant": {"consequence_class": "inframe_deletion"}}, "other_variant"),
    ({"alteration_type": "rearrangement"}, "rearrangement"),
])
def test_oncoprint_cell_kinds(finding: dict, kind: str) -> None:
    assert cell_kind(finding) == kind


def test_a_two_class_rule_counts_each_class_only_where_its_input_covered_it() -> None:
    """EGFR-HPD-NON-NSCLC needs small variants and copy number: a SEG-only sample is assessed for the
    amplification class only, and not for the rule as a whole (issue 13: it showed 389/389 assessed on TCGA)."""
    rule = "EGFR-HPD-NON-NSCLC"
    seg_only = (
        (rule, "copy_number", "assessed"), (rule, "small_variant", "not_assessed"))
    rows = [
        _summary("SEG1", hpd_not_assessed=(rule,), hpd_classes=seg_only),
        _summary("SEG2", index=1, hpd_events=("EGFR amplification",), hpd_rules=(rule,),
                 hpd_classes=((rule, "copy_number", "carrier"), (rule, "small_variant", "not_assessed"))),
        _summary("BOTH", index=2, hpd_classes=((rule, "copy_number", "assessed"), (rule, "small_variant", "assessed"))),
        _summary("LUAD", index=3, tumour_type="LUAD", hpd_out_of_scope=(rule,)),
    ]
    (entry,) = rule_counts(rows, {rule: "EGFR"})
    assert entry["classes"] == [
        {"kind": "copy_number", "carriers": 1, "assessed": 3, "not_assessed": 0},
        {"kind": "small_variant", "carriers": 0, "assessed": 1, "not_assessed": 2},
    ]
    assert (entry["found"], entry["assessed"]) == (1, 2)  # the carrier, and the one sample covered for both classes
    page = render_cohort_html(rows, {rule: "EGFR"}, {"title": "t", "source": "s"})
    assert "Carriers over samples assessed, per rule and alteration class" in page
    assert re.search(r"small variants</td><td class=\"num\">0</td><td class=\"num\">1</td>", page)


def test_summary_classes_from_a_report_document() -> None:
    from hpdgenomics.cohort.summary import summarise
    document = {
        "sample": {"id": "S"}, "hpd_risk": {"level": "elevated"}, "rules_out_of_scope": ["OTHER"],
        "findings": [{"rule_id": "EGFR-HPD-NON-NSCLC", "category": "hpd_risk", "gene": "EGFR",
                      "alteration": "amplification", "alteration_type": "copy_number",
                      "copy_number": {"state": "amplification"}}],
        "not_assessed": [{"gene": "EGFR", "alteration_class": "nonsynonymous", "kind": "small_variant",
                          "rule_ids": ["EGFR-HPD-NON-NSCLC"]}],
    }
    kinds = {"EGFR-HPD-NON-NSCLC": ("copy_number", "small_variant"), "OTHER": ("copy_number",)}
    row = summarise(0, document, "", {"EGFR-HPD-NON-NSCLC": "EGFR", "OTHER": "X"}, frozenset(), kinds)
    assert row.hpd_classes == (("EGFR-HPD-NON-NSCLC", "copy_number", "carrier"),
                               ("EGFR-HPD-NON-NSCLC", "small_variant", "not_assessed"))
