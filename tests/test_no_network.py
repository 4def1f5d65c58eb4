"""No network at run time: with every socket operation blocked (and recorded), the whole pipeline still runs.

A VCF with CNVkit segments is annotated through the command line, writing every report format; then a MAF, a SEG
and a discrete CNA table, and the rule commands. Any attempt to resolve a name or open an internet socket is
recorded and fails the test, even if the code under test were to swallow the error.
"""

from __future__ import annotations

import socket
from pathlib import Path

import pytest
from click.testing import CliRunner

from hpdgenomics.cli import cli
from hpdgenomics.report import FORMATS

from .conftest import TEST_DATA

ATTEMPTS: list[str] = []


class NetworkBlocked(OSError):
    pass


@pytest.fixture
def no_network(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    ATTEMPTS.clear()

    def blocked(name: str):
        def refuse(*args: object, **kwargs: object) -> None:
            ATTEMPTS.append(f"{name}{args[:2]}")
            raise NetworkBlocked(f"network access attempted: {name}")
        return refuse

    real_init = socket.socket.__init__

    def guarded_init(self: socket.socket, family: int = -1, *args: object, **kwargs: object) -> None:
        if family in (socket.AF_INET, socket.AF_INET6) or family == -1:
            ATTEMPTS.append(f"socket(family={family})")
            raise NetworkBlocked("network access attempted: socket()")
        real_init(self, family, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(socket.socket, "__init__", guarded_init)
    for name in ("connect", "connect_ex", "sendto", "bind"):
        monkeypatch.setattr(socket.socket, name, blocked(f"socket.{name}"))
    for name in ("getaddrinfo", "gethostbyname", "gethostbyname_ex", "gethostbyaddr", "create_connection"):
        monkeypatch.setattr(socket, name, blocked(name))
    return ATTEMPTS


def test_the_block_works(no_network: list[str]) -> None:
    with pytest.raises(NetworkBlocked):
        socket.create_connection(("pypi.org", 443), timeout=1)
    with pytest.raises(NetworkBlocked):
        socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    with pytest.raises(NetworkBlocked):
        socket.getaddrinfo("example.org", 80)
    assert len(no_network) == 3
    no_network.clear()


def test_vcf_with_copy_number_end_to_end_writing_every_format(no_network: list[str], tmp_path: Path) -> None:
    out = tmp_path / "reports"
    args = ["annotate", "--vcf", str(TEST_DATA / "vcf" / "luad_mutect2_vep.vcf.gz"),
            "--cns", str(TEST_DATA / "copy_number" / "tumor_luad1_grch38.call.cns"), "--tumour-type", "LUAD",
            "--out", str(out)]
    for fmt in FORMATS:
        args += ["--format", fmt] if fmt != "maf" else []  # maf writes a MAF input back; this input is a VCF
    result = CliRunner().invoke(cli, args)
    assert result.exit_code == 0, result.output
    per_sample = sorted(f"TUMOR_LUAD1.hpd.{fmt}" for fmt in FORMATS if fmt not in ("maf", "vcf"))
    annotated_vcf = ["luad_mutect2_vep.hpd.vcf.gz", "luad_mutect2_vep.hpd.vcf.gz.tbi"]  # --format vcf: the input back
    assert sorted(p.name for p in out.iterdir()) == sorted(per_sample + annotated_vcf)
    assert all(p.stat().st_size > 0 for p in out.iterdir())
    assert "hyperprogression risk high" in result.output
    assert no_network == []


def test_maf_seg_and_rule_commands(no_network: list[str], tmp_path: Path) -> None:
    runner = CliRunner()
    for option, path in (("--maf", TEST_DATA / "maf" / "gdc_two_samples.maf.gz"),
                         ("--seg", TEST_DATA / "copy_number" / "mdm2_cdk4_amp_two_samples.seg"),
                         ("--cna", TEST_DATA / "copy_number" / "cbioportal_matrix_msk_codes.txt")):
        result = runner.invoke(cli, ["annotate", option, str(path), "--out", str(tmp_path / option.strip("-"))])
        assert result.exit_code == 0, result.output
    assert runner.invoke(cli, ["rules", "list"]).exit_code == 0
    assert runner.invoke(cli, ["rules", "show", "MDM2-AMP-HPD"]).exit_code == 0
    assert no_network == []
