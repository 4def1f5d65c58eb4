"""Give each small variant its significance class (see the package docstring for the classes and their order)."""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from hpdgenomics.model.alterations import SmallVariant
from hpdgenomics.model.protein import parse_protein_change
from hpdgenomics.model.vocab import NON_SYNONYMOUS, ConsequenceClass
from hpdgenomics.significance.classes import LOSS_OF_FUNCTION, VariantClass
from hpdgenomics.significance.hotspots import CITATION, hotspot_for
from hpdgenomics.significance.oncogenicity import says_oncogenic


@dataclass(frozen=True)
class KnownVariants:
    """Changes the rules list by name, per gene: the ``known`` class.

    ``changes`` are canonical protein changes (p.L858R), ``codons`` first affected codons (IDH1 132), and
    ``exon_classes`` consequence classes limited to exons (EGFR in-frame deletions in exon 19), each with the rule id
    that lists it. The engine builds this from the rule set; this package never reads rules.
    """

    changes: Mapping[str, Mapping[str, str]] = field(default_factory=dict)
    codons: Mapping[str, Mapping[int, str]] = field(default_factory=dict)
    exon_classes: Mapping[str, tuple[tuple[frozenset[ConsequenceClass], frozenset[int], str], ...]] = field(
        default_factory=dict)

    def listing(self, variant: SmallVariant) -> str | None:
        """The rule id that lists ``variant`` by name, or None."""
        if variant.protein_change and variant.protein_change in self.changes.get(variant.gene, {}):
            return self.changes[variant.gene][variant.protein_change]
        change = parse_protein_change(variant.protein_change)
        if change is not None and change.start is not None and change.start in self.codons.get(variant.gene, {}):
            return self.codons[variant.gene][change.start]
        for classes, exons, rule_id in self.exon_classes.get(variant.gene, ()):
            if variant.consequence_class in classes and variant.exon in exons:
                return rule_id
        return None


def classify_variant(variant: SmallVariant, known: KnownVariants | None = None) -> SmallVariant:
    """``variant`` with its significance class and source; unchanged when it is not protein-altering."""
    if variant.consequence_class not in NON_SYNONYMOUS:
        return variant
    name, source = _class_of(variant, known or KnownVariants())
    return dataclasses.replace(variant, significance=name.value, significance_source=source)


def classify_variants(variants: Iterable[SmallVariant], known: KnownVariants | None = None) -> list[SmallVariant]:
    """:func:`classify_variant` on each."""
    return [classify_variant(v, known) for v in variants]


def _class_of(variant: SmallVariant, known: KnownVariants) -> tuple[VariantClass, str]:
    change = parse_protein_change(variant.protein_change)
    hotspot = hotspot_for(variant.gene, change)
    if hotspot is not None:
        where = "" if hotspot.transcript_check == "same" else f", table numbered on {hotspot.transcript}"
        return VariantClass.HOTSPOT, f"{CITATION}: {variant.gene} {hotspot.label}{where}"
    listed = known.listing(variant)
    if listed is not None:
        return VariantClass.KNOWN, f"listed by rule {listed}"
    if says_oncogenic(variant.input_oncogenicity):
        return VariantClass.ONCOGENIC, f"input annotation ({variant.input_oncogenicity})"
    if variant.consequence_class in LOSS_OF_FUNCTION:
        return VariantClass.TRUNCATING, f"consequence: {variant.consequence_class.value.replace('_', ' ')}"
    if variant.input_oncogenicity:
        return VariantClass.VUS, f"not a hotspot or listed change; input annotation ({variant.input_oncogenicity})"
    return VariantClass.VUS, "not a hotspot, a listed change, truncating or annotated oncogenic by the input"
