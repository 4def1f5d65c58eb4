"""Consequences from transcript models (hpdgenomics.genome: consequence, coding_effect, hgvs_c, cdna, codons).

Two kinds of test gene:

* a SYNTHETIC three-exon gene laid out once on the plus strand (contig 1) and once, reverse-complemented, on the
  minus strand (contig 2), with a hand-written coding sequence, so that every class can be checked by its ``c.``
  position on both strands with the same expectations;
* the real bundled transcripts of BRAF, KRAS, AKT1 and EGFR (GRCh37) over the SYNTHETIC region FASTA
  ``test_data/reference/synthetic_hotspots_grch37.fa``: arbitrary bases except the hotspot codons, which are set to
  BRAF V600 GTG, KRAS G12 GGT, AKT1 E17 GAG and EGFR L858 CTG (coding strand). The changed base of each and its
  genomic position are those of the knowledge file §5.3; the other two bases of each codon come from the task
  brief, not from §5.3, so the protein change is only checked where these codons determine it.

Regenerate the committed FASTA with ``python -m tests.test_consequence`` (then review the diff).
"""

from __future__ import annotations

import itertools
import random
import sys
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from hpdgenomics.genome.cdna import CPos, transcript_map
from hpdgenomics.genome.codons import reverse_complement, translate
from hpdgenomics.genome.consequence import NO_SEQUENCE, predict
from hpdgenomics.genome.reference import Gene, load_genes
from hpdgenomics.model.protein import parse_protein_change
from hpdgenomics.model.vocab import NON_SYNONYMOUS, ConsequenceClass

from .conftest import TEST_DATA

SYNTHETIC_FASTA = TEST_DATA / "reference" / "synthetic_hotspots_grch37.fa"

# ------------------------------------------------------------------------------------------ synthetic gene

CODONS = ["ATG", "GCT", "CAG", "CTG", "AAA", "GAA", "GAA", "TTC", "GGC"] + [
    "ACC", "GTG", "CGC", "TAC", "AAC", "GAC", "CCC", "TGG", "CAC", "ATC", "AGC", "TTG"] * 2 + ["TAA"]
CDS = "".join(CODONS)  # 34 codons, 102 bases: M A Q L K E E F G …  *
GENOME_LENGTH = 3000
PLUS_EXONS = ((1000, 1060), (1100, 1150), (1180, 1200))
PLUS_CDS = (1020, 1192)  # c.1 at 1020; exon 1 holds c.1-40, exon 2 c.41-90, exon 3 c.91-102 then c.*1-*8


def _plus_genome() -> str:
    rng = random.Random(20261202)
    genome = [rng.choice("ACGT") for _ in range(GENOME_LENGTH)]
    coding = [p for start, end in PLUS_EXONS for p in range(max(start, PLUS_CDS[0]), min(end, PLUS_CDS[1]))]
    assert len(coding) == len(CDS)
    for position, base in zip(coding, CDS, strict=True):
        genome[position] = base
    for (_, left_end), (right_start, _) in itertools.pairwise(PLUS_EXONS):
        genome[left_end:left_end + 2] = "GT"  # donor
        genome[right_start - 2:right_start] = "AG"  # acceptor
    return "".join(genome)


class MemorySequence:
    """A sequence source over in-memory contigs (0-based, half-open)."""

    def __init__(self, contigs: dict[str, str]) -> None:
        self.contigs = contigs

    def fetch(self, chrom: str, start: int, end: int) -> str:
        seq = self.contigs.get(chrom, "")
        return seq[start:end] if 0 <= start <= end <= len(seq) else ""


PLUS_GENOME = _plus_genome()
MINUS_GENOME = reverse_complement(PLUS_GENOME)
SEQUENCE = MemorySequence({"1": PLUS_GENOME, "2": MINUS_GENOME})


