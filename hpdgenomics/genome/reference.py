"""Genes and cytobands of GRCh37 and GRCh38, from the bundled tables (one transcript per coding gene)."""

from __future__ import annotations

import bisect
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache

from hpdgenomics.genome._data import read_table
from hpdgenomics.genome.builds import SUPPORTED_BUILDS, UnsupportedBuild, normalise_contig


@dataclass(frozen=True, slots=True)
class Gene:
    """A coding gene on its chosen transcript. Coordinates are 0-based, half-open."""

    symbol: str
    chrom: str
    start: int
    end: int
    strand: str
    transcript: str
    mane: bool  # the transcript is MANE Select, or has the MANE Select CDS
    cds_start: int
    cds_end: int
    exons: tuple[tuple[int, int], ...]
    gene_start: int  # span of all the gene's transcripts on this chromosome (for copy-number overlap)
    gene_end: int

    def exon_number_at(self, position: int) -> int | None:
        """Exon number (counted along the transcript's strand) containing 0-based ``position``, if any."""
        for index, (start, end) in enumerate(self.exons):
            if start <= position < end:
                return index + 1 if self.strand == "+" else len(self.exons) - index
        return None


class GeneTable:
    """Every coding gene of one build, looked up by symbol or by position."""

    def __init__(self, build: str, genes: Iterable[Gene]) -> None:
        self.build = build
        self._by_symbol = {gene.symbol: gene for gene in genes}
        self._by_chrom: dict[str, list[Gene]] = {}
        for gene in sorted(self._by_symbol.values(), key=lambda g: (g.chrom, g.gene_start)):
            self._by_chrom.setdefault(gene.chrom, []).append(gene)
        self._starts = {chrom: [g.gene_start for g in genes] for chrom, genes in self._by_chrom.items()}
        # The longest gene bounds how far left of a position an overlapping gene can start.
        self._max_length = max((g.gene_end - g.gene_start for g in self._by_symbol.values()), default=0)

    def __contains__(self, symbol: object) -> bool:
        return symbol in self._by_symbol

    def __len__(self) -> int:
        return len(self._by_symbol)

    def get(self, symbol: str) -> Gene | None:
        return self._by_symbol.get(symbol)

    def regions(self, symbols: Iterable[str], padding: int = 0) -> list[tuple[str, int, int]]:
        """Merged (chrom, start, end) spans over the genes, 0-based half-open, padded; unknown symbols ignored."""
        spans = sorted(
            (gene.chrom, max(0, gene.gene_start - padding), gene.gene_end + padding)
            for gene in (self._by_symbol.get(s) for s in symbols) if gene is not None
        )
        merged: list[tuple[str, int, int]] = []
        for chrom, start, end in spans:
            if merged and merged[-1][0] == chrom and start <= merged[-1][2]:
                merged[-1] = (chrom, merged[-1][1], max(merged[-1][2], end))
            else:
                merged.append((chrom, start, end))
        return merged

    def genes_overlapping(self, chrom: str, start: int, end: int) -> list[Gene]:
        """Genes whose span overlaps [start, end) on ``chrom`` (any contig spelling)."""
        chrom = normalise_contig(chrom)
        genes = self._by_chrom.get(chrom, [])
        starts = self._starts.get(chrom, [])
        first = bisect.bisect_left(starts, start - self._max_length)
        last = bisect.bisect_left(starts, end)
        return [g for g in genes[first:last] if g.gene_end > start and g.gene_start < end]


@lru_cache(maxsize=2)
def load_genes(build: str) -> GeneTable:
    """The gene table of ``build`` (loaded once per process)."""
    if build not in SUPPORTED_BUILDS:
        raise UnsupportedBuild(f"{build!r} is not a supported build ({', '.join(SUPPORTED_BUILDS)})")
    genes = []
    for row in read_table(f"genes.{build}.tsv.gz"):
        starts = [int(x) for x in row[9].split(",")]
        ends = [int(x) for x in row[10].split(",")]
        genes.append(Gene(
            symbol=row[0], chrom=row[1], start=int(row[2]), end=int(row[3]), strand=row[4], transcript=row[5],
            mane=row[6] == "1", cds_start=int(row[7]), cds_end=int(row[8]), exons=tuple(zip(starts, ends, strict=True)),
            gene_start=int(row[11]), gene_end=int(row[12]),
        ))
    return GeneTable(build, genes)


@lru_cache(maxsize=2)
def _cytobands(build: str) -> dict[str, tuple[list[int], list[tuple[int, str]]]]:
    if build not in SUPPORTED_BUILDS:
        raise UnsupportedBuild(f"{build!r} is not a supported build ({', '.join(SUPPORTED_BUILDS)})")
    bands: dict[str, tuple[list[int], list[tuple[int, str]]]] = {}
    for chrom, start, end, band, _ in read_table(f"cytobands.{build}.tsv.gz"):
        starts, rest = bands.setdefault(chrom, ([], []))
        starts.append(int(start))
        rest.append((int(end), band))
    return bands


def cytoband_of(build: str, chrom: str, position: int) -> str | None:
    """Band name with its chromosome (e.g. ``12q15``) at 0-based ``position``, or None outside every band."""
    chrom = normalise_contig(chrom)
    table = _cytobands(build).get(chrom)
    if table is None:
        return None
    starts, rest = table
    index = bisect.bisect_right(starts, position) - 1
    if index < 0 or position >= rest[index][0]:
        return None
    return f"{chrom}{rest[index][1]}"


def gene_cytoband(build: str, symbol: str) -> str | None:
    """Cytoband at the start of a gene's coding sequence (e.g. MDM2 → 12q15)."""
    gene = load_genes(build).get(symbol)
    return cytoband_of(build, gene.chrom, gene.cds_start) if gene else None
