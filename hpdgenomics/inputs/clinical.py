"""One sample's row of a clinical sheet, read into what the report needs: tumour type, purity, ploidy, TMB, MSI
and the clinical values that the clinical-factor rules look at.

A tumour type, TMB or MSI value that cannot be read (an unknown OncoTree code, MSI ``Inconclusive``, a TMB that is
not a number) makes that field *not assessed* for that sample, with the file, line and value in the report's notes
(:attr:`SampleClinical.problems`), and the other samples go on: one odd cell of a 1,000-sample study must not stop
the run, and must not be silently read as something else either. A retired OncoTree code (``GBM``) is read as
today's (``GB``) with a note. Purity and ploidy stay errors: they change every copy-number call of the sample.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import TypeVar

from hpdgenomics.errors import InputError
from hpdgenomics.genome import oncotree
from hpdgenomics.model.biomarkers import ClinicalValues, Microsatellites, MsiStatus, TumourMutationalBurden
from hpdgenomics.readers.clinical import CLINICAL_FIELDS, SPECIMEN_FIELDS, ClinicalSheet
from hpdgenomics.readers.numbers import finite_number

# The values kept for the report: the clinical factors' fields and the specimen facts.
SHOWN_FIELDS = (*CLINICAL_FIELDS, *SPECIMEN_FIELDS)

T = TypeVar("T")
# The wording of MSI calls in common exports (MSK-IMPACT MSI_TYPE: Stable / Instable / Indeterminate).
MSI_WORDS: dict[str, MsiStatus] = {
    "msih": MsiStatus.MSI_HIGH, "msihigh": MsiStatus.MSI_HIGH, "instable": MsiStatus.MSI_HIGH,
    "unstable": MsiStatus.MSI_HIGH, "high": MsiStatus.MSI_HIGH, "dmmr": MsiStatus.MSI_HIGH,
    "mmrdeficient": MsiStatus.MSI_HIGH, "msi": MsiStatus.MSI_HIGH,
    "msil": MsiStatus.MSI_LOW, "msilow": MsiStatus.MSI_LOW, "low": MsiStatus.MSI_LOW,
    "mss": MsiStatus.STABLE, "stable": MsiStatus.STABLE, "microsatellitestable": MsiStatus.STABLE,
    "pmmr": MsiStatus.STABLE, "mmrproficient": MsiStatus.STABLE,
    "indeterminate": MsiStatus.INDETERMINATE, "equivocal": MsiStatus.INDETERMINATE,
    "inconclusive": MsiStatus.INDETERMINATE, "failed": MsiStatus.INDETERMINATE, "nocall": MsiStatus.INDETERMINATE,
}
# Fields whose unreadable value is "not assessed" rather than an error, and what the report calls them.
SOFT_FIELDS = {"tumour_type": "tumour type", "tmb": "TMB", "msi_status": "MSI", "msi_score": "MSI"}


@dataclass(frozen=True)
class SampleClinical:
    """What a clinical sheet says about one sample."""

    source: str
    tumour_type: str | None = None
    purity: float | None = None
    ploidy: float | None = None
    tmb: TumourMutationalBurden | None = None
    msi: Microsatellites | None = None
    values: ClinicalValues | None = None
    notes: tuple[str, ...] = ()
    tumour_type_note: str | None = None  # how a retired code was read, or why the sheet's code was not used
    problems: Mapping[str, str] = field(default_factory=dict)  # field → why its value was not used (not assessed)


def clinical_for(sheet: ClinicalSheet, sample: str) -> SampleClinical | None:
    """The sheet's row for ``sample``, or None when absent (join patient attributes first with
    :func:`hpdgenomics.readers.clinical.join_patients`)."""
    row = sheet.get(sample) if sheet.key == "sample" else None
    if row is None:
        return None
    line = sheet.lines.get(sample)
    notes: list[str] = []
    problems: dict[str, str] = {}
    source = str(sheet.path)
    tumour_type, tumour_type_note = _tumour_type(sheet, row.get("tumour_type"), line, problems)
    msi = _soft(problems, "msi_status", lambda: _msi(sheet, row.get("msi_status"), row.get("msi_score"), line))
    if msi is not None and msi.status is MsiStatus.INDETERMINATE:
        problems["msi_status"] = (f"{_where(sheet, 'msi_status', line)}: the assay gave no MSI call "
                                  f"({msi.raw!r}), so MSI is not assessed")
    tmb = _soft(problems, "tmb", lambda: _tmb(sheet, row.get("tmb"), line))
    notes += problems.values()
    return SampleClinical(
        source=source,
        tumour_type=tumour_type,
        purity=_purity(sheet, row.get("purity"), line, notes),
        ploidy=_positive(sheet, "ploidy", row.get("ploidy"), line),
        tmb=tmb,
        msi=msi,
        values=ClinicalValues(source, {k: v for k, v in row.items() if k in SHOWN_FIELDS and v},
                              {k: sheet.columns[k] for k in SHOWN_FIELDS if k in sheet.columns and row.get(k)}),
        notes=tuple(dict.fromkeys(notes + ([tumour_type_note] if tumour_type_note else []))),
        tumour_type_note=tumour_type_note,
        problems=problems,
    )


def sheet_problems(sheet: ClinicalSheet) -> list[str]:
    """One line per field of the sheet with unreadable values: how many samples lost it, and the values (a cohort's
    QC count and warning)."""
    counts: dict[str, Counter[str]] = {}
    for sample in sheet.rows:
        clinical = clinical_for(sheet, sample)
        for name in clinical.problems if clinical is not None else ():
            value = sheet.rows[sample].get(name) or sheet.rows[sample].get("msi_score") or ""
            counts.setdefault(name, Counter())[value] += 1
    lines = []
    for name, values in sorted(counts.items()):
        shown = ", ".join(f"{value!r} ×{n}" for value, n in values.most_common(5))
        lines.append(f"{sheet.path.name}: {sum(values.values())} sample(s) with an unusable "
                     f"{sheet.columns.get(name, name)} ({shown}); {SOFT_FIELDS[name]} not assessed for them, the "
                     "other samples go on")
    return lines


def _where(sheet: ClinicalSheet, name: str, line: int | None) -> str:
    return f"{sheet.path.name}" + (f" line {line}" if line else "") + f", {sheet.columns.get(name, name)}"


def _soft(problems: dict[str, str], name: str, read: Callable[[], T]) -> T | None:
    """``read()``, or None with the reason kept in ``problems`` when the value cannot be read."""
    try:
        return read()
    except InputError as exc:
        where = Path(exc.path or "").name + (f" line {exc.line}" if exc.line else "")
        problems[name] = f"{where}: {exc.detail}; {SOFT_FIELDS[name]} not assessed for this sample"
        return None


def _number(sheet: ClinicalSheet, name: str, value: str, line: int | None) -> float:
    return finite_number(value, path=sheet.path, line=line, what=sheet.columns.get(name, name))


def _positive(sheet: ClinicalSheet, name: str, value: str | None, line: int | None) -> float | None:
    if not value:
        return None
    number = _number(sheet, name, value, line)
    if number <= 0:
        raise InputError(sheet.path, f"{sheet.columns[name]} must be above 0, found {value!r}", line=line)
    return number


def _tumour_type(sheet: ClinicalSheet, value: str | None, line: int | None,
                 problems: dict[str, str]) -> tuple[str | None, str | None]:
    """(today's code, note): a retired code is read as today's with a note; an unknown one is not assessed."""
    if not value:
        return None, None
    lookup = oncotree.resolve(value)
    where = _where(sheet, "tumour_type", line)
    if lookup.problem is not None:
        problems["tumour_type"] = (f"{where}: {lookup.problem}; tumour type not assessed for this sample "
                                   "(tumour-type-specific rules are conditional)")
        return None, problems["tumour_type"]
    return lookup.code, (f"{where}: {lookup.note}" if lookup.note else None)


def _purity(sheet: ClinicalSheet, value: str | None, line: int | None, notes: list[str]) -> float | None:
    """Purity as a fraction; a value above 1 is read as a percentage (cBioPortal's TUMOR_PURITY is in %)."""
    number = _positive(sheet, "purity", value, line)
    if number is None:
        return None
    if number > 1:
        if number > 100:
            raise InputError(sheet.path, f"{sheet.columns['purity']} must be a fraction (0-1] or a percentage "
                             f"(0-100], found {value!r}", line=line)
        notes.append(f"purity {value} read as a percentage ({number / 100:g})")
        number /= 100
    return number


def _tmb(sheet: ClinicalSheet, value: str | None, line: int | None) -> TumourMutationalBurden | None:
    if not value:
        return None
    number = _number(sheet, "tmb", value, line)
    if number < 0:
        raise InputError(sheet.path, f"{sheet.columns['tmb']} cannot be negative, found {value!r}", line=line)
    column = sheet.columns["tmb"]
    return TumourMutationalBurden(number, f"clinical sheet ({sheet.path.name}, column {column})",
                                  method=f"as reported in {column}; the assay and its counting rules are the lab's")


def _msi(sheet: ClinicalSheet, status: str | None, score: str | None, line: int | None) -> Microsatellites | None:
    if not status and not score:
        return None
    number = _number(sheet, "msi_score", score, line) if score else None
    columns = ", ".join(sheet.columns[c] for c in ("msi_status", "msi_score") if c in sheet.columns)
    source = f"clinical sheet ({sheet.path.name}, {columns})"
    if not status:
        return Microsatellites(None, source, number)
    word = "".join(ch for ch in status.lower() if ch.isalnum())
    if word not in MSI_WORDS:
        raise InputError(sheet.path, f"{sheet.columns['msi_status']} {status!r} is not an MSI status (expected "
                         "MSI-H, MSI-L, MSS, Stable, Instable or Indeterminate)", line=line)
    return Microsatellites(MSI_WORDS[word], source, number, raw=status)
