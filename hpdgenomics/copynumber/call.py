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
from dataclasses import dataclass, field, replace
from math import isfinite
from typing import Any

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
    too_small: int = 0  # segments over a rule gene too small to call the amplification/deep deletion they show

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

    ``frame`` has the columns of ``readers.copy_number.segments.SegmentFile``: sample, chrom, start, end,
    log2 and/or cn, optional weight, and line. ``samples`` lists every sample to report on (a sample with no usable
    segment gets every gene *not assessed*).
    """
    sample_order = [str(s) for s in pd.unique(pd.Series(list(samples) if samples is not None else frame["sample"],
                                                        dtype=object))]
    results = {s: GeneCalls(s) for s in sample_order}
    frame = _with_copy_number(frame, purity, ploidy)
    method = _method(frame, purity, ploidy, bins)
    if not bins:
        _call_all_segments(frame, genes, thresholds, ploidy, method, file_name, results)
        return results
    by_chrom = {chrom: part for chrom, part in frame.groupby("chrom", sort=False)}
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
                results[sample].calls[symbol] = _call_bins(symbol, gene, parts, limits, purity, ploidy, method,
                                                           file_name)
                covered.add(sample)
        where = f"{gene.chrom}:{gene.gene_start + 1}-{gene.gene_end}"
        for sample, result in results.items():
            if sample not in covered:
                result.not_assessed[symbol] = f"no copy-number segment of {sample} overlaps {symbol} ({where})"
    return results


def _call_all_segments(frame: pd.DataFrame, genes: Mapping[str, Gene | None], thresholds: ThresholdSet,
                       ploidy: float, method: str, file_name: str, results: dict[str, GeneCalls]) -> None:
    """:func:`_call_parts` for every sample and gene, with the overlap, grouping and ordering done by numpy.

    Rows are grouped per gene by sample and ordered by segment start (ties in file order), as ``_call_parts``
    orders its parts; only the parts and calls themselves are made one by one, since each is an object.
    """
    code_of = {sample: code for code, sample in enumerate(results)}
    labels, names = pd.factorize(frame["sample"])
    name_codes = np.array([code_of.get(str(n), -1) for n in names], dtype=np.int64)
    codes = name_codes[labels] if len(labels) else np.zeros(0, dtype=np.int64)
    starts, ends = frame["start"].to_numpy(np.int64), frame["end"].to_numpy(np.int64)
    copies, given = frame["abs_cn"].to_numpy(float), frame["from_cn"].to_numpy(bool)
    log2s = frame["log2"].to_numpy(float) if "log2" in frame else np.full(len(frame), np.nan)
    lines = frame["line"].to_numpy(np.int64)
    marks = frame["marks"].to_numpy(float) if "marks" in frame else np.full(len(frame), np.nan)
    minors = frame["minor"].to_numpy(float) if "minor" in frame else np.full(len(frame), np.nan)
    chrom_labels, chrom_names = pd.factorize(frame["chrom"])
    grouped = np.argsort(chrom_labels, kind="stable")  # rows of each contig together, in file order
    cuts = np.searchsorted(chrom_labels[grouped], np.arange(len(chrom_names) + 1))
    by_chrom = {str(name): grouped[cuts[i]:cuts[i + 1]] for i, name in enumerate(chrom_names)}
    ordered = list(results.values())
    for symbol, gene in genes.items():
        if gene is None:
            for result in ordered:
                result.not_assessed[symbol] = f"{symbol} has no coordinates in the bundled gene table"
            continue
        limits = thresholds.for_gene(symbol)
        rows = by_chrom.get(gene.chrom, np.zeros(0, dtype=np.int64))
        hit = rows[(starts[rows] < gene.gene_end) & (ends[rows] > gene.gene_start) & (codes[rows] >= 0)]
        hit = hit[np.lexsort((starts[hit], codes[hit]))]  # by sample, then start; lexsort keeps file order on ties
        covered = np.zeros(len(ordered), dtype=bool)
        if len(hit):
            parts = _parts(symbol, gene, hit, _Columns(starts, ends, copies, given, log2s, lines, marks, minors),
                           limits, ploidy, file_name)
            group_codes = codes[hit]
            bounds = np.flatnonzero(np.diff(group_codes)) + 1
            for first, last in zip([0, *bounds.tolist()], [*bounds.tolist(), len(hit)], strict=True):
                code = int(group_codes[first])
                ordered[code].calls[symbol] = _decide(symbol, gene, parts[first:last], limits, method)
                ordered[code].too_small += sum(1 for p in parts[first:last] if p.note)
                covered[code] = True
        where = f"{gene.chrom}:{gene.gene_start + 1}-{gene.gene_end}"
        for code in np.flatnonzero(~covered).tolist():
            result = ordered[code]
            result.not_assessed[symbol] = f"no copy-number segment of {result.sample_id} overlaps {symbol} ({where})"


@dataclass(frozen=True)
class _Columns:
    """The frame's columns as numpy arrays, read once per file."""

    starts: np.ndarray
    ends: np.ndarray
    copies: np.ndarray
    given: np.ndarray
    log2s: np.ndarray
    lines: np.ndarray
    marks: np.ndarray
    minors: np.ndarray


