"""The coding part of a variant's effect: codon, SO terms and protein change, with or without reference bases.

Without a sequence only what the transcript model tells is given (frameshift versus in-frame by length, a changed
initiation codon); with one, the coding sequence is spliced from it and the protein change is written by
:mod:`hpdgenomics.genome.codons`.
"""

from __future__ import annotations

from dataclasses import dataclass

from hpdgenomics.genome import codons as cd
from hpdgenomics.genome.cdna import TranscriptMap
from hpdgenomics.genome.variant_change import Change, SequenceSource, fetch

NO_SEQUENCE = "no reference FASTA: residues not determined"
UNKNOWN_BASE = "an N in the allele or the reference leaves a residue unknown"


@dataclass(frozen=True, slots=True)
class CodingEffect:
    """SO terms of the coding change, the protein change, first codon, VEP-style codons, what stays unknown."""

    terms: tuple[str, ...]
    protein: str | None = None
    codon: int | None = None
    codons: str | None = None
    undetermined: str | None = None


def coding_effect(tm: TranscriptMap, change: Change, sequence: SequenceSource | None) -> CodingEffect | None:
    """The coding part of the effect, or None when the change touches no coding base."""
    span = _cds_span(tm, change)
    if span is None:
        return None
    cds_start, cds_end, simple = span
    alt = change.alt if tm.plus else cd.reverse_complement(change.alt)
    codon = (cds_start - 1) // 3 + 1 if change.insertion and cds_start % 3 == 0 and cds_start else cds_start // 3 + 1
    if not simple:
        terms = {"coding_sequence_variant"}
        if cds_start < 3:
            terms.add("start_lost")
        if cds_end > tm.cds_length - 3:
            terms.add("stop_lost")
        reason = "the change spans an exon or CDS boundary; its effect on the protein cannot be predicted"
        return CodingEffect(tuple(terms), codon=codon, undetermined=reason)
    length_change = len(change.alt) - len(change.ref)
    nucleotide_term = _nucleotide_term(change)
    if sequence is None:
        return _coding_without_sequence(tm, cds_start, cds_end, codon, length_change, nucleotide_term)
    cds = _cds_sequence(tm, sequence)
    if cds is None:
        return CodingEffect(("coding_sequence_variant",), codon=codon,
                       undetermined="the reference FASTA does not cover the transcript's coding sequence")
    if len(cds) % 3:
        return CodingEffect(("coding_sequence_variant",), codon=codon,
                       undetermined="the transcript's coding sequence is not a whole number of codons")
    if length_change % 3:
        return _frameshift(tm, sequence, cds, cds_start, cds_end, alt, codon)
    return _inframe(tm, sequence, cds, cds_start, cds_end, alt, codon, nucleotide_term)


def _nucleotide_term(change: Change) -> str:
    if not change.alt:
        return "inframe_deletion"
    if not change.ref:
        return "inframe_insertion"
    if len(change.ref) == len(change.alt):
        return "missense_variant"
    return "protein_altering_variant"


def _cds_span(tm: TranscriptMap, change: Change) -> tuple[int, int, bool] | None:
    """0-based [start, end) of the change along the CDS (an insertion: start == end), and whether it lies wholly
    inside the coding exonic sequence; None when no coding base is touched."""
    gene = tm.gene
    if change.insertion:
        left, right = change.start - 1, change.start
        five, three = (left, right) if tm.plus else (right, left)  # flanks in transcript order
        five_offset, three_offset = tm.tx_offset(five), tm.tx_offset(three)
        if five_offset is not None:
            point = five_offset + 1  # inserted after the 5' flank (also at a donor junction)
        elif three_offset is not None:
            point = three_offset  # inserted before the 3' flank (an acceptor junction)
        else:
            return None
        position = point - tm.cds_first
        if not 0 < position < tm.cds_length:
            return None  # between c.-1 and c.1 or after the stop codon: UTR
        return position, position, True
    coding = [(max(a, gene.cds_start, change.start), min(b, gene.cds_end, change.end)) for a, b in tm.exons]
    coding = [(a, b) for a, b in coding if a < b]
    if not coding:
        return None
    offsets = []
    for a, b in coding:
        for base in (a, b - 1):
            offset = tm.tx_offset(base)
            if offset is not None:
                offsets.append(offset - tm.cds_first)
    start, end = min(offsets), max(offsets) + 1
    covered = sum(b - a for a, b in coding)
    simple = covered == change.end - change.start and covered == end - start
    return start, end, simple


def _coding_without_sequence(tm: TranscriptMap, start: int, end: int, codon: int, length_change: int,
                             nucleotide_term: str) -> CodingEffect:
    """What the transcript model alone tells of a coding change."""
    touches_start = _touches(start, end, 0, 3)
    touches_stop = _touches(start, end, tm.cds_length - 3, tm.cds_length)
    if length_change % 3:
        terms = ("frameshift_variant", "start_lost") if touches_start else ("frameshift_variant",)
        return CodingEffect(terms, "p.M1?" if touches_start else None, codon, undetermined=None if touches_start
                       else NO_SEQUENCE)
    if touches_start:
        # Any change inside the initiation codon removes the ATG the transcript model starts translation at.
        return CodingEffect(("start_lost",), "p.M1?", codon)
    if nucleotide_term == "missense_variant" or touches_stop:
        return CodingEffect(("coding_sequence_variant",), codon=codon, undetermined=NO_SEQUENCE)
    return CodingEffect((nucleotide_term,), codon=codon, undetermined=NO_SEQUENCE)