def _gene(strand: str) -> Gene:
    if strand == "+":
        exons, (cds_start, cds_end), chrom, span = PLUS_EXONS, PLUS_CDS, "1", (1000, 1200)
    else:
        flip = GENOME_LENGTH
        exons = tuple(sorted((flip - end, flip - start) for start, end in PLUS_EXONS))
        cds_start, cds_end, chrom, span = flip - PLUS_CDS[1], flip - PLUS_CDS[0], "2", (flip - 1200, flip - 1000)
    return Gene(symbol=f"SYN{'P' if strand == '+' else 'M'}", chrom=chrom, start=span[0], end=span[1], strand=strand,
                transcript=f"NM_SYN{'P' if strand == '+' else 'M'}", mane=True, cds_start=cds_start, cds_end=cds_end,
                exons=exons, gene_start=span[0], gene_end=span[1])


GENES = {"+": _gene("+"), "-": _gene("-")}
STRANDS = pytest.mark.parametrize("strand", ["+", "-"])


def _parse_c(text: str) -> CPos:
    """'40+3' → CPos('cds', 40, 3); '-5' → utr5; '*3' → utr3."""
    region = "utr5" if text.startswith("-") else "utr3" if text.startswith("*") else "cds"
    body = text.lstrip("-*")
    for sign in "+-":
        if sign in body:
            base, offset = body.split(sign)
            return CPos(region, int(base), int(offset) * (1 if sign == "+" else -1))
    return CPos(region, int(body))


def _genome(strand: str) -> str:
    return PLUS_GENOME if strand == "+" else MINUS_GENOME


def replace(strand: str, first: str, last: str, tx_alt: str) -> tuple[str, int, str, str]:
    """VCF (chrom, pos, ref, alt) replacing transcript bases ``c.first``..``c.last`` by ``tx_alt`` (coding strand)."""
    gene = GENES[strand]
    tm = transcript_map(gene)
    a, b = tm.genomic_of_c(_parse_c(first)), tm.genomic_of_c(_parse_c(last))
    start, end = min(a, b), max(a, b) + 1
    genome = _genome(strand)
    alt = tx_alt if strand == "+" else reverse_complement(tx_alt)
    if not alt:  # a deletion: VCF pads it with the base on its left
        return gene.chrom, start, genome[start - 1:end], genome[start - 1]
    return gene.chrom, start + 1, genome[start:end], alt


def insert_after(strand: str, after: str, tx_ins: str) -> tuple[str, int, str, str]:
    """VCF record inserting ``tx_ins`` (coding strand) right after ``c.after`` in transcript order."""
    gene = GENES[strand]
    g = transcript_map(gene).genomic_of_c(_parse_c(after))
    point = g + 1 if strand == "+" else g  # insertion between point-1 and point
    genome = _genome(strand)
    ins = tx_ins if strand == "+" else reverse_complement(tx_ins)
    return gene.chrom, point, genome[point - 1], genome[point - 1] + ins


def effect_of(strand: str, record: tuple[str, int, str, str], with_sequence: bool = True):
    chrom, pos, ref, alt = record
    return predict(GENES[strand], chrom, pos, ref, alt, SEQUENCE if with_sequence else None)


def test_synthetic_layout_translates() -> None:
    assert translate(CDS) == "MAQLKEEFG" + "TVRYNDPWHISL" * 2 + "*"
    for strand in "+-":
        tm = transcript_map(GENES[strand])
        assert tm.cds_length == 102
        spliced = "".join(SEQUENCE.fetch(GENES[strand].chrom, tm.genomic_of_tx(i), tm.genomic_of_tx(i) + 1)
                          for i in range(tm.cds_first, tm.cds_last + 1))
        assert (spliced if strand == "+" else reverse_complement(spliced)[::-1]) == CDS  # complement, tx order


def test_c_positions_by_hand() -> None:
    plus, minus = transcript_map(GENES["+"]), transcript_map(GENES["-"])
    assert str(plus.c_position(1020)) == "1" and str(minus.c_position(GENOME_LENGTH - 1 - 1020)) == "1"
    assert str(plus.c_position(1059)) == "40" and str(plus.c_position(1100)) == "41"
    assert str(plus.c_position(1060)) == "40+1" and str(plus.c_position(1099)) == "41-1"
    assert str(plus.c_position(1079)) == "40+20" and str(plus.c_position(1080)) == "41-20"  # 40-base intron
    assert str(plus.c_position(1015)) == "-5" and str(plus.c_position(1194)) == "*3"
    assert str(minus.c_position(GENOME_LENGTH - 1 - 1060)) == "40+1"
    assert plus.c_position(999) is None and minus.c_position(GENOME_LENGTH - 1000) is None
    assert plus.locate(1070).number == 1 and minus.locate(GENOME_LENGTH - 1 - 1160).number == 2  # intron numbers


