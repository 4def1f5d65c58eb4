"""Reference FASTA reader (hpdgenomics.readers.fasta): index handling, contig naming, regions, build and REF checks.

Every FASTA here is SYNTHETIC and written in the test, except the committed region file
``test_data/reference/synthetic_hotspots_grch37.fa`` (see test_data/README.md).
"""

from __future__ import annotations

import gzip
from pathlib import Path

import pysam
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from hpdgenomics.errors import BuildMismatchError, InputError
from hpdgenomics.genome.builds import contig_lengths
from hpdgenomics.readers import fasta as fasta_module
from hpdgenomics.readers.fasta import check_fasta_build, open_reference_fasta

from .conftest import TEST_DATA


def _write(path: Path, records: dict[str, str]) -> Path:
    path.write_text("".join(f">{name}\n" + "\n".join(seq[i:i + 50] for i in range(0, len(seq), 50)) + "\n"
                            for name, seq in records.items()))
    return path


def test_plain_fasta_gets_an_index_and_reads_both_contig_spellings(tmp_path: Path) -> None:
    path = _write(tmp_path / "ref.fa", {"chr7": "ACGTACGTAA" * 10, "12": "TTTTGGGGCC"})
    with open_reference_fasta(path) as fasta:
        assert Path(f"{path}.fai").exists()
        assert fasta.fetch("7", 0, 4) == "ACGT" and fasta.fetch("chr7", 8, 12) == "AAAC"
        assert fasta.fetch("chr12", 4, 8) == "GGGG" and fasta.fetch("12", 4, 8) == "GGGG"
        assert fasta.fetch("7", 95, 105) == "" and fasta.fetch("X", 0, 1) == ""  # not held: empty, never a guess
        assert fasta.contig_lengths == {"7": 100, "12": 10}


def test_lower_case_soft_masking_is_read_upper_case(tmp_path: Path) -> None:
    with open_reference_fasta(_write(tmp_path / "ref.fa", {"1": "acgtNNac"})) as fasta:
        assert fasta.fetch("1", 0, 8) == "ACGTNNAC"
        assert fasta.ref_matches("1", 1, "ACG") is True
        assert fasta.ref_matches("1", 1, "AGG") is False
        assert fasta.ref_matches("1", 5, "CA") is True  # an N in the FASTA cannot disagree
        assert fasta.ref_matches("2", 1, "A") is None


def test_samtools_region_sequences_are_read_at_their_positions(tmp_path: Path) -> None:
    path = _write(tmp_path / "regions.fa", {"7:101-110": "ACGTACGTAC", "chr7:201-205": "GGGGG"})
    with open_reference_fasta(path) as fasta:
        assert fasta.fetch("7", 100, 103) == "ACG" and fasta.fetch("7", 200, 205) == "GGGGG"
        assert fasta.fetch("7", 108, 112) == ""  # runs past the region
        assert fasta.covers("chr7", 100, 110) and not fasta.covers("7", 0, 10)
        assert fasta.has_regions and fasta.contig_lengths == {}
        assert fasta.ref_matches("7", 101, "ACGT") is True and fasta.ref_matches("7", 150, "A") is None


def test_a_region_name_whose_length_disagrees_is_an_ordinary_contig(tmp_path: Path) -> None:
    with open_reference_fasta(_write(tmp_path / "odd.fa", {"7:101-110": "ACGT"})) as fasta:
        assert fasta.fetch("7:101-110", 0, 4) == "ACGT" and fasta.fetch("7", 100, 104) == ""


def test_bgzipped_fasta_gets_fai_and_gzi(tmp_path: Path) -> None:
    plain = _write(tmp_path / "ref.fa", {"1": "ACGT" * 500})
    packed = tmp_path / "ref.fa.gz"
    pysam.tabix_compress(str(plain), str(packed))
    with open_reference_fasta(packed) as fasta:
        assert fasta.fetch("chr1", 1000, 1008) == "ACGTACGT"
    assert Path(f"{packed}.fai").exists() and Path(f"{packed}.gzi").exists()


