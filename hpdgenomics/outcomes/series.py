"""What ``hpd-label`` works on: each patient's scans (sum of target-lesion diameters, with dates) and treatment dates.

Every reader (long form, lesion rows, SDTM, the wide Ferté-style table) produces these; the time points, growth
quantities and definitions never see a file format.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date


@dataclass(frozen=True)
class Scan:
    """One imaging assessment of one patient."""

    date: date | None  # None: missing or partial date (the scan is kept, quantities that need it are not evaluable)
    sum_mm: float  # sum of the longest diameters of the target lesions, millimetres
    source: str  # "file:line" of the (first) row the scan came from
    new_lesion_organs: int | None = None  # organs with new lesions at this scan (None: not given)
    response: str | None = None  # overall response recorded at this scan (CR/PR/SD/PD/NE), when the input has one
    role: str | None = None  # "pre_baseline", "baseline" or "first_evaluation" when the input names it (wide tables)
    visit: str | None = None  # the visit label, when the input has one (SDTM VISIT)


@dataclass
class PatientSeries:
    """One patient's scans in date order and the treatment dates."""

    patient_id: str
    scans: list[Scan] = field(default_factory=list)
    treatment_start: date | None = None
    treatment_failure: date | None = None
    source: str = ""


@dataclass(frozen=True)
class TimePoints:
    """The three scans the quantities use, and how they were chosen (stated in every output)."""

    pre_baseline: Scan | None
    baseline: Scan | None
    first_evaluation: Scan | None
    basis: str
    problem: str | None = None  # why a time point is missing, when one is


@dataclass(frozen=True)
class MeasurementSet:
    """Everything a reader produced: the patients, what was read, and notes for the output."""

    patients: list[PatientSeries]
    source: str
    rows_read: int
    rows_used: int
    skipped: dict[str, int] = field(default_factory=dict)
    notes: tuple[str, ...] = ()
