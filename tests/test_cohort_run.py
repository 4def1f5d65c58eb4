"""Running a cohort (hpdgenomics.cohort.run, executors, tasks): the same bytes in-process, in local processes and on
a Dask cluster; outputs not overwritten without force; errors from workers kept intact; the CLI command."""

from __future__ import annotations

import pickle
from pathlib import Path

import pytest
from click.testing import CliRunner

from hpdgenomics.cli import cli
from hpdgenomics.cohort import executors, run_cohort
from hpdgenomics.cohort.run import COHORT_FILES
from hpdgenomics.cohort.tasks import TaskFailure
from hpdgenomics.errors import InputError, OptionError, OutputError, SampleSelectionError
from hpdgenomics.request import CohortRequest

from .conftest import TEST_DATA

TINY = TEST_DATA / "cohort" / "study_tiny"
SHEET = TEST_DATA / "cohort" / "samplesheet" / "samples.csv"


def _files(folder: Path) -> dict[str, bytes]:
    return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


@pytest.mark.parametrize("source", [{"study_dir": TINY}, {"sample_sheet": SHEET}], ids=["study", "sheet"])
def test_jobs_1_and_2_write_identical_bytes(tmp_path: Path, source: dict[str, Path]) -> None:
    one = run_cohort(CohortRequest.of(out=tmp_path / "one", jobs=1, formats=("json", "tsv"), **source))
    two = run_cohort(CohortRequest.of(out=tmp_path / "two", jobs=2, formats=("json", "tsv"), **source))
    assert one.levels == two.levels
    first, second = _files(tmp_path / "one"), _files(tmp_path / "two")
    assert first == second
    assert len([name for name in first if name.endswith(".hpd.json")]) == one.samples


@pytest.mark.parametrize("processes", [False, True], ids=["threads", "processes"])
def test_dask_local_cluster_writes_the_same_bytes(tmp_path: Path, processes: bool) -> None:
    distributed = pytest.importorskip("distributed")
    run_cohort(CohortRequest.of(study_dir=TINY, out=tmp_path / "local"))
    with distributed.LocalCluster(n_workers=1, threads_per_worker=1, processes=processes, dashboard_address=None,
                                  silence_logs=50) as cluster:
        result = run_cohort(CohortRequest.of(study_dir=TINY, out=tmp_path / "dask",
                                             dask_scheduler=cluster.scheduler_address))
    assert result.samples == 5
    assert _files(tmp_path / "local") == _files(tmp_path / "dask")


def test_dask_sample_sheet_with_own_files(tmp_path: Path) -> None:
    distributed = pytest.importorskip("distributed")
    run_cohort(CohortRequest.of(sample_sheet=SHEET, out=tmp_path / "local"))
    with distributed.LocalCluster(n_workers=1, threads_per_worker=1, processes=False, dashboard_address=None,
                                  silence_logs=50) as cluster:
        run_cohort(CohortRequest.of(sample_sheet=SHEET, out=tmp_path / "dask",
                                    dask_scheduler=cluster.scheduler_address))
    assert _files(tmp_path / "local") == _files(tmp_path / "dask")


