"""Outputs: written whole or not at all (errors and interruptions included), never overwritten without --force,
identical bytes for identical runs, and rule files that cannot run code."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
from click.testing import CliRunner

from hpdgenomics import api
from hpdgenomics.cli import cli
from hpdgenomics.engine.loader import parse_rule_file
from hpdgenomics.errors import OutputError, RuleError
from hpdgenomics.report import write_reports, writers
from hpdgenomics.request import AnnotateRequest

from .conftest import REPO, TEST_DATA

MAF = TEST_DATA / "maf" / "gdc_two_samples.maf"
LUAD = TEST_DATA / "vcf" / "luad_mutect2_vep.vcf"
CNS = TEST_DATA / "copy_number" / "tumor_luad1_grch38.call.cns"


def _everything(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir()) if folder.exists() else []


@pytest.fixture(scope="module")
def two_reports():
    return api.annotate_samples(AnnotateRequest.of(maf=MAF))


def test_an_error_rendering_the_second_sample_writes_nothing(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                            two_reports) -> None:
    render = writers.RENDERERS["tsv"]

    def fails_on_second(report):
        if report.sample_id == two_reports[1].sample_id:
            raise OutputError("cannot render")
        return render(report)

    monkeypatch.setitem(writers.RENDERERS, "tsv", fails_on_second)
    with pytest.raises(OutputError):
        write_reports(two_reports, tmp_path / "out", formats=["json", "tsv"])
    assert not (tmp_path / "out").exists()


@pytest.mark.parametrize("failure", [KeyboardInterrupt, OSError])
@pytest.mark.parametrize("at_call", [1, 2, 4])
def test_an_interruption_or_error_while_renaming_leaves_nothing_behind(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, two_reports, failure: type[BaseException],
        at_call: int) -> None:
    real_replace = os.replace
    calls = {"n": 0}

    def replace(src, dst):
        calls["n"] += 1
        if calls["n"] == at_call:
            raise failure("interrupted" if failure is KeyboardInterrupt else "disk full")
        return real_replace(src, dst)

    monkeypatch.setattr(writers.os, "replace", replace)
    expected = KeyboardInterrupt if failure is KeyboardInterrupt else OutputError
    with pytest.raises(expected):
        write_reports(two_reports, tmp_path / "out", formats=["json", "tsv"])
    assert _everything(tmp_path / "out") == []


def test_an_interruption_while_writing_a_temporary_file_leaves_nothing(tmp_path: Path,
                                                                      monkeypatch: pytest.MonkeyPatch,
                                                                      two_reports) -> None:
    real_fsync = os.fsync
    calls = {"n": 0}

    def fsync(fd):
        calls["n"] += 1
        if calls["n"] == 3:
            raise KeyboardInterrupt
        return real_fsync(fd)

    monkeypatch.setattr(writers.os, "fsync", fsync)
    with pytest.raises(KeyboardInterrupt):
        write_reports(two_reports, tmp_path / "out", formats=["json", "tsv"])
    assert _everything(tmp_path / "out") == []


@pytest.mark.parametrize("at_call", range(1, 9))  # 4 files: a move aside and a rename each
def test_an_interrupted_forced_overwrite_restores_the_old_reports(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                                 two_reports, at_call: int) -> None:
    out = tmp_path / "out"
    write_reports(two_reports, out, formats=["json", "tsv"])
    before = {p.name: p.read_bytes() for p in out.iterdir()}
    for path in out.iterdir():
        path.write_bytes(b"old " + path.name.encode())
    old = {p.name: p.read_bytes() for p in out.iterdir()}
    real_replace = os.replace
    calls = {"n": 0}

    def replace(src, dst):
        calls["n"] += 1
        if calls["n"] == at_call:
            raise KeyboardInterrupt
        return real_replace(src, dst)

    monkeypatch.setattr(writers.os, "replace", replace)
    with pytest.raises(KeyboardInterrupt):
        write_reports(two_reports, out, formats=["json", "tsv"], force=True)
    assert {p.name: p.read_bytes() for p in out.iterdir()} == old, "the old set is back, nothing else is there"
    monkeypatch.setattr(writers.os, "replace", real_replace)
    write_reports(two_reports, out, formats=["json", "tsv"], force=True)
    assert {p.name: p.read_bytes() for p in out.iterdir()} == before


def test_the_cli_reports_an_interruption_and_writes_nothing(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    def interrupted(*args, **kwargs):
        raise KeyboardInterrupt

    monkeypatch.setattr(writers, "_write_temporary", interrupted)
    result = CliRunner().invoke(cli, ["annotate", "--maf", str(MAF), "--out", str(tmp_path / "out")])
    assert result.exit_code == 130 and "interrupted; no report was written" in result.output
    assert not (tmp_path / "out").exists()


def test_one_existing_report_blocks_the_whole_run_without_force(tmp_path: Path, two_reports) -> None:
    out = tmp_path / "out"
    out.mkdir()
    first = writers.report_paths(two_reports[0], out, ["json"])["json"]
    first.write_text("keep me")
    runner = CliRunner()
    refused = runner.invoke(cli, ["annotate", "--maf", str(MAF), "--out", str(out), "--format", "json"])
    assert refused.exit_code == 1
    assert f"hpdgenomics: error: {first} already exists (use --force to overwrite)" in refused.output
    assert _everything(out) == [first.name] and first.read_text() == "keep me"
    forced = runner.invoke(cli, ["annotate", "--maf", str(MAF), "--out", str(out), "--format", "json", "--force"])
    assert forced.exit_code == 0, forced.output
    assert len(_everything(out)) == 2 and json.loads(first.read_text())["sample"]["id"] == two_reports[0].sample_id


@pytest.mark.parametrize("args", [
    ["--vcf", str(LUAD), "--cns", str(CNS), "--tumour-type", "LUAD"],
    ["--maf", str(MAF)],
    ["--seg", str(TEST_DATA / "copy_number" / "mdm2_cdk4_amp_two_samples.seg")],
])
def test_same_inputs_and_options_give_byte_identical_outputs(args: list[str], tmp_path: Path,
                                                             monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1767225600")
    runner = CliRunner()
    outputs = []
    for run in ("first", "second"):
        folder = tmp_path / run
        result = runner.invoke(cli, ["annotate", *args, "--out", str(folder), "--format", "json", "--format", "tsv"])
        assert result.exit_code == 0, result.output
        outputs.append({p.name: p.read_bytes() for p in sorted(folder.iterdir())})
    assert outputs[0] == outputs[1] and outputs[0]
    for name, data in outputs[0].items():
        if name.endswith(".json"):
            assert b"2026-01-01T00:00:00Z" in data, "the timestamp comes from SOURCE_DATE_EPOCH"


def test_a_different_source_date_epoch_changes_only_the_timestamp(tmp_path: Path,
                                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    texts = []
    for epoch in ("1767225600", "1767312000"):
        monkeypatch.setenv("SOURCE_DATE_EPOCH", epoch)
        (report,) = api.annotate_samples(AnnotateRequest.of(vcf=LUAD))
        texts.append(report.to_json())
    assert texts[0] != texts[1]
    assert texts[0].replace("2026-01-01T00:00:00Z", "X") == texts[1].replace("2026-01-02T00:00:00Z", "X")


HOSTILE_YAML = [
    "!!python/object/apply:os.system ['touch {marker}']\n",
    "schema_version: 1\ncategory: hpd_risk\nrules: !!python/object/apply:os.system ['touch {marker}']\n",
    "schema_version: 1\ncategory: hpd_risk\nrules:\n  - !!python/object/new:subprocess.Popen [['touch', '{marker}']]\n",
    "x: !!python/name:os.system\n",
    "x: !!python/module:os\n",
    "x: !<tag:yaml.org,2002:python/object/apply:os.system> ['touch {marker}']\n",
]


@pytest.mark.parametrize("text", HOSTILE_YAML)
def test_rule_files_cannot_run_code(text: str, tmp_path: Path) -> None:
    marker = tmp_path / "pwned"
    path = tmp_path / "evil.yaml"
    path.write_text(text.format(marker=marker))
    with pytest.raises(RuleError, match=r"evil\.yaml: is not valid YAML"):
        parse_rule_file(path)
    result = CliRunner().invoke(cli, ["rules", "validate", str(path)])
    assert result.exit_code == 1 and "hpdgenomics: error:" in result.output
    run = CliRunner().invoke(cli, ["annotate", "--vcf", str(LUAD), "--rules", str(path), "--out",
                                   str(tmp_path / "out")])
    assert run.exit_code == 1 and not (tmp_path / "out").exists()
    assert not marker.exists()


def test_yaml_aliases_cannot_blow_up_validation(tmp_path: Path) -> None:
    # "billion laughs": nine levels of nine-fold aliases; safe_load shares the objects, and validation must end
    levels = ["a0: &a0 [x, x, x, x, x, x, x, x, x]"]
    levels += [f"a{i}: &a{i} [" + ", ".join([f"*a{i - 1}"] * 9) + "]" for i in range(1, 9)]
    path = tmp_path / "laughs.yaml"
    path.write_text("\n".join(levels) + "\nschema_version: 1\ncategory: hpd_risk\nrules: []\n")
    with pytest.raises(RuleError):
        parse_rule_file(path)


def test_bundled_rules_are_plain_yaml() -> None:
    for path in sorted((REPO / "rules").glob("*.yaml")):
        assert "!!" not in path.read_text(encoding="utf-8"), path


def test_hostile_text_from_an_input_file_is_escaped_in_the_html_report(tmp_path: Path) -> None:
    # the HTML writer's own tests (test_html.py) cover every field; this follows one hostile MAF through the CLI
    hostile = '<script>alert("x")</script>'
    text = (TEST_DATA / "maf" / "cbioportal_minimal_crlf_bom.maf").read_bytes().decode("utf-8-sig")
    maf = tmp_path / "hostile.maf"
    maf.write_text(text.replace("P-0012345-T01-IM6", f"P1{hostile}").replace("\r\n", "\n"))
    out = tmp_path / "out"
    result = CliRunner().invoke(cli, ["annotate", "--maf", str(maf), "--out", str(out), "--format", "html"])
    assert result.exit_code == 0, result.output
    (page,) = out.iterdir()
    assert page.parent == out and "<" not in page.name
    html = page.read_text(encoding="utf-8")
    assert "<script" not in html.lower() and "&lt;script&gt;" in html


def test_a_data_error_in_the_second_sample_writes_no_report_for_the_first(tmp_path: Path) -> None:
    lines = MAF.read_text().splitlines()
    last = lines[-1].split("\t")
    last[5] = "55,191,822"  # Start_Position of a row of the second sample
    maf = tmp_path / "second_sample_broken.maf"
    maf.write_text("\n".join([*lines[:-1], "\t".join(last)]) + "\n")
    result = CliRunner().invoke(cli, ["annotate", "--maf", str(maf), "--out", str(tmp_path / "out")])
    assert result.exit_code == 1 and f"{maf}, line {len(lines)}: Start_Position '55,191,822'" in result.stderr
    assert not (tmp_path / "out").exists()
