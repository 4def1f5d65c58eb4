"""Issue #18, inputs: non-finite numbers, runaway lines, hostile YAML (docs/input_rules.md).

Each test failed before its fix: an infinite value reached the JSON writer (a crash, exit 3), a file without
newlines was read into memory whole, and YAML aliases, duplicate keys and huge integers went through.
"""

from __future__ import annotations

import gzip
from pathlib import Path

import pytest
import yaml
from hypothesis import given
from hypothesis import strategies as st

from hpdgenomics import api
from hpdgenomics.engine.loader import parse_rule_file
from hpdgenomics.errors import InputError, OptionError, RuleError
from hpdgenomics.readers import text
from hpdgenomics.readers.clinical import read_clinical
from hpdgenomics.readers.copy_number.segments import read_cnvkit, read_seg
from hpdgenomics.readers.numbers import finite_number
from hpdgenomics.readers.safe_yaml import MAX_EXPANDED_NODES, UnsafeYamlError, load_yaml
from hpdgenomics.readers.small_variants.maf import read_maf
from hpdgenomics.request import AnnotateRequest

from .malformed_helpers import MALFORMED, expect_error

# --- 1. non-finite numbers -------------------------------------------------------------------------------------


@pytest.mark.parametrize(("path", "line", "expected"), [
    (MALFORMED / "seg" / "infinite_seg_mean.seg", 4, "column seg.mean: expected a finite number or NA, found inf"),
    (MALFORMED / "seg" / "overflowing_seg_mean.seg", 3, "column seg.mean: expected a finite number or NA, found -inf"),
])
def test_seg_values_that_are_not_finite_are_refused_with_the_line(path: Path, line: int, expected: str) -> None:
    expect_error(lambda: read_seg(path), InputError, path, line, expected)


def test_cnvkit_log2_that_is_infinite_is_refused_with_the_line() -> None:
    path = MALFORMED / "cnvkit" / "infinite_log2.cns"
    expect_error(lambda: read_cnvkit(path), InputError, path, 3, "column log2: expected a finite number or NA")


def test_vcf_format_af_that_is_infinite_is_refused_with_the_line() -> None:
    path = MALFORMED / "vcf" / "infinite_format_af.vcf"
    expect_error(lambda: api.annotate(AnnotateRequest.of(vcf=path)), InputError, path, 12, "FORMAT AF")


@pytest.mark.parametrize(("name", "line", "column"), [
    ("infinite_ploidy.tsv", 3, "PLOIDY"), ("purity_1e400.tsv", 2, "TUMOR_PURITY")])
def test_clinical_numbers_that_are_not_finite_are_refused(name: str, line: int, column: str) -> None:
    path = MALFORMED / "clinical" / name
    seg = MALFORMED.parent / "copy_number" / "mdm2_cdk4_amp_two_samples.seg"
    expect_error(lambda: api.annotate_samples(AnnotateRequest.of(seg=seg, clinical=path)), InputError, path, line,
                 f"{column} must be a finite number")
    assert read_clinical(path)  # the sheet itself reads; the number is refused where it is used


@pytest.mark.parametrize("text_value", ["inf", "-inf", "Infinity", "nan", "1e400", "-1E999"])
def test_finite_number_refuses_every_spelling_of_a_non_finite_value(text_value: str) -> None:
    with pytest.raises(InputError, match="must be a finite number"):
        finite_number(text_value, path="x.tsv", line=2, what="PLOIDY")


@given(st.floats(allow_nan=False, allow_infinity=False))
def test_finite_number_reads_every_finite_float_back(value: float) -> None:
    assert finite_number(repr(value), path=None, line=None, what="x") == value


# --- 2. line length -------------------------------------------------------------------------------------------


def test_a_file_without_newlines_is_refused_after_the_limit_not_read_whole(monkeypatch: pytest.MonkeyPatch,
                                                                          tmp_path: Path) -> None:
    monkeypatch.setattr(text, "MAX_LINE_CHARS", 1000)
    maf = tmp_path / "zeros.maf"
    maf.write_bytes(b"\0" * 5000)
    expect_error(lambda: read_maf(maf), InputError, maf, 1, "the line is longer than 1,000 characters")
    nul_gz = tmp_path / "zeros.vcf.gz"
    nul_gz.write_bytes(gzip.compress(b"##fileformat=VCFv4.2\n" + b"\0" * 5000))
    with text.open_text(nul_gz) as handle:
        assert handle.readline() == "##fileformat=VCFv4.2\n"
        with pytest.raises(InputError, match="line 2: the line is longer than 1,000"):
            handle.readline()


