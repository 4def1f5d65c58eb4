"""Command-line papercuts of issue 17: global -q/-v, the many-sample guard, wrong-option hints, joined sample ids,
the undetermined-build warning, and a browser test that never installs Chromium."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from hpdgenomics.cli import MANY_SAMPLES, cli
from hpdgenomics.readers.sniff import detect_kind, misplaced_hint

from .conftest import TEST_DATA

LUAD = TEST_DATA / "vcf" / "luad_mutect2_vep.vcf.gz"
SEG = TEST_DATA / "copy_number" / "mdm2_cdk4_amp_two_samples.seg"
MAF = TEST_DATA / "maf" / "gdc_two_samples.maf"
CNS = TEST_DATA / "copy_number" / "tumor_luad1_grch38.call.cns"
CNA = TEST_DATA / "copy_number" / "cbioportal_matrix_msk_codes.txt"


def run(*args: str | Path) -> object:
    return CliRunner().invoke(cli, [str(a) for a in args])


@pytest.mark.parametrize("flag", ["-q", "--quiet"])
def test_quiet_before_the_subcommand(flag: str, tmp_path: Path) -> None:
    result = run(flag, "annotate", "--vcf", LUAD, "--out", tmp_path)
    assert result.exit_code == 0, result.output
    assert result.output == ""
    assert (tmp_path / "TUMOR_LUAD1.hpd.json").exists()


def test_verbose_before_the_subcommand_lists_notes(tmp_path: Path) -> None:
    quiet = run("annotate", "--vcf", LUAD, "--out", tmp_path / "a")
    verbose = run("-v", "annotate", "--vcf", LUAD, "--out", tmp_path / "b")
    assert verbose.exit_code == 0, verbose.output
    assert "note:" in verbose.output and "note:" not in quiet.output


def test_quiet_and_verbose_together_is_a_usage_error(tmp_path: Path) -> None:
    result = run("-q", "-v", "annotate", "--vcf", LUAD, "--out", tmp_path)
    assert result.exit_code == 2 and "cannot go together" in result.output


def test_cohort_accepts_quiet_before_the_subcommand(tmp_path: Path) -> None:
    result = run("-q", "cohort", "--maf", MAF, "--out", tmp_path)
    assert result.exit_code == 0, result.output
    assert "cohort:" not in result.output


def _many_sample_maf(path: Path, samples: int) -> Path:
    lines = MAF.read_text().splitlines()
    header = [line for line in lines if line.startswith("#") or line.startswith("Hugo_Symbol")]
    columns = header[-1].split("\t")
    row = next(line for line in lines if not line.startswith(("#", "Hugo_Symbol"))).split("\t")
    barcode = columns.index("Tumor_Sample_Barcode")
    body = []
    for i in range(samples):
        cells = list(row)
        cells[barcode] = f"TUMOUR-{i:03d}"
        body.append("\t".join(cells))
    path.write_text("\n".join(header + body) + "\n")
    return path


def test_annotate_refuses_many_samples_and_suggests_cohort(tmp_path: Path) -> None:
    maf = _many_sample_maf(tmp_path / "many.maf", MANY_SAMPLES + 1)
    out = tmp_path / "out"
    result = run("annotate", "--maf", maf, "--out", out)
    assert result.exit_code == 2, result.output
    assert "hpdgenomics cohort" in result.output and "--all-samples" in result.output
    assert f"{MANY_SAMPLES + 1} samples" in result.output
    assert not out.exists() or not list(out.iterdir()), "nothing was written"


def test_annotate_many_samples_with_explicit_choice(tmp_path: Path) -> None:
    maf = _many_sample_maf(tmp_path / "many.maf", MANY_SAMPLES + 1)
    result = run("annotate", "--maf", maf, "--all-samples", "--format", "json", "--out", tmp_path / "out")
    assert result.exit_code == 0, result.output
    assert len(list((tmp_path / "out").glob("*.hpd.json"))) == MANY_SAMPLES + 1


def test_annotate_at_the_limit_needs_no_choice(tmp_path: Path) -> None:
    maf = _many_sample_maf(tmp_path / "limit.maf", MANY_SAMPLES)
    result = run("annotate", "--maf", maf, "--format", "json", "--out", tmp_path / "out")
    assert result.exit_code == 0, result.output


@pytest.mark.parametrize(("path", "kind"), [(LUAD, "vcf"), (MAF, "maf"), (SEG, "seg"), (CNS, "cns"), (CNA, "cna"),
                                            (TEST_DATA / "copy_number" / "gistic_columns_chr_prefix_crlf.seg", "seg"),
                                            (TEST_DATA / "maf" / "gdc_two_samples.maf.gz", "maf"),
                                            (TEST_DATA / "clinical" / "cbioportal_sample_sheet.txt", None)])
def test_detect_kind(path: Path, kind: str | None) -> None:
    assert detect_kind(path) == kind


def test_hint_only_for_another_kind() -> None:
    assert misplaced_hint("vcf", LUAD) is None
    assert misplaced_hint("cnv_vcf", LUAD) is None
    assert misplaced_hint("sv", LUAD) is None  # SV lists come in too many shapes to second-guess
    assert misplaced_hint("maf", LUAD) == "this looks like a VCF, not an input for --maf: did you mean --vcf?"


@pytest.mark.parametrize(("option", "path", "suggested"), [
    ("--maf", LUAD, "did you mean --vcf?"),
    ("--cns", SEG, "did you mean --seg?"),
    ("--seg", CNS, "did you mean --cns?"),
    ("--vcf", MAF, "did you mean --maf?"),
    ("--cna", MAF, "did you mean --maf?"),
])
def test_wrong_option_gets_a_hint(option: str, path: Path, suggested: str, tmp_path: Path) -> None:
    result = run("annotate", option, path, "--build", "GRCh38", "--out", tmp_path)
    assert result.exit_code == 1, result.output
    assert suggested in result.output
    assert result.output.count("\n") == 1, "still one line"


def test_cohort_wrong_option_gets_a_hint(tmp_path: Path) -> None:
    result = run("cohort", "--maf", LUAD, "--out", tmp_path)
    assert result.exit_code == 1 and "did you mean --vcf?" in result.output


def test_differing_vcf_and_seg_ids_are_joined_with_a_note(tmp_path: Path) -> None:
    seg = tmp_path / "one.seg"
    lines = SEG.read_text().splitlines()
    seg.write_text("\n".join([lines[0], *[line for line in lines[1:] if line.startswith("TUMOUR_A\t")]]) + "\n")
    vcf = TEST_DATA / "vcf" / "grch37_contigs_vep.vcf"  # the SEG is GRCh37 too
    result = run("annotate", "--vcf", vcf, "--seg", seg, "--format", "json", "--out", tmp_path / "out")
    assert result.exit_code == 0, result.output
    document = json.loads((tmp_path / "out" / "TUMOR.hpd.json").read_text())
    notes = [n for f in document["qc"]["files"] for n in f["notes"]]
    assert any("'TUMOUR_A'" in n and "'TUMOR'" in n and "ids differ" in n for n in notes), notes


def test_same_ids_get_no_join_note(tmp_path: Path) -> None:
    result = run("annotate", "--vcf", LUAD, "--cns", CNS, "--format", "json", "--out", tmp_path)
    assert result.exit_code == 0, result.output
    document = json.loads((tmp_path / "TUMOR_LUAD1.hpd.json").read_text())
    assert not [n for f in document["qc"]["files"] for n in f["notes"] if "ids differ" in n]


NO_CONTIG_VCF = """##fileformat=VCFv4.2
##FORMAT=<ID=GT,Number=1,Type=String,Description="Genotype">
##FORMAT=<ID=AD,Number=R,Type=Integer,Description="Allelic depths">
#CHROM\tPOS\tID\tREF\tALT\tQUAL\tFILTER\tINFO\tFORMAT\tTUMOR
7\t140453136\t.\tA\tT\t.\tPASS\t.\tGT:AD\t0/1:30,12
"""


def test_undetermined_build_warns_on_stderr_even_when_quiet(tmp_path: Path) -> None:
    vcf = tmp_path / "strelka_like.vcf"
    vcf.write_text(NO_CONTIG_VCF)
    result = run("-q", "annotate", "--vcf", vcf, "--out", tmp_path / "out")
    assert result.exit_code == 0, result.output
    assert "warning: TUMOR: genome build not determined" in result.output
    assert "--build GRCh37" in result.output


def test_determined_build_gives_no_warning(tmp_path: Path) -> None:
    vcf = tmp_path / "strelka_like.vcf"
    vcf.write_text(NO_CONTIG_VCF)
    result = run("annotate", "--vcf", vcf, "--build", "GRCh37", "--out", tmp_path / "out")
    assert result.exit_code == 0, result.output
    assert "warning" not in result.output


def test_browser_test_never_installs_chromium(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """Without Chromium the browser tests skip with the reason; nothing is run to install it."""
    import shutil
    import subprocess

    from . import test_browser

    def refuse(*args: object, **kwargs: object) -> None:
        raise AssertionError(f"the test suite ran a command: {args}")

    monkeypatch.setattr(test_browser, "CHROMIUM", tmp_path / "no-chromium")
    monkeypatch.setattr(shutil, "which", lambda name: None)
    monkeypatch.setattr(subprocess, "run", refuse)
    path, why = test_browser.find_chromium()
    assert path is None and "chromium" in why and ".ci/run" in why
    source = Path(test_browser.__file__).read_text()
    assert "apt-get" not in source


def test_ci_installs_chromium_as_root() -> None:
    script = (Path(__file__).parents[1] / ".ci" / "run").read_text()
    assert "apt-get install" in script and "chromium" in script and "id -u" in script
