"""Long-form measurement tables: one row per scan (``sum_of_diameters_mm``) or per lesion and scan (``lesion_id`` +
``diameter_mm``, summed per scan), with ``patient_id`` and ISO ``scan_date``.

Treatment dates come from columns of the same table (``treatment_start``, ``treatment_failure_date``; one value per
patient) or from a second table keyed by ``patient_id``. Optional columns: ``new_lesion_organs`` (organs with new
lesions at the scan), ``response`` (overall response at the scan: CR/PR/SD/PD/NE) and ``unit`` (must be mm).
"""

from __future__ import annotations

from collections import Counter
from datetime import date
from pathlib import Path

from hpdgenomics.errors import InputError
from hpdgenomics.outcomes.series import MeasurementSet, PatientSeries, Scan
from hpdgenomics.outcomes.tables import Row, Table, is_missing, parse_date, parse_number, read_table

RESPONSES = frozenset({"CR", "PR", "SD", "PD", "NE", "NON-CR/NON-PD"})  # the last: non-target disease only
_UNITS_MM = frozenset({"mm", "millimetre", "millimeter", "millimetres", "millimeters"})


def check_unit(value: str, path: Path, line: int) -> None:
    """Diameters must be in millimetres: any other unit (cm!) is an error rather than a silent factor of ten."""
    if value and not is_missing(value) and value.strip().lower() not in _UNITS_MM:
        raise InputError(path, f"unit {value!r}: expected diameters in mm (convert them first)", line=line)


def parse_response(value: str, path: Path, line: int) -> str | None:
    """CR/PR/SD/PD/NE or NON-CR/NON-PD (iRECIST iCR… read as the RECIST letters; iUPD and iCPD as PD), None when
    missing."""
    text = value.strip().upper()
    if is_missing(text):
        return None
    if text.startswith("I") and text[1:] in RESPONSES | {"UPD", "CPD"}:
        text = "PD" if text[1:] in ("UPD", "CPD") else text[1:]
    if text not in RESPONSES:
        raise InputError(path, f"response {value!r}: expected CR, PR, SD, PD, NE or NON-CR/NON-PD", line=line)
    return text


def read_long_form(path: str | Path, treatment: str | Path | None = None) -> MeasurementSet:
    """Read a long-form table (sums per scan, or lesion rows summed per scan) and the treatment dates."""
    table = read_table(path)
    patient_col = _required(table, "patient_id", "patient", "USUBJID")
    date_col = _required(table, "scan_date", "date")
    sum_col = table.column("sum_of_diameters_mm", "sum_mm")
    lesion_col = table.column("lesion_id")
    diameter_col = table.column("diameter_mm")
    if sum_col is None and (lesion_col is None or diameter_col is None):
        raise InputError(table.path, "expected a sum_of_diameters_mm column, or lesion_id and diameter_mm columns",
                         line=table.header_line)
    grouped = _group_scans(table, patient_col, date_col, sum_col, lesion_col, diameter_col)
    patients = {pid: PatientSeries(pid, scans=sorted(scans, key=_scan_key), source=str(table.path))
                for pid, scans in grouped.items()}
    _treatment_from_columns(table, patient_col, patients)
    notes: list[str] = []
    if treatment is not None:
        notes += treatment_from_table(read_table(treatment), patients)
    unit = "lesion rows summed per scan" if sum_col is None else "rows (one per scan)"
    return MeasurementSet(list(patients.values()), f"{table.path} ({unit})", len(table.rows), len(table.rows),
                          notes=tuple(notes))


def _required(table: Table, *names: str) -> str:
    column = table.column(*names, required=True)
    assert column is not None  # required=True raises instead
    return column


def _scan_key(scan: Scan) -> tuple[int, date]:
    return (scan.date is None, scan.date or date.max)