# (description, record builder, terms, class, hgvsc, protein change)
WITH_SEQUENCE = [
    ("missense", lambda s: replace(s, "4", "4", "C"), ("missense_variant",), ConsequenceClass.MISSENSE,
     "c.4G>C", "p.A2P"),
    ("nonsense", lambda s: replace(s, "7", "7", "T"), ("stop_gained",), ConsequenceClass.NONSENSE, "c.7C>T", "p.Q3*"),
    ("synonymous", lambda s: replace(s, "12", "12", "A"), ("synonymous_variant",), ConsequenceClass.SYNONYMOUS,
     "c.12G>A", "p.L4="),
    ("start lost", lambda s: replace(s, "1", "1", "G"), ("start_lost",), ConsequenceClass.START_LOST, "c.1A>G",
     "p.M1?"),
    ("stop lost", lambda s: replace(s, "100", "100", "C"), ("stop_lost",), ConsequenceClass.STOP_LOST, "c.100T>C",
     "p.*34Qext*?"),
    ("stop retained", lambda s: replace(s, "102", "102", "G"), ("stop_retained_variant",),
     ConsequenceClass.SYNONYMOUS, "c.102A>G", "p.*34="),
    ("frameshift deletion, 3'-shifted, first changed residue", lambda s: replace(s, "13", "13", ""),
     ("frameshift_variant",), ConsequenceClass.FRAMESHIFT, "c.15del", "p.E6fs"),
    ("frameshift insertion", lambda s: insert_after(s, "9", "T"), ("frameshift_variant",),
     ConsequenceClass.FRAMESHIFT, "c.9_10insT", "p.L4fs"),
    ("in-frame deletion in a repeat, moved 3'", lambda s: replace(s, "16", "18", ""), ("inframe_deletion",),
     ConsequenceClass.INFRAME_DELETION, "c.19_21del", "p.E7del"),
    ("in-frame duplication", lambda s: insert_after(s, "21", "GAA"), ("inframe_insertion",),
     ConsequenceClass.INFRAME_INSERTION, "c.19_21dup", "p.E7dup"),
    ("in-frame insertion", lambda s: insert_after(s, "24", "TGG"), ("inframe_insertion",),
     ConsequenceClass.INFRAME_INSERTION, "c.24_25insTGG", "p.F8_G9insW"),
    ("in-frame delins", lambda s: replace(s, "25", "27", "TGGTGG"), ("protein_altering_variant",),
     ConsequenceClass.PROTEIN_ALTERING, "c.25_27delinsTGGTGG", "p.G9delinsWW"),
    ("MNV in one codon", lambda s: replace(s, "4", "5", "TT"), ("missense_variant",), ConsequenceClass.MISSENSE,
     "c.4_5delinsTT", "p.A2F"),
    ("MNV over two codons making a stop", lambda s: replace(s, "6", "7", "GT"), ("stop_gained",),
     ConsequenceClass.NONSENSE, "c.6_7delinsGT", "p.Q3*"),
    ("splice donor +1", lambda s: replace(s, "40+1", "40+1", "A"), ("splice_donor_variant",),
     ConsequenceClass.SPLICE_SITE, "c.40+1G>A", None),
    ("splice donor +2", lambda s: replace(s, "40+2", "40+2", "A"), ("splice_donor_variant",),
     ConsequenceClass.SPLICE_SITE, "c.40+2T>A", None),
    ("splice acceptor -1", lambda s: replace(s, "41-1", "41-1", "C"), ("splice_acceptor_variant",),
     ConsequenceClass.SPLICE_SITE, "c.41-1G>C", None),
    ("splice acceptor -2", lambda s: replace(s, "41-2", "41-2", "C"), ("splice_acceptor_variant",),
     ConsequenceClass.SPLICE_SITE, "c.41-2A>C", None),
    ("5' UTR", lambda s: replace(s, "-5", "-5", "N"), ("5_prime_UTR_variant",), ConsequenceClass.NON_CODING,
     None, None),
    ("3' UTR", lambda s: replace(s, "*3", "*3", "N"), ("3_prime_UTR_variant",), ConsequenceClass.NON_CODING,
     None, None),
]


