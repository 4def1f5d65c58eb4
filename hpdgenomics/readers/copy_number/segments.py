"""Copy-number segments: SEG (IGV/DNAcopy and its column-name variants), CNVkit ``.cns``/``.call.cns`` and ``.cnr``.

Every reader returns a :class:`SegmentFile`: one column-oriented table (pandas) for all samples of the file, with
coordinates made 0-based and half-open, contigs spelled one way (``chr1`` → ``1``), and the line each row came
from, so that later steps can cite it. Rows that cannot be used are counted per sample under a named reason.

Coordinates: SEG files are 1-based and closed (DNAcopy ``loc.start``/``loc.end``; CNVkit's ``export seg`` adds 1 to
the start), CNVkit ``.cns``/``.cnr`` are 0-based half-open (BED-like).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from hpdgenomics.errors import InputError, SampleSelectionError
from hpdgenomics.genome.builds import SUPPORTED_BUILDS, contig_kind, contig_lengths, normalise_contig
from hpdgenomics.model.qc import ReadTally
from hpdgenomics.readers.numbers import refuse_infinite
from hpdgenomics.readers.text import GZIP_MAGIC, first_ragged_line, not_utf8, open_text

SKIP_UNKNOWN_CONTIG = "contig not in GRCh37/GRCh38 primary assembly"
SKIP_NO_VALUE = "no log2 ratio or copy number (NA)"
SKIP_EMPTY = "empty segment (0 probes, end before start)"

# Column-name variants, compared after lower-casing and dropping everything but letters and digits.
SEG_COLUMNS: dict[str, tuple[str, ...]] = {
    "sample": ("id", "sample", "sampleid", "samplename", "tumorsamplebarcode", "barcode"),
    "chrom": ("chrom", "chromosome", "chr", "contig"),
    "start": ("locstart", "start", "startbp", "startposition", "chromstart"),
    "end": ("locend", "end", "endbp", "endposition", "chromend"),
    "marks": ("nummark", "nummarks", "numprobes", "nummarkers", "probes", "nprobes", "markers"),
    "log2": ("segmean", "segmentmean", "log2", "log2ratio", "segcn", "meanlog2", "log2copyratio"),
    "cn": ("cn", "copynumber", "totalcn", "tcn"),
}
CNVKIT_COLUMNS: dict[str, tuple[str, ...]] = {
    "chrom": ("chromosome",),
    "start": ("start",),
    "end": ("end",),
    "log2": ("log2",),
    "cn": ("cn",),
    "marks": ("probes",),
    "weight": ("weight",),
}
REQUIRED = ("chrom", "start", "end")


@dataclass
class SegmentFile:
    """Segments (or CNVkit bins) of one or more samples, read from one file."""

    path: Path
    format: str  # "seg", "cns" or "cnr"
    frame: pd.DataFrame  # sample, chrom, start, end, log2, cn, marks, weight, line; only usable rows
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


def read_seg(path: str | Path, *, sample: str | None = None, log10: bool = False) -> SegmentFile:
    """Read a SEG file (several samples). ``log10``: the values are log10 ratios (some aCGH exports)."""
    path = Path(path)
    comments, header = _header(path)
    if "sample" not in _resolve(path, header, SEG_COLUMNS, comments + 1, REQUIRED) and {"chromosome", "log2"} <= {
            _key(h) for h in header}:
        raise InputError(path, "this is a CNVkit .cns/.cnr table (no sample column): give it with --cns",
                         line=comments + 1)
    columns = _resolve(path, header, SEG_COLUMNS, comments + 1, ("sample", *REQUIRED))
    if "log2" not in columns and "cn" not in columns:
        _check_shape(path, comments, header)  # a ragged row is still named first
        raise InputError(path, "no segment value column: expected one of seg.mean, Segment_Mean, log2, Seg.CN "
                         f"or a copy-number column (cn, Copy_Number); the header has {_shown(header)}",
                         line=comments + 1)
    frame = _read(path, comments, columns)
    if log10 and "log2" in frame:
        frame["log2"] = frame["log2"] * np.log2(10)
    # SEG is 1-based closed; the table is 0-based half-open like BED and CNVkit.
    frame["start"] = frame["start"] - 1
    return _finish(path, "seg", frame, comments, sample, columns, bins=False)


def read_cnvkit(path: str | Path, *, sample: str | None = None) -> SegmentFile:
    """Read a CNVkit ``.cns``/``.call.cns`` (segments) or ``.cnr`` (bins) of one sample.

    The sample id is ``sample`` when given, else the file name without ``.call.cns``/``.cns``/``.cnr``.
    """
    path = Path(path)
    comments, header = _header(path)
    columns = _resolve(path, header, CNVKIT_COLUMNS, comments + 1, (*REQUIRED, "log2"))
    frame = _read(path, comments, columns)
    name = sample or _cnvkit_stem(path)
    frame.insert(0, "sample", name)
    is_bins = path.name.lower().removesuffix(".gz").endswith(".cnr")
    return _finish(path, "cnr" if is_bins else "cns", frame, comments, None, columns, bins=is_bins)


def _cnvkit_stem(path: Path) -> str:
    name = path.name
    for suffix in (".gz", ".cnr", ".cns", ".call", ".segmetrics", ".bintest"):
        name = name.removesuffix(suffix)
    return name or path.name


def _header(path: Path) -> tuple[int, list[str]]:
    """Number of leading ``#`` lines and the tab-split header after them."""
    comments = 0
    with open_text(path) as handle:
        for line in handle:
            if line.startswith("#"):
                comments += 1
                continue
            header = line.rstrip("\n").split("\t")
            return comments, [h.strip().strip('"') for h in header]
    raise InputError(path, "the file is empty (expected a tab-separated header line)")


