"""Broken and hostile copy-number VCFs (DRAGEN-style CNV records): every one is refused with the file, the line and
what was expected. The inputs are under test_data/malformed/vcf_cnv/; the truncated bgzip is made in tmp_path.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from hpdgenomics import api
from hpdgenomics.errors import BuildMismatchError, InputError, SampleSelectionError
from hpdgenomics.readers.copy_number.vcf_cnv import read_vcf_copy_number
from hpdgenomics.readers.small_variants.vcf import choose_tumour_sample, inspect_vcf
from hpdgenomics.request import AnnotateRequest

from .conftest import TEST_DATA
from .malformed_helpers import MALFORMED, expect_error, truncated_gzip

CNV = MALFORMED / "vcf_cnv"


def read(path: Path, tumour: str | None = None):
    header = inspect_vcf(path)
    return read_vcf_copy_number(header, choose_tumour_sample(header, tumour))


@pytest.mark.parametrize(("name", "line", "expected"), [
    ("empty.vcf", None, "the file is empty"),
    ("end_before_pos.vcf", 14, "INFO/END 68600000 lies before POS 68700001"),
    # htslib reads '68.9M' in an Integer field as 68; the line says what is wrong
    ("non_numeric_end.vcf", 14, "INFO/END value '68.9M': the header declares it Integer"),
    ("non_numeric_cn.vcf", 14, "FORMAT/CN of sample TUMOUR_DRAGEN is 'nine': the header declares it Integer"),
    ("contig_not_in_header.vcf", 13, "contig 'chr1' is not declared in the header (##contig lines: chr12)"),
    ("undeclared_end_key.vcf", 12, "INFO/END is used but not declared in the header"),
    ("undeclared_cn_key.vcf", 12, "FORMAT/CN is used but not declared in the header"),
    ("duplicated_sample_names.vcf", 12, "sample name 'TUMOUR_DRAGEN' appears twice on the #CHROM line"),
    ("fewer_sample_columns_than_header.vcf", 14, "10 tab-separated columns, but the #CHROM line (line 12) has 11"),
    ("end_past_contig_end.vcf", 15, "INFO/END 133300000 lies past the end of contig 12 (133,275,309 bp in its "
     "##contig line)"),
])
def test_malformed_copy_number_vcf_is_refused(name: str, line: int | None, expected: str) -> None:
    path = CNV / name
    tumour = "TUMOUR_DRAGEN" if name.startswith("fewer_sample") else None
    expect_error(lambda: read(path, tumour), InputError, path, line, expected)


def test_windows_line_endings_and_byte_order_mark_are_accepted() -> None:
    segments = read(CNV / "accepted_crlf_bom.vcf")
    frame = segments.frame
    assert frame[["chrom", "start", "end", "cn", "line"]].values.tolist() == [
        ["12", 10001, 68700000, 2, 13], ["12", 68700001, 68900000, 9, 14], ["12", 68900001, 133200000, 2, 15]]
    assert segments.tallies["TUMOUR_DRAGEN"].balanced


def test_sample_named_on_the_command_line_but_absent() -> None:
    path = CNV / "accepted_crlf_bom.vcf"
    expect_error(lambda: read(path, "TUMOUR_OTHER"), SampleSelectionError, path, None,
                 "tumour sample 'TUMOUR_OTHER' is not in the VCF; samples: TUMOUR_DRAGEN")


def test_declared_grch37_with_grch38_contig_lengths() -> None:
    path = TEST_DATA / "copy_number" / "dragen_cnv_grch38.vcf"
    expect_error(lambda: api.annotate(AnnotateRequest.of(cnv_vcf=path, build="GRCh37")), BuildMismatchError, path, None,
                 "--build GRCh37 was given but the ##contig lengths match GRCh38")


def test_truncated_bgzip_is_refused(tmp_path: Path) -> None:
    lines = (CNV / "accepted_crlf_bom.vcf").read_bytes().decode("utf-8-sig").split("\r\n")
    first = lines[12].split("\t")
    body = ["\t".join([first[0], str(10001 + 1000 * i), first[2], first[3], first[4], first[5], first[6],
                       f"SVTYPE=CNV;END={10000 + 1000 * (i + 1)}", *first[8:]]) for i in range(3000)]
    source = tmp_path / "long.vcf"
    source.write_text("\n".join(lines[:12] + body) + "\n")
    broken = truncated_gzip(source, tmp_path / "long.vcf.gz", bgzip=True, keep=0.7)
    expect_error(lambda: read(broken), InputError, broken, None, "compressed data is corrupt or truncated")
