"""Numbers, coordinates and dates in the words and units the reports print."""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any


def fmt_number(value: Any) -> str:
    """12.0 → "12", 3.7312 → "3.73"; other values as text."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        return str(value)
    if float(value).is_integer():
        return f"{int(value):,}" if abs(value) >= 10000 else str(int(value))
    return f"{value:.2f}".rstrip("0").rstrip(".")


def fmt_log2(value: float) -> str:
    """Signed, two decimals, and never "-0.00"."""
    return "0.00" if round(value, 2) == 0 else f"{value:+.2f}"


def fmt_size(bp: Any) -> str:
    """Length in bases as kb or Mb."""
    if not isinstance(bp, int | float):
        return ""
    if bp >= 1_000_000:
        return f"{bp / 1_000_000:.1f} Mb"
    if bp >= 1_000:
        return f"{bp / 1_000:.0f} kb"
    return f"{int(bp)} bp"


def region(chrom: Any, start: Any, end: Any) -> str:
    """``chr12:68,780,000–68,900,000`` (coordinates as the document holds them)."""
    name = str(chrom)
    name = name if name.lower().startswith("chr") else f"chr{name}"
    if isinstance(start, int) and isinstance(end, int):
        return f"{name}:{start:,}–{end:,}"
    return name


def scope_words(tumour_types: Iterable[str], exclude: Iterable[str]) -> str:
    """``ALL`` → "all tumour types"; exclusions after "except"."""
    types = [str(t) for t in tumour_types]
    text = "all tumour types" if not types or types == ["ALL"] else ", ".join(types)
    excluded = [str(t) for t in exclude]
    return text + (" except " + ", ".join(excluded) if excluded else "")


def report_date(stamp: str) -> str:
    """``2026-01-01T00:00:00Z`` → ``2026-01-01 00:00 UTC``."""
    match = re.match(r"^(\d{4}-\d{2}-\d{2})T(\d{2}:\d{2})", stamp)
    return f"{match.group(1)} {match.group(2)} UTC" if match else stamp
