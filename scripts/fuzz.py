"""Long fuzz runs of every parser, with the hypothesis strategies of tests/test_fuzz_parsers.py.

    python scripts/fuzz.py                          # every parser, 10 minutes each, two at a time
    python scripts/fuzz.py --seconds 60 vcf maf     # a quick run of two
    nice -n 19 python scripts/fuzz.py --out fuzz-results/
    python scripts/fuzz.py --replay fuzz-results/crashes/seg-30ea463d9b03.input   # one saved input again

Each parser runs in its own child process for the time budget: hypothesis generates inputs (mutated fixtures and
random bytes, the ``file_bytes``/``protein_text`` strategies), the child feeds each to the parser and counts it as
parsed, refused (the tool's own error) or a crash (any other exception, a warning, a hang, or the process dying).
Crashing inputs are saved under ``OUT/crashes/`` with their traceback; the child keeps fuzzing after a crash. A child
killed by a signal (a segfault in htslib, say) has its last input saved and is restarted for the time left.

The summary (one JSON line per parser, and ``OUT/summary.json``) is what docs/fuzzing.md records.
"""

from __future__ import annotations

import argparse
import faulthandler
import hashlib
import json
import os
import platform
import shutil
import subprocess
import sys
import tempfile
import time
import traceback
import warnings
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
PARSERS = ("vcf", "maf", "seg", "cnvkit", "cna", "vcf_cnv", "protein", "rules", "clinical", "fusion", "bed",
           "thresholds")
HANG_SECONDS = 120  # an input that takes longer than this is a crash (a hang)
BATCH = 500  # examples per hypothesis run; runs repeat, each with a fresh random seed, until the time is up


class _TimeUp(Exception):
    pass


def child(kind: str, seconds: float, out: Path) -> None:
    """Fuzz one parser until the time is up, writing counts to OUT/status-KIND.json as it goes."""
    sys.path.insert(0, str(REPO))
    warnings.simplefilter("error")  # as in the test suite (pyproject filterwarnings), a warning is a failure
    warnings.filterwarnings("ignore", category=DeprecationWarning, module="cyvcf2")
    from hypothesis import HealthCheck, Phase, given, settings
    from hypothesis.errors import HypothesisWarning

    warnings.filterwarnings("ignore", category=HypothesisWarning)  # e.g. "overly large repr" of a rule file

    from tests import test_fuzz_parsers as fz

    work = out / f"work-{kind}"
    work.mkdir(parents=True, exist_ok=True)
    crashes = out / "crashes"
    crashes.mkdir(exist_ok=True)
    faulthandler.enable(file=(out / f"faults-{kind}.log").open("a"))
    counts = {"inputs": 0, "parsed": 0, "refused": 0, "crashes": 0}
    seen: dict[str, int] = {}
    status = out / f"status-{kind}.json"
    started = time.monotonic()
    deadline = started + seconds
    last_write = 0.0

    def write_status(final: bool = False) -> None:
        payload = {"kind": kind, **counts, "seconds": round(time.monotonic() - started, 1), "final": final,
                   "distinct_crashes": sorted(seen)}
        status.with_suffix(".tmp").write_text(json.dumps(payload))
        os.replace(status.with_suffix(".tmp"), status)

    def record_crash(data: bytes, error: BaseException) -> None:
        frames = traceback.extract_tb(error.__traceback__)
        ours = [f for f in frames if "hpdgenomics" in f.filename] or frames
        key = f"{type(error).__name__} at {Path(ours[-1].filename).name}:{ours[-1].lineno}" if ours else \
            type(error).__name__
        seen[key] = seen.get(key, 0) + 1
        counts["crashes"] += 1
        if seen[key] <= 3:
            digest = hashlib.sha256(data).hexdigest()[:12]
            (crashes / f"{kind}-{digest}.input").write_bytes(data)
            (crashes / f"{kind}-{digest}.txt").write_text(
                f"{key}\n\n" + "".join(traceback.format_exception(error)), encoding="utf-8")

    strategy = fz.protein_text() if kind == "protein" else fz.file_bytes(kind)

    @settings(max_examples=BATCH, deadline=None, database=None, phases=[Phase.generate],
              suppress_health_check=list(HealthCheck))
    @given(strategy)
    def one(case: object) -> None:
        nonlocal last_write
        now = time.monotonic()
        if now > deadline:
            raise _TimeUp
        if now - last_write > 1.0:
            write_status()
            last_write = now
        counts["inputs"] += 1
        if kind == "protein":
            assert isinstance(case, str)
            data = case.encode("utf-8", "surrogatepass")
            (work / "input.txt").write_bytes(data)  # kept on disk: the parent saves it if this process dies
            try:
                counts["parsed" if fz.check_protein(case) else "refused"] += 1  # refused: not a protein change
            except Exception as error:  # any exception (or a broken round trip) is the finding
                record_crash(data, error)
            return
        data, compression = case  # type: ignore[misc]
        try:
            parsed = fz.parses_or_refuses(kind, data, compression, work)
            counts["parsed" if parsed else "refused"] += 1
        except Exception as error:  # any exception that is not the tool's own error is a crash
            record_crash(data + f"\n# compression: {compression}\n".encode(), error)

    while time.monotonic() < deadline:
        try:
            one()
        except _TimeUp:
            break
    write_status(final=True)