@STRANDS
@pytest.mark.parametrize(("name", "build", "terms", "cls", "hgvsc", "protein"), WITH_SEQUENCE,
                         ids=[case[0] for case in WITH_SEQUENCE])
def test_effects_with_sequence(strand, name, build, terms, cls, hgvsc, protein) -> None:
    effect = effect_of(strand, build(strand))
    assert effect.terms == terms, name
    assert effect.consequence_class is cls
    if hgvsc is not None:
        assert effect.hgvsc == hgvsc
    assert effect.protein_change == protein
    assert effect.undetermined is None
    if protein:
        assert parse_protein_change(protein).text == protein  # canonical form of the project


@STRANDS
def test_codons_exon_and_codon_numbers(strand) -> None:
    effect = effect_of(strand, replace(strand, "4", "4", "C"))
    assert (effect.codon, effect.exon, effect.codons, effect.location) == (2, 1, "Gct/Cct", "exon 1")
    assert effect_of(strand, replace(strand, "41", "41", "G")).exon == 2
    intronic = effect_of(strand, replace(strand, "40+20", "40+20", "N"))
    assert (intronic.exon, intronic.intron, intronic.location) == (None, 1, "intron 1")


@STRANDS
@pytest.mark.parametrize(("where", "terms"), [
    ("40+3", ("splice_region_variant", "intron_variant")),
    ("40+8", ("splice_region_variant", "intron_variant")),
    ("40+9", ("intron_variant",)),
    ("41-3", ("splice_region_variant", "intron_variant")),
    ("41-8", ("splice_region_variant", "intron_variant")),
    ("41-9", ("intron_variant",)),
])
def test_intronic_splice_region_is_3_to_8_bases(strand, where, terms) -> None:
    record = replace(strand, where, where, "N")
    effect = effect_of(strand, record)
    assert effect.terms == terms and effect.hgvsc.startswith(f"c.{where}")


@STRANDS
@pytest.mark.parametrize(("where", "in_region"), [("40", True), ("38", True), ("37", False), ("41", True),
                                                  ("43", True), ("44", False)])
def test_exonic_splice_region_is_1_to_3_bases(strand, where, in_region) -> None:
    tm = transcript_map(GENES[strand])
    base = CDS[int(where) - 1]
    alt = next(b for b in "ACGT" if b != base and translate(_codon_with(where, b)) not in ("*",))
    effect = effect_of(strand, replace(strand, where, where, alt))
    assert ("splice_region_variant" in effect.terms) is in_region
    assert tm.c_position(tm.genomic_of_c(_parse_c(where))) == _parse_c(where)


def _codon_with(where: str, base: str) -> str:
    index = int(where) - 1
    start = index - index % 3
    codon = list(CDS[start:start + 3])
    codon[index % 3] = base
    return "".join(codon)


@STRANDS
def test_up_and_downstream_windows(strand) -> None:
    gene = GENES[strand]
    genome = _genome(strand)
    before = gene.start - 100 if strand == "+" else gene.end + 99  # 100 bp 5' of the transcript
    after = gene.end + 99 if strand == "+" else gene.start - 100
    up = predict(gene, gene.chrom, before + 1, genome[before], "N", SEQUENCE)
    down = predict(gene, gene.chrom, after + 1, genome[after], "N", SEQUENCE)
    assert up.terms == ("upstream_gene_variant",) and "100 bp" in up.location and "5 kb" in up.location
    assert down.terms == ("downstream_gene_variant",) and up.hgvsc is None
    far = predict(gene, gene.chrom, gene.end + 6000, "A", "C")
    assert far.terms == ("intergenic_variant",) and not far.in_transcript
    assert not predict(gene, "X", 1100, "A", "C").in_transcript


