"""Counting what was read, so that nothing is dropped silently."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from typing import Protocol


@dataclass
class ReadTally:
    """Counts for one input file: every unit read is either kept or skipped under a named reason.

    ``unit`` says what is counted (VCF records, MAF rows …) so that the numbers can be checked against the file.
    """

    path: str
    unit: str
    read: int = 0
    kept: int = 0
    skipped: Counter[str] = field(default_factory=Counter)
    notes: list[str] = field(default_factory=list)

    def keep(self) -> None:
        self.read += 1
        self.kept += 1

    def skip(self, reason: str) -> None:
        self.read += 1
        self.skipped[reason] += 1

    @property
    def balanced(self) -> bool:
        """True when read == kept + every skipped reason (the invariant the tests check)."""
        return self.read == self.kept + sum(self.skipped.values())

    def to_dict(self) -> dict[str, object]:
        return {
            "path": self.path,
            "unit": self.unit,
            "read": self.read,
            "kept": self.kept,
            "skipped": dict(sorted(self.skipped.items())),
            "notes": list(self.notes),
        }


class Regions(Protocol):
    """Anything that tells whether a 1-based position lies in it (a panel BED)."""

    def contains(self, chrom: str, position: int) -> bool: ...


@dataclass
class TmbCount:
    """Mutations counted for TMB while a file is read: non-synonymous coding, somatic, FILTER PASS, one per ALT.

    Counted over every record of the file, not only the rule genes, and only inside ``regions`` when a panel BED was
    given. Records that could not be classified (no annotation) are counted apart: a TMB with unclassified records
    in its regions would be too low, so it is reported as not assessed.
    """

    regions: Regions | None = None
    counted: int = 0
    unclassified: int = 0

    def inside(self, chrom: str, position: int | None) -> bool:
        if self.regions is None:
            return True
        return position is not None and self.regions.contains(chrom, position)
