"""OncoTree tumour types: code lookup, lineage (nearest ancestor first) and suggestions for mistyped codes.

The bundled release is ``RELEASE`` (see ``data/ONCOTREE_PROVENANCE.md``). Rules scoped to ``NSCLC`` apply to
``LUAD`` because ``NSCLC`` is among LUAD's ancestors.
"""

from __future__ import annotations

import difflib
from functools import lru_cache

from hpdgenomics.genome._data import read_table

RELEASE = "oncotree_2026_05_21"
ROOT = "TISSUE"


@lru_cache(maxsize=1)
def _tree() -> dict[str, tuple[str, str]]:
    """Code → (parent, name)."""
    return {code: (parent, name) for code, parent, name in read_table("oncotree.tsv")}


def is_known(code: str) -> bool:
    """True when ``code`` (any case) is an OncoTree code of the bundled release."""
    return code.strip().upper() in _tree()


def name_of(code: str) -> str | None:
    """'LUAD' → 'Lung Adenocarcinoma'; None for unknown codes."""
    entry = _tree().get(code.strip().upper())
    return entry[1] if entry else None


def ancestors(code: str) -> list[str]:
    """Ancestors of ``code``, nearest first, without the code itself and without the root; [] when unknown."""
    tree = _tree()
    lineage: list[str] = []
    current = tree.get(code.strip().upper(), ("", ""))[0]
    while current and current != ROOT and current not in lineage:
        lineage.append(current)
        current = tree.get(current, ("", ""))[0]
    return lineage


def tissue_of(code: str) -> str | None:
    """The top-level tissue code (e.g. 'LUNG' for 'LUAD'), or None for unknown codes."""
    code = code.strip().upper()
    if code not in _tree():
        return None
    lineage = ancestors(code)
    return lineage[-1] if lineage else (None if code == ROOT else code)


def descendants(code: str) -> set[str]:
    """Every code below ``code`` in the tree."""
    children: dict[str, list[str]] = {}
    for child, (parent, _) in _tree().items():
        children.setdefault(parent, []).append(child)
    found: set[str] = set()
    stack = list(children.get(code.strip().upper(), []))
    while stack:
        child = stack.pop()
        if child not in found:
            found.add(child)
            stack.extend(children.get(child, []))
    return found


def suggest(code: str, n: int = 3) -> list[str]:
    """Known codes close to an unknown ``code`` (by spelling, then by name), for error messages."""
    tree = _tree()
    wanted = code.strip().upper()
    close = difflib.get_close_matches(wanted, list(tree), n=n, cutoff=0.6)
    if len(close) < n:
        by_name = {name.upper(): c for c, (_, name) in tree.items()}
        for name in difflib.get_close_matches(code.strip().upper(), list(by_name), n=n, cutoff=0.6):
            if by_name[name] not in close:
                close.append(by_name[name])
    return close[:n]
