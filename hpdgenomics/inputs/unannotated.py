"""Annotate VCF records that carry no VEP/snpEff/bcftools annotation, from the bundled transcript models.

The VCF reader hands over the records it counted as *unannotated* (:class:`~hpdgenomics.readers.small_variants.vcf.
UnannotatedRecord`); :func:`annotate_records` places each ALT on the rule genes it falls in (one transcript per gene:
MANE Select where it exists), predicts its effect (:mod:`hpdgenomics.genome.consequence`), reading codons from a
reference FASTA when one is given, and returns the variants with an exact tally and the coverage gaps they leave.
Every record ends either kept or skipped under a named reason; :func:`fold_into` moves these counts into the VCF's
own tally, so each record is counted once.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from typing import NamedTuple

from hpdgenomics.genome.consequence import NO_SEQUENCE, UP_DOWN_DISTANCE, Effect, predict
from hpdgenomics.genome.reference import Gene, GeneTable, load_genes
from hpdgenomics.model import AlterationKind, CoverageGap, Origin, ReadTally, SmallVariant
from hpdgenomics.readers.fasta import ReferenceFasta
from hpdgenomics.readers.small_variants.vcf import UnannotatedRecord

SKIP_OUTSIDE_RULE_GENES = "unannotated record outside every rule gene (transcript models, ±5 kb)"
SKIP_OUTSIDE_GENES = "unannotated record outside every gene (transcript models, ±5 kb)"
SKIP_REF_MISMATCH = "unannotated record whose REF differs from the reference FASTA"
SKIP_NOT_IN_FASTA = "unannotated record at a position the reference FASTA does not hold"
SKIP_NOT_BASES = "unannotated record with REF/ALT other than A, C, G, T, N"
_BASES = frozenset("ACGTN")


class AnnotatedRecords(NamedTuple):
    """What :func:`annotate_records` made: variants, the count of every record, and the genes left not assessed."""

    variants: list[SmallVariant]
    tally: ReadTally
    gaps: tuple[CoverageGap, ...]


def annotate_records(
    records: Iterable[UnannotatedRecord],
    build: str,
    genes: frozenset[str] | None = None,
    fasta: ReferenceFasta | None = None,
    *,
    path: str = "",
    table: GeneTable | None = None,
) -> AnnotatedRecords:
    """Turn unannotated VCF records into :class:`SmallVariant` objects on the genes in ``genes`` (None: all).

    ``fasta`` supplies the codons (and is checked against each REF); without it, coding substitutions are kept with
    class ``coding_undetermined``. ``path`` names the VCF in the tally; ``table`` overrides the bundled gene table.
    """
    table = table or load_genes(build)
    tally = ReadTally(path=path, unit="unannotated VCF records, annotated from transcript models")
    variants: list[SmallVariant] = []
    undetermined: dict[str, dict[str, list[str]]] = {}  # gene → reason → variants
    unchecked: dict[str, Counter[str]] = {}
    windows = _windows(table, genes) if genes is not None else None
    for record in records:
        near = _genes_near(table, record, windows)
        if not _plain_bases(record):
            tally.skip(SKIP_NOT_BASES)
            _note_genes(unchecked, near, SKIP_NOT_BASES)
            continue
        if not near:
            tally.skip(SKIP_OUTSIDE_GENES if genes is None else SKIP_OUTSIDE_RULE_GENES)
            continue
        if fasta is not None:
            reason = _fasta_problem(fasta, record)
            if reason is not None:
                tally.skip(reason)
                _note_genes(unchecked, near, reason)
                continue
        made = []
        for index, alt in enumerate(record.alts):
            for gene in near:
                effect = predict(gene, record.chrom, record.pos, record.ref, alt, fasta)
                if not effect.in_transcript or not effect.terms:
                    continue
                made.append(_variant(record, index, alt, gene, effect))
                if effect.undetermined:
                    undetermined.setdefault(gene.symbol, {}).setdefault(effect.undetermined, []).append(
                        _describe(record, alt, effect))
        if made:
            variants.extend(made)
            tally.keep()
        else:
            tally.skip(SKIP_OUTSIDE_GENES if genes is None else SKIP_OUTSIDE_RULE_GENES)
    if tally.read:
        tally.notes.append(_method_note(fasta))
    return AnnotatedRecords(variants, tally, _gaps(undetermined, unchecked))


def fold_into(vcf_tally: ReadTally, annotated: ReadTally, unannotated_reason: str) -> None:
    """Replace the ``unannotated_reason`` count of the VCF's tally by what became of those records.

    Afterwards each record of the file is counted once: kept, or skipped under its own reason.
    """
    moved = vcf_tally.skipped.get(unannotated_reason, 0)
    if moved != annotated.read:
        raise ValueError(f"{annotated.read} records were annotated but the VCF tally counts {moved} as unannotated")
    if moved:
        del vcf_tally.skipped[unannotated_reason]
    vcf_tally.read -= moved
    vcf_tally.read += annotated.read
    vcf_tally.kept += annotated.kept
    vcf_tally.skipped.update(annotated.skipped)
    vcf_tally.notes.extend(annotated.notes)


def _plain_bases(record: UnannotatedRecord) -> bool:
    return bool(record.ref) and set(record.ref.upper()) <= _BASES and all(
        alt and set(alt.upper()) <= _BASES for alt in record.alts)


def _windows(table: GeneTable, genes: frozenset[str]) -> dict[str, list[tuple[int, int, Gene]]]:
    """Per contig, each wanted gene's transcript span widened by the up/downstream window (0-based, half-open)."""
    windows: dict[str, list[tuple[int, int, Gene]]] = {}
    for symbol in sorted(genes):
        gene = table.get(symbol)
        if gene is not None:
            windows.setdefault(gene.chrom, []).append(
                (gene.start - UP_DOWN_DISTANCE, gene.end + UP_DOWN_DISTANCE, gene))
    return windows


