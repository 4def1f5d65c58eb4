"""The written-down policy that turns hyperprogression findings into one sample-level risk level.

1. ``high`` — at least one *strong* hpd_risk finding applies to the sample's tumour type.
2. ``elevated`` — otherwise, at least one *moderate* hpd_risk finding applies.
3. ``not_assessable`` — otherwise, when a key event (``key_event: true``, e.g. MDM2/MDM4 amplification) could not
   be assessed from the inputs.
4. ``none_detected`` — otherwise: every key event was assessed and no strong or moderate finding was made.

*Emerging* findings (case reports, unverified associations) are listed with the level but never raise it, and
*conditional* findings (the rule is limited to tumour types and the sample's type was not given, or is an OncoTree
ancestor of the rule's type, such as LUNG for NSCLC) are listed but do not set it either. Clinical risk factors are
never mixed into this genomic level.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from hpdgenomics.engine.evaluate import applicable_key_events
from hpdgenomics.engine.findings import Evaluation, Finding
from hpdgenomics.engine.rules import RuleSet

LEVELS = ("high", "elevated", "none_detected", "not_assessable")
LEVEL_BY_STRENGTH = {"strong": "high", "moderate": "elevated"}


@dataclass(frozen=True, slots=True)
class RiskReason:
    """One fact behind the level: a finding or an unassessed key event, and the role it played."""

    rule_id: str
    gene: str
    alteration: str
    strength: str | None
    role: str  # sets_level | supporting | conditional | not_assessed | assessed (a key event looked at, not found)


@dataclass(frozen=True)
class HpdRisk:
    """The sample-level hyperprogression risk with the reasons behind it."""

    level: str
    summary: str
    reasons: tuple[RiskReason, ...]


def decide_hpd_risk(evaluation: Evaluation, ruleset: RuleSet, tumour_type: str | None) -> HpdRisk:
    """Apply the policy in this module's docstring."""
    hpd = [f for f in evaluation.findings if f.rule.category == "hpd_risk"]
    deciding = [f for f in hpd if not f.conditional and f.strength in LEVEL_BY_STRENGTH]
    reasons: list[RiskReason] = []
    level = None
    if deciding:
        best = min(deciding, key=lambda f: list(LEVEL_BY_STRENGTH).index(f.strength or ""))
        level = LEVEL_BY_STRENGTH[best.strength or ""]
        reasons += [_reason(f, "sets_level") for f in deciding if LEVEL_BY_STRENGTH[f.strength or ""] == level]
        reasons += [_reason(f, "supporting") for f in deciding if LEVEL_BY_STRENGTH[f.strength or ""] != level]
    reasons += [_reason(f, "conditional") for f in hpd if f.conditional]
    reasons += [_reason(f, "supporting") for f in hpd if not f.conditional and f not in deciding]
    missing = _unassessed_key_events(evaluation, ruleset, tumour_type)
    reasons += missing
    found = {f.rule.id for f in hpd}
    reasons += [RiskReason(rule.id, rule.subject, rule.describe(), rule.strength, "assessed")
                for rule in applicable_key_events(ruleset, tumour_type)
                if rule.id not in found and rule.id not in {m.rule_id for m in missing}]
    if level is None:
        level = "not_assessable" if missing else "none_detected"
    gaps = [_gap_label(gap.gene, gap.alteration_class) for gap in evaluation.not_assessed
            if any(rule is not None and rule.category == "hpd_risk" for rule in map(ruleset.get, gap.rule_ids))]
    return HpdRisk(level=level, summary=summarise(level, reasons, gaps), reasons=tuple(reasons))


def _reason(finding: Finding, role: str) -> RiskReason:
    return RiskReason(finding.rule.id, finding.rule.subject, finding.label, finding.strength, role)


def _unassessed_key_events(evaluation: Evaluation, ruleset: RuleSet, tumour_type: str | None) -> list[RiskReason]:
    unassessed_ids = {rule_id for gap in evaluation.not_assessed for rule_id in gap.rule_ids}
    return [
        RiskReason(rule.id, rule.subject, rule.describe(), rule.strength, "not_assessed")
        for rule in applicable_key_events(ruleset, tumour_type)
        if rule.id in unassessed_ids
    ]


def _gap_label(gene: str, alteration_class: str) -> str:
    return alteration_class if alteration_class.startswith(gene) else f"{gene} {alteration_class}".strip()


def summarise(level: str, reasons: Sequence[RiskReason], gaps: Sequence[str]) -> str:
    """The summary sentence(s), built only from ``reasons`` and the hyperprogression rules' gaps (``gaps``: "GENE
    alteration class" of each not-assessed part), so that it can never claim more than the reasons list: a report's
    summary is checked against its own ``reasons`` and ``not_assessed`` (tests/test_policy.py, every golden report).
    """
    by_role: dict[str, list[RiskReason]] = {}
    for reason in reasons:
        by_role.setdefault(reason.role, []).append(reason)
    sets, missing = by_role.get("sets_level", []), by_role.get("not_assessed", [])
    listed = by_role.get("supporting", []) + by_role.get("conditional", [])
    if level in ("high", "elevated"):
        verb = "sets" if len(sets) == 1 else "set"
        text = f"{_items(sets)} {verb} the level ({level})."
    elif level == "not_assessable":
        text = f"{_names(missing)} could not be assessed from the inputs, so absence of risk cannot be stated."
    else:
        assessed = by_role.get("assessed", [])
        text = "No hyperprogression-linked finding sets the level" + (
            f"; assessed and not found: {_names(assessed)}." if assessed else ".")
    if listed:
        text += f" Listed without raising the level: {_items(listed)}."
    if missing and level != "not_assessable":
        text += f" Not assessed: {_names(missing)}."
    shown = [g for g in dict.fromkeys(gaps) if g not in {f"{m.gene} {m.alteration}" for m in missing}]
    if shown:
        more = f" and {len(shown) - 8} more" if len(shown) > 8 else ""
        text += f" Not assessed for the other hyperprogression rules: {', '.join(shown[:8])}{more}."
    elif level == "none_detected":
        text += " Every hyperprogression rule's genes were covered by the inputs."
    return text


def _items(reasons: Sequence[RiskReason]) -> str:
    words = {"conditional": ", conditional on the tumour type"}
    return "; ".join(f"{r.gene} {r.alteration}, {r.strength or 'unranked'} evidence{words.get(r.role, '')}"
                     for r in reasons)


def _names(reasons: Sequence[RiskReason]) -> str:
    return ", ".join(f"{r.gene} {r.alteration}" for r in reasons)
