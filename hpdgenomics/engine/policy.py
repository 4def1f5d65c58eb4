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
    role: str  # sets_level | supporting | conditional | not_assessed


@dataclass(frozen=True)
class HpdRisk:
    """The sample-level hyperprogression risk with the reasons behind it."""

    level: str
    summary: str
    reasons: tuple[RiskReason, ...]


def decide_hpd_risk(evaluation: Evaluation, ruleset: RuleSet, tumour_type: str | None) -> HpdRisk:
    """Apply the policy in this module's docstring."""
    hpd = [f for f in evaluation.findings if f.rule.category == "hpd_risk"]
    deciding = [f for f in hpd if not f.conditional and f.rule.strength in LEVEL_BY_STRENGTH]
    reasons: list[RiskReason] = []
    level = None
    if deciding:
        best = min(deciding, key=lambda f: list(LEVEL_BY_STRENGTH).index(f.rule.strength or ""))
        level = LEVEL_BY_STRENGTH[best.rule.strength or ""]
        reasons += [_reason(f, "sets_level") for f in deciding if LEVEL_BY_STRENGTH[f.rule.strength or ""] == level]
        reasons += [_reason(f, "supporting") for f in deciding if LEVEL_BY_STRENGTH[f.rule.strength or ""] != level]
    reasons += [_reason(f, "conditional") for f in hpd if f.conditional]
    reasons += [_reason(f, "supporting") for f in hpd if not f.conditional and f not in deciding]
    missing = _unassessed_key_events(evaluation, ruleset, tumour_type)
    reasons += missing
    if level is None:
        level = "not_assessable" if missing else "none_detected"
    return HpdRisk(level=level, summary=_summary(level, deciding, missing), reasons=tuple(reasons))


def _reason(finding: Finding, role: str) -> RiskReason:
    return RiskReason(finding.rule.id, finding.rule.subject, finding.label, finding.rule.strength, role)


def _unassessed_key_events(evaluation: Evaluation, ruleset: RuleSet, tumour_type: str | None) -> list[RiskReason]:
    unassessed_ids = {rule_id for gap in evaluation.not_assessed for rule_id in gap.rule_ids}
    return [
        RiskReason(rule.id, rule.subject, rule.describe(), rule.strength, "not_assessed")
        for rule in applicable_key_events(ruleset, tumour_type)
        if rule.id in unassessed_ids
    ]


def _summary(level: str, deciding: list[Finding], missing: list[RiskReason]) -> str:
    if level in ("high", "elevated"):
        shown = [f for f in deciding if LEVEL_BY_STRENGTH[f.rule.strength or ""] == level]
        parts = [f"{f.rule.gene} {f.label}" for f in shown]
        text = "; ".join(parts) + " — " + shown[0].rule.interpretation
        if missing:
            text += " (" + _missing_text(missing) + " not assessed)"
        return text
    if level == "not_assessable":
        return f"{_missing_text(missing)} could not be assessed from the inputs, so absence of risk cannot be stated."
    return "No hyperprogression-linked alteration with strong or moderate evidence was found; key events were assessed."


def _missing_text(missing: list[RiskReason]) -> str:
    return ", ".join(f"{m.gene} {m.alteration}" for m in missing)
