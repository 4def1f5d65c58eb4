"""OncoTree tumour types: code lookup, lineage (nearest ancestor first), retired codes mapped to today's, and
suggestions for mistyped codes.

The bundled tree is ``RELEASE`` (see ``data/ONCOTREE_PROVENANCE.md``). Rules scoped to ``NSCLC`` apply to
``LUAD`` because ``NSCLC`` is among LUAD's ancestors. A retired code (``GBM``, revoked by ``GB``) is read through
:func:`resolve` as today's code with a note, so that an older clinical file does not stop a run.
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass
from functools import lru_cache

from hpdgenomics.genome._data import read_table

RELEASE = "oncotree_development @ b362db7 (2026-03-05)"
ROOT = "TISSUE"
_RELATION_WORDS = {"revocations": "revoked by", "history": "renamed", "precursors": "split or merged into"}


@dataclass(frozen=True, slots=True)
class CodeLookup:
    """What a tumour-type code given in an input stands for today.

    ``code`` is today's code (None when unknown or ambiguous); ``note`` says how a retired code was read;
    ``candidates`` are today's codes an ambiguous retired code became, or close spellings of an unknown one.
    """

    given: str
    code: str | None
    note: str | None = None
    candidates: tuple[str, ...] = ()

    @property
    def problem(self) -> str | None:
        """Why the code cannot be used, in words (None when it can)."""
        if self.code is not None:
            return None
        if self.note is not None:  # a retired code that became several
            return self.note
        hint = f"; did you mean {', '.join(self.candidates)}?" if self.candidates else ""
        return f"unknown OncoTree code {self.given!r}{hint} (tree {RELEASE})"


@lru_cache(maxsize=1)
def _tree() -> dict[str, tuple[str, str]]:
    """Code → (parent, name)."""
    return {code: (parent, name) for code, parent, name in read_table("oncotree.tsv")}


@lru_cache(maxsize=1)
def _retired() -> dict[str, list[tuple[str, str, str]]]:
    """Old code → [(today's code, relation, release)]."""
    table: dict[str, list[tuple[str, str, str]]] = {}
    for old, code, relation, release in read_table("oncotree_retired.tsv"):
        table.setdefault(old, []).append((code, relation, release))
    return table


def resolve(given: str) -> CodeLookup:
    """Today's code for ``given`` (any case): itself when current, the replacing code when retired (with a note),
    else None with the closest codes (an ambiguous retired code lists what it became)."""
    wanted = given.strip().upper()
    if wanted in _tree():
        return CodeLookup(given, wanted)
    replaced = _retired().get(wanted, [])
    targets = sorted({code for code, _, _ in replaced})
    if len(targets) == 1:
        code, relation, release = replaced[0]
        if relation == "release_only":
            why = f"{wanted} is a code of OncoTree {release} that today's tree does not have"
        else:
            why = f"{wanted} is a retired OncoTree code ({_RELATION_WORDS[relation]} {code} in {release})"
        return CodeLookup(given, code, f"{why}; read as {code} ({name_of(code)})")
    if targets:
        return CodeLookup(given, None, f"{wanted} is a retired OncoTree code that became {' or '.join(targets)}; "
                          "give one of them", tuple(targets))
    return CodeLookup(given, None, None, tuple(suggest(wanted)))


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
