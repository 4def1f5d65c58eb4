"""Battenberg ``<tumour>_subclones.txt``: ``chr startpos endpos BAF pval LogR ntot nMaj1_A nMin1_A frac1_A nMaj2_A
nMin2_A frac2_A …`` (solution A is Battenberg's reported one; B–F are alternatives and are not read).

R writes the table with row names, so data rows have one cell more than the header. Coordinates 1-based closed.
A segment is clonal (frac1_A = 1) or a mixture of two states; the state of the larger fraction is used (state 1
when frac1_A ≥ 0.5), with its fraction as the part's cellular fraction. Total = nMaj + nMin of that state.
"""

from __future__ import annotations

from pathlib import Path

from hpdgenomics.readers.copy_number.alleles import total_from_alleles
from hpdgenomics.readers.copy_number.finish import file_stem, finish, read_segment_table
from hpdgenomics.readers.copy_number.table import SegmentFile, read_header
from hpdgenomics.readers.text import open_text

COLUMNS = {"chrom": ("chr", "chromosome"), "start": ("startpos",), "end": ("endpos",), "log2": ("logr",),
           "major": ("nmaj1a",), "minor": ("nmin1a",), "cell_fraction": ("frac1a",),
           "major2": ("nmaj2a",), "minor2": ("nmin2a",), "fraction2": ("frac2a",)}


def read_battenberg(path: str | Path, *, sample: str | None = None) -> SegmentFile:
    """Read a Battenberg subclones file (one sample: ``sample`` or the file name before ``_subclones.txt``)."""
    path = Path(path)
    comments, header = read_header(path)
    with open_text(path) as handle:
        for _ in range(comments + 1):
            next(handle)
        first = next(handle, "")
    if first.count("\t") == len(header):  # one cell more than the header: R's row names
        header = ["row.names", *header]
    frame = read_segment_table(path, "battenberg", COLUMNS, ("major", "minor", "cell_fraction"), sample=sample,
                               default_sample=file_stem(path, ("_subclones.txt", ".subclones.txt")),
                               layout=(comments, header))
    if "fraction2" in frame:
        second = frame["cell_fraction"] < 0.5
        frame.loc[second, "major"] = frame.loc[second, "major2"]
        frame.loc[second, "minor"] = frame.loc[second, "minor2"]
        frame.loc[second, "cell_fraction"] = frame.loc[second, "fraction2"]
        frame = frame.drop(columns=["major2", "minor2", "fraction2"])
    return finish(path, "battenberg", total_from_alleles(frame), None, unit="Battenberg segments")
