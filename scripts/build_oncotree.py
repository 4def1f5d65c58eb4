#!/usr/bin/env python3
"""Regenerate ``hpdgenomics/data/oncotree.tsv`` from an OncoTree release in its TSV form.

Source: https://github.com/cBioPortal/oncotree, ``trees/tsv/oncotree_<date>.txt`` (columns Code, Color, Name,
MainType, UMLS, NCI, Tissue, Parent). Only code, parent and name are kept; rows are sorted by code so the output is
deterministic. Some parent values in the source carry leading spaces; they are stripped.

    python scripts/build_oncotree.py --src oncotree_2026_05_21.txt --out hpdgenomics/data/oncotree.tsv
"""

from __future__ import annotations

import argparse
import csv
from collections.abc import Iterable
from pathlib import Path


def convert(source: Path, out: Path) -> int:
    """Write the compact table; return the number of codes. Raises ValueError on a broken tree."""
    with source.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle, delimiter="\t"))
    table = {row["Code"].strip(): ((row.get("Parent") or "").strip(), (row.get("Name") or "").strip())
             for row in rows if row.get("Code", "").strip()}
    missing = sorted({parent for parent, _ in table.values() if parent and parent not in table})
    if missing:
        raise ValueError(f"parents not defined as codes: {', '.join(missing)}")
    lines = ["code\tparent\tname"] + [f"{code}\t{parent}\t{name}" for code, (parent, name) in sorted(table.items())]
    out.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return len(table)


def main(argv: Iterable[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--src", type=Path, required=True, help="OncoTree TSV release file")
    parser.add_argument("--out", type=Path, default=Path(__file__).resolve().parents[1] / "hpdgenomics" / "data"
                        / "oncotree.tsv")
    args = parser.parse_args(list(argv) if argv is not None else None)
    print(f"{convert(args.src, args.out)} codes written to {args.out}")


if __name__ == "__main__":
    main()
