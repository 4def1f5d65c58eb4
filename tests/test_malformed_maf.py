"""Broken and hostile MAFs: every one is refused with the file, the line and what was expected.

The inputs are under test_data/malformed/maf/ (see test_data/README.md); the truncated gzip is made in tmp_path.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from hpdgenomics import api
from hpdgenomics.errors import BuildMismatchError, InputError, SampleSelectionError
from hpdgenomics.readers.small_variants.maf import read_maf
from hpdgenomics.request import AnnotateRequest

from .conftest import TEST_DATA
from .malformed_helpers import MALFORMED, expect_error, truncated_gzip

MAF = MALFORMED / "maf"
GENES = frozenset({"EGFR", "TP53", "PTPRN2"})


@pytest.mark.parametrize(("name", "error_type", "line", "expected"), [
    ("empty.maf", InputError, None, "the MAF is empty (no header line)"),
    ("space_separated.maf", InputError, 1, "the MAF header is not tab-separated"),
    ("missing_tumor_sample_barcode.maf", InputError, 2, "missing required MAF column(s): Tumor_Sample_Barcode"),
    ("duplicated_column.maf", InputError, 2, "column Tumor_Sample_Barcode appears more than once"),
    ("short_row.maf", InputError, 4, "expected 18 tab-separated columns like the header (line 2)"),
    ("non_numeric_start_position.maf", InputError, 4,
     "Start_Position '7,673,802': expected a whole number from 1 (a 1-based position)"),
    ("non_numeric_alt_count.maf", InputError, 4, "t_alt_count 'fifty': expected a whole number of reads"),
    ("end_before_start.maf", InputError, 4, "End_Position 7673702 lies before Start_Position 7673802"),
    ("unknown_chromosome.maf", InputError, 4, "Chromosome 'chr17q' is neither a GRCh37/GRCh38 chromosome"),
    ("hg17_ncbi35_rows.maf", BuildMismatchError, 3,
     "NCBI_Build '35' is not supported (35 is not supported; lift the data over to GRCh37 or GRCh38 first)"),
    # chr7:159,300,000 exists in GRCh38 (159,345,973 bp) but not in GRCh37 (159,138,663 bp)
    ("past_grch37_chromosome_end.maf", BuildMismatchError, 4,
     "position 159,300,000 lies past the end of chromosome 7 in GRCh37 (159,138,663 bp), the build NCBI_Build "
     "names"),
])
def test_malformed_maf_is_refused_with_file_line_and_expectation(name: str, error_type: type[InputError],
                                                                  line: int | None, expected: str) -> None:
    path = MAF / name
    expect_error(lambda: read_maf(path, genes=GENES), error_type, path, line, expected)


def test_mixed_builds_name_the_first_row_that_differs() -> None:
    path = TEST_DATA / "maf" / "mixed_builds.maf"
    expect_error(lambda: read_maf(path), BuildMismatchError, path, 3,
                 "the MAF mixes genome builds in NCBI_Build: 'GRCh37' here, GRCh38 on the rows before")


def test_windows_line_endings_and_byte_order_mark_are_accepted() -> None:
    result = read_maf(MAF / "accepted_crlf_bom_gdc.maf", genes=GENES)
    (sample,) = result.samples.values()
    assert [(v.gene, v.chrom, v.pos, v.protein_change) for v in sample.variants] == [
        ("EGFR", "7", 55191822, "p.L858R"), ("TP53", "17", 7673802, "p.R273H")]
    assert sample.variants[1].source == "accepted_crlf_bom_gdc.maf:4"
    assert result.build == "GRCh38" and sample.tally is not None and sample.tally.balanced


def test_header_without_rows_is_a_clear_error() -> None:
    path = MAF / "header_only.maf"
    expect_error(lambda: api.annotate(AnnotateRequest.of(maf=path)), InputError, path, None,
                 "the MAF has a header but no data rows")


def test_sample_named_on_the_command_line_but_absent() -> None:
    path = MAF / "accepted_crlf_bom_gdc.maf"
    expect_error(lambda: read_maf(path, sample="TCGA-05-4244-01B"), SampleSelectionError, path, None,
                 "sample 'TCGA-05-4244-01B' is not in Tumor_Sample_Barcode (1 samples: TCGA-05-4244-01A)")


def test_declared_build_contradicting_ncbi_build() -> None:
    path = MAF / "accepted_crlf_bom_gdc.maf"
    expect_error(lambda: api.annotate(AnnotateRequest.of(maf=path, build="GRCh37")), BuildMismatchError, path, None,
                 "--build GRCh37 was given but NCBI_Build says GRCh38")


def test_truncated_gzip_is_refused(tmp_path: Path) -> None:
    rows = (MAF / "accepted_crlf_bom_gdc.maf").read_bytes().decode("utf-8-sig").replace("\r\n", "\n").split("\n")
    source = tmp_path / "long.maf"
    source.write_text("\n".join(rows[:2] + rows[2:3] * 3000) + "\n")
    broken = truncated_gzip(source, tmp_path / "long.maf.gz", keep=0.6)
    expect_error(lambda: read_maf(broken), InputError, broken, None, "compressed data is corrupt or truncated")


def test_scaffold_and_numbered_sex_chromosomes_are_accepted(tmp_path: Path) -> None:
    text = (MAF / "accepted_crlf_bom_gdc.maf").read_bytes().decode("utf-8-sig")
    path = tmp_path / "scaffold.maf"
    path.write_text(text.replace("chr17", "GL000192.1").replace("chr7", "23"))
    variants = read_maf(path).samples["TCGA-05-4244-01A"].variants
    assert [v.chrom for v in variants] == ["23", "GL000192.1"]
