#!/usr/bin/env python3
"""Regenerate the bundled OncoTree tables from the OncoTree JSON trees in ``../shared/refdata-src/oncotree/``.

Sources (``cBioPortal/oncotree``, ``trees/``; nested JSON, ``TISSUE`` → ``children``):

- ``oncotree_development.json.gz`` — the tree of today's codes. It is the one tree that holds every code the rules
  use (``HEMATOPOIETIC`` is not in the 2025-10-03 release, whose blood codes hang from ``MYELOID``/``LYMPH``).
- ``oncotree_<date>.json.gz`` releases — their ``history`` (earlier codes of the same type), ``revocations``
  (retired codes a code replaces, e.g. ``GB`` revokes ``GBM``) and ``precursors`` (codes it was split from) give
  the map from retired codes to today's. A release code missing from the development tree is mapped to its nearest
  release ancestor that is in it (relation ``release_only``).

Outputs, both sorted so reruns give identical bytes:

- ``oncotree.tsv`` — code, parent, name
- ``oncotree_retired.tsv`` — old code, today's code, relation, release; an old code with two rows (``ALL`` became
  ``BLL`` and ``TLL``) is ambiguous and the reader says so
- ``ONCOTREE_PROVENANCE.md``, and with ``main`` the oncotree entries of ``MANIFEST.json``
  (``scripts/build_refdata.py`` calls :func:`build` so its manifest holds them too)

    python scripts/build_oncotree.py --src ../shared/refdata-src/oncotree --out hpdgenomics/data
"""

from __future__ import annotations

import argparse
import gzip
import hashlib
import json
from collections.abc import Iterable
from pathlib import Path
from typing import Any

TREE = "oncotree_development.json.gz"
ORIGIN = "OncoTree (MSK) via GitHub cBioPortal/oncotree @ b362db7 (2026-03-05), trees/"
LICENCE = "CC BY 4.0 (repository LICENSE.md); attribute OncoTree, Memorial Sloan Kettering Cancer Center"
RELATIONS = ("history", "revocations", "precursors")
# Mis-encoded or typographic apostrophes in some names of the source.
_APOSTROPHES = {"\u201a\u00c4\u00f4": "'", "\u2019": "'"}


def read_tree(path: Path) -> dict[str, dict[str, Any]]:
    """Code → node of a nested OncoTree JSON file (gzipped or not)."""
    data = path.read_bytes()
    if path.name.endswith(".gz"):
        data = gzip.decompress(data)
    nodes: dict[str, dict[str, Any]] = {}
    stack = [json.loads(data)["TISSUE"]]
    while stack:
        node = stack.pop()
        nodes[node["code"].strip()] = node
        stack.extend(node.get("children", {}).values())
    return nodes


def tree_rows(nodes: dict[str, dict[str, Any]]) -> list[list[str]]:
    """[code, parent, name] sorted by code. Raises ValueError on a parent that is not a code."""
    rows = []
    for code, node in sorted(nodes.items()):
        name = (node.get("name") or "").strip()
        for wrong, right in _APOSTROPHES.items():
            name = name.replace(wrong, right)
        rows.append([code, (node.get("parent") or "").strip(), name])
    missing = sorted({parent for _, parent, _ in rows if parent and parent not in nodes})
    if missing:
        raise ValueError(f"parents not defined as codes: {', '.join(missing)}")
    return rows


def retired_rows(tree: dict[str, dict[str, Any]], releases: dict[str, dict[str, dict[str, Any]]]) -> list[list[str]]:
    """[old code, today's code, relation, release] for every retired code a release names, sorted."""
    rows: set[tuple[str, str, str, str]] = set()
    for release, nodes in releases.items():
        for code, node in nodes.items():
            target = code if code in tree else _nearest_in_tree(code, nodes, tree)
            if target is None:
                continue
            if code not in tree:
                rows.add((code.upper(), target, "release_only", release))
            for relation in RELATIONS:
                for old in node.get(relation) or ():
                    old = old.strip()
                    if old and old.upper() not in {c.upper() for c in tree}:
                        rows.add((old.upper(), target, relation, release))
    return [list(row) for row in sorted(rows)]


def _nearest_in_tree(code: str, nodes: dict[str, dict[str, Any]], tree: dict[str, dict[str, Any]]) -> str | None:
    seen = set()
    while code in nodes and code not in seen:
        seen.add(code)
        code = (nodes[code].get("parent") or "").strip()
        if code in tree:
            return code
    return None


