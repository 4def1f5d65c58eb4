"""Tumour-type context a board weighs beside the level: the HPD incidence and MDM2/MDM4 amplification prevalence
reported for the sample's tumour type (through its OncoTree lineage) and across tumour types.

The figures are in ``data/tumour_context.tsv``, each with its citation and knowledge-file reference
(``../shared/knowledge/``); none is typed into code, and a tumour type the knowledge has no figure for gets only the
pan-cancer rows. They never change the level.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

from hpdgenomics.engine.tumour_types import ALL, lineage
from hpdgenomics.genome._data import read_table


@dataclass(frozen=True, slots=True)
class ContextFigure:
    """One published figure for a tumour type (``ALL`` = across tumour types)."""

    oncotree_code: str
    measure: str
    value: str
    population: str
    citation: str
    identifier: str
    knowledge_ref: str
    verification: str
    note: str


@lru_cache(maxsize=1)
def _figures() -> tuple[ContextFigure, ...]:
    return tuple(ContextFigure(*row) for row in read_table("tumour_context.tsv"))


def figures_for(tumour_type: str | None) -> list[ContextFigure]:
    """The figures for ``tumour_type`` and its ancestors (nearest first), then the pan-cancer ones."""
    codes = lineage(tumour_type.upper()) if tumour_type else []
    own = [f for code in codes for f in _figures() if f.oncotree_code == code]
    return own + [f for f in _figures() if f.oncotree_code == ALL]
