"""Reading the small delimited tables of this subpackage: a header line, then rows, each kept with its line number.

Tab-, comma- or whitespace-separated (the Ferté example is whitespace-separated with quoted cells and R row names),
``#`` comment lines skipped (cBioPortal clinical files carry four of them), gzip read transparently. Every error names
the file and the line, so that a user can fix the input.
"""

from __future__ import annotations

import csv
import gzip
import io
import shlex
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from hpdgenomics.errors import InputError

MISSING = frozenset({"", "na", "nan", "n/a", "null", "none", ".", "not available", "[not available]",
                     "[not applicable]", "[unknown]", "unknown"})


@dataclass(frozen=True)
class Row:
    """One data row: cells by column name, and the 1-based line it came from."""

    line: int
    cells: dict[str, str]
    row_name: str | None = None  # R write.table row name, when the file has them

    def get(self, column: str | None) -> str:
        """The stripped cell, '' when the column is absent or the cell is empty."""
        if column is None:
            return ""
        return (self.cells.get(column) or "").strip()


@dataclass(frozen=True)
class Table:
    """A header and its rows."""

    path: Path
    columns: tuple[str, ...]
    rows: tuple[Row, ...]

    def column(self, *names: str, required: bool = False) -> str | None:
        """The first of ``names`` the table has (case-insensitive), else None (or an error if ``required``)."""
        lowered = {c.lower(): c for c in self.columns}
        for name in names:
            if name.lower() in lowered:
                return lowered[name.lower()]
        if required:
            raise InputError(self.path, f"expected a column {' or '.join(repr(n) for n in names)}; the header has "
                             f"{', '.join(self.columns[:12])}", line=self.header_line)
        return None

    @property
    def header_line(self) -> int:
        return self.rows[0].line - 1 if self.rows else 1


def _open(path: Path) -> io.TextIOBase:
    try:
        if path.suffix == ".gz":
            return io.TextIOWrapper(gzip.open(path, "rb"), encoding="utf-8-sig", newline="")
        return open(path, encoding="utf-8-sig", newline="")  # closed by the caller's with
    except OSError as exc:
        raise InputError(path, f"cannot read: {exc.strerror or exc}") from exc


def _lines(path: Path) -> Iterator[tuple[int, str]]:
    with _open(path) as handle:
        try:
            for number, line in enumerate(handle, start=1):
                text = line.rstrip("\r\n")
                if text.strip() and not text.startswith("#"):
                    yield number, text
        except UnicodeDecodeError as exc:
            raise InputError(path, "not UTF-8 text") from exc


def _delimiter(path: Path, header: str) -> str | None:
    """Tab, comma or None for whitespace, from the header line (tab wins, then comma)."""
    if "\t" in header:
        return "\t"
    if "," in header or path.suffix.lower() in (".csv", ".csv.gz"):
        return ","
    return None


def _split(text: str, delimiter: str | None, path: Path, line: int) -> list[str]:
    if delimiter is None:
        try:
            return shlex.split(text, posix=True)
        except ValueError as exc:
            raise InputError(path, f"cannot split the line into cells ({exc})", line=line) from exc
    return next(csv.reader([text], delimiter=delimiter))


def read_table(path: str | Path) -> Table:
    """Read a delimited table; an R ``write.table`` file (one cell fewer in the header: row names) is accepted."""
    path = Path(path)
    lines = _lines(path)
    first = next(lines, None)
    if first is None:
        raise InputError(path, "the file is empty (expected a header line and rows)")
    header_line, header_text = first
    delimiter = _delimiter(path, header_text)
    header = [cell.strip() for cell in _split(header_text, delimiter, path, header_line)]
    if len(set(header)) != len(header):
        duplicate = next(name for name in header if header.count(name) > 1)
        raise InputError(path, f"the column {duplicate!r} appears twice in the header", line=header_line)
    rows: list[Row] = []
    row_names = False
    for number, text in lines:
        cells = _split(text, delimiter, path, number)
        if not rows and len(cells) == len(header) + 1:
            row_names = True  # R's write.table: the first cell of every row is the row name
        name = None
        if row_names:
            name, cells = cells[0], cells[1:]
        if len(cells) != len(header):
            raise InputError(path, f"expected {len(header)} cells as in the header, found {len(cells)}", line=number)
        rows.append(Row(number, dict(zip(header, cells, strict=True)), name))
    return Table(path, tuple(header), tuple(rows))


def is_missing(value: str) -> bool:
    """True for an empty cell or one of the usual missing-value words (NA, [Not Available] …)."""
    return value.strip().lower() in MISSING


def parse_number(value: str, path: Path, line: int, what: str) -> float | None:
    """A float, None for a missing cell; anything else is an error naming the column."""
    if is_missing(value):
        return None
    try:
        number = float(value)
    except ValueError:
        raise InputError(path, f"{what}: expected a number, found {value!r}", line=line) from None
    if number != number or number in (float("inf"), float("-inf")):
        raise InputError(path, f"{what}: expected a finite number, found {value!r}", line=line)
    return number


def parse_date(value: str, path: Path, line: int, what: str, *, allow_partial: bool = False) -> date | None:
    """An ISO date (YYYY-MM-DD, a time part after 'T' ignored); US mm/dd/yyyy as the Ferté code reads it.

    A missing cell gives None; so does a partial date (YYYY or YYYY-MM, legal in SDTM) when ``allow_partial``.
    Anything else is an error naming the file, the line and the column.
    """
    text = value.strip()
    if is_missing(text):
        return None
    day_part = text.split("T", 1)[0]
    if allow_partial and len(day_part) in (4, 7) and day_part.replace("-", "").isdigit():
        return None
    try:
        if "/" in day_part:
            month, day, year = (int(part) for part in day_part.split("/"))
            return date(year, month, day)
        return date.fromisoformat(day_part)
    except ValueError:
        raise InputError(path, f"{what}: expected an ISO date (YYYY-MM-DD), found {value!r}", line=line) from None


def months_between(start: date, end: date) -> float:
    """Months from ``start`` to ``end`` as the authors' code counts them: days × 12 / 365.25."""
    return (end - start).days * 12 / 365.25


def require_columns(table: Table, names: Sequence[str]) -> None:
    """An error unless every column of ``names`` is in the table."""
    missing = [name for name in names if name not in table.columns]
    if missing:
        raise InputError(table.path, f"expected column(s) {', '.join(missing)}; the header has "
                         f"{', '.join(table.columns[:12])}", line=table.header_line)
