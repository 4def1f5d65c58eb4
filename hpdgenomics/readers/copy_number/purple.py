"""PURPLE copy number: ``<tumour>.purple.cnv.somatic.tsv`` (``chromosome start end copyNumber … minorAlleleCopyNumber
majorAlleleCopyNumber``) with ``<tumour>.purple.purity.tsv`` beside it, and the legacy ``<tumour>.purple.cnv``
(PURPLE v2: header ``#chromosome start end copyNumber bafCount observedBAF actualBAF …``, no allele copy numbers).

Coordinates 1-based closed. ``copyNumber`` is PURPLE's purity- and ploidy-fitted absolute copy number; values just
below 0 on homozygous deletions are read as 0. The purity file gives purity, ploidy, whole-genome duplication,
MSI status and TMB (read by ``purity.py``); when it is missing the run says so and uses the options' values.
"""

from __future__ import annotations

from pathlib import Path

from hpdgenomics.readers.copy_number.alleles import clip_negative
from hpdgenomics.readers.copy_number.finish import file_stem, finish, read_segment_table
from hpdgenomics.readers.copy_number.purity import read_purity_table
from hpdgenomics.readers.copy_number.table import SegmentFile, read_header

COLUMNS = {"chrom": ("chromosome",), "start": ("start",), "end": ("end",), "cn": ("copynumber",),
           "minor": ("minorallelecopynumber", "minoralleleploidy"),
           "major": ("majorallelecopynumber", "majoralleleploidy"), "marks": ("depthwindowcount",)}
SUFFIXES = (".purple.cnv.somatic.tsv", ".purple.cnv")


def read_purple(path: str | Path, *, sample: str | None = None) -> SegmentFile:
    """Read PURPLE somatic copy number (current or legacy layout) and the purity file beside it, if any."""
    path = Path(path)
    name = sample or file_stem(path, SUFFIXES)
    comments, header = read_header(path, prefixes=())
    legacy = header[0].startswith("#")
    if legacy:  # the legacy header is itself a '#' line; earlier '#' lines would be comments
        comments, header = read_header(path, prefixes=("##",))
    fmt = "purple_legacy" if legacy else "purple"
    frame = read_segment_table(path, fmt, COLUMNS, () if legacy else ("minor", "major"), sample=name,
                               layout=(comments, header))
    result = finish(path, fmt, clip_negative(frame), None, unit="PURPLE segments")
    beside = path.with_name(file_stem(path, SUFFIXES) + ".purple.purity.tsv")
    if beside.is_file():
        fit = read_purity_table(beside, "purple_purity", sample=name).for_sample(name)
        if fit is not None:
            result.fitted[name] = {"fit": fit}
    else:
        result.notes.append(f"no {beside.name} beside {path.name}: purity and ploidy not taken from PURPLE")
    return result