def _group_scans(table: Table, patient_col: str, date_col: str, sum_col: str | None, lesion_col: str | None,
                 diameter_col: str | None) -> dict[str, list[Scan]]:
    """Scans per patient; a second row for the same patient and date (or lesion, date) is a duplicate-scan error."""
    unit_col = table.column("unit", "diameter_unit")
    organs_col = table.column("new_lesion_organs")
    response_col = table.column("response", "overall_response")
    per_scan: dict[tuple[str, date | None, str], list[Row]] = {}
    for row in table.rows:
        patient = row.get(patient_col)
        if not patient:
            raise InputError(table.path, f"{patient_col}: empty patient id", line=row.line)
        check_unit(row.get(unit_col), table.path, row.line)
        scan_date = parse_date(row.get(date_col), table.path, row.line, date_col)
        key = (patient, scan_date, row.get(date_col))
        per_scan.setdefault(key, []).append(row)
    scans: dict[str, list[Scan]] = {}
    for (patient, scan_date, _), rows in per_scan.items():
        if sum_col is not None and len(rows) > 1:
            raise InputError(table.path, f"duplicate scan: patient {patient} has another row for {scan_date} at line "
                             f"{rows[0].line}", line=rows[1].line)
        if sum_col is not None:
            total = parse_number(rows[0].get(sum_col), table.path, rows[0].line, sum_col)
        else:
            total = _lesion_sum(table, rows, patient, lesion_col or "", diameter_col or "")
        if total is None:
            continue
        if total < 0:
            raise InputError(table.path, f"negative sum of diameters {total:g}", line=rows[0].line)
        organs = _organs(table, rows, organs_col)
        response = parse_response(rows[0].get(response_col), table.path, rows[0].line) if response_col else None
        scans.setdefault(patient, []).append(Scan(scan_date, total, f"{table.path.name}:{rows[0].line}", organs,
                                                  response))
    return scans


def _lesion_sum(table: Table, rows: list[Row], patient: str, lesion_col: str, diameter_col: str) -> float | None:
    seen: dict[str, int] = {}
    total = 0.0
    for row in rows:
        lesion = row.get(lesion_col)
        if lesion in seen:
            raise InputError(table.path, f"duplicate scan: lesion {lesion} of patient {patient} is measured twice on "
                             f"the same date (first at line {seen[lesion]})", line=row.line)
        seen[lesion] = row.line
        value = parse_number(row.get(diameter_col), table.path, row.line, diameter_col)
        if value is None:
            return None  # a target lesion not measured: the sum is unknown, the scan is left out
        if value < 0:
            raise InputError(table.path, f"negative diameter {value:g}", line=row.line)
        total += value
    return total


def _organs(table: Table, rows: list[Row], organs_col: str | None) -> int | None:
    if organs_col is None:
        return None
    values = [parse_number(row.get(organs_col), table.path, row.line, organs_col) for row in rows]
    known = [int(v) for v in values if v is not None]
    return max(known) if known else None


def _treatment_from_columns(table: Table, patient_col: str, patients: dict[str, PatientSeries]) -> None:
    for column, attribute in (("treatment_start", "treatment_start"),
                              ("treatment_failure_date", "treatment_failure")):
        name = table.column(column)
        if name is None:
            continue
        for row in table.rows:
            value = parse_date(row.get(name), table.path, row.line, name)
            series = patients.get(row.get(patient_col))
            if value is None or series is None:
                continue
            current = getattr(series, attribute)
            if current is not None and current != value:
                raise InputError(table.path, f"{name}: patient {series.patient_id} has two values ({current} and "
                                 f"{value})", line=row.line)
            setattr(series, attribute, value)


def treatment_from_table(table: Table, patients: dict[str, PatientSeries]) -> list[str]:
    patient_col = _required(table, "patient_id", "patient", "USUBJID")
    start_col = _required(table, "treatment_start", "RFXSTDTC", "RFSTDTC")
    failure_col = table.column("treatment_failure_date")
    seen: dict[str, int] = {}
    for row in table.rows:
        patient = row.get(patient_col)
        if patient in seen:
            raise InputError(table.path, f"patient {patient} is listed twice (first at line {seen[patient]})",
                             line=row.line)
        seen[patient] = row.line
        series = patients.get(patient)
        if series is None:
            continue
        series.treatment_start = parse_date(row.get(start_col), table.path, row.line, start_col)
        if failure_col:
            series.treatment_failure = parse_date(row.get(failure_col), table.path, row.line, failure_col)
    without = Counter(pid not in seen for pid in patients)[True]
    return [f"{without} patient(s) with scans have no row in {table.path.name}"] if without else []
