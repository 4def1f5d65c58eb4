"""Alteration matchers: rule data checked by a closed registry of named operators (never ``eval``)."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from hpdgenomics.model.alterations import CopyNumberCall, CopyNumberState, SmallVariant
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

Alteration = SmallVariant | CopyNumberCall


@dataclass(frozen=True, slots=True)
class Matcher:
    """A compiled alteration matcher. ``operator`` names the check; ``argument`` is the rule's data for it."""

    operator: str
    argument: Any
    exons: frozenset[int] = frozenset()
    branches: tuple[Matcher, ...] = ()

    def matches(self, alteration: Alteration) -> bool:
        """True when ``alteration`` satisfies this matcher."""
        if self.operator == "any_of":
            return any(branch.matches(alteration) for branch in self.branches)
        return OPERATORS[self.operator](self, alteration)

    def kinds(self) -> frozenset[AlterationKind]:
        """Which kinds of input the matcher needs (small variants, copy number, or both)."""
        if self.operator == "any_of":
            return frozenset().union(*(branch.kinds() for branch in self.branches))
        if self.operator == "class" and all(name in COPY_NUMBER_CLASSES for name in self.argument):
            return frozenset({AlterationKind.COPY_NUMBER})
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
        words = " or ".join(name.replace("_", " ") for name in self.argument)
        if self.exons:
            words += " in exon " + ", ".join(str(e) for e in sorted(self.exons))
        return words


def compile_matcher(spec: Mapping[str, Any]) -> Matcher:
    """Turn the ``alteration`` mapping of a schema-valid rule into a :class:`Matcher`."""
    if "any_of" in spec:
        return Matcher("any_of", None, branches=tuple(compile_matcher(branch) for branch in spec["any_of"]))
    if "protein_change" in spec:
        return Matcher("protein_change", _canonical(spec["protein_change"]))
    if "hotspots" in spec:
        return Matcher("hotspots", tuple(_canonical(h) for h in spec["hotspots"]))
    if "codons" in spec:
        return Matcher("codons", frozenset(spec["codons"]))
    names = spec["class"] if isinstance(spec["class"], list) else [spec["class"]]
    return Matcher("class", tuple(names), exons=frozenset(spec.get("exons", ())))


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


def _class(matcher: Matcher, alteration: Alteration) -> bool:
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
}
