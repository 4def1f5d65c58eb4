"""What evaluating the rules on one sample produces."""

from __future__ import annotations

from dataclasses import dataclass

from hpdgenomics.engine.clinical import ClinicalFactorStatus
from hpdgenomics.engine.matchers import Alteration
from hpdgenomics.engine.rules import Evidence, Rule
from hpdgenomics.engine.tumour_types import Scope
from hpdgenomics.model.alterations import SmallVariant


@dataclass(frozen=True, slots=True)
class QualifierStatus:
    """Whether a therapy's condition on another gene holds: ``met``, ``not_met`` or ``unknown``."""

    gene: str
    required_state: str
    status: str
    detail: str


@dataclass(frozen=True, slots=True)
class TherapyOption:
    """One therapy of a targetable finding, as it stands for this sample."""

    drugs: tuple[str, ...]
    level: str
    tumour_types: tuple[str, ...]
    scope: Scope
    note: str
    qualifiers: tuple[QualifierStatus, ...]
    cancelled_by: tuple[str, ...]  # labels of resistance alterations found in the sample
    evidence: tuple[Evidence, ...]

    @property
    def usable(self) -> bool:
        """Not cancelled and no qualifier known to fail (unknown qualifiers stay visible as caveats)."""
        return not self.cancelled_by and all(q.status != "not_met" for q in self.qualifiers)


@dataclass(frozen=True, slots=True)
class Finding:
    """A rule that matched an alteration of the sample."""

    rule: Rule
    alteration: Alteration
    scope: Scope
    therapies: tuple[TherapyOption, ...] = ()
    matched_change: str | None = None  # the protein change a genomic allele stands for, when matched by position
    matched_by: str | None = None  # how a variant without protein change was matched (e.g. "genomic allele …")
    caveats: tuple[str, ...] = ()  # curator context (hpdgenomics.significance.context), in the report beside it
    strength_override: str | None = None  # the strength shown when a context check lowered the rule's

    @property
    def strength(self) -> str | None:
        """The strength this finding carries for this sample: the rule's, unless a context check lowered it."""
        return self.strength_override or self.rule.strength

    @property
    def label(self) -> str:
        """The alteration in words, with the protein change a genomic match stands for."""
        return self.matched_change or self.alteration.label

    @property
    def conditional(self) -> bool:
        """True when the rule is limited to tumour types and the sample's tumour type was not given."""
        return self.scope is Scope.CONDITIONAL


@dataclass(frozen=True, slots=True)
class NotAssessed:
    """A gene and alteration class the rules needed but the inputs could not look at."""

    gene: str
    alteration_class: str
    kind: str
    reason: str
    rule_ids: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class UncountedVariant:
    """A small variant in a rule gene that a rule's matcher would take but whose significance class does not count
    for it (a variant of unknown significance, or e.g. a truncating variant for an oncogene rule)."""

    variant: SmallVariant
    rule_ids: tuple[str, ...]
    categories: tuple[str, ...]
    reason: str


@dataclass(frozen=True)
class Evaluation:
    """All findings and gaps of one sample."""

    findings: tuple[Finding, ...]
    not_assessed: tuple[NotAssessed, ...]
    rules_out_of_scope: tuple[str, ...]  # rule ids limited to other tumour types
    clinical_factors: tuple[ClinicalFactorStatus, ...] = ()
    # Never set, support or count toward a finding; listed in their own report section.
    variants_of_unknown_significance: tuple[UncountedVariant, ...] = ()
