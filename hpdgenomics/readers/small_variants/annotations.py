"""Consequence annotations inside VCF INFO fields: VEP ``CSQ``, snpEff ``ANN`` and legacy ``EFF``, bcftools ``BCSQ``.

Each dialect is parsed into :class:`TranscriptAnnotation` records; :func:`choose_per_gene` then keeps one
transcript per gene and says why it chose it, so that the report can state which transcript a protein change is on.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from urllib.parse import unquote

from hpdgenomics.model.protein import parse_protein_change
from hpdgenomics.model.vocab import BCSQ_TO_SO, SNPEFF_LEGACY_TO_SO, SO_SEVERITY, most_severe_term

# INFO keys in the order we prefer them when a file carries more than one annotation.
ANNOTATION_KEYS = ("CSQ", "ANN", "BCSQ", "EFF")
ANNOTATION_NAMES = {"CSQ": "VEP CSQ", "ANN": "snpEff ANN", "BCSQ": "bcftools BCSQ", "EFF": "snpEff EFF"}

_FORMAT_RE = re.compile(r"Format:\s*'?\s*([^'\"]+?)\s*'?\s*\"?\s*$")
_EFF_RE = re.compile(r"^(?P<effect>[A-Za-z0-9_+&]+)\((?P<fields>.*)\)$")


@dataclass(frozen=True, slots=True)
class TranscriptAnnotation:
    """One annotation entry: an allele's consequence on one transcript of one gene."""

    allele: str | None  # allele as the annotator wrote it (None when the dialect does not say)
    allele_num: int | None  # 1-based ALT index when the annotator gives it (VEP --allele_number)
    gene: str
    transcript: str | None
    terms: tuple[str, ...]
    hgvsc: str | None
    protein_change: str | None
    exon: int | None
    biotype: str | None
    picked: bool = False  # VEP --pick / --flag_pick
    mane_select: bool = False
    canonical: bool = False

    @property
    def severity(self) -> int:
        term = most_severe_term(self.terms)
        return SO_SEVERITY.get(term, len(SO_SEVERITY)) if term else len(SO_SEVERITY)


def header_fields(description: str) -> list[str] | None:
    """Field names from a CSQ/ANN/EFF header description (``... Format: A|B|C``), or None when absent."""
    match = _FORMAT_RE.search(description.strip())
    if not match:
        return None
    text = match.group(1)
    if "(" in text:  # legacy EFF: 'Effect ( Effect_Impact | ... )'
        text = text.replace("(", "|").replace(")", "").replace("[", "").replace("]", "")
    return [field.strip() for field in text.split("|") if field.strip()]


def _exon_number(text: str | None) -> int | None:
    """'19/28' → 19; '' / '3-4/28' (VEP multi-exon) → first number; anything else → None."""
    if not text:
        return None
    head = text.split("/", 1)[0].split("-", 1)[0].strip()
    return int(head) if head.isdigit() else None


def _protein(hgvsp: str | None) -> str | None:
    if not hgvsp:
        return None
    return _canonical(unquote(hgvsp))


def _canonical(text: str) -> str | None:
    change = parse_protein_change(text)
    return change.text if change else None


def _vep_protein_from_codon(amino_acids: str, position: str) -> str | None:
    """Fallback when HGVSp is empty (VEP run without --hgvs): 'E/K' at '17/480' → p.E17K (SNV changes only)."""
    if not amino_acids or not position:
        return None
    pos = position.split("/", 1)[0]
    parts = amino_acids.split("/")
    if not pos.isdigit():
        return None
    if len(parts) == 1 and len(parts[0]) == 1:
        return _canonical(f"p.{parts[0]}{pos}=")
    if len(parts) == 2 and len(parts[0]) == 1 and len(parts[1]) == 1:
        return _canonical(f"p.{parts[0]}{pos}{parts[1]}")
    return None


def parse_csq(value: str, fields: list[str]) -> list[TranscriptAnnotation]:
    """Parse a VEP CSQ INFO value; ``fields`` is the header's Format list."""
    index = {name: i for i, name in enumerate(fields)}

    def get(parts: list[str], name: str) -> str:
        i = index.get(name)
        return parts[i] if i is not None and i < len(parts) else ""

    out = []
    for entry in value.split(","):
        parts = entry.split("|")
        gene = get(parts, "SYMBOL") or get(parts, "Gene")
        if not gene:
            continue  # regulatory / intergenic features name no gene
        protein = _protein(get(parts, "HGVSp")) or _vep_protein_from_codon(
            get(parts, "Amino_acids"), get(parts, "Protein_position")
        )
        allele_num = get(parts, "ALLELE_NUM")
        out.append(
            TranscriptAnnotation(
                allele=get(parts, "Allele") or None if "Allele" in index else None,
                allele_num=int(allele_num) if allele_num.isdigit() else None,
                gene=gene,
                transcript=get(parts, "Feature") or None,
                terms=tuple(t for t in get(parts, "Consequence").split("&") if t),
                hgvsc=unquote(get(parts, "HGVSc")) or None,
                protein_change=protein,
                exon=_exon_number(get(parts, "EXON")),
                biotype=get(parts, "BIOTYPE") or None,
                picked=get(parts, "PICK") == "1",
                mane_select=bool(get(parts, "MANE_SELECT") or get(parts, "MANE")),
                canonical=get(parts, "CANONICAL") == "YES",
            )
        )
    return out


