"""Position pre-filter for streamed VCFs (readers/small_variants/vcf_scan.py) and read_vcf's "scan" mode built on it.

Every record is counted; only those whose POS lies in a region are written out, with their line numbers; the
vectorised path agrees with a plain line-by-line reading for plain, gzip and BGZF input, chunk boundaries included.
"""

from __future__ import annotations

import gzip
import io
import shutil
from pathlib import Path

import pysam
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from hpdgenomics.errors import InputError
from hpdgenomics.genome.builds import normalise_contig
from hpdgenomics.readers.small_variants import vcf_inflate, vcf_scan
from hpdgenomics.readers.small_variants.vcf import (
    SKIP_FILTERED,
    SKIP_NOT_RULE_GENE,
    choose_tumour_sample,
    inspect_vcf,
    read_vcf,
)
from hpdgenomics.readers.small_variants.vcf_scan import VcfShapeError, scan_vcf

from .conftest import TEST_DATA

VCF = TEST_DATA / "vcf"
RULE_GENES = frozenset({"EGFR", "STK11", "KEAP1", "TP53", "KRAS", "DNMT3A", "PIK3CA", "AKT1", "BRAF"})
# GRCh38 spans (1-based, padded) around the genes of luad_mutect2_vep.vcf.
REGIONS = [("2", 25227755, 25342690), ("7", 55019017, 55211628), ("12", 25205146, 25250929),
           ("17", 7661679, 7687638), ("19", 1205698, 1228535), ("19", 10486020, 10503190)]
HEADER = "##fileformat=VCFv4.2\n##contig=<ID=chr1,length=248956422>\n#CHROM\tPOS\tID\tREF\tALT\tQUAL\tFILTER\tINFO\n"


def _expected(text: str, regions: list[tuple[str, int, int]]) -> tuple[int, list[int]]:
    """Records and the line numbers of those inside the regions, read line by line."""
    records, selected = 0, []
    for number, line in enumerate(text.splitlines(), start=1):
        if line.startswith("#"):
            continue
        records += 1
        chrom, pos = line.split("\t")[:2]
        if any(normalise_contig(chrom) == normalise_contig(c) and s <= int(pos) <= e for c, s, e in regions):
            selected.append(number)
    return records, selected


def _write(tmp_path: Path, text: str, kind: str) -> Path:
    plain = tmp_path / "in.vcf"
    plain.write_text(text)
    if kind == "plain":
        return plain
    if kind == "gzip":
        target = tmp_path / "in.vcf.gz"
        with gzip.open(target, "wt") as out:
            out.write(text)
        return target
    target = tmp_path / "in.bgz.vcf.gz"
    pysam.tabix_compress(str(plain), str(target), force=True)
    return target


def _scan(path: Path, header_lines: int, regions, **kwargs) -> tuple[vcf_scan.ScanResult, bytes]:
    out = io.BytesIO()
    return scan_vcf(path, header_lines, regions, out, **kwargs), out.getvalue()


@pytest.mark.parametrize("kind", ["plain", "gzip", "bgzf"])
def test_scan_counts_every_record_and_keeps_those_in_regions(tmp_path: Path, kind: str) -> None:
    text = (VCF / "luad_mutect2_vep.vcf").read_text()
    path = _write(tmp_path, text, kind)
    header = inspect_vcf(path)
    regions = [("7", 55191000, 55192000), ("19", 1, 2_000_000)]
    result, written = _scan(path, header.header_lines, regions)
    records, selected = _expected(text, regions)
    assert (result.records, result.selected_lines) == (records, selected)
    assert records == 6 and len(selected) == 2
    lines = written.decode().splitlines()
    assert len(lines) == header.header_lines + 2 and lines[header.header_lines].startswith("chr7\t55191822")


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    records=st.lists(st.tuples(st.sampled_from(["chr1", "1", "chr12", "chrUn_KI270302v1_with_a_long_name"]),
                               st.integers(1, 999_999_999), st.integers(0, 300)), min_size=0, max_size=300),
    chunk=st.sampled_from([64, 257, 4096]),
)
def test_vectorised_scan_agrees_with_line_by_line_reading(tmp_path: Path, records, chunk: int) -> None:
    # Small chunks put many lines across chunk boundaries and through the per-line path.
    body = "".join(f"{c}\t{p}\t.\tA\tT\t.\tPASS\t{'X' * pad}\n" for c, p, pad in sorted(records, key=lambda r: r[0]))
    text = HEADER + body
    regions = [("1", 1000, 5_000_000), ("12", 25_000_000, 26_000_000), ("chrUn_KI270302v1_with_a_long_name", 1, 50)]
    old = vcf_inflate.CHUNK_BYTES
    vcf_inflate.CHUNK_BYTES = chunk
    try:
        for kind in ("plain", "bgzf"):
            path = _write(tmp_path, text, kind)
            result, written = _scan(path, 3, regions, columns=8)
            assert (result.records, result.selected_lines) == _expected(text, regions)
            assert written.decode() == HEADER + "".join(
                line + "\n" for n, line in enumerate(text.splitlines(), start=1) if n in result.selected_lines)
    finally:
        vcf_inflate.CHUNK_BYTES = old


