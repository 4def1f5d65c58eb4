"""The significance classes and the consequence classes behind ``truncating``."""

from __future__ import annotations

from enum import Enum

from hpdgenomics.model.vocab import TRUNCATING, ConsequenceClass


class VariantClass(str, Enum):
    """What is known of a small variant's significance, before any rule looks at it."""

    HOTSPOT = "hotspot"
    KNOWN = "known"
    ONCOGENIC = "oncogenic"
    TRUNCATING = "truncating"
    VUS = "vus"


# Stop gained, frameshift, canonical splice site (the rules' "truncating") and start lost.
LOSS_OF_FUNCTION = frozenset(TRUNCATING | {ConsequenceClass.START_LOST})

# Every class but vus: what a rule counts when it does not name its classes.
COUNTING_CLASSES = frozenset(c.value for c in VariantClass if c is not VariantClass.VUS)
