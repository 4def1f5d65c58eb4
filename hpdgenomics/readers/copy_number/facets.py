"""FACETS ``cncf`` tables (``emcncf``/``procSample`` output): ``chrom``, ``loc.start``/``start``, ``loc.end``/``end``,
``tcn.em`` (total copy number), ``lcn.em`` (minor copy number; NA where FACETS could not estimate it), optional
``cf.em`` (cellular fraction), ``num.mark`` and a per-sample ``ploidy`` column.

A sample column (``sid``, ``ID``) makes a multi-sample file; without one the sample is ``--sample`` or the file
name. Coordinates 1-based closed; chromosome 23 is X. ``lcn.em`` NA leaves LOH *not assessed* for that segment,
never "no LOH".
"""

from __future__ import annotations

from pathlib import Path

from hpdgenomics.readers.copy_number.alleles import major_from_total
from hpdgenomics.readers.copy_number.finish import file_stem, finish, read_segment_table
from hpdgenomics.readers.copy_number.purity import FittedValues
from hpdgenomics.readers.copy_number.table import SegmentFile

COLUMNS = {"sample": ("sid", "id", "sample"), "chrom": ("chrom", "chromosome"), "start": ("locstart", "start"),
           "end": ("locend", "end"), "cn": ("tcnem",), "minor": ("lcnem",), "cell_fraction": ("cfem",),
           "marks": ("nummark",), "ploidy": ("ploidy",)}


def read_facets(path: str | Path, *, sample: str | None = None) -> SegmentFile:
    """Read a FACETS cncf table; a ``ploidy`` column becomes each sample's fitted ploidy."""
    path = Path(path)
    frame = read_segment_table(path, "facets", COLUMNS, ("cn",), sample=sample,
                               default_sample=file_stem(path, ("_cncf.tsv", ".cncf.txt", ".cncf.tsv", ".cncf")))
    if "minor" in frame:
        frame = major_from_total(frame)
    result = finish(path, "facets", frame, sample, unit="FACETS segments")
    if "ploidy" in result.frame:
        for name, values in result.frame.groupby("sample", sort=False)["ploidy"]:
            known = values.dropna()
            if len(known):
                result.fitted[str(name)] = {"fit": FittedValues(ploidy=float(known.iloc[0]), caller="FACETS",
                                                                source=f"{path.name} (ploidy column)")}
    return result
