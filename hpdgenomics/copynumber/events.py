"""Co-amplification: amplified genes on the same chromosome arm are reported together as one event.

MDM2 (12q15) and CDK4 (12q14.1) lie about 11 Mb apart on the 12q13-15 amplicon, and the 11q13.3 genes CCND1,
FGF19, FGF4 and FGF3 lie within 180 kb; the knowledge file asks for each to be reported as one event (e.g. "11q13
amplification") rather than as unrelated findings. Grouping by chromosome arm (from the bundled cytobands) does
that without a hand-written list of amplicons. The note says the genes are amplified together on the arm; it does
not claim they share one amplicon, which segment data alone cannot prove.
"""

from __future__ import annotations

from collections.abc import Iterable

from hpdgenomics.genome.reference import Gene, cytoband_of
from hpdgenomics.model.alterations import CopyNumberCall, CopyNumberEvent, CopyNumberState


def co_amplifications(calls: Iterable[CopyNumberCall], genes: dict[str, Gene | None],
                      build: str) -> tuple[CopyNumberEvent, ...]:
    """One event per chromosome arm with two or more amplified genes, in genome order."""
    groups: dict[tuple[str, str], list[tuple[int, int, str, str]]] = {}
    for call in calls:
        gene = genes.get(call.gene)
        if call.state is not CopyNumberState.AMPLIFICATION or gene is None:
            continue
        band = cytoband_of(build, gene.chrom, gene.gene_start) or ""
        arm = band[len(gene.chrom):len(gene.chrom) + 1] if band else "?"
        groups.setdefault((gene.chrom, arm), []).append((gene.gene_start, gene.gene_end, gene.symbol, band))
    events = []
    for (chrom, arm), members in sorted(groups.items(), key=lambda item: (_chrom_order(item[0][0]), item[0][1])):
        if len(members) < 2:
            continue
        members.sort()
        symbols = tuple(m[2] for m in members)
        bands = tuple(dict.fromkeys(m[3] for m in members if m[3]))
        span = f"{bands[0]}–{bands[-1]}" if len(bands) > 1 else (bands[0] if bands else f"chr{chrom}")
        start, end = members[0][0], max(m[1] for m in members)
        events.append(CopyNumberEvent(
            kind="co_amplification", chrom=chrom, genes=symbols, cytobands=bands, start=start, end=end,
            note=f"{', '.join(symbols[:-1])} and {symbols[-1]} are co-amplified on {chrom}{arm} ({span}, "
                 f"{(end - start) / 1e6:.2f} Mb from first to last gene)",
        ))
    return tuple(events)


def _chrom_order(chrom: str) -> tuple[int, str]:
    return (int(chrom), "") if chrom.isdigit() else (100, chrom)