@STRANDS
def test_deletion_over_an_exon_boundary_is_a_splice_site_change(strand) -> None:
    effect = effect_of(strand, replace(strand, "39", "40+2", ""))
    assert effect.consequence_class is ConsequenceClass.SPLICE_SITE
    assert {"splice_donor_variant", "coding_sequence_variant"} <= set(effect.terms)
    assert effect.protein_change is None and "boundary" in effect.undetermined
    assert effect.hgvsc == "c.39_40+2del"


@STRANDS
def test_insertion_at_an_exon_intron_junction_lengthens_the_exon(strand) -> None:
    effect = effect_of(strand, insert_after(strand, "40", "GGG"))
    assert "splice_region_variant" in effect.terms and "splice_donor_variant" not in effect.terms
    assert effect.consequence_class in NON_SYNONYMOUS and effect.hgvsc == "c.40_40+1insGGG"


@STRANDS
def test_insertions_at_cds_edges_are_utr(strand) -> None:
    assert effect_of(strand, insert_after(strand, "-1", "GGG")).terms == ("5_prime_UTR_variant",)
    assert effect_of(strand, insert_after(strand, "102", "GGG")).terms == ("3_prime_UTR_variant",)


# ------------------------------------------------------------------------------------------ no sequence

WITHOUT_SEQUENCE = [
    ("substitution: residues unknown", lambda s: replace(s, "4", "4", "C"), ("coding_sequence_variant",),
     ConsequenceClass.CODING_UNDETERMINED, "c.4G>C", None, NO_SEQUENCE),
    ("start codon: lost whatever the change", lambda s: replace(s, "1", "1", "G"), ("start_lost",),
     ConsequenceClass.START_LOST, "c.1A>G", "p.M1?", None),
    ("stop codon: lost or retained", lambda s: replace(s, "102", "102", "G"), ("coding_sequence_variant",),
     ConsequenceClass.CODING_UNDETERMINED, "c.102A>G", None, NO_SEQUENCE),
    ("frameshift: told by length, not moved 3'", lambda s: replace(s, "13", "13", ""), ("frameshift_variant",),
     ConsequenceClass.FRAMESHIFT, "c.13del", None, NO_SEQUENCE),
    ("in-frame deletion", lambda s: replace(s, "16", "18", ""), ("inframe_deletion",),
     ConsequenceClass.INFRAME_DELETION, "c.16_18del", None, NO_SEQUENCE),
    ("in-frame insertion (a dup needs the sequence)", lambda s: insert_after(s, "21", "GAA"), ("inframe_insertion",),
     ConsequenceClass.INFRAME_INSERTION, "c.21_22insGAA", None, NO_SEQUENCE),
    ("in-frame delins", lambda s: replace(s, "25", "27", "TGGTGG"), ("protein_altering_variant",),
     ConsequenceClass.PROTEIN_ALTERING, "c.25_27delinsTGGTGG", None, NO_SEQUENCE),
    ("splice donor", lambda s: replace(s, "40+1", "40+1", "A"), ("splice_donor_variant",),
     ConsequenceClass.SPLICE_SITE, "c.40+1G>A", None, None),
    ("coding base in the splice region", lambda s: replace(s, "40", "40", "T"),
     ("splice_region_variant", "coding_sequence_variant"), ConsequenceClass.CODING_UNDETERMINED, "c.40A>T", None,
     NO_SEQUENCE),
    ("intron", lambda s: replace(s, "40+20", "40+20", "N"), ("intron_variant",), ConsequenceClass.NON_CODING,
     "c.40+20", None, None),
    ("5' UTR", lambda s: replace(s, "-5", "-5", "N"), ("5_prime_UTR_variant",), ConsequenceClass.NON_CODING,
     "c.-5", None, None),
]


@STRANDS
@pytest.mark.parametrize(("name", "build", "terms", "cls", "hgvsc", "protein", "undetermined"), WITHOUT_SEQUENCE,
                         ids=[case[0] for case in WITHOUT_SEQUENCE])
def test_effects_without_sequence(strand, name, build, terms, cls, hgvsc, protein, undetermined) -> None:
    effect = effect_of(strand, build(strand), with_sequence=False)
    assert effect.terms == terms, name
    assert effect.consequence_class is cls
    assert effect.hgvsc.startswith(hgvsc)
    assert effect.protein_change == protein
    assert effect.undetermined == undetermined
    assert effect.codons is None


