"""TitanCNA segment files (``*.segs.txt``): ``Sample``, ``Chromosome``, ``Start_Position(bp)``, ``End_Position(bp)``,
``Length(snp)``, ``Median_logR``, ``Copy_Number``, ``MinorCN``, ``MajorCN``, ``Cellular_Frequency``, ``TITAN_call``.

Coordinates 1-based closed. The integer ``Copy_Number`` (already purity- and ploidy-corrected by TitanCNA) is used;
``Median_logR`` is kept for the report but not re-converted. A subclonal segment (Cellular_Frequency < 1) keeps
its call; its cellular frequency is noted in the part.
"""

from __future__ import annotations

from pathlib import Path

from hpdgenomics.readers.copy_number.finish import file_stem, finish, read_segment_table
from hpdgenomics.readers.copy_number.table import SegmentFile

COLUMNS = {"sample": ("sample",), "chrom": ("chromosome", "chr"), "start": ("startpositionbp", "start"),
           "end": ("endpositionbp", "end"), "cn": ("copynumber", "correctedcopynumber"),
           "minor": ("minorcn", "correctedminorcn"), "major": ("majorcn", "correctedmajorcn"),
           "marks": ("lengthsnp",), "cell_fraction": ("cellularfrequency", "cellularprevalence")}


def read_titan(path: str | Path, *, sample: str | None = None) -> SegmentFile:
    """Read a TitanCNA segment table; ``sample`` picks one of its samples."""
    path = Path(path)
    frame = read_segment_table(path, "titan", COLUMNS, ("cn",),
                               default_sample=file_stem(path, (".segs.txt", ".segs.tsv", "_titan.segs.tsv")))
    return finish(path, "titan", frame, sample, unit="TitanCNA segments")
