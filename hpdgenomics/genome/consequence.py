"""Predict what one small variant does to a gene's transcript (pure: no file formats, no rules).

Given a bundled :class:`~hpdgenomics.genome.reference.Gene` and a variant (normalised contig, 1-based position, REF,
ALT on the + strand), :func:`predict` says where the variant lies (up/downstream, UTR, intron, splice site or
region, coding sequence) with Sequence Ontology terms, the HGVS ``c.`` change on the coding strand, the exon and
codon numbers, and, when a reference sequence is given, the codons and the protein change. Without a sequence it
says what can be told without one: frameshift versus in-frame for coding indels, start codon changes, splice sites,
UTR and intron; a coding substitution whose residues cannot be known is classed
:attr:`~hpdgenomics.model.vocab.ConsequenceClass.CODING_UNDETERMINED`.

Windows follow Ensembl's "Calculated variant consequences" page
(https://grch37.ensembl.org/info/genome/variation/prediction/predicted_data.html) and the Sequence Ontology terms it
uses: splice_donor_variant / splice_acceptor_variant are the 2 bases at the 5' / 3' end of an intron (SO:0001575,
SO:0001574); splice_region_variant is "within 1-3 bases of the exon or 3-8 bases of the intron" (SO:0001630); up- and
downstream_gene_variant reach 5 kb, VEP's default ``--distance`` on the same page.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Protocol

from hpdgenomics.genome import codons as cd
from hpdgenomics.genome.builds import normalise_contig
from hpdgenomics.genome.cdna import TranscriptMap, transcript_map
from hpdgenomics.genome.reference import Gene
from hpdgenomics.model.vocab import SO_SEVERITY, ConsequenceClass, class_of_so_terms

UP_DOWN_DISTANCE = 5000  # VEP default --distance (Ensembl predicted_data page)
SPLICE_SITE_BASES = 2  # intron bases 1-2 from the exon
SPLICE_REGION_INTRON = (3, 8)  # intron bases 3-8 from the exon
SPLICE_REGION_EXON = 3  # exon bases 1-3 from the intron
NO_SEQUENCE = "no reference FASTA: residues not determined"
UNKNOWN_BASE = "an N in the allele or the reference leaves a residue unknown"
_SHIFT_WINDOW = 2000  # bases fetched either side of an indel to move it 3' for HGVS


class SequenceSource(Protocol):
    """Reference bases: ``fetch(chrom, start, end)`` for 0-based half-open coordinates, upper case."""

    def fetch(self, chrom: str, start: int, end: int) -> str: ...


@dataclass(frozen=True, slots=True)
class Effect:
    """The predicted effect of one ALT allele on one transcript.

    ``undetermined`` says, when set, what part of a coding change could not be predicted (e.g. no reference FASTA);
    such a variant leaves its gene not fully assessed.
    """

    gene: str
    transcript: str
    terms: tuple[str, ...]  # SO terms, most severe first
    consequence_class: ConsequenceClass
    location: str  # e.g. "exon 15", "intron 3", "upstream (1,234 bp; window 5 kb)"
    hgvsc: str | None = None  # "c.1799T>A" (coding strand)
    protein_change: str | None = None  # canonical one-letter, e.g. "p.V600E"
    codon: int | None = None
    exon: int | None = None
    intron: int | None = None
    codons: str | None = None  # VEP style "gTg/gAg": changed bases upper case
    undetermined: str | None = None
    note: str = ""

    @property
    def in_transcript(self) -> bool:
        """False when the variant is beyond the up/downstream window (or on another chromosome)."""
        return self.terms != ("intergenic_variant",)


@dataclass(frozen=True, slots=True)
class _Change:
    """A variant trimmed to its changed bases: genomic [start, end) replaced by ``alt`` (+ strand)."""

    start: int
    end: int
    ref: str
    alt: str

    @property
    def insertion(self) -> bool:
        return self.start == self.end


_SPLICE_SITES = frozenset({"splice_donor_variant", "splice_acceptor_variant"})
# Classes whose meaning stands without the codons (a splice site is a splice site; a frameshift is a frameshift).
_DETERMINED_WITHOUT_SEQUENCE = frozenset({
    ConsequenceClass.SPLICE_SITE, ConsequenceClass.FRAMESHIFT, ConsequenceClass.INFRAME_DELETION,
    ConsequenceClass.INFRAME_INSERTION, ConsequenceClass.PROTEIN_ALTERING, ConsequenceClass.START_LOST,
    ConsequenceClass.STOP_LOST,
})


def predict(gene: Gene, chrom: str, pos: int, ref: str, alt: str, sequence: SequenceSource | None = None) -> Effect:
    """Predict the effect of ``chrom:pos ref>alt`` (1-based, + strand alleles) on ``gene``'s transcript.

    ``sequence`` supplies reference bases (codons, protein changes, HGVS 3' shifting of indels); without it the
    effect holds what the transcript model alone can tell. Never raises for A/C/G/T/N alleles.
    """
    change = _trim(pos - 1, ref.upper(), alt.upper())
    if normalise_contig(chrom) != gene.chrom:
        return _effect(gene, ("intergenic_variant",), "another chromosome")
    if change is None:
        return _effect(gene, (), "no change", note="ALT equals REF")
    tm = transcript_map(gene)
    outside = _outside(tm, change)
    if outside is not None:
        return outside
    terms: set[str] = set()
    notes: list[str] = []
    terms |= _beyond_transcript(tm, change)
    terms |= _splice_terms(tm, change)
    exonic, intronic = _overlaps(tm, change)
    if intronic and (not terms & _SPLICE_SITES or _beyond_splice_site(tm, change)):
        terms.add("intron_variant")
    location = _location(tm, change)
    exon = _first_exon(tm, change)
    intron = None if exon is not None else _intron_number(tm, change)
    hgvsc = _hgvsc(tm, change, sequence)
    if sequence is None and (len(change.ref) != len(change.alt)) and hgvsc:
        notes.append("indel position not moved 3' (HGVS) without a reference FASTA")
    coding = _coding(tm, change, sequence) if tm.coding and exonic else None
    if tm.coding and exonic:
        terms |= _utr_terms(tm, change)
    undetermined = None
    protein = codon = codons = None
    if coding is not None:
        terms |= set(coding.terms)
        protein, codon, codons, undetermined = coding.protein, coding.codon, coding.codons, coding.undetermined
    elif exonic and not tm.coding:
        terms.add("non_coding_transcript_exon_variant")
    ordered = tuple(sorted(terms, key=lambda t: SO_SEVERITY.get(t, len(SO_SEVERITY))))
    cls = class_of_so_terms(ordered)
    if undetermined is not None and cls not in _DETERMINED_WITHOUT_SEQUENCE:
        cls = ConsequenceClass.CODING_UNDETERMINED
    return Effect(
        gene=gene.symbol, transcript=gene.transcript, terms=ordered, consequence_class=cls, location=location,
        hgvsc=f"c.{hgvsc}" if hgvsc else None, protein_change=protein, codon=codon, exon=exon, intron=intron,
        codons=codons, undetermined=undetermined, note="; ".join(notes),
    )


def _effect(gene: Gene, terms: tuple[str, ...], location: str, note: str = "") -> Effect:
    return Effect(gene.symbol, gene.transcript, terms, class_of_so_terms(terms), location, note=note)


def _trim(start: int, ref: str, alt: str) -> _Change | None:
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
    return _Change(start, start + len(ref), ref, alt)


def _inside(change: _Change, start: int, end: int) -> bool:
    """Does the change touch [start, end)? An insertion does when both its flanking bases lie inside."""
    if change.insertion:
        return start < change.start < end
    return change.start < end and start < change.end


def _outside(tm: TranscriptMap, change: _Change) -> Effect | None:
    """Up/downstream or intergenic when the change lies wholly outside the transcript span, else None."""
    gene = tm.gene
    if change.insertion:
        if gene.start < change.start < gene.end:
            return None
        point = change.start - 1 if change.start <= gene.start else change.start  # the flank outside
    elif change.end <= gene.start:
        point = change.end - 1
    elif change.start >= gene.end:
        point = change.start
    else:
        return None
    where = tm.locate(point)
    distance = where.distance or 0
    if distance > UP_DOWN_DISTANCE:
        return _effect(gene, ("intergenic_variant",), f"{distance:,} bp from the transcript (beyond the 5 kb window)")
    term = "upstream_gene_variant" if where.kind == "upstream" else "downstream_gene_variant"
    return _effect(gene, (term,), f"{where.kind} ({distance:,} bp from the transcript; window 5 kb)")


def _beyond_transcript(tm: TranscriptMap, change: _Change) -> set[str]:
    """Terms for a deletion reaching past the transcript ends (or removing all of it)."""
    gene = tm.gene
    if change.insertion:
        return set()
    if change.start <= gene.start and change.end >= gene.end:
        return {"transcript_ablation"}
    terms = set()
    if change.start < gene.start:
        terms.add("upstream_gene_variant" if tm.plus else "downstream_gene_variant")
    if change.end > gene.end:
        terms.add("downstream_gene_variant" if tm.plus else "upstream_gene_variant")
    return terms


def _introns(tm: TranscriptMap) -> Iterator[tuple[int, int, int, int]]:
    """(intron start, intron end, left exon index, right exon index) in genomic order."""
    for index in range(len(tm.exons) - 1):
        yield tm.exons[index][1], tm.exons[index + 1][0], index, index + 1


def _splice_terms(tm: TranscriptMap, change: _Change) -> set[str]:
    terms: set[str] = set()
    low, high = SPLICE_REGION_INTRON
    for start, end, left, right in _introns(tm):
        if end <= start:
            continue
        # The 5' end of an intron (donor) is its left end on the plus strand, its right end on the minus strand.
        left_site, right_site = ("splice_donor_variant", "splice_acceptor_variant") if tm.plus else (
            "splice_acceptor_variant", "splice_donor_variant")
        if _inside(change, start, min(end, start + SPLICE_SITE_BASES)):
            terms.add(left_site)
        if _inside(change, max(start, end - SPLICE_SITE_BASES), end):
            terms.add(right_site)
        regions = [
            (max(tm.exons[left][0], start - SPLICE_REGION_EXON), start),
            (end, min(tm.exons[right][1], end + SPLICE_REGION_EXON)),
            (min(end, start + low - 1), min(end, start + high)),
            (max(start, end - high), max(start, end - low + 1)),
        ]
        if change.insertion:
            # An insertion at an exon-intron junction keeps the splice motif and lengthens the exon edge.
            regions.append((max(tm.exons[left][0], start - SPLICE_REGION_EXON), min(end, start + high)))
            regions.append((max(start, end - high), min(tm.exons[right][1], end + SPLICE_REGION_EXON)))
        if any(_inside(change, a, b) for a, b in regions if a < b):
            terms.add("splice_region_variant")
    return terms


def _beyond_splice_site(tm: TranscriptMap, change: _Change) -> bool:
    """True when an intronic change reaches intron bases other than the 2-base splice sites."""
    for start, end, _, _ in _introns(tm):
        inner_start, inner_end = start + SPLICE_SITE_BASES, end - SPLICE_SITE_BASES
        if inner_start < inner_end and _inside(change, inner_start, inner_end):
            return True
    return False


def _overlaps(tm: TranscriptMap, change: _Change) -> tuple[bool, bool]:
    """(touches exonic bases, touches intronic bases) within the transcript span."""
    exonic = intronic = False
    if change.insertion:
        left, right = tm.exon_index(change.start - 1), tm.exon_index(change.start)
        exonic = left is not None or right is not None  # a junction insertion lengthens the exon
        intronic = not exonic and tm.gene.start < change.start < tm.gene.end
        return exonic, intronic
    start, end = max(change.start, tm.gene.start), min(change.end, tm.gene.end)
    covered = 0
    for exon_start, exon_end in tm.exons:
        overlap = min(end, exon_end) - max(start, exon_start)
        if overlap > 0:
            exonic = True
            covered += overlap
    intronic = covered < end - start
    return exonic, intronic


def _utr_terms(tm: TranscriptMap, change: _Change) -> set[str]:
    """5'/3' UTR terms for the exonic bases of a coding transcript outside its CDS."""
    gene = tm.gene
    terms = set()
    left_utr = "5_prime_UTR_variant" if tm.plus else "3_prime_UTR_variant"
    right_utr = "3_prime_UTR_variant" if tm.plus else "5_prime_UTR_variant"
    for exon_start, exon_end in tm.exons:
        if _inside(change, exon_start, min(exon_end, gene.cds_start)) or (
                change.insertion and change.start == gene.cds_start and exon_start < change.start < exon_end):
            terms.add(left_utr)
        if _inside(change, max(exon_start, gene.cds_end), exon_end) or (
                change.insertion and change.start == gene.cds_end and exon_start < change.start < exon_end):
            terms.add(right_utr)
    return terms


def _location(tm: TranscriptMap, change: _Change) -> str:
    first = _tx_first_base(tm, change)
    where = tm.locate(first)
    return f"{where.kind} {where.number}" if where.number is not None else where.kind


def _tx_first_base(tm: TranscriptMap, change: _Change) -> int:
    """The first base of the change in transcript order, clipped to the transcript span."""
    gene = tm.gene
    if change.insertion:
        base = change.start if tm.plus else change.start - 1
        if tm.exon_index(base) is None and tm.exon_index(change.start - 1 if tm.plus else change.start) is not None:
            base = change.start - 1 if tm.plus else change.start  # junction insertion: name the exon side
    else:
        base = change.start if tm.plus else change.end - 1
    return min(max(base, gene.start), gene.end - 1)


def _first_exon(tm: TranscriptMap, change: _Change) -> int | None:
    """Exon number of the first exonic base of the change in transcript order, if it touches an exon."""
    if change.insertion:
        for base in ((change.start, change.start - 1) if tm.plus else (change.start - 1, change.start)):
            index = tm.exon_index(base)
            if index is not None:
                return tm.exon_number(index)
        return None
    start, end = max(change.start, tm.gene.start), min(change.end, tm.gene.end)
    hits = [i for i, (a, b) in enumerate(tm.exons) if a < end and start < b]
    if not hits:
        return None
    return tm.exon_number(hits[0] if tm.plus else hits[-1])


def _intron_number(tm: TranscriptMap, change: _Change) -> int | None:
    where = tm.locate(_tx_first_base(tm, change))
    return where.number if where.kind == "intron" else None


# ------------------------------------------------------------------------------------------------ HGVS c.


def _hgvsc(tm: TranscriptMap, change: _Change, sequence: SequenceSource | None) -> str | None:
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
    for start, end, _, _ in _introns(tm):
        if start <= position < end:
            return start, end
    return tm.gene.start, tm.gene.end


def _shift_3prime(tm: TranscriptMap, change: _Change, sequence: SequenceSource) -> _Change:
    """Move a pure insertion or deletion to its most 3' equivalent position on the transcript (HGVS 3' rule),
    without leaving the exon or intron it lies in."""
    # The base the shift starts from: for a plus-strand insertion, its left flank.
    anchor = change.start - 1 if change.insertion and tm.plus else change.start
    bound_start, bound_end = _region_bounds(tm, max(tm.gene.start, min(anchor, tm.gene.end - 1)))
    lo, hi = max(bound_start, change.start - _SHIFT_WINDOW), min(bound_end, change.end + _SHIFT_WINDOW)
    if not lo <= change.start <= change.end <= hi:
        return change
    bases = _fetch(sequence, tm.gene.chrom, lo, hi)
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
        return _Change(start, end, bases[start - lo:end - lo], "")
    moved = change.alt
    if tm.plus:
        while start < hi and moved[0] == bases[start - lo]:
            moved, start = moved[1:] + moved[0], start + 1
    else:
        while start > lo and moved[-1] == bases[start - 1 - lo]:
            moved, start = moved[-1] + moved[:-1], start - 1
    return _Change(start, start, "", moved)


def _duplicated(tm: TranscriptMap, change: _Change, sequence: SequenceSource | None) -> tuple[int, int] | None:
    """Genomic [start, end) that an insertion repeats right before it (transcript order), if sequence shows one."""
    if sequence is None:
        return None
    size = len(change.alt)
    start, end = (change.start - size, change.start) if tm.plus else (change.start, change.start + size)
    if start < tm.gene.start or end > tm.gene.end:
        return None
    return (start, end) if _fetch(sequence, tm.gene.chrom, start, end) == change.alt else None


def _fetch(sequence: SequenceSource, chrom: str, start: int, end: int) -> str:
    if end <= start:
        return ""
    return sequence.fetch(chrom, max(0, start), end).upper()


# ------------------------------------------------------------------------------------------------ coding


@dataclass(frozen=True, slots=True)
class _Coding:
    terms: tuple[str, ...]
    protein: str | None = None
    codon: int | None = None
    codons: str | None = None
    undetermined: str | None = None


def _coding(tm: TranscriptMap, change: _Change, sequence: SequenceSource | None) -> _Coding | None:
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
        return _Coding(tuple(terms), codon=codon, undetermined=reason)
    length_change = len(change.alt) - len(change.ref)
    nucleotide_term = _nucleotide_term(change)
    if sequence is None:
        return _coding_without_sequence(tm, cds_start, cds_end, codon, length_change, nucleotide_term)
    cds = _cds_sequence(tm, sequence)
    if cds is None:
        return _Coding(("coding_sequence_variant",), codon=codon,
                       undetermined="the reference FASTA does not cover the transcript's coding sequence")
    if len(cds) % 3:
        return _Coding(("coding_sequence_variant",), codon=codon,
                       undetermined="the transcript's coding sequence is not a whole number of codons")
    if length_change % 3:
        return _frameshift(tm, sequence, cds, cds_start, cds_end, alt, codon)
    return _inframe(tm, sequence, cds, cds_start, cds_end, alt, codon, nucleotide_term)


def _nucleotide_term(change: _Change) -> str:
    if not change.alt:
        return "inframe_deletion"
    if not change.ref:
        return "inframe_insertion"
    if len(change.ref) == len(change.alt):
        return "missense_variant"
    return "protein_altering_variant"


def _cds_span(tm: TranscriptMap, change: _Change) -> tuple[int, int, bool] | None:
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
                             nucleotide_term: str) -> _Coding:
    """What the transcript model alone tells of a coding change."""
    touches_start = _touches(start, end, 0, 3)
    touches_stop = _touches(start, end, tm.cds_length - 3, tm.cds_length)
    if length_change % 3:
        terms = ("frameshift_variant", "start_lost") if touches_start else ("frameshift_variant",)
        return _Coding(terms, "p.M1?" if touches_start else None, codon, undetermined=None if touches_start
                       else NO_SEQUENCE)
    if touches_start:
        # Any change inside the initiation codon removes the ATG the transcript model starts translation at.
        return _Coding(("start_lost",), "p.M1?", codon)
    if nucleotide_term == "missense_variant" or touches_stop:
        return _Coding(("coding_sequence_variant",), codon=codon, undetermined=NO_SEQUENCE)
    return _Coding((nucleotide_term,), codon=codon, undetermined=NO_SEQUENCE)


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
        bases = _fetch(sequence, tm.gene.chrom, start, end)
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
        bases = _fetch(sequence, gene.chrom, start, end)
        out += bases if tm.plus else cd.reverse_complement(bases)
        if len(out) >= limit:
            break
    return out[:limit]


def _inframe(tm: TranscriptMap, sequence: SequenceSource, cds: str, start: int, end: int, alt: str, codon: int,
             nucleotide_term: str) -> _Coding:
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
        return _Coding((term,), codon=codon, codons=codons, undetermined=UNKNOWN_BASE)
    return _Coding(effect.terms, effect.protein_change, codon, codons)


def _frameshift(tm: TranscriptMap, sequence: SequenceSource, cds: str, start: int, end: int, alt: str,
                codon: int) -> _Coding:
    variant = cds[:start] + alt + cds[end:] + _utr3_sequence(tm, sequence)

    def residue(index: int) -> str:
        return cd.translate(cds[3 * index:3 * index + 3]) or "X"

    def variant_residue(index: int) -> str:
        return cd.translate(variant[3 * index:3 * index + 3])

    effect = cd.frameshift_effect(residue, len(cds) // 3, start // 3, variant_residue)
    if effect.protein_change and "X" in effect.protein_change:
        return _Coding(effect.terms, codon=codon, undetermined=UNKNOWN_BASE)
    return _Coding(effect.terms, effect.protein_change, codon)


def _codon_text(ref_window: str, alt_window: str, offset: int, alt_length: int, ref_length: int) -> str:
    """VEP-style codons, changed bases in upper case: 'gTg/gAg', 'aaGGAATTAAGAGAAGCAaca/aaaca'."""
    ref = ref_window[:offset].lower() + ref_window[offset:offset + ref_length].upper() + \
        ref_window[offset + ref_length:].lower()
    alt = alt_window[:offset].lower() + alt_window[offset:offset + alt_length].upper() + \
        alt_window[offset + alt_length:].lower()
    return f"{ref or '-'}/{alt or '-'}"

