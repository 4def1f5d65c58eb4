"""MAF reader: GDC and cBioPortal flavours, several samples, germline and FILTER handling, build checks."""

from __future__ import annotations

from pathlib import Path

import pytest

from hpdgenomics.errors import InputError, SampleSelectionError
from hpdgenomics.readers.small_variants.maf import SKIP_FILTERED, SKIP_GERMLINE, SKIP_NOT_RULE_GENE, read_maf
from hpdgenomics.readers.small_variants.maf_records import MafChoice

from .conftest import TEST_DATA

MAF = TEST_DATA / "maf"
A, B = "TCGA-05-4244-01A-01D-1105-08", "TCGA-50-5932-01A-11D-1753-08"
GENES = frozenset({"EGFR", "STK11", "TP53", "BRCA2", "KRAS", "KEAP1", "PIK3CA", "AKT1", "DNMT3A", "PTEN"})


@pytest.mark.parametrize("name", ["gdc_two_samples.maf", "gdc_two_samples.maf.gz"])
def test_gdc_maf_splits_samples_in_file_order(name: str) -> None:
    result = read_maf(MAF / name, genes=GENES)
    assert list(result.samples) == [A, B]
    assert result.build == "GRCh38" and result.protein_column == "HGVSp_Short"
    first = result.samples[A]
    assert [(v.gene, v.protein_change) for v in first.variants] == [
        ("EGFR", "p.L858R"), ("STK11", "p.Q37*"), ("TP53", "p.R273H")]
    egfr = first.variants[0]
    assert egfr.chrom == "7" and egfr.pos == 55191822 and egfr.alt == "G"
    assert egfr.vaf == pytest.approx(78 / 209) and egfr.depth == 209 and egfr.exon == 21
    assert egfr.origin.value == "somatic"
    tally = first.tally
    assert tally.skipped == {SKIP_GERMLINE: 1, SKIP_NOT_RULE_GENE: 1} and tally.read == 5 and tally.balanced
    second = result.samples[B].tally
    assert second.skipped[SKIP_FILTERED] == 1 and second.balanced


def test_germline_and_filtered_rows_on_request() -> None:
    result = read_maf(MAF / "gdc_two_samples.maf", genes=GENES, include_germline=True, include_filtered=True)
    genes_a = [v.gene for v in result.samples[A].variants]
    assert "BRCA2" in genes_a
    brca2 = next(v for v in result.samples[A].variants if v.gene == "BRCA2")
    assert brca2.origin.value == "germline" and brca2.protein_change == "p.S1982fs"
    assert "PIK3CA" in [v.gene for v in result.samples[B].variants]


def test_one_sample_by_name_and_absent_sample() -> None:
    result = read_maf(MAF / "gdc_two_samples.maf", sample=B, genes=GENES)
    assert list(result.samples) == [B]
    assert any("rows of other samples" in note for note in result.samples[B].tally.notes)
    with pytest.raises(SampleSelectionError, match="TCGA-XX"):
        read_maf(MAF / "gdc_two_samples.maf", sample="TCGA-XX")


def test_cbioportal_minimal_columns_bom_and_crlf() -> None:
    result = read_maf(MAF / "cbioportal_minimal_crlf_bom.maf", genes=GENES)
    (sample,) = result.samples.values()
    assert sample.sample_id == "P-0012345-T01-IM6"
    assert [(v.gene, v.protein_change, v.consequence_class.value) for v in sample.variants] == [
        ("AKT1", "p.E17K", "missense"), ("DNMT3A", "p.R882H", "missense"), ("PTEN", "p.X70_splice", "splice_site")]
    assert sample.variants[0].pos is None and result.build is None


def test_mixed_builds_are_an_error() -> None:
    with pytest.raises(InputError, match="mixes genome builds"):
        read_maf(MAF / "mixed_builds.maf")


def test_missing_required_column_is_named() -> None:
    with pytest.raises(InputError, match="Variant_Classification") as caught:
        read_maf(MAF / "missing_variant_classification.maf")
    assert caught.value.line == 1


def test_empty_and_headerless_files(tmp_path: Path) -> None:
    empty = tmp_path / "empty.maf"
    empty.write_text("")
    with pytest.raises(InputError, match="empty"):
        read_maf(empty)
    commas = tmp_path / "commas.maf"
    commas.write_text("Hugo_Symbol,Tumor_Sample_Barcode,Variant_Classification\nEGFR,S1,Missense_Mutation\n")
    with pytest.raises(InputError, match="not tab-separated"):
        read_maf(commas)


