"""TCGA barcodes in cohort inputs: normal aliquots left out, and one aliquot per sample.

A TCGA aliquot barcode reads ``TCGA-<TSS>-<participant>-<sample type><vial>-<portion><analyte>-<plate>-<centre>``,
e.g. ``TCGA-05-4433-01A-22D-1854-01``. Sample-type codes 01-09 are tumours, 10-19 normals and 20-29 controls
(GDC code tables); a cohort run leaves 10-29 out and counts them (``--include-normals`` keeps them).

Several aliquots of one sample (the same participant and sample type: the first 15 characters, as cBioPortal
names TCGA samples) are reported once. Rule (the curator's choice, written in ``docs/copy_number.md``): keep the
aliquot of the lowest vial letter; among those, the highest plate number (a later plate is usually a re-run);
then the barcode that sorts last. The others are counted as left out, naming the one kept.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field

_BARCODE = re.compile(r"^(TCGA-[A-Z0-9]{2}-[A-Z0-9]{4}-(\d{2}))([A-Z])?(?:-(\d{2})([A-Z])-([A-Z0-9]{4})-(\d{2}))?",
                      re.IGNORECASE)


def sample_type(barcode: str) -> int | None:
    """The two-digit sample-type code of a TCGA barcode, None for other ids."""
    match = _BARCODE.match(barcode)
    return int(match.group(2)) if match else None


def is_normal(barcode: str) -> bool:
    """A TCGA normal or control aliquot (sample type 10-29)."""
    code = sample_type(barcode)
    return code is not None and 10 <= code <= 29


@dataclass
class BarcodeSelection:
    """Which samples of a cohort file stay, and why the others left."""

    kept: list[str]
    normals: list[str] = field(default_factory=list)
    duplicates: dict[str, str] = field(default_factory=dict)  # aliquot left out -> aliquot kept

    def notes(self) -> list[str]:
        notes = []
        if self.normals:
            notes.append(f"{len(self.normals)} TCGA normal/control aliquot(s) (sample type 10-29) left out of the "
                         "cohort (--include-normals keeps them)")
        if self.duplicates:
            notes.append(f"{len(self.duplicates)} further aliquot(s) of samples already reported left out (one "
                         "aliquot per TCGA sample: lowest vial, then highest plate)")
        return notes


def select_samples(samples: Iterable[str], *, exclude_normals: bool, one_aliquot: bool) -> BarcodeSelection:
    """Apply the cohort rules of the module doc to ``samples`` (file order kept); non-TCGA ids pass untouched."""
    ordered = list(samples)
    normals = [s for s in ordered if exclude_normals and is_normal(s)]
    left = [s for s in ordered if s not in set(normals)]
    duplicates: dict[str, str] = {}
    if one_aliquot:
        groups: dict[str, list[str]] = {}
        for name in left:
            match = _BARCODE.match(name)
            if match:
                groups.setdefault(match.group(1).upper(), []).append(name)
        for members in groups.values():
            if len(members) > 1:
                best = min(members, key=_preference)
                duplicates.update({m: best for m in members if m != best})
    kept = [s for s in left if s not in duplicates]
    return BarcodeSelection(kept, normals, duplicates)


def _preference(barcode: str) -> tuple[str, int, str]:
    match = _BARCODE.match(barcode)
    assert match is not None
    vial = (match.group(3) or "A").upper()
    plate = match.group(6) or ""
    plate_number = int(plate, 36) if plate else 0
    return vial, -plate_number, "".join(chr(255 - ord(c)) for c in barcode.upper())  # last in sort order first
