"""Tumour-type scope of a rule or a therapy, with OncoTree parent matching where the tree is known.

A rule for NSCLC applies to LUAD and LUSC. When the sample's tumour type is not given, a rule limited to some tumour
types cannot be decided: it is reported as *conditional* rather than dropped.
"""

from __future__ import annotations

from collections.abc import Iterable
from enum import Enum

from hpdgenomics.genome.oncotree import ancestors

ALL = "ALL"


class Scope(str, Enum):
    """How a rule's tumour-type scope relates to the sample."""

    APPLIES = "applies"
    CONDITIONAL = "conditional"  # the sample's tumour type is unknown and the rule is limited to some types
    OTHER_TUMOUR_TYPE = "other_tumour_type"


def lineage(code: str) -> list[str]:
    """The code and its OncoTree ancestors, nearest first (just the code when it is not in the tree)."""
    return [code, *ancestors(code)]


def scope_of(tumour_type: str | None, include: Iterable[str], exclude: Iterable[str] = ()) -> Scope:
    """Where ``tumour_type`` stands against an include list (``ALL`` = every type) and an exclude list."""
    include, exclude = set(include), set(exclude)
    if tumour_type is None:
        return Scope.APPLIES if include == {ALL} and not exclude else Scope.CONDITIONAL
    codes = set(lineage(tumour_type.upper()))
    if codes & exclude:
        return Scope.OTHER_TUMOUR_TYPE
    if ALL in include or codes & include:
        return Scope.APPLIES
    return Scope.OTHER_TUMOUR_TYPE
