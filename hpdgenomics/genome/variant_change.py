"""A small variant reduced to the bases it changes, and the sequence interface the effect modules read from."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Protocol

from hpdgenomics.genome.cdna import TranscriptMap


class SequenceSource(Protocol):
    """Reference bases: ``fetch(chrom, start, end)`` for 0-based half-open coordinates, upper case."""

    def fetch(self, chrom: str, start: int, end: int) -> str: ...


@dataclass(frozen=True, slots=True)
class Change:
    """A variant trimmed to its changed bases: genomic [start, end) replaced by ``alt`` (+ strand)."""

    start: int
    end: int
    ref: str
    alt: str

    @property
    def insertion(self) -> bool:
        """True for a pure insertion (between ``start - 1`` and ``start``)."""
        return self.start == self.end


def trim(start: int, ref: str, alt: str) -> Change | None:
    """Drop the bases REF and ALT share (VCF padding): first the common prefix, then the common suffix."""
    prefix = 0
    while prefix < len(ref) and prefix < len(alt) and ref[prefix] == alt[prefix]:
        prefix += 1
    ref, alt, start = ref[prefix:], alt[prefix:], start + prefix
    suffix = 0
    while suffix < len(ref) and suffix < len(alt) and ref[-1 - suffix] == alt[-1 - suffix]:
        suffix += 1
    if suffix:
        ref, alt = ref[:len(ref) - suffix], alt[:len(alt) - suffix]
    if not ref and not alt:
        return None
    return Change(start, start + len(ref), ref, alt)


def introns(tm: TranscriptMap) -> Iterator[tuple[int, int, int, int]]:
    """(intron start, intron end, left exon index, right exon index) in genomic order."""
    for index in range(len(tm.exons) - 1):
        yield tm.exons[index][1], tm.exons[index + 1][0], index, index + 1


def fetch(sequence: SequenceSource, chrom: str, start: int, end: int) -> str:
    """Upper-case bases [start, end) from ``sequence`` ('' for an empty range; the source returns '' if not held)."""
    if end <= start:
        return ""
    return sequence.fetch(chrom, max(0, start), end).upper()
