"""Broken and hostile small-variant VCFs: every one is refused with the file, the line and what was expected.

The inputs are under test_data/malformed/vcf/, one per case (see test_data/README.md); binary cases (truncated
bgzip) are made in tmp_path. Windows line endings and a UTF-8 byte-order mark are accepted.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from hpdgenomics import api
from hpdgenomics.errors import BuildMismatchError, InputError, SampleSelectionError
from hpdgenomics.readers.small_variants.vcf import choose_tumour_sample, inspect_vcf, read_vcf
from hpdgenomics.request import AnnotateRequest

from .conftest import TEST_DATA
from .malformed_helpers import MALFORMED, expect_error, truncated_gzip

VCF = MALFORMED / "vcf"
GENES = frozenset({"AKT1", "STK11", "EGFR"})


def read(path: Path, tumour: str | None = None):
    header = inspect_vcf(path)
    return read_vcf(header, choose_tumour_sample(header, tumour), genes=GENES)


@pytest.mark.parametrize(("name", "error_type", "line", "expected"), [
    ("empty.vcf", InputError, None, "the file is empty: expected a VCF starting with '##fileformat=VCFv4.x'"),
    ("header_only_no_chrom_line.vcf", InputError, None, "no '#CHROM' line"),
    ("chrom_line_missing_info_column.vcf", InputError, 10, "tab-separated with the 8 fixed VCF columns"),
    ("body_space_separated.vcf", InputError, 11, "separated by spaces: a VCF record must be tab-separated"),
    ("non_numeric_pos.vcf", InputError, 12, "POS '1207O22': expected a whole number from 1 to 999,999,999"),
    # htslib would wrap this to 104,857,214 without a word
    ("position_overflows_32_bits.vcf", InputError, 11, "POS '4399824510': expected a whole number"),
    ("duplicated_sample_names.vcf", InputError, 10, "sample name 'TUMOR' appears twice on the #CHROM line"),
    ("empty_sample_name.vcf", InputError, 10, "empty sample name"),
    # header and body disagree
    ("fewer_sample_columns_than_header.vcf", InputError, 12,
     "10 tab-separated columns, but the #CHROM line (line 10) has 11 (8 fixed columns, FORMAT and 2 sample(s): "
     "NORMAL, TUMOR)"),
    ("more_sample_columns_than_header.vcf", InputError, 12, "11 tab-separated columns, but the #CHROM line"),
    ("contig_not_in_header.vcf", InputError, 12, "contig 'chr7' is not declared in the header (##contig lines: "
     "chr14, chr19)"),
    ("undeclared_annotation_key.vcf", InputError, 10, "INFO/ANN is used but the header has no ##INFO=<ID=ANN"),
    ("position_past_contig_end.vcf", InputError, 11,
     "POS 107043800 lies past the end of contig chr14 (107,043,718 bp in its ##contig line)"),
    # no ##contig lengths, ##reference names GRCh37, and chr7:159,200,000 exists only in GRCh38
    ("past_grch37_chromosome_end.vcf", BuildMismatchError, 9,
     "POS 159200000 lies past the end of chromosome 7 in GRCh37 (159,138,663 bp), the build named by ##reference"),
])
def test_malformed_vcf_is_refused_with_file_line_and_expectation(name: str, error_type: type[InputError],
                                                                  line: int | None, expected: str) -> None:
    path = VCF / name
    tumour = "TUMOR" if name.startswith("fewer_sample") else None
    expect_error(lambda: read(path, tumour), error_type, path, line, expected)


def test_windows_line_endings_and_byte_order_mark_are_accepted() -> None:
    result = read(VCF / "accepted_crlf_bom.vcf")
    assert [(v.gene, v.protein_change, v.vaf, v.depth) for v in result.variants] == [
        ("AKT1", "p.E17K", 0.38, 100), ("STK11", "p.Q37*", pytest.approx(61 / 91), 91)]
    assert result.tally.read == 2 and result.tally.balanced
    assert result.variants[0].source.endswith("accepted_crlf_bom.vcf:11")


def test_undeclared_keys_that_only_feed_vaf_or_nothing_are_read_with_a_qc_note() -> None:
    ad = read(VCF / "undeclared_format_key.vcf")
    assert {v.vaf for v in ad.variants} == {None}  # AD undeclared: not read, and the report says so
    assert "FORMAT/AD is used in the body but not declared in the header, so VAF and depth were not read from it" \
        in ad.tally.notes
    other = read(VCF / "undeclared_unused_info_key.vcf")
    assert [v.gene for v in other.variants] == ["AKT1", "STK11"]
    assert any(note.startswith("INFO/MYTAG is used in the body but not declared") for note in other.tally.notes)


def _long_vcf(tmp_path: Path, records: int = 3000) -> Path:
    text = (VCF / "accepted_crlf_bom.vcf").read_bytes().decode("utf-8-sig").replace("\r\n", "\n")
    head, first = text.split("\n")[:10], text.split("\n")[10].split("\t")
    body = ["\t".join([first[0], str(1_000_000 + 10 * i), *first[2:]]) for i in range(records)]
    path = tmp_path / "long.vcf"
    path.write_text("\n".join(head + body) + "\n")
    return path


def test_truncated_bgzip_is_refused(tmp_path: Path) -> None:
    broken = truncated_gzip(_long_vcf(tmp_path), tmp_path / "truncated.vcf.gz", bgzip=True, keep=0.7)
    header = inspect_vcf(broken)  # the header is intact
    assert header.samples == ("TUMOR",)
    expect_error(lambda: read_vcf(header, "TUMOR", genes=GENES), InputError, broken, None,
                 "compressed data is corrupt or truncated")


def test_truncated_inside_the_header(tmp_path: Path) -> None:
    broken = truncated_gzip(VCF / "accepted_crlf_bom.vcf", tmp_path / "short.vcf.gz", bgzip=True, keep=0.3)
    with pytest.raises(InputError, match=r"corrupt or truncated|no .#CHROM. line"):
        read(broken)


def test_empty_line_in_the_body_is_not_read_as_a_record(tmp_path: Path) -> None:
    path = tmp_path / "blank.vcf"
    lines = (VCF / "accepted_crlf_bom.vcf").read_bytes().decode("utf-8-sig").split("\r\n")
    path.write_text("\n".join([*lines[:11], "", *lines[11:]]))
    expect_error(lambda: read(path), InputError, path, 12, "empty line: expected a VCF record")


def test_sample_named_on_the_command_line_but_absent() -> None:
    path = TEST_DATA / "vcf" / "luad_mutect2_vep.vcf"
    expect_error(lambda: api.annotate(AnnotateRequest.of(vcf=path, tumour_sample="TUMOR_LUAD2")),
                 SampleSelectionError, path, None,
                 "tumour sample 'TUMOR_LUAD2' is not in the VCF; samples: NORMAL_LUAD1, TUMOR_LUAD1")


def test_declared_grch37_with_grch38_contig_lengths() -> None:
    path = TEST_DATA / "vcf" / "luad_mutect2_vep.vcf"
    expect_error(lambda: api.annotate(AnnotateRequest.of(vcf=path, build="GRCh37")), BuildMismatchError, path, None,
                 "--build GRCh37 was given but the ##contig lengths match GRCh38")


def test_the_cli_shows_the_same_message_and_writes_nothing(tmp_path: Path) -> None:
    from click.testing import CliRunner

    from hpdgenomics.cli import cli

    path = VCF / "more_sample_columns_than_header.vcf"
    result = CliRunner().invoke(cli, ["annotate", "--vcf", str(path), "--out", str(tmp_path / "out")])
    assert result.exit_code == 1
    assert f"hpdgenomics: error: {path}, line 12: 11 tab-separated columns" in result.output
    assert not (tmp_path / "out").exists()
