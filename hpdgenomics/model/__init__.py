"""Frozen data model shared by readers, engine and reports (imports nothing from the rest of the package)."""

from hpdgenomics.model.alterations import (
    CopyNumberCall,
    CopyNumberEvent,
    CopyNumberPart,
    CopyNumberSegment,
    CopyNumberState,
    Origin,
    Rearrangement,
    SmallVariant,
)
from hpdgenomics.model.biomarkers import ClinicalValues, Microsatellites, MsiStatus, TumourMutationalBurden
from hpdgenomics.model.coverage import AlterationKind, Coverage, CoverageGap, GeneScope
from hpdgenomics.model.profile import SampleProfile
from hpdgenomics.model.qc import ReadTally
from hpdgenomics.model.sample import InputFile, Sample
from hpdgenomics.model.vocab import ConsequenceClass

__all__ = [
    "AlterationKind",
    "ClinicalValues",
    "ConsequenceClass",
    "CopyNumberCall",
    "CopyNumberEvent",
    "CopyNumberPart",
    "CopyNumberSegment",
    "CopyNumberState",
    "Coverage",
    "CoverageGap",
    "GeneScope",
    "InputFile",
    "Microsatellites",
    "MsiStatus",
    "Origin",
    "ReadTally",
    "Rearrangement",
    "Sample",
    "SampleProfile",
    "SmallVariant",
    "TumourMutationalBurden",
]
