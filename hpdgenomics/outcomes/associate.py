"""``associate``: test every feature against every outcome, among the samples where the feature was assessed.

Binary outcomes (progressive disease as best response, no clinical benefit, HPD by each definition): 2×2 table,
Fisher's exact p and the conditional odds ratio with its 95% CI. Survival (OS, PFS): Kaplan–Meier medians, log-rank
p and the Cox hazard ratio with its 95% CI (or a Cox model stratified by tumour type, whose p is then reported).
Benjamini–Hochberg q-values per outcome over the tested features. A feature with fewer than ``min_carriers``
carriers (or non-carriers) among the assessed samples with the outcome is listed but not tested.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from hpdgenomics.errors import OptionError
from hpdgenomics.outcomes.features import NOT_ASSESSED, PRESENT, FeatureMatrix, read_cohort_features, read_feature_table
from hpdgenomics.outcomes.join import Joined, join
from hpdgenomics.outcomes.outcome_readers import OutcomeTable, link_samples, read_outcomes
from hpdgenomics.outcomes.stats import bh_q_values, fisher, require_libraries, survival

DEFAULT_MIN_CARRIERS = 3
SURVIVAL = ("os", "pfs")


@dataclass(frozen=True)
class AssociateOptions:
    """Everything ``associate`` needs."""

    out_dir: Path
    cohort_dir: Path | None = None
    features: Path | None = None
    sample_column: str | None = None
    patient_column: str | None = None  # in the feature table: each sample's patient
    feature_columns: tuple[str, ...] = ()
    outcomes: tuple[Path, ...] = ()
    outcome_columns: Mapping[str, str] = field(default_factory=dict)
    outcome_id_column: str | None = None
    time_unit: str = "months"
    sample_patient: Path | None = None
    min_carriers: int = DEFAULT_MIN_CARRIERS
    stratify_by_tumour_type: bool = False
    force: bool = False

    def __post_init__(self) -> None:
        if (self.cohort_dir is None) == (self.features is None):
            raise OptionError("give exactly one of --cohort (a hpdgenomics cohort output folder) or --features")
        if self.min_carriers < 1:
            raise OptionError("--min-carriers must be at least 1")


@dataclass
class Association:
    """One feature against one outcome (the TSV row, plus what the JSON adds)."""

    feature: str
    outcome: str
    n_with: int
    n_without: int
    events_with: int
    events_without: int
    effect: float | None = None
    effect_type: str = ""
    ci_low: float | None = None
    ci_high: float | None = None
    p_value: float | None = None
    q_value: float | None = None
    test: str = ""
    median_with: float | str | None = None
    median_without: float | str | None = None
    tested: bool = False
    n_not_assessed: int = 0
    extra: dict[str, Any] = field(default_factory=dict)


@dataclass
class AssociationResult:
    rows: list[Association]
    features: FeatureMatrix
    joined: Joined
    outcome_sizes: dict[str, int]
    options: AssociateOptions
    sources: list[str]
    notes: list[str] = field(default_factory=list)


def load_features(options: AssociateOptions) -> FeatureMatrix:
    if options.cohort_dir is not None:
        return read_cohort_features(options.cohort_dir)
    assert options.features is not None
    return read_feature_table(options.features, options.sample_column, options.feature_columns,
                              options.patient_column)


def load_outcomes(options: AssociateOptions, features: FeatureMatrix) -> list[OutcomeTable]:
    """The outcome tables; without any, the clinical files the cohort run read (a cBioPortal study)."""
    paths = list(options.outcomes)
    if not paths:
        patient_files = [p for p in features.study_files if p.name == "data_clinical_patient.txt" and p.exists()]
        if not patient_files:
            raise OptionError("give --outcomes (the cohort folder names no clinical patient file to read them from)")
        paths = patient_files
    tables = [read_outcomes(p, options.outcome_columns, options.time_unit, options.outcome_id_column) for p in paths]
    if options.sample_patient is not None:
        for table in tables:
            link_samples(table, options.sample_patient)
    return tables


def _binary_outcomes(joined: Joined) -> dict[str, np.ndarray]:
    """Outcome name → per-row 1 (event), 0 (no event) or -1 (not known)."""
    found: dict[str, np.ndarray] = {}
    responses = [o.best_response for o in joined.outcomes]
    if any(r is not None for r in responses):
        found["pd"] = np.array([-1 if r in (None, "NE") else int(r == "PD") for r in responses], dtype=np.int8)
    benefit = [o.benefit for o in joined.outcomes]
    if any(b is not None for b in benefit):
        found["no_benefit"] = np.array([-1 if b is None else 1 - b for b in benefit], dtype=np.int8)
    names = sorted({name for o in joined.outcomes for name in o.hpd})
    for name in names:
        values = [o.hpd.get(name) for o in joined.outcomes]
        found[name] = np.array([-1 if v is None else v for v in values], dtype=np.int8)
    return found


def _survival_outcomes(joined: Joined) -> dict[str, tuple[np.ndarray, np.ndarray]]:
    found: dict[str, tuple[np.ndarray, np.ndarray]] = {}
    for prefix in SURVIVAL:
        times = [getattr(o, f"{prefix}_months") for o in joined.outcomes]
        events = [getattr(o, f"{prefix}_event") for o in joined.outcomes]
        if any(t is not None and e is not None for t, e in zip(times, events, strict=True)):
            found[prefix] = (np.array([np.nan if t is None or e is None else t for t, e in zip(times, events,
                                                                                          strict=True)]),
                             np.array([-1 if e is None or t is None else e for t, e in zip(times, events,
                                                                                       strict=True)]))
    return found


def _too_few(n_with: int, n_without: int, minimum: int) -> str | None:
    if n_with < minimum:
        return f"not tested: {n_with} carrier(s), fewer than {minimum}"
    if n_without < minimum:
        return f"not tested: {n_without} non-carrier(s), fewer than {minimum}"
    return None


def _binary_row(feature: str, outcome: str, column: np.ndarray, known: np.ndarray, values: np.ndarray,
                minimum: int) -> Association:
    assessed = known & (column != NOT_ASSESSED)
    carrier = column == PRESENT
    events = values == 1
    a, b = int((assessed & carrier & events).sum()), int((assessed & carrier & ~events).sum())
    c, d = int((assessed & ~carrier & events).sum()), int((assessed & ~carrier & ~events).sum())
    row = Association(feature, outcome, a + b, c + d, a, c, n_not_assessed=int((known & ~assessed).sum()))
    row.test = _too_few(a + b, c + d, minimum) or "Fisher exact (two-sided)"
    if row.test.startswith("not tested"):
        return row
    result = fisher(a, b, c, d)
    row.tested, row.p_value, row.effect, row.effect_type = True, result.p_value, result.odds_ratio, "odds_ratio"
    row.ci_low, row.ci_high = result.ci_low, result.ci_high
    row.extra["table"] = [[a, b], [c, d]]
    return row


def _survival_row(feature: str, outcome: str, column: np.ndarray, times: np.ndarray, events: np.ndarray,
                  strata: list[str] | None, minimum: int) -> Association:
    known = events >= 0
    assessed = known & (column != NOT_ASSESSED)
    carrier = column == PRESENT
    n_with, n_without = int((assessed & carrier).sum()), int((assessed & ~carrier).sum())
    row = Association(feature, outcome, n_with, n_without, int((assessed & carrier & (events == 1)).sum()),
                      int((assessed & ~carrier & (events == 1)).sum()), n_not_assessed=int((known & ~assessed).sum()))
    skip = _too_few(n_with, n_without, minimum)
    if skip is None and row.events_with + row.events_without == 0:
        skip = "not tested: no events"
    if skip:
        row.test = skip
        return row
    chosen_strata = [strata[i] for i in np.flatnonzero(assessed)] if strata is not None else None
    result = survival(times[assessed], events[assessed].astype(int), carrier[assessed], chosen_strata)
    row.tested = True
    row.effect, row.effect_type, row.ci_low, row.ci_high = (result.hazard_ratio, "hazard_ratio", result.ci_low,
                                                            result.ci_high)
    if strata is not None:
        row.p_value, row.test = result.cox_p, "Cox stratified by tumour type (Wald p); HR"
    else:
        row.p_value, row.test = result.logrank_p, "log-rank; Cox HR"
    row.median_with = "NR" if result.median_with is None else result.median_with
    row.median_without = "NR" if result.median_without is None else result.median_without
    row.extra.update({"median_with_ci": list(result.median_with_ci),
                      "median_without_ci": list(result.median_without_ci), "logrank_p": result.logrank_p,
                      "cox_p": result.cox_p, "notes": result.notes})
    return row


def associate(options: AssociateOptions) -> AssociationResult:
    """Every feature × outcome association (nothing is written here)."""
    require_libraries()
    features = load_features(options)
    tables = load_outcomes(options, features)
    joined = join(features, tables)
    binary = _binary_outcomes(joined)
    survival_outcomes = _survival_outcomes(joined)
    if not binary and not survival_outcomes:
        raise OptionError("the outcome tables give no outcome for the joined samples")
    strata = [t or "unknown" for t in joined.tumour_types] if options.stratify_by_tumour_type else None
    rows: list[Association] = []
    sizes: dict[str, int] = {}
    for j, name in enumerate(features.names):
        column = joined.values[:, j]
        for outcome, values in binary.items():
            rows.append(_binary_row(name, outcome, column, values >= 0, values, options.min_carriers))
        for outcome, (times, events) in survival_outcomes.items():
            rows.append(_survival_row(name, outcome, column, times, events, strata, options.min_carriers))
    for outcome, values in binary.items():
        sizes[outcome] = int((values >= 0).sum())
    for outcome, (_, events) in survival_outcomes.items():
        sizes[outcome] = int((events >= 0).sum())
    _add_q_values(rows)
    notes = [note for table in tables for note in table.notes]
    notes += [f"{count} sample(s) left out: {reason}" for reason, count in sorted(joined.dropped.items())]
    return AssociationResult(rows, features, joined, sizes, options, [t.source for t in tables], notes)


def _add_q_values(rows: list[Association]) -> None:
    by_outcome: dict[str, list[Association]] = {}
    for row in rows:
        if row.tested and row.p_value is not None:
            by_outcome.setdefault(row.outcome, []).append(row)
    for group in by_outcome.values():
        for row, q in zip(group, bh_q_values([r.p_value for r in group if r.p_value is not None]), strict=True):
            row.q_value = q


def tested_counts(result: AssociationResult) -> Counter[str]:
    """Rows tested and not tested, per outcome."""
    return Counter(f"{row.outcome}:{'tested' if row.tested else 'not tested'}" for row in result.rows)
