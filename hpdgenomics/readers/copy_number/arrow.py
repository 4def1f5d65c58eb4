"""The fast reading of a well-formed copy-number table, by pyarrow (multi-threaded, no Python loop over rows).

It returns what :func:`hpdgenomics.readers.copy_number.table.read_columns`' pandas reading makes of the same file,
or None to leave the file to that reading, which names the line of anything odd.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from hpdgenomics.readers.text import GZIP_MAGIC

# Longer than any chromosome; larger values (3.4e38 …) would overflow the integer columns.
MAX_POSITION = 999_999_999
MISSING = {"", "NA", "NaN", "nan", "N/A", "na", "NULL", "null", "."}
# Columns read as numbers; the others (sample, chrom, call words) stay text.
NUMERIC = ("start", "end", "log2", "cn", "marks", "weight", "minor", "major", "cell_fraction", "ploidy",
           "major2", "minor2", "fraction2")


def read_arrow(path: Path, comments: int, header: list[str], columns: dict[str, str]) -> pd.DataFrame | None:
    """What the pandas reading of ``table.read_columns`` makes of a well-formed file, done by pyarrow (multi-threaded,
    and no Python loop over rows). None leaves the file to the pandas reading, which names the line of anything odd:
    a blank or ragged line, a missing or non-numeric position, a value pyarrow parses differently."""
    try:
        import pyarrow as pa
        import pyarrow.compute as pc
        from pyarrow import csv as pacsv
    except ImportError:  # pragma: no cover - pyarrow is a declared dependency
        return None
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
        missing = pa.array(sorted(MISSING))
        frame: dict[str, object] = {}
        for ours, column in text.items():
            if ours not in NUMERIC:
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



def _read_arrow_typed(pa: Any, pc: Any, pacsv: Any, path: Path, gzipped: bool, names: list[str],
                      wanted: dict[str, str], comments: int, count: int) -> pd.DataFrame | None:
    """The common case, converted while parsing: plain integers and numbers, the missing-value words as NaN, ids
    as dictionaries (stripped once per distinct value). None when any value needs the text route (padding,
    '100.0' as a position, anything pyarrow will not convert)."""
    if len(set(wanted.values())) != len(wanted):
        return None
    types = {name: (pa.int64() if ours in ("start", "end") else pa.float64() if ours in NUMERIC
                    else pa.dictionary(pa.int32(), pa.string())) for ours, name in wanted.items()}
    try:
        with pa.input_stream(str(path), compression="gzip" if gzipped else None) as stream:
            table = pacsv.read_csv(
                stream, read_options=pacsv.ReadOptions(column_names=names, skip_rows=comments + 1),
                parse_options=pacsv.ParseOptions(delimiter="\t", ignore_empty_lines=False),
                convert_options=pacsv.ConvertOptions(
                    include_columns=list(wanted.values()), column_types=types, null_values=sorted(MISSING),
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
        elif ours in NUMERIC:
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
