"""Sample-level biomarkers (tumour mutational burden, microsatellite status) and clinical values.

These are facts about the sample, as an input stated them or as hpdgenomics computed them; whether a value counts
as "high" is decided by the rules (``rules/ici_benefit.yaml``), never here.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import Enum


class MsiStatus(str, Enum):
    """Microsatellite status as reported by an assay (MSIsensor, MSI-PCR, MANTIS …)."""

    MSI_HIGH = "MSI-H"
    MSI_LOW = "MSI-L"
    STABLE = "MSS"
    INDETERMINATE = "indeterminate"


@dataclass(frozen=True, slots=True)
class TumourMutationalBurden:
    """Mutations per megabase, with where the number came from."""

    value: float  # mutations / Mb
    source: str  # e.g. "clinical sheet (column TMB_NONSYNONYMOUS)" or "computed from small variants"
    method: str = ""  # what was counted over what size, in words
    variants_counted: int | None = None
    panel_size_mb: float | None = None

    name = "TMB"

    @property
    def label(self) -> str:
        return f"TMB {self.value:.1f} mut/Mb"


@dataclass(frozen=True, slots=True)
class Microsatellites:
    """Microsatellite status of the tumour, with the assay's score when the input gives one."""

    status: MsiStatus | None  # None: a score was given but no status (thresholds differ between assays)
    source: str
    score: float | None = None
    raw: str = ""  # the input's own wording, e.g. "Instable"

    name = "MSI"

    @property
    def label(self) -> str:
        if self.status is None:
            return f"MSI score {self.score:g} (no status)" if self.score is not None else "MSI status unknown"
        return self.status.value + (f" (score {self.score:g})" if self.score is not None else "")


@dataclass(frozen=True, slots=True)
class ClinicalValues:
    """Clinical values of one sample from a clinical sheet, keyed by the tool's field names (e.g. ``ecog``).

    Values stay as the sheet wrote them; the clinical-factor rules say how to read each one.
    """

    source: str
    values: dict[str, str] = field(default_factory=dict)
    columns: dict[str, str] = field(default_factory=dict)  # field → the sheet's column name

    def get(self, name: str) -> str | None:
        value = self.values.get(name)
        return value if value not in (None, "") else None
