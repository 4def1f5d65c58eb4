"""GRCh37 → GRCh38 coordinates from the bundled UCSC chain (aligned blocks between main chromosomes).

Used to compare a position with the other build's tables (e.g. a GRCh37 hotspot against GRCh38 data); a position
that falls in no aligned block (a gap between chains, or a region absent from GRCh38) lifts to None.
"""

from __future__ import annotations

import bisect
from functools import lru_cache

from hpdgenomics.genome._data import read_table
from hpdgenomics.genome.builds import contig_lengths, normalise_contig

_Blocks = dict[str, tuple[list[int], list[tuple[int, str, int, str]]]]


@lru_cache(maxsize=1)
def _blocks() -> _Blocks:
    blocks: _Blocks = {}
    for chrom, start, end, to_chrom, to_start, strand in read_table("liftover.GRCh37_to_GRCh38.tsv.gz"):
        starts, rest = blocks.setdefault(chrom, ([], []))
        starts.append(int(start))
        rest.append((int(end), to_chrom, int(to_start), strand))
    return blocks


def lift_grch37_to_grch38(chrom: str, position: int) -> tuple[str, int, str] | None:
    """GRCh38 (chrom, 0-based position, strand) of a 0-based GRCh37 position, or None when it does not lift."""
    table = _blocks().get(normalise_contig(chrom))
    if table is None:
        return None
    starts, rest = table
    index = bisect.bisect_right(starts, position) - 1
    if index < 0:
        return None
    end, to_chrom, to_start, strand = rest[index]
    if position >= end:
        return None
    lifted = to_start + (position - starts[index])
    if strand == "-":
        # A minus-strand block counts from the end of the target chromosome.
        lifted = contig_lengths("GRCh38")[to_chrom] - 1 - lifted
    return to_chrom, lifted, strand
