#!/usr/bin/env python3
"""Benchmark: one small sample end to end, interpreter start included (the CLI as a user runs it).

    python bench/small_sample.py [--runs 11]

The case now lives in bench/run_benchmarks.py (case ``small``: the bundled indexed VCF and the two-sample MAF
against ``python -c pass``); this runs only that case and prints its table without touching bench/RESULTS.md.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=11)
    runs = parser.parse_args().runs
    out = HERE / "data" / "RESULTS.small.md"
    out.parent.mkdir(parents=True, exist_ok=True)
    subprocess.run([sys.executable, str(HERE / "run_benchmarks.py"), "--cases", "small", "--runs", str(runs),
                    "--out", str(out)], check=True)


if __name__ == "__main__":
    main()