def _check_shape(path: Path, comments: int, header: list[str]) -> None:
    """Every row has the header's number of columns (pandas would fill a short row with blanks silently)."""
    ragged = first_ragged_line(path, comments + 1, len(header))
    if ragged is not None:
        raise InputError(path, f"expected {len(header)} tab-separated columns like the header (line {comments + 1}); "
                         "this row has a different number", line=ragged)


def _key(name: str) -> str:
    return re.sub(r"[^a-z0-9]", "", name.lower())


def _resolve(path: Path, header: list[str], variants: dict[str, tuple[str, ...]], line: int,
             required: Iterable[str]) -> dict[str, str]:
    """Map our column names to the file's, checking the required ones are there."""
    by_key: dict[str, str] = {}
    for name in header:
        by_key.setdefault(_key(name), name)
    columns = {ours: next(by_key[v] for v in names if v in by_key)
               for ours, names in variants.items() if any(v in by_key for v in names)}
    missing = [name for name in required if name not in columns]
    if missing:
        expected = "; ".join(f"{m}: one of {', '.join(variants[m])}" for m in missing)
        hint = " (is the file tab-separated?)" if len(header) == 1 else ""
        raise InputError(path, f"missing required column(s) {', '.join(missing)} ({expected}); "
                         f"the header has {_shown(header)}{hint}", line=line)
    return columns


def _shown(header: list[str]) -> str:
    return ", ".join(header[:12]) + (" …" if len(header) > 12 else "")


def _read(path: Path, comments: int, columns: dict[str, str]) -> pd.DataFrame:
    """Read the needed columns as text, then convert, naming the first bad line when a value is not numeric."""
    fast = _read_arrow(path, comments, columns)
    if fast is not None:  # pyarrow refuses ragged rows, so its success also means every row has the header's width
        return _mark_empty(path, fast)
    _check_shape(path, comments, _header(path)[1])
    with path.open("rb") as probe:
        compression = "gzip" if probe.read(2) == GZIP_MAGIC else None
    try:
        raw = pd.read_csv(
            path, sep="\t", skiprows=comments, usecols=list(dict.fromkeys(columns.values())), dtype=str,
            keep_default_na=False, compression=compression, encoding="utf-8-sig", engine="c",
            skip_blank_lines=False,  # blank lines are dropped below, after numbering, so line numbers stay true
        )
    except (EOFError, OSError) as exc:
        raise InputError(path, f"compressed data is corrupt or truncated ({exc})") from exc
    except UnicodeDecodeError as exc:
        raise not_utf8(path, exc) from exc
    except (pd.errors.ParserError, ValueError) as exc:  # ValueError: e.g. a header pandas reads differently
        raise InputError(path, f"not a tab-separated table: {exc}") from exc
    frame = pd.DataFrame({ours: raw[theirs].fillna("").str.strip() for ours, theirs in columns.items()})
    first_data_line = comments + 2
    frame["line"] = np.arange(first_data_line, first_data_line + len(frame))
    frame = frame[(frame[list(columns)] != "").any(axis=1)].reset_index(drop=True)
    for name in ("start", "end"):
        frame[name] = _numbers(path, frame, name, columns[name], integer=True)
    for name in ("log2", "cn", "marks", "weight"):
        if name in frame:
            frame[name] = _numbers(path, frame, name, columns[name], integer=False)
    return _mark_empty(path, frame)


