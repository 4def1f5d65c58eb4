"""Sample sheets: one row per tumour, naming its input files, as a pipeline writes them.

Columns (CSV or TSV, a header first): ``sample`` (the id the reports carry, and the id to look up in multi-sample
files), the files ``vcf``, ``maf``, ``seg``, ``cns``, ``cna``, ``cnv_vcf``, ``sv`` (paths relative to the sheet's
folder), and ``tumour_type`` (OncoTree code), ``purity``, ``ploidy``. Empty cells mean "not given".

A file named by several rows is a multi-sample file (one SEG for the whole cohort, say): it is read once, and each
row takes its own sample from it. One-tumour formats (VCF, CNVkit, copy-number VCF) cannot be shared. Duplicated
sample ids, unknown columns and missing files are errors naming the sheet's line.
"""

from __future__ import annotations

import csv
import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

from hpdgenomics.errors import InputError
from hpdgenomics.model import AlterationKind
from hpdgenomics.readers.text import open_text

FILE_COLUMNS = ("vcf", "maf", "seg", "cns", "cna", "cnv_vcf", "sv")
VALUE_COLUMNS = ("tumour_type", "purity", "ploidy")
COLUMNS = ("sample", *FILE_COLUMNS, *VALUE_COLUMNS)
ALIASES = {"tumor_type": "tumour_type", "sample_id": "sample"}
SHAREABLE = frozenset({"maf", "seg", "cna", "sv"})  # formats that hold several samples
KIND_OF = {"vcf": AlterationKind.SMALL_VARIANT, "maf": AlterationKind.SMALL_VARIANT,
           "seg": AlterationKind.COPY_NUMBER, "cns": AlterationKind.COPY_NUMBER, "cna": AlterationKind.COPY_NUMBER,
           "cnv_vcf": AlterationKind.COPY_NUMBER, "sv": AlterationKind.STRUCTURAL}


@dataclass(frozen=True)
class SheetRow:
    """One row: its line, sample id, files (column → path) and values (tumour_type, purity, ploidy)."""

    line: int
    sample: str
    files: Mapping[str, Path]
    values: Mapping[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class SampleSheet:
    """A sample sheet, read and checked."""

    path: Path
    rows: tuple[SheetRow, ...]

    def shared_files(self) -> dict[tuple[str, Path], list[SheetRow]]:
        """(column, file) → the rows that name it, for the files more than one row names (in sheet order)."""
        users: dict[tuple[str, Path], list[SheetRow]] = {}
        for row in self.rows:
            for column, path in row.files.items():
                users.setdefault((column, path), []).append(row)
        return {key: rows for key, rows in users.items() if len(rows) > 1}

    def own_files(self, row: SheetRow) -> dict[str, Path]:
        """The files only this row names (read with the row, by a worker)."""
        shared = self.shared_files()
        return {column: path for column, path in row.files.items() if (column, path) not in shared}


def read_sample_sheet(path: str | Path) -> SampleSheet:
    """Read and check a sample sheet (see the module doc)."""
    path = Path(path)
    with open_text(path) as handle:
        lines = handle.read().split("\n")
    first = next((i for i, line in enumerate(lines) if line.strip()), None)
    if first is None:
        raise InputError(path, "the sample sheet is empty: expected a header such as sample,vcf,seg,tumour_type")
    delimiter = "\t" if "\t" in lines[first] else ","
    records = csv.reader(lines[first:], delimiter=delimiter)
    header = [_column(path, name, first + 1) for name in next(records)]
    duplicated = sorted({name for name in header if header.count(name) > 1})
    if duplicated:
        raise InputError(path, f"column {duplicated[0]!r} appears twice", line=first + 1)
    if "sample" not in header:
        raise InputError(path, f"no sample column (columns: {', '.join(header)}); expected {', '.join(COLUMNS)}",
                         line=first + 1)
    rows: list[SheetRow] = []
    seen: dict[str, int] = {}
    for number, cells in enumerate(records, start=first + 2):
        if not any(cell.strip() for cell in cells):
            continue
        if len(cells) != len(header):
            raise InputError(path, f"expected {len(header)} fields as in the header, found {len(cells)}",
                             line=number)
        record = {name: cell.strip() for name, cell in zip(header, cells, strict=True)}
        rows.append(_row(path, record, number, seen))
    if not rows:
        raise InputError(path, "the sample sheet has a header but no rows")
    sheet = SampleSheet(path, tuple(rows))
    _check_shared(sheet)
    return sheet


def _column(path: Path, name: str, line: int) -> str:
    key = name.strip().lower().replace("-", "_").replace(" ", "_")
    key = ALIASES.get(key, key)
    if key not in COLUMNS:
        raise InputError(path, f"unknown column {name.strip()!r}; the columns are {', '.join(COLUMNS)}", line=line)
    return key


def _row(path: Path, record: dict[str, str], line: int, seen: dict[str, int]) -> SheetRow:
    sample = record["sample"]
    if not sample:
        raise InputError(path, "empty sample id", line=line)
    if sample in seen:
        raise InputError(path, f"sample {sample!r} is listed twice (first on line {seen[sample]})", line=line)
    seen[sample] = line
    files = {}
    for column in FILE_COLUMNS:
        value = record.get(column, "")
        if not value:
            continue
        target = Path(value).expanduser()
        target = Path(os.path.normpath(target if target.is_absolute() else path.parent / target))
        if not target.is_file():
            raise InputError(path, f"{column} file {value!r} of sample {sample} not found (looked for {target})",
                             line=line)
        files[column] = target
    if not files:
        raise InputError(path, f"sample {sample} names no input file (give at least one of "
                         f"{', '.join(FILE_COLUMNS)})", line=line)
    if "vcf" in files and "maf" in files:
        raise InputError(path, f"sample {sample} gives both a VCF and a MAF: give one small-variant input", line=line)
    copy_number = [c for c in ("seg", "cns", "cna", "cnv_vcf") if c in files]
    if len(copy_number) > 1:
        raise InputError(path, f"sample {sample} gives {' and '.join(copy_number)}: give one copy-number input",
                         line=line)
    values = {column: record[column] for column in VALUE_COLUMNS if record.get(column)}
    return SheetRow(line, sample, files, values)


def _check_shared(sheet: SampleSheet) -> None:
    """A one-tumour file (VCF, CNVkit) named by two rows is a mistake: it would be read as both samples."""
    for (column, target), rows in sheet.shared_files().items():
        if column not in SHAREABLE:
            raise InputError(sheet.path, f"{column} file {target.name} is named by the rows of {rows[0].sample} "
                             f"(line {rows[0].line}) and {rows[1].sample}: a {column.upper()} holds one tumour; "
                             "multi-sample files are maf, seg, cna and sv", line=rows[1].line)