def test_coding_undetermined_matches_no_rule_class() -> None:
    from hpdgenomics.engine.matchers import compile_matcher
    from hpdgenomics.model.alterations import SmallVariant

    variant = SmallVariant("BRAF", "7", 140453136, "A", "T", ConsequenceClass.CODING_UNDETERMINED)
    assert ConsequenceClass.CODING_UNDETERMINED not in NON_SYNONYMOUS
    for name in ("nonsynonymous", "missense", "truncating", "inframe"):
        assert not compile_matcher({"class": name}).matches(variant)
    assert not compile_matcher({"codons": [600]}).matches(variant)


# ------------------------------------------------------------------------------------------ real transcripts

HOTSPOTS_GRCH37 = [
    # gene, genomic (§5.3), cDNA (§5.3), codon bases set in the synthetic FASTA (brief), expected protein, codons
    ("BRAF", ("7", 140453136, "A", "T"), "c.1799T>A", "GTG", "p.V600E", "gTg/gAg", 600, 15),
    ("KRAS", ("12", 25398285, "C", "A"), "c.34G>T", "GGT", "p.G12C", "Ggt/Tgt", 12, 2),
    ("AKT1", ("14", 105246551, "C", "T"), "c.49G>A", "GAG", "p.E17K", "Gag/Aag", 17, 3),
    ("EGFR", ("7", 55259515, "T", "G"), "c.2573T>G", "CTG", "p.L858R", "cTg/cGg", 858, 21),
]


def synthetic_reference_text() -> str:
    """The SYNTHETIC region FASTA: exons holding CDS of the four genes ±20 bp, arbitrary bases, hotspot codons set."""
    genes = load_genes("GRCh37")
    rng = random.Random(37)
    regions: dict[str, list[tuple[int, int]]] = {}
    for symbol, *_ in HOTSPOTS_GRCH37:
        gene = genes.get(symbol)
        for start, end in gene.exons:
            if end > gene.cds_start and start < gene.cds_end:
                regions.setdefault(gene.chrom, []).append((start - 20, end + 20))
    sequences: dict[tuple[str, int, int], list[str]] = {
        (chrom, start, end): [rng.choice("ACGT") for _ in range(end - start)]
        for chrom, spans in sorted(regions.items()) for start, end in sorted(spans)}
    for symbol, (chrom, _, _, _), _, codon, _, _, number, _ in HOTSPOTS_GRCH37:
        gene = genes.get(symbol)
        tm = transcript_map(gene)
        for offset, base in enumerate(codon):
            genomic = tm.genomic_of_c(CPos("cds", 3 * (number - 1) + offset + 1))
            plus_base = base if gene.strand == "+" else reverse_complement(base)
            for (c, start, end), bases in sequences.items():
                if c == chrom and start <= genomic < end:
                    bases[genomic - start] = plus_base
    lines = []
    for (chrom, start, end), bases in sequences.items():
        lines.append(f">{chrom}:{start + 1}-{end}")
        text = "".join(bases)
        lines.extend(text[i:i + 60] for i in range(0, len(text), 60))
    return "\n".join(lines) + "\n"


def test_committed_synthetic_fasta_is_reproducible() -> None:
    assert SYNTHETIC_FASTA.read_text() == synthetic_reference_text(), "regenerate: python -m tests.test_consequence"


@pytest.fixture(scope="module")
def reference():
    from hpdgenomics.readers.fasta import open_reference_fasta

    with open_reference_fasta(SYNTHETIC_FASTA, build="GRCh37") as fasta:
        yield fasta


@pytest.mark.parametrize("case", HOTSPOTS_GRCH37, ids=[c[0] for c in HOTSPOTS_GRCH37])
def test_real_transcript_hotspots_with_the_synthetic_fasta(case, reference) -> None:
    symbol, (chrom, pos, ref, alt), hgvsc, _, protein, codons, codon, exon = case
    gene = load_genes("GRCh37").get(symbol)
    effect = predict(gene, chrom, pos, ref, alt, reference)
    assert (effect.hgvsc, effect.protein_change, effect.codons, effect.codon, effect.exon) == (
        hgvsc, protein, codons, codon, exon)
    assert effect.consequence_class is ConsequenceClass.MISSENSE and effect.undetermined is None
    plain = predict(gene, chrom, pos, ref, alt)
    assert (plain.hgvsc, plain.codon, plain.protein_change) == (hgvsc, codon, None)
    assert plain.consequence_class is ConsequenceClass.CODING_UNDETERMINED