def test_unreachable_dask_scheduler_is_a_usage_error(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    pytest.importorskip("distributed")
    monkeypatch.setattr(executors, "DASK_CONNECT_TIMEOUT", "1s")
    with pytest.raises(OptionError, match=r"cannot reach the Dask scheduler at tcp://127\.0\.0\.1:9"):
        run_cohort(CohortRequest.of(study_dir=TINY, out=tmp_path / "out", dask_scheduler="tcp://127.0.0.1:9"))


def test_existing_outputs_need_force(tmp_path: Path) -> None:
    run_cohort(CohortRequest.of(study_dir=TINY, out=tmp_path / "out"))
    before = _files(tmp_path / "out")
    with pytest.raises(OutputError, match=r"cohort.tsv already exists \(use --force to overwrite\); 11 more"):
        run_cohort(CohortRequest.of(study_dir=TINY, out=tmp_path / "out"))
    assert _files(tmp_path / "out") == before
    run_cohort(CohortRequest.of(study_dir=TINY, out=tmp_path / "out", force=True))
    assert _files(tmp_path / "out") == before
    assert not [p for p in (tmp_path / "out").rglob(".*") if p.is_file()]  # no temporary file left


def test_progress_is_reported_up_to_the_total(tmp_path: Path) -> None:
    seen: list[tuple[int, int]] = []
    run_cohort(CohortRequest.of(study_dir=TINY, out=tmp_path / "out"), progress=lambda done, total: seen.append((done,
                                                                                                                 total)))
    assert seen[0] == (0, 5) and seen[-1] == (5, 5)
    assert [done for done, _ in seen] == sorted(done for done, _ in seen)


@pytest.mark.parametrize("jobs", [1, 2])
def test_a_failing_sample_stops_the_run_with_its_error(tmp_path: Path, jobs: int) -> None:
    bad = TEST_DATA / "malformed" / "vcf" / "non_numeric_pos.vcf"
    sheet = tmp_path / "samples.csv"
    sheet.write_text(f"sample,vcf\nGOOD,{TEST_DATA / 'vcf' / 'luad_mutect2_vep.vcf.gz'}\nBAD,{bad}\n",
                     encoding="utf-8")
    with pytest.raises(InputError) as caught:
        run_cohort(CohortRequest.of(sample_sheet=sheet, out=tmp_path / "out", jobs=jobs))
    assert caught.value.path == str(bad) and caught.value.line is not None
    assert "POS" in str(caught.value)
    assert not (tmp_path / "out" / "cohort.tsv").exists()


def test_task_failures_survive_pickling_with_their_type() -> None:
    failure = TaskFailure(3, "SampleSelectionError", "x.maf, line 2: no", "x.maf", 2, "no")
    error = pickle.loads(pickle.dumps(failure)).error()
    assert isinstance(error, SampleSelectionError) and str(error) == "x.maf, line 2: no"
    assert isinstance(TaskFailure(0, "OptionError", "bad").error(), OptionError)


def test_option_errors(tmp_path: Path) -> None:
    with pytest.raises(OptionError, match="give one cohort source"):
        run_cohort(CohortRequest.of(out=tmp_path / "out"))
    with pytest.raises(OptionError, match="give one cohort source"):
        run_cohort(CohortRequest.of(study_dir=TINY, maf=TEST_DATA / "maf" / "gdc_two_samples.maf",
                                    out=tmp_path / "out"))
    with pytest.raises(OptionError, match="--clinical does not go with --study-dir"):
        run_cohort(CohortRequest.of(study_dir=TINY, clinical=TEST_DATA / "clinical" / "cbioportal_sample_sheet.txt",
                                    out=tmp_path))
    with pytest.raises(OptionError, match="unknown report format"):
        run_cohort(CohortRequest.of(study_dir=TINY, formats=("pdf",), out=tmp_path / "out"))
    with pytest.raises(OptionError, match="--jobs must be at least 1"):
        run_cohort(CohortRequest.of(study_dir=TINY, jobs=0, out=tmp_path / "out"))


def test_samples_whose_file_names_collide_are_refused(tmp_path: Path) -> None:
    maf = tmp_path / "two.maf"
    maf.write_text("Hugo_Symbol\tTumor_Sample_Barcode\tVariant_Classification\tHGVSp_Short\n"
                   "AKT1\tS1\tMissense_Mutation\tp.E17K\nAKT1\ts1\tMissense_Mutation\tp.E17K\n", encoding="utf-8")
    with pytest.raises(OutputError, match="samples 'S1' and 's1' would write the same report file"):
        run_cohort(CohortRequest.of(maf=maf, out=tmp_path / "out"))


def test_multi_sample_files_and_formats(tmp_path: Path) -> None:
    import hpdgenomics

    assert hpdgenomics.run_cohort is run_cohort and hpdgenomics.CohortResult.__name__ == "CohortResult"
    result = run_cohort(CohortRequest.of(maf=TEST_DATA / "maf" / "gdc_two_samples.maf", tumour_type="LUAD",
                                         out=tmp_path / "out",
                        formats=("json", "tsv", "html")))
    assert result.samples == 2
    names = sorted(p.name for p in (tmp_path / "out" / "samples").iterdir())
    assert names == sorted(f"{s}.hpd.{f}" for s in ("TCGA-05-4244-01A-01D-1105-08", "TCGA-50-5932-01A-11D-1753-08")
                           for f in ("json", "tsv", "html"))
    assert set(result.files) == set(COHORT_FILES)


def test_cli_cohort_writes_and_summarises(tmp_path: Path) -> None:
    runner = CliRunner()
    out = tmp_path / "out"
    result = runner.invoke(cli, ["cohort", "--study-dir", str(TINY), "--out", str(out), "--jobs", "1"])
    assert result.exit_code == 0, result.output
    assert "cohort: 5 samples (high 1, elevated 1, none detected 2, not assessable 1)" in result.stderr
    assert "\r" not in result.stderr and "[" not in result.stderr  # no progress bar off a terminal
    assert "note: gene panel definitions not in the study folder for PANEL_B" in result.stderr
    again = runner.invoke(cli, ["cohort", "--study-dir", str(TINY), "--out", str(out)])
    assert again.exit_code == 1 and "already exists (use --force to overwrite)" in again.stderr
    quiet = runner.invoke(cli, ["cohort", "--study-dir", str(TINY), "--out", str(out), "--force", "-q"])
    assert quiet.exit_code == 0 and quiet.stderr == ""


def test_cli_usage_errors(tmp_path: Path) -> None:
    runner = CliRunner()
    result = runner.invoke(cli, ["cohort", "--out", str(tmp_path / "out")])
    assert result.exit_code == 2 and "give one cohort source" in result.stderr
    missing = runner.invoke(cli, ["cohort", "--study-dir", str(TEST_DATA / "cohort" / "study_missing_seg"),
                                  "--out", str(tmp_path / "out")])
    assert missing.exit_code == 1 and "--skip-missing" in missing.stderr
    assert "JSON only by default" in " ".join(runner.invoke(cli, ["cohort", "--help"]).output.split())
