"""Broken and hostile CNVkit .cns/.cnr files: every one is refused with the file, the line and what was expected.

The inputs are under test_data/malformed/cnvkit/ (see test_data/README.md); the truncated gzip is made in tmp_path.
A CNVkit file holds one sample, named by the file (or by --sample), so no sample can be "absent" from it.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from hpdgenomics import api
from hpdgenomics.errors import BuildMismatchError, InputError
from hpdgenomics.readers.copy_number.segments import SKIP_EMPTY, read_cnvkit
from hpdgenomics.request import AnnotateRequest

from .conftest import TEST_DATA
from .malformed_helpers import MALFORMED, expect_error, truncated_gzip

CNS = MALFORMED / "cnvkit"


@pytest.mark.parametrize(("name", "line", "expected"), [
    ("empty.cns", None, "the file is empty (expected a tab-separated header line)"),
    ("header_only.cns", None, "the file has a header but no data rows"),
    ("space_separated.cns", 1, "missing required column(s) chrom, start, end, log2"),
    ("missing_log2_column.cns", 1, "missing required column(s) log2 (log2: one of log2)"),
    ("non_numeric_log2.cns", 3, "column log2: expected a number or NA, got '2.58.01'"),
    ("end_before_start.cns", 3, "segment end 69100000 lies before its start 69300000"),
    ("unknown_contig.cns", 3, "chromosome 'chr12_MDM2' is neither a GRCh37/GRCh38 chromosome"),
    ("duplicated_segments.cns", 5, "the segment 12:60001-69100000 overlaps the one on line 2"),
])
def test_malformed_cnvkit_is_refused_with_file_line_and_expectation(name: str, line: int | None,
                                                                     expected: str) -> None:
    path = CNS / name
    expect_error(lambda: read_cnvkit(path), InputError, path, line, expected)


def test_windows_line_endings_and_byte_order_mark_are_accepted() -> None:
    cns = read_cnvkit(CNS / "accepted_crlf_bom.call.cns")
    assert cns.samples == ["accepted_crlf_bom"]
    assert cns.frame["cn"].tolist() == [2, 12, 2] and cns.frame["line"].tolist() == [2, 3, 4]


def test_empty_segment_with_zero_probes_is_counted_not_refused(tmp_path: Path) -> None:
    path = tmp_path / "empty_segment.cns"
    path.write_text("chromosome\tstart\tend\tgene\tlog2\tprobes\nchr1\t100\t50\t-\t0\t0\nchr1\t100\t200\t-\t0.1\t9\n")
    tally = read_cnvkit(path).tallies["empty_segment"]
    assert (tally.read, tally.kept, dict(tally.skipped)) == (2, 1, {SKIP_EMPTY: 1})


def test_declared_build_contradicted_by_segment_ends() -> None:
    path = TEST_DATA / "copy_number" / "tumour_mdm2_amp.call.cns"  # chr1 to 249,200,000: GRCh37 only
    expect_error(lambda: api.annotate(AnnotateRequest.of(cns=path, build="GRCh38")), BuildMismatchError, path, None,
                 "--build says GRCh38, but segment ends lie past the end of a GRCh38 chromosome (they fit GRCh37)")


def test_positions_past_the_chromosome_end_in_both_builds() -> None:
    path = CNS / "past_both_chromosome_ends.cns"
    expect_error(lambda: api.annotate(AnnotateRequest.of(cns=path)), BuildMismatchError, path, None,
                 "segment coordinates fit neither build")


def test_truncated_gzip_is_refused(tmp_path: Path) -> None:
    body = "".join(f"chr1\t{i * 100}\t{i * 100 + 100}\t-\t0.1\t5\n" for i in range(3000))
    source = tmp_path / "long.cns"
    source.write_text("chromosome\tstart\tend\tgene\tlog2\tprobes\n" + body)
    broken = truncated_gzip(source, tmp_path / "long.cns.gz")
    expect_error(lambda: read_cnvkit(broken), InputError, broken, None, "compressed data is corrupt or truncated")


@pytest.mark.parametrize("value", ["inf", "-inf", "nan", "3.402823466e+38"])
def test_positions_that_are_not_finite_or_too_large(value: str, tmp_path: Path) -> None:
    # found by scripts/fuzz.py: numpy warned (an error under the test suite) on inf % 1 and on casting 3.4e38
    path = tmp_path / "odd.cns"
    path.write_text(f"chromosome\tstart\tend\tgene\tlog2\tprobes\nchr1\t100\t{value}\t-\t0.1\t9\n")
    with pytest.raises(InputError, match="column end: expected") as caught:
        read_cnvkit(path)
    assert caught.value.line == 2
