"""Copy-number figures: drawn from the document only, deterministic SVG safe to inline, matplotlib imported lazily."""

from __future__ import annotations

import copy
import re
import subprocess
import sys
from collections.abc import Mapping

import pytest

from hpdgenomics.report.document import SampleReport
from hpdgenomics.report.plots import PANELS, CopyNumberFigures, copy_number_figures, plot_data

from .conftest import REPO
from .test_html import annotate_examples


@pytest.fixture(scope="module")
def reports() -> dict[str, SampleReport]:
    return annotate_examples()


@pytest.fixture(scope="module")
def figures(reports: Mapping[str, SampleReport]) -> dict[str, CopyNumberFigures]:
    return {level: copy_number_figures(report.document) for level, report in reports.items()}


def all_svg(figures: CopyNumberFigures) -> list[str]:
    return [figures.genome] + [p.svg for p in figures.panels]


@pytest.mark.parametrize("level", ["high", "elevated", "none_detected"])
def test_profile_and_panels(figures: Mapping[str, CopyNumberFigures], level: str) -> None:
    figures = figures[level]
    assert figures.genome.startswith("<svg ") and figures.genome.endswith("</svg>")
    assert [p.band for p in figures.panels] == [band for band, _ in PANELS] == ["12q15", "1q32", "11q13", "7p11"]
    assert all(p.svg.startswith("<svg ") for p in figures.panels)
    assert figures.genome_wide and figures.note == "Genome-wide profile of every segment of the input."
    for svg in all_svg(figures):
        assert "amplification ≥ 6" in svg and "deep deletion &lt; 0.5" in svg and "ploidy 2" in svg
        assert "<?xml" not in svg and "<!DOCTYPE" not in svg and "<metadata" not in svg and "http" not in svg


def test_panel_captions_name_the_calls(figures: Mapping[str, CopyNumberFigures]) -> None:
    panels = {p.band: p for p in figures["high"].panels}
    assert panels["12q15"].caption == "MDM2 amplification (copy number 15); CDK4 amplification (copy number 7)."
    assert "MDM2 15" in panels["12q15"].svg and "CDK4 7" in panels["12q15"].svg
    elevated = {p.band: p for p in figures["elevated"].panels}
    assert "EGFR amplification (copy number 9)" in elevated["7p11"].caption
    assert "MDM4 amplification (copy number 7)" in elevated["1q32"].caption


def test_genome_labels_amplified_genes_once_per_amplicon(figures: Mapping[str, CopyNumberFigures]) -> None:
    genome = figures["elevated"].genome
    assert "CCND1/FGF19/FGF4/FGF3" in genome and ">EGFR<" in genome


def test_data_come_from_the_document(reports: Mapping[str, SampleReport]) -> None:
    full = reports["high"].document
    listed = full["copy_number"]["segments"]["rows"]
    assert {(s.chrom, s.start, s.end) for s in plot_data(full).segments} == {(r[0], r[1], r[2]) for r in listed}
    # Without the genome-wide list (documents of earlier versions), the segments behind the gene calls are drawn.
    document = copy.deepcopy(dict(full))
    del document["copy_number"]["segments"]
    data = plot_data(document)
    parts = {(p["chrom"], p["start"], p["end"]) for g in document["copy_number"]["genes"] for p in g["parts"]}
    assert {(s.chrom, s.start, s.end) for s in data.segments} == parts
    assert len(data.segments) == len(parts), "a segment behind several genes is drawn once"
    assert data.mode == "cn" and data.thresholds["amplification_cn"] == 6.0


def test_genome_wide_segments_are_used_when_the_document_has_them(reports: Mapping[str, SampleReport]) -> None:
    document = copy.deepcopy(dict(reports["high"].document))
    document["copy_number"]["segments"] = {
        "columns": ["chrom", "start", "end", "log2", "copy_number", "state"],
        "rows": [["3", 10000, 90000000, -0.8, 1.0, "loss"], ["12", 68780000, 68900000, 2.95, 15.0, "amplification"]],
    }
    drawn = copy_number_figures(document)
    assert drawn.genome_wide and drawn.note.startswith("Genome-wide profile")
    assert {s.chrom for s in plot_data(document).segments} == {"3", "12"}


