#!/usr/bin/env python3
"""Benchmark: one small sample end to end, interpreter start included (the CLI as a user runs it).

    python bench/small_sample.py [--runs 11]

Prints the median wall time and peak RSS of `hpdgenomics annotate` on the bundled VCF (region mode, indexed) and
MAF examples, and of `python -c pass` as the floor.
"""

from __future__ import annotations

import argparse
import os
import platform
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
CASES = {
    "python -c pass (floor)": [sys.executable, "-c", "pass"],
    "annotate VCF (indexed, region mode)": [sys.executable, "-m", "hpdgenomics", "annotate", "-q", "--vcf",
                                            "test_data/vcf/luad_mutect2_vep.vcf.gz", "--tumour-type", "LUAD"],
    "annotate MAF (2 samples)": [sys.executable, "-m", "hpdgenomics", "annotate", "-q", "--maf",
                                 "test_data/maf/gdc_two_samples.maf"],
}


def measure(command: list[str], runs: int) -> tuple[float, float]:
    times, peaks = [], []
    for _ in range(runs):
        with tempfile.TemporaryDirectory() as out:
            args = [*command, "--out", out] if "annotate" in command else command
            start = time.perf_counter()
            subprocess.run(args, cwd=REPO, check=True)
            times.append(time.perf_counter() - start)
            peaks.append(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024)
    return statistics.median(times), max(peaks)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=11)
    runs = parser.parse_args().runs
    print(f"machine: {platform.machine()}, {os.cpu_count()} cores, "
          f"{os.sysconf('SC_PAGE_SIZE') * os.sysconf('SC_PHYS_PAGES') / 2**30:.0f} GiB, Python {platform.python_version()}")
    print("| case | median wall time (s) | peak RSS (MiB) |\n|---|---|---|")
    for name, command in CASES.items():
        median, peak = measure(command, runs)
        print(f"| {name} | {median:.3f} | {peak:.0f} |")


if __name__ == "__main__":
    main()
