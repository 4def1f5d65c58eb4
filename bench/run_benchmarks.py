#!/usr/bin/env python3
"""Benchmarks at cohort scale: hpdgenomics and its reference floor side by side, medians and ratios, peak RSS.

    python bench/generate.py                     # once: synthetic data into bench/data/ (minutes)
    python bench/run_benchmarks.py [--runs 3] [--cases vcf-indexed,vcf-unindexed,maf,seg,small] [--wait-for-fuzz]

Every command runs as its own process under ``/usr/bin/time`` (wall, user+sys CPU, peak RSS), interpreter start
included; repetitions of the tool and of its floor alternate, so that a change in machine load hits both. Inputs are
read once before each case so that all runs see a warm page cache. After the timed runs, each case is checked:
the planted hotspots and amplifications must be found, and the indexed and unindexed VCF runs must agree.
Results go to bench/RESULTS.md (``--out``) with the machine, the tool versions, the load average and the date.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
DATA = REPO / "bench" / "data"
PY = sys.executable
HPD = [PY, "-m", "hpdgenomics"]
# The multi-sample command measured for the MAF and SEG cohorts (JSON reports per sample; both cores, as on the
# issue's example). Before `hpdgenomics cohort` existed this was ["annotate", "--format", "json"].
COHORT_COMMAND = ["cohort", "--jobs", "2"]
FUZZ_FLAG = Path("/work/notes/FUZZ_RUNNING")


@dataclass
class Run:
    wall: float
    cpu: float
    rss_mib: float


@dataclass
class Command:
    label: str
    argv: list[str]
    role: str  # "tool", "floor" or "library"
    out_dir: bool = False  # append --out <fresh temporary folder>
    stdout_json: bool = False  # the command prints a JSON line with its own step timings
    runs: list[Run] = field(default_factory=list)
    extra: list[dict] = field(default_factory=list)

    def median(self, attr: str) -> float:
        return statistics.median(getattr(r, attr) for r in self.runs)

    def peak(self) -> float:
        return max(r.rss_mib for r in self.runs)


@dataclass
class Case:
    name: str
    title: str
    target: str
    commands: list[Command]
    inputs: list[Path]
    ratio_target: float | None = None  # tool / floor wall-time median
    absolute_target: float | None = None  # seconds, whole process
    rss_target_mib: float | None = None
    runs: int | None = None  # fewer repetitions for very long cases
    checks: list[str] = field(default_factory=list)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--cases", default="small,vcf-indexed,vcf-unindexed,maf,seg")
    parser.add_argument("--out", type=Path, default=REPO / "bench" / "RESULTS.md")
    parser.add_argument("--wait-for-fuzz", action="store_true",
                        help=f"wait (up to 90 min) while {FUZZ_FLAG} exists before measuring")
    parser.add_argument("--note", default=None, help="a line about the conditions, copied into the results")
    args = parser.parse_args()
    waited = wait_for_fuzz() if args.wait_for_fuzz else None
    if FUZZ_FLAG.exists() and not args.wait_for_fuzz:
        waited = f"{FUZZ_FLAG} existed when the run started: fuzzing (nice 19) was loading the cores"
    if args.note:
        waited = f"{waited}. {args.note}" if waited else args.note
    # .pyc files as an installed package has them (this sandbox sets PYTHONDONTWRITEBYTECODE, so an editable checkout
    # would otherwise compile every module in every run).
    subprocess.run([PY, "-m", "compileall", "-q", str(REPO / "hpdgenomics")], check=True, stdout=subprocess.DEVNULL)
    bed = write_current_bed()
    cases = {c.name: c for c in build_cases(bed)}
    chosen = [cases[name] for name in args.cases.split(",")]
    load_before = os.getloadavg()
    started = time.strftime("%Y-%m-%d %H:%M %Z")
    for case in chosen:
        print(f"== {case.title}", file=sys.stderr)
        warm(case.inputs)
        runs = case.runs or args.runs
        for repetition in range(runs):
            for command in case.commands:
                warm(case.inputs)  # this VM's page cache drops files within minutes: read them again before each run
                run(command)
                last = command.runs[-1]
                print(f"   {repetition + 1}/{runs} {command.label}: {last.wall:.2f} s wall, {last.cpu:.2f} s CPU, "
                      f"{last.rss_mib:.0f} MiB", file=sys.stderr)
        case.checks = check(case, bed)
    load_after = os.getloadavg()
    text = render(chosen, started, load_before, load_after, waited, args.runs)
    args.out.write_text(text)
    print(text)


# ------------------------------------------------------------------------------------------------------- cases


def build_cases(bed: Path) -> list[Case]:
    manifest = json.loads((DATA / "manifest.json").read_text()) if (DATA / "manifest.json").exists() else {}
    vcf, unindexed = DATA / "big.vcf.gz", DATA / "big_unindexed.vcf.gz"
    maf, seg = DATA / "cohort.maf.gz", DATA / "cohort.seg"
    small = REPO / "test_data" / "vcf" / "luad_mutect2_vep.vcf.gz"
    cns = REPO / "test_data" / "copy_number" / "tumor_luad1_grch38.call.cns"  # the README's quick start
    library = [PY, str(REPO / "bench" / "library_steps.py")]
    records = manifest.get("vcf", {}).get("records", "?")
    rows = manifest.get("maf", {}).get("rows", "?")
    samples = manifest.get("maf", {}).get("samples", "?")
    return [
        Case("small", "Single small sample, end to end (interpreter start included)",
             "< 0.5 s on the VCF path", [
                 Command("python -c pass (floor)", [PY, "-c", "pass"], "floor"),
                 Command("hpdgenomics annotate --vcf luad_mutect2_vep.vcf.gz (indexed)",
                         [*HPD, "annotate", "-q", "--vcf", str(small), "--tumour-type", "LUAD"], "tool", out_dir=True),
                 Command("README quick start: annotate --vcf luad_mutect2_vep.vcf.gz --cns (JSON, TSV, HTML)",
                         [*HPD, "annotate", "-q", "--vcf", str(small), "--cns", str(cns), "--tumour-type", "LUAD"],
                         "tool", out_dir=True),
                 Command("hpdgenomics annotate --maf gdc_two_samples.maf",
                         [*HPD, "annotate", "-q", "--maf", str(REPO / "test_data" / "maf" / "gdc_two_samples.maf")],
                         "tool", out_dir=True),
             ], [small, cns], absolute_target=0.5),
        Case("vcf-indexed", f"Indexed VCF ({records:,} records), rule genes only" if isinstance(records, int)
             else "Indexed VCF, rule genes only", "<= 1.5x bcftools view -R", [
                 Command("bcftools view -R genes.bed big.vcf.gz", ["bcftools", "view", "-R", str(bed), str(vcf)],
                         "floor"),
                 Command("hpdgenomics annotate --vcf big.vcf.gz", [*HPD, "annotate", "-q", "--vcf", str(vcf),
                                                                   "--format", "json"], "tool", out_dir=True),
                 Command("library: read_vcf by region (in-process time)", [*library, "vcf", str(vcf), str(bed)],
                         "library", stdout_json=True),
             ], [vcf, Path(f"{vcf}.tbi")], ratio_target=1.5),
        Case("vcf-unindexed", "Unindexed VCF, streamed", "<= 1.2x bcftools view -T", [
            Command("bcftools view -T genes.bed big_unindexed.vcf.gz",
                    ["bcftools", "view", "-T", str(bed), str(unindexed)], "floor"),
            Command("hpdgenomics annotate --vcf big_unindexed.vcf.gz",
                    [*HPD, "annotate", "-q", "--vcf", str(unindexed), "--format", "json"], "tool", out_dir=True),
            Command("library: read_vcf with regions (scan mode)", [*library, "vcf", str(unindexed), str(bed)],
                    "library", stdout_json=True),
        ], [unindexed], ratio_target=1.2),
        Case("maf", f"MAF cohort ({rows:,} rows, {samples:,} samples, 114 columns, gzipped)"
             if isinstance(rows, int) else "MAF cohort", "<= 1.0x pigz -dc, peak RSS < 1 GiB", [
                 Command("pigz -dc cohort.maf.gz > /dev/null", ["pigz", "-dc", str(maf)], "floor"),
                 Command(f"hpdgenomics {' '.join(COHORT_COMMAND)} --maf cohort.maf.gz",
                         [*HPD, *COHORT_COMMAND, "-q", "--maf", str(maf)], "tool", out_dir=True),
                 Command("library: read_maf (all samples, rule genes)", [*library, "maf", str(maf)], "library",
                         stdout_json=True),
             ], [maf], ratio_target=1.0, rss_target_mib=1024),
        Case("seg", f"SEG cohort ({samples:,} samples) x all rule genes" if isinstance(samples, int)
             else "SEG cohort", "segment-to-gene overlap, whole process < 3 s", [
                 Command("library: read_seg + gene calls for every sample", [*library, "seg", str(seg)], "library",
                         stdout_json=True),
                 Command(f"hpdgenomics {' '.join(COHORT_COMMAND)} --seg cohort.seg",
                         [*HPD, *COHORT_COMMAND, "-q", "--seg", str(seg), "--build", "GRCh38"], "tool",
                         out_dir=True),
             ], [seg], absolute_target=3.0, runs=2),  # the CLI writes 10,000 reports: two runs
    ]


def write_current_bed() -> Path:
    """The rule genes of the current rules (padded as the tool pads its region reads), sorted like the VCF."""
    sys.path.insert(0, str(REPO))
    from hpdgenomics.engine import load_rules
    from hpdgenomics.genome.reference import load_genes
    from hpdgenomics.inputs.small_variants import REGION_PADDING

    order = {c: i for i, c in enumerate([str(i) for i in range(1, 23)] + ["X", "Y", "MT"])}
    regions = load_genes("GRCh38").regions(sorted(load_rules().genes()), padding=REGION_PADDING)
    regions.sort(key=lambda r: (order.get(r[0], 99), r[1]))
    DATA.mkdir(parents=True, exist_ok=True)
    path = DATA / "genes.current.bed"
    path.write_text("".join(f"chr{c}\t{s}\t{e}\n" for c, s, e in regions))
    return path


# ------------------------------------------------------------------------------------------------------ running


def warm(paths: list[Path]) -> None:
    for path in paths:
        if path.exists():
            with path.open("rb") as handle:
                while handle.read(16 << 20):
                    pass


def run(command: Command) -> None:
    out = tempfile.mkdtemp(prefix="hpd-bench-") if command.out_dir else None
    argv = [*command.argv, "--out", out] if out else command.argv
    with tempfile.NamedTemporaryFile("w+") as timing, tempfile.TemporaryFile("w+") as stdout:
        proc = subprocess.run(["/usr/bin/time", "-f", "%e %U %S %M", "-o", timing.name, *argv], cwd=REPO,
                              stdout=stdout if command.stdout_json else subprocess.DEVNULL, stderr=subprocess.PIPE,
                              text=True, check=False)
        if proc.returncode != 0:
            raise SystemExit(f"{command.label} failed ({proc.returncode}):\n{proc.stderr[-2000:]}")
        wall, user, system, rss_kib = timing.read().split()[-4:]
        if command.stdout_json:
            stdout.seek(0)
            command.extra.append(json.loads(stdout.read().strip().splitlines()[-1]))
    command.runs.append(Run(float(wall), float(user) + float(system), int(rss_kib) / 1024))
    if out:
        last = Path(out)
        keep = _kept_output(command) if command.role == "tool" else None
        if keep is not None:
            shutil.rmtree(keep, ignore_errors=True)
            keep.parent.mkdir(parents=True, exist_ok=True)
            shutil.move(str(last), keep)
        else:
            shutil.rmtree(last, ignore_errors=True)


# ------------------------------------------------------------------------------------------------------ checks


def check(case: Case, bed: Path) -> list[str]:
    """What the runs found, against what the generator planted (bench/data/manifest.json)."""
    manifest = json.loads((DATA / "manifest.json").read_text()) if (DATA / "manifest.json").exists() else {}
    notes = []
    library = next((c for c in case.commands if c.role == "library"), None)
    result = library.extra[-1] if library is not None and library.extra else {}
    if case.name in ("vcf-indexed", "vcf-unindexed"):
        planted = manifest.get("vcf", {}).get("hotspots", [])
        found = {tuple(x) for x in result.get("variants", [])}
        passing = [h for h in planted if h["filter"] == "PASS"]
        missing = [f"{h['gene']} {h['protein_change']}" for h in passing if not _seen(h, found)]
        failing = [f"{h['gene']} {h['protein_change']}" for h in planted if h["filter"] != "PASS" and _seen(h, found)]
        notes.append(f"library read: {len(passing) - len(missing)}/{len(passing)} planted PASS hotspots found"
                     + (f" (missing: {', '.join(missing)})" if missing else "")
                     + (f"; FILTERed hotspot wrongly kept: {', '.join(failing)}" if failing else
                        "; the FILTERed hotspot (AKT1 E17K) was not kept"))
        notes.append(f"library read: mode {result.get('mode')}, {result.get('read', 0):,} records counted, "
                     f"{result.get('kept', 0):,} kept, balanced {result.get('balanced')}")
        report = _report_findings(case)
        if report is not None:
            notes.append(f"CLI report: {len(report)} findings with a variant; qc read {_report_qc(case)}")
    if case.name == "maf":
        planted = manifest.get("maf", {}).get("hotspots", [])
        counts = result.get("hotspot_samples", {})
        lines = []
        for h in planted:
            got = sum(n for key, n in counts.items() if _seen(h, {tuple(key.split(" ", 1))}))
            want = h["samples"] if h["filter"] == "PASS" else 0
            lines.append(f"{h['gene']} {h['protein_change']} {got}/{want}{'' if got == want else ' MISMATCH'}")
        notes.append("library read, samples carrying each planted hotspot (found/planted; the FILTERed one must be "
                     "0): " + ", ".join(lines))
        notes.append(f"library read: {result.get('samples', 0):,} samples, {result.get('rows', 0):,} rows counted, "
                     f"tallies balanced {result.get('balanced')}")
    if case.name == "seg":
        planted = manifest.get("seg", {}).get("planted_amplifications", {})
        got = result.get("amplified", {})
        notes.append("library calls, samples amplified (found/planted): " + ", ".join(
            f"{g} {got.get(g, 0)}/{v['samples']}" for g, v in planted.items()))
    return notes


def _seen(hotspot: dict, found: set) -> bool:
    """The planted change among (gene, protein change) pairs; compared on residue and position ('p.A414Pfs*5' is
    reported in the canonical short form 'p.A414fs')."""
    change = hotspot["protein_change"]
    stem = re.match(r"p\.[A-Z*]\d+", change)
    exact = {(g, p) for g, p in found if g == hotspot["gene"]}
    if (hotspot["gene"], change) in exact:
        return True
    return stem is not None and "fs" in change and any(p.startswith(stem.group(0)) and "fs" in p for _, p in exact)


def _kept_output(command: Command) -> Path:
    """Where the last run's reports of a tool command are kept (for the checks)."""
    return DATA / "last_output" / re.sub(r"[^A-Za-z0-9]+", "_", command.label).strip("_")