def replay(kind: str, saved: Path) -> int:
    """Feed one saved input to its parser again (warnings are errors, as in the tests); 0 when it parses or is
    refused with the tool's own error, 1 when it still crashes (the traceback is printed)."""
    sys.path.insert(0, str(REPO))
    warnings.simplefilter("error")
    warnings.filterwarnings("ignore", category=DeprecationWarning, module="cyvcf2")
    from tests import test_fuzz_parsers as fz

    data = saved.read_bytes()
    if kind == "protein":
        outcome = "parsed" if fz.check_protein(data.decode("utf-8", "surrogatepass")) else "not a protein change"
        print(f"{saved}: {outcome}")
        return 0
    body, marker, compression = data.rpartition(b"\n# compression: ")
    if not marker:
        body, compression = data, b"plain"
    work = Path(tempfile.mkdtemp(prefix="hpd-replay-"))
    try:
        parsed = fz.parses_or_refuses(kind, body, compression.decode().strip(), work)
    except Exception:
        traceback.print_exc()
        return 1
    finally:
        shutil.rmtree(work, ignore_errors=True)
    print(f"{saved}: {'parsed' if parsed else 'refused with the tool’s own error'}")
    return 0


def _machine() -> dict[str, object]:
    cpu = "unknown"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    import hypothesis

    return {"platform": platform.platform(), "python": platform.python_version(), "cpu": cpu,
            "cores": os.cpu_count(), "hypothesis": hypothesis.__version__}


