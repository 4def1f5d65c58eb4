"""Wide tables: one row per patient with the pre-baseline, baseline and first-evaluation sums and their dates.

The default column mapping is the one of the Ferté/Koscielny TGR calculator (``TGR_calculator.R``): RECIST_BEFORE,
RECIST_BASELINE, RECIST_EVAL1 and SCANDATE_BEFORE, SCANDATE_BASELINE, SCANDATE_EVAL1, the patient id being the R row
name (or a ``patient_id`` column). Any other wide table is read with ``--wide-column KEY=COLUMN`` for the keys of
:data:`WIDE_KEYS`; the three scans then carry their role, so no time-point selection is needed.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from pathlib import Path

from hpdgenomics.errors import InputError, OptionError
from hpdgenomics.outcomes.long_form import parse_response
from hpdgenomics.outcomes.series import MeasurementSet, PatientSeries, Scan
from hpdgenomics.outcomes.tables import Row, Table, parse_date, parse_number, read_table

FERTE_COLUMNS: dict[str, str] = {
    "pre_baseline_sum": "RECIST_BEFORE", "pre_baseline_date": "SCANDATE_BEFORE",
    "baseline_sum": "RECIST_BASELINE", "baseline_date": "SCANDATE_BASELINE",
    "first_eval_sum": "RECIST_EVAL1", "first_eval_date": "SCANDATE_EVAL1",
}
WIDE_KEYS = (*FERTE_COLUMNS, "patient_id", "treatment_start", "treatment_failure_date", "first_eval_response",
             "first_eval_new_lesion_organs")
ROLES = (("pre_baseline", "pre_baseline"), ("baseline", "baseline"), ("first_eval", "first_evaluation"))


def wide_mapping(overrides: Mapping[str, str]) -> dict[str, str]:
    """The Ferté mapping with the user's ``KEY=COLUMN`` overrides; an unknown key is a usage error."""
    unknown = sorted(set(overrides) - set(WIDE_KEYS))
    if unknown:
        raise OptionError(f"unknown wide-table key(s) {', '.join(unknown)}; known: {', '.join(WIDE_KEYS)}")
    return {**FERTE_COLUMNS, **overrides}


def read_wide(path: str | Path, mapping: Mapping[str, str] | None = None) -> MeasurementSet:
    """One patient per row, with the three scans' roles given by the mapping."""
    table = read_table(path)
    columns = wide_mapping(mapping or {})
    missing = [f"{key}={name}" for key, name in columns.items() if name not in table.columns]
    if missing:
        raise InputError(table.path, f"wide table: expected column(s) {', '.join(missing)} (set others with "
                         f"--wide-column KEY=COLUMN)", line=table.header_line)
    patients: dict[str, PatientSeries] = {}
    for row in table.rows:
        patient = _patient_id(table, row, columns)
        if patient in patients:
            raise InputError(table.path, f"duplicate patient {patient}", line=row.line)
        series = PatientSeries(patient, source=str(table.path))
        for prefix, role in ROLES:
            scan = _scan(table, row, columns, prefix, role)
            if scan is not None:
                series.scans.append(scan)
        series.treatment_start = _date(table, row, columns.get("treatment_start"))
        series.treatment_failure = _date(table, row, columns.get("treatment_failure_date"))
        patients[patient] = series
    return MeasurementSet(list(patients.values()), f"{table.path} (wide: {', '.join(sorted(set(columns.values())))})",
                          len(table.rows), len(table.rows))


def _patient_id(table: Table, row: Row, columns: Mapping[str, str]) -> str:
    name = columns.get("patient_id") or table.column("patient_id")
    patient = row.get(name) if name else (row.row_name or "")
    if not patient:
        raise InputError(table.path, "no patient id (expected R row names or a patient_id column)", line=row.line)
    return patient


def _date(table: Table, row: Row, column: str | None) -> date | None:
    return parse_date(row.get(column), table.path, row.line, column) if column else None


def _scan(table: Table, row: Row, columns: Mapping[str, str], prefix: str, role: str) -> Scan | None:
    total = parse_number(row.get(columns[f"{prefix}_sum"]), table.path, row.line, columns[f"{prefix}_sum"])
    if total is None:
        return None
    if total < 0:
        raise InputError(table.path, f"{columns[f'{prefix}_sum']}: negative sum {total:g}", line=row.line)
    when = parse_date(row.get(columns[f"{prefix}_date"]), table.path, row.line, columns[f"{prefix}_date"])
    response = organs = None
    if prefix == "first_eval":
        response_col = columns.get("first_eval_response")
        response = parse_response(row.get(response_col), table.path, row.line) if response_col else None
        organs_col = columns.get("first_eval_new_lesion_organs")
        value = parse_number(row.get(organs_col), table.path, row.line, organs_col) if organs_col else None
        organs = None if value is None else int(value)
    return Scan(when, total, f"{table.path.name}:{row.line}", organs, response, role=role)