def _too_small(markers: float, length: int, limits: CopyNumberThresholds) -> str:
    """Why a log-ratio segment cannot call an amplification or deep deletion ("" when it can)."""
    few = isfinite(markers) and markers < limits.min_markers
    if not few and length >= limits.min_bases:
        return ""
    count = f"{int(markers)} markers, " if isfinite(markers) else ""
    return (f"segment too small ({count}{length:,} bp; the minimum is {limits.min_markers} markers and "
            f"{limits.min_bases:,} bp)")


def _parts(symbol: str, gene: Gene, hit: np.ndarray, columns: _Columns, limits: CopyNumberThresholds, ploidy: float,
           file_name: str) -> list[CopyNumberPart]:
    """One :class:`CopyNumberPart` per hit row, with its own state (and rounding).

    A log-ratio segment below the minimum size keeps its values, but an amplification or deep deletion it shows is
    not called: the part is a gain or a loss, with a note saying why (array noise; see ``docs/copy_number.md``).
    """
    starts, ends, copies, given, log2s, lines = (columns.starts, columns.ends, columns.copies, columns.given,
                                                 columns.log2s, columns.lines)
    markers, minors = columns.marks[hit].tolist(), columns.minors[hit].tolist()
    overlap = (np.minimum(ends[hit], gene.gene_end) - np.maximum(starts[hit], gene.gene_start)).tolist()
    states: dict[tuple[float, bool], CopyNumberState] = {}
    # Segment values repeat across thousands of samples: round each distinct value once (as _round does).
    rounded_cn: dict[float, float | None] = {}
    rounded_log2: dict[float, float | None] = {}
    parts = []
    for k, (start, end, cn, from_cn, log2, line) in enumerate(zip(
            starts[hit].tolist(), ends[hit].tolist(), copies[hit].tolist(), given[hit].tolist(), log2s[hit].tolist(),
            lines[hit].tolist(), strict=True)):
        key = (cn, from_cn)
        state = states.get(key)
        if state is None:
            state = states[key] = _part_state(cn, from_cn, limits, ploidy)
        copy_number = rounded_cn.get(cn, _UNSET) if cn else _UNSET  # 0.0 and -0.0 share a key: not cached
        if copy_number is _UNSET:
            copy_number = rounded_cn[cn] = round(cn, 2) if isfinite(cn) else None
        log2_value = rounded_log2.get(log2, _UNSET) if log2 else _UNSET
        if log2_value is _UNSET:
            log2_value = rounded_log2[log2] = round(log2, 4) if isfinite(log2) else None
        note = ""
        if not from_cn and state in _CALLED_ONLY_IF_LARGE:
            why = _too_small(markers[k], end - start, limits)
            if why:
                note = f"{state.value.replace('_', ' ')} not called: {why}"
                state = _CALLED_ONLY_IF_LARGE[state]
        minor = minors[k]
        parts.append(CopyNumberPart(chrom=gene.chrom, start=start, end=end, overlap_bp=overlap[k], state=state,
                                    copy_number=copy_number, log2=log2_value, source=f"{file_name}:{line}",
                                    minor_copy_number=round(minor, 2) if isfinite(minor) else None, note=note))
    return parts


# What a too-small log-ratio segment is called instead.
_CALLED_ONLY_IF_LARGE = {CopyNumberState.AMPLIFICATION: CopyNumberState.GAIN,
                         CopyNumberState.DEEP_DELETION: CopyNumberState.LOSS}
