"""The alteration model every reader produces and every rule reads."""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum

from hpdgenomics.model.vocab import ConsequenceClass


class Origin(str, Enum):
    """Where a variant comes from, as the input says (unknown when the input does not say)."""

    SOMATIC = "somatic"
    GERMLINE = "germline"
    UNKNOWN = "unknown"


@dataclass(frozen=True, slots=True)
class SmallVariant:
    """One ALT allele of one record, annotated for one gene (on the transcript the reader chose)."""

    gene: str
    chrom: str
    pos: int | None  # 1-based; None when the input gives no position (minimal cBioPortal MAF)
    ref: str
    alt: str
    consequence_class: ConsequenceClass
    consequence_terms: tuple[str, ...] = ()
    protein_change: str | None = None  # canonical one-letter HGVS, e.g. "p.E17K"
    transcript: str | None = None
    hgvsc: str | None = None
    exon: int | None = None
    vaf: float | None = None
    depth: int | None = None
    alt_reads: int | None = None
    filter: str = "PASS"
    origin: Origin = Origin.UNKNOWN
    annotation: str = ""  # which annotation and transcript choice, e.g. "VEP CSQ: MANE_SELECT"
    source: str = ""  # "file:line" (or "file:chrom:pos" when read by region)
    # What the input itself says of the variant's significance, "column: value" (e.g. "ONCOGENIC: Likely
    # Oncogenic", "cbp_driver: Putative_Driver"); None when the input has no such column or leaves it blank.
    input_oncogenicity: str | None = None
    # The variant's significance class (hpdgenomics.significance: hotspot, truncating, known, oncogenic, vus) and
    # what gave it; None until the significance layer has classified the variant (or when it is not protein-altering).
    significance: str | None = None
    significance_source: str = ""

    @property
    def label(self) -> str:
        """Short human label: the protein change when known, else the genomic change."""
        if self.protein_change:
            return self.protein_change
        if self.pos:
            return f"{self.chrom}:{self.pos}{self.ref}>{self.alt}"
        return self.consequence_class.value.replace("_", " ")


class CopyNumberState(str, Enum):
    """Gene-level copy-number call."""

    AMPLIFICATION = "amplification"
    GAIN = "gain"
    NEUTRAL = "neutral"
    LOSS = "loss"
    DEEP_DELETION = "deep_deletion"


@dataclass(frozen=True, slots=True)
class CopyNumberPart:
    """One segment (or bin set) that overlaps a gene, with what it says on its own."""

    chrom: str
    start: int  # 0-based, half-open, the whole segment (not clipped to the gene)
    end: int
    overlap_bp: int  # bases of the gene span this segment covers
    state: CopyNumberState
    copy_number: float | None = None
    log2: float | None = None
    source: str = ""  # "file:line"
    minor_copy_number: float | None = None  # allele-specific callers only
    note: str = ""  # e.g. "amplification not called: segment too small (2 markers, 79 bp; ...)"

    @property
    def length(self) -> int:
        return self.end - self.start


@dataclass(frozen=True, slots=True)
class CopyNumberCall:
    """A gene-level copy-number call, with the segments behind it and how it was derived."""

    gene: str
    state: CopyNumberState
    copy_number: float | None = None  # absolute (purity-adjusted when a purity was given); None for discrete calls
    log2: float | None = None  # the input's log2 ratio of the deciding segment, before any purity adjustment
    chrom: str | None = None
    start: int | None = None  # the deciding segment, 0-based half-open
    end: int | None = None
    fraction_covered: float | None = None  # share of the gene span with a segment over it
    focal: bool | None = None  # the deciding segment is no longer than the focal limit
    source: str = ""
    method: str = ""  # how the state was reached, e.g. "log2 -> copy number (purity 0.4, ploidy 2)"
    parts: tuple[CopyNumberPart, ...] = ()
    gene_start: int | None = None  # the gene's span on its chromosome (0-based half-open), when segments placed it
    gene_end: int | None = None
    # Allele-specific state, from callers that give major/minor copy numbers (ASCAT, PURPLE, FACETS, ...).
    # None = not assessed (total copy number or log2 input only), never "no LOH".
    minor_copy_number: float | None = None
    loh: bool | None = None

    @property
    def label(self) -> str:
        """Short human label, e.g. "amplification (copy number 14)"."""
        state = self.state.value.replace("_", " ")
        return f"{state} (copy number {self.copy_number:g})" if self.copy_number is not None else state


@dataclass(frozen=True, slots=True)
class CopyNumberSegment:
    """One segment of the genome-wide profile (for the report's figures), 0-based half-open."""

    chrom: str
    start: int
    end: int
    log2: float | None
    copy_number: float | None
    state: CopyNumberState


@dataclass(frozen=True, slots=True)
class CopyNumberEvent:
    """Genes amplified together on one stretch of a chromosome (e.g. MDM2 with CDK4 on 12q14-q15)."""

    kind: str  # "co_amplification"
    chrom: str
    genes: tuple[str, ...]
    cytobands: tuple[str, ...]
    start: int
    end: int
    note: str


@dataclass(frozen=True, slots=True)
class Rearrangement:
    """A structural variant between two genes (a fusion) or within one gene, as a structural-variant caller or
    a cBioPortal SV table reports it."""

    genes: tuple[str, ...]  # the distinct genes named, 5' partner first when the input says which is which
    kind: str  # "fusion" (two different genes) or "rearrangement" (one gene: intragenic, or partner unknown)
    sv_class: str = ""  # the input's own class (DELETION, INVERSION, TRANSLOCATION, FUSION …)
    chrom1: str | None = None
    pos1: int | None = None
    chrom2: str | None = None
    pos2: int | None = None
    in_frame: bool | None = None
    description: str = ""  # the input's event text, e.g. "Transcript fusion (TMPRSS2-ERG)"
    source: str = ""

    @property
    def label(self) -> str:
        """"EML4-ALK fusion" or "ERBB2 intragenic rearrangement"."""
        if self.kind == "fusion":
            return "-".join(self.genes) + " fusion"
        return f"{self.genes[0]} intragenic rearrangement" if self.genes else "rearrangement"
