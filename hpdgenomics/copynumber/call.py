"""Gene-level copy-number calls from segments (or bins) and from discrete values.

Segment → gene overlap is vectorised per chromosome over every sample of a file at once (no loop over genes ×
segments in Python). A gene can be cut by several segments; every overlapping segment is kept as a *part* and the
gene's call follows one documented rule:

1. if any part is an amplification, the gene is amplified, with the highest copy number among its parts;
2. otherwise, if any part is a deep deletion, the gene is deeply deleted, with the lowest copy number;
3. otherwise the part covering most of the gene decides (gain, neutral or loss).

CNVkit ``.cnr`` bins are averaged instead (weighted by the ``weight`` column when present), since single bins are
noisy. A gene with no segment over it is *not assessed* for copy number.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from hpdgenomics.copynumber.absolute import (
    DEFAULT_PLOIDY,
    absolute_copy_number,
    state_from_copy_number,
    state_from_log2,
)
from hpdgenomics.copynumber.thresholds import CopyNumberThresholds, ThresholdSet
from hpdgenomics.genome.reference import Gene
from hpdgenomics.model.alterations import CopyNumberCall, CopyNumberPart, CopyNumberState


@dataclass
class GeneCalls:
    """One sample's gene-level calls, and for every gene asked about that has none, why not."""

    sample_id: str
    calls: dict[str, CopyNumberCall] = field(default_factory=dict)
    not_assessed: dict[str, str] = field(default_factory=dict)

    @property
    def assessed(self) -> frozenset[str]:
        return frozenset(self.calls)


def call_segments(
    frame: pd.DataFrame,
    genes: Mapping[str, Gene | None],
    thresholds: ThresholdSet,
    *,
    purity: float | None = None,
    ploidy: float = DEFAULT_PLOIDY,
    bins: bool = False,
    samples: Iterable[str] | None = None,
    file_name: str = "",
) -> dict[str, GeneCalls]:
    """Call ``genes`` (symbol → Gene, None when the build has no coordinates for it) for every sample of ``frame``.

    ``frame`` has the columns of :class:`hpdgenomics.readers.segments.SegmentFile`: sample, chrom, start, end,
    log2 and/or cn, optional weight, and line. ``samples`` lists every sample to report on (a sample with no usable
    segment gets every gene *not assessed*).
    """
    sample_order = list(dict.fromkeys(samples if samples is not None else frame["sample"]))
    results = {s: GeneCalls(s) for s in sample_order}
    frame = _with_copy_number(frame, purity, ploidy)
    by_chrom = {chrom: part for chrom, part in frame.groupby("chrom", sort=False)}
    method = _method(frame, purity, ploidy, bins)
    for symbol, gene in genes.items():
        if gene is None:
            for result in results.values():
                result.not_assessed[symbol] = f"{symbol} has no coordinates in the bundled gene table"
            continue
        limits = thresholds.for_gene(symbol)
        rows = by_chrom.get(gene.chrom)
        hits = rows[(rows["start"].to_numpy() < gene.gene_end) & (rows["end"].to_numpy() > gene.gene_start)] \
            if rows is not None else rows
        covered = set()
        if hits is not None and not hits.empty:
            for sample, parts in hits.groupby("sample", sort=False):
                if sample not in results:
                    continue
                call = (_call_bins(symbol, gene, parts, limits, purity, ploidy, method, file_name) if bins
                        else _call_parts(symbol, gene, parts, limits, ploidy, method, file_name))
                results[sample].calls[symbol] = call
                covered.add(sample)
        where = f"{gene.chrom}:{gene.gene_start + 1}-{gene.gene_end}"
        for sample, result in results.items():
            if sample not in covered:
                result.not_assessed[symbol] = f"no copy-number segment of {sample} overlaps {symbol} ({where})"
    return results


def _with_copy_number(frame: pd.DataFrame, purity: float | None, ploidy: float) -> pd.DataFrame:
    """Add ``abs_cn`` (absolute copy number) and ``from_cn`` (the input gave it) to every row at once."""
    frame = frame.copy()
    log2 = frame["log2"].to_numpy(dtype=float) if "log2" in frame else np.full(len(frame), np.nan)
    given = frame["cn"].to_numpy(dtype=float) if "cn" in frame else np.full(len(frame), np.nan)
    from_log2 = absolute_copy_number(log2, purity, ploidy)
    frame["from_cn"] = ~np.isnan(given)
    frame["abs_cn"] = np.where(frame["from_cn"], given, from_log2)
    return frame


def _method(frame: pd.DataFrame, purity: float | None, ploidy: float, bins: bool) -> str:
    unit = "bin log2 ratios averaged over the gene" if bins else "segment"
    if frame["from_cn"].all():
        return f"{unit} copy number as given by the input (ploidy {ploidy:g})"
    pure = f"purity {purity:g}" if purity is not None and purity < 1 else "purity not given: tumour taken as pure"
    text = f"{unit} log2 ratio -> copy number ({pure}, ploidy {ploidy:g})"
    if frame["from_cn"].any():
        text += "; the input's copy number used where given"
    return text


def _part_state(copy_number: float, from_cn: bool, limits: CopyNumberThresholds, ploidy: float) -> CopyNumberState:
    if from_cn:
        return state_from_copy_number(copy_number, limits, ploidy)
    return state_from_log2(copy_number, limits, ploidy)


