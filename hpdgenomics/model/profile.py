"""Everything the readers learned about one tumour, ready for the rules engine."""

from __future__ import annotations

from dataclasses import dataclass

from hpdgenomics.model.alterations import (
    CopyNumberCall,
    CopyNumberEvent,
    CopyNumberSegment,
    Rearrangement,
    SmallVariant,
)
from hpdgenomics.model.biomarkers import ClinicalValues, Microsatellites, TumourMutationalBurden
from hpdgenomics.model.coverage import Coverage
from hpdgenomics.model.qc import ReadTally
from hpdgenomics.model.sample import InputFile, Sample


@dataclass(frozen=True)
class SampleProfile:
    """One sample's alterations, what the inputs covered, and how the records were counted."""

    sample: Sample
    variants: tuple[SmallVariant, ...]
    copy_number: tuple[CopyNumberCall, ...]
    coverage: Coverage
    qc: tuple[ReadTally, ...]
    inputs: tuple[InputFile, ...]
    copy_number_events: tuple[CopyNumberEvent, ...] = ()
    copy_number_settings: dict[str, object] | None = None  # purity, ploidy, thresholds and their sources
    tmb: TumourMutationalBurden | None = None
    msi: Microsatellites | None = None
    clinical: ClinicalValues | None = None
    rearrangements: tuple[Rearrangement, ...] = ()
    copy_number_segments: tuple[CopyNumberSegment, ...] = ()  # the genome-wide profile, for the report's figures

    def biomarkers(self) -> tuple[TumourMutationalBurden | Microsatellites, ...]:
        """The sample-level biomarkers that have a value."""
        return tuple(b for b in (self.tmb, self.msi) if b is not None)

    def variants_in(self, gene: str) -> tuple[SmallVariant, ...]:
        return tuple(v for v in self.variants if v.gene == gene)

    def copy_number_in(self, gene: str) -> tuple[CopyNumberCall, ...]:
        return tuple(c for c in self.copy_number if c.gene == gene)

    def rearrangements_in(self, gene: str) -> tuple[Rearrangement, ...]:
        return tuple(r for r in self.rearrangements if gene in r.genes)
