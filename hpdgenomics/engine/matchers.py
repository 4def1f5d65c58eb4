"""Alteration matchers: rule data checked by a closed registry of named operators (never ``eval``)."""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from hpdgenomics.model.alterations import CopyNumberCall, CopyNumberState, Rearrangement, SmallVariant
from hpdgenomics.model.biomarkers import Microsatellites, TumourMutationalBurden
from hpdgenomics.model.coverage import AlterationKind
from hpdgenomics.model.protein import parse_protein_change
from hpdgenomics.model.vocab import INFRAME, NON_SYNONYMOUS, TRUNCATING, ConsequenceClass

# Rule class names → the consequence classes (small variants) or copy-number states they stand for.
SMALL_VARIANT_CLASSES: dict[str, frozenset[ConsequenceClass]] = {
    **{c.value: frozenset({c}) for c in ConsequenceClass},
    "truncating": TRUNCATING,
    "inframe": INFRAME,
    "nonsynonymous": NON_SYNONYMOUS,
}
COPY_NUMBER_CLASSES: dict[str, CopyNumberState] = {
    "amplification": CopyNumberState.AMPLIFICATION,
    "gain": CopyNumberState.GAIN,
    "loss": CopyNumberState.LOSS,
    "deep_deletion": CopyNumberState.DEEP_DELETION,
}

STRUCTURAL_CLASSES = frozenset({"fusion", "intragenic_rearrangement"})

Alteration = SmallVariant | CopyNumberCall | Rearrangement | TumourMutationalBurden | Microsatellites

_GENOMIC = re.compile(r"^(?:chr)?(?P<chrom>[0-9XYMT]+):g\.(?P<pos>[0-9]+)(?P<ref>[ACGT])>(?P<alt>[ACGT])$")


@dataclass(frozen=True, slots=True)
class GenomicAllele:
    """A genomic SNV (+ strand) on one build that produces a protein change (knowledge file §5.3)."""

    build: str
    chrom: str
    pos: int
    ref: str
    alt: str
    protein_change: str

    @property
    def text(self) -> str:
        return f"{self.chrom}:g.{self.pos}{self.ref}>{self.alt}"


@dataclass(frozen=True, slots=True)
class Matcher:
    """A compiled alteration matcher. ``operator`` names the check; ``argument`` is the rule's data for it."""

    operator: str
    argument: Any
    exons: frozenset[int] = frozenset()
    branches: tuple[Matcher, ...] = ()
    genomic: tuple[GenomicAllele, ...] = ()
    partners: frozenset[str] = frozenset()  # fusions: only with one of these partner genes

    def matches(self, alteration: Alteration, build: str | None = None) -> bool:
        """True when ``alteration`` satisfies this matcher; ``build`` (the sample's) is for genomic alleles."""
        if self.operator == "any_of":
            return any(branch.matches(alteration, build) for branch in self.branches)
        return OPERATORS[self.operator](self, alteration) or self.genomic_match(alteration, build) is not None

    def genomic_match(self, alteration: Alteration, build: str | None) -> GenomicAllele | None:
        """The genomic allele ``alteration`` equals, for a variant that carries no protein change; else None.

        A variant with a protein change is judged on it alone: the allele lists only stand in when the input could
        not say what the protein change is (unannotated VCF records, MAFs without HGVSp).
        """
        if not self.genomic or build is None or not isinstance(alteration, SmallVariant):
            return None
        if alteration.protein_change is not None or alteration.pos is None:
            return None
        return next((g for g in self.genomic if g.build == build and g.chrom == alteration.chrom
                     and g.pos == alteration.pos and g.ref == alteration.ref and g.alt == alteration.alt), None)

    def names_change(self, alteration: Alteration, build: str | None = None) -> bool:
        """True when a part of this matcher that lists changes by name (a protein change, hotspot list, codon,
        genomic allele or exon-limited class) matches ``alteration``: such a match counts whatever the variant's
        significance class, because the rule itself names the change."""
        if self.operator == "any_of":
            return any(branch.names_change(alteration, build) for branch in self.branches)
        if self.operator in ("protein_change", "hotspots", "codons") or (self.operator == "class" and self.exons):
            return self.matches(alteration, build)
        return False

    def kinds(self) -> frozenset[AlterationKind]:
        """Which kinds of input the matcher needs (small variants, copy number, biomarkers)."""
        if self.operator == "any_of":
            return frozenset().union(*(branch.kinds() for branch in self.branches))
        if self.operator == "biomarker":
            return frozenset({AlterationKind.BIOMARKER})
        if self.operator == "class" and all(name in COPY_NUMBER_CLASSES for name in self.argument):
            return frozenset({AlterationKind.COPY_NUMBER})
        if self.operator == "class" and all(name in STRUCTURAL_CLASSES for name in self.argument):
            return frozenset({AlterationKind.STRUCTURAL})
        return frozenset({AlterationKind.SMALL_VARIANT})

    def for_kind(self, kind: AlterationKind) -> list[Matcher]:
        """The branches of this matcher that need ``kind`` (itself when it is a single operator)."""
        if self.operator == "any_of":
            return [m for branch in self.branches for m in branch.for_kind(kind)]
        return [self] if kind in self.kinds() else []

    def describe(self) -> str:
        """Human wording of what the matcher looks for, as used in "not assessed" lines."""
        if self.operator == "any_of":
            return " or ".join(branch.describe() for branch in self.branches)
        if self.operator == "protein_change":
            return self.argument
        if self.operator == "hotspots":
            return "hotspots " + ", ".join(self.argument)
        if self.operator == "codons":
            return "codon " + ", ".join(str(c) for c in sorted(self.argument)) + " changes"
        if self.operator == "biomarker":
            name, threshold, statuses = self.argument
            return f"{name} >= {threshold:g} mut/Mb" if name == "TMB" else f"{name} status " + " or ".join(statuses)
        words = " or ".join(name.replace("_", " ") for name in self.argument)
        if self.partners:
            words += " with " + " or ".join(sorted(self.partners))
        if self.exons:
            words += " in exon " + ", ".join(str(e) for e in sorted(self.exons))
        return words


