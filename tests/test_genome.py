"""Genome tables: build detection, contig naming, gene lookups, cytobands, lift-over, and the generator script."""

from __future__ import annotations

import importlib.util
import json
from pathlib import Path

import pytest

from hpdgenomics.genome.builds import (
    BuildConflict,
    build_from_positions,
    contig_lengths,
    detect_build_from_contig_lengths,
    normalise_build_name,
    normalise_contig,
)
from hpdgenomics.genome.liftover import lift_grch37_to_grch38
from hpdgenomics.genome.reference import gene_cytoband, load_genes

from .conftest import REPO, SHARED


@pytest.mark.parametrize(("name", "expected"), [
    ("chr1", "1"), ("1", "1"), ("CHR7", "7"), ("chrM", "MT"), ("M", "MT"), ("chrx", "X"), ("NC_000012.11", "12"),
    ("NC_000012.12", "12"),
])
def test_contig_spellings(name: str, expected: str) -> None:
    assert normalise_contig(name) == expected


@pytest.mark.parametrize(("name", "build"), [("hg19", "GRCh37"), ("GRCh38", "GRCh38"), ("b37", "GRCh37"),
                                             ("hg38", "GRCh38")])
def test_build_names(name: str, build: str) -> None:
    assert normalise_build_name(name) == build


def test_build_from_contig_lengths() -> None:
    assert detect_build_from_contig_lengths({"1": 249250621, "2": 243199373}) == "GRCh37"
    assert detect_build_from_contig_lengths({"chr1": 248956422}) == "GRCh38"
    assert detect_build_from_contig_lengths({"MT": 16569}) is None  # same length in both builds


def test_build_from_segment_ends() -> None:
    # chr1 is longer in GRCh37 (249,250,621) than in GRCh38 (248,956,422); chr17 the other way round.
    assert build_from_positions({"1": 249_200_000}) == "GRCh37"
    assert build_from_positions({"17": 83_000_000}) == "GRCh38"
    assert build_from_positions({"12": 69_000_000}) is None
    with pytest.raises(BuildConflict):
        build_from_positions({"1": 249_200_000, "17": 83_000_000})


@pytest.mark.parametrize(("build", "start", "end"), [("GRCh37", 69_201_951, 69_239_324),
                                                     ("GRCh38", 68_808_171, 68_845_544)])
def test_mdm2_span_matches_the_knowledge_file(build: str, start: int, end: int) -> None:
    """Knowledge file §5.1 (1-based closed): hg19 chr12:69,201,952-69,239,324; hg38 68,808,172-68,845,544."""
    mdm2 = load_genes(build).get("MDM2")
    assert mdm2 is not None and (mdm2.chrom, mdm2.gene_start, mdm2.gene_end) == ("12", start, end)
    assert gene_cytoband(build, "MDM2") == "12q15"


def test_11q13_order_and_cdk4_band() -> None:
    genes = load_genes("GRCh37")
    order = sorted(("CCND1", "FGF19", "FGF4", "FGF3"),
                   key=lambda g: genes.get(g).gene_start)  # type: ignore[union-attr]
    assert order == ["CCND1", "FGF19", "FGF4", "FGF3"]
    assert gene_cytoband("GRCh37", "CDK4") == "12q14.1" and gene_cytoband("GRCh37", "CCND1") == "11q13.3"
    assert [g.symbol for g in genes.genes_overlapping("chr12", 69_210_000, 69_210_001)] == ["MDM2"]


@pytest.mark.parametrize(("grch37", "grch38"), [
    # Knowledge file §5.3 hotspots (1-based): AKT1 E17K, EGFR L858R and T790M, KRAS G12C, BRAF V600E.
    (("14", 105_246_551), 104_780_214), (("7", 55_259_515), 55_191_822), (("7", 55_249_071), 55_181_378),
    (("12", 25_398_285), 25_245_351), (("7", 140_453_136), 140_753_336),
])
def test_liftover_of_the_knowledge_file_hotspots(grch37: tuple[str, int], grch38: int) -> None:
    chrom, position = grch37
    assert lift_grch37_to_grch38(f"chr{chrom}", position - 1) == (chrom, grch38 - 1, "+")


def test_liftover_outside_any_block_is_none() -> None:
    assert lift_grch37_to_grch38("1", 0) is None  # telomeric gap
    assert lift_grch37_to_grch38("GL000192.1", 100) is None
    lifted = lift_grch37_to_grch38("21", 48_000_000)
    assert lifted is not None and lifted[1] < contig_lengths("GRCh38")["21"]


def test_bundled_tables_are_what_the_generator_writes(tmp_path: Path) -> None:
    """Regenerating from ../shared/refdata-src gives the committed files, byte for byte (developers only)."""
    source = SHARED / "refdata-src"
    if not source.exists():
        pytest.skip(f"reference sources not available: {source}")
    spec = importlib.util.spec_from_file_location("build_refdata", REPO / "scripts" / "build_refdata.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    manifest = module.build_all(source, tmp_path)
    committed = json.loads((REPO / "hpdgenomics" / "data" / "MANIFEST.json").read_text())
    assert manifest == committed
