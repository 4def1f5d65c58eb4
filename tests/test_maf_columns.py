"""Firehose and other centres' protein-change columns, and hg18 MAFs matched on protein changes only."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from hpdgenomics import annotate
from hpdgenomics.errors import BuildMismatchError, OptionError
from hpdgenomics.readers.small_variants.maf import read_maf
from hpdgenomics.readers.small_variants.maf_columns import HG18, annovar_protein, centre_protein_columns, protein_of
from hpdgenomics.request import AnnotateRequest

from .conftest import TEST_DATA, realdata

FIREHOSE = TEST_DATA / "maf" / "firehose_centre_protein_columns.maf"
HG18_MAF = TEST_DATA / "maf" / "hg18_ncbi36_protein_only.maf"
LUAD_1 = "TCGA-05-4384-01A-01D-1753-08"


def test_centre_columns_give_the_protein_change() -> None:
    result = read_maf(FIREHOSE)
    changes = {(v.gene, v.protein_change) for s in result.samples.values() for v in s.variants}
    assert changes == {("KRAS", "p.G12C"), ("TP53", "p.R273H"), ("STK11", "p.Q37*"), ("EGFR", "p.L858R")}


def test_centre_columns_are_noted_in_qc() -> None:
    tally = read_maf(FIREHOSE).samples[LUAD_1].tally
    assert tally is not None
    assert any("centre-specific column(s) AAChange, amino_acid_change, amino_acid_change_WU" in note
               and "no HGVSp_Short" in note for note in tally.notes), tally.notes


def test_firehose_maf_findings() -> None:
    report = annotate(AnnotateRequest.of(maf=FIREHOSE, sample=LUAD_1, tumour_type="LUAD"))
    found = {(f["gene"], f["alteration"]) for f in report.findings}
    assert ("KRAS", "p.G12C") in found and ("STK11", "p.Q37*") in found


def test_standard_column_wins_over_a_centre_column(tmp_path: Path) -> None:
    text = FIREHOSE.read_text().splitlines()
    header = text[0] + "\tHGVSp_Short"
    rows = [line + ("\tp.R273C" if "\tTP53\t" in f"\t{line}" else "\t") for line in text[1:]]
    path = tmp_path / "both.maf"
    path.write_text("\n".join([header, *rows]) + "\n")
    variants = {v.gene: v.protein_change for s in read_maf(path).samples.values() for v in s.variants}
    assert variants["TP53"] == "p.R273C"  # HGVSp_Short, not amino_acid_change
    assert variants["KRAS"] == "p.G12C"  # the centre column where HGVSp_Short is empty
    note = next(n for n in read_maf(path).samples[LUAD_1].tally.notes if "centre-specific" in n)  # type: ignore[union-attr]
    assert "for rows where HGVSp_Short give none" in note


def test_two_cases_of_one_column_are_not_a_duplicate_column() -> None:
    header = ["Hugo_Symbol", "Amino_Acid_Change", "amino_acid_change_wu", "amino_acid_change_WU"]
    assert centre_protein_columns(header) == {"amino_acid_change": "Amino_Acid_Change",
                                              "amino_acid_change_WU": "amino_acid_change_WU"}


@pytest.mark.parametrize(("value", "expected"), [
    ("TP53:NM_000546:exon8:c.G818A:p.R273H,TP53:NM_001126112:exon8:c.G818A:p.R273H", "p.R273H"),
    ("p.R273H", "p.R273H"),
    ("R273H", "R273H"),
    ("KRAS:NM_004985:exon2:c.G34T:p.G12C", "p.G12C"),
])
def test_annovar_protein(value: str, expected: str) -> None:
    assert annovar_protein(value) == expected


@given(st.text(max_size=60))
def test_annovar_protein_never_fails(value: str) -> None:
    result = annovar_protein(value)
    assert isinstance(result, str)
    assert protein_of({"AAChange": value}, ["AAChange"]) is None or protein_of(
        {"AAChange": value}, ["AAChange"]).startswith("p.")  # type: ignore[union-attr]


@given(st.sampled_from(["R273H", "G12C", "L858R", "Q37*", "E17K"]),
       st.lists(st.sampled_from(["NM_000546", "exon8", "c.G818A", "TP53"]), max_size=4))
def test_annovar_protein_finds_the_change_among_other_fields(change: str, others: list[str]) -> None:
    value = ":".join([*others, f"p.{change}"]) + ",OTHER:NM_1:exon1:c.A1T:p.M1L"
    assert annovar_protein(value) == f"p.{change}"


def test_hg18_maf_is_read_with_protein_matching_only() -> None:
    result = read_maf(HG18_MAF)
    assert result.build == HG18
    report = annotate(AnnotateRequest.of(maf=HG18_MAF, tumour_type="LUAD"))
    document = report.document
    assert document["sample"]["genome_build"] is None
    assert "hg18" in document["sample"]["genome_build_basis"]
    found = {(f["gene"], f["alteration"]) for f in report.findings}
    assert ("EGFR", "p.L858R") in found, found
    assert not any(f["matched_by"] for f in report.findings), "no genomic allele was matched on hg18"
    kras = [g for g in report.not_assessed if g["gene"] == "KRAS"]
    assert kras and all("hg18" in g["reason"] for g in kras)
    notes = [n for f in document["qc"]["files"] for n in f["notes"]]
    assert any(n.startswith("hg18 (NCBI_Build 36)") and "not assessed" in n for n in notes)
    assert "hg18" in document["coverage"]["small_variants"]


def test_hg18_with_declared_build_is_a_mismatch() -> None:
    with pytest.raises(BuildMismatchError, match="NCBI36"):
        annotate(AnnotateRequest.of(maf=HG18_MAF, build="GRCh37"))


def test_hg18_with_panel_bed_is_refused() -> None:
    with pytest.raises(OptionError, match="hg18"):
        annotate(AnnotateRequest.of(maf=HG18_MAF, panel_bed=TEST_DATA / "panel" / "luad_panel_grch38.bed"))


def test_hg18_mixed_with_hg19_is_still_an_error(tmp_path: Path) -> None:
    lines = HG18_MAF.read_text().splitlines()
    lines[2] = lines[2].replace("\t36\t", "\t37\t")
    path = tmp_path / "mixed.maf"
    path.write_text("\n".join(lines) + "\n")
    with pytest.raises(BuildMismatchError, match="mixes genome builds"):
        read_maf(path)


def test_real_firehose_era_columns_are_read() -> None:
    """The cBioPortal test study's MAF carries Amino_Acid_Change and two cases of amino_acid_change_WU."""
    path = realdata("cbioportal_test_study_es_0/data_mutations_extended.maf")
    result = read_maf(path)
    rows = sum(len(s.variants) for s in result.samples.values())
    assert rows == 36 and result.build == "GRCh37"
    tally = next(iter(result.samples.values())).tally
    assert tally is not None and any("Amino_Acid_Change" in n for n in tally.notes)