# Minor copy number below which an allele is lost (PURPLE's LOH definition as quoted in hmftools issue 557; the
# curator's choice here, not in the knowledge file).
LOH_MINOR_CN = 0.5


_UNSET: Any = object()


def _decide(symbol: str, gene: Gene, parts: list[CopyNumberPart], limits: CopyNumberThresholds,
            method: str) -> CopyNumberCall:
    """The gene's call from its parts (already ordered by start): the rule of the module docstring."""
    span = gene.gene_end - gene.gene_start
    minor, loh, allele_note = _allele_state(parts)
    if len(parts) == 1 and (parts[0].state is not CopyNumberState.AMPLIFICATION
                            or _amplified_share(parts, span) >= limits.amplification_min_gene_fraction - 1e-9):
        part = parts[0]  # the common case: one segment over the whole gene decides under every branch below
        return CopyNumberCall(
            gene=symbol, state=part.state, copy_number=part.copy_number, log2=part.log2, chrom=gene.chrom,
            start=part.start, end=part.end, fraction_covered=round(min(part.overlap_bp, span) / span, 4) if span
            else None, focal=part.end - part.start <= limits.focal_max_bp, source=part.source,
            method=method + _state_note(part.state, loh, allele_note) + (f"; {part.note}" if part.note else ""),
            parts=(part,), gene_start=gene.gene_start, gene_end=gene.gene_end, minor_copy_number=minor, loh=loh,
        )
    amplified = [p for p in parts if p.state is CopyNumberState.AMPLIFICATION]
    deleted = [p for p in parts if p.state is CopyNumberState.DEEP_DELETION]
    gene_note = ""
    if amplified and limits.amplification_rule == "hartwig" and len(amplified) < len(parts):
        gene_note = "; amplification not called: the gene's minimum copy number is below the Hartwig limit"
        amplified = []
    elif amplified and _amplified_share(amplified, span) < limits.amplification_min_gene_fraction - 1e-9:
        gene_note = (f"; amplification not called: the amplified segments cover {_amplified_share(amplified, span):.0%}"
                     f" of the gene, less than {limits.amplification_min_gene_fraction:.0%} (gene-body rule)")
        amplified = []
    if gene_note:
        parts = [replace(p, state=CopyNumberState.GAIN) if p.state is CopyNumberState.AMPLIFICATION else p
                 for p in parts]
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
        method=method + ("" if len(parts) == 1 else f"; {len(parts)} segments over the gene, called on {rule}")
        + gene_note + _state_note(deciding.state, loh, allele_note)
        + "".join(f"; {p.note}" for p in parts if p.note),
        parts=tuple(parts), gene_start=gene.gene_start, gene_end=gene.gene_end, minor_copy_number=minor, loh=loh,
    )


def _amplified_share(parts: list[CopyNumberPart], span: int) -> float:
    return min(sum(p.overlap_bp for p in parts if p.state is CopyNumberState.AMPLIFICATION), span) / span \
        if span else 1.0


def _allele_state(parts: list[CopyNumberPart]) -> tuple[float | None, bool | None, str]:
    """Lowest minor copy number over the gene, LOH (minor < 0.5 anywhere in the gene) and a note.

    None when no part has a minor copy number (total or log2 input). When some parts lack it and the known ones
    keep both alleles, LOH is None too: not assessed over the whole gene, never "no LOH".
    """
    known = [p.minor_copy_number for p in parts if p.minor_copy_number is not None]
    if not known:
        return None, None, ""
    lowest = min(known)
    if lowest < LOH_MINOR_CN:
        return lowest, True, ""
    if len(known) < len(parts):
        return lowest, None, "; LOH not assessed over the whole gene (minor copy number NA on some segments)"
    return lowest, False, ""


def _state_note(state: CopyNumberState, loh: bool | None, note: str) -> str:
    if loh and state is CopyNumberState.NEUTRAL:
        return note + "; copy-neutral LOH (minor copy number 0, total at the ploidy)"
    if loh and state is not CopyNumberState.DEEP_DELETION:
        return note + "; LOH (minor copy number 0)"
    return note


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
        gene_start=gene.gene_start, gene_end=gene.gene_end,
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
