"""MAF columns beyond the GDC/cBioPortal standard: the protein-change columns of Firehose and other centres'
MAFs, and hg18 (NCBI_Build 36) files, which are read but matched on their protein changes only.

Firehose-era TCGA MAFs carry the protein change under a centre's own name (Oncotator/ANNOVAR ``AAChange``, the
Broad's ``amino_acid_change``, WashU's ``amino_acid_change_WU``) instead of ``HGVSp_Short``; they are read for a
row only when the standard columns give nothing, and the QC notes say that they were.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from hpdgenomics.model.protein import parse_protein_change

STANDARD_PROTEIN_COLUMNS = ("HGVSp_Short", "Protein_Change", "HGVSp")
CENTRE_PROTEIN_COLUMNS = ("AAChange", "amino_acid_change", "amino_acid_change_WU")
HG18 = "NCBI36"  # MafResult.build of an hg18 file: no coordinates of it are bundled
_HG18_NAMES = frozenset({"hg18", "36", "grch36", "ncbi36", "ncbi_36", "build36"})
HG18_NOTE = ("hg18 (NCBI_Build 36): variants are matched on their protein changes only; genomic positions are not "
             "used (no hg18 coordinates are bundled), so rules that need them are not assessed")


def is_hg18(value: str) -> bool:
    """An ``NCBI_Build`` value naming hg18 (``36``, ``hg18``, ``NCBI36``)."""
    return value.strip().lower() in _HG18_NAMES


def centre_protein_columns(header: list[str]) -> dict[str, str]:
    """Canonical centre column → its spelling in ``header``. They come in several cases, sometimes two in one file
    (``amino_acid_change`` beside ``Amino_Acid_Change``): the exact spelling wins, else the first of another case."""
    found = {}
    for name in CENTRE_PROTEIN_COLUMNS:
        spelling = name if name in header else next((h for h in header if h.casefold() == name.casefold()), None)
        if spelling is not None:
            found[name] = spelling
    return found


def protein_of(record: dict[str, Any], columns: Iterable[str]) -> str | None:
    """The row's protein change from the first of ``columns`` that gives one (one-letter HGVS), else None."""
    for column in columns:
        value = record.get(column)
        if column == "AAChange" and value:
            value = annovar_protein(value)
        change = parse_protein_change(value)
        if change is not None:
            return change.text
    return None


def annovar_protein(value: str) -> str:
    """The first transcript's protein change of an ANNOVAR-style ``AAChange``
    (``TP53:NM_000546:exon8:c.G818A:p.R273H,…``); a plain value (``p.R273H``) is returned as it is."""
    first = value.split(",", 1)[0]
    parts = [part for part in first.split(":") if part.startswith("p.")]
    return parts[-1] if parts else first


def note_columns_and_build(result: Any, canonical: dict[str, str]) -> None:
    """QC notes on every sample of a :class:`~hpdgenomics.readers.small_variants.maf.MafResult`: protein changes
    read from a centre-specific column, and an hg18 file."""
    notes = []
    centre = [canonical[c] for c in CENTRE_PROTEIN_COLUMNS if c in canonical]
    if centre:
        standard = [c for c in STANDARD_PROTEIN_COLUMNS if c in canonical]
        when = (f"for rows where {', '.join(standard)} give none" if standard else
                "(the file has no HGVSp_Short, Protein_Change or HGVSp column)")
        notes.append(f"protein changes read from the centre-specific column(s) {', '.join(centre)} {when}")
    if result.build == HG18:
        notes.append(HG18_NOTE)
    for maf_sample in result.samples.values():
        if maf_sample.tally is not None:
            maf_sample.tally.notes.extend(notes)
