"""Tumour-type scope of a rule or a therapy, through the OncoTree tree.

A rule for NSCLC applies to LUAD and LUSC (NSCLC is among their ancestors). For a sample typed only as an ancestor
of a rule's type (``LUNG`` for a rule on ``NSCLC``) the rule is *conditional*: the tumour may or may not be NSCLC.
An exclusion works the same way: "every tumour type except NSCLC" is out of scope for LUAD, *conditional* for
LUNG (never applied as if the tumour were known not to be NSCLC) and applies to BRCA. When the sample's tumour type
is not given, a rule limited to some tumour types cannot be decided: it is conditional rather than dropped.
"""

from __future__ import annotations

from collections.abc import Iterable
from enum import Enum

from hpdgenomics.genome.oncotree import ancestors, descendants

ALL = "ALL"


class Scope(str, Enum):
    """How a rule's tumour-type scope relates to the sample."""

    APPLIES = "applies"
    CONDITIONAL = "conditional"  # the tumour type is unknown, or too broad to tell (LUNG for a rule on NSCLC)
    OTHER_TUMOUR_TYPE = "other_tumour_type"


def lineage(code: str) -> list[str]:
    """The code and its OncoTree ancestors, nearest first (just the code when it is not in the tree)."""
    return [code, *ancestors(code)]


def scope_of(tumour_type: str | None, include: Iterable[str], exclude: Iterable[str] = ()) -> Scope:
    """Where ``tumour_type`` stands against an include list (``ALL`` = every type) and an exclude list."""
    include, exclude = set(include), set(exclude)
    if tumour_type is None:
        return Scope.APPLIES if include == {ALL} and not exclude else Scope.CONDITIONAL
    code = tumour_type.upper()
    codes = set(lineage(code))
    if codes & exclude:
        return Scope.OTHER_TUMOUR_TYPE
    if ALL in include or codes & include:
        return Scope.CONDITIONAL if _narrower(code, exclude) else Scope.APPLIES
    return Scope.CONDITIONAL if _narrower(code, include) else Scope.OTHER_TUMOUR_TYPE


def condition(tumour_type: str | None, include: Iterable[str], exclude: Iterable[str] = ()) -> str | None:
    """Why a conditional scope is conditional, in words (None when the scope is not conditional).

    'LUNG may or may not be NSCLC: applies only if it is' for a rule on NSCLC; for an exclusion, 'applies only if
    it is not'.
    """
    include, exclude = list(include), list(exclude)
    if scope_of(tumour_type, include, exclude) is not Scope.CONDITIONAL:
        return None
    if tumour_type is None:
        limits = ", ".join(include) if ALL not in include else "every tumour type"
        return (f"tumour type not given; the rule covers {limits}"
                + (f" except {', '.join(exclude)}" if exclude else ""))
    code = tumour_type.upper()
    below_excluded = _narrower(code, exclude)
    if below_excluded:
        return (f"{code} may or may not be {' or '.join(below_excluded)}: applies only if it is not "
                "(give the subtype to decide)")
    below_included = _narrower(code, include)
    return f"{code} may or may not be {' or '.join(below_included)}: applies only if it is (give the subtype to decide)"


def _narrower(code: str, listed: Iterable[str]) -> list[str]:
    """The listed codes that lie below ``code`` in the tree (the sample could be one of them, or not)."""
    below = descendants(code)
    return sorted(c for c in listed if c in below)