def build(src: Path, out: Path) -> tuple[list[dict[str, object]], list[dict[str, object]]]:
    """Write the two tables and the provenance note; return (manifest sources, manifest outputs)."""
    tree = read_tree(src / TREE)
    release_files = sorted(p for p in src.glob("oncotree_*.json*") if p.name != TREE)
    releases = {p.name.split(".")[0]: read_tree(p) for p in release_files}
    codes = tree_rows(tree)
    retired = retired_rows(tree, releases)
    outputs = [_write(out / "oncotree.tsv", ("code", "parent", "name"), codes),
               _write(out / "oncotree_retired.tsv", ("old_code", "code", "relation", "release"), retired)]
    sources = [{"path": f"oncotree/{p.name}", "origin": ORIGIN, "licence": LICENCE, "sha256": _sha256(p)}
               for p in [src / TREE, *release_files]]
    (out / "ONCOTREE_PROVENANCE.md").write_text(_provenance(codes, retired, releases), encoding="utf-8")
    return sources, outputs


def _write(path: Path, columns: Iterable[str], rows: list[list[str]]) -> dict[str, object]:
    path.write_text("\n".join("\t".join(row) for row in [list(columns), *rows]) + "\n", encoding="utf-8")
    return {"name": path.name, "rows": len(rows), "sha256": _sha256(path)}


def _sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _provenance(codes: list[list[str]], retired: list[list[str]], releases: dict[str, Any]) -> str:
    by_relation: dict[str, int] = {}
    for _, _, relation, _ in retired:
        by_relation[relation] = by_relation.get(relation, 0) + 1
    counts = ", ".join(f"{n} {relation}" for relation, n in sorted(by_relation.items()))
    names = ", ".join(f"`{name}`" for name in releases) or "none"
    return f"""# oncotree.tsv and oncotree_retired.tsv — provenance

Generated by `scripts/build_oncotree.py` (also run by `scripts/build_refdata.py`); do not edit by hand.

- **Source**: OncoTree, the cancer-type classification maintained by Memorial Sloan Kettering and used by
  cBioPortal and OncoKB: {ORIGIN}. Files `{TREE}` (today's codes) and the release(s) {names} (the
  `history`, `revocations` and `precursors` of each code). Checksums are in `MANIFEST.json`.
- **oncotree.tsv**: {len(codes):,} codes of the development tree with parent and name. Colours, main types,
  UMLS/NCI ids and tissue are dropped (tissue is the top-level ancestor below `TISSUE`). Mis-encoded apostrophes
  in names are written as `'`.
- **oncotree_retired.tsv**: {len(retired)} retired or renamed codes mapped to today's ({counts}). A code given in
  an input that is listed here is read as today's code with a note in the report (`GBM` → `GB`); an old code with
  two rows (`ALL` → `BLL` or `TLL`) is ambiguous: an error on the command line, *not assessed* in a sheet.
  `release_only` codes are in a release but not in the development tree; they map to their nearest release ancestor
  that is.
- **Why the development tree**: it is the one tree holding every code the bundled rules name (`HEMATOPOIETIC` is
  absent from the 2025-10-03 release); every release code it lacks is mapped as above.
- **Licence**: {LICENCE}.
- **Regenerate**: `python scripts/build_oncotree.py --src ../shared/refdata-src/oncotree --out hpdgenomics/data`.
"""


def update_manifest(manifest_path: Path, sources: list[dict[str, object]], outputs: list[dict[str, object]]) -> None:
    """Replace the oncotree entries of ``MANIFEST.json`` (sources under ``oncotree/``, outputs ``oncotree*``)."""
    manifest = json.loads(manifest_path.read_text(encoding="utf-8"))
    manifest["sources"] = [s for s in manifest["sources"] if not str(s["path"]).startswith("oncotree/")] + sources
    manifest["outputs"] = [o for o in manifest["outputs"] if not str(o["name"]).startswith("oncotree")] + outputs
    manifest_path.write_text(json.dumps(manifest, indent=2) + "\n", encoding="utf-8")


def main(argv: Iterable[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    here = Path(__file__).resolve().parents[1]
    parser.add_argument("--src", type=Path, default=here.parent / "shared" / "refdata-src" / "oncotree")
    parser.add_argument("--out", type=Path, default=here / "hpdgenomics" / "data")
    args = parser.parse_args(list(argv) if argv is not None else None)
    sources, outputs = build(args.src, args.out)
    if (args.out / "MANIFEST.json").exists():
        update_manifest(args.out / "MANIFEST.json", sources, outputs)
    print(", ".join(f"{o['rows']} rows in {o['name']}" for o in outputs))


if __name__ == "__main__":
    main()
