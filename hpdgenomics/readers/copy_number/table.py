"""Reading tab-separated copy-number tables: header, column names, numbers with their line, the common result.

Every copy-number reader (SEG, CNVkit, the absolute callers) goes through :func:`read_columns`, so a non-numeric
value, a ragged row or a missing column is reported the same way: file, line, column, and the format the file was
read as. The fast path is :mod:`hpdgenomics.readers.copy_number.arrow`; this module's pandas reading is the careful
one that names the line of anything odd.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from hpdgenomics.errors import InputError
from hpdgenomics.model.qc import ReadTally
from hpdgenomics.readers.copy_number.arrow import MAX_POSITION, MISSING, NUMERIC, read_arrow
from hpdgenomics.readers.numbers import refuse_infinite
from hpdgenomics.readers.text import GZIP_MAGIC, first_ragged_line, open_text, table_read_errors

SKIP_UNKNOWN_CONTIG = "contig not in GRCh37/GRCh38 primary assembly"
SKIP_NO_VALUE = "no log2 ratio or copy number (NA)"
SKIP_EMPTY = "empty segment (0 probes, end before start)"
REQUIRED = ("chrom", "start", "end")


@dataclass
class SegmentFile:
    """Segments (or CNVkit bins) of one or more samples, read from one file."""

    path: Path
    format: str  # a registry name: "seg", "cns", "cnr", "vcf", "ascat", "purple", "facets", …
    frame: pd.DataFrame  # sample, chrom, start, end, log2, cn, minor, major, marks, weight, line; usable rows
    samples: list[str]  # in file order
    tallies: dict[str, ReadTally] = field(default_factory=dict)
    value_columns: tuple[str, ...] = ()  # which of log2 / cn the file provides
    bins: bool = False  # CNVkit .cnr: many small bins per gene, to be averaged rather than taken one by one

    def for_sample(self, sample: str) -> pd.DataFrame:
        return self.frame[self.frame["sample"] == sample]

    def max_end_by_contig(self) -> dict[str, int]:
        """Largest end per contig (for build detection from coordinates)."""
        if self.frame.empty:
            return {}
        return {str(k): int(v) for k, v in self.frame.groupby("chrom", sort=False)["end"].max().items()}

    # What the caller fitted, per sample, when the file (or one beside it) says: purity, ploidy, WGD, MSI, TMB.
    fitted: dict[str, dict[str, object]] = field(default_factory=dict)
    build_hint: str | None = None  # a build the file declares (GATK @SQ AS:), checked against the coordinates
    notes: list[str] = field(default_factory=list)

    @property
    def allele_specific(self) -> bool:
        """The file gives minor-allele copy numbers (ASCAT, PURPLE, FACETS lcn, TitanCNA, Battenberg, PCGR)."""
        return "minor" in self.frame.columns


def read_header(path: Path, prefixes: tuple[str, ...] = ("#",)) -> tuple[int, list[str]]:
    """Number of leading comment lines (starting with one of ``prefixes``) and the tab-split header after them."""
    comments = 0
    with open_text(path) as handle:
        for line in handle:
            if line.startswith(prefixes):
                comments += 1
                continue
            header = line.rstrip("\n").split("\t")
            return comments, [h.strip().strip('"') for h in header]
    raise InputError(path, "the file is empty (expected a tab-separated header line)")


def check_shape(path: Path, comments: int, header: list[str]) -> None:
    """Every row has the header's number of columns (pandas would fill a short row with blanks silently)."""
    ragged = first_ragged_line(path, comments + 1, len(header))
    if ragged is not None:
        raise InputError(path, f"expected {len(header)} tab-separated columns like the header (line {comments + 1}); "
                         "this row has a different number", line=ragged)


def key(name: str) -> str:
    return re.sub(r"[^a-z0-9]", "", name.lower())


def resolve(path: Path, header: list[str], variants: dict[str, tuple[str, ...]], line: int,
             required: Iterable[str]) -> dict[str, str]:
    """Map our column names to the file's, checking the required ones are there."""
    by_key: dict[str, str] = {}
    for name in header:
        by_key.setdefault(key(name), name)
    columns = {ours: next(by_key[v] for v in names if v in by_key)
               for ours, names in variants.items() if any(v in by_key for v in names)}
    missing = [name for name in required if name not in columns]
    if missing:
        expected = "; ".join(f"{m}: one of {', '.join(variants[m])}" for m in missing)
        hint = " (is the file tab-separated?)" if len(header) == 1 else ""
        raise InputError(path, f"missing required column(s) {', '.join(missing)} ({expected}); "
                         f"the header has {shown(header)}{hint}", line=line)
    return columns


