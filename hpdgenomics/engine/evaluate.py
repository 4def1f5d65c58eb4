"""Evaluate a rule set on one sample profile: pure, no I/O."""

from __future__ import annotations

import dataclasses

from hpdgenomics.engine.clinical import assess_clinical_factors
from hpdgenomics.engine.findings import (
    Evaluation,
    Finding,
    NotAssessed,
    QualifierStatus,
    TherapyOption,
    UncountedVariant,
)
from hpdgenomics.engine.known import known_variants
from hpdgenomics.engine.matchers import Alteration, Matcher
from hpdgenomics.engine.rules import STRENGTH_ORDER, Qualifier, Rule, RuleSet, Therapy
from hpdgenomics.engine.tumour_types import Scope, scope_of
from hpdgenomics.model.alterations import CopyNumberState, SmallVariant
from hpdgenomics.model.coverage import AlterationKind
from hpdgenomics.model.profile import SampleProfile
from hpdgenomics.model.vocab import NON_SYNONYMOUS
from hpdgenomics.significance import classify_variants
from hpdgenomics.significance.context import CLONAL_HAEMATOPOIESIS_GENES, check_context

LEVELS_LISTED_AS_3B = frozenset({"1", "2"})


def evaluate(profile: SampleProfile, ruleset: RuleSet) -> Evaluation:
    """Match every rule against the sample; list what matched and what could not be assessed.

    Every small variant is classified first (:mod:`hpdgenomics.significance`); a variant whose class the rule does
    not count is listed in ``variants_of_unknown_significance`` and never makes, supports or cancels a finding.
    """
    profile = classify_profile(profile, ruleset)
    tumour_type = profile.sample.tumour_type
    build = profile.sample.genome_build
    findings: list[Finding] = []
    gaps: dict[tuple[str, str, str], tuple[str, list[str]]] = {}
    out_of_scope: list[str] = []
    uncounted: dict[int, tuple[SmallVariant, list[Rule]]] = {}
    for rule in ruleset.rules:
        if rule.alteration is None:  # clinical factors are assessed on their own, below
            continue
        scope = scope_of(tumour_type, rule.tumour_types, rule.exclude_tumour_types)
        if scope is Scope.OTHER_TUMOUR_TYPE:
            out_of_scope.append(rule.id)
            continue
        matcher = rule.alteration
        matched = []
        for alteration in _alterations(profile, rule):
            if not matcher.matches(alteration, build):
                continue
            if counts_for(rule, matcher, alteration, build):
                matched.append(alteration)
            elif isinstance(alteration, SmallVariant):
                uncounted.setdefault(id(alteration), (alteration, []))[1].append(rule)
        for alteration in matched:
            therapies = tuple(_therapy_option(t, profile) for t in rule.therapies)
            allele = matcher.genomic_match(alteration, build) if matcher.operator != "any_of" else None
            finding = Finding(rule=rule, alteration=alteration, scope=scope, therapies=therapies,
                              matched_change=allele.protein_change if allele else None,
                              matched_by=f"genomic allele {allele.text} ({allele.build})" if allele else None)
            findings.append(_with_context(finding, profile))
        # A part of another input kind than the match is still reported when not assessed (EGFR L858R found, EGFR
        # amplification not assessed), so that cohort denominators count each class only where it was covered.
        found_kinds = {kind for a in matched for kind in matcher.kinds() if matcher.for_kind(kind)
                       and any(m.matches(a, build) for m in matcher.for_kind(kind))}
        for kind, part, reason in _unassessed_parts(profile, rule.subject, matcher):
            if kind not in found_kinds:
                key = (rule.subject, part.describe(), kind.value)
                gaps.setdefault(key, (reason, []))[1].append(rule.id)
    not_assessed = tuple(
        NotAssessed(gene=gene, alteration_class=what, kind=kind, reason=reason, rule_ids=tuple(ids))
        for (gene, what, kind), (reason, ids) in sorted(gaps.items())
    )
    return Evaluation(findings=tuple(findings), not_assessed=not_assessed, rules_out_of_scope=tuple(out_of_scope),
                      clinical_factors=assess_clinical_factors(ruleset, profile.clinical),
                      variants_of_unknown_significance=tuple(_uncounted(v, rules) for v, rules in uncounted.values()))


