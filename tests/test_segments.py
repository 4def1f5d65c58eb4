"""SEG and CNVkit readers: column variants, coordinates, counting, and clear errors."""

from __future__ import annotations

import gzip
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from hpdgenomics.errors import InputError, SampleSelectionError
from hpdgenomics.readers.copy_number.segments import SKIP_NO_VALUE, SKIP_UNKNOWN_CONTIG, read_cnvkit, read_seg

from .conftest import TEST_DATA

CN = TEST_DATA / "copy_number"


def test_igv_seg_two_samples_in_file_order_with_1_based_starts_made_0_based() -> None:
    seg = read_seg(CN / "mdm2_cdk4_amp_two_samples.seg")
    assert seg.samples == ["TUMOUR_A", "TUMOUR_B"] and seg.format == "seg"
    first = seg.frame.iloc[0]
    assert (first["sample"], first["chrom"], first["start"], first["end"], first["line"]) == (
        "TUMOUR_A", "1", 10000, 204400000, 2)
    assert seg.tallies["TUMOUR_A"].read == 12 and seg.tallies["TUMOUR_B"].kept == 5
    assert seg.max_end_by_contig()["1"] == 249200000


def test_gistic_column_names_chr_prefix_and_windows_line_endings() -> None:
    seg = read_seg(CN / "gistic_columns_chr_prefix_crlf.seg")
    assert seg.samples == ["TCGA-XX-0001-01"]
    assert list(seg.frame["chrom"].unique()) == ["12"]
    assert seg.frame["log2"].tolist() == [0.0151, 2.1007, 0.0022]


def test_sample_selection_and_absent_sample() -> None:
    assert read_seg(CN / "mdm2_cdk4_amp_two_samples.seg", sample="TUMOUR_B").samples == ["TUMOUR_B"]
    with pytest.raises(SampleSelectionError, match=r"TUMOUR_C.*2 samples: TUMOUR_A, TUMOUR_B"):
        read_seg(CN / "mdm2_cdk4_amp_two_samples.seg", sample="TUMOUR_C")


@pytest.mark.parametrize(("name", "line", "message"), [
    ("end_before_start.seg", 3, "segment end 69100001 lies before its start 69300000"),
    ("non_numeric_mean.seg", 3, "column seg.mean: expected a number or NA, got 'high'"),
    ("comma_separated.seg", 1, "is the file tab-separated?"),
])
def test_malformed_seg_names_file_line_and_expectation(name: str, line: int, message: str) -> None:
    with pytest.raises(InputError) as caught:
        read_seg(CN / name)
    assert caught.value.line == line and message in caught.value.detail and name in str(caught.value)


def _write(path: Path, text: str, *, gz: bool = False) -> Path:
    if gz:
        with gzip.open(path, "wt") as handle:
            handle.write(text)
    else:
        path.write_text(text)
    return path


HEADER = "ID\tchrom\tloc.start\tloc.end\tnum.mark\tseg.mean\n"


def test_unknown_contigs_and_na_values_are_counted_not_dropped(tmp_path: Path) -> None:
    path = _write(tmp_path / "x.seg", HEADER + "S\t1\t1\t100\t5\t0.1\nS\tGL000192.1\t1\t100\t5\t0.2\n"
                  "S\t2\t1\t100\t5\tNA\nS\t23\t1\t100\t5\t-0.4\n")
    seg = read_seg(path)
    tally = seg.tallies["S"]
    assert (tally.read, tally.kept) == (4, 2) and tally.balanced
    assert tally.skipped == {SKIP_UNKNOWN_CONTIG: 1, SKIP_NO_VALUE: 1}
    assert sorted(seg.frame["chrom"]) == ["1", "X"] and "23 and 24 read as X and Y" in tally.notes[0]


