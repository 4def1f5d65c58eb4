"""One sample's row of a clinical sheet, read into what the report needs: tumour type, purity, ploidy, TMB, MSI
and the clinical values that the clinical-factor rules look at.

Values that are present but unusable (a TMB that is not a number, an unknown OncoTree code) stop the run with the
sheet's file and line: a clinical sheet is typed by people, and a silently ignored cell would change a report.
"""

from __future__ import annotations

from dataclasses import dataclass

from hpdgenomics.errors import InputError
from hpdgenomics.genome import oncotree
from hpdgenomics.model.biomarkers import ClinicalValues, Microsatellites, MsiStatus, TumourMutationalBurden
from hpdgenomics.readers.clinical import CLINICAL_FIELDS, ClinicalSheet
from hpdgenomics.readers.numbers import finite_number

# The wording of MSI calls in common exports (MSK-IMPACT MSI_TYPE: Stable / Instable / Indeterminate).
MSI_WORDS: dict[str, MsiStatus] = {
    "msih": MsiStatus.MSI_HIGH, "msihigh": MsiStatus.MSI_HIGH, "instable": MsiStatus.MSI_HIGH,
    "unstable": MsiStatus.MSI_HIGH, "high": MsiStatus.MSI_HIGH, "dmmr": MsiStatus.MSI_HIGH,
    "mmrdeficient": MsiStatus.MSI_HIGH, "msi": MsiStatus.MSI_HIGH,
    "msil": MsiStatus.MSI_LOW, "msilow": MsiStatus.MSI_LOW, "low": MsiStatus.MSI_LOW,
    "mss": MsiStatus.STABLE, "stable": MsiStatus.STABLE, "microsatellitestable": MsiStatus.STABLE,
    "pmmr": MsiStatus.STABLE, "mmrproficient": MsiStatus.STABLE,
    "indeterminate": MsiStatus.INDETERMINATE, "equivocal": MsiStatus.INDETERMINATE,
}


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


def clinical_for(sheet: ClinicalSheet, sample: str) -> SampleClinical | None:
    """The sheet's row for ``sample``, or None when absent (join patient attributes first with
    :func:`hpdgenomics.readers.clinical.join_patients`)."""
    row = sheet.get(sample) if sheet.key == "sample" else None
    if row is None:
        return None
    line = sheet.lines.get(sample)
    notes: list[str] = []
    source = str(sheet.path)
    return SampleClinical(
        source=source,
        tumour_type=_tumour_type(sheet, row.get("tumour_type"), line),
        purity=_purity(sheet, row.get("purity"), line, notes),
        ploidy=_positive(sheet, "ploidy", row.get("ploidy"), line),
        tmb=_tmb(sheet, row.get("tmb"), line),
        msi=_msi(sheet, row.get("msi_status"), row.get("msi_score"), line),
        values=ClinicalValues(source, {k: v for k, v in row.items() if k in CLINICAL_FIELDS and v},
                              {k: sheet.columns[k] for k in CLINICAL_FIELDS if k in sheet.columns and row.get(k)}),
        notes=tuple(notes),
    )


def _number(sheet: ClinicalSheet, name: str, value: str, line: int | None) -> float:
    return finite_number(value, path=sheet.path, line=line, what=sheet.columns.get(name, name))


def _positive(sheet: ClinicalSheet, name: str, value: str | None, line: int | None) -> float | None:
    if not value:
        return None
    number = _number(sheet, name, value, line)
    if number <= 0:
        raise InputError(sheet.path, f"{sheet.columns[name]} must be above 0, found {value!r}", line=line)
    return number


def _tumour_type(sheet: ClinicalSheet, value: str | None, line: int | None) -> str | None:
    if not value:
        return None
    code = value.strip().upper()
    if not oncotree.is_known(code):
        hint = oncotree.suggest(code)
        raise InputError(sheet.path, f"unknown OncoTree code {value!r} in {sheet.columns['tumour_type']}"
                         + (f"; did you mean {', '.join(hint)}?" if hint else "")
                         + f" (tree release {oncotree.RELEASE})", line=line)
    return code


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