def test_per_gene_threshold_is_drawn(reports: Mapping[str, SampleReport]) -> None:
    document = copy.deepcopy(dict(reports["high"].document))
    document["copy_number"]["settings"]["thresholds"]["genes"] = {"MDM2": {"amplification_cn": 8}}
    panels = {p.band: p for p in copy_number_figures(document).panels}
    assert "MDM2 amplification ≥ 8" in panels["12q15"].svg
    assert "MDM2 amplification ≥ 8" not in panels["7p11"].svg


def test_nothing_to_draw(reports: Mapping[str, SampleReport]) -> None:
    none = copy_number_figures(reports["not_assessable"].document)
    assert none.genome == "" and none.panels == () and "No copy-number input" in none.note
    discrete = copy.deepcopy(dict(reports["high"].document))
    for gene in discrete["copy_number"]["genes"]:
        gene.update(parts=[], copy_number=None, log2=None, chrom=None, start=None, end=None)
    discrete["copy_number"]["segments"]["rows"] = []  # a discrete table lists no segments
    drawn = copy_number_figures(discrete)
    assert drawn.genome == "" and "without segments" in drawn.note


def test_region_without_segments_says_not_assessed(reports: Mapping[str, SampleReport]) -> None:
    document = copy.deepcopy(dict(reports["high"].document))
    del document["copy_number"]["segments"]  # only the segments behind the remaining gene calls are left
    document["copy_number"]["genes"] = [g for g in document["copy_number"]["genes"] if g["gene"] != "EGFR"
                                        and not g["gene"].startswith(("BRAF", "MET"))]
    panels = {p.band: p for p in copy_number_figures(document).panels}
    assert "no segment over this region: not assessed" in panels["7p11"].svg
    assert panels["7p11"].caption == "No segment of the input covers this region."


def test_svg_is_deterministic_with_ids_unique_on_the_page(reports: Mapping[str, SampleReport],
                                                          figures: Mapping[str, CopyNumberFigures]) -> None:
    first, second = all_svg(figures["elevated"]), all_svg(copy_number_figures(reports["elevated"].document))
    assert first == second
    ids = [i for svg in first for i in re.findall(r' id="([^"]+)"', svg)]
    assert ids and len(ids) == len(set(ids)), "ids repeat between the figures of one page"
    for svg in first:
        for ref in re.findall(r'url\(#([^)]+)\)|href="#([^"]+)"', svg):
            assert (ref[0] or ref[1]) in ids


def test_text_in_svg_is_escaped(reports: Mapping[str, SampleReport]) -> None:
    document = copy.deepcopy(dict(reports["high"].document))
    mdm2 = next(g for g in document["copy_number"]["genes"] if g["gene"] == "MDM2")
    mdm2["gene"] = "<b>X</b>&$x$"
    mdm2.update(gene_start=68808171, gene_end=68845544)  # a gene unknown to the reference: its span from the document
    genome = copy_number_figures(document).genome
    assert "<b>" not in genome and "&lt;b&gt;X&lt;/b&gt;&amp;$x$" in genome


def test_matplotlib_is_imported_only_when_drawing() -> None:
    code = ("import sys, hpdgenomics.cli, hpdgenomics.report.html, hpdgenomics.report.plots, "
            "hpdgenomics.report.markdown; assert 'matplotlib' not in sys.modules, 'matplotlib imported'; "
            "assert 'jinja2' not in sys.modules, 'jinja2 imported'")
    subprocess.run([sys.executable, "-c", code], check=True, cwd=REPO)


def test_drawing_leaves_pyplot_alone(reports: Mapping[str, SampleReport]) -> None:
    code = ("import sys, json; from hpdgenomics.report.plots import copy_number_figures; "
            "copy_number_figures(json.load(sys.stdin)); assert 'matplotlib.pyplot' not in sys.modules")
    subprocess.run([sys.executable, "-c", code], input=reports["high"].to_json(), text=True, check=True, cwd=REPO)