def classify_profile(profile: SampleProfile, ruleset: RuleSet) -> SampleProfile:
    """The profile with every small variant classified (the changes the rules list by name are ``known``)."""
    if all(v.significance is not None for v in profile.variants if v.consequence_class in NON_SYNONYMOUS):
        return profile
    return dataclasses.replace(profile, variants=tuple(classify_variants(profile.variants, known_variants(ruleset))))


def counts_for(rule: Rule, matcher: Matcher, alteration: Alteration, build: str | None) -> bool:
    """A matched alteration counts unless it is a small variant of a class the rule does not name (vus never
    counts); a change the rule lists by name counts whatever its class."""
    if not isinstance(alteration, SmallVariant) or matcher.names_change(alteration, build):
        return True
    return alteration.significance in rule.variant_classes


def _with_context(finding: Finding, profile: SampleProfile) -> Finding:
    variant = finding.alteration
    if not isinstance(variant, SmallVariant):
        return finding
    checks = list(finding.rule.context)
    if variant.gene in CLONAL_HAEMATOPOIESIS_GENES and "clonal_haematopoiesis" not in checks:
        checks.append("clonal_haematopoiesis")
    caveats, strength = [], None
    for check in checks:
        context = check_context(check, variant, profile)
        if context is None:
            continue
        caveats.append(context.caveat)
        if context.strength is not None and finding.rule.strength is not None and (
                STRENGTH_ORDER[context.strength] > STRENGTH_ORDER[strength or finding.rule.strength]):
            strength = context.strength
    return dataclasses.replace(finding, caveats=tuple(caveats), strength_override=strength)


def _uncounted(variant: SmallVariant, rules: list[Rule]) -> UncountedVariant:
    ids = tuple(sorted({r.id for r in rules}))
    categories = tuple(sorted({r.category for r in rules}))
    if variant.significance == "vus":
        reason = "variant of unknown significance: " + variant.significance_source
    else:
        wanted = sorted(set().union(*(r.variant_classes for r in rules)))
        reason = (f"class {variant.significance} ({variant.significance_source}) does not count for these rules, "
                  f"which count {', '.join(wanted)}")
    return UncountedVariant(variant=variant, rule_ids=ids, categories=categories, reason=reason)


def _alterations(profile: SampleProfile, rule: Rule) -> list[Alteration]:
    if rule.gene is None:
        return [b for b in profile.biomarkers() if b.name == rule.subject]
    return _gene_alterations(profile, rule.gene)


def _gene_alterations(profile: SampleProfile, gene: str) -> list[Alteration]:
    return [*profile.variants_in(gene), *profile.copy_number_in(gene), *profile.rearrangements_in(gene)]


def _unassessed_parts(
    profile: SampleProfile, gene: str, matcher: Matcher
) -> list[tuple[AlterationKind, Matcher, str]]:
    """The parts of a matcher whose input kind does not cover ``gene``, each with the reason."""
    parts: list[tuple[AlterationKind, Matcher, str]] = []
    for kind in sorted(matcher.kinds(), key=lambda k: k.value):
        coverage = profile.coverage
        gap = coverage.gap_for(gene, kind)
        if coverage.scope(kind).covers(gene) and gap is None:
            continue
        reason = gap.reason if gap is not None else coverage.basis(kind)
        parts.extend((kind, part, reason) for part in matcher.for_kind(kind))
    return parts