def compile_matcher(spec: Mapping[str, Any]) -> Matcher:
    """Turn the ``alteration`` mapping of a schema-valid rule into a :class:`Matcher`."""
    if "any_of" in spec:
        return Matcher("any_of", None, branches=tuple(compile_matcher(branch) for branch in spec["any_of"]))
    if "protein_change" in spec:
        change = _canonical(spec["protein_change"])
        return Matcher("protein_change", change, genomic=_genomic(spec.get("genomic", ()), {change}))
    if "hotspots" in spec:
        hotspots = tuple(_canonical(h) for h in spec["hotspots"])
        return Matcher("hotspots", hotspots, genomic=_genomic(spec.get("genomic", ()), set(hotspots)))
    if "codons" in spec:
        return Matcher("codons", frozenset(spec["codons"]))
    names = spec["class"] if isinstance(spec["class"], list) else [spec["class"]]
    if spec.get("partners") and names != ["fusion"]:
        raise ValueError(f"partners only refine the fusion class, not {', '.join(names)}")
    return Matcher("class", tuple(names), exons=frozenset(spec.get("exons", ())),
                   partners=frozenset(spec.get("partners", ())))


def compile_biomarker(spec: Mapping[str, Any]) -> Matcher:
    """Turn the ``biomarker`` mapping of a schema-valid rule (``{name: TMB, at_least: 10}``) into a matcher."""
    return Matcher("biomarker", (spec["name"], float(spec.get("at_least", 0)), tuple(spec.get("status", ()))))


def _genomic(items: Any, allowed: set[str]) -> tuple[GenomicAllele, ...]:
    alleles = []
    for item in items:
        match = _GENOMIC.match(item["change"])
        if match is None:
            raise ValueError(f"not a genomic SNV: {item['change']!r} (expected e.g. 7:g.140453136A>T)")
        change = _canonical(item["protein_change"])
        if change not in allowed:
            raise ValueError(f"genomic allele {item['change']} names {change}, which the matcher does not list")
        chrom = "MT" if match["chrom"] in ("M", "MT") else match["chrom"]
        alleles.append(GenomicAllele(item["build"], chrom, int(match["pos"]), match["ref"], match["alt"], change))
    return tuple(alleles)


def _canonical(text: str) -> str:
    change = parse_protein_change(text)
    if change is None:
        raise ValueError(f"not a protein change: {text!r}")
    return change.text


def _protein_change(matcher: Matcher, alteration: Alteration) -> bool:
    return isinstance(alteration, SmallVariant) and alteration.protein_change == matcher.argument


def _hotspots(matcher: Matcher, alteration: Alteration) -> bool:
    return isinstance(alteration, SmallVariant) and alteration.protein_change in matcher.argument


def _codons(matcher: Matcher, alteration: Alteration) -> bool:
    if not isinstance(alteration, SmallVariant) or alteration.consequence_class not in NON_SYNONYMOUS:
        return False
    change = parse_protein_change(alteration.protein_change)
    return change is not None and change.start in matcher.argument


def _biomarker(matcher: Matcher, alteration: Alteration) -> bool:
    name, threshold, statuses = matcher.argument
    if name == "TMB":
        # A small tolerance so that 10.0 from a sheet is not pushed below the cut-off by float rounding.
        return isinstance(alteration, TumourMutationalBurden) and alteration.value >= threshold - 1e-9
    return (isinstance(alteration, Microsatellites) and alteration.status is not None
            and alteration.status.value in statuses)


def _class(matcher: Matcher, alteration: Alteration) -> bool:
    if isinstance(alteration, Rearrangement):
        # A fusion needs two different genes; an intragenic rearrangement (e.g. an EGFR kinase-domain duplication
        # reported by an SV caller) is not a fusion of the gene and matches only intragenic_rearrangement.
        if alteration.kind != "fusion":
            return "intragenic_rearrangement" in matcher.argument and alteration.kind == "rearrangement"
        if "fusion" not in matcher.argument:
            return False
        return not matcher.partners or bool(matcher.partners & set(alteration.genes))
    if not isinstance(alteration, SmallVariant | CopyNumberCall):
        return False
    if isinstance(alteration, CopyNumberCall):
        return any(COPY_NUMBER_CLASSES.get(name) is alteration.state for name in matcher.argument)
    wanted = frozenset().union(*(SMALL_VARIANT_CLASSES.get(name, frozenset()) for name in matcher.argument))
    if alteration.consequence_class not in wanted:
        return False
    return not matcher.exons or alteration.exon in matcher.exons


OPERATORS: dict[str, Callable[[Matcher, Alteration], bool]] = {
    "protein_change": _protein_change,
    "hotspots": _hotspots,
    "codons": _codons,
    "class": _class,
    "biomarker": _biomarker,
}
