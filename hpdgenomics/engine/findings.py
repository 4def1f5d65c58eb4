"""What evaluating the rules on one sample produces."""

from __future__ import annotations

from dataclasses import dataclass

from hpdgenomics.engine.rules import Evidence, Rule
from hpdgenomics.engine.tumour_types import Scope
from hpdgenomics.model.alterations import CopyNumberCall, SmallVariant


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
    alteration: SmallVariant | CopyNumberCall
    scope: Scope
    therapies: tuple[TherapyOption, ...] = ()

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


@dataclass(frozen=True)
class Evaluation:
    """All findings and gaps of one sample."""

    findings: tuple[Finding, ...]
    not_assessed: tuple[NotAssessed, ...]
    rules_out_of_scope: tuple[str, ...]  # rule ids limited to other tumour types