def _genes_near(table: GeneTable, record: UnannotatedRecord,
                windows: dict[str, list[tuple[int, int, Gene]]] | None) -> list[Gene]:
    """Genes whose transcript lies within the up/downstream window of the record (only the wanted ones)."""
    start, end = record.pos - 1, record.pos - 1 + max(1, len(record.ref))
    if windows is not None:  # a few dozen rule genes: a scan of their windows beats the whole-genome index
        return [gene for low, high, gene in windows.get(record.chrom, ()) if low < end and start < high]
    found = table.genes_overlapping(record.chrom, max(0, start - UP_DOWN_DISTANCE), end + UP_DOWN_DISTANCE)
    return sorted(found, key=lambda g: g.symbol)


def _fasta_problem(fasta: ReferenceFasta, record: UnannotatedRecord) -> str | None:
    matches = fasta.ref_matches(record.chrom, record.pos, record.ref)
    if matches is None:
        return SKIP_NOT_IN_FASTA
    return None if matches else SKIP_REF_MISMATCH


def _variant(record: UnannotatedRecord, index: int, alt: str, gene: Gene, effect: Effect) -> SmallVariant:
    annotation = f"hpdgenomics transcript model ({gene.transcript})"
    if effect.undetermined == NO_SEQUENCE:
        annotation += f"; {NO_SEQUENCE}"
    elif effect.undetermined:
        annotation += f"; {effect.undetermined}"
    return SmallVariant(
        gene=gene.symbol, chrom=record.chrom, pos=record.pos, ref=record.ref, alt=alt,
        consequence_class=effect.consequence_class, consequence_terms=effect.terms,
        protein_change=effect.protein_change, transcript=gene.transcript,
        hgvsc=f"{gene.transcript}:{effect.hgvsc}" if effect.hgvsc else None, exon=effect.exon,
        vaf=record.vaf[index], depth=record.depth[index], alt_reads=record.alt_reads[index], filter=record.filter,
        origin=Origin.SOMATIC if record.somatic else Origin.UNKNOWN, annotation=annotation, source=record.source,
    )


def _describe(record: UnannotatedRecord, alt: str, effect: Effect) -> str:
    parts = [f"{record.chrom}:{record.pos} {record.ref}>{alt}"]
    if effect.hgvsc:
        parts.append(effect.hgvsc)
    if effect.codon:
        parts.append(f"codon {effect.codon}")
    return " ".join(parts)


def _note_genes(unchecked: dict[str, Counter[str]], genes: list[Gene], reason: str) -> None:
    for gene in genes:
        unchecked.setdefault(gene.symbol, Counter())[reason] += 1


def _gaps(undetermined: dict[str, dict[str, list[str]]],
          unchecked: dict[str, Counter[str]]) -> tuple[CoverageGap, ...]:
    """One gap per rule gene whose unannotated records could not be fully interpreted, with the reasons."""
    reasons: dict[str, list[str]] = {}
    for gene, by_reason in undetermined.items():
        for reason, described in sorted(by_reason.items()):
            shown = "; ".join(described[:3]) + (f"; and {len(described) - 3} more" if len(described) > 3 else "")
            if reason == NO_SEQUENCE:
                why = ("changes the coding sequence, but without a reference FASTA its residues were not determined, "
                       "so protein-change rules could not be checked (give a reference FASTA)")
            else:
                why = f"changes the coding sequence, but {reason}"
            reasons.setdefault(gene, []).append(f"{len(described)} unannotated variant(s) ({shown}) {why}")
    for gene, counts in unchecked.items():
        for reason, count in sorted(counts.items()):
            reasons.setdefault(gene, []).append(f"{count} record(s) within 5 kb of {gene} skipped: {reason}")
    return tuple(CoverageGap(gene, AlterationKind.SMALL_VARIANT, "; ".join(texts))
                 for gene, texts in sorted(reasons.items()))


def _method_note(fasta: ReferenceFasta | None) -> str:
    text = ("records without CSQ/ANN/BCSQ/EFF were annotated from the bundled transcript models (one transcript per "
            "gene: MANE Select where it exists)")
    if fasta is None:
        return text + "; no reference FASTA was given, so coding substitutions have no protein change"
    return text + f", with codons read from {fasta.path}"