def test_gzipped_seg_and_truncated_gzip(tmp_path: Path) -> None:
    body = "".join(f"S\t1\t{i * 100 + 1}\t{i * 100 + 100}\t{i % 17}\t{(i * 7919 % 1000) / 1000:.3f}\n"
                   for i in range(2000))
    path = _write(tmp_path / "x.seg.gz", HEADER + body, gz=True)
    assert len(read_seg(path).frame) == 2000
    broken = tmp_path / "broken.seg.gz"
    data = path.read_bytes()
    broken.write_bytes(data[: len(data) // 2])
    with pytest.raises(InputError, match="corrupt or truncated"):
        read_seg(broken)


@pytest.mark.parametrize(("text", "message"), [
    ("", "empty"),
    (HEADER, "no data rows"),
    ("ID\tchrom\tloc.start\tloc.end\n", "no segment value column"),
    (HEADER + "S\t1\t1.5\t100\t5\t0.1\n", "non-negative integer position"),
    (HEADER + "S\t1\t-5\t100\t5\t0.1\n", "non-negative integer position"),
    (HEADER + "\t1\t1\t100\t5\t0.1\n", "empty sample id"),
])
def test_empty_and_malformed_seg(tmp_path: Path, text: str, message: str) -> None:
    with pytest.raises(InputError, match=message):
        read_seg(_write(tmp_path / "x.seg", text))


def test_cnvkit_file_given_as_seg_gets_a_hint() -> None:
    with pytest.raises(InputError, match="give it with --cns"):
        read_seg(CN / "tumour_mdm2_amp.call.cns")


def test_log10_seg_values_are_converted(tmp_path: Path) -> None:
    path = _write(tmp_path / "x.seg", HEADER + "S\t12\t1\t100\t5\t0.30103\n")
    assert read_seg(path, log10=True).frame["log2"].iloc[0] == pytest.approx(1.0, abs=1e-4)


def test_cnvkit_call_cns_keeps_the_integer_cn_and_takes_the_sample_from_the_file_name() -> None:
    cns = read_cnvkit(CN / "tumour_mdm2_amp.call.cns")
    assert cns.samples == ["tumour_mdm2_amp"] and cns.format == "cns" and not cns.bins
    assert cns.frame["cn"].tolist() == [2, 2, 12, 2]
    assert cns.frame["start"].iloc[2] == 69100000  # BED-like, unchanged


def test_cnvkit_cnr_is_read_as_bins_with_weights() -> None:
    cnr = read_cnvkit(CN / "tumour_bins.cnr", sample="T1")
    assert cnr.bins and cnr.format == "cnr" and cnr.samples == ["T1"]
    assert "weight" in cnr.frame and "cn" not in cnr.frame


def test_cnvkit_without_log2_column_is_an_error(tmp_path: Path) -> None:
    path = _write(tmp_path / "x.cns", "chromosome\tstart\tend\tgene\n1\t0\t100\t-\n")
    with pytest.raises(InputError, match="missing required column"):
        read_cnvkit(path)


LINE = st.lists(
    st.one_of(st.text(alphabet="0123456789.-eENAchrXY\t ", max_size=12), st.integers(-5, 10**9).map(str)),
    min_size=0, max_size=8,
).map("\t".join)


# No deadline: the first example loads pyarrow (the SEG reader imports it on first use), which alone can take
# longer than hypothesis's default 200 ms on a loaded machine.
@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(lines=st.lists(LINE, min_size=0, max_size=6))
def test_random_seg_bodies_parse_or_raise_input_error(tmp_path: Path, lines: list[str]) -> None:
    path = tmp_path / "random.seg"
    path.write_text(HEADER + "\n".join(lines) + "\n")
    try:
        seg = read_seg(path)
    except InputError:
        return
    for tally in seg.tallies.values():
        assert tally.balanced
    assert (seg.frame["end"] >= seg.frame["start"] - 1).all()


@pytest.mark.parametrize("name", ["mdm2_cdk4_amp_two_samples.seg", "gistic_columns_chr_prefix_crlf.seg",
                                  "mdm2_split_mdm4_uncovered.seg", "tumour_mdm2_amp.call.cns", "tumour_bins.cnr",
                                  "non_numeric_mean.seg"])
def test_pyarrow_reading_gives_the_pandas_reading(name: str, monkeypatch: pytest.MonkeyPatch) -> None:
    import pandas as pd

    from hpdgenomics.readers.copy_number import table

    path = TEST_DATA / "copy_number" / name
    read = read_seg if path.suffix == ".seg" else read_cnvkit
    try:
        fast = read(path)
    except InputError as error:
        fast = error
    monkeypatch.setattr(table, "read_arrow", lambda *args: None)  # the pandas reading only
    try:
        careful = read(path)
    except InputError as error:
        careful = error
    if isinstance(careful, InputError):
        assert str(fast) == str(careful)
        return
    assert not isinstance(fast, InputError)
    pd.testing.assert_frame_equal(fast.frame, careful.frame)
    assert fast.samples == careful.samples
    assert {s: t.to_dict() for s, t in fast.tallies.items()} == {s: t.to_dict() for s, t in careful.tallies.items()}
