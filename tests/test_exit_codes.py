"""The documented exit codes (docs/exit_codes.md), through the real command line (click's CliRunner).

0 success · 1 input or data error (one line: ``hpdgenomics: error: FILE[, line N]: what was expected``) ·
2 usage error (click's message) · 3 internal error (traceback, then a hint to report it) · 130 interrupted.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from hpdgenomics import api
from hpdgenomics.cli import cli

from .conftest import TEST_DATA

LUAD = str(TEST_DATA / "vcf" / "luad_mutect2_vep.vcf")
MALFORMED = TEST_DATA / "malformed"


def run(*args: str) -> Result:
    return CliRunner().invoke(cli, list(args))


@pytest.mark.parametrize("args", [
    ["annotate", "--vcf", LUAD, "--tumour-type", "LUAD"],
    ["annotate", "--maf", str(TEST_DATA / "maf" / "gdc_two_samples.maf")],
    ["annotate", "--seg", str(TEST_DATA / "copy_number" / "mdm2_cdk4_amp_two_samples.seg")],
])
def test_0_success(args: list[str], tmp_path: Path) -> None:
    result = run(*args, "--out", str(tmp_path / "out"))
    assert result.exit_code == 0, result.output
    assert "error" not in result.output and any((tmp_path / "out").iterdir())


@pytest.mark.parametrize("args", [["rules", "list"], ["rules", "show", "MDM2-AMP-HPD"], ["--help"], ["--version"],
                                  ["annotate", "--help"]])
def test_0_for_information_commands(args: list[str]) -> None:
    assert run(*args).exit_code == 0


@pytest.mark.parametrize(("option", "relative", "shape"), [
    ("--vcf", "malformed/vcf/non_numeric_pos.vcf", "{path}, line 12: POS '1207O22': expected a whole number"),
    ("--vcf", "malformed/vcf/empty.vcf", "{path}: the file is empty"),
    ("--vcf", "malformed/vcf/past_grch37_chromosome_end.vcf", "{path}, line 9: POS 159200000 lies past the end"),
    ("--vcf", "vcf/two_tumours_no_header.vcf", "{path}: the VCF has 2 samples and no ##tumor_sample= header"),
    ("--maf", "malformed/maf/short_row.maf", "{path}, line 4: expected 18 tab-separated columns"),
    ("--maf", "maf/mixed_builds.maf", "{path}, line 3: the MAF mixes genome builds"),
    ("--seg", "malformed/seg/duplicated_sample.seg", "{path}, line 5: sample TUMOUR_A: the segment"),
    ("--cns", "malformed/cnvkit/non_numeric_log2.cns", "{path}, line 3: column log2: expected a number or NA"),
    ("--cna", "malformed/cna/non_numeric_value.txt", "{path}, line 3: unexpected copy-number value 'high'"),
    ("--cnv-vcf", "malformed/vcf_cnv/end_before_pos.vcf", "{path}, line 14: INFO/END 68600000 lies before POS"),
])
def test_1_input_error_is_one_line_naming_file_and_line(option: str, relative: str, shape: str,
                                                        tmp_path: Path) -> None:
    path = TEST_DATA / relative
    result = run("annotate", option, str(path), "--out", str(tmp_path / "out"))
    assert result.exit_code == 1, result.output
    assert result.stdout == ""
    (line,) = result.stderr.splitlines()
    assert line.startswith("hpdgenomics: error: " + shape.format(path=path)), line
    assert not (tmp_path / "out").exists()


def test_1_for_an_existing_report_a_bad_rule_file_and_an_absent_sample(tmp_path: Path) -> None:
    out = tmp_path / "out"
    assert run("annotate", "--vcf", LUAD, "--out", str(out)).exit_code == 0
    exists = run("annotate", "--vcf", LUAD, "--out", str(out))
    assert exists.exit_code == 1 and "already exists (use --force to overwrite)" in exists.stderr
    rules = tmp_path / "bad.yaml"
    rules.write_text("schema_version: 1\ncategory: nonsense\nrules: []\n")
    bad = run("annotate", "--vcf", LUAD, "--rules", str(rules), "--out", str(tmp_path / "b"))
    assert bad.exit_code == 1 and f"hpdgenomics: error: {rules}: schema error" in bad.stderr
    absent = run("annotate", "--vcf", LUAD, "--tumour-sample", "NOPE", "--out", str(tmp_path / "c"))
    assert absent.exit_code == 1 and "tumour sample 'NOPE' is not in the VCF" in absent.stderr


@pytest.mark.parametrize(("args", "message"), [
    (["annotate", "--vcf", LUAD], "Missing option '--out'"),
    (["annotate", "--out", "x"], "give an input"),
    (["annotate", "--vcf", LUAD, "--out", "x", "--bogus"], "No such option '--bogus'"),
    (["annotate", "--vcf", LUAD, "--out", "x", "--format", "pdf"], "Invalid value for '--format'"),
    (["annotate", "--vcf", LUAD, "--out", "x", "--purity", "1.5"], "Invalid value for '--purity'"),
    (["annotate", "--vcf", LUAD, "--out", "x", "--tumour-type", "LAUD"], "unknown OncoTree code 'LAUD'"),
    (["annotate", "--vcf", LUAD, "--maf", LUAD, "--out", "x"], "not both"),
    (["annotate", "--vcf", LUAD, "--out", "x", "--build", "hg18"], "unsupported genome build 'hg18'"),
    (["rules", "show", "NO-SUCH-RULE"], "no rule 'NO-SUCH-RULE'"),
    (["frobnicate"], "No such command 'frobnicate'"),
])
def test_2_usage_error(args: list[str], message: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    result = run(*args)
    assert result.exit_code == 2, result.output
    assert message in result.stderr and "Usage:" in result.stderr
    assert "Traceback" not in result.output and not (tmp_path / "x").exists()


def _boom(*args: object, **kwargs: object) -> None:
    raise RuntimeError("an unexpected state")


@pytest.mark.parametrize("target", ["hpdgenomics.api.annotate_samples",
                                    "hpdgenomics.readers.small_variants.vcf_checks.header_problems",
                                    "hpdgenomics.report.writers.write_all"])
def test_3_internal_error_prints_the_traceback_and_a_hint(target: str, tmp_path: Path,
                                                         monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(target, _boom)
    result = run("annotate", "--vcf", LUAD, "--out", str(tmp_path / "out"))
    assert result.exit_code == 3, result.output
    assert "Traceback (most recent call last)" in result.stderr and "RuntimeError: an unexpected state" in result.stderr
    assert result.stderr.rstrip().splitlines()[-1] == (
        "hpdgenomics: internal error: this is a bug in hpdgenomics; please report it with the command line and the "
        "traceback above")
    assert not (tmp_path / "out").exists()


def test_3_also_for_rules_commands(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("hpdgenomics.cli_rules.load_rules", _boom)
    result = run("rules", "list")
    assert result.exit_code == 3 and "internal error" in result.stderr


def test_130_when_interrupted(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    def interrupted(*args: object, **kwargs: object) -> None:
        raise KeyboardInterrupt

    monkeypatch.setattr(api, "annotate_samples", interrupted)
    result = run("annotate", "--vcf", LUAD, "--out", str(tmp_path / "out"))
    assert result.exit_code == 130 and "hpdgenomics: interrupted; no report was written" in result.stderr
