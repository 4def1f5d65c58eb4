"""The bundled Cancer Hotspots v2 table (Chang MT et al. Cancer Discov 2018;8(2):174-183, PMID 29247016).

Built by ``scripts/build_refdata.py`` from ``../shared/refdata-src/cancerhotspots/``; each row records whether the
table's transcript is the one the package bundles for the gene (``transcript_check``, counts in MANIFEST.json).
A variant matches a residue hotspot only when its own reference residue agrees with the table's at that position,
so a variant numbered on a transcript whose numbering differs is not called a hotspot by accident.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from functools import lru_cache

from hpdgenomics.genome._data import read_table
from hpdgenomics.model.protein import ChangeKind, ProteinChange

TABLE = "hotspots.cancerhotspots_v2.tsv.gz"
CITATION = "Cancer Hotspots v2 (Chang 2018, PMID 29247016)"
_INDEL_KINDS = frozenset({ChangeKind.DELETION, ChangeKind.INSERTION, ChangeKind.DUPLICATION, ChangeKind.DELINS})


@dataclass(frozen=True, slots=True)
class Hotspot:
    """One row of the table: a residue (with its observed alternative residues) or an in-frame indel range."""

    gene: str
    kind: str  # residue | indel | splice
    start: int
    end: int
    ref: str
    variants: frozenset[str]
    tumours: int
    transcript: str
    transcript_check: str  # same | differs | no_mane | beyond | gene_not_bundled

    @property
    def label(self) -> str:
        return f"{self.ref}{self.start}" if self.kind == "residue" else f"{self.start}-{self.end} in-frame indels"


@lru_cache(maxsize=1)
def _table() -> dict[str, tuple[Hotspot, ...]]:
    by_gene: dict[str, list[Hotspot]] = defaultdict(list)
    for gene, kind, start, end, ref, variants, tumours, transcript, check in read_table(TABLE):
        by_gene[gene].append(Hotspot(gene, kind, int(start), int(end), ref,
                                     frozenset(v for v in variants.split(",") if v), int(tumours), transcript, check))
    return {gene: tuple(rows) for gene, rows in by_gene.items()}


def hotspot_for(gene: str, change: ProteinChange | None) -> Hotspot | None:
    """The hotspot ``change`` falls on, or None.

    A substitution (missense or stop) matches a residue row when its reference residue is the table's and its new
    residue is one the table observed there; an in-frame deletion, insertion, duplication or delins matches an
    indel range it overlaps. Splice rows are left to the truncating class. Rows past the bundled protein's end are
    skipped (their numbering cannot be the bundled transcript's).
    """
    if change is None or change.start is None:
        return None
    for row in _table().get(gene, ()):
        if row.transcript_check == "beyond":
            continue
        if row.kind == "residue" and change.kind in (ChangeKind.MISSENSE, ChangeKind.NONSENSE):
            if change.start == row.start and change.ref == row.ref and change.alt in row.variants:
                return row
        elif row.kind == "indel" and change.kind in _INDEL_KINDS:
            end = change.end if change.end is not None else change.start
            if change.start <= row.end and end >= row.start:
                return row
    return None