def _mark_empty(path: Path, frame: pd.DataFrame) -> pd.DataFrame:
    bad = frame["end"] < frame["start"]
    # CNVkit can emit an empty segment (0 probes) whose end lies before its start; it carries no measurement and
    # is counted as skipped. Any other reversed segment is an error.
    frame["empty"] = bad & (frame["marks"] == 0) if "marks" in frame else False
    bad &= ~frame["empty"]
    if bad.any():
        row = frame[bad].iloc[0]
        raise InputError(path, f"segment end {row['end']} lies before its start {row['start']}", line=int(row["line"]))
    return frame


# Longer than any chromosome; larger values (3.4e38 …) would overflow the integer columns.
MAX_POSITION = 999_999_999
_MISSING = {"", "NA", "NaN", "nan", "N/A", "na", "NULL", "null", "."}


def _read_arrow(path: Path, comments: int, columns: dict[str, str]) -> pd.DataFrame | None:
    """What the pandas reading in :func:`_read` makes of a well-formed file, done by pyarrow (multi-threaded, and
    no Python loop over rows). None leaves the file to the pandas reading, which names the line of anything odd:
    a blank or ragged line, a missing or non-numeric position, a value pyarrow parses differently."""
    try:
        import pyarrow as pa
        import pyarrow.compute as pc
        from pyarrow import csv as pacsv
    except ImportError:  # pragma: no cover - pyarrow is a declared dependency
        return None
    _, header = _header(path)
    if len(set(header)) != len(header):
        return None
    names = [f"c{i}" for i in range(len(header))]
    wanted = {ours: names[header.index(theirs)] for ours, theirs in columns.items()}
    with path.open("rb") as probe:
        gzipped = probe.read(2) == GZIP_MAGIC
    typed = _read_arrow_typed(pa, pc, pacsv, path, gzipped, names, wanted, comments, len(columns))
    if typed is not None:
        return typed
    try:
        with pa.input_stream(str(path), compression="gzip" if gzipped else None) as stream:
            table = pacsv.read_csv(
                stream, read_options=pacsv.ReadOptions(column_names=names, skip_rows=comments + 1),
                parse_options=pacsv.ParseOptions(delimiter="\t", ignore_empty_lines=False),
                convert_options=pacsv.ConvertOptions(
                    include_columns=list(dict.fromkeys(wanted.values())),
                    column_types={name: pa.string() for name in wanted.values()},
                    strings_can_be_null=False, quoted_strings_can_be_null=False),
            )
        text = {ours: pc.utf8_trim_whitespace(table.column(name)) for ours, name in wanted.items()}
        first_data_line = comments + 2
        line = np.arange(first_data_line, first_data_line + table.num_rows)
        blank = None
        for column in text.values():
            empty = pc.equal(column, "")
            blank = empty if blank is None else pc.and_(blank, empty)
        if blank is not None and pc.any(blank).as_py():
            return None  # an all-empty row: the pandas reading drops it while keeping line numbers true
        missing = pa.array(sorted(_MISSING))
        frame: dict[str, object] = {}
        for ours, column in text.items():
            if ours not in ("start", "end", "log2", "cn", "marks", "weight"):
                frame[ours] = column.to_pandas()
                continue
            absent = pc.is_in(column, value_set=missing)
            if ours in ("start", "end"):
                if pc.any(absent).as_py():
                    return None
                values = pc.cast(column, pa.float64()).to_numpy()
                if not np.isfinite(values).all() or (values % 1 != 0).any() or (values < 0).any() \
                        or (values > MAX_POSITION).any():
                    return None  # the careful path names the line (inf/nan first: numpy warns on inf % 1)
                frame[ours] = values.astype("int64")
            else:
                kept = pc.if_else(absent, pa.scalar(None, pa.string()), column)
                frame[ours] = pc.cast(kept, pa.float64()).to_numpy(zero_copy_only=False)
    except (pa.ArrowException, OSError, EOFError, UnicodeDecodeError, ValueError):
        return None
    result = pd.DataFrame(frame)
    result.insert(len(columns), "line", line)
    return result


_NUMERIC = ("start", "end", "log2", "cn", "marks", "weight")


