"""Clinical sheets put together for a cohort: a study's sample and patient attributes as one sheet, a sample sheet's
tumour type / purity / ploidy columns as a sheet, and one-row sheets for the workers that read a row's own files.

The result is an ordinary :class:`~hpdgenomics.readers.clinical.ClinicalSheet`, so the clinical values of every
sample are read by the same code as in a one-sample run (:func:`hpdgenomics.inputs.clinical.clinical_for`).
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

from hpdgenomics.errors import InputError
from hpdgenomics.inputs.clinical import sheet_problems
from hpdgenomics.model import ReadTally
from hpdgenomics.readers.clinical import MISSING, ClinicalSheet, read_clinical


def problems(sheet: ClinicalSheet | str | Path) -> list[str]:
    """The cohort's QC lines for a clinical sheet's unusable values (one per field, with counts); each is also a
    warning on the command line. The samples concerned have that field *not assessed*; the others go on."""
    return sheet_problems(sheet if isinstance(sheet, ClinicalSheet) else read_clinical(sheet))


def sheet_values(path: Path, values: Mapping[str, tuple[Mapping[str, str], int]]) -> ClinicalSheet | None:
    """A clinical sheet from a sample sheet's columns: sample → ({tumour_type, purity, ploidy}, line)."""
    rows = {sample: {k: v for k, v in row.items() if v.strip().lower() not in MISSING}
            for sample, (row, _) in values.items()}
    if not any(rows.values()):
        return None
    names = sorted({name for row in rows.values() for name in row})
    tally = ReadTally(str(path), "sample sheet rows", read=len(rows), kept=len(rows))
    return ClinicalSheet(path, "sample", rows, {n: n for n in names}, tally,
                         {sample: line for sample, (_, line) in values.items()})


def overlay(base: ClinicalSheet, extra: ClinicalSheet) -> ClinicalSheet:
    """``base`` (a ``--clinical`` sheet) with ``extra``'s values (a sample sheet's columns) added; the same value
    given differently by both is an error naming the sample sheet's line."""
    columns = dict(base.columns)
    rows = {sample: dict(row) for sample, row in base.rows.items()}
    lines = dict(base.lines)
    for sample, row in extra.rows.items():
        target = rows.setdefault(sample, {})
        for name, value in row.items():
            known = target.get(name)
            if known and known.strip().upper() != value.strip().upper():
                raise InputError(extra.path, f"{name} {value!r} for sample {sample} differs from "
                                 f"{base.columns.get(name, name)} {known!r} in {base.path.name}; give it once",
                                 line=extra.lines.get(sample))
            target[name] = value
            columns.setdefault(name, name)
        lines.setdefault(sample, extra.lines.get(sample, 0))
    return ClinicalSheet(base.path, "sample", rows, columns, base.tally, lines)


def one_row(sheet: ClinicalSheet | None, sample: str) -> ClinicalSheet | None:
    """A sheet holding only ``sample``'s row (what a worker needs to read one sample's own files)."""
    if sheet is None or sheet.get(sample) is None:
        return None
    tally = ReadTally(str(sheet.path), sheet.tally.unit, read=1, kept=1)
    return ClinicalSheet(sheet.path, sheet.key, {sample: dict(sheet.rows[sample])}, dict(sheet.columns), tally,
                         {sample: sheet.lines.get(sample, 0)})
