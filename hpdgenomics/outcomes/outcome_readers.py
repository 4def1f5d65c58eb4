"""Outcomes per sample or patient for ``associate``.

A generic table keyed by ``sample_id`` or ``patient_id`` with any of ``os_months, os_event`` (1 = event),
``pfs_months, pfs_event``, ``best_response`` (CR/PR/SD/PD/NE, or the words), ``benefit`` (true/false) and ``hpd`` or
``hpd_<definition>`` (HPD/no_HPD/not_evaluable, as ``hpd-label`` writes); cBioPortal clinical files are read with
their own names (``OS_MONTHS``, ``OS_STATUS`` "1:DECEASED", ``PFS_MONTHS``, ``PFS_STATUS`` "1:PROGRESSED"), and a
study folder through its ``data_clinical_patient.txt`` and ``data_clinical_sample.txt``. Other names are mapped with
``--outcome-column KEY=COLUMN`` (``os_alive`` for a column where 1 means alive), times in other units converted
with ``--time-unit``.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from hpdgenomics.errors import InputError, OptionError
from hpdgenomics.outcomes.tables import Row, Table, is_missing, parse_number, read_table

MONTHS_PER = {"months": 1.0, "days": 12 / 365.25, "weeks": 7 * 12 / 365.25, "years": 12.0}
KEYS = ("os_months", "os_event", "os_alive", "pfs_months", "pfs_event", "best_response", "benefit",
        "tumour_type")
CBIOPORTAL = {"os_months": "OS_MONTHS", "os_event": "OS_STATUS", "pfs_months": "PFS_MONTHS",
              "pfs_event": "PFS_STATUS", "tumour_type": "CANCER_TYPE"}
RESPONSE_WORDS = {"complete response": "CR", "partial response": "PR", "stable disease": "SD",
                  "progressive disease": "PD", "not evaluable": "NE", "cr": "CR", "pr": "PR", "sd": "SD", "pd": "PD",
                  "ne": "NE", "non-cr/non-pd": "SD"}
EVENT_WORDS = {"1": 1, "0": 0, "dead": 1, "deceased": 1, "died": 1, "alive": 0, "living": 0, "censored": 0,
               "true": 1, "false": 0, "yes": 1, "no": 0, "progressed": 1, "progression": 1, "event": 1,
               "no progression": 0, "censor": 0}
HPD_WORDS = {"hpd": 1, "no_hpd": 0, "true": 1, "false": 0, "1": 1, "0": 0, "yes": 1, "no": 0}


@dataclass
class Outcome:
    """One sample's or patient's outcomes (None where not given)."""

    os_months: float | None = None
    os_event: int | None = None
    pfs_months: float | None = None
    pfs_event: int | None = None
    best_response: str | None = None
    benefit: int | None = None
    hpd: dict[str, int | None] = field(default_factory=dict)  # outcome name (hpd_<definition>) → 1/0/None
    tumour_type: str | None = None


@dataclass
class OutcomeTable:
    """Outcomes by id, and whether the ids are samples or patients."""

    by_id: dict[str, Outcome]
    id_kind: str  # "sample" or "patient"
    source: str
    sample_to_patient: dict[str, str] = field(default_factory=dict)
    sample_tumour_types: dict[str, str] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)


def _event(value: str, table: Table, row: Row, column: str) -> int | None:
    text = value.strip().lower()
    if is_missing(text):
        return None
    if ":" in text:  # cBioPortal "1:DECEASED", "0:LIVING"
        text = text.split(":", 1)[0].strip()
    if text not in EVENT_WORDS:
        raise InputError(table.path, f"{column}: expected an event (1/0, 1:DECEASED, dead/alive …), found {value!r}",
                         line=row.line)
    return EVENT_WORDS[text]


def _response(value: str, table: Table, row: Row, column: str) -> str | None:
    text = " ".join(value.strip().lower().split())
    if is_missing(text):
        return None
    if text.startswith("ir") and text[2:] in RESPONSE_WORDS:
        text = text[2:]
    if text not in RESPONSE_WORDS:
        raise InputError(table.path, f"{column}: expected a response (CR, PR, SD, PD, NE or the words), found "
                         f"{value!r}", line=row.line)
    return RESPONSE_WORDS[text]


def _hpd(value: str, table: Table, row: Row, column: str) -> int | None:
    text = value.strip().lower()
    if is_missing(text) or text == "not_evaluable":
        return None
    if text not in HPD_WORDS:
        raise InputError(table.path, f"{column}: expected HPD, no_HPD or not_evaluable, found {value!r}",
                         line=row.line)
    return HPD_WORDS[text]


def _columns(table: Table, mapping: Mapping[str, str]) -> dict[str, str]:
    found: dict[str, str] = {}
    for key in KEYS:
        if key in mapping:
            if mapping[key] not in table.columns:
                raise InputError(table.path, f"no column {mapping[key]!r} (given for {key})", line=table.header_line)
            found[key] = mapping[key]
            continue
        name = table.column(key, CBIOPORTAL.get(key, key))
        if name is not None:
            found[key] = name
    return found


def read_outcome_table(path: str | Path, mapping: Mapping[str, str] | None = None, time_unit: str = "months",
                       id_column: str | None = None) -> OutcomeTable:
    """One outcome table (generic or a cBioPortal clinical file)."""
    mapping = dict(mapping or {})
    unknown = sorted(set(mapping) - set(KEYS) - {"id"})
    if unknown:
        raise OptionError(f"unknown outcome key(s) {', '.join(unknown)}; known: {', '.join(KEYS)}")
    if time_unit not in MONTHS_PER:
        raise OptionError(f"time unit {time_unit!r}: expected one of {', '.join(MONTHS_PER)}")
    table = read_table(path)
    id_name = id_column or mapping.get("id")
    if id_name is None:
        id_name = table.column("sample_id", "SAMPLE_ID") or table.column("patient_id", "PATIENT_ID")
    if id_name is None or id_name not in table.columns:
        raise InputError(table.path, "expected a sample_id or patient_id column (or name it with --outcome-id-column)",
                         line=table.header_line)
    kind = "sample" if "sample" in id_name.lower() else "patient"
    columns = _columns(table, mapping)
    hpd_columns = [c for c in table.columns if c.lower() == "hpd" or c.lower().startswith("hpd_")]
    if not columns and not hpd_columns:
        raise InputError(table.path, f"no outcome column (expected any of {', '.join(KEYS[:-1])}, hpd_*; or map "
                         "them with --outcome-column KEY=COLUMN)", line=table.header_line)
    by_id: dict[str, Outcome] = {}
    repeated = 0
    for row in table.rows:
        key = row.get(id_name)
        if not key:
            continue
        outcome = _outcome(table, row, columns, hpd_columns, MONTHS_PER[time_unit])
        if key in by_id:
            if by_id[key] != outcome:  # one patient, two biopsies: fine when the outcomes agree
                raise InputError(table.path, f"{id_name} {key} appears twice with different outcomes",
                                 line=row.line)
            repeated += 1
            continue
        by_id[key] = outcome
    notes = [f"{repeated} repeated row(s) with the same outcome in {table.path.name}"] if repeated else []
    return OutcomeTable(by_id, kind, str(table.path), notes=notes)


def _outcome(table: Table, row: Row, columns: Mapping[str, str], hpd_columns: list[str], factor: float) -> Outcome:
    outcome = Outcome()
    for prefix in ("os", "pfs"):
        time_col = columns.get(f"{prefix}_months")
        if time_col:
            value = parse_number(row.get(time_col), table.path, row.line, time_col)
            if value is not None and value < 0:
                raise InputError(table.path, f"{time_col}: negative time {value:g}", line=row.line)
            setattr(outcome, f"{prefix}_months", None if value is None else value * factor)
        event_col = columns.get(f"{prefix}_event")
        if event_col:
            setattr(outcome, f"{prefix}_event", _event(row.get(event_col), table, row, event_col))
    if "os_alive" in columns and outcome.os_event is None:
        alive = _event(row.get(columns["os_alive"]), table, row, columns["os_alive"])
        outcome.os_event = None if alive is None else 1 - alive
    if "best_response" in columns:
        outcome.best_response = _response(row.get(columns["best_response"]), table, row, columns["best_response"])
    if "benefit" in columns:
        outcome.benefit = _event(row.get(columns["benefit"]), table, row, columns["benefit"])
    if "tumour_type" in columns:
        outcome.tumour_type = row.get(columns["tumour_type"]) or None
    for column in hpd_columns:
        name = "hpd" if column.lower() == "hpd" else column.lower()
        outcome.hpd[name] = _hpd(row.get(column), table, row, column)
    return outcome


def read_study_outcomes(folder: str | Path) -> OutcomeTable:
    """A cBioPortal study folder: outcomes from the patient file, the sample → patient map from the sample file."""
    folder = Path(folder)
    patient_file = folder / "data_clinical_patient.txt"
    if not patient_file.exists():
        raise InputError(folder, "no data_clinical_patient.txt in the study folder")
    outcomes = read_outcome_table(patient_file)
    sample_file = folder / "data_clinical_sample.txt"
    if sample_file.exists():
        link_samples(outcomes, sample_file)
    return outcomes


def link_samples(outcomes: OutcomeTable, sample_file: str | Path) -> None:
    """Add the sample → patient map (and sample tumour types) of a sample sheet with SAMPLE_ID and PATIENT_ID."""
    table = read_table(sample_file)
    sample_col = table.column("SAMPLE_ID", "sample_id", required=True)
    patient_col = table.column("PATIENT_ID", "patient_id", required=True)
    type_col = table.column("CANCER_TYPE", "ONCOTREE_CODE", "tumour_type")
    for row in table.rows:
        outcomes.sample_to_patient[row.get(sample_col)] = row.get(patient_col)
        if type_col and row.get(type_col):
            outcomes.sample_tumour_types[row.get(sample_col)] = row.get(type_col)


def read_outcomes(path: str | Path, mapping: Mapping[str, str] | None = None, time_unit: str = "months",
                  id_column: str | None = None) -> OutcomeTable:
    """A study folder, or one table (a cBioPortal patient file beside its sample file is linked to it)."""
    path = Path(path)
    if path.is_dir():
        return read_study_outcomes(path)
    outcomes = read_outcome_table(path, mapping, time_unit, id_column)
    sibling = path.parent / "data_clinical_sample.txt"
    if outcomes.id_kind == "patient" and path.name == "data_clinical_patient.txt" and sibling.exists():
        link_samples(outcomes, sibling)
    return outcomes


def describe_outcome(outcome: Outcome) -> dict[str, Any]:
    """The outcome as a plain dict (for tests and JSON)."""
    return {"os_months": outcome.os_months, "os_event": outcome.os_event, "pfs_months": outcome.pfs_months,
            "pfs_event": outcome.pfs_event, "best_response": outcome.best_response, "benefit": outcome.benefit,
            "hpd": dict(outcome.hpd), "tumour_type": outcome.tumour_type}
