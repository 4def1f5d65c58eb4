"""The rule model: what a loaded, validated rule looks like to the rest of the package."""

from __future__ import annotations

from dataclasses import dataclass, field

from hpdgenomics.engine.matchers import Matcher
from hpdgenomics.significance import COUNTING_CLASSES

CATEGORIES = ("hpd_risk", "ici_resistance", "ici_benefit", "targetable", "clinical_factor")
STRENGTH_ORDER = {"strong": 0, "moderate": 1, "emerging": 2}


@dataclass(frozen=True, slots=True)
class EvidenceCount:
    """The count behind a study's finding: ``events`` of ``total`` patients ``outcome`` (e.g. 4 of 6 had HPD).

    Stored as data so that a report can compute an exact interval from it instead of quoting one typed in.
    """

    events: int
    total: int
    outcome: str

    def __post_init__(self) -> None:
        if not 0 <= self.events <= self.total:
            raise ValueError(f"evidence count {self.events} of {self.total}: events must be between 0 and total")

    @property
    def proportion(self) -> float:
        return self.events / self.total

    def describe(self) -> str:
        """"4 of 6 had hyperprogression"."""
        return f"{self.events} of {self.total} {self.outcome}"


@dataclass(frozen=True, slots=True)
class Evidence:
    """One study behind a rule: citation, identifiers and its finding in one sentence."""

    citation: str
    finding: str
    verification: str
    pmid: str | None = None
    doi: str | None = None
    knowledge_ref: str | None = None
    hpd_definition: str | None = None
    count: EvidenceCount | None = None

    @property
    def url(self) -> str:
        """Link to PubMed when a PMID is known, else to the DOI resolver."""
        return f"https://pubmed.ncbi.nlm.nih.gov/{self.pmid}/" if self.pmid else f"https://doi.org/{self.doi}"


@dataclass(frozen=True, slots=True)
class Qualifier:
    """A condition on another gene that a therapy needs (e.g. TP53 wild type for MDM2 inhibitors)."""

    gene: str
    state: str  # "wild_type", "altered" or "amplified"
    reason: str = ""


@dataclass(frozen=True, slots=True)
class ClinicalTest:
    """One named test of a clinical value (``ecog`` ``at_least`` 2); see :mod:`hpdgenomics.engine.clinical`."""

    field: str
    test: str
    value: float | None = None
    other_field: str | None = None

    def describe(self) -> str:
        words = {"is_true": "is yes", "greater_than": "greater than", "at_least": "at least",
                 "above_field": "above", "reported": "as reported"}[self.test]
        target = self.other_field if self.test == "above_field" else (
            f"{self.value:g}" if self.value is not None else "")
        return " ".join(part for part in (self.field, words, target) if part)


@dataclass(frozen=True, slots=True)
class CancellingAlteration:
    """An alteration that cancels a therapy (a resistance mutation)."""

    gene: str
    alteration: Matcher
    reason: str = ""


@dataclass(frozen=True, slots=True)
class Therapy:
    """Drugs for a targetable alteration at one evidence level, in the tumour types where that level holds."""

    drugs: tuple[str, ...]
    level: str
    tumour_types: tuple[str, ...]
    exclude_tumour_types: tuple[str, ...] = ()
    note: str = ""
    requires: tuple[Qualifier, ...] = ()
    cancelled_by: tuple[CancellingAlteration, ...] = ()
    evidence: tuple[Evidence, ...] = ()


@dataclass(frozen=True, slots=True)
class Rule:
    """One validated rule."""

    id: str
    category: str
    title: str
    gene: str | None  # None for biomarker (TMB, MSI) and clinical-factor rules
    alteration: Matcher | None  # None for clinical-factor rules, which are checked by ``clinical`` tests
    tumour_types: tuple[str, ...]
    interpretation: str
    evidence: tuple[Evidence, ...]
    source_file: str
    exclude_tumour_types: tuple[str, ...] = ()
    strength: str | None = None
    strength_reason: str | None = None
    key_event: bool = False
    therapies: tuple[Therapy, ...] = ()
    notes: str = ""
    clinical: tuple[ClinicalTest, ...] = ()  # clinical_factor rules: the test, then fallbacks in order
    # Significance classes of small variants that count for a class matcher (hpdgenomics.significance); a change
    # the rule lists by name counts whatever its class. vus never counts.
    variant_classes: frozenset[str] = COUNTING_CLASSES
    context: tuple[str, ...] = ()  # named curator checks (hpdgenomics.significance.context) run on each finding

    @property
    def subject(self) -> str:
        """What the rule looks at: the gene, the biomarker name (TMB, MSI) or the clinical field."""
        if self.gene is not None:
            return self.gene
        if self.alteration is not None and self.alteration.operator == "biomarker":
            return str(self.alteration.argument[0])
        return self.clinical[0].field if self.clinical else self.id

    def describe(self) -> str:
        """What the rule matches, in words."""
        if self.alteration is not None:
            return self.alteration.describe()
        return " or ".join(test.describe() for test in self.clinical)


@dataclass(frozen=True, slots=True)
class RuleFile:
    """A rule file as loaded: where it came from and its checksum."""

    path: str
    sha256: str
    bundled: bool


@dataclass(frozen=True)
class RuleSet:
    """Every rule in force for a run, with the version and hash stamped into each report."""

    rules: tuple[Rule, ...]
    version: str
    sha256: str
    files: tuple[RuleFile, ...] = field(default_factory=tuple)

    def genes(self) -> frozenset[str]:
        """Every gene a rule, a qualifier or a cancelling alteration looks at."""
        genes = {rule.gene for rule in self.rules if rule.gene is not None}
        for rule in self.rules:
            for therapy in rule.therapies:
                genes.update(q.gene for q in therapy.requires)
                genes.update(c.gene for c in therapy.cancelled_by)
        return frozenset(genes)

    def get(self, rule_id: str) -> Rule | None:
        return next((rule for rule in self.rules if rule.id == rule_id), None)
