"""Shared steps of the allele-specific readers: totals from major + minor, and copy numbers that cannot be negative."""

from __future__ import annotations

import numpy as np
import pandas as pd


def total_from_alleles(frame: pd.DataFrame) -> pd.DataFrame:
    """``cn`` = major + minor (NaN when either is NA: an unknown allele leaves the total unknown)."""
    frame["cn"] = frame["major"] + frame["minor"]
    return frame


def major_from_total(frame: pd.DataFrame) -> pd.DataFrame:
    """``major`` = total − minor where the minor copy number is known (FACETS gives tcn and lcn only)."""
    frame["major"] = frame["cn"] - frame["minor"]
    return frame


def clip_negative(frame: pd.DataFrame, columns: tuple[str, ...] = ("cn", "minor", "major")) -> pd.DataFrame:
    """PURPLE's fitted copy numbers can dip just below 0 (e.g. -0.01) on a homozygous deletion: read as 0."""
    for name in columns:
        if name in frame:
            frame[name] = np.where(frame[name] < 0, 0.0, frame[name])
    return frame
