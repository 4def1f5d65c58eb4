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

from dataclasses import dataclass

from hpdgenomics.genome import hgvs_c
from hpdgenomics.genome.builds import normalise_contig
from hpdgenomics.genome.cdna import TranscriptMap, transcript_map
from hpdgenomics.genome.coding_effect import NO_SEQUENCE, UNKNOWN_BASE, coding_effect
from hpdgenomics.genome.reference import Gene
from hpdgenomics.genome.variant_change import Change, SequenceSource, introns, trim
from hpdgenomics.model.vocab import SO_SEVERITY, ConsequenceClass, class_of_so_terms

__all__ = ["NO_SEQUENCE", "UNKNOWN_BASE", "UP_DOWN_DISTANCE", "Effect", "SequenceSource", "predict"]

UP_DOWN_DISTANCE = 5000  # VEP default --distance (Ensembl predicted_data page)
SPLICE_SITE_BASES = 2  # intron bases 1-2 from the exon
SPLICE_REGION_INTRON = (3, 8)  # intron bases 3-8 from the exon
SPLICE_REGION_EXON = 3  # exon bases 1-3 from the intron


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
    change = trim(pos - 1, ref.upper(), alt.upper())
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
    hgvsc = hgvs_c.hgvsc(tm, change, sequence)
    if sequence is None and (len(change.ref) != len(change.alt)) and hgvsc:
        notes.append("indel position not moved 3' (HGVS) without a reference FASTA")
    coding = coding_effect(tm, change, sequence) if tm.coding and exonic else None
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


def _inside(change: Change, start: int, end: int) -> bool:
    """Does the change touch [start, end)? An insertion does when both its flanking bases lie inside."""
    if change.insertion:
        return start < change.start < end
    return change.start < end and start < change.end


def _outside(tm: TranscriptMap, change: Change) -> Effect | None:
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


def _beyond_transcript(tm: TranscriptMap, change: Change) -> set[str]:
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


def _splice_terms(tm: TranscriptMap, change: Change) -> set[str]:
    terms: set[str] = set()
    low, high = SPLICE_REGION_INTRON
    for start, end, left, right in introns(tm):
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


def _beyond_splice_site(tm: TranscriptMap, change: Change) -> bool:
    """True when an intronic change reaches intron bases other than the 2-base splice sites."""
    for start, end, _, _ in introns(tm):
        inner_start, inner_end = start + SPLICE_SITE_BASES, end - SPLICE_SITE_BASES
        if inner_start < inner_end and _inside(change, inner_start, inner_end):
            return True
    return False


def _overlaps(tm: TranscriptMap, change: Change) -> tuple[bool, bool]:
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


def _utr_terms(tm: TranscriptMap, change: Change) -> set[str]:
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


def _location(tm: TranscriptMap, change: Change) -> str:
    first = _tx_first_base(tm, change)
    where = tm.locate(first)
    return f"{where.kind} {where.number}" if where.number is not None else where.kind


def _tx_first_base(tm: TranscriptMap, change: Change) -> int:
    """The first base of the change in transcript order, clipped to the transcript span."""
    gene = tm.gene
    if change.insertion:
        base = change.start if tm.plus else change.start - 1
        if tm.exon_index(base) is None and tm.exon_index(change.start - 1 if tm.plus else change.start) is not None:
            base = change.start - 1 if tm.plus else change.start  # junction insertion: name the exon side
    else:
        base = change.start if tm.plus else change.end - 1
    return min(max(base, gene.start), gene.end - 1)


def _first_exon(tm: TranscriptMap, change: Change) -> int | None:
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


def _intron_number(tm: TranscriptMap, change: Change) -> int | None:
    where = tm.locate(_tx_first_base(tm, change))
    return where.number if where.kind == "intron" else None


