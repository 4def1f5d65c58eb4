"""Broken and hostile SEG files: every one is refused with the file, the line and what was expected.

The inputs are under test_data/malformed/seg/ (and three older ones in test_data/copy_number/); the truncated gzip
is made in tmp_path. Build problems are found once the build is known, so they are checked through the API.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from hpdgenomics import api
from hpdgenomics.errors import BuildMismatchError, InputError, SampleSelectionError
from hpdgenomics.readers.copy_number.segments import read_seg
from hpdgenomics.request import AnnotateRequest

from .conftest import TEST_DATA
from .malformed_helpers import MALFORMED, expect_error, truncated_gzip

SEG = MALFORMED / "seg"
CN = TEST_DATA / "copy_number"


@pytest.mark.parametrize(("path", "line", "expected"), [
    (SEG / "empty.seg", None, "the file is empty (expected a tab-separated header line)"),
    (SEG / "header_only.seg", None, "the file has a header but no data rows"),
    (SEG / "space_separated.seg", 1, "missing required column(s) chrom, start, end"),
    (CN / "comma_separated.seg", 1, "(is the file tab-separated?)"),
    (SEG / "missing_end_column.seg", 1, "missing required column(s) end (end: one of locend, end, endbp"),
    (SEG / "short_row.seg", 3, "expected 6 tab-separated columns like the header (line 1)"),
    (SEG / "non_numeric_start.seg", 3, "column loc.start: expected an integer position, got '69.1Mb'"),
    (CN / "non_numeric_mean.seg", 3, "column seg.mean: expected a number or NA, got 'high'"),
    (CN / "end_before_start.seg", 3, "segment end 69100001 lies before its start 69300000"),
    (SEG / "unknown_contig.seg", 3, "chromosome 'chr12q' is neither a GRCh37/GRCh38 chromosome"),
    # the same sample twice (two files concatenated): its segments overlap
    (SEG / "duplicated_sample.seg", 5, "sample TUMOUR_A: the segment 12:60001-69100000 overlaps the one on line 2"),
])
def test_malformed_seg_is_refused_with_file_line_and_expectation(path: Path, line: int | None, expected: str) -> None:
    expect_error(lambda: read_seg(path), InputError, path, line, expected)


def test_windows_line_endings_and_byte_order_mark_are_accepted() -> None:
    seg = read_seg(SEG / "accepted_crlf_bom.seg")
    assert seg.samples == ["TUMOUR_A"]
    assert seg.frame[["chrom", "start", "end", "line"]].values.tolist() == [
        ["12", 60000, 69100000, 2], ["12", 69100000, 69300000, 3], ["12", 69300000, 133800000, 4]]
    assert seg.frame["log2"].tolist() == [0.0151, 2.5801, 0.0022]


def test_segments_sharing_their_boundary_base_are_not_an_overlap(tmp_path: Path) -> None:
    # TCGA Firehose and aCGH exports end one segment on the base where the next starts (1-based, closed)
    path = tmp_path / "touching.seg"
    path.write_text("ID\tchrom\tloc.start\tloc.end\tnum.mark\tseg.mean\nS\t1\t1\t100\t5\t0.1\nS\t1\t100\t200\t5\t0.2\n")
    assert len(read_seg(path).frame) == 2


def test_blank_lines_keep_line_numbers_true(tmp_path: Path) -> None:
    path = tmp_path / "blank.seg"
    path.write_text("ID\tchrom\tloc.start\tloc.end\tnum.mark\tseg.mean\nS\t1\t1\t100\t5\t0.1\n\nS\t1\t101\t200\t5\tx\n")
    expect_error(lambda: read_seg(path), InputError, path, 4, "column seg.mean: expected a number or NA, got 'x'")


def test_sample_named_on_the_command_line_but_absent() -> None:
    path = SEG / "accepted_crlf_bom.seg"
    expect_error(lambda: read_seg(path, sample="TUMOUR_B"), SampleSelectionError, path, None,
                 "sample 'TUMOUR_B' is not in the file (1 samples: TUMOUR_A)")


def test_declared_build_contradicted_by_segment_ends() -> None:
    path = SEG / "fits_grch37_only.seg"  # chr1 ends at 249,200,000: past GRCh38's chr1 (248,956,422 bp)
    expect_error(lambda: api.annotate(AnnotateRequest.of(seg=path, build="GRCh38")), BuildMismatchError, path, None,
                 "--build says GRCh38, but segment ends lie past the end of a GRCh38 chromosome (they fit GRCh37)")
    assert api.annotate(AnnotateRequest.of(seg=path)).document["sample"]["genome_build"] == "GRCh37"


def test_positions_past_the_chromosome_end_in_both_builds() -> None:
    path = SEG / "past_both_chromosome_ends.seg"
    expect_error(lambda: api.annotate(AnnotateRequest.of(seg=path)), BuildMismatchError, path, None,
                 "segment coordinates fit neither build: positions lie past the end of a chromosome in both")


def test_truncated_gzip_is_refused(tmp_path: Path) -> None:
    body = "".join(f"S\t1\t{i * 100 + 1}\t{i * 100 + 100}\t5\t0.1\n" for i in range(3000))
    source = tmp_path / "long.seg"
    source.write_text("ID\tchrom\tloc.start\tloc.end\tnum.mark\tseg.mean\n" + body)
    broken = truncated_gzip(source, tmp_path / "long.seg.gz")
    expect_error(lambda: read_seg(broken), InputError, broken, None, "compressed data is corrupt or truncated")


@pytest.mark.parametrize("value", ["3.402823466e+38", "1e10", "99999999999"])
def test_positions_too_large_for_any_chromosome(value: str, tmp_path: Path) -> None:
    # found by scripts/fuzz.py: 3.4e38 overflowed the integer column (a RuntimeWarning, not an error)
    path = tmp_path / "huge.seg"
    path.write_text(f"ID\tchrom\tloc.start\tloc.end\tnum.mark\tseg.mean\nS\t1\t1\t{value}\t5\t0.1\n")
    expect_error(lambda: read_seg(path), InputError, path, 2,
                 f"column loc.end: expected a non-negative integer position (at most 999,999,999), got {value!r}")