def _report_findings(case: Case) -> set | None:
    tool = next(c for c in case.commands if c.role == "tool")
    folder = _kept_output(tool)
    reports = sorted(folder.glob("*.json")) if folder.exists() else []
    if not reports:
        return None
    document = json.loads(reports[0].read_text())
    return {(f["gene"], (f.get("variant") or {}).get("protein_change")) for f in document["findings"]
            if f.get("variant")}


def _report_qc(case: Case) -> str:
    tool = next(c for c in case.commands if c.role == "tool")
    document = json.loads(sorted(_kept_output(tool).glob("*.json"))[0].read_text())
    qc = document["qc"]
    return f"{qc['read']:,} records, kept {qc['kept']:,}, skipped {dict(sorted(qc['skipped'].items()))}"


# ------------------------------------------------------------------------------------------------------ report


def wait_for_fuzz(limit_s: float = 90 * 60, every_s: float = 180) -> str:
    started = time.time()
    while FUZZ_FLAG.exists() and time.time() - started < limit_s:
        print(f"waiting: {FUZZ_FLAG} exists (fuzzing loads the CPU)", file=sys.stderr)
        time.sleep(every_s)
    waited = (time.time() - started) / 60
    if FUZZ_FLAG.exists():
        return f"fuzzing still running after {waited:.0f} min of waiting: measured anyway, under its load"
    return f"waited {waited:.0f} min for fuzzing to end" if waited >= 1 else "no fuzzing was running"


