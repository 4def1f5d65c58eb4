"""What an input's own annotation column says of a variant (OncoKB annotator, cBioPortal driver columns)."""

from __future__ import annotations

import re

# OncoKB annotator ONCOGENIC values that mean the variant is a driver; "Likely Neutral", "Inconclusive" and
# "Unknown" do not. cBioPortal's cbp_driver is "Putative_Driver" or "Putative_Passenger".
_POSITIVE = frozenset({"oncogenic", "likely oncogenic", "predicted oncogenic", "resistance", "putative_driver"})
_NEGATIVE_WORDS = re.compile(r"neutral|passenger|inconclusive|unknown|benign", re.IGNORECASE)
_ONCOGENIC_WORD = re.compile(r"\b(?:likely |predicted )?oncogenic\b|\bdriver\b", re.IGNORECASE)


def says_oncogenic(annotation: str | None) -> bool:
    """True when the input's "column: value" annotation calls the variant oncogenic (or a putative driver)."""
    if not annotation:
        return False
    column, _, value = annotation.partition(": ")
    value = value.strip()
    if column == "cbp_driver_annotation":
        # Free text (e.g. "OncoKB: Oncogenic"): positive only when it names oncogenicity and no negative word.
        return bool(_ONCOGENIC_WORD.search(value)) and not _NEGATIVE_WORDS.search(value)
    return value.casefold() in _POSITIVE
