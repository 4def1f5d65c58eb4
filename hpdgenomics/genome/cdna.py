"""Positions along one transcript: genomic ↔ HGVS ``c.`` coordinates, exons and introns, strand-aware.

A :class:`TranscriptMap` is built from one bundled :class:`~hpdgenomics.genome.reference.Gene` (0-based, half-open
exons). "Transcript order" runs 5'→3' on the transcript: ascending genomic positions on the plus strand, descending
on the minus strand. ``c.`` numbering follows HGVS: ``c.1`` is the A of the start codon, ``c.-N`` lies in the 5' UTR,
``c.*N`` in the 3' UTR, and an intronic base is named from the nearer exon base: ``c.78+45`` lies before the middle
of the intron, ``c.79-45`` after it (HGVS numbering, http://www.hgvs.org/mutnomen/nucleotide.html and
https://hgvs-nomenclature.org/21.1.0/background/numbering/). The central base of an odd-length intron takes ``+``
here; that tie rule was not found in the pages read (unverified).
"""

from __future__ import annotations

import bisect
from dataclasses import dataclass
from functools import lru_cache

from hpdgenomics.genome.reference import Gene

_PREFIX = {"cds": "", "utr5": "-", "utr3": "*"}


@dataclass(frozen=True, slots=True)
class CPos:
    """One HGVS ``c.`` position: ``region`` (cds, utr5, utr3), ``base`` ≥ 1 in it, and an intronic ``offset``."""

    region: str
    base: int
    offset: int = 0

    def __str__(self) -> str:
        offset = f"+{self.offset}" if self.offset > 0 else (str(self.offset) if self.offset < 0 else "")
        return f"{_PREFIX[self.region]}{self.base}{offset}"


@dataclass(frozen=True, slots=True)
class Location:
    """Where one genomic base lies on the transcript.

    ``kind`` is ``exon``, ``intron``, ``upstream`` or ``downstream``; ``number`` is the exon or intron number in
    transcript order (1-based; intron *n* lies between exons *n* and *n*+1); ``distance`` is the distance in bases
    to the transcript for up/downstream positions.
    """

    kind: str
    number: int | None = None
    distance: int | None = None