def _therapy_option(therapy: Therapy, profile: SampleProfile) -> TherapyOption:
    scope = scope_of(profile.sample.tumour_type, therapy.tumour_types, therapy.exclude_tumour_types)
    build = profile.sample.genome_build
    cancelled = tuple(
        alteration.label
        for cancel in therapy.cancelled_by
        for alteration in _gene_alterations(profile, cancel.gene)
        if cancel.alteration.matches(alteration, build) and (
            cancel.alteration.names_change(alteration, build) or _not_vus(alteration))
    )
    level, note = therapy.level, therapy.note
    if scope is Scope.OTHER_TUMOUR_TYPE and level in LEVELS_LISTED_AS_3B:
        # OncoKB 3B: standard care (Level 1/2) for this alteration in another tumour type.
        level = "3B"
        note = (f"Level {therapy.level} for this alteration in {', '.join(therapy.tumour_types)}, not in this tumour "
                "type: listed as Level 3B (OncoKB: approved or standard care in another tumour type)."
                + (f" {note}" if note else ""))
    return TherapyOption(
        drugs=therapy.drugs,
        level=level,
        tumour_types=therapy.tumour_types,
        scope=scope,
        note=note,
        qualifiers=tuple(_qualifier_status(q, profile) for q in therapy.requires),
        cancelled_by=cancelled,
        evidence=therapy.evidence,
    )


def _qualifier_status(qualifier: Qualifier, profile: SampleProfile) -> QualifierStatus:
    """Wild type = no protein-changing variant and no deep deletion; unknown when the gene was not assessed."""
    if qualifier.state == "amplified":
        return _amplified_status(qualifier, profile)
    gene = qualifier.gene
    changing = [v for v in profile.variants_in(gene) if v.consequence_class in NON_SYNONYMOUS]
    altered = [v.label for v in changing if _not_vus(v)]
    altered += [c.label for c in profile.copy_number_in(gene) if c.state is CopyNumberState.DEEP_DELETION]
    unknown = [v.label for v in changing if not _not_vus(v)]
    coverage = profile.coverage
    sv_assessed = coverage.small_variants.covers(gene) and coverage.gap_for(gene, AlterationKind.SMALL_VARIANT) is None
    if altered:
        state, detail = "altered", f"{gene} " + ", ".join(altered)
    elif unknown:
        return QualifierStatus(gene, qualifier.state, "unknown",
                               f"{gene} " + ", ".join(unknown) + " is of unknown significance")
    elif sv_assessed:
        state, detail = "wild_type", f"no {gene} protein-changing variant found"
        if not coverage.copy_number.covers(gene):
            detail += f"; {gene} copy number not assessed"
    else:
        basis = coverage.basis(AlterationKind.SMALL_VARIANT)
        return QualifierStatus(gene, qualifier.state, "unknown", f"{gene} was not assessed ({basis})")
    status = "met" if state == qualifier.state else "not_met"
    return QualifierStatus(gene, qualifier.state, status, detail)


def _not_vus(alteration: Alteration) -> bool:
    return not isinstance(alteration, SmallVariant) or alteration.significance != "vus"


def _amplified_status(qualifier: Qualifier, profile: SampleProfile) -> QualifierStatus:
    """Amplified = a copy-number call of amplification; unknown when the gene's copy number was not assessed."""
    gene = qualifier.gene
    amplified = [c.label for c in profile.copy_number_in(gene) if c.state is CopyNumberState.AMPLIFICATION]
    coverage = profile.coverage
    if amplified:
        return QualifierStatus(gene, "amplified", "met", f"{gene} " + ", ".join(amplified))
    if coverage.copy_number.covers(gene) and coverage.gap_for(gene, AlterationKind.COPY_NUMBER) is None:
        return QualifierStatus(gene, "amplified", "not_met", f"{gene} is not amplified")
    return QualifierStatus(gene, "amplified", "unknown",
                           f"{gene} copy number was not assessed ({coverage.basis(AlterationKind.COPY_NUMBER)})")


def rule_genes(ruleset: RuleSet) -> frozenset[str]:
    """Genes the readers must keep for this rule set."""
    return ruleset.genes()


def applicable_key_events(ruleset: RuleSet, tumour_type: str | None) -> list[Rule]:
    """Key hpd_risk rules (e.g. MDM2/MDM4 amplification) that apply to this tumour type."""
    return [
        rule for rule in ruleset.rules
        if rule.category == "hpd_risk" and rule.key_event
        and scope_of(tumour_type, rule.tumour_types, rule.exclude_tumour_types) is not Scope.OTHER_TUMOUR_TYPE
    ]
