"""GATK ModelSegments ``*.modelFinal.seg`` and CallCopyRatioSegments ``*.called.seg``.

Both start with a SAM-style header (``@HD``, ``@SQ SN:… LN:… AS:GRCh37``, ``@RG ID:… SM:<sample>``), then
``CONTIG START END`` (1-based closed), ``NUM_POINTS_COPY_RATIO`` and a log2 copy ratio: the posterior median
``LOG2_COPY_RATIO_POSTERIOR_50`` (modelFinal) or ``MEAN_LOG2_COPY_RATIO`` (called.seg). The log2 ratio is turned
into copy number like any other (purity formula of ``docs/copy_number.md``); GATK's own ``CALL`` (+/-/0) is not used,
since it does not separate a gain from an amplification. The sample is ``SM`` of ``@RG``; ``AS`` of ``@SQ`` is
checked against the build the coordinates fit.
"""

from __future__ import annotations

from pathlib import Path

from hpdgenomics.readers.copy_number.finish import file_stem, finish, read_segment_table
from hpdgenomics.readers.copy_number.table import SegmentFile, read_header
from hpdgenomics.readers.text import open_text

COLUMNS = {"chrom": ("contig",), "start": ("start",), "end": ("end",),
           "log2": ("log2copyratioposterior50", "meanlog2copyratio"), "marks": ("numpointscopyratio",)}
_BUILDS = {"grch37": "GRCh37", "hg19": "GRCh37", "b37": "GRCh37", "grch38": "GRCh38", "hg38": "GRCh38"}


def read_gatk_seg(path: str | Path, *, sample: str | None = None) -> SegmentFile:
    """Read a GATK ``.seg`` (one sample)."""
    path = Path(path)
    sm, assembly = _sam_header(path)
    comments, header = read_header(path, prefixes=("@",))
    frame = read_segment_table(path, "gatk_seg", COLUMNS, ("log2",), sample=sample or sm,
                               default_sample=file_stem(path, (".modelFinal.seg", ".called.seg", ".seg")),
                               layout=(comments, header))
    result = finish(path, "gatk_seg", frame, None, unit="GATK segments")
    result.build_hint = assembly
    return result


def _sam_header(path: Path) -> tuple[str | None, str | None]:
    sample = assembly = None
    with open_text(path) as handle:
        for line in handle:
            if not line.startswith("@"):
                break
            fields = dict(f.split(":", 1) for f in line.rstrip("\r\n").split("\t")[1:] if ":" in f)
            if line.startswith("@RG") and "SM" in fields:
                sample = sample or fields["SM"].strip()
            if line.startswith("@SQ") and "AS" in fields:
                assembly = assembly or _BUILDS.get(fields["AS"].strip().lower())
    return sample, assembly