def test_a_chunk_shorter_than_the_scan_windows_is_read_line_by_line(tmp_path: Path) -> None:
    # Found by the property test above: two short records in 64-byte chunks left a final chunk shorter than the
    # CHROM window, which the vectorised view could not span.
    text = HEADER + "chr1\t1\t.\tA\tT\t.\tPASS\t" + "X" * 12 + "\nchr1\t1\t.\tA\tT\t.\tPASS\t\n"
    regions = [("1", 1, 5_000_000)]
    old = vcf_inflate.CHUNK_BYTES
    vcf_inflate.CHUNK_BYTES = 64
    try:
        for kind in ("plain", "bgzf"):
            result, _ = _scan(_write(tmp_path, text, kind), 3, regions, columns=8)
            assert (result.records, result.selected_lines) == _expected(text, regions)
    finally:
        vcf_inflate.CHUNK_BYTES = old


@pytest.mark.parametrize(("body", "line", "message"), [
    ("chr1\t100\t.\tA\tT\t.\tPASS\t.\n\nchr1\t200\t.\tA\tT\t.\tPASS\t.\n", 5, "empty line"),
    ("chr1\t100\t.\tA\tT\t.\tPASS\t.\nchr1\tabc\t.\tA\tT\t.\tPASS\t.\n", 5, "POS from 1 to 999,999,999"),
    ("chr1\t0100\t.\tA\tT\t.\tPASS\t.\n", 4, "POS from 1"),
    ("chr1\t3000000000\t.\tA\tT\t.\tPASS\t.\n", 4, "POS from 1"),
    ("chr1\t100\t.\tA\tT\t.\tPASS\t.\textra\n", 4, "9 columns where the #CHROM line has 8"),
])
def test_malformed_lines_are_refused_with_their_line(tmp_path: Path, body: str, line: int, message: str) -> None:
    path = _write(tmp_path, HEADER + body, "plain")
    with pytest.raises(VcfShapeError, match=message) as caught:
        _scan(path, 3, [("1", 1, 10)], columns=8)
    assert caught.value.line == line


def test_truncated_bgzf_is_an_input_error(tmp_path: Path) -> None:
    path = _write(tmp_path, (VCF / "luad_mutect2_vep.vcf").read_text() * 1, "bgzf")
    broken = tmp_path / "broken.vcf.gz"
    broken.write_bytes(path.read_bytes()[:-40])
    with pytest.raises(InputError, match=r"corrupt|truncated"):
        _scan(broken, 29, REGIONS)


def test_byte_order_mark_is_dropped(tmp_path: Path) -> None:
    path = tmp_path / "bom.vcf"
    path.write_bytes(b"\xef\xbb\xbf" + (HEADER + "chr1\t5\t.\tA\tT\t.\tPASS\t.\n").encode())
    result, written = _scan(path, 3, [("1", 1, 10)])
    assert written.startswith(b"##fileformat") and result.selected_lines == [4]


# ---------------------------------------------------------------------------------------------- read_vcf "scan"


def _read(path: Path, **kwargs):
    header = inspect_vcf(path)
    return read_vcf(header, choose_tumour_sample(header, None), genes=RULE_GENES, **kwargs)


