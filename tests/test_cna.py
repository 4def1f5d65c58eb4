"""Discrete copy-number tables (cBioPortal/GISTIC matrix and long format) and VCF copy-number records."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from hpdgenomics.errors import InputError, SampleSelectionError
from hpdgenomics.model import CopyNumberState
from hpdgenomics.readers.copy_number.cna import SKIP_DUPLICATE, SKIP_NOT_PROFILED, SKIP_NOT_RULE_GENE, read_discrete_cna
from hpdgenomics.readers.copy_number.vcf_cnv import SKIP_FILTERED, read_vcf_copy_number
from hpdgenomics.readers.small_variants.vcf import has_copy_number_records, inspect_vcf

from .conftest import TEST_DATA

CN = TEST_DATA / "copy_number"
GENES = frozenset({"MDM2", "MDM4", "CDK4", "PTEN", "TP53", "EGFR"})


def test_matrix_codes_including_msk_minus_1_5_and_na() -> None:
    table = read_discrete_cna(CN / "cbioportal_matrix_msk_codes.txt", genes=GENES)
    assert table.layout == "matrix"
    assert list(table.samples) == ["P-0000001-T01-IM6", "P-0000002-T01-IM6", "P-0000003-T01-IM3"]
    first, second, third = table.samples.values()
    assert first.calls["MDM2"][0] is CopyNumberState.AMPLIFICATION
    assert first.calls["PTEN"][0] is CopyNumberState.DEEP_DELETION
    assert second.calls["MDM4"][:2] == (CopyNumberState.LOSS, "-1.5")  # MSK code: a loss, never a deep deletion
    assert second.calls["EGFR"][0] is CopyNumberState.GAIN
    assert first.calls["MDM2"][2] == "cbioportal_matrix_msk_codes.txt:2"
    assert not third.calls and third.not_profiled == set(GENES)
    for sample in table.samples.values():
        assert sample.tally is not None and sample.tally.balanced and sample.tally.read == 7
    assert third.tally is not None and third.tally.skipped == {SKIP_NOT_PROFILED: 6, SKIP_NOT_RULE_GENE: 1}


def test_matrix_sample_selection() -> None:
    table = read_discrete_cna(CN / "cbioportal_matrix_msk_codes.txt", sample="P-0000002-T01-IM6", genes=GENES)
    assert list(table.samples) == ["P-0000002-T01-IM6"]
    with pytest.raises(SampleSelectionError, match="not a column"):
        read_discrete_cna(CN / "cbioportal_matrix_msk_codes.txt", sample="P-9", genes=GENES)


def test_long_format_keeps_the_most_extreme_of_duplicate_rows_and_counts_it() -> None:
    table = read_discrete_cna(CN / "cna_long_duplicate_gene.txt", genes=GENES)
    assert table.layout == "long"
    first = table.samples["TCGA-05-4417-01"]
    assert first.calls["CDK4"][0] is CopyNumberState.DEEP_DELETION
    assert first.tally is not None and first.tally.skipped == {SKIP_DUPLICATE: 1} and first.tally.balanced
    second = table.samples["TCGA-02-0033-01"]
    assert second.calls["MDM2"][0] is CopyNumberState.GAIN and "MDM4" in second.not_profiled


def test_unexpected_value_names_the_line() -> None:
    with pytest.raises(InputError) as caught:
        read_discrete_cna(CN / "cna_unexpected_value.txt", genes=GENES)
    assert caught.value.line == 3 and "'3'" in caught.value.detail


def test_word_calls_and_gistic_layout(tmp_path: Path) -> None:
    path = tmp_path / "gistic.txt"
    path.write_text("Gene Symbol\tLocus ID\tCytoband\tS1\tS2\nMDM2\t4193\t12q15\tAmplification\tGain\n"
                    "MDM4\t4194\t1q32.1\tHOMDEL\t-1\n")
    table = read_discrete_cna(path, genes=GENES)
    assert list(table.samples) == ["S1", "S2"]
    assert table.samples["S1"].calls["MDM4"][0] is CopyNumberState.DEEP_DELETION
    assert table.samples["S2"].calls["MDM2"][0] is CopyNumberState.GAIN


@pytest.mark.parametrize(("text", "message"), [
    ("", "empty"),
    ("Hugo_Symbol\tS1\n", "no data rows"),
    ("Symbol\tS1\nMDM2\t2\n", "no gene column"),
    ("Hugo_Symbol\nMDM2\n", "no sample columns"),
    ("Hugo_Symbol\tS1\tS1\nMDM2\t2\t0\n", "appears more than once"),
])
def test_malformed_tables(tmp_path: Path, text: str, message: str) -> None:
    path = tmp_path / "cna.txt"
    path.write_text(text)
    with pytest.raises(InputError, match=message):
        read_discrete_cna(path, genes=GENES)


@settings(max_examples=120, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(cells=st.lists(st.lists(st.sampled_from(["2", "-2", "-1.5", "0", "NA", "", "1", "x", "2.0", "Gain"]),
                               min_size=2, max_size=2), min_size=1, max_size=5))
def test_random_matrices_parse_or_raise_input_error(tmp_path: Path, cells: list[list[str]]) -> None:
    path = tmp_path / "cna.txt"
    genes = ["MDM2", "MDM4", "CDK4", "PTEN", "TP53"]
    path.write_text("Hugo_Symbol\tA\tB\n" + "".join(f"{g}\t{a}\t{b}\n" for g, (a, b) in zip(genes, cells,
                                                                                           strict=False)))
    try:
        table = read_discrete_cna(path, genes=GENES)
    except InputError:
        return
    for sample in table.samples.values():
        assert sample.tally is not None and sample.tally.balanced
        assert set(sample.calls) <= sample.profiled


# ------------------------------------------------------------------------------------------ VCF copy number


def test_dragen_copy_number_vcf() -> None:
    header = inspect_vcf(CN / "dragen_cnv_grch38.vcf")
    assert has_copy_number_records(header)
    segments = read_vcf_copy_number(header, "TUMOUR_DRAGEN")
    tally = segments.tallies["TUMOUR_DRAGEN"]
    assert (tally.read, tally.kept, dict(tally.skipped)) == (8, 7, {SKIP_FILTERED: 1})
    dup = segments.frame[segments.frame["cn"] == 9].iloc[0]
    assert (dup["chrom"], dup["start"], dup["end"], dup["line"]) == ("12", 68700001, 68900000, 25)
    assert dup["log2"] == pytest.approx(2.1408, abs=1e-4)  # log2 of DRAGEN's linear SM 4.4102
    with_filtered = read_vcf_copy_number(header, "TUMOUR_DRAGEN", include_filtered=True)
    assert with_filtered.tallies["TUMOUR_DRAGEN"].kept == 8


def test_small_variant_vcf_has_no_copy_number_records() -> None:
    assert not has_copy_number_records(inspect_vcf(TEST_DATA / "vcf" / "luad_mutect2_vep.vcf"))