def shown(header: list[str]) -> str:
    return ", ".join(header[:12]) + (" …" if len(header) > 12 else "")



def read_columns(path: Path, comments: int, header: list[str], columns: dict[str, str]) -> pd.DataFrame:
    """Read the needed columns as text, then convert, naming the first bad line when a value is not numeric or
    is infinite (docs/input_rules.md)."""
    frame = _read_columns(path, comments, header, columns)
    refuse_infinite(path, frame, {name: columns[name] for name in NUMERIC[2:] if name in columns})
    return frame


def _read_columns(path: Path, comments: int, header: list[str], columns: dict[str, str]) -> pd.DataFrame:
    fast = read_arrow(path, comments, header, columns)
    if fast is not None:  # pyarrow refuses ragged rows, so its success also means every row has the header's width
        return mark_empty(path, fast)
    check_shape(path, comments, header)
    with path.open("rb") as probe:
        compression = "gzip" if probe.read(2) == GZIP_MAGIC else None
    # Columns by position, as the arrow reading does: a header one shorter than the rows (R's row names) or with
    # a repeated name is then read the same way by both.
    names = [f"c{i}" for i in range(len(header))]
    position = {theirs: names[header.index(theirs)] for theirs in columns.values()}
    with table_read_errors(path):
        raw = pd.read_csv(
            path, sep="\t", skiprows=comments + 1, header=None, names=names,
            usecols=list(dict.fromkeys(position.values())), dtype=str,
            keep_default_na=False, compression=compression, encoding="utf-8-sig", engine="c",
            skip_blank_lines=False,  # blank lines are dropped below, after numbering, so line numbers stay true
        )
    frame = pd.DataFrame({ours: raw[position[theirs]].fillna("").str.strip() for ours, theirs in columns.items()})
    first_data_line = comments + 2
    frame["line"] = np.arange(first_data_line, first_data_line + len(frame))
    frame = frame[(frame[list(columns)] != "").any(axis=1)].reset_index(drop=True)
    for name in ("start", "end"):
        frame[name] = numbers(path, frame, name, columns[name], integer=True)
    for name in NUMERIC[2:]:
        if name in frame:
            frame[name] = numbers(path, frame, name, columns[name], integer=False)
    return mark_empty(path, frame)


def mark_empty(path: Path, frame: pd.DataFrame) -> pd.DataFrame:
    bad = frame["end"] < frame["start"]
    # CNVkit can emit an empty segment (0 probes) whose end lies before its start; it carries no measurement and
    # is counted as skipped. Any other reversed segment is an error.
    frame["empty"] = bad & (frame["marks"] == 0) if "marks" in frame else False
    bad &= ~frame["empty"]
    if bad.any():
        row = frame[bad].iloc[0]
        raise InputError(path, f"segment end {row['end']} lies before its start {row['start']}", line=int(row["line"]))
    return frame



def numbers(path: Path, frame: pd.DataFrame, name: str, column: str, *, integer: bool) -> pd.Series:
    text = frame[name]
    values = pd.to_numeric(text.where(~text.isin(MISSING)), errors="coerce")
    unparsable = values.isna() & ~text.isin(MISSING)
    if integer:
        unparsable |= text.isin(MISSING)
    if unparsable.any():
        index = unparsable.to_numpy().nonzero()[0][0]
        kind = "an integer position" if integer else "a number or NA"
        raise InputError(path, f"column {column}: expected {kind}, got {text.iloc[index]!r}",
                         line=int(frame["line"].iloc[index]))
    if integer:
        wrong = (values % 1 != 0) | (values < 0) | (values > MAX_POSITION)
        if wrong.any():
            index = wrong.to_numpy().nonzero()[0][0]
            raise InputError(path, f"column {column}: expected a non-negative integer position (at most "
                             f"{MAX_POSITION:,}), got {text.iloc[index]!r}", line=int(frame["line"].iloc[index]))
        return values.astype("int64")
    return values.astype("float64")

