"""What the copy-number figures draw, read from the report document only (no matplotlib): the segments, the axis
mode, where the panel genes lie, the thresholds, and how long each chromosome is.

Gene positions and chromosome lengths are reference facts: from ``copy_number.genes[].gene_start/gene_end`` when
present, else from the bundled gene and contig tables of the document's genome build.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

# The zoomed regions a tumour board asks about: the MDM2/CDK4 amplicon, MDM4, the 11q13 amplicon and EGFR.
PANELS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("12q15", ("MDM2", "CDK4")),
    ("1q32", ("MDM4",)),
    ("11q13", ("CCND1", "FGF19", "FGF4", "FGF3")),
    ("7p11", ("EGFR",)),
)
_CHROM_ORDER = {str(i): i for i in range(1, 23)} | {"X": 23, "Y": 24, "MT": 25, "M": 25}


@dataclass(frozen=True, slots=True)
class Segment:
    """One segment as the document gives it (coordinates 0-based, half-open)."""

    chrom: str
    start: int
    end: int
    copy_number: float | None
    log2: float | None
    state: str


@dataclass(frozen=True)
class PlotData:
    """What the figures are drawn from, read out of the report document."""

    segments: tuple[Segment, ...]
    mode: str  # "cn" (absolute copy number, log-scaled axis) or "log2"
    genome_wide: bool
    build: str | None
    gene_spans: Mapping[str, tuple[str, int, int]]
    gene_calls: Mapping[str, Mapping[str, Any]]
    thresholds: Mapping[str, Any]
    gene_thresholds: Mapping[str, Mapping[str, Any]]
    ploidy: float


def plot_data(document: Mapping[str, Any]) -> PlotData:
    """The segments, axis mode, gene spans and thresholds the figures are drawn from."""
    cn = document.get("copy_number") or {}
    build = (document.get("sample") or {}).get("genome_build")
    listed = _listed_segments(cn.get("segments"))
    genome_wide = listed is not None
    segments = listed if listed is not None else _part_segments(cn.get("genes", ()))
    if segments and all(s.copy_number is not None for s in segments):
        mode = "cn"
    elif segments and all(s.log2 is not None for s in segments):
        mode = "log2"
    else:
        segments = [s for s in segments if s.copy_number is not None]
        mode = "cn"
    segments.sort(key=lambda s: (chrom_rank(s.chrom), s.start, s.end))
    settings = cn.get("settings") or {}
    thresholds = settings.get("thresholds") or {}
    calls = {str(g["gene"]): g for g in cn.get("genes", ())}
    wanted = {gene for _, genes in PANELS for gene in genes} | {
        gene for gene, call in calls.items() if call.get("state") in ("amplification", "deep_deletion")}
    return PlotData(
        segments=tuple(segments), mode=mode, genome_wide=genome_wide, build=build,
        gene_spans=_gene_spans(wanted, calls, build), gene_calls=calls,
        thresholds=thresholds.get("default") or {}, gene_thresholds=thresholds.get("genes") or {},
        ploidy=float(settings.get("ploidy") or 2.0),
    )


def _listed_segments(listed: Any) -> list[Segment] | None:
    """``copy_number.segments`` as ``{"columns": [...], "rows": [[...], ...]}`` or a list of objects, if present."""
    if listed is None:
        return None
    if isinstance(listed, Mapping):
        columns = list(listed.get("columns", ()))
        records: Iterable[Mapping[str, Any]] = (dict(zip(columns, row, strict=False)) for row in listed.get("rows", ()))
    else:
        records = listed
    segments = [_segment(r) for r in records if r.get("chrom") is not None and r.get("start") is not None]
    # An empty list means the input had no segments to list (discrete calls, CNVkit bins): fall back to the parts.
    return segments or None


def _part_segments(genes: Iterable[Mapping[str, Any]]) -> list[Segment]:
    seen: dict[tuple[str, int, int], Segment] = {}
    for gene in genes:
        for part in gene.get("parts", ()):
            if part.get("chrom") is None or part.get("start") is None or part.get("end") is None:
                continue
            segment = _segment(part)
            seen.setdefault((segment.chrom, segment.start, segment.end), segment)
    return list(seen.values())


def _segment(record: Mapping[str, Any]) -> Segment:
    cn, log2 = record.get("copy_number"), record.get("log2")
    return Segment(chrom=_chrom(record["chrom"]), start=int(record["start"]), end=int(record["end"]),
                   copy_number=None if cn is None else float(cn), log2=None if log2 is None else float(log2),
                   state=str(record.get("state") or "neutral"))


def _gene_spans(genes: Iterable[str], calls: Mapping[str, Mapping[str, Any]],
                build: str | None) -> dict[str, tuple[str, int, int]]:
    spans: dict[str, tuple[str, int, int]] = {}
    table = None
    for gene in sorted(genes):
        call = calls.get(gene) or {}
        if call.get("gene_start") is not None and call.get("gene_end") is not None and call.get("chrom") is not None:
            spans[gene] = (_chrom(call["chrom"]), int(call["gene_start"]), int(call["gene_end"]))
            continue
        if table is None:
            table = _reference_genes(build)
        found = table.get(gene) if table is not None else None
        if found is not None:
            spans[gene] = (_chrom(found.chrom), found.gene_start, found.gene_end)
    return spans


def _reference_genes(build: str | None) -> Any:
    from hpdgenomics.genome.builds import SUPPORTED_BUILDS  # reference tables only when drawing
    from hpdgenomics.genome.reference import load_genes

    return load_genes(build) if build in SUPPORTED_BUILDS else None


def chromosome_lengths(data: PlotData) -> dict[str, int]:
    """Reference lengths of the primary chromosomes when the build is known, else how far the segments reach."""
    reach: dict[str, int] = {}
    for s in data.segments:
        reach[s.chrom] = max(reach.get(s.chrom, 0), s.end)
    from hpdgenomics.genome.builds import SUPPORTED_BUILDS, contig_lengths

    if data.build in SUPPORTED_BUILDS:
        lengths = {_chrom(c): n for c, n in contig_lengths(data.build).items() if _chrom(c) in _CHROM_ORDER}
        lengths.pop("MT", None)
        if "Y" not in reach:
            lengths.pop("Y", None)
        for chrom, end in reach.items():
            lengths[chrom] = max(lengths.get(chrom, 0), end)
        return dict(sorted(lengths.items(), key=lambda kv: chrom_rank(kv[0])))
    return dict(sorted(reach.items(), key=lambda kv: chrom_rank(kv[0])))


def chrom_rank(chrom: str) -> tuple[int, str]:
    """Sort key: 1..22, X, Y, then anything else by name."""
    return (_CHROM_ORDER.get(chrom, 99), chrom)


def _chrom(name: Any) -> str:
    text = str(name)
    return text[3:] if text.lower().startswith("chr") else text
