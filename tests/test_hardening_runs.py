"""Issue #18, runs: one run per output folder, whole replacement of a cohort output, interruptions, workers that
die with the run, terminal and spreadsheet escaping, sample ids that differ by case, line numbers, long lists.

Each test failed before its fix (two runs both wrote into one folder, --force left stale reports, workers survived
kill -9 and printed tracebacks on Ctrl-C, escape sequences reached the terminal …).
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from hpdgenomics import api
from hpdgenomics.cli import cli
from hpdgenomics.cohort import run_cohort
from hpdgenomics.errors import InputError, OutputError, SampleSelectionError
from hpdgenomics.report.outlock import LOCK_NAME, OutputLock
from hpdgenomics.report.terminal import terminal_safe
from hpdgenomics.report.tsv import spreadsheet_safe
from hpdgenomics.request import AnnotateRequest, CohortRequest

from .conftest import TEST_DATA
from .malformed_helpers import MALFORMED, expect_error

REPO = Path(__file__).resolve().parents[1]
TINY = TEST_DATA / "cohort" / "study_tiny"
MAF = TEST_DATA / "maf" / "gdc_two_samples.maf"
SEG = TEST_DATA / "copy_number" / "mdm2_cdk4_amp_two_samples.seg"


def _files(folder: Path) -> dict[str, bytes]:
    return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def _hidden(folder: Path) -> list[Path]:
    return [p for p in folder.rglob(".*")]


# --- 6. one run per folder; --force replaces the whole output ---------------------------------------------------


def test_a_second_annotate_into_a_locked_folder_fails_at_once_naming_the_first(tmp_path: Path) -> None:
    out = tmp_path / "out"
    with OutputLock(out):
        result = CliRunner().invoke(cli, ["annotate", "--seg", str(SEG), "--out", str(out)])
        assert result.exit_code == 1, result.output
        assert f"{out} is being written by another hpdgenomics run (pid {os.getpid()}" in result.stderr
        assert [p.name for p in out.iterdir()] == [LOCK_NAME]  # nothing written by the second run
    assert not out.exists()  # the lock's folder was new: removed with the lock
    assert CliRunner().invoke(cli, ["annotate", "--seg", str(SEG), "--out", str(out)]).exit_code == 0
    assert LOCK_NAME not in {p.name for p in out.iterdir()}


def test_a_second_cohort_into_a_locked_folder_fails_before_reading_anything(tmp_path: Path) -> None:
    out = tmp_path / "out"
    with OutputLock(out), pytest.raises(OutputError, match="is being written by another hpdgenomics run"):
        run_cohort(CohortRequest.of(study_dir=TINY, out=out))


def test_force_replaces_the_whole_previous_cohort_output(tmp_path: Path) -> None:
    out = tmp_path / "out"
    run_cohort(CohortRequest.of(study_dir=TINY, out=out))
    assert len(list((out / "samples").iterdir())) == 5
    (out / "notes.txt").write_text("the user's own file\n")
    run_cohort(CohortRequest.of(maf=MAF, out=out, force=True))  # a cohort of two other samples
    listed = [line.split("\t")[0] for line in (out / "cohort.tsv").read_text().splitlines()[1:]]
    reports = sorted(p.name.removesuffix(".hpd.json") for p in (out / "samples").iterdir())
    assert reports == sorted(listed) and len(listed) == 2  # before: the 5 old reports stayed beside the 2 new
    assert (out / "notes.txt").read_text() == "the user's own file\n"  # not ours: left alone
    assert _hidden(out) == []


def test_a_failed_force_run_leaves_the_previous_output_as_it_was(tmp_path: Path,
                                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    from hpdgenomics.cohort import run as run_module

    out = tmp_path / "out"
    run_cohort(CohortRequest.of(study_dir=TINY, out=out))
    before = _files(out)

    def interrupted(*args: object, **kwargs: object) -> None:
        raise KeyboardInterrupt

    monkeypatch.setattr(run_module, "write_cohort_files", interrupted)
    with pytest.raises(KeyboardInterrupt):
        run_cohort(CohortRequest.of(study_dir=TINY, out=out, force=True))
    assert _files(out) == before and _hidden(out) == []
    with pytest.raises(KeyboardInterrupt):
        run_cohort(CohortRequest.of(study_dir=TINY, out=tmp_path / "new"))
    assert not (tmp_path / "new").exists()  # a new folder is removed again


def test_leftovers_of_a_killed_run_are_removed_by_the_next(tmp_path: Path) -> None:
    out = tmp_path / "out"
    (out / ".hpdgenomics-staging-123-abc" / "samples").mkdir(parents=True)
    (out / ".hpdgenomics-staging-123-abc" / "samples" / "X.hpd.json").write_text("{}")
    run_cohort(CohortRequest.of(study_dir=TINY, out=out))
    assert _hidden(out) == []


def test_without_force_an_existing_cohort_output_is_refused_before_any_work(tmp_path: Path) -> None:
    out = tmp_path / "out"
    run_cohort(CohortRequest.of(study_dir=TINY, out=out))
    with pytest.raises(OutputError, match=r"cohort.tsv already exists \(use --force to overwrite\); 11 more"):
        run_cohort(CohortRequest.of(maf=MAF, out=out))


# --- 7. interruptions and workers ----------------------------------------------------------------------------

LINUX = pytest.mark.skipif(not sys.platform.startswith("linux"), reason="PR_SET_PDEATHSIG is Linux-only")


def _alive(pid: int) -> bool:
    try:
        with open(f"/proc/{pid}/stat") as handle:
            return handle.read().split(") ")[-1][:1] not in ("Z", "X")
    except OSError:
        return False


def _wait_until(condition: object, limit: float = 30.0) -> bool:
    deadline = time.monotonic() + limit
    while time.monotonic() < deadline:
        if condition():  # type: ignore[operator]
            return True
        time.sleep(0.1)
    return bool(condition())  # type: ignore[operator]


@LINUX
def test_workers_and_the_fork_server_die_when_the_run_is_killed(tmp_path: Path) -> None:
    script = textwrap.dedent("""
        import concurrent.futures, json, os, sys, time
        import multiprocessing.forkserver as fs
        from hpdgenomics.cohort import executors
        from hpdgenomics.cohort.lifeline import tie_to_parent
        pool = concurrent.futures.ProcessPoolExecutor(2, mp_context=executors._start_method(),
                                                      initializer=tie_to_parent, initargs=(os.getpid(),))
        futures = [pool.submit(time.sleep, 600) for _ in range(2)]
        time.sleep(1)
        print(json.dumps({"workers": list(pool._processes), "server": fs._forkserver._forkserver_pid}), flush=True)
        time.sleep(600)
    """)
    run = subprocess.Popen([sys.executable, "-c", script], stdout=subprocess.PIPE, text=True,
                           env={**os.environ, "PYTHONPATH": str(REPO)})
    try:
        started = json.loads(run.stdout.readline())  # type: ignore[union-attr]
        children = [*started["workers"], started["server"]]
        assert all(_alive(pid) for pid in children)
        run.kill()  # kill -9: no cleanup code runs in the parent
        run.wait()
        assert _wait_until(lambda: not any(_alive(pid) for pid in children)), "a worker outlived its run"
    finally:
        run.kill()
        run.stdout.close()  # type: ignore[union-attr]


def _many_sample_seg(path: Path, samples: int) -> Path:
    rows = ["ID\tchrom\tloc.start\tloc.end\tnum.mark\tseg.mean"]
    for number in range(samples):
        rows += [f"S{number:04d}\t12\t60001\t69100000\t3653\t0.0151",
                 f"S{number:04d}\t12\t69100001\t69300000\t58\t{2.58 if number % 3 else 0.1}",
                 f"S{number:04d}\t12\t69300001\t133000000\t4000\t0.01"]
    path.write_text("\n".join(rows) + "\n")
    return path


def _start_cohort_run(tmp_path: Path, out: Path, **popen: Any) -> subprocess.Popen[str]:
    """A 2,000-sample SEG cohort run on two workers, in its own process group, long enough to be interrupted."""
    seg = _many_sample_seg(tmp_path / "cohort.seg", 2000)
    return subprocess.Popen([sys.executable, "-m", "hpdgenomics", "cohort", "--seg", str(seg), "--out", str(out),
                             "--jobs", "2", "--build", "GRCh38"], stderr=subprocess.PIPE, text=True,
                            start_new_session=True, env={**os.environ, "PYTHONPATH": str(REPO)}, **popen)


@LINUX
def test_ctrl_c_during_a_cohort_run_prints_one_line_and_leaves_nothing(tmp_path: Path) -> None:
    out = tmp_path / "out"
    run = _start_cohort_run(tmp_path, out,
                            preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL))  # even under nohup
    try:
        # as a terminal does: SIGINT to the whole process group, once workers have written reports
        assert _wait_until(lambda: any(out.glob(".hpdgenomics-staging-*/samples/*.json")) or run.poll() is not None,
                           120)
        if run.poll() is not None:
            pytest.skip("the run finished before it could be interrupted")
        os.killpg(run.pid, signal.SIGINT)
        _, stderr = run.communicate(timeout=120)
    finally:
        if run.poll() is None:
            os.killpg(run.pid, signal.SIGKILL)
            run.wait()
        run.stderr.close()  # type: ignore[union-attr]
    assert run.returncode == 130, stderr
    assert "Traceback" not in stderr
    assert stderr.strip().splitlines()[-1] == ("hpdgenomics: interrupted; no report was written (the output folder "
                                               "is as it was before the run)")
    assert not out.exists()
    session = ["pgrep", "-a", "-s", str(run.pid)]  # the run's session: its fork server, workers, resource tracker
    assert _wait_until(lambda: subprocess.run(session, capture_output=True).returncode != 0), \
        subprocess.run(session, capture_output=True, text=True).stdout


def test_ctrl_c_while_the_modules_load_ends_with_one_line(monkeypatch: pytest.MonkeyPatch,
                                                          capsys: pytest.CaptureFixture[str]) -> None:
    import importlib.abc

    from hpdgenomics import __main__ as entry

    class Interrupting(importlib.abc.MetaPathFinder):
        def find_spec(self, name: str, *args: object) -> None:
            if name == "hpdgenomics.cli":
                raise KeyboardInterrupt

    monkeypatch.delitem(sys.modules, "hpdgenomics.cli")
    monkeypatch.setattr(sys, "meta_path", [Interrupting(), *sys.meta_path])
    with pytest.raises(SystemExit) as stopped:
        entry.main()
    assert stopped.value.code == 130
    assert capsys.readouterr().err == ("hpdgenomics: interrupted; no report was written (the output folder is as "
                                       "it was before the run)\n")


def test_a_ctrl_c_after_the_reports_are_written_does_not_report_an_interruption(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from hpdgenomics import cli as cli_module

    printed = cli_module._print_summary

    def late_interrupt(*args: object, **kwargs: object) -> None:
        signal.raise_signal(signal.SIGINT)  # as a Ctrl-C just after "wrote N file(s)"
        printed(*args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(cli_module, "_print_summary", late_interrupt)
    result = CliRunner().invoke(cli, ["annotate", "--seg", str(SEG), "--out", str(tmp_path / "out")])
    assert result.exit_code == 0 and "wrote 6 file(s)" in result.stderr, result.output
    assert signal.getsignal(signal.SIGINT) is signal.default_int_handler  # restored for the rest of the process


# --- 8. terminal and spreadsheet -----------------------------------------------------------------------------


def test_control_characters_in_sample_ids_are_escaped_on_the_terminal(tmp_path: Path) -> None:
    seg = tmp_path / "hostile.seg"
    seg.write_text(SEG.read_text().replace("TUMOUR_A", "RED\x1b[31mA").replace("TUMOUR_B", "gpj\u202eexe.B"))
    result = CliRunner().invoke(cli, ["annotate", "--seg", str(seg), "--out", str(tmp_path / "out")])
    assert result.exit_code == 0, result.output
    assert "\x1b" not in result.stderr and "\u202e" not in result.stderr
    assert "RED\\x1b[31mA: hyperprogression risk" in result.stderr and "gpj\\u202eexe.B" in result.stderr
    error = CliRunner().invoke(cli, ["annotate", "--seg", str(seg), "--sample", "X\x1b]0;owned\x07",
                                     "--out", str(tmp_path / "out2")])
    assert error.exit_code == 1 and "\x1b" not in error.stderr and "\x07" not in error.stderr


@pytest.mark.parametrize(("text", "safe"), [
    ("=HYPERLINK(\"http://x\")", "'=HYPERLINK(\"http://x\")"), ("+cmd|' /C calc'!A0", "'+cmd|' /C calc'!A0"),
    ("-2+3", "'-2+3"), ("@SUM(A1)", "'@SUM(A1)"), ("-1.2", "-1.2"), ("+3", "+3"), ("-", "-"), ("-1e-5", "-1e-5"),
    ("p.E17K", "p.E17K"), ("", ""),
])
def test_spreadsheet_formulas_are_neutralised_and_numbers_kept(text: str, safe: str) -> None:
    assert spreadsheet_safe(text) == safe


def test_report_and_cohort_tsv_neutralise_a_formula_sample_id(tmp_path: Path) -> None:
    seg = tmp_path / "formula.seg"
    seg.write_text(SEG.read_text().replace("TUMOUR_A", "=1+1"))
    report = next(r for r in api.annotate_samples(AnnotateRequest.of(seg=seg)) if r.sample_id == "=1+1")
    from hpdgenomics.report.tsv import render_tsv

    rows = render_tsv(report).splitlines()[1:]
    assert rows and all(row.startswith("'=1+1\t") for row in rows)
    run_cohort(CohortRequest.of(seg=seg, out=tmp_path / "cohort"))
    cohort_rows = (tmp_path / "cohort" / "cohort.tsv").read_text().splitlines()[1:]
    assert any(row.startswith("'=1+1\t") for row in cohort_rows)


def test_terminal_safe_keeps_ordinary_text() -> None:
    assert terminal_safe("TUMOUR_A: risk high; ΔNp63 café\n\tok") == "TUMOUR_A: risk high; ΔNp63 café\n\tok"
    assert terminal_safe("a\x1bb\x9bc\u2066d\x7f") == "a\\x1bb\\x9bc\\u2066d\\x7f"


# --- 4, 5, 9. line numbers, sample ids, long lists ---------------------------------------------------------------


@pytest.mark.parametrize(("path", "line"), [
    (MALFORMED / "maf" / "latin1_byte_line_51.maf", 51), (MALFORMED / "seg" / "latin1_byte_line_14.seg", 14)])
def test_a_latin1_byte_is_reported_on_its_own_line(path: Path, line: int) -> None:
    kind = "maf" if path.suffix == ".maf" else "seg"
    expect_error(lambda: api.annotate_samples(AnnotateRequest.of(**{kind: path})), InputError, path, line,
                 "is not UTF-8 text")


def test_an_empty_tumor_sample_barcode_is_refused_with_its_line() -> None:
    path = MALFORMED / "maf" / "empty_tumor_sample_barcode_line_8.maf"
    expect_error(lambda: api.annotate_samples(AnnotateRequest.of(maf=path)), InputError, path, 8,
                 "a row has an empty Tumor_Sample_Barcode")


def test_sample_ids_that_differ_only_by_case_between_inputs_are_refused_naming_both(tmp_path: Path) -> None:
    seg = MALFORMED / "seg" / "ids_differ_by_case_from_gdc_maf.seg"
    for call in (lambda: api.annotate_samples(AnnotateRequest.of(maf=MAF, seg=seg)),
                 lambda: run_cohort(CohortRequest.of(maf=MAF, seg=seg, out=tmp_path / "out"))):
        error = expect_error(call, InputError, seg, None, "'tcga-05-4244-01a-01d-1105-08' differs from "
                             "'TCGA-05-4244-01A-01D-1105-08' of the other input(s) only by case or surrounding spaces")
        assert "spell it the same way" in error.detail


def test_sample_ids_differing_by_a_trailing_space_are_one_sample(tmp_path: Path) -> None:
    seg = tmp_path / "spaces.seg"
    seg.write_text(SEG.read_text().replace("TUMOUR_A\t", "TUMOUR_A \t"))
    assert sorted(r.sample_id for r in api.annotate_samples(AnnotateRequest.of(seg=seg))) == ["TUMOUR_A", "TUMOUR_B"]


def test_a_vcf_of_many_samples_is_named_with_a_count_not_listed_whole(tmp_path: Path) -> None:
    from hpdgenomics.readers.small_variants.vcf import choose_tumour_sample, inspect_vcf

    names = [f"S{i:06d}" for i in range(5000)]
    vcf = tmp_path / "many.vcf"
    vcf.write_text("##fileformat=VCFv4.2\n##FORMAT=<ID=GT,Number=1,Type=String,Description=\"Genotype\">\n"
                   "#CHROM\tPOS\tID\tREF\tALT\tQUAL\tFILTER\tINFO\tFORMAT\t" + "\t".join(names) + "\n")
    with pytest.raises(SampleSelectionError) as caught:
        choose_tumour_sample(inspect_vcf(vcf), None)
    message = str(caught.value)
    assert "the VCF has 5000 samples" in message and "S000009 … and 4,990 more" in message
    assert len(message) < 1000


@LINUX
def test_sigterm_during_a_cohort_run_unwinds_with_143(tmp_path: Path) -> None:
    out = tmp_path / "out"
    run = _start_cohort_run(tmp_path, out)
    try:
        assert _wait_until(lambda: any(out.glob(".hpdgenomics-staging-*/samples/*.json")), 120)
        run.terminate()
        _, stderr = run.communicate(timeout=120)
    finally:
        if run.poll() is None:
            os.killpg(run.pid, signal.SIGKILL)
            run.wait()
        run.stderr.close()  # type: ignore[union-attr]
    assert run.returncode == 143 and "Traceback" not in stderr, stderr
    assert not out.exists()  # the staging folder and the new folder are removed on the way out


def test_sigterm_is_handled_before_the_modules_load(monkeypatch: pytest.MonkeyPatch) -> None:
    import importlib.abc

    from hpdgenomics import __main__ as entry
    from hpdgenomics import interrupts

    seen = []

    class Watching(importlib.abc.MetaPathFinder):
        def find_spec(self, name: str, *args: object) -> None:
            if name == "hpdgenomics.cli":
                seen.append(signal.getsignal(signal.SIGTERM))
                raise KeyboardInterrupt  # stop here

    previous = signal.getsignal(signal.SIGTERM)
    monkeypatch.delitem(sys.modules, "hpdgenomics.cli")
    monkeypatch.setattr(sys, "meta_path", [Watching(), *sys.meta_path])
    try:
        with pytest.raises(SystemExit):
            entry.main()
    finally:
        signal.signal(signal.SIGTERM, previous)
    assert seen == [interrupts._terminated]


def test_a_sample_with_too_many_segments_keeps_its_calls_but_not_its_profile(monkeypatch: pytest.MonkeyPatch) -> None:
    from hpdgenomics.inputs import copy_number

    monkeypatch.setattr(copy_number, "MAX_PROFILE_SEGMENTS", 5)  # TUMOUR_A has more, TUMOUR_B fewer
    reports = {r.sample_id: r for r in api.annotate_samples(AnnotateRequest.of(seg=SEG))}
    counts = {line.split("\t")[0] for line in SEG.read_text().splitlines()[1:]}
    assert counts == set(reports)
    many, few = reports["TUMOUR_A"].document, reports["TUMOUR_B"].document
    notes = [n for f in many["qc"]["files"] for n in f.get("notes", ())]
    assert any("more than the 5 the genome-wide profile of the report holds" in n for n in notes)
    assert not many["copy_number"].get("segments", {}).get("rows")
    assert few["copy_number"].get("segments", {}).get("rows")
    assert any(f["gene"] == "MDM2" for f in many["findings"])  # the calls still use every segment


def test_a_full_disk_leaves_no_new_folder_and_no_reports(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import errno

    from hpdgenomics.cohort import tasks

    real_write_files = tasks.write_files
    calls = {"samples": 0}

    def filling(texts: object) -> None:  # the disk fills up after three samples' reports
        calls["samples"] += 1
        if calls["samples"] > 3:
            raise OutputError(f"cannot write {next(iter(texts))}: {os.strerror(errno.ENOSPC)}")  # type: ignore[call-overload]
        real_write_files(texts)  # type: ignore[arg-type]

    monkeypatch.setattr(tasks, "write_files", filling)
    out = tmp_path / "new"
    with pytest.raises(OutputError, match="No space left on device"):
        run_cohort(CohortRequest.of(study_dir=TINY, out=out))
    assert calls["samples"] > 3 and not out.exists()  # before: the new folder and 3 reports stayed
