"""Evaluate a rule set on one sample profile: pure, no I/O."""

from __future__ import annotations

from hpdgenomics.engine.clinical import assess_clinical_factors
from hpdgenomics.engine.findings import Evaluation, Finding, NotAssessed, QualifierStatus, TherapyOption
from hpdgenomics.engine.matchers import Alteration, Matcher
from hpdgenomics.engine.rules import Qualifier, Rule, RuleSet, Therapy
from hpdgenomics.engine.tumour_types import Scope, scope_of
from hpdgenomics.model.alterations import CopyNumberState
from hpdgenomics.model.coverage import AlterationKind
from hpdgenomics.model.profile import SampleProfile
from hpdgenomics.model.vocab import NON_SYNONYMOUS


def evaluate(profile: SampleProfile, ruleset: RuleSet) -> Evaluation:
    """Match every rule against the sample; list what matched and what could not be assessed."""
    tumour_type = profile.sample.tumour_type
    build = profile.sample.genome_build
    findings: list[Finding] = []
    gaps: dict[tuple[str, str, str], tuple[str, list[str]]] = {}
    out_of_scope: list[str] = []
    for rule in ruleset.rules:
        if rule.alteration is None:  # clinical factors are assessed on their own, below
            continue
        scope = scope_of(tumour_type, rule.tumour_types, rule.exclude_tumour_types)
        if scope is Scope.OTHER_TUMOUR_TYPE:
            out_of_scope.append(rule.id)
            continue
        matcher = rule.alteration
        matched = [a for a in _alterations(profile, rule) if matcher.matches(a, build)]
        for alteration in matched:
            therapies = tuple(_therapy_option(t, profile) for t in rule.therapies)
            allele = matcher.genomic_match(alteration, build) if matcher.operator != "any_of" else None
            findings.append(Finding(rule=rule, alteration=alteration, scope=scope, therapies=therapies,
                                    matched_change=allele.protein_change if allele else None,
                                    matched_by=f"genomic allele {allele.text} ({allele.build})" if allele else None))
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
                      clinical_factors=assess_clinical_factors(ruleset, profile.clinical))


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
        if cancel.alteration.matches(alteration, build)
    )
    return TherapyOption(
        drugs=therapy.drugs,
        level=therapy.level,
        tumour_types=therapy.tumour_types,
        scope=scope,
        note=therapy.note,
        qualifiers=tuple(_qualifier_status(q, profile) for q in therapy.requires),
        cancelled_by=cancelled,
        evidence=therapy.evidence,
    )


def _qualifier_status(qualifier: Qualifier, profile: SampleProfile) -> QualifierStatus:
    """Wild type = no protein-changing variant and no deep deletion; unknown when the gene was not assessed."""
    if qualifier.state == "amplified":
        return _amplified_status(qualifier, profile)
    gene = qualifier.gene
    altered = [v.label for v in profile.variants_in(gene) if v.consequence_class in NON_SYNONYMOUS]
    altered += [c.label for c in profile.copy_number_in(gene) if c.state is CopyNumberState.DEEP_DELETION]
    coverage = profile.coverage
    sv_assessed = coverage.small_variants.covers(gene) and coverage.gap_for(gene, AlterationKind.SMALL_VARIANT) is None
    if altered:
        state, detail = "altered", f"{gene} " + ", ".join(altered)
    elif sv_assessed:
        state, detail = "wild_type", f"no {gene} protein-changing variant found"
        if not coverage.copy_number.covers(gene):
            detail += f"; {gene} copy number not assessed"
    else:
        basis = coverage.basis(AlterationKind.SMALL_VARIANT)
        return QualifierStatus(gene, qualifier.state, "unknown", f"{gene} was not assessed ({basis})")
    status = "met" if state == qualifier.state else "not_met"
    return QualifierStatus(gene, qualifier.state, status, detail)


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