class TranscriptMap:
    """Coordinate arithmetic for the one transcript of a gene."""

    def __init__(self, gene: Gene) -> None:
        self.gene = gene
        self.plus = gene.strand != "-"
        self.exons = tuple(sorted(gene.exons))  # genomic order
        self._starts = [start for start, _ in self.exons]
        # Transcript-order offset of the first base of each exon (indexed in genomic order).
        lengths = [end - start for start, end in self.exons]
        order = range(len(self.exons)) if self.plus else range(len(self.exons) - 1, -1, -1)
        self._tx_start: dict[int, int] = {}
        total = 0
        for index in order:
            self._tx_start[index] = total
            total += lengths[index]
        self.length = total
        self.coding = gene.cds_start < gene.cds_end
        if self.coding:
            first, last = (gene.cds_start, gene.cds_end - 1) if self.plus else (gene.cds_end - 1, gene.cds_start)
            self.cds_first = self._tx_offset_or_raise(first)
            self.cds_last = self._tx_offset_or_raise(last)
        else:
            self.cds_first, self.cds_last = 0, -1

    @property
    def cds_length(self) -> int:
        """Bases from c.1 to the last base of the stop codon."""
        return self.cds_last - self.cds_first + 1

    def exon_index(self, position: int) -> int | None:
        """Index (genomic order) of the exon holding 0-based ``position``, or None."""
        index = bisect.bisect_right(self._starts, position) - 1
        if index >= 0 and position < self.exons[index][1]:
            return index
        return None

    def exon_number(self, index: int) -> int:
        """Exon number in transcript order of the exon at genomic-order ``index``."""
        return index + 1 if self.plus else len(self.exons) - index

    def tx_offset(self, position: int) -> int | None:
        """0-based offset along the spliced transcript of exonic ``position``; None when it is not exonic."""
        index = self.exon_index(position)
        if index is None:
            return None
        start, end = self.exons[index]
        return self._tx_start[index] + (position - start if self.plus else end - 1 - position)

    def genomic_of_tx(self, offset: int) -> int:
        """0-based genomic position of spliced-transcript ``offset`` (0 ≤ offset < length)."""
        if not 0 <= offset < self.length:
            raise ValueError(f"transcript offset {offset} outside 0..{self.length - 1}")
        for index, (start, end) in enumerate(self.exons):
            first = self._tx_start[index]
            if first <= offset < first + end - start:
                return start + (offset - first) if self.plus else end - 1 - (offset - first)
        raise AssertionError("unreachable: offsets cover every exon")

    def locate(self, position: int) -> Location:
        """Exon, intron, upstream or downstream for 0-based ``position``."""
        start, end = self.gene.start, self.gene.end
        if position < start:
            return Location("upstream" if self.plus else "downstream", distance=start - position)
        if position >= end:
            return Location("downstream" if self.plus else "upstream", distance=position - end + 1)
        index = self.exon_index(position)
        if index is not None:
            return Location("exon", self.exon_number(index))
        left = bisect.bisect_right(self._starts, position) - 1  # exon to the left, genomic order
        return Location("intron", left + 1 if self.plus else len(self.exons) - left - 1)

    def c_of_tx(self, offset: int) -> CPos:
        """The ``c.`` position of a spliced-transcript offset."""
        if offset < self.cds_first:
            return CPos("utr5", self.cds_first - offset)
        if offset <= self.cds_last:
            return CPos("cds", offset - self.cds_first + 1)
        return CPos("utr3", offset - self.cds_last)

    def tx_of_c(self, cpos: CPos) -> int:
        """Spliced-transcript offset of the exonic base ``cpos`` names (its offset ignored)."""
        if cpos.region == "utr5":
            return self.cds_first - cpos.base
        if cpos.region == "cds":
            return self.cds_first + cpos.base - 1
        return self.cds_last + cpos.base

    def c_position(self, position: int) -> CPos | None:
        """The ``c.`` position of 0-based genomic ``position``; None outside the transcript or for non-coding ones."""
        if not self.coding or not self.gene.start <= position < self.gene.end:
            return None
        offset = self.tx_offset(position)
        if offset is not None:
            return self.c_of_tx(offset)
        left = bisect.bisect_right(self._starts, position) - 1
        left_last = self.exons[left][1] - 1  # last base of the exon to the left
        right_first = self.exons[left + 1][0]
        to_left, to_right = position - left_last, right_first - position
        # In transcript order the upstream exon is the left one on the plus strand, the right one on the minus.
        upstream_distance, downstream_distance = (to_left, to_right) if self.plus else (to_right, to_left)
        upstream_base, downstream_base = (left_last, right_first) if self.plus else (right_first, left_last)
        if upstream_distance <= downstream_distance:
            anchor = self.c_of_tx(self._tx_offset_or_raise(upstream_base))
            return CPos(anchor.region, anchor.base, upstream_distance)
        anchor = self.c_of_tx(self._tx_offset_or_raise(downstream_base))
        return CPos(anchor.region, anchor.base, -downstream_distance)

    def genomic_of_c(self, cpos: CPos) -> int:
        """0-based genomic position named by ``cpos`` (the inverse of :meth:`c_position`)."""
        base = self.genomic_of_tx(self.tx_of_c(cpos))
        return base + cpos.offset if self.plus else base - cpos.offset

    def _tx_offset_or_raise(self, position: int) -> int:
        offset = self.tx_offset(position)
        if offset is None:
            raise ValueError(f"{self.gene.symbol} {self.gene.transcript}: position {position} is not exonic")
        return offset


@lru_cache(maxsize=256)
def transcript_map(gene: Gene) -> TranscriptMap:
    """The (cached) coordinate map of ``gene``'s transcript."""
    return TranscriptMap(gene)
