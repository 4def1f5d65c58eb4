"""``hpd-label``: read the measurements, choose the time points, compute the quantities, apply every definition."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

from hpdgenomics.errors import OptionError
from hpdgenomics.outcomes.definitions import DefinitionSet, Label, label, load_definitions
from hpdgenomics.outcomes.growth import Quantities, compute
from hpdgenomics.outcomes.long_form import read_long_form
from hpdgenomics.outcomes.sdtm import read_sdtm
from hpdgenomics.outcomes.series import MeasurementSet
from hpdgenomics.outcomes.timepoints import TimePointChoice, select_time_points
from hpdgenomics.outcomes.wide import read_wide


@dataclass(frozen=True)
class LabelOptions:
    """Everything ``hpd-label`` needs: one measurement input, the choices, and where to write."""

    out_dir: Path
    measurements: Path | None = None  # long form (sums or lesion rows)
    wide: Path | None = None  # one row per patient (Ferté-style)
    wide_columns: Mapping[str, str] = field(default_factory=dict)
    sdtm_tr: Path | None = None
    sdtm_tu: Path | None = None
    sdtm_rs: Path | None = None
    treatment: Path | None = None  # per-patient treatment_start (and treatment_failure_date)
    definitions: Path | None = None  # another definitions YAML (default: the bundled one)
    time_points: TimePointChoice = field(default_factory=TimePointChoice)
    min_interval_days: int = 1
    force: bool = False

    def __post_init__(self) -> None:
        given = [name for name in ("measurements", "wide", "sdtm_tr") if getattr(self, name) is not None]
        if len(given) != 1:
            raise OptionError("give exactly one of --measurements, --wide or --sdtm-tr")
        if (self.sdtm_tu or self.sdtm_rs) and self.sdtm_tr is None:
            raise OptionError("--sdtm-tu and --sdtm-rs go with --sdtm-tr")
        if self.min_interval_days < 1:
            raise OptionError("--min-interval-days must be at least 1")


@dataclass(frozen=True)
class PatientLabels:
    """One patient's quantities and one label per definition."""

    quantities: Quantities
    labels: dict[str, Label]


@dataclass(frozen=True)
class LabelResult:
    """What ``hpd-label`` found, ready for the writers."""

    patients: list[PatientLabels]
    definitions: DefinitionSet
    measurements: MeasurementSet
    options: LabelOptions

    def counts(self) -> dict[str, dict[str, int]]:
        """Per definition: patients called HPD, no_HPD and not_evaluable."""
        table: dict[str, dict[str, int]] = {}
        for definition in self.definitions.definitions:
            calls = [p.labels[definition.id].call for p in self.patients]
            table[definition.id] = {c: calls.count(c) for c in ("HPD", "no_HPD", "not_evaluable")}
        return table


def read_measurements(options: LabelOptions) -> MeasurementSet:
    """The one measurement input of ``options``, read by its reader."""
    if options.wide is not None:
        return read_wide(options.wide, options.wide_columns)
    if options.sdtm_tr is not None:
        return read_sdtm(options.sdtm_tr, options.sdtm_tu, options.sdtm_rs, options.treatment)
    assert options.measurements is not None  # checked by LabelOptions
    return read_long_form(options.measurements, options.treatment)


def label_patients(options: LabelOptions) -> LabelResult:
    """Every patient's quantities and labels (nothing is written here)."""
    definitions = load_definitions(options.definitions)
    measurements = read_measurements(options)
    patients = []
    for series in measurements.patients:
        points = select_time_points(series, options.time_points)
        quantities = compute(series, points, definitions.recist, options.min_interval_days)
        patients.append(PatientLabels(quantities, {d.id: label(d, quantities) for d in definitions.definitions}))
    return LabelResult(patients, definitions, measurements, options)