def parent(kinds: list[str], seconds: float, jobs: int, out: Path) -> int:
    """Run the children, at most ``jobs`` at a time; restart one that dies; print and save the summary."""
    for module in ("pandas", "cyvcf2", "pysam", "yaml", "jsonschema", "hypothesis"):
        __import__(module)  # fail now, not as thousands of "crashes", when run outside the project's environment
    out.mkdir(parents=True, exist_ok=True)
    pending = list(kinds)
    running: dict[str, dict[str, object]] = {}
    totals = {k: {"kind": k, "inputs": 0, "parsed": 0, "refused": 0, "crashes": 0, "seconds": 0.0, "restarts": 0,
                  "distinct_crashes": []} for k in kinds}
    started_at = time.strftime("%Y-%m-%dT%H:%M:%S%z")

    def start(kind: str, budget: float) -> None:
        log = (out / f"child-{kind}.log").open("ab")
        process = subprocess.Popen([sys.executable, __file__, "--child", kind, "--seconds", str(budget),
                                    "--out", str(out)], stdout=log, stderr=log, cwd=REPO)
        running[kind] = {"process": process, "began": time.monotonic(), "budget": budget, "log": log}

    def absorb(kind: str) -> dict[str, object]:
        status_path = out / f"status-{kind}.json"
        status = json.loads(status_path.read_text()) if status_path.exists() else {}
        total = totals[kind]
        for key in ("inputs", "parsed", "refused", "crashes"):
            total[key] += int(status.get(key, 0))  # type: ignore[operator]
        total["seconds"] += float(status.get("seconds", 0.0))  # type: ignore[operator]
        total["distinct_crashes"] = sorted(set(total["distinct_crashes"]) | set(status.get("distinct_crashes", [])))
        status_path.unlink(missing_ok=True)
        return status

    while pending or running:
        while pending and len(running) < jobs:
            kind = pending.pop(0)
            start(kind, seconds)
        time.sleep(2)
        for kind, info in list(running.items()):
            process: subprocess.Popen[bytes] = info["process"]  # type: ignore[assignment]
            elapsed = time.monotonic() - info["began"]  # type: ignore[operator]
            status_path = out / f"status-{kind}.json"
            stale = status_path.exists() and time.time() - status_path.stat().st_mtime > HANG_SECONDS
            if process.poll() is None and not stale:
                continue
            if stale and process.poll() is None:
                process.kill()
                process.wait()
            info["log"].close()  # type: ignore[attr-defined]
            status = absorb(kind)
            del running[kind]
            left = float(info["budget"]) - elapsed  # type: ignore[arg-type]
            if process.returncode != 0 or stale:
                # died (signal) or hung: the input it was on is the crash; restart for the time left
                last = next(iter(sorted((out / f"work-{kind}").glob("input*"), key=lambda p: p.stat().st_mtime,
                                        reverse=True)), None)
                reason = "hang" if stale else f"exit code {process.returncode}"
                totals[kind]["crashes"] += 1  # type: ignore[operator]
                totals[kind]["distinct_crashes"] = sorted(set(totals[kind]["distinct_crashes"]) | {reason})
                if last is not None:
                    shutil.copy(last, out / "crashes" / f"{kind}-{reason.replace(' ', '_')}-{int(time.time())}.input")
                if left > 5:
                    totals[kind]["restarts"] += 1  # type: ignore[operator]
                    start(kind, left)
            elif not status.get("final"):
                totals[kind]["crashes"] += 1  # type: ignore[operator]
    summary = {"started": started_at, "finished": time.strftime("%Y-%m-%dT%H:%M:%S%z"), "machine": _machine(),
               "seconds_per_parser": seconds, "parsers": [totals[k] for k in kinds]}
    (out / "summary.json").write_text(json.dumps(summary, indent=2))
    for total in summary["parsers"]:  # type: ignore[union-attr]
        print(json.dumps(total))
    return 1 if any(t["crashes"] for t in totals.values()) else 0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("parsers", nargs="*", choices=[*PARSERS, []], help=f"default: all ({', '.join(PARSERS)})")
    parser.add_argument("--seconds", type=float, default=600.0, help="time budget per parser (default 600)")
    parser.add_argument("--jobs", type=int, default=2, help="parsers fuzzed at the same time (default 2)")
    parser.add_argument("--out", type=Path, default=REPO / "fuzz-results", help="folder for crashes and the summary")
    parser.add_argument("--replay", type=Path, metavar="INPUT",
                        help="run one saved crash input (OUT/crashes/KIND-*.input) again through the parser named "
                        "first, and show what happens")
    parser.add_argument("--child", choices=PARSERS, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child(args.child, args.seconds, args.out)
        return 0
    if args.replay:
        return replay(args.parsers[0] if args.parsers else args.replay.name.split("-", 1)[0], args.replay)
    return parent(list(args.parsers) or list(PARSERS), args.seconds, max(1, args.jobs), args.out)


if __name__ == "__main__":
    sys.exit(main())