def test_the_ragged_row_scan_stops_at_the_line_limit(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setattr(text, "MAX_LINE_CHARS", 1000)
    path = tmp_path / "long.tsv"
    path.write_bytes(b"a\tb\n1\t2\n" + b"x" * 5000)
    with pytest.raises(InputError, match="line 3: the line is longer"):
        text.first_ragged_line(path, 1, 2, chunk_size=256)


def test_dev_zero_is_refused_with_the_line_limit() -> None:
    if not Path("/dev/zero").exists():
        pytest.skip("no /dev/zero on this system")
    with pytest.raises(InputError, match="/dev/zero, line 1: the line is longer than 67,108,864 characters"):
        read_maf(Path("/dev/zero"))


def test_lines_up_to_the_limit_are_read(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setattr(text, "MAX_LINE_CHARS", 1000)
    path = tmp_path / "ok.txt"
    path.write_text("y" * 999 + "\n" + "z" * 1000)
    with text.open_text(path) as handle:
        assert [len(line) for line in handle] == [1000, 1000]


# --- 3. YAML --------------------------------------------------------------------------------------------------

YAML = MALFORMED / "yaml"


@pytest.mark.parametrize(("name", "expected"), [
    ("billion_laughs_rule.yaml", f"the YAML aliases expand to more than {MAX_EXPANDED_NODES:,} nodes"),
    ("duplicate_category_rule.yaml", "at line 4, column 1: the key 'category' is given twice in this mapping "
     "(first on line 3)"),
    ("huge_integer_rule.yaml", "at line 8, column 38: an integer of 4,400 digits"),
])
def test_hostile_rule_files_are_refused_quickly_with_the_line(name: str, expected: str) -> None:
    with pytest.raises(RuleError) as caught:
        parse_rule_file(YAML / name)
    assert expected in str(caught.value)


@pytest.mark.parametrize(("name", "expected"), [
    ("thresholds_huge_integer.yaml", "an integer of 4,400 digits"),
    ("thresholds_duplicate_gene.yaml", "the key 'MDM2' is given twice in this mapping (first on line 3)"),
])
def test_hostile_threshold_files_are_refused(name: str, expected: str) -> None:
    from hpdgenomics.copynumber.thresholds import load_thresholds

    with pytest.raises(OptionError, match=expected.replace("(", r"\(").replace(")", r"\)")):
        load_thresholds(YAML / name)


@pytest.mark.parametrize(("document", "expected"), [
    ("a: &a [*a]\n", "refers to a node that contains it"),
    ("a: &x {b: 1}\nc:\n  <<: *x\n", "merge keys"),
    ("a: {b: 1, b: 2}\n", "the key 'b' is given twice"),
    ("a: .inf\n", "not a finite number"),
    ("a: .nan\n", "not a finite number"),
    ("[" * 5000 + "]" * 5000, "nested too deeply"),
])
def test_safe_yaml_refusals(document: str, expected: str) -> None:
    with pytest.raises(UnsafeYamlError, match=expected):
        load_yaml(document)
    with pytest.raises(yaml.YAMLError):  # callers that catch yaml.YAMLError need no change
        load_yaml(document)


def test_safe_yaml_size_limit(monkeypatch: pytest.MonkeyPatch) -> None:
    import hpdgenomics.readers.safe_yaml as safe_yaml

    monkeypatch.setattr(safe_yaml, "MAX_YAML_BYTES", 100)
    with pytest.raises(UnsafeYamlError, match="at most 100 are accepted"):
        load_yaml("a: " + "b" * 200)


def test_bundled_rules_read_the_same_as_with_pyyaml_and_share_anchors() -> None:
    from hpdgenomics.engine.loader import bundled_rules_dir

    for path in sorted(bundled_rules_dir().glob("*.yaml")):
        source = path.read_text(encoding="utf-8")
        expected = yaml.safe_load(source)
        assert load_yaml(source) == expected
        assert load_yaml(source, bundled=True) == expected


@given(st.recursive(st.none() | st.booleans() | st.integers(-10**20, 10**20) | st.text(max_size=20)
                    | st.floats(allow_nan=False, allow_infinity=False),
                    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner,
                                                                                max_size=4), max_leaves=20))
def test_safe_yaml_reads_what_pyyaml_writes(value: object) -> None:
    assert load_yaml(yaml.safe_dump(value)) == value


def test_hpd_label_definitions_go_through_the_safe_loader(tmp_path: Path) -> None:
    from hpdgenomics.outcomes.definitions import load_definitions

    assert load_definitions()  # the bundled file reads as before
    path = tmp_path / "definitions.yaml"
    path.write_text("schema_version: 1\ndefinitions: []\ndefinitions: []\n")
    with pytest.raises(RuleError, match="the key 'definitions' is given twice"):
        load_definitions(path)


def test_thresholds_whose_genes_are_not_a_mapping_are_refused(tmp_path: Path) -> None:
    from hpdgenomics.copynumber.thresholds import load_thresholds

    path = tmp_path / "thresholds.yaml"
    path.write_text("default:\ngenes:\n  deep_dele\n")  # the fuzzing find: an AttributeError
    with pytest.raises(OptionError, match="genes: a mapping of genes"):
        load_thresholds(path)


def test_a_cna_header_with_a_nul_byte_is_refused(tmp_path: Path) -> None:
    from hpdgenomics.readers.copy_number.cna import read_discrete_cna

    path = tmp_path / "data_CNA.txt"
    path.write_text("\0Hugo_Symbol\tEntrez_Gene_Id\tS1\nMDM2\t4193\t2\n")  # the fuzzing find: a KeyError
    expect_error(lambda: read_discrete_cna(path), InputError, path, 1, "the header line holds a NUL byte")
