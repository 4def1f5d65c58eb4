"""One rule for numbers that are not finite, shared by every reader (docs/input_rules.md).

``inf``, ``-inf``, ``Infinity`` and values too large for a double (``1e400``, which Python and pandas read as
``inf``) are refused with the file, the line and the column: no measurement is infinite, and an infinite value would
otherwise travel into the copy-number arithmetic and the JSON report (which cannot hold it). ``nan`` is not a
number either: where a format has missing-value words (``NA``, ``NaN``, empty …) it is one of them and the record is
counted as having no value under a named reason; where it has none, it is refused like ``inf``.
"""

from __future__ import annotations

import math
from pathlib import Path
from typing import TYPE_CHECKING

from hpdgenomics.errors import InputError

if TYPE_CHECKING:  # numpy/pandas are imported where a frame is checked, so that the VCF path does not load them
    import pandas as pd


def finite_number(text: str, *, path: str | Path | None, line: int | None, what: str) -> float:
    """``text`` as a finite float; InputError naming ``what`` (a column or key) when it is not a number or is
    infinite, not a number (``nan``) or out of the double range."""
    try:
        value = float(text)
    except (TypeError, ValueError) as exc:
        raise InputError(path, f"{what} must be a number, found {text!r}", line=line) from exc
    return checked_finite(value, text, path=path, line=line, what=what)


def checked_finite(value: float, shown: object, *, path: str | Path | None, line: int | None, what: str) -> float:
    """``value`` unchanged when it is finite; otherwise InputError (``shown`` is what the file said)."""
    if not math.isfinite(value):
        raise InputError(path, f"{what} must be a finite number, found {shown!r} (infinite, not a number or out of "
                         "range values are refused)", line=line)
    return value


def refuse_infinite(path: str | Path, frame: pd.DataFrame, columns: dict[str, str]) -> None:
    """InputError at the first row of ``frame`` whose value in one of ``columns`` (ours → the file's name) is
    ±infinite. NaN is left alone: the table readers turn missing-value words into NaN and count those rows.
    ``frame`` needs a ``line`` column."""
    import numpy as np

    for ours, theirs in columns.items():
        if ours not in frame:
            continue
        values = frame[ours].to_numpy(dtype="float64", na_value=np.nan)
        infinite = np.isinf(values)
        if infinite.any():
            index = int(infinite.nonzero()[0][0])
            raise InputError(path, f"column {theirs}: expected a finite number or NA, found {float(values[index])!r} "
                             "(infinite or out-of-range values are refused)", line=int(frame["line"].iloc[index]))
