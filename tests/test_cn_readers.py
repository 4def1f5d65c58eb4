"""Readers of the absolute / allele-specific callers and the format registry: real files and written edge cases."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from hpdgenomics.errors import InputError, OptionError
from hpdgenomics.readers import registry
from hpdgenomics.readers.copy_number.ascat import read_ascat

from .conftest import realdata

EDGE = Path(__file__).resolve().parent.parent / "test_data" / "copy_number"
CALLERS = "copy_number_callers"


def _read(path: Path, given_as: str = "seg", forced: str | None = None, **options: object):
    fmt = registry.detect(path, given_as, forced)
    return fmt.name, registry.read(fmt, path, **options)


@pytest.mark.parametrize(("relative", "fmt", "samples", "rows", "allele_specific"), [
    ("ascat/A17.fast.segments.txt", "ascat", 2, 1249, True),
    ("ascat/A32.fast.segments.txt", "ascat", 2, 708, True),
    ("purple/tumor_sample.purple.cnv.somatic.tsv", "purple", 1, 222, True),
    ("pebbles_HCC2218/HCC2218_purple.cnv.tsv", "purple_legacy", 1, 73, False),
    ("facets/example.cncf", "facets", 100, 6112, True),
    ("facets/example_with_ploidy.cncf", "facets", 100, 6112, True),
    ("pebbles_HCC2218/HCC2218_facets_cncf.tsv", "facets", 1, 73, True),
    ("pebbles_HCC2218/HCC2218_titan.segs.tsv", "titan", 1, 117, True),
    ("gatk/single-sample-cr-ac-nac.modelFinal.seg", "gatk_seg", 1, 8, False),
    ("battenberg/flat_subclones.txt", "battenberg", 1, 22, True),
    ("pcgr/T001-BRCA.grch37.cna.tsv", "pcgr", 1, 252, True),
    ("pcgr/T001-BRCA.grch38.cna.tsv", "pcgr", 1, 260, True),
])
def test_real_caller_files_are_detected_and_read(relative: str, fmt: str, samples: int, rows: int,
                                                 allele_specific: bool) -> None:
    name, segments = _read(realdata(f"{CALLERS}/{relative}"))
    assert name == fmt
    assert len(segments.samples) == samples and len(segments.frame) == rows
    assert segments.allele_specific is allele_specific
    frame = segments.frame
    value = "cn" if "cn" in frame else "log2"
    assert (frame["start"] < frame["end"]).all() and frame[value].notna().all()
    for tally in segments.tallies.values():
        assert tally.read == tally.kept + sum(tally.skipped.values())


def test_ascat_totals_are_major_plus_minor_and_coordinates_0_based() -> None:
    segments = read_ascat(realdata(f"{CALLERS}/ascat/A17.fast.segments.txt"))
    first = segments.frame.iloc[0]  # A17F-0095…  1  10583  936674  3  2
    assert (first["chrom"], first["start"], first["end"], first["cn"], first["minor"]) == ("1", 10582, 936674, 5, 2)


def test_purple_reads_its_purity_file_beside_it() -> None:
    _, segments = _read(realdata(f"{CALLERS}/purple/tumor_sample.purple.cnv.somatic.tsv"))
    fit = segments.fitted["tumor_sample"]["fit"]
    assert (fit.purity, fit.ploidy, fit.wgd, fit.caller) == (0.99, 3.1, True, "PURPLE")
    assert fit.msi.status.value == "MSS" and fit.tmb.value == pytest.approx(13.7219)


def test_gatk_sample_and_build_come_from_the_sam_header() -> None:
    _, segments = _read(realdata(f"{CALLERS}/gatk/single-sample-cr-ac-nac.modelFinal.seg"))
    assert segments.samples == ["SM-74P4M-1"] and segments.build_hint == "GRCh37"
    assert segments.frame["log2"].iloc[0] == pytest.approx(0.661499)  # the posterior median, not the 10th centile


def test_facets_ploidy_column_is_the_fitted_ploidy() -> None:
    _, segments = _read(realdata(f"{CALLERS}/facets/example_with_ploidy.cncf"))
    assert segments.fitted["s_67"]["fit"].ploidy == 2.1


@pytest.mark.parametrize(("relative", "fmt", "count"), [
    ("ascat/summary.ascatv3TCGA.penalty70.hg19.tsv", "ascat_summary", None),
    ("absolute_tcga/TCGA_mastercalls.abs_tables_JSedit.fixed.txt", "absolute_table", None),
    ("purple/tumor_sample.purple.purity.tsv", "purple_purity", 1),
    ("battenberg/template_rho_psi.txt", "battenberg_rho_psi", 1),
])
def test_purity_tables_are_detected(relative: str, fmt: str, count: int | None) -> None:
    name, table = _read(realdata(f"{CALLERS}/{relative}"), "purity")
    assert name == fmt
    if count is not None:
        assert len(table.rows) == count


def test_ascat_and_absolute_fits_of_one_tcga_sample_are_found_by_aliquot_barcode() -> None:
    _, ascat = _read(realdata(f"{CALLERS}/ascat/summary.ascatv3TCGA.penalty70.hg19.tsv"), "purity")
    fit = ascat.for_sample("TCGA-02-0001-01C-01D-0182-01")
    assert fit is not None and (fit.purity, fit.ploidy) == (0.58, 2.3329)
    _, absolute = _read(realdata(f"{CALLERS}/absolute_tcga/TCGA_mastercalls.abs_tables_JSedit.fixed.txt"), "purity")
    assert absolute.for_sample("TCGA-OR-A5J1-01A-11D-A29H-01").purity == 0.9
    assert sum(absolute.skipped.values()) == 939  # call status other than "called"


def test_summit_long_table_with_amp_and_deepdel_words() -> None:
    name, table = _read(realdata("summit_biliary_msk_access/data_CNA.tsv"), "cna")
    assert name == "cna" and table.layout == "long"
    states = [state.value for one in table.samples.values() for state, _, _ in one.calls.values()]
    assert states.count("amplification") == 71 and states.count("deep_deletion") == 133  # the file's AMP/DeepDel rows


# Written edge cases ---------------------------------------------------------------------------------------------

def test_missing_column_names_the_format_it_was_read_as() -> None:
    with pytest.raises(InputError) as error:
        _read(EDGE / "ascat_missing_nminor.txt", forced="ascat")
    assert "read as ASCAT segments" in str(error.value) and "minor" in str(error.value) and error.value.line == 1


def test_unknown_forced_format_is_refused() -> None:
    with pytest.raises(OptionError, match="unknown copy-number format 'sequenza'"):
        registry.detect(EDGE / "ascat_missing_nminor.txt", "seg", "sequenza")


def test_facets_na_minor_and_chr_prefix() -> None:
    name, segments = _read(EDGE / "facets_na_lcn_chr_prefix.cncf")
    assert name == "facets" and set(segments.frame["chrom"]) == {"1", "12", "19"}
    by_chrom = segments.frame.set_index("chrom")
    assert by_chrom.loc["19", "minor"] == 0 and by_chrom.loc["12", "minor"] != by_chrom.loc["12", "minor"]  # NaN
    assert by_chrom.loc["12", "cn"] == 9  # the total is known even where the minor copy number is not


def test_pcgr_na_minor_leaves_the_total_unknown_and_grch38_is_detected_from_chr17() -> None:
    from hpdgenomics.inputs.copy_number import CopyNumberInput, segment_build

    path = EDGE / "pcgr_grch38_chr17_end_na_minor.cna.tsv"
    name, segments = _read(path)
    assert name == "pcgr" and segments.samples == ["pcgr_grch38_chr17_end_na_minor"]
    tally = segments.tallies[segments.samples[0]]
    assert tally.kept == 2 and sum(tally.skipped.values()) == 1  # 12: nMinor NA, no total
    assert segment_build(CopyNumberInput(path, "seg", segments.samples, segments=segments), None)[0] == "GRCh38"


def test_purple_without_purity_file_says_so_and_negative_copy_number_reads_as_zero() -> None:
    _, segments = _read(EDGE / "purple_no_purity_beside.purple.cnv.somatic.tsv")
    assert not segments.fitted and "purity and ploidy not taken from PURPLE" in segments.notes[0]
    assert segments.frame["cn"].min() == 0


def test_gatk_non_numeric_points_names_line_and_format() -> None:
    with pytest.raises(InputError) as error:
        _read(EDGE / "gatk_called_bad_points.tsv")
    assert error.value.line == 6 and "read as GATK" in str(error.value) and "NUM_POINTS_COPY_RATIO" in str(error.value)


segment = st.tuples(st.integers(1, 22), st.integers(1, 10_000_000), st.integers(1, 1_000_000),
                    st.integers(0, 9), st.one_of(st.integers(0, 5), st.none()))


@settings(max_examples=40)
@given(st.lists(segment, min_size=1, max_size=8, unique_by=lambda s: s[0]))
def test_ascat_reading_keeps_every_value(tmp_path_factory: pytest.TempPathFactory, rows: list[tuple]) -> None:
    path = tmp_path_factory.mktemp("ascat") / "t.segments.txt"
    lines = ["sample\tchr\tstartpos\tendpos\tnMajor\tnMinor"]
    lines += [f"S\t{c}\t{s}\t{s + n}\t{major}\t{'NA' if minor is None else minor}" for c, s, n, major, minor in rows]
    path.write_text("\n".join(lines) + "\n")
    segments = read_ascat(path)
    kept = [r for r in rows if r[4] is not None]
    assert len(segments.frame) == len(kept)
    for (c, s, n, major, minor), (_, row) in zip(kept, segments.frame.iterrows(), strict=True):
        assert (row["chrom"], row["start"], row["end"], row["cn"], row["minor"]) == (str(c), s - 1, s + n,
                                                                                      major + minor, minor)
