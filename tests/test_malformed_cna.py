"""Broken and hostile discrete copy-number tables: every one is refused with the file, the line and what was
expected. Discrete tables have no coordinates, so end-before-start, unknown contigs and build checks do not apply.

The inputs are under test_data/malformed/cna/ (see test_data/README.md); the truncated gzip is made in tmp_path.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from hpdgenomics.errors import InputError, SampleSelectionError
from hpdgenomics.model import CopyNumberState
from hpdgenomics.readers.copy_number.cna import read_discrete_cna

from .conftest import TEST_DATA
from .malformed_helpers import MALFORMED, expect_error, truncated_gzip

CNA = MALFORMED / "cna"
GENES = frozenset({"MDM2", "MDM4", "CDK4"})


@pytest.mark.parametrize(("path", "line", "expected"), [
    (CNA / "empty.txt", None, "the file is empty (expected a tab-separated header line)"),
    (CNA / "header_only.txt", None, "the file has a header but no data rows"),
    (CNA / "comma_separated.txt", 1, "no gene column: expected Hugo_Symbol or Gene Symbol"),
    (CNA / "missing_gene_column.txt", 1, "no gene column: expected Hugo_Symbol or Gene Symbol; the header has Symbol"),
    (CNA / "long_missing_value_column.txt", 1, "a long-format table (columns Hugo_Symbol and Tumor_Sample_Barcode) "
     "needs a value column"),
    (CNA / "short_row.txt", 3, "expected 4 tab-separated columns like the header (line 1)"),
    (CNA / "non_numeric_value.txt", 3, "unexpected copy-number value 'high': expected -2, -1.5, -1, 0, 1, 2, NA"),
    (TEST_DATA / "copy_number" / "cna_unexpected_value.txt", 3, "unexpected copy-number value '3'"),
    (CNA / "duplicated_sample_column.txt", 1, "sample column 'P-0000001-T01-IM6' appears more than once"),
])
def test_malformed_cna_is_refused_with_file_line_and_expectation(path: Path, line: int | None, expected: str) -> None:
    expect_error(lambda: read_discrete_cna(path, genes=GENES), InputError, path, line, expected)


def test_windows_line_endings_and_byte_order_mark_are_accepted() -> None:
    table = read_discrete_cna(CNA / "accepted_crlf_bom.txt", genes=GENES)
    first, second = table.samples.values()
    assert first.calls["MDM2"][:2] == (CopyNumberState.AMPLIFICATION, "2")
    assert second.calls["MDM4"][:2] == (CopyNumberState.LOSS, "-1.5") and "CDK4" in second.not_profiled
    assert first.calls["MDM2"][2] == "accepted_crlf_bom.txt:2"
    assert first.tally is not None and first.tally.skipped == {} and first.tally.balanced


def test_sample_named_on_the_command_line_but_absent() -> None:
    path = CNA / "accepted_crlf_bom.txt"
    expect_error(lambda: read_discrete_cna(path, sample="P-0000009-T01-IM6", genes=GENES), SampleSelectionError,
                 path, None, "sample 'P-0000009-T01-IM6' is not a column of the matrix")


def test_truncated_gzip_is_refused(tmp_path: Path) -> None:
    source = tmp_path / "long.txt"
    source.write_text("Hugo_Symbol\tS1\tS2\n" + "".join(f"G{i}\t0\t1\n" for i in range(5000)))
    broken = truncated_gzip(source, tmp_path / "long.txt.gz")
    expect_error(lambda: read_discrete_cna(broken, genes=GENES), InputError, broken, None,
                 "compressed data is corrupt or truncated")