def test_plain_gzip_is_refused_with_the_fix(tmp_path: Path) -> None:
    path = tmp_path / "ref.fa.gz"
    path.write_bytes(gzip.compress(b">1\nACGT\n"))
    with pytest.raises(InputError, match="bgzip"):
        open_reference_fasta(path)


def test_missing_index_in_a_read_only_folder_says_to_run_samtools_faidx(tmp_path: Path,
                                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    path = _write(tmp_path / "ref.fa", {"1": "ACGT"})
    monkeypatch.setattr(fasta_module.os, "access", lambda *_: False)
    with pytest.raises(InputError, match=r"samtools faidx .*ref\.fa"):
        open_reference_fasta(path)
    assert not Path(f"{path}.fai").exists()


def test_an_existing_index_is_used_in_a_read_only_folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = _write(tmp_path / "ref.fa", {"1": "ACGT"})
    pysam.faidx(str(path))
    monkeypatch.setattr(fasta_module.os, "access", lambda *_: False)
    with open_reference_fasta(path) as fasta:
        assert fasta.fetch("1", 0, 4) == "ACGT"


@pytest.mark.parametrize(("content", "message"), [
    (b"", "not a FASTA"),
    (b"chrom\tpos\n1\t2\n", "not a FASTA"),
])
def test_not_a_fasta(tmp_path: Path, content: bytes, message: str) -> None:
    path = tmp_path / "bad.fa"
    path.write_bytes(content)
    with pytest.raises(InputError, match=message):
        open_reference_fasta(path)


def test_missing_file_and_folder(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="not found"):
        open_reference_fasta(tmp_path / "nope.fa")
    with pytest.raises(InputError, match="folder"):
        open_reference_fasta(tmp_path)


def test_contig_lengths_must_fit_the_build() -> None:
    check_fasta_build("ref.fa", "GRCh37", contig_lengths("GRCh37"))
    check_fasta_build("ref.fa", "GRCh38", {"1": 248956422, "MT": 16569, "GL000192.1": 547496})
    with pytest.raises(BuildMismatchError, match="does not fit GRCh38: 1 is 249,250,621 bp"):
        check_fasta_build("ref.fa", "GRCh38", contig_lengths("GRCh37"))
    with pytest.raises(BuildMismatchError, match="past the chromosome's end"):
        check_fasta_build("ref.fa", "GRCh37", {}, {"21": 48_200_000})


def test_a_short_whole_contig_is_a_build_mismatch(tmp_path: Path) -> None:
    path = _write(tmp_path / "ref.fa", {"7": "ACGT" * 25})
    with pytest.raises(BuildMismatchError, match="7 is 100 bp"):
        open_reference_fasta(path, build="GRCh37")


def test_committed_synthetic_region_fasta_fits_grch37() -> None:
    with open_reference_fasta(TEST_DATA / "reference" / "synthetic_hotspots_grch37.fa", build="GRCh37") as fasta:
        assert fasta.has_regions
        assert fasta.fetch("7", 140453134, 140453137) == "CAC"  # BRAF codon 600 GTG on the minus strand


NAMES = st.from_regex(r"(chr)?([1-9]|1[0-9]|2[0-2]|X|Y|MT|GL[0-9]{3})", fullmatch=True)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.dictionaries(NAMES, st.text(alphabet="ACGTNacgtn", min_size=1, max_size=300), min_size=1, max_size=5),
       st.data())
def test_fetch_returns_exactly_what_was_written(tmp_path_factory: pytest.TempPathFactory, records, data) -> None:
    from hpdgenomics.genome.builds import normalise_contig

    seen = {}
    for name in list(records):
        if normalise_contig(name) in seen:  # one spelling per chromosome
            del records[name]
        else:
            seen[normalise_contig(name)] = name
    folder = tmp_path_factory.mktemp("fa")
    with open_reference_fasta(_write(folder / "ref.fa", records)) as fasta:
        for name, seq in records.items():
            start = data.draw(st.integers(0, len(seq) - 1))
            end = data.draw(st.integers(start, len(seq)))
            other = name[3:] if name.startswith("chr") else f"chr{name}"
            assert fasta.fetch(other, start, end) == seq[start:end].upper()
