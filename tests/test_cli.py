"""The command line: outputs, documented exit codes and one-line errors."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from hpdgenomics.cli import cli
from hpdgenomics.report.document import validate_document

from .conftest import TEST_DATA

LUAD = str(TEST_DATA / "vcf" / "luad_mutect2_vep.vcf.gz")


def run(*args: str) -> object:
    return CliRunner().invoke(cli, list(args))


def test_annotate_writes_json_and_tsv(tmp_path: Path) -> None:
    result = run("annotate", "--vcf", LUAD, "--tumour-type", "LUAD", "--out", str(tmp_path))
    assert result.exit_code == 0, result.output
    document = json.loads((tmp_path / "TUMOR_LUAD1.hpd.json").read_text())
    validate_document(document)
    assert (tmp_path / "TUMOR_LUAD1.hpd.tsv").read_text().startswith("sample_id\trecord_type")
    assert "hyperprogression risk not assessable" in result.output


def test_existing_report_needs_force(tmp_path: Path) -> None:
    assert run("annotate", "--vcf", LUAD, "--out", str(tmp_path)).exit_code == 0
    before = (tmp_path / "TUMOR_LUAD1.hpd.json").read_bytes()
    refused = run("annotate", "--vcf", LUAD, "--tumour-type", "LUAD", "--out", str(tmp_path))
    assert refused.exit_code == 1 and "--force" in refused.output
    assert (tmp_path / "TUMOR_LUAD1.hpd.json").read_bytes() == before
    assert run("annotate", "--vcf", LUAD, "--tumour-type", "LUAD", "--out", str(tmp_path), "--force").exit_code == 0
    assert not list(tmp_path.glob(".*.tmp")), "no temporary files are left behind"


def test_identical_runs_give_identical_bytes(tmp_path: Path) -> None:
    for name in ("a", "b"):
        assert run("annotate", "--vcf", LUAD, "--out", str(tmp_path / name)).exit_code == 0
    for suffix in ("json", "tsv"):
        assert (tmp_path / "a" / f"TUMOR_LUAD1.hpd.{suffix}").read_bytes() == \
            (tmp_path / "b" / f"TUMOR_LUAD1.hpd.{suffix}").read_bytes()


def test_maf_without_sample_writes_one_report_per_sample(tmp_path: Path) -> None:
    result = run("annotate", "--maf", str(TEST_DATA / "maf" / "gdc_two_samples.maf"), "--out", str(tmp_path),
                 "--format", "json")
    assert result.exit_code == 0, result.output
    assert sorted(p.name for p in tmp_path.iterdir()) == [
        "TCGA-05-4244-01A-01D-1105-08.hpd.json", "TCGA-50-5932-01A-11D-1753-08.hpd.json"]


@pytest.mark.parametrize(("args", "code", "message"), [
    (["annotate", "--out", "x"], 2, "give an input"),
    (["annotate", "--vcf", LUAD, "--tumour-type", "LAUD", "--out", "x"], 2, "did you mean"),
    (["annotate", "--vcf", LUAD, "--maf", LUAD, "--out", "x"], 2, "not both"),
    (["annotate", "--vcf", "missing.vcf", "--out", "x"], 1, "missing.vcf"),
    (["annotate", "--vcf", str(TEST_DATA / "vcf" / "two_tumours_no_header.vcf"), "--out", "x"], 1, "TUMOR_A, TUMOR_B"),
    (["annotate", "--maf", str(TEST_DATA / "maf" / "mixed_builds.maf"), "--out", "x"], 1, "mixes genome builds"),
    (["annotate", "--vcf", str(TEST_DATA / "vcf" / "grch37_contigs_vep.vcf"), "--build", "GRCh38", "--out", "x"], 1,
     "match GRCh37"),
])
def test_errors_have_documented_exit_codes(args: list[str], code: int, message: str, tmp_path: Path,
                                           monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    result = run(*args)
    assert result.exit_code == code, result.output
    assert message in result.output
    assert "Traceback" not in result.output
    assert not (tmp_path / "x").exists(), "nothing is written when the run fails"


def test_rules_list_show_validate(tmp_path: Path) -> None:
    listed = run("rules", "list")
    assert listed.exit_code == 0 and "MDM2-AMP-HPD" in listed.output and "PMID:28351930" in listed.output
    shown = run("rules", "show", "mdm2-amp-hpd")
    assert shown.exit_code == 0 and "strength: strong" in shown.output
    assert run("rules", "show", "NOPE-RULE").exit_code == 2
    bad = tmp_path / "bad.yaml"
    bad.write_text("schema_version: 1\ncategory: hpd_risk\nrules:\n  - id: MY-RULE\n    title: x\n")
    invalid = run("rules", "validate", str(bad))
    assert invalid.exit_code == 1 and "MY-RULE" in invalid.output and "bad.yaml" in invalid.output


def test_version() -> None:
    result = run("--version")
    assert result.exit_code == 0 and "hpdgenomics" in result.output
