"""Panel BED files: the regions a targeted panel sequenced (for TMB: its size, and which variants fall inside).

BED is 0-based and half-open (``chrom start end``, extra columns ignored). ``track``/``browser`` lines and ``#``
comments are skipped. Overlapping and adjacent intervals are merged before the size is summed, so a BED that lists
a region twice is not counted twice.
"""

from __future__ import annotations

import bisect
from dataclasses import dataclass
from pathlib import Path

from hpdgenomics.errors import InputError
from hpdgenomics.genome.builds import normalise_contig
from hpdgenomics.readers.text import open_text


@dataclass(frozen=True)
class BedRegions:
    """Merged intervals per contig (normalised names), 0-based half-open."""

    path: Path
    starts: dict[str, list[int]]
    ends: dict[str, list[int]]

    @property
    def size_bp(self) -> int:
        return sum(e - s for contig in self.starts for s, e in zip(self.starts[contig], self.ends[contig], strict=True))

    @property
    def size_mb(self) -> float:
        return self.size_bp / 1e6

    def contains(self, chrom: str, position: int) -> bool:
        """True when the 1-based ``position`` on ``chrom`` lies inside a region."""
        starts = self.starts.get(normalise_contig(chrom))
        if not starts:
            return False
        index = bisect.bisect_right(starts, position - 1) - 1
        return index >= 0 and position - 1 < self.ends[normalise_contig(chrom)][index]


def read_bed(path: str | Path) -> BedRegions:
    """Read and merge a BED file; a malformed line is an :class:`InputError` with its number."""
    path = Path(path)
    intervals: dict[str, list[tuple[int, int]]] = {}
    with open_text(path) as handle:
        for number, line in enumerate(handle, start=1):
            if not line.strip() or line.startswith(("#", "track", "browser")):
                continue
            fields = line.rstrip("\n").split("\t")
            if len(fields) < 3:
                raise InputError(path, "expected tab-separated 'chrom start end' (BED)", line=number)
            try:
                start, end = int(fields[1]), int(fields[2])
            except ValueError as exc:
                raise InputError(path, f"start and end must be integers, found {fields[1]!r} and {fields[2]!r}",
                                 line=number) from exc
            if start < 0 or end <= start:
                raise InputError(path, f"expected 0 <= start < end, found {start} and {end}", line=number)
            intervals.setdefault(normalise_contig(fields[0]), []).append((start, end))
    if not intervals:
        raise InputError(path, "the BED file has no regions")
    starts: dict[str, list[int]] = {}
    ends: dict[str, list[int]] = {}
    for contig, items in intervals.items():
        merged: list[list[int]] = []
        for start, end in sorted(items):
            if merged and start <= merged[-1][1]:
                merged[-1][1] = max(merged[-1][1], end)
            else:
                merged.append([start, end])
        starts[contig] = [s for s, _ in merged]
        ends[contig] = [e for _, e in merged]
    return BedRegions(path, starts, ends)