def _call_parts(symbol: str, gene: Gene, rows: pd.DataFrame, limits: CopyNumberThresholds, ploidy: float, method: str,
                file_name: str) -> CopyNumberCall:
    parts = []
    span = gene.gene_end - gene.gene_start
    for start, end, cn, from_cn, log2, line in zip(
        rows["start"].to_numpy(), rows["end"].to_numpy(), rows["abs_cn"].to_numpy(), rows["from_cn"].to_numpy(),
        rows["log2"].to_numpy() if "log2" in rows else np.full(len(rows), np.nan), rows["line"].to_numpy(),
        strict=True,
    ):
        overlap = int(min(end, gene.gene_end) - max(start, gene.gene_start))
        parts.append(CopyNumberPart(
            chrom=gene.chrom, start=int(start), end=int(end), overlap_bp=overlap,
            state=_part_state(float(cn), bool(from_cn), limits, ploidy),
            copy_number=_round(cn, 2), log2=_round(log2, 4), source=f"{file_name}:{int(line)}",
        ))
    parts.sort(key=lambda p: p.start)
    amplified = [p for p in parts if p.state is CopyNumberState.AMPLIFICATION]
    deleted = [p for p in parts if p.state is CopyNumberState.DEEP_DELETION]
    if amplified:
        deciding = max(amplified, key=lambda p: p.copy_number or 0.0)
        rule = "highest copy number among the segments over the gene"
    elif deleted:
        deciding = min(deleted, key=lambda p: p.copy_number or 0.0)
        rule = "lowest copy number among the segments over the gene"
    else:
        deciding = max(parts, key=lambda p: p.overlap_bp)
        rule = "the segment covering most of the gene"
    covered = min(sum(p.overlap_bp for p in parts), span)
    return CopyNumberCall(
        gene=symbol, state=deciding.state, copy_number=deciding.copy_number, log2=deciding.log2, chrom=gene.chrom,
        start=deciding.start, end=deciding.end, fraction_covered=round(covered / span, 4) if span else None,
        focal=deciding.length <= limits.focal_max_bp, source=deciding.source,
        method=method + ("" if len(parts) == 1 else f"; {len(parts)} segments over the gene, called on {rule}"),
        parts=tuple(parts),
    )


def _call_bins(symbol: str, gene: Gene, rows: pd.DataFrame, limits: CopyNumberThresholds, purity: float | None,
               ploidy: float, method: str, file_name: str) -> CopyNumberCall:
    weights = rows["weight"].to_numpy(dtype=float) if "weight" in rows else np.ones(len(rows))
    weights = np.where(np.isnan(weights) | (weights <= 0), 0.0, weights)
    if weights.sum() == 0:
        weights = np.ones(len(rows))
    # Average on the log2 scale, as CNVkit does for gene-level ratios, then convert once.
    log2 = float(np.average(rows["log2"].to_numpy(dtype=float), weights=weights))
    copy_number = float(absolute_copy_number(log2, purity, ploidy))
    state = _part_state(copy_number, False, limits, ploidy)
    start, end = int(rows["start"].min()), int(rows["end"].max())
    span = gene.gene_end - gene.gene_start
    covered = int(np.minimum(rows["end"].to_numpy(), gene.gene_end).sum()
                  - np.maximum(rows["start"].to_numpy(), gene.gene_start).sum())
    lines = rows["line"].to_numpy()
    source = f"{file_name}:{int(lines.min())}-{int(lines.max())}"
    part = CopyNumberPart(chrom=gene.chrom, start=start, end=end, overlap_bp=min(covered, span), state=state,
                          copy_number=_round(copy_number, 2), log2=_round(log2, 4), source=source)
    return CopyNumberCall(
        gene=symbol, state=state, copy_number=part.copy_number, log2=part.log2, chrom=gene.chrom, start=start,
        end=end, fraction_covered=round(min(covered, span) / span, 4) if span else None,
        focal=None, source=source, method=f"{method} ({len(rows)} bins)", parts=(part,),
    )


def _round(value: float, digits: int) -> float | None:
    value = float(value)
    if np.isnan(value):
        return None
    if np.isinf(value):
        return None
    return round(value, digits)


def call_discrete(
    sample_id: str,
    calls: Mapping[str, tuple[CopyNumberState, str, str]],
    profiled: Iterable[str],
    genes: Iterable[str],
    genes_in_file: frozenset[str],
    file_name: str,
) -> GeneCalls:
    """Gene calls from discrete values (GISTIC/cBioPortal codes or word calls): the state is the input's."""
    result = GeneCalls(sample_id)
    profiled = set(profiled)
    for gene in genes:
        if gene in calls:
            state, value, where = calls[gene]
            result.calls[gene] = CopyNumberCall(
                gene=gene, state=state, source=where,
                method=f"discrete call {value!r} from the input (GISTIC/cBioPortal convention)",
            )
        elif gene in profiled:  # profiled but the value was not kept: cannot happen, kept for safety
            result.not_assessed[gene] = f"{gene} has no usable value for {sample_id} in {file_name}"
        elif gene in genes_in_file:
            result.not_assessed[gene] = f"{gene} is NA (not profiled) for {sample_id} in {file_name}"
        else:
            result.not_assessed[gene] = f"{gene} is not a row of {file_name}"
    return result
