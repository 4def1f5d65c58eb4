#!/usr/bin/env python3
"""One reading step of the library, timed from inside the process; prints one JSON line (for run_benchmarks.py).

    python bench/library_steps.py vcf FILE.vcf.gz GENES.bed   # read_vcf with regions: by region (indexed) or scan
    python bench/library_steps.py maf FILE.maf.gz             # read_maf of every sample, rule genes
    python bench/library_steps.py seg FILE.seg                # read_seg + gene-level calls of every sample (GRCh38)

The process is timed from outside as well (interpreter start included); ``steps`` splits the time inside it.
"""

from __future__ import annotations

import json
import sys
import time
from collections import Counter
from pathlib import Path

START = time.perf_counter()
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))


def main() -> None:
    kind, path = sys.argv[1], Path(sys.argv[2])
    steps: dict[str, float] = {}
    mark = time.perf_counter()
    from hpdgenomics.engine import load_rules

    steps["imports"] = time.perf_counter() - mark
    mark = time.perf_counter()
    genes = load_rules().genes()
    steps["rules"] = time.perf_counter() - mark
    out: dict[str, object] = {"kind": kind}
    mark = time.perf_counter()
    if kind == "vcf":
        from hpdgenomics.readers.small_variants.vcf import choose_tumour_sample, inspect_vcf, read_vcf

        regions = [(c.removeprefix("chr"), int(s) + 1, int(e)) for c, s, e in
                   (line.split("\t") for line in Path(sys.argv[3]).read_text().splitlines())]
        header = inspect_vcf(path)
        result = read_vcf(header, choose_tumour_sample(header, None), genes=genes, regions=regions)
        steps["read_vcf"] = time.perf_counter() - mark
        out.update(mode=result.mode, read=result.tally.read, kept=result.tally.kept, balanced=result.tally.balanced,
                   variants=sorted({(v.gene, v.protein_change or "") for v in result.variants}))
    elif kind == "maf":
        from hpdgenomics.readers.small_variants.maf import read_maf

        result = read_maf(path, genes=genes)
        steps["read_maf"] = time.perf_counter() - mark
        carriers: Counter[str] = Counter()
        for sample in result.samples.values():
            for key in {f"{v.gene} {v.protein_change}" for v in sample.variants}:
                carriers[key] += 1
        out.update(samples=len(result.samples), rows=sum(s.tally.read for s in result.samples.values()),
                   balanced=all(s.tally.balanced for s in result.samples.values()),
                   kept=sum(len(s.variants) for s in result.samples.values()), hotspot_samples=dict(carriers))
    elif kind == "seg":
        from hpdgenomics.inputs.copy_number import CopyNumberInput, CopyNumberOptions, sample_copy_number
        from hpdgenomics.readers.copy_number.segments import read_seg

        segments = read_seg(path)
        steps["read_seg"] = time.perf_counter() - mark
        mark = time.perf_counter()
        cn = CopyNumberInput(segments.path, "seg", segments.samples, segments=segments)
        # A cohort keeps no genome-wide segment profiles per report (CopyNumberOptions.keep_segments, when present).
        fields = getattr(CopyNumberOptions, "__dataclass_fields__", {})
        options = CopyNumberOptions(keep_segments=False) if "keep_segments" in fields else CopyNumberOptions()
        calls = sample_copy_number(cn, segments.samples, "GRCh38", genes, options)
        steps["gene_calls"] = time.perf_counter() - mark
        amplified: Counter[str] = Counter(c.gene for s in calls.values() for c in s.calls
                                          if c.state.value == "amplification")
        out.update(samples=len(segments.samples), segments=len(segments.frame), amplified=dict(amplified))
    else:
        raise SystemExit(f"unknown step {kind!r}: vcf, maf or seg")
    steps["total_in_process"] = time.perf_counter() - START
    out["steps"] = steps
    print(json.dumps(out))


if __name__ == "__main__":
    main()
