"""Which genes and alteration kinds the inputs could look at. *Not assessed* is a first-class answer."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from enum import Enum


class AlterationKind(str, Enum):
    """The kinds of evidence a rule can need; each is covered (or not) by different inputs."""

    SMALL_VARIANT = "small_variant"
    COPY_NUMBER = "copy_number"
    BIOMARKER = "biomarker"  # sample-level values such as TMB and MSI; their "genes" are the biomarker names
    STRUCTURAL = "structural_variant"  # fusions and rearrangements


@dataclass(frozen=True, slots=True)
class GeneScope:
    """A set of genes, or every gene."""

    all_genes: bool = False
    genes: frozenset[str] = frozenset()

    def covers(self, gene: str) -> bool:
        """True when ``gene`` is inside the scope."""
        return self.all_genes or gene in self.genes

    @classmethod
    def everything(cls) -> GeneScope:
        return cls(all_genes=True)

    @classmethod
    def nothing(cls) -> GeneScope:
        return cls()

    @classmethod
    def of(cls, genes: Iterable[str]) -> GeneScope:
        return cls(genes=frozenset(genes))

    def union(self, other: GeneScope) -> GeneScope:
        if self.all_genes or other.all_genes:
            return GeneScope.everything()
        return GeneScope(genes=self.genes | other.genes)


@dataclass(frozen=True, slots=True)
class CoverageGap:
    """A gene that lies inside the scope but that the input could not fully assess, and why."""

    gene: str
    kind: AlterationKind
    reason: str


@dataclass(frozen=True, slots=True)
class Coverage:
    """What the inputs of one sample could assess, with the reason for each limit."""

    small_variants: GeneScope = field(default_factory=GeneScope.nothing)
    copy_number: GeneScope = field(default_factory=GeneScope.nothing)
    small_variant_basis: str = "no small-variant input"
    copy_number_basis: str = "no copy-number input"
    gaps: tuple[CoverageGap, ...] = ()
    biomarkers: GeneScope = field(default_factory=GeneScope.nothing)  # biomarker names with a value (TMB, MSI)
    biomarker_basis: str = "no biomarker input (clinical sheet) and no panel size to compute TMB"
    structural: GeneScope = field(default_factory=GeneScope.nothing)
    structural_basis: str = "no structural-variant or fusion input"

    def scope(self, kind: AlterationKind) -> GeneScope:
        return {AlterationKind.SMALL_VARIANT: self.small_variants, AlterationKind.COPY_NUMBER: self.copy_number,
                AlterationKind.BIOMARKER: self.biomarkers, AlterationKind.STRUCTURAL: self.structural}[kind]

    def basis(self, kind: AlterationKind) -> str:
        return {AlterationKind.SMALL_VARIANT: self.small_variant_basis,
                AlterationKind.COPY_NUMBER: self.copy_number_basis,
                AlterationKind.BIOMARKER: self.biomarker_basis,
                AlterationKind.STRUCTURAL: self.structural_basis}[kind]

    def gap_for(self, gene: str, kind: AlterationKind) -> CoverageGap | None:
        """The recorded gap for ``gene`` and ``kind``, if any."""
        for gap in self.gaps:
            if gap.gene == gene and gap.kind is kind:
                return gap
        return None