def parse_ann(value: str) -> list[TranscriptAnnotation]:
    """Parse a snpEff ANN INFO value (the field order is fixed by the ANN specification)."""
    out = []
    for entry in value.split(","):
        parts = entry.split("|")
        if len(parts) < 11 or not parts[3]:
            continue
        feature_type = parts[5].lower()
        out.append(
            TranscriptAnnotation(
                allele=parts[0] or None,
                allele_num=None,
                gene=parts[3],
                transcript=parts[6] or None,
                terms=tuple(t for t in parts[1].split("&") if t),
                hgvsc=parts[9] or None,
                protein_change=_protein(parts[10]),
                exon=_exon_number(parts[8]) if feature_type == "transcript" and "intron" not in parts[1] else None,
                biotype=parts[7] or None,
            )
        )
    return out


def parse_eff(value: str, fields: list[str] | None) -> list[TranscriptAnnotation]:
    """Parse a legacy snpEff (3.x/4.0) EFF value: ``EFFECT(impact|class|codon|aa|len|gene|...)``."""
    names = [f.lower() for f in (fields or [])][1:]  # first header field is the effect itself
    out = []
    for entry in value.split(","):
        match = _EFF_RE.match(entry.strip())
        if not match:
            continue
        parts = match.group("fields").split("|")
        field = dict(zip(names, parts, strict=False))  # trailing fields are optional if names else {}
        gene = field.get("gene_name") or (parts[5] if len(parts) > 5 else "")
        if not gene:
            continue
        effects = match.group("effect").split("+")
        aa = field.get("amino_acid_change") or (parts[3] if len(parts) > 3 else "")
        out.append(
            TranscriptAnnotation(
                allele=None,
                allele_num=_int(field.get("genotype_number") or field.get("genotype")),
                gene=gene,
                transcript=field.get("transcript") or field.get("transcript_id") or None,
                terms=tuple(SNPEFF_LEGACY_TO_SO.get(e, e.lower()) for e in effects),
                hgvsc=None,
                protein_change=_canonical(aa.split("/", 1)[0]) if aa else None,
                exon=_exon_number(field.get("exon") or field.get("exon_rank")),
                biotype=field.get("gene_biotype") or field.get("transcript_biotype") or None,
            )
        )
    return out


def parse_bcsq(value: str) -> list[TranscriptAnnotation]:
    """Parse a bcftools csq INFO/BCSQ value: ``consequence|gene|transcript|biotype|strand|aa_change|dna_change``.

    Entries starting with ``@`` point to a consequence written at another record (a compound change in phase);
    they carry no annotation of their own and are ignored here.
    """
    out = []
    for entry in value.split(","):
        if not entry or entry.startswith("@"):
            continue
        parts = entry.split("|")
        if len(parts) < 2 or not parts[1]:
            continue
        consequence = parts[0].lstrip("*")  # a leading '*' marks a consequence on a downstream haplotype
        terms = tuple(BCSQ_TO_SO.get(term, term) for term in consequence.split("&") if term)
        aa = parts[5] if len(parts) > 5 else ""
        out.append(
            TranscriptAnnotation(
                allele=parts[6] if len(parts) > 6 and parts[6] else None,  # dna_change, e.g. 105246551C>T
                allele_num=None,
                gene=parts[1],
                transcript=parts[2] if len(parts) > 2 and parts[2] else None,
                terms=terms,
                hgvsc=None,
                protein_change=_canonical(aa) if aa else None,
                exon=None,
                biotype=parts[3] if len(parts) > 3 and parts[3] else None,
            )
        )
    return out


def _int(text: str | None) -> int | None:
    return int(text) if text and text.strip().isdigit() else None


def vep_allele_strings(ref: str, alts: list[str]) -> list[str]:
    """The allele strings VEP writes in CSQ for each ALT (VEP trims a shared first base from indels)."""
    alleles = [ref, *alts]
    if len({len(a) for a in alleles}) > 1 and len({a[:1] for a in alleles}) == 1:
        return [a[1:] or "-" for a in alts]
    return list(alts)


def annotations_for_allele(
    annotations: Iterable[TranscriptAnnotation], key: str, alt_index: int, pos: int, ref: str, alts: list[str]
) -> list[TranscriptAnnotation]:
    """Keep the entries that belong to ALT number ``alt_index`` (0-based) of a record.

    Entries that do not name their allele belong to every ALT; that is only unambiguous for bi-allelic records,
    which is why the VCF reader records multi-allelic records annotated that way in QC notes.
    """
    alt = alts[alt_index]
    if key == "CSQ":
        wanted = vep_allele_strings(ref, alts)[alt_index]
    elif key == "BCSQ":
        wanted = f"{pos}{ref}>{alt}"
    else:
        wanted = alt
    selected = []
    for ann in annotations:
        if ann.allele_num is not None:
            if ann.allele_num == alt_index + 1:
                selected.append(ann)
        elif ann.allele is None or len(alts) == 1 or ann.allele == wanted or ann.allele == alt:
            selected.append(ann)
    return selected


def choose_per_gene(annotations: Iterable[TranscriptAnnotation]) -> dict[str, tuple[TranscriptAnnotation, str]]:
    """One transcript per gene, with the reason: VEP PICK, then MANE Select, then canonical, then most severe.

    The annotator's own order breaks ties (snpEff sorts by severity already).
    """
    by_gene: dict[str, list[TranscriptAnnotation]] = {}
    for ann in annotations:
        by_gene.setdefault(ann.gene, []).append(ann)
    chosen = {}
    for gene, entries in by_gene.items():
        for flag, reason in (("picked", "PICK"), ("mane_select", "MANE_SELECT"), ("canonical", "CANONICAL")):
            flagged = [e for e in entries if getattr(e, flag)]
            if flagged:
                chosen[gene] = (min(flagged, key=lambda e: e.severity), reason)
                break
        else:
            chosen[gene] = (min(entries, key=lambda e: e.severity), "most_severe")
    return chosen
