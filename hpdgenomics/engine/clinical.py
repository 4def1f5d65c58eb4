"""Clinical hyperprogression risk factors: named tests on the values of a clinical sheet.

The factors come from ``rules/clinical_factors.yaml`` (category ``clinical_factor``). Each is reported in its own
section with ``present`` true, false or unknown; none of them ever changes the genomic risk level (see
``docs/level_policy.md``). Values are read by a closed set of named tests — never evaluated as code.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from hpdgenomics.engine.rules import ClinicalTest, Rule, RuleSet
from hpdgenomics.model.biomarkers import ClinicalValues

TRUE_WORDS = frozenset({"yes", "y", "true", "t", "1", "present", "positive", "pos"})
FALSE_WORDS = frozenset({"no", "n", "false", "f", "0", "absent", "negative", "neg"})


@dataclass(frozen=True, slots=True)
class ClinicalFactorStatus:
    """One clinical factor for one sample: whether it is present, from which value, and why when unknown."""

    rule: Rule
    present: bool | None
    value: str | None  # the sheet's value(s) the decision was made on
    field: str | None  # the field that decided (None when no field was available)
    note: str = ""


def assess_clinical_factors(ruleset: RuleSet, clinical: ClinicalValues | None) -> tuple[ClinicalFactorStatus, ...]:
    """Every clinical-factor rule checked against the sample's clinical values (all unknown without a sheet)."""
    rules = [rule for rule in ruleset.rules if rule.category == "clinical_factor"]
    if clinical is None:
        return tuple(ClinicalFactorStatus(rule, None, None, None, "no clinical sheet was given") for rule in rules)
    return tuple(_assess(rule, clinical) for rule in rules)


def _assess(rule: Rule, clinical: ClinicalValues) -> ClinicalFactorStatus:
    for test in rule.clinical:
        value = clinical.get(test.field)
        if value is None:
            continue
        if test.test == "above_field":
            other = clinical.get(test.other_field or "")
            if other is None:
                continue
            present, note = _above(value, other)
            return ClinicalFactorStatus(rule, present, f"{value} (upper limit {other})", test.field, note)
        present, note = TESTS[test.test](test, value)
        return ClinicalFactorStatus(rule, present, value, test.field, note)
    fields = ", ".join(dict.fromkeys(f for t in rule.clinical for f in (t.field, t.other_field) if f))
    return ClinicalFactorStatus(rule, None, None, None, f"the clinical sheet gives no value for {fields}")


def _is_true(test: ClinicalTest, value: str) -> tuple[bool | None, str]:
    word = value.strip().lower()
    if word in TRUE_WORDS:
        return True, ""
    if word in FALSE_WORDS:
        return False, ""
    return None, f"{value!r} is not a yes/no value"


def _number(value: str) -> float | None:
    try:
        return float(value.strip().lstrip(">=<").strip())
    except ValueError:
        return None


def _compare(test: ClinicalTest, value: str) -> tuple[bool | None, str]:
    number = _number(value)
    if number is None or test.value is None:
        return None, f"{value!r} is not a number"
    return (number > test.value if test.test == "greater_than" else number >= test.value), ""


def _above(value: str, limit: str) -> tuple[bool | None, str]:
    number, upper = _number(value), _number(limit)
    if number is None or upper is None:
        return None, f"{value!r} or its upper limit {limit!r} is not a number"
    return number > upper, ""


def _reported(test: ClinicalTest, value: str) -> tuple[bool | None, str]:
    return None, "listed as reported; the knowledge base gives no cut-off for this factor"


TESTS: dict[str, Callable[[ClinicalTest, str], tuple[bool | None, str]]] = {
    "is_true": _is_true,
    "greater_than": _compare,
    "at_least": _compare,
    "reported": _reported,
}
