"""ASCAT segments (``ascat.runAscat`` / ``asmultipcf``): ``sample chr startpos endpos nMajor nMinor``.

Several samples per file; coordinates 1-based closed (``startpos``/``endpos``); the total copy number is
``nMajor + nMinor``. The per-sample purity and ploidy are in a separate summary (see ``purity.py``).
"""

from __future__ import annotations

from pathlib import Path

from hpdgenomics.readers.copy_number.alleles import total_from_alleles
from hpdgenomics.readers.copy_number.finish import file_stem, finish, read_segment_table
from hpdgenomics.readers.copy_number.table import SegmentFile

COLUMNS = {"sample": ("sample", "samplename", "id"), "chrom": ("chr", "chrom", "chromosome"),
           "start": ("startpos", "start"), "end": ("endpos", "end"), "major": ("nmajor",), "minor": ("nminor",)}


def read_ascat(path: str | Path, *, sample: str | None = None) -> SegmentFile:
    """Read an ASCAT segment table (one or more samples); ``sample`` picks one."""
    path = Path(path)
    frame = read_segment_table(path, "ascat", COLUMNS, ("major", "minor"),
                               default_sample=file_stem(path, (".segments.txt", ".segments.tsv")))
    return finish(path, "ascat", total_from_alleles(frame), sample, unit="ASCAT segments")
