"""Genes and cytobands of GRCh37 and GRCh38, from the bundled tables (one transcript per coding gene)."""

from __future__ import annotations

import bisect
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache

from hpdgenomics.genome._data import read_lines, read_table
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

    def __init__(self, build: str, lines: Iterable[str]) -> None:
        self.build = build
        # Lines stay unsplit until a gene is asked for, and the position index is built on the first position
        # query: most runs look up a few dozen genes by symbol, and parsing ~19,000 rows up front would cost more
        # than a whole small-sample run.
        self._rows = {line[: line.index("\t")]: line for line in lines}
        self._cache: dict[str, Gene] = {}
        self._index: tuple[dict[str, list[tuple[int, int, str]]], dict[str, list[int]], int] | None = None

    def _position_index(self) -> tuple[dict[str, list[tuple[int, int, str]]], dict[str, list[int]], int]:
        if self._index is None:
            spans = []
            for line in self._rows.values():
                row = line.split("\t")
                spans.append((row[1], int(row[11]), int(row[12]), row[0]))
            spans.sort()
            by_chrom: dict[str, list[tuple[int, int, str]]] = {}
            for chrom, start, end, symbol in spans:
                by_chrom.setdefault(chrom, []).append((start, end, symbol))
            starts = {chrom: [span[0] for span in items] for chrom, items in by_chrom.items()}
            # The longest gene bounds how far left of a position an overlapping gene can start.
            longest = max((end - start for items in by_chrom.values() for start, end, _ in items), default=0)
            self._index = (by_chrom, starts, longest)
        return self._index

    def __contains__(self, symbol: object) -> bool:
        return symbol in self._rows

    def __len__(self) -> int:
        return len(self._rows)

    def get(self, symbol: str) -> Gene | None:
        """The gene called ``symbol`` (HGNC symbol as in refGene), or None."""
        if symbol not in self._cache:
            line = self._rows.get(symbol)
            if line is None:
                return None
            self._cache[symbol] = _gene(line.split("\t"))
        return self._cache[symbol]

    def regions(self, symbols: Iterable[str], padding: int = 0) -> list[tuple[str, int, int]]:
        """Merged (chrom, start, end) spans over the genes, 0-based half-open, padded; unknown symbols ignored."""
        spans = sorted(
            (gene.chrom, max(0, gene.gene_start - padding), gene.gene_end + padding)
            for gene in (self.get(s) for s in symbols) if gene is not None
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
        by_chrom, all_starts, longest = self._position_index()
        spans = by_chrom.get(chrom, [])
        starts = all_starts.get(chrom, [])
        first = bisect.bisect_left(starts, start - longest)
        last = bisect.bisect_left(starts, end)
        hits = [symbol for span_start, span_end, symbol in spans[first:last] if span_end > start and span_start < end]
        return [gene for gene in map(self.get, hits) if gene is not None]


@lru_cache(maxsize=2)
def load_genes(build: str) -> GeneTable:
    """The gene table of ``build`` (loaded once per process)."""
    if build not in SUPPORTED_BUILDS:
        raise UnsupportedBuild(f"{build!r} is not a supported build ({', '.join(SUPPORTED_BUILDS)})")
    return GeneTable(build, read_lines(f"genes.{build}.tsv.gz"))


def _gene(row: list[str]) -> Gene:
    starts = [int(x) for x in row[9].split(",")]
    ends = [int(x) for x in row[10].split(",")]
    return Gene(
        symbol=row[0], chrom=row[1], start=int(row[2]), end=int(row[3]), strand=row[4], transcript=row[5],
        mane=row[6] == "1", cds_start=int(row[7]), cds_end=int(row[8]), exons=tuple(zip(starts, ends, strict=True)),
        gene_start=int(row[11]), gene_end=int(row[12]),
    )


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
