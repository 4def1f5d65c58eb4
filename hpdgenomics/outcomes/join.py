"""Joining features (per sample) to outcomes (per sample or per patient): one row per patient, every drop counted."""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field, fields

import numpy as np

from hpdgenomics.errors import InputError
from hpdgenomics.outcomes.features import FeatureMatrix
from hpdgenomics.outcomes.outcome_readers import Outcome, OutcomeTable


@dataclass
class Joined:
    """The analysed rows: features (samples × features) and each row's outcome."""

    samples: list[str]
    values: np.ndarray
    outcomes: list[Outcome]
    tumour_types: list[str | None]
    dropped: Counter[str] = field(default_factory=Counter)


def _merge(target: Outcome, other: Outcome) -> None:
    for item in fields(Outcome):
        if item.name == "hpd":
            for name, value in other.hpd.items():
                target.hpd.setdefault(name, value)
        elif getattr(target, item.name) is None:
            setattr(target, item.name, getattr(other, item.name))


def _lookup(sample: str, table: OutcomeTable, links: dict[str, str]) -> tuple[str, Outcome | None]:
    """The patient key and outcome of one sample in one outcome table (``links``: the features' own map)."""
    patient = table.sample_to_patient.get(sample) or links.get(sample) or sample
    if table.id_kind == "sample":
        return patient, table.by_id.get(sample)
    return patient, table.by_id.get(patient)


def join(features: FeatureMatrix, tables: Sequence[OutcomeTable]) -> Joined:
    """Rows of samples that have an outcome in at least one table; a patient's later samples are left out."""
    keep: list[int] = []
    outcomes: list[Outcome] = []
    tumour_types: list[str | None] = []
    seen_patients: set[str] = set()
    dropped: Counter[str] = Counter()
    for i, sample in enumerate(features.samples):
        merged: Outcome | None = None
        patient = sample
        sample_type = None
        for table in tables:
            patient_key, outcome = _lookup(sample, table, features.sample_to_patient)
            patient = patient_key if patient == sample else patient
            sample_type = sample_type or table.sample_tumour_types.get(sample)
            if outcome is not None:
                if merged is None:
                    merged = Outcome(hpd={})
                _merge(merged, outcome)
        if merged is None:
            dropped["no outcome for the sample (or its patient)"] += 1
            continue
        if patient in seen_patients:
            dropped["another sample of a patient already included (the first is used)"] += 1
            continue
        seen_patients.add(patient)
        keep.append(i)
        outcomes.append(merged)
        types = features.tumour_types[i] if features.tumour_types else None
        tumour_types.append(merged.tumour_type or sample_type or types)
    if not keep:
        example = ", ".join(features.samples[:3])
        known = ", ".join(list(tables[0].by_id)[:3]) if tables else ""
        raise InputError(tables[0].source if tables else None,
                         f"no sample of the features ({example} …) has an outcome here (ids such as {known} …); "
                         "link samples to patients with a sample sheet (--sample-patient)")
    return Joined([features.samples[i] for i in keep], features.values[keep], outcomes, tumour_types, dropped)
