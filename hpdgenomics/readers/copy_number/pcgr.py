"""PCGR v2 allele-specific copy-number input: ``Chromosome Start End nMajor nMinor`` (one sample, no sample column).

Coordinates are read as 1-based closed, like PCGR's other tabular inputs; the sample is ``--sample`` or the file
name before ``.cna.tsv`` (e.g. ``T001-BRCA.grch37``). Total copy number = nMajor + nMinor.
"""

from __future__ import annotations

from pathlib import Path

from hpdgenomics.readers.copy_number.alleles import total_from_alleles
from hpdgenomics.readers.copy_number.finish import file_stem, finish, read_segment_table
from hpdgenomics.readers.copy_number.table import SegmentFile

COLUMNS = {"chrom": ("chromosome", "chrom", "chr"), "start": ("start",), "end": ("end",), "major": ("nmajor",),
           "minor": ("nminor",)}


def read_pcgr(path: str | Path, *, sample: str | None = None) -> SegmentFile:
    """Read a PCGR v2 ``.cna.tsv`` (one sample)."""
    path = Path(path)
    frame = read_segment_table(path, "pcgr", COLUMNS, ("major", "minor"), sample=sample,
                               default_sample=file_stem(path, (".cna.tsv", ".tsv")))
    return finish(path, "pcgr", total_from_alleles(frame), None, unit="PCGR allele-specific segments")
