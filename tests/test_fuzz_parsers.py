"""Property-based tests: random and mutated inputs to every parser either parse or raise the tool's own error.

Each parser gets inputs made by mutating the real fixtures under test_data/ line by line and byte by byte (fields
replaced, dropped or duplicated, lines deleted, swapped or joined, bytes inserted, truncated, CRLF, a byte-order mark,
gzip and truncated gzip), plus wholly random bytes. The property: the call returns (and then every tally balances),
or it raises an :class:`~hpdgenomics.errors.HpdError` subclass — never any other exception.

The example count comes from a hypothesis settings profile: ``hpd-tests`` (default; small, so the suite stays fast)
or ``hpd-fuzz`` (set ``HPD_FUZZ_PROFILE=hpd-fuzz``). ``scripts/fuzz.py`` drives the same strategies and checks for
long runs (docs/fuzzing.md).
"""

from __future__ import annotations

import atexit
import gzip
import os
import shutil
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from hpdgenomics.errors import HpdError, OptionError, RuleError
from hpdgenomics.model.protein import ProteinChange, parse_protein_change

from .conftest import REPO, TEST_DATA

settings.register_profile("hpd-tests", max_examples=25, deadline=None, derandomize=False,
                          suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
settings.register_profile("hpd-fuzz", max_examples=20_000, deadline=None, database=None,
                          suppress_health_check=list(HealthCheck))
PROFILE = settings.get_profile(os.environ.get("HPD_FUZZ_PROFILE", "hpd-tests"))

RULE_GENES = frozenset({"AKT1", "STK11", "EGFR", "KRAS", "TP53", "KEAP1", "PIK3CA", "BRAF", "DNMT3A", "PTEN",
                        "MDM2", "MDM4", "CDK4", "BRCA2", "PTPRN2"})


def _seeds(*patterns: str) -> list[bytes]:
    files = sorted({p for pattern in patterns for p in TEST_DATA.glob(pattern) if p.is_file()})
    assert files, patterns
    return [p.read_bytes() for p in files]


SEEDS: dict[str, list[bytes]] = {
    "vcf": _seeds("vcf/*.vcf", "malformed/vcf/accepted_*.vcf"),
    "vcf_cnv": _seeds("copy_number/dragen_cnv_grch38.vcf", "malformed/vcf_cnv/accepted_*.vcf"),
    "maf": _seeds("maf/*.maf", "malformed/maf/accepted_*.maf"),
    "seg": _seeds("copy_number/*.seg", "malformed/seg/accepted_*.seg"),
    "cnvkit": _seeds("copy_number/*.cns", "copy_number/*.cnr", "malformed/cnvkit/accepted_*.cns"),
    "cna": _seeds("copy_number/cbioportal_matrix_msk_codes.txt", "copy_number/cna_long_duplicate_gene.txt",
                  "malformed/cna/accepted_*.txt"),
    "rules": [p.read_bytes() for p in sorted((REPO / "rules").glob("*.yaml"))],
    "clinical": _seeds("clinical/*", "cohort/study_tiny/data_clinical_*.txt"),
    "fusion": _seeds("fusions/*", "cohort/study_tiny/data_sv.txt"),
    "bed": _seeds("panel/*.bed"),
    "thresholds": _seeds("malformed/yaml/accepted_thresholds.yaml"),
}
PROTEIN_SEEDS = ["p.E17K", "E17K", "p.Glu17Lys", "p.(Glu17Lys)", "ENSP00000451828.1:p.Glu17Lys", "p.E17=",
                 "p.E17%3D", "p.R213*", "p.Arg213Ter", "p.K382Nfs*5", "p.Lys382AsnfsTer5", "p.E746_A750del",
                 "p.L747_P753delinsS", "p.D770_N771insNPG", "p.A767_V769dup", "p.M1?", "p.*757Lext*?",
                 "X125_splice", "17E>17K", "1047H>1047R", "p.?", "GLU17LYS", "p.0"]

# Values that break parsers: empty and missing markers, signs, huge and fractional numbers, NaN and infinities,
# control characters, separators, non-ASCII, and names of contigs that do not exist.
NASTY = ["", ".", "-", "*", "NA", "nan", "NaN", "inf", "-inf", "1e400", "-0", "0", "-1", "2147483647", "2147483648",
         "4294967296", "99999999999999999999", "1.5", "1,000", " ", "\t", "\r", "\x00", "\x0b", "\u00e9", "\ufeff",
         "\U0001f600", "chr99", "chrUn_xyz", "GL000192.1", "23", "MT", "chrM", "<DUP>", "<DEL>", "]1:100]N",
         "SVTYPE=CNV", "END=1", "END=-5", "CN=.", "0/1:.:.", "PASS", "=", ";;", "|", ",", "%3D", "p.", "'", '"',
         "!!python/object/apply:os.system ['true']", "&a [*a]", "{", "[", "- -", ": :", "@", "`"]
FIELD = st.one_of(
    st.sampled_from(NASTY),
    st.integers(-10, 3_000_000_000).map(str),
    st.floats(allow_nan=True, allow_infinity=True).map(repr),
    st.text(alphabet=st.characters(codec="utf-8", exclude_categories=("Cs",)), max_size=12),
    st.text(alphabet="ACGTN0123456789.,:;|=<>*-_/", max_size=12),
)
OPS = ("replace_field", "delete_field", "duplicate_field", "insert_field", "delete_line", "duplicate_line",
       "swap_lines", "insert_line", "join_lines", "truncate", "insert_byte", "delete_byte", "tabs_to_spaces",
       "crlf", "bom", "blank_line")


def _mutate(draw: Callable[[Any], Any], data: bytes) -> bytes:
    lines = data.split(b"\n")
    for _ in range(draw(st.integers(1, 4))):
        op = draw(st.sampled_from(OPS))
        index = draw(st.integers(0, max(0, len(lines) - 1)))
        line = lines[index] if lines else b""
        fields = line.split(b"\t")
        if op in ("replace_field", "delete_field", "duplicate_field", "insert_field"):
            j = draw(st.integers(0, max(0, len(fields) - 1)))
            value = draw(FIELD).encode("utf-8", "surrogatepass")
            if op == "replace_field":
                fields[j] = value
            elif op == "delete_field" and len(fields) > 1:
                del fields[j]
            elif op == "duplicate_field":
                fields.insert(j, fields[j])
            else:
                fields.insert(j, value)
            if lines:
                lines[index] = b"\t".join(fields)
        elif op == "delete_line" and len(lines) > 1:
            del lines[index]
        elif op == "duplicate_line" and lines:
            lines.insert(index, line)
        elif op == "swap_lines" and len(lines) > 1:
            other = draw(st.integers(0, len(lines) - 1))
            lines[index], lines[other] = lines[other], lines[index]
        elif op == "insert_line":
            lines.insert(index, b"\t".join(v.encode("utf-8", "surrogatepass") for v in draw(st.lists(FIELD,
                                                                                                  max_size=12))))
        elif op == "join_lines" and len(lines) > 1 and index + 1 < len(lines):
            lines[index:index + 2] = [lines[index] + lines[index + 1]]
        elif op == "truncate":
            joined = b"\n".join(lines)
            lines = joined[: draw(st.integers(0, len(joined)))].split(b"\n")
        elif op in ("insert_byte", "delete_byte") and line:
            k = draw(st.integers(0, len(line) - 1))
            byte = bytes([draw(st.integers(0, 255))])
            lines[index] = line[:k] + byte + line[k:] if op == "insert_byte" else line[:k] + line[k + 1:]
        elif op == "tabs_to_spaces" and lines:
            lines[index] = line.replace(b"\t", b" ")
        elif op == "crlf":
            lines = [x if x.endswith(b"\r") else x + b"\r" for x in lines]
        elif op == "bom":
            lines[0:1] = [b"\xef\xbb\xbf" + (lines[0] if lines else b"")]
        elif op == "blank_line":
            lines.insert(index, b"")
    return b"\n".join(lines)


@st.composite
def file_bytes(draw: Callable[[Any], Any], kind: str) -> tuple[bytes, str]:
    """(bytes, compression) for a parser: mostly a mutated fixture, sometimes random bytes; plain or gzip."""
    if draw(st.integers(0, 19)) == 0:
        data = draw(st.binary(max_size=400))
    else:
        data = _mutate(draw, draw(st.sampled_from(SEEDS[kind])))
    compression = draw(st.sampled_from(["plain"] * 8 + ["gzip", "truncated-gzip"]))
    return data, compression


_WORKDIR = Path(tempfile.mkdtemp(prefix="hpd-fuzz-"))
atexit.register(shutil.rmtree, _WORKDIR, ignore_errors=True)


def write_input(data: bytes, compression: str, suffix: str, workdir: Path | None = None) -> Path:
    """Write one fuzz input to a file the readers can open (the same name each time: no clutter)."""
    folder = workdir or _WORKDIR
    if compression != "plain":
        blob = gzip.compress(data, compresslevel=1, mtime=0)
        data = blob[: max(10, len(blob) * 2 // 3)] if compression == "truncated-gzip" else blob
        suffix += ".gz"
    path = folder / f"input{suffix}"
    path.write_bytes(data)
    return path


# --------------------------------------------------------------------------------------------- the parsers


def _balanced(tallies: Any) -> None:
    for tally in tallies:
        if tally is not None:
            assert tally.balanced, tally


# Regions around the fixtures' genes (both builds), so that the position pre-filter of unindexed VCFs ("scan" mode,
# what a run uses) is fuzzed as well as the plain stream.
REGIONS = [("14", 104_000_000, 106_000_000), ("19", 1_000_000, 1_300_000), ("7", 55_000_000, 56_000_000),
           ("7", 140_000_000, 141_000_000), ("12", 25_000_000, 26_000_000), ("17", 7_500_000, 7_700_000),
           ("3", 178_000_000, 180_000_000), ("2", 25_000_000, 26_000_000), ("19", 10_500_000, 10_700_000)]


def run_vcf(path: Path) -> None:
    from hpdgenomics.readers.small_variants.vcf import choose_tumour_sample, inspect_vcf, read_vcf

    header = inspect_vcf(path)
    tumour = choose_tumour_sample(header, None)
    streamed = read_vcf(header, tumour, genes=RULE_GENES)
    scanned = read_vcf(header, tumour, genes=RULE_GENES, regions=REGIONS)
    _balanced([streamed.tally, scanned.tally])
    assert scanned.tally.read == streamed.tally.read, "every record is counted, parsed or not"


def run_vcf_cnv(path: Path) -> None:
    from hpdgenomics.readers.copy_number.vcf_cnv import read_vcf_copy_number
    from hpdgenomics.readers.small_variants.vcf import choose_tumour_sample, inspect_vcf

    header = inspect_vcf(path)
    segments = read_vcf_copy_number(header, choose_tumour_sample(header, None))
    _balanced(segments.tallies.values())


def run_maf(path: Path) -> None:
    from hpdgenomics.readers.small_variants.maf import read_maf

    result = read_maf(path, genes=RULE_GENES)
    _balanced(s.tally for s in result.samples.values())


def run_seg(path: Path) -> None:
    from hpdgenomics.readers.copy_number.segments import read_seg

    segments = read_seg(path)
    _balanced(segments.tallies.values())
    assert (segments.frame["end"] >= segments.frame["start"]).all()


def run_cnvkit(path: Path) -> None:
    from hpdgenomics.readers.copy_number.segments import read_cnvkit

    _balanced(read_cnvkit(path).tallies.values())


def run_cna(path: Path) -> None:
    from hpdgenomics.readers.copy_number.cna import read_discrete_cna

    table = read_discrete_cna(path, genes=RULE_GENES)
    _balanced(s.tally for s in table.samples.values())


def run_rules(path: Path) -> None:
    from hpdgenomics.engine.loader import parse_rule_file

    parse_rule_file(path)


def run_clinical(path: Path) -> None:
    from hpdgenomics.inputs.clinical import clinical_for
    from hpdgenomics.readers.clinical import read_clinical

    sheet = read_clinical(path)
    _balanced([sheet.tally])
    for identifier in sheet.rows:  # every value is checked where a sample's report uses it
        clinical_for(sheet, identifier)


def run_fusion(path: Path) -> None:
    from hpdgenomics.readers.structural.fusions import read_structural_variants

    read_structural_variants(path)


def run_bed(path: Path) -> None:
    from hpdgenomics.readers.bed import read_bed

    read_bed(path)


def run_thresholds(path: Path) -> None:
    from hpdgenomics.copynumber.thresholds import load_thresholds

    load_thresholds(path)


RUNNERS: dict[str, tuple[Callable[[Path], None], str]] = {
    "vcf": (run_vcf, ".vcf"), "vcf_cnv": (run_vcf_cnv, ".vcf"), "maf": (run_maf, ".maf"), "seg": (run_seg, ".seg"),
    "cnvkit": (run_cnvkit, ".cns"), "cna": (run_cna, ".txt"), "rules": (run_rules, ".yaml"),
    "clinical": (run_clinical, ".tsv"), "fusion": (run_fusion, ".txt"), "bed": (run_bed, ".bed"),
    "thresholds": (run_thresholds, ".yaml"),
}
PLAIN_ONLY = ("rules", "thresholds")  # YAML files are read as they are, never decompressed


def parses_or_refuses(kind: str, data: bytes, compression: str, workdir: Path | None = None) -> bool:
    """True when the input parsed, False when the parser raised its own error; anything else propagates."""
    runner, suffix = RUNNERS[kind]
    if kind in PLAIN_ONLY:
        compression = "plain"
    path = write_input(data, compression, suffix, workdir)
    try:
        runner(path)
    except RuleError:
        return False
    except OptionError:  # a thresholds file is given as an option: its errors are usage errors
        if kind != "thresholds":
            raise
        return False
    except HpdError:
        if kind == "rules":
            raise
        return False
    return True


def check_protein(text: str) -> bool:
    """The protein-change parser never raises: it returns None (not a protein change) or a canonical change whose
    text parses back to itself."""
    change = parse_protein_change(text)
    if change is None:
        return False
    assert isinstance(change, ProteinChange) and change.text.startswith("p."), change
    again = parse_protein_change(change.text)
    assert again is not None and again.text == change.text, (text, change.text)
    return True


@st.composite
def protein_text(draw: Callable[[Any], Any]) -> str:
    if draw(st.booleans()):
        return draw(st.text(max_size=30))
    text = draw(st.sampled_from(PROTEIN_SEEDS))
    for _ in range(draw(st.integers(1, 3))):
        k = draw(st.integers(0, len(text)))
        piece = draw(st.one_of(st.sampled_from(["*", "=", "?", "fs", "del", "ins", "dup", "_", "Ter", "X", "(",
                                                ")", ":", "p.", "%", "0", "9", "ext", ">", "splice"]),
                               st.text(max_size=3)))
        text = text[:k] + piece + text[k + draw(st.integers(0, 2)):] if draw(st.booleans()) else text[:k] + piece
    return text


# ------------------------------------------------------------------------------------------------- tests


@settings(PROFILE)
@given(file_bytes("vcf"))
def test_vcf_reader_parses_or_raises_its_own_error(case: tuple[bytes, str]) -> None:
    parses_or_refuses("vcf", *case)


@settings(PROFILE)
@given(file_bytes("vcf_cnv"))
def test_vcf_copy_number_reader_parses_or_raises_its_own_error(case: tuple[bytes, str]) -> None:
    parses_or_refuses("vcf_cnv", *case)


@settings(PROFILE)
@given(file_bytes("maf"))
def test_maf_reader_parses_or_raises_its_own_error(case: tuple[bytes, str]) -> None:
    parses_or_refuses("maf", *case)


@settings(PROFILE)
@given(file_bytes("seg"))
def test_seg_reader_parses_or_raises_its_own_error(case: tuple[bytes, str]) -> None:
    parses_or_refuses("seg", *case)


@settings(PROFILE)
@given(file_bytes("cnvkit"))
def test_cnvkit_reader_parses_or_raises_its_own_error(case: tuple[bytes, str]) -> None:
    parses_or_refuses("cnvkit", *case)


@settings(PROFILE)
@given(file_bytes("cna"))
def test_cna_reader_parses_or_raises_its_own_error(case: tuple[bytes, str]) -> None:
    parses_or_refuses("cna", *case)


@settings(PROFILE)
@given(protein_text())
def test_protein_change_parser_never_raises(text: str) -> None:
    check_protein(text)


@pytest.mark.parametrize("text", ["p.E17K", "p.Glu17Lys", "17E>17K", "p.K382Nfs*5", "p.R213X", "p.E17%3D",
                                  # found by fuzzing: bcftools-style text with letters that are not residues
                                  "17X", "5B", "p.3J*>3A", "p.1JV>1W",
                                  # and ambiguity codes, whose one-letter forms did not read back
                                  "GLX7LYS", "p.E74Glx", "p.*7Xaa"])
def test_canonical_protein_change_parses_to_itself(text: str) -> None:
    change = parse_protein_change(text)
    if text in ("17X", "5B", "p.3J*>3A", "p.1JV>1W", "GLX7LYS", "p.E74Glx", "p.*7Xaa"):
        assert change is None  # X, B and J are not residues bcftools writes: not a protein change
        return
    assert change is not None
    again = parse_protein_change(change.text)
    assert again is not None and again.text == change.text


@settings(PROFILE)
@given(protein_text())
def test_every_canonical_text_parses_back_to_itself(text: str) -> None:
    change = parse_protein_change(text)
    if change is not None:
        again = parse_protein_change(change.text)
        assert again is not None and again.text == change.text, (text, change.text)


@pytest.mark.filterwarnings("ignore::hypothesis.errors.HypothesisWarning")  # rule files make long reprs
@settings(PROFILE, max_examples=min(PROFILE.max_examples, 10))  # each example validates a whole rule file
@given(file_bytes("rules"))
def test_rule_loader_parses_or_raises_rule_error(case: tuple[bytes, str]) -> None:
    parses_or_refuses("rules", *case)


def test_most_seeds_parse() -> None:
    """Most seeds are valid inputs (so mutations start from files that reach deep into each parser); the few
    refused ones (two tumours without ##tumor_sample=, a comma-separated SEG …) are edge-case fixtures on purpose."""
    for kind, seeds in SEEDS.items():
        parsed = [parses_or_refuses(kind, data, "plain") for data in seeds]
        assert sum(parsed) > len(parsed) / 2, kind


@pytest.mark.parametrize("kind", ["clinical", "fusion", "bed", "thresholds"])
def test_more_readers_parse_or_raise_their_own_error(kind: str) -> None:
    """The clinical sheet, fusion, BED and threshold readers (issue #18), a few dozen inputs each."""
    @settings(PROFILE)
    @given(file_bytes(kind))
    def check(case: tuple[bytes, str]) -> None:
        parses_or_refuses(kind, *case)

    check()