def test_hg17_rows_are_refused(tmp_path: Path) -> None:
    """hg18 is read with protein matching only (tests/test_maf_columns.py); older builds are refused."""
    old = tmp_path / "hg17.maf"
    old.write_text("Hugo_Symbol\tTumor_Sample_Barcode\tVariant_Classification\tNCBI_Build\n"
                   "EGFR\tS1\tMissense_Mutation\t35\n")
    with pytest.raises(InputError, match="NCBI_Build '35'") as caught:
        read_maf(old)
    assert caught.value.line == 2


def _both(path: Path, **options):
    from hpdgenomics.readers.small_variants import maf, maf_stream

    comments, header = maf._header(path)
    columns = maf._resolve_columns(path, header, comments + 1)
    fast = maf_stream.read_streamed(path, comments, header, columns, MafChoice(**options))
    careful = maf._read_carefully(path, comments, header, columns, **options)
    return fast, careful


@pytest.mark.parametrize("name", ["gdc_two_samples.maf", "gdc_two_samples.maf.gz", "cbioportal_minimal_crlf_bom.maf"])
@pytest.mark.parametrize("options", [
    {"sample": None, "include_germline": False, "include_filtered": False, "genes": None},
    {"sample": None, "include_germline": False, "include_filtered": False, "genes": GENES},
    {"sample": None, "include_germline": True, "include_filtered": True, "genes": GENES},
    {"sample": A, "include_germline": False, "include_filtered": False, "genes": GENES},
])
def test_streamed_fast_path_gives_the_careful_paths_result(name: str, options: dict) -> None:
    if options["sample"] is not None and name.startswith("cbioportal"):
        options = {**options, "sample": None}
    fast, careful = _both(MAF / name, **options)
    assert fast is not None  # well-formed: the fast path reads it
    assert (fast.build, fast.protein_column, list(fast.samples)) == \
        (careful.build, careful.protein_column, list(careful.samples))
    for barcode, sample in fast.samples.items():
        assert sample.tally.to_dict() == careful.samples[barcode].tally.to_dict()
        assert sample.variants == careful.samples[barcode].variants


@pytest.mark.parametrize("name", ["gdc_two_samples.maf", "cbioportal_minimal_crlf_bom.maf"])
@pytest.mark.parametrize("regions", [None, TEST_DATA / "panel" / "luad_panel_grch38.bed"])
def test_both_paths_count_the_same_tmb(name: str, regions: Path | None) -> None:
    from hpdgenomics.model.qc import TmbCount
    from hpdgenomics.readers.bed import read_bed

    if regions is not None and name.startswith("cbioportal"):
        pytest.skip("the minimal cBioPortal MAF has no positions to place in a BED")
    template = TmbCount(regions=read_bed(regions) if regions is not None else None)
    fast, careful = _both(MAF / name, sample=None, include_germline=True, include_filtered=True, genes=GENES,
                          tmb=template)
    assert fast is not None
    counts = {barcode: s.tmb.counted for barcode, s in fast.samples.items()}
    assert counts == {barcode: s.tmb.counted for barcode, s in careful.samples.items()}
    assert any(counts.values())


@pytest.mark.parametrize("name", ["short_row.maf", "end_before_start.maf", "non_numeric_start_position.maf",
                                  "past_grch37_chromosome_end.maf", "hg18_ncbi36_rows.maf"])
def test_malformed_files_are_left_to_the_careful_path(name: str) -> None:
    from hpdgenomics.readers.small_variants import maf, maf_stream

    path = TEST_DATA / "malformed" / "maf" / name
    comments, header = maf._header(path)
    columns = maf._resolve_columns(path, header, comments + 1)
    assert maf_stream.read_streamed(path, comments, header, columns, MafChoice(genes=GENES)) is None


def test_blank_line_is_counted_like_the_careful_path(tmp_path: Path) -> None:
    text = (MAF / "gdc_two_samples.maf").read_text()
    path = tmp_path / "blank_line.maf"
    path.write_text(text.rstrip("\n") + "\n\n" + text.rstrip("\n").splitlines()[-1] + "\n")
    result = read_maf(path, genes=GENES)
    assert sum(s.tally.skipped.get("blank line", 0) for s in result.samples.values()) == 1