def _read_arrow_typed(pa: Any, pc: Any, pacsv: Any, path: Path, gzipped: bool, names: list[str],
                      wanted: dict[str, str], comments: int, count: int) -> pd.DataFrame | None:
    """The common case, converted while parsing: plain integers and numbers, the missing-value words as NaN, ids
    as dictionaries (stripped once per distinct value). None when any value needs the text route (padding,
    '100.0' as a position, anything pyarrow will not convert)."""
    if len(set(wanted.values())) != len(wanted):
        return None
    types = {name: (pa.int64() if ours in ("start", "end") else pa.float64() if ours in _NUMERIC
                    else pa.dictionary(pa.int32(), pa.string())) for ours, name in wanted.items()}
    try:
        with pa.input_stream(str(path), compression="gzip" if gzipped else None) as stream:
            table = pacsv.read_csv(
                stream, read_options=pacsv.ReadOptions(column_names=names, skip_rows=comments + 1),
                parse_options=pacsv.ParseOptions(delimiter="\t", ignore_empty_lines=False),
                convert_options=pacsv.ConvertOptions(
                    include_columns=list(wanted.values()), column_types=types, null_values=sorted(_MISSING),
                    strings_can_be_null=False, quoted_strings_can_be_null=False),
            )
    except (pa.ArrowException, OSError, EOFError, UnicodeDecodeError, ValueError):
        return None
    frame: dict[str, object] = {}
    for ours, name in wanted.items():
        column = table.column(name)
        if ours in ("start", "end"):
            if column.null_count:
                return None
            values = column.to_numpy()
            if (values < 0).any() or (values > MAX_POSITION).any():
                return None
            frame[ours] = values.astype("int64")
        elif ours in _NUMERIC:
            frame[ours] = column.to_numpy().astype("float64")
        else:
            column = column.combine_chunks() if column.num_chunks != 1 else column.chunk(0)
            stripped = pc.utf8_trim_whitespace(column.dictionary)
            if pc.any(pc.equal(stripped, "")).as_py():
                return None  # an empty id or an all-empty row: the text route numbers and reports it
            frame[ours] = stripped.take(column.indices).to_pandas()
    first_data_line = comments + 2
    result = pd.DataFrame(frame)
    result.insert(count, "line", np.arange(first_data_line, first_data_line + table.num_rows))
    return result


def _numbers(path: Path, frame: pd.DataFrame, name: str, column: str, *, integer: bool) -> pd.Series:
    text = frame[name]
    values = pd.to_numeric(text.where(~text.isin(_MISSING)), errors="coerce")
    unparsable = values.isna() & ~text.isin(_MISSING)
    if integer:
        unparsable |= text.isin(_MISSING)
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


KNOWN_CONTIGS = frozenset(c for build in SUPPORTED_BUILDS for c in contig_lengths(build))
# Array-era SEG files (TCGA Firehose, PLINK-style exports) number X and Y as 23 and 24.
_NUMBERED_SEX = {"23": "X", "24": "Y"}


def _finish(path: Path, fmt: str, frame: pd.DataFrame, comments: int, sample: str | None,
            columns: dict[str, str], *, bins: bool) -> SegmentFile:
    if frame.empty:
        raise InputError(path, "the file has a header but no data rows")
    refuse_infinite(path, frame, {name: columns[name] for name in ("log2", "cn", "marks", "weight") if name in columns})
    frame["sample"] = frame["sample"].astype(str)
    empty = frame["sample"] == ""
    if empty.any():
        raise InputError(path, "empty sample id", line=int(frame.loc[empty, "line"].iloc[0]))
    samples = [str(name) for name in pd.unique(frame["sample"])]  # file order, without a Python loop over rows
    if sample is not None:
        if sample not in samples:
            shown = ", ".join(samples[:10]) + (" …" if len(samples) > 10 else "")
            raise SampleSelectionError(path, f"sample {sample!r} is not in the file ({len(samples)} samples: {shown})")
        frame = frame[frame["sample"] == sample]
        samples = [sample]
    notes: list[str] = []
    raw_contigs = frame["chrom"].unique()
    spelling = {c: normalise_contig(_NUMBERED_SEX.get(c, c)) for c in raw_contigs}
    if any(c in _NUMBERED_SEX for c in raw_contigs):
        notes.append("chromosomes 23 and 24 read as X and Y")
    malformed = [c for c in raw_contigs if spelling[c] not in KNOWN_CONTIGS and contig_kind(c) == "unknown"]
    if malformed:
        line = int(frame.loc[frame["chrom"] == malformed[0], "line"].iloc[0])
        raise InputError(path, f"chromosome {malformed[0]!r} is neither a GRCh37/GRCh38 chromosome (1-22, X, Y, MT, "
                         "with or without 'chr'; 23 and 24 for X and Y) nor a known unplaced, alternate or decoy "
                         "contig", line=line)
    codes, uniques = pd.factorize(frame["chrom"])  # map each distinct contig once, not each row
    frame = frame.assign(chrom=pd.Series(np.array([spelling[c] for c in uniques], dtype=object), dtype=frame["chrom"]
                                         .dtype).take(codes).reset_index(drop=True).set_axis(frame.index))
    known = frame["chrom"].isin(KNOWN_CONTIGS)
    if not bins:
        _check_overlaps(path, frame[known & ~frame["empty"]])
    values = [name for name in ("log2", "cn") if name in frame]
    has_value = frame[values].notna().any(axis=1) & ~frame["empty"]
    tallies = _tallies(path, fmt, frame, samples, known, has_value, notes)
    usable = frame[known & has_value].drop(columns="empty").reset_index(drop=True)
    return SegmentFile(path=path, format=fmt, frame=usable, samples=samples, tallies=tallies,
                       value_columns=tuple(values), bins=bins)