def machine() -> list[str]:
    model = next((line.split(":", 1)[1].strip() for line in Path("/proc/cpuinfo").read_text().splitlines()
                  if line.startswith("model name")), platform.processor() or "?")
    memory = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30
    versions = [f"Python {platform.python_version()}"]
    for module in ("hpdgenomics", "numpy", "pandas", "pyarrow", "cyvcf2", "pysam", "isal"):
        try:
            versions.append(f"{module} {__import__(module).__version__}")
        except Exception:  # a missing optional module is reported, not fatal
            versions.append(f"{module} (not installed)")
    for tool, flag in (("bcftools", "--version"), ("tabix", "--version"), ("pigz", "--version")):
        try:
            first = subprocess.run([tool, flag], capture_output=True, text=True, check=False)
            versions.append((first.stdout or first.stderr).splitlines()[0].strip())
        except FileNotFoundError:
            versions.append(f"{tool} (not installed)")
    return [f"{platform.machine()}, {os.cpu_count()} cores ({model}), {memory:.0f} GiB RAM, "
            f"{platform.system()} {platform.release()}", ", ".join(versions)]


def render(cases: list[Case], started: str, before: tuple, after: tuple, waited: str | None, runs: int) -> str:
    lines = ["# Benchmark results", "",
             f"Measured with `python bench/run_benchmarks.py --runs {runs}` on {started}, on data written by "
             "`python bench/generate.py` (seeded; see bench/README.md).", ""]
    host, versions = machine()
    lines += [f"- Machine: {host}", f"- Versions: {versions}",
              f"- Load average (1/5/15 min) before: {before[0]:.2f} / {before[1]:.2f} / {before[2]:.2f}; after: "
              f"{after[0]:.2f} / {after[1]:.2f} / {after[2]:.2f}"]
    if waited:
        lines.append(f"- Conditions: {waited}")
    lines += ["", "Each figure is the median over the repetitions (wall time; CPU = user + system), one process per "
              "run with interpreter start included (the package's .pyc files compiled beforehand, as after an "
              "install); peak RSS is the largest over the runs. Ratio = tool median / floor median (wall).", ""]
    for case in cases:
        lines += [f"## {case.title}", "", f"Target: {case.target}.", "",
                  "| command | runs | median wall (s) | median CPU (s) | peak RSS (MiB) | ratio to floor (wall) |",
                  "|---|---|---|---|---|---|"]
        floor = next((c for c in case.commands if c.role == "floor"), None)
        for command in case.commands:
            ratio = ""
            if floor is not None and command is not floor:
                ratio = f"{command.median('wall') / floor.median('wall'):.2f}x"
            lines.append(f"| {command.label} | {len(command.runs)} | {command.median('wall'):.2f} | "
                         f"{command.median('cpu'):.2f} | {command.peak():.0f} | {ratio} |")
        lines.append("")
        for command in case.commands:
            if command.extra:
                steps = command.extra[-1].get("steps", {})
                if steps:
                    lines.append(f"- {command.label}, in-process steps (last run): "
                                 + ", ".join(f"{k} {v:.2f} s" for k, v in steps.items()))
        verdicts = []
        tool = next((c for c in case.commands if c.role == "tool"), None)
        if case.ratio_target is not None and floor is not None and tool is not None:
            ratio = tool.median("wall") / floor.median("wall")
            verdicts.append(f"ratio {ratio:.2f}x vs target {case.ratio_target}x: "
                            f"{'met' if ratio <= case.ratio_target else 'NOT met'}")
        if case.absolute_target is not None:
            for command in case.commands:
                if command.role in ("tool", "library") and "maf" not in command.label:
                    wall = command.median("wall")
                    verdicts.append(f"{command.label}: {wall:.2f} s vs {case.absolute_target} s: "
                                    f"{'met' if wall < case.absolute_target else 'NOT met'}")
        if case.rss_target_mib is not None:
            for command in case.commands:
                if command.role in ("tool", "library"):
                    verdicts.append(f"{command.label}: peak RSS {command.peak():.0f} MiB vs "
                                    f"{case.rss_target_mib:.0f} MiB: "
                                    f"{'met' if command.peak() < case.rss_target_mib else 'NOT met'}")
        lines += [f"- {v}" for v in verdicts + case.checks]
        lines.append("")
    return "\n".join(lines)


if __name__ == "__main__":
    main()
