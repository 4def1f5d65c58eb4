"""CDISC SDTM tumour domains: TR (tumour results), with TU (tumour identification) and RS (disease response).

* TR: the target lesions' longest diameters (TRGRPID TARGET, TRTESTCD LDIAM, TRSTRESN in TRSTRESU mm) summed per
  subject and visit; a visit that misses a target lesion measured at another visit is left out (its sum would be too
  small) and counted. When several assessors read the scans, the accepted record (TRACPTFL = Y) is used, else the
  investigator's.
* TU: organs (TULOC) of lesions identified as NEW at a visit (when TU is given, a visit without one has 0).
* RS: the overall response (RSTESTCD OVRLRESP) at each visit, same assessor choice.

SDTM allows partial dates (2014-02); such a scan is kept without a date, and quantities needing it are not
evaluable. Treatment start is not in these domains: give a treatment table (``patient_id``/USUBJID and
``treatment_start``/RFXSTDTC) or the screening/baseline visit is taken as the baseline scan.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from datetime import date
from pathlib import Path

from hpdgenomics.errors import InputError
from hpdgenomics.outcomes.long_form import check_unit, parse_response, treatment_from_table
from hpdgenomics.outcomes.series import MeasurementSet, PatientSeries, Scan
from hpdgenomics.outcomes.tables import Row, Table, parse_date, parse_number, read_table

_Visit = tuple[str, str]  # subject, visit label
UNMEASURED = "visit leaves a target lesion unmeasured (sum not comparable)"


def _assessor_rows(table: Table, prefix: str) -> tuple[list[Row], Counter[str]]:
    """The rows of one assessor: accepted (xxACPTFL = Y) when the flag is used, else the investigator's."""
    skipped: Counter[str] = Counter()
    accepted = table.column(f"{prefix}ACPTFL")
    evaluator = table.column(f"{prefix}EVAL")
    rows = list(table.rows)
    if accepted and any(row.get(accepted).upper() == "Y" for row in rows):
        kept = [row for row in rows if row.get(accepted).upper() == "Y"]
        skipped["not the accepted assessment (ACPTFL not Y)"] += len(rows) - len(kept)
        return kept, skipped
    if evaluator and len({row.get(evaluator) for row in rows}) > 1:
        kept = [row for row in rows if row.get(evaluator).upper() in ("", "INVESTIGATOR")]
        skipped["another assessor than the investigator"] += len(rows) - len(kept)
        return kept, skipped
    return rows, skipped


def read_sdtm(tr: str | Path, tu: str | Path | None = None, rs: str | Path | None = None,
              treatment: str | Path | None = None) -> MeasurementSet:
    """Per-subject sums of target-lesion diameters per visit, with new-lesion organs and responses."""
    table = read_table(tr)
    for name in ("USUBJID", "TRTESTCD", "TRSTRESN", "TRDTC", "TRLNKID"):
        table.column(name, required=True)
    rows, skipped = _assessor_rows(table, "TR")
    visits: dict[tuple[str, str, str], dict[str, Row]] = {}
    for row in rows:
        if row.get("TRTESTCD").upper() != "LDIAM" or row.get("TRGRPID").upper() not in ("TARGET", ""):
            skipped["not a target-lesion longest diameter"] += 1
            continue
        check_unit(row.get("TRSTRESU") or row.get("TRORRESU"), table.path, row.line)
        key = (row.get("USUBJID"), row.get("VISIT") or row.get("TRDTC"), row.get("TRDTC"))
        lesions = visits.setdefault(key, {})
        lesion = row.get("TRLNKID")
        if lesion in lesions:
            raise InputError(table.path, f"duplicate scan: lesion {lesion} of {key[0]} at visit {key[1]} is measured "
                             f"twice by the same assessor (first at line {lesions[lesion].line})", line=row.line)
        lesions[lesion] = row
    new_organs = _new_lesion_organs(read_table(tu)) if tu is not None else None
    responses = _responses(read_table(rs), skipped) if rs is not None else {}
    patients = _series(table, visits, new_organs, responses, skipped)
    notes: list[str] = []
    if treatment is not None:
        notes += treatment_from_table(read_table(treatment), {p.patient_id: p for p in patients})
    used = sum(len(lesions) for lesions in visits.values()) - skipped[UNMEASURED]  # TR rows in the sums
    return MeasurementSet(patients, f"SDTM TR {table.path}" + (f", TU {tu}" if tu else "") + (f", RS {rs}" if rs
                          else ""), len(table.rows), used, dict(skipped), tuple(notes))


def _series(table: Table, visits: dict[tuple[str, str, str], dict[str, Row]],
            new_organs: dict[_Visit, int] | None, responses: dict[_Visit, str], skipped: Counter[str]
            ) -> list[PatientSeries]:
    lesion_sets: dict[str, set[str]] = {}
    for (subject, _, _), lesions in visits.items():
        lesion_sets.setdefault(subject, set()).update(lesions)
    patients: dict[str, PatientSeries] = {}
    for (subject, visit, when), lesions in visits.items():
        series = patients.setdefault(subject, PatientSeries(subject, source=str(table.path)))
        first = min(lesions.values(), key=lambda r: r.line)
        values = [parse_number(r.get("TRSTRESN"), table.path, r.line, "TRSTRESN") for r in lesions.values()]
        if set(lesions) != lesion_sets[subject] or any(v is None for v in values):
            skipped[UNMEASURED] += len(lesions)
            continue
        scan_date = parse_date(when, table.path, first.line, "TRDTC", allow_partial=True)
        organs = None if new_organs is None else new_organs.get((subject, visit), 0)
        series.scans.append(Scan(scan_date, sum(v for v in values if v is not None),
                                 f"{table.path.name}:{first.line}", organs, responses.get((subject, visit)),
                                 visit=visit))
    for series in patients.values():
        series.scans.sort(key=lambda s: (s.date is None, s.date or date.max))
    return list(patients.values())


def _new_lesion_organs(table: Table) -> dict[_Visit, int]:
    rows, _ = _assessor_rows(table, "TU")
    organs: dict[_Visit, set[str]] = {}
    for row in rows:
        if (row.get("TUSTRESC") or row.get("TUORRES")).upper() == "NEW":
            organs.setdefault((row.get("USUBJID"), row.get("VISIT")), set()).add(row.get("TULOC").upper())
    return {key: len(value) for key, value in organs.items()}


def _responses(table: Table, skipped: Counter[str]) -> dict[_Visit, str]:
    """Overall response per subject and visit; a value that is no RECIST response (the simulated domain has
    'CHECK') is counted and left out rather than stopping the run."""
    rows, _ = _assessor_rows(table, "RS")
    found: dict[_Visit, str] = {}
    for row in rows:
        if row.get("RSTESTCD").upper() != "OVRLRESP":
            continue
        try:
            response = parse_response(row.get("RSSTRESC") or row.get("RSORRES"), table.path, row.line)
        except InputError:
            skipped["RS: overall response not CR/PR/SD/PD/NE (left out)"] += 1
            continue
        if response is not None:
            found.setdefault((row.get("USUBJID"), row.get("VISIT")), response)
    return found


BASELINE_VISITS: Sequence[str] = ("SCREEN", "BASELINE")
