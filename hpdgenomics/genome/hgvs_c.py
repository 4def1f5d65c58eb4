"""HGVS ``c.`` changes on the coding strand: substitutions, deletions, insertions, duplications, delins.

With a reference sequence, pure insertions and deletions are moved to their most 3' equivalent position on the
transcript (the HGVS 3' rule), without leaving the exon or intron they lie in, and an insertion that repeats the
bases before it is written as a duplication.
"""

from __future__ import annotations

from hpdgenomics.genome import codons as cd
from hpdgenomics.genome.cdna import TranscriptMap
from hpdgenomics.genome.variant_change import Change, SequenceSource, fetch, introns

SHIFT_WINDOW = 2000  # bases fetched either side of an indel to move it 3'


def hgvsc(tm: TranscriptMap, change: Change, sequence: SequenceSource | None) -> str | None:
    """The ``c.`` change (without the ``c.``) on the coding strand; None when any part lies outside the transcript."""
    gene = tm.gene
    if not tm.coding:
        return None
    if change.insertion:
        if not gene.start < change.start < gene.end:
            return None
    elif change.start < gene.start or change.end > gene.end:
        return None
    if sequence is not None and (not change.ref or not change.alt):
        change = _shift_3prime(tm, change, sequence)
    ref = change.ref if tm.plus else cd.reverse_complement(change.ref)
    alt = change.alt if tm.plus else cd.reverse_complement(change.alt)
    if change.insertion:
        left, right = change.start - 1, change.start
        first, second = (left, right) if tm.plus else (right, left)
        duplicated = _duplicated(tm, change, sequence)
        if duplicated is not None:
            return _range(tm, *duplicated) + "dup"
        return f"{tm.c_position(first)}_{tm.c_position(second)}ins{alt}"
    span = _range(tm, change.start, change.end)
    if not change.alt:
        return f"{span}del"
    if len(change.ref) == 1 and len(change.alt) == 1:
        return f"{span}{ref}>{alt}"
    return f"{span}delins{alt}"


def _range(tm: TranscriptMap, start: int, end: int) -> str:
    """'1799' or '2235_2249' for genomic [start, end), in transcript order."""
    first, last = (start, end - 1) if tm.plus else (end - 1, start)
    a, b = tm.c_position(first), tm.c_position(last)
    return str(a) if first == last else f"{a}_{b}"


def _region_bounds(tm: TranscriptMap, position: int) -> tuple[int, int]:
    """The exon or intron holding ``position`` (an indel is not moved across their borders)."""
    index = tm.exon_index(position)
    if index is not None:
        return tm.exons[index]
    for start, end, _, _ in introns(tm):
        if start <= position < end:
            return start, end
    return tm.gene.start, tm.gene.end


def _shift_3prime(tm: TranscriptMap, change: Change, sequence: SequenceSource) -> Change:
    """Move a pure insertion or deletion to its most 3' equivalent position on the transcript (HGVS 3' rule),
    without leaving the exon or intron it lies in."""
    # The base the shift starts from: for a plus-strand insertion, its left flank.
    anchor = change.start - 1 if change.insertion and tm.plus else change.start
    bound_start, bound_end = _region_bounds(tm, max(tm.gene.start, min(anchor, tm.gene.end - 1)))
    lo, hi = max(bound_start, change.start - SHIFT_WINDOW), min(bound_end, change.end + SHIFT_WINDOW)
    if not lo <= change.start <= change.end <= hi:
        return change
    bases = fetch(sequence, tm.gene.chrom, lo, hi)
    if len(bases) != hi - lo:
        return change
    start, end = change.start, change.end
    if change.ref:
        if tm.plus:
            while end < hi and bases[start - lo] == bases[end - lo]:
                start, end = start + 1, end + 1
        else:
            while start > lo and bases[start - 1 - lo] == bases[end - 1 - lo]:
                start, end = start - 1, end - 1
        return Change(start, end, bases[start - lo:end - lo], "")
    moved = change.alt
    if tm.plus:
        while start < hi and moved[0] == bases[start - lo]:
            moved, start = moved[1:] + moved[0], start + 1
    else:
        while start > lo and moved[-1] == bases[start - 1 - lo]:
            moved, start = moved[-1] + moved[:-1], start - 1
    return Change(start, start, "", moved)


def _duplicated(tm: TranscriptMap, change: Change, sequence: SequenceSource | None) -> tuple[int, int] | None:
    """Genomic [start, end) that an insertion repeats right before it (transcript order), if sequence shows one."""
    if sequence is None:
        return None
    size = len(change.alt)
    start, end = (change.start - size, change.start) if tm.plus else (change.start, change.start + size)
    if start < tm.gene.start or end > tm.gene.end:
        return None
    return (start, end) if fetch(sequence, tm.gene.chrom, start, end) == change.alt else None