def test_unindexed_file_with_regions_is_scanned_and_matches_the_region_read(tmp_path: Path) -> None:
    unindexed = tmp_path / "luad.vcf.gz"
    shutil.copyfile(VCF / "luad_mutect2_vep.vcf.gz", unindexed)  # no .tbi beside the copy
    scanned = _read(unindexed, regions=REGIONS)
    by_region = _read(VCF / "luad_mutect2_vep.vcf.gz", regions=REGIONS)
    streamed = _read(unindexed)
    assert (scanned.mode, by_region.mode, streamed.mode) == ("scan", "region", "stream")
    key = [(v.gene, v.protein_change, v.vaf, v.depth, v.transcript) for v in scanned.variants]
    assert key == [(v.gene, v.protein_change, v.vaf, v.depth, v.transcript) for v in by_region.variants]
    assert key == [(v.gene, v.protein_change, v.vaf, v.depth, v.transcript) for v in streamed.variants]
    assert [v.source for v in scanned.variants] == [v.source for v in streamed.variants]  # file:line, as streamed
    assert scanned.tally.read == streamed.tally.read == 6 and scanned.tally.balanced
    assert scanned.tally.skipped[SKIP_FILTERED] == 1


def test_records_outside_the_regions_are_counted_not_parsed(tmp_path: Path) -> None:
    result = _read(VCF / "luad_mutect2_vep.vcf", regions=[("7", 55019017, 55211628)])
    assert result.mode == "scan" and [v.gene for v in result.variants] == ["EGFR"]
    assert result.tally.read == 6 and result.tally.kept == 1 and result.tally.balanced
    # The FILTERed KRAS record lies outside: position is checked first, so it counts as outside the rule genes.
    assert result.tally.skipped == {SKIP_NOT_RULE_GENE: 5}
    assert any("counted by position without being parsed" in note for note in result.tally.notes)


def test_scan_mode_keeps_the_body_checks(tmp_path: Path) -> None:
    text = (VCF / "luad_mutect2_vep.vcf").read_text()
    header_end = text.index("#CHROM")
    header_end = text.index("\n", header_end) + 1
    bad = text[:header_end] + "chr5\t12345\t.\tA\tT\t.\tPASS\tDP=1\tGT\t0/0\t0/1\n" + text[header_end:]
    path = tmp_path / "extra_record_on_undeclared_contig.vcf"
    path.write_text(bad)
    with pytest.raises(InputError, match="chr5"):
        _read(path, regions=REGIONS)
    short = text[:header_end] + "chr7\t100\t.\tA\tT\t.\tPASS\tDP=1\tGT\n" + text[header_end:]
    path = tmp_path / "short_row.vcf"
    path.write_text(short)
    with pytest.raises(InputError) as caught:
        _read(path, regions=REGIONS)
    assert caught.value.line == text[:header_end].count("\n") + 1


def test_tmb_counting_still_reads_every_record() -> None:
    from hpdgenomics.model.qc import TmbCount

    header = inspect_vcf(VCF / "luad_mutect2_vep.vcf")
    result = read_vcf(header, "TUMOR_LUAD1", genes=RULE_GENES, regions=REGIONS, tmb=TmbCount(regions=None))
    assert result.mode == "stream"


def test_a_repeated_record_is_read_each_time_by_region_and_by_scan(tmp_path: Path) -> None:
    text = (VCF / "luad_mutect2_vep.vcf").read_text()
    egfr = next(line for line in text.splitlines() if line.startswith("chr7\t55191822"))
    plain = tmp_path / "repeated.vcf"
    plain.write_text(text.replace(egfr + "\n", egfr + "\n" + egfr + "\n"))
    indexed = tmp_path / "repeated.vcf.gz"
    pysam.tabix_index(str(plain), preset="vcf", force=True, keep_original=True)
    assert indexed.exists()
    by_region = _read(indexed, regions=REGIONS)
    scanned = _read(plain, regions=REGIONS)
    assert by_region.mode == "region" and scanned.mode == "scan"
    for result in (by_region, scanned):
        assert [v.gene for v in result.variants].count("EGFR") == 2 and result.tally.read == 7


def test_csq_entries_of_other_genes_are_skipped_with_the_same_reasons() -> None:
    from hpdgenomics.readers.small_variants.vcf import SKIP_NO_GENE

    everything = _read(VCF / "luad_mutect2_vep.vcf", include_filtered=True)
    only_egfr = read_vcf(inspect_vcf(VCF / "luad_mutect2_vep.vcf"), "TUMOR_LUAD1", genes=frozenset({"EGFR"}),
                         include_filtered=True)
    assert [v.gene for v in only_egfr.variants] == ["EGFR"]
    assert only_egfr.tally.skipped == {SKIP_NOT_RULE_GENE: 5} and only_egfr.tally.balanced
    assert [v for v in everything.variants if v.gene == "EGFR"] == only_egfr.variants
    assert SKIP_NO_GENE not in everything.tally.skipped
