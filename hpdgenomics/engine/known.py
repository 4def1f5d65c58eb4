"""The changes the rules list by name, per gene: the ``known`` significance class (hpdgenomics.significance)."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator

from hpdgenomics.engine.matchers import SMALL_VARIANT_CLASSES, Matcher
from hpdgenomics.engine.rules import RuleSet
from hpdgenomics.model.vocab import ConsequenceClass
from hpdgenomics.significance import KnownVariants

_CACHE: dict[str, KnownVariants] = {}


def known_variants(ruleset: RuleSet) -> KnownVariants:
    """Every protein change, codon and exon-limited class a rule (or a therapy's cancelling alteration) names."""
    cached = _CACHE.get(ruleset.sha256)
    if cached is not None:
        return cached
    changes: dict[str, dict[str, str]] = defaultdict(dict)
    codons: dict[str, dict[int, str]] = defaultdict(dict)
    exon_classes: dict[str, list[tuple[frozenset[ConsequenceClass], frozenset[int], str]]] = defaultdict(list)
    for gene, matcher, rule_id in _matchers(ruleset):
        for part in _parts(matcher):
            if part.operator == "protein_change":
                changes[gene].setdefault(part.argument, rule_id)
            elif part.operator == "hotspots":
                for change in part.argument:
                    changes[gene].setdefault(change, rule_id)
            elif part.operator == "codons":
                for codon in part.argument:
                    codons[gene].setdefault(codon, rule_id)
            elif part.operator == "class" and part.exons:
                classes = frozenset().union(*(SMALL_VARIANT_CLASSES.get(n, frozenset()) for n in part.argument))
                if classes:
                    exon_classes[gene].append((classes, part.exons, rule_id))
    known = KnownVariants(changes=dict(changes), codons=dict(codons),
                          exon_classes={gene: tuple(items) for gene, items in exon_classes.items()})
    _CACHE[ruleset.sha256] = known
    return known


def _matchers(ruleset: RuleSet) -> Iterator[tuple[str, Matcher, str]]:
    for rule in ruleset.rules:
        if rule.gene is not None and rule.alteration is not None:
            yield rule.gene, rule.alteration, rule.id
        for therapy in rule.therapies:
            for cancel in therapy.cancelled_by:
                yield cancel.gene, cancel.alteration, rule.id


def _parts(matcher: Matcher) -> Iterator[Matcher]:
    if matcher.operator == "any_of":
        for branch in matcher.branches:
            yield from _parts(branch)
    else:
        yield matcher