def test_reference_that_does_not_cover_the_cds_leaves_residues_undetermined(reference) -> None:
    gene = load_genes("GRCh37").get("PIK3CA")  # not in the synthetic FASTA
    effect = predict(gene, "3", 178952085, "A", "G", reference)
    assert effect.protein_change is None and "does not cover" in effect.undetermined
    assert effect.consequence_class is ConsequenceClass.CODING_UNDETERMINED


# ------------------------------------------------------------------------------------------ properties

REAL = [load_genes(build).get(symbol) for build in ("GRCh37", "GRCh38")
        for symbol in ("BRAF", "EGFR", "KRAS", "AKT1", "PIK3CA", "TP53", "STK11", "PTEN")]
ALL_GENES = [*REAL, GENES["+"], GENES["-"]]


class HashSequence:
    """Deterministic pseudo-random bases at any coordinate (for property tests on real transcripts)."""

    def fetch(self, chrom: str, start: int, end: int) -> str:
        return "".join("ACGT"[(p * 2654435761 >> 7) % 4] for p in range(max(0, start), end))


@settings(max_examples=300, deadline=None)
@given(st.sampled_from(ALL_GENES), st.data())
def test_c_position_round_trips_along_exons_and_introns(gene, data) -> None:
    tm = transcript_map(gene)
    position = data.draw(st.integers(gene.start, gene.end - 1))
    cpos = tm.c_position(position)
    assert cpos is not None and tm.genomic_of_c(cpos) == position
    offset = tm.tx_offset(position)
    assert (offset is None) == (cpos.offset != 0)
    if offset is not None:
        assert tm.genomic_of_tx(offset) == position and tm.c_of_tx(offset) == cpos


@settings(max_examples=200, deadline=None)
@given(st.sampled_from(ALL_GENES), st.data())
def test_cds_numbering_increases_along_the_transcript(gene, data) -> None:
    tm = transcript_map(gene)
    index = data.draw(st.integers(0, tm.cds_length - 2))
    here = tm.genomic_of_c(CPos("cds", index + 1))
    there = tm.genomic_of_c(CPos("cds", index + 2))
    assert (there > here) == (gene.strand == "+")


ALLELE = st.text(alphabet="ACGTN", min_size=0, max_size=8)


@settings(max_examples=400, deadline=None)
@given(st.sampled_from(ALL_GENES), st.data(), st.booleans())
def test_predict_never_raises_and_writes_canonical_changes(gene, data, with_sequence) -> None:
    position = data.draw(st.integers(max(1, gene.start - 7000), gene.end + 7000))
    ref = data.draw(st.text(alphabet="ACGT", min_size=1, max_size=12))
    alt = data.draw(ALLELE)
    alt = alt or ref[0]
    source = (SEQUENCE if gene.symbol.startswith("SYN") else HashSequence()) if with_sequence else None
    effect = predict(gene, gene.chrom, position, ref, alt, source)
    assert isinstance(effect.consequence_class, ConsequenceClass)
    if effect.protein_change is not None:
        parsed = parse_protein_change(effect.protein_change)
        assert parsed is not None and parsed.text == effect.protein_change
    if effect.hgvsc is not None:
        assert effect.hgvsc.startswith("c.")
    if effect.consequence_class is ConsequenceClass.CODING_UNDETERMINED:
        assert effect.undetermined is not None and effect.protein_change is None


if __name__ == "__main__":  # regenerate the committed synthetic FASTA and its index
    import pysam

    target = Path(sys.argv[1]) if len(sys.argv) > 1 else SYNTHETIC_FASTA
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(synthetic_reference_text())
    Path(f"{target}.fai").unlink(missing_ok=True)
    pysam.faidx(str(target))
    print(f"wrote {target} (+ .fai)")
