"""Copy-number segments: SEG (IGV/DNAcopy and its column-name variants), CNVkit ``.cns``/``.call.cns`` and ``.cnr``.

Every reader returns a :class:`SegmentFile`: one column-oriented table (pandas) for all samples of the file, with
coordinates made 0-based and half-open, contigs spelled one way (``chr1`` → ``1``), and the line each row came
from, so that later steps can cite it. Rows that cannot be used are counted per sample under a named reason.

Coordinates: SEG files are 1-based and closed (DNAcopy ``loc.start``/``loc.end``; CNVkit's ``export seg`` adds 1 to
the start), CNVkit ``.cns``/``.cnr`` are 0-based half-open (BED-like).
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

from hpdgenomics.errors import InputError
from hpdgenomics.readers.copy_number.finish import KNOWN_CONTIGS, finish
from hpdgenomics.readers.copy_number.table import (
    REQUIRED,
    SKIP_EMPTY,
    SKIP_NO_VALUE,
    SKIP_UNKNOWN_CONTIG,
    SegmentFile,
    check_shape,
    key,
    read_columns,
    read_header,
    resolve,
    shown,
)

__all__ = ["KNOWN_CONTIGS", "SKIP_EMPTY", "SKIP_NO_VALUE", "SKIP_UNKNOWN_CONTIG", "SegmentFile", "read_cnvkit",
           "read_seg"]

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


def read_seg(path: str | Path, *, sample: str | None = None, log10: bool = False) -> SegmentFile:
    """Read a SEG file (several samples). ``log10``: the values are log10 ratios (some aCGH exports)."""
    path = Path(path)
    comments, header = read_header(path)
    if "sample" not in resolve(path, header, SEG_COLUMNS, comments + 1, REQUIRED) and {"chromosome", "log2"} <= {
            key(h) for h in header}:
        raise InputError(path, "this is a CNVkit .cns/.cnr table (no sample column): give it with --cns",
                         line=comments + 1)
    columns = resolve(path, header, SEG_COLUMNS, comments + 1, ("sample", *REQUIRED))
    if "log2" not in columns and "cn" not in columns:
        check_shape(path, comments, header)  # a ragged row is still named first
        raise InputError(path, "no segment value column: expected one of seg.mean, Segment_Mean, log2, Seg.CN "
                         f"or a copy-number column (cn, Copy_Number); the header has {shown(header)}",
                         line=comments + 1)
    frame = read_columns(path, comments, header, columns)
    if log10 and "log2" in frame:
        frame["log2"] = frame["log2"] * np.log2(10)
    # SEG is 1-based closed; the table is 0-based half-open like BED and CNVkit.
    frame["start"] = frame["start"] - 1
    return finish(path, "seg", frame, sample)


def read_cnvkit(path: str | Path, *, sample: str | None = None) -> SegmentFile:
    """Read a CNVkit ``.cns``/``.call.cns`` (segments) or ``.cnr`` (bins) of one sample.

    The sample id is ``sample`` when given, else the file name without ``.call.cns``/``.cns``/``.cnr``.
    """
    path = Path(path)
    comments, header = read_header(path)
    columns = resolve(path, header, CNVKIT_COLUMNS, comments + 1, (*REQUIRED, "log2"))
    frame = read_columns(path, comments, header, columns)
    name = sample or _cnvkit_stem(path)
    frame.insert(0, "sample", name)
    is_bins = path.name.lower().removesuffix(".gz").endswith(".cnr")
    return finish(path, "cnr" if is_bins else "cns", frame, None, bins=is_bins)


def _cnvkit_stem(path: Path) -> str:
    name = path.name
    for suffix in (".gz", ".cnr", ".cns", ".call", ".segmetrics", ".bintest"):
        name = name.removesuffix(suffix)
    return name or path.name

