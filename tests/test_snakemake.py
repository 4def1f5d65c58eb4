"""The Snakemake integration (integrations/snakemake/): the bundled example workflow runs on the test data in a
temporary folder through the wrappers, and writes what its rules promise."""

from __future__ import annotations

import importlib.util
import json
import os
import subprocess
import sys
from pathlib import Path

import pyarrow.parquet as pq
import pytest
from cyvcf2 import VCF

from .conftest import EPOCH, REPO

SNAKEFILE = REPO / "integrations" / "snakemake" / "Snakefile"
pytestmark = pytest.mark.skipif(importlib.util.find_spec("snakemake") is None,
                                reason="snakemake is not installed (pip install '.[test]')")


def snakemake(workdir: Path, *extra: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(filter(None, (str(REPO), os.environ.get("PYTHONPATH")))),
           "SOURCE_DATE_EPOCH": EPOCH}
    command = [sys.executable, "-m", "snakemake", "-s", str(SNAKEFILE), "--directory", str(workdir), "--cores", "2",
               "--config", f"repo={REPO}", f"hpdgenomics={sys.executable} -m hpdgenomics", *extra]
    return subprocess.run(command, env=env, capture_output=True, text=True, check=False)


def test_example_workflow_runs_and_writes_its_outputs(tmp_path: Path) -> None:
    run = snakemake(tmp_path)
    assert run.returncode == 0, run.stderr[-3000:]
    out = tmp_path / "hpdgenomics"
    report = json.loads((out / "reports" / "TUMOR_LUAD1.hpd.json").read_text(encoding="utf-8"))
    assert report["sample"]["id"] == "TUMOR_LUAD1" and report["hpd_risk"]["level"] == "high"  # MDM2 amplified
    assert (out / "reports" / "TUMOR_LUAD1.hpd.html").read_text(encoding="utf-8").startswith("<!DOCTYPE html>")
    annotated = out / "annotated" / "luad_mutect2_vep.hpd.vcf.gz"
    assert Path(f"{annotated}.tbi").is_file()
    assert any(record.INFO.get("HPD_RULE") for record in VCF(str(annotated)))
    cohort = out / "cohort"
    assert pq.read_table(cohort / "cohort.parquet").num_rows == 5
    assert (cohort / "hpdgenomics_levels_mqc.tsv").is_file() and len(list((cohort / "samples").iterdir())) == 5
    again = snakemake(tmp_path, "--dry-run")  # everything is up to date: nothing left to run
    assert again.returncode == 0 and "Nothing to be done" in again.stdout + again.stderr
