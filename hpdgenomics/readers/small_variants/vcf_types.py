"""What the VCF reader hands on: the header as read, the records it could not annotate, and the result of a read.

Shared by :mod:`.vcf_header`, :mod:`.vcf_checks` and :mod:`.vcf` (each imports it; it imports none of them).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from hpdgenomics.model.alterations import SmallVariant
from hpdgenomics.model.qc import ReadTally


@dataclass(frozen=True)
class VcfHeader:
    """What the header tells before any record is read."""

    path: Path
    samples: tuple[str, ...]
    tumour_sample_header: str | None  # Mutect2 ##tumor_sample=
    contig_lengths: dict[str, int]  # normalised names
    reference: str | None  # ##reference= / ##assembly= value
    annotation_key: str | None  # the INFO key we will read (CSQ, ANN, BCSQ, EFF)
    annotation_fields: tuple[str, ...] | None
    format_keys: frozenset[str]
    indexed: bool
    header_lines: int
    uses_chr_prefix: bool
    info_keys: frozenset[str] = frozenset()
    declared_build: str | None = None  # the build the user declared (positions are checked against it)



@dataclass(frozen=True, slots=True)
class UnannotatedRecord:
    """A record kept by the FILTER check but carrying no annotation, for annotation from transcript models.

    ``alts`` excludes '.' and '*'; ``vaf``, ``depth`` and ``alt_reads`` are aligned with ``alts``.
    """

    chrom: str  # normalised contig name
    pos: int  # 1-based
    ref: str
    alts: tuple[str, ...]
    filter: str
    vaf: tuple[float | None, ...]
    depth: tuple[int | None, ...]
    alt_reads: tuple[int | None, ...]
    somatic: bool
    source: str  # "file:line" (or "file:chrom:pos" when read by region)



@dataclass
class VcfResult:
    """Variants of the tumour sample plus everything the report needs to say how they were read."""

    sample_id: str
    variants: list[SmallVariant]
    tally: ReadTally
    header: VcfHeader
    mode: str  # "region" or "stream"
    unannotated: list[UnannotatedRecord] = field(default_factory=list)

    @property
    def unannotated_positions(self) -> list[tuple[str, int]]:
        """(contig, 1-based position) of every unannotated record (each counted as skipped in the tally)."""
        return [(record.chrom, record.pos) for record in self.unannotated]