def _touches(start: int, end: int, lo: int, hi: int) -> bool:
    """Does CDS change [start, end) touch CDS bases [lo, hi)? An insertion (start == end) must fall inside them."""
    if start == end:
        return lo < start < hi
    return start < hi and lo < end


def _coding_segments(tm: TranscriptMap) -> list[tuple[int, int]]:
    gene = tm.gene
    parts = [(max(a, gene.cds_start), min(b, gene.cds_end)) for a, b in tm.exons]
    parts = [(a, b) for a, b in parts if a < b]
    return parts if tm.plus else parts[::-1]


def _cds_sequence(tm: TranscriptMap, sequence: SequenceSource) -> str | None:
    """The coding-strand CDS (c.1 to the end of the stop codon), or None when the sequence does not cover it."""
    pieces = []
    for start, end in _coding_segments(tm):
        bases = fetch(sequence, tm.gene.chrom, start, end)
        if len(bases) != end - start:
            return None
        pieces.append(bases if tm.plus else cd.reverse_complement(bases))
    return "".join(pieces)


def _utr3_sequence(tm: TranscriptMap, sequence: SequenceSource, limit: int = 3000) -> str:
    """Up to ``limit`` coding-strand bases of the 3' UTR (read on when a stop codon is lost)."""
    gene = tm.gene
    parts = [(max(a, gene.cds_end), b) for a, b in tm.exons if b > gene.cds_end] if tm.plus else [
        (a, min(b, gene.cds_start)) for a, b in reversed(tm.exons) if a < gene.cds_start]
    out = ""
    for start, end in parts:
        if start >= end:
            continue
        bases = fetch(sequence, gene.chrom, start, end)
        out += bases if tm.plus else cd.reverse_complement(bases)
        if len(out) >= limit:
            break
    return out[:limit]


def _inframe(tm: TranscriptMap, sequence: SequenceSource, cds: str, start: int, end: int, alt: str, codon: int,
             nucleotide_term: str) -> CodingEffect:
    first = start // 3
    last = first if start == end and start % 3 == 0 else (max(end, start + 1) + 2) // 3
    ref_window = cds[3 * first:3 * last]
    alt_window = cds[3 * first:start] + alt + cds[end:3 * last]
    variant = cds[:start] + alt + cds[end:] + _utr3_sequence(tm, sequence)

    def residue(index: int) -> str:
        return cd.translate(cds[3 * index:3 * index + 3]) or "X"

    def extension(index: int) -> str:
        return cd.translate(variant[3 * index:3 * index + 3]) or "X"

    effect = cd.inframe_effect(residue, len(cds) // 3, first, cd.translate(ref_window), cd.translate(alt_window),
                               nucleotide_term, extension)
    codons = _codon_text(ref_window, alt_window, start - 3 * first, len(alt), end - start)
    if effect.protein_change and "X" in effect.protein_change:
        term = "coding_sequence_variant" if nucleotide_term == "missense_variant" else nucleotide_term
        return CodingEffect((term,), codon=codon, codons=codons, undetermined=UNKNOWN_BASE)
    return CodingEffect(effect.terms, effect.protein_change, codon, codons)


def _frameshift(tm: TranscriptMap, sequence: SequenceSource, cds: str, start: int, end: int, alt: str,
                codon: int) -> CodingEffect:
    variant = cds[:start] + alt + cds[end:] + _utr3_sequence(tm, sequence)

    def residue(index: int) -> str:
        return cd.translate(cds[3 * index:3 * index + 3]) or "X"

    def variant_residue(index: int) -> str:
        return cd.translate(variant[3 * index:3 * index + 3])

    effect = cd.frameshift_effect(residue, len(cds) // 3, start // 3, variant_residue)
    if effect.protein_change and "X" in effect.protein_change:
        return CodingEffect(effect.terms, codon=codon, undetermined=UNKNOWN_BASE)
    return CodingEffect(effect.terms, effect.protein_change, codon)


def _codon_text(ref_window: str, alt_window: str, offset: int, alt_length: int, ref_length: int) -> str:
    """VEP-style codons, changed bases in upper case: 'gTg/gAg', 'aaGGAATTAAGAGAAGCAaca/aaaca'."""
    ref = ref_window[:offset].lower() + ref_window[offset:offset + ref_length].upper() + \
        ref_window[offset + ref_length:].lower()
    alt = alt_window[:offset].lower() + alt_window[offset:offset + alt_length].upper() + \
        alt_window[offset + alt_length:].lower()
    return f"{ref or '-'}/{alt or '-'}"