def _check_overlaps(path: Path, frame: pd.DataFrame) -> None:
    """A sample's segments must not overlap: overlapping ones mean the sample is in the file twice (two files
    concatenated, or two runs under one id). One base is tolerated: SEG files whose segments share their boundary
    base (end of one = start of the next, 1-based closed) are common, e.g. TCGA Firehose and aCGH exports."""
    if len(frame) < 2 or not _any_overlap(frame):
        return
    rows = frame.sort_values(["sample", "chrom", "start", "end"], kind="stable")
    reach = rows.groupby(["sample", "chrom"], sort=False)["end"].cummax()
    previous = reach.groupby([rows["sample"], rows["chrom"]], sort=False).shift()
    overlap = previous - rows["start"]
    bad = (overlap > 1).to_numpy()
    if not bad.any():
        return
    here = rows.iloc[int(bad.nonzero()[0][0])]
    group = rows[(rows["sample"] == here["sample"]) & (rows["chrom"] == here["chrom"])]
    other = group[(group["end"] > here["start"] + 1) & (group["line"] != here["line"])].iloc[0]
    raise InputError(path, f"sample {here['sample']}: the segment {here['chrom']}:{here['start'] + 1}-{here['end']} "
                     f"overlaps the one on line {int(other['line'])}; a sample's segments must not overlap (is the "
                     "sample in the file twice?)", line=int(here["line"]))


def _any_overlap(frame: pd.DataFrame) -> bool:
    """Whether :func:`_check_overlaps` would find anything: the same test on integer codes with numpy, so that a
    file of thousands of samples is checked in a fraction of a second (the pandas version then names the line)."""
    sample_codes = pd.factorize(frame["sample"])[0].astype(np.int64)
    chrom_codes = pd.factorize(frame["chrom"])[0].astype(np.int64)
    start, end = frame["start"].to_numpy(np.int64), frame["end"].to_numpy(np.int64)
    group = sample_codes * (int(chrom_codes.max()) + 1) + chrom_codes
    # One integer key per row; a stable sort of it is linear on the usual already-sorted file. Rows with the same
    # start stay in file order rather than by end, which can only flag more, never fewer, than the check itself.
    width = int(max(end.max(), start.max())) + 2
    order = np.argsort(group * width + start, kind="stable")
    group, start, end = group[order], start[order], end[order]
    # A running maximum over all rows is a running maximum per group once each group is lifted above the last.
    lift = group * width
    reach = np.maximum.accumulate(end + lift) - lift
    same = group[1:] == group[:-1]
    return bool((same & (reach[:-1] - start[1:] > 1)).any())


def _tallies(path: Path, fmt: str, frame: pd.DataFrame, samples: list[str], known: pd.Series,
             has_value: pd.Series, notes: list[str]) -> dict[str, ReadTally]:
    unit = {"seg": "SEG segments", "cns": "CNVkit segments", "cnr": "CNVkit bins"}[fmt]
    codes, names = pd.factorize(frame["sample"])
    flags = {"unknown": ~known, "empty": known & frame["empty"], "no_value": known & ~has_value & ~frame["empty"],
             "kept": known & has_value}
    per_sample = {key: np.bincount(codes, weights=value.to_numpy(bool), minlength=len(names)).astype(np.int64)
                  for key, value in flags.items()}
    position = {str(n): i for i, n in enumerate(names)}
    tallies = {}
    for name in samples:
        row = {key: int(values[position[name]]) for key, values in per_sample.items()}
        tally = ReadTally(path=str(path), unit=unit, notes=list(notes))
        tally.read = int(row["unknown"] + row["empty"] + row["no_value"] + row["kept"])
        tally.kept = int(row["kept"])
        if row["unknown"]:
            tally.skipped[SKIP_UNKNOWN_CONTIG] = int(row["unknown"])
        if row["no_value"]:
            tally.skipped[SKIP_NO_VALUE] = int(row["no_value"])
        if row["empty"]:
            tally.skipped[SKIP_EMPTY] = int(row["empty"])
        tallies[name] = tally
    return tallies
