"""Bundled OncoTree: lineage, lookups, suggestions and the integrity of the tree itself."""

from __future__ import annotations

import gzip
import json
import sys
from pathlib import Path

import pytest

from hpdgenomics.genome import oncotree
from hpdgenomics.genome._data import read_table

from .conftest import REPO, SHARED


@pytest.mark.parametrize(("code", "expected"), [
    ("LUAD", ["NSCLC", "LUNG"]), ("LUSC", ["NSCLC", "LUNG"]), ("BRCA", ["BREAST"]), ("IDC", ["BRCA", "BREAST"]),
    ("COADREAD", ["BOWEL"]), ("HCC", ["LIVER"]), ("SKCM", ["MEL", "SKIN"]), ("PRAD", ["PROSTATE"]),
    ("MLUAD", ["LUAD", "NSCLC", "LUNG"]), ("LUNG", []),
])
def test_ancestors_nearest_first(code: str, expected: list[str]) -> None:
    assert oncotree.ancestors(code) == expected


def test_lookups_are_case_insensitive() -> None:
    assert oncotree.is_known("luad") and oncotree.name_of("luad") == "Lung Adenocarcinoma"
    assert oncotree.tissue_of("LUAD") == "LUNG" and oncotree.tissue_of("LUNG") == "LUNG"


def test_unknown_codes() -> None:
    assert not oncotree.is_known("LAUD") and oncotree.ancestors("LAUD") == [] and oncotree.name_of("X") is None
    assert not oncotree.is_known("ALL")  # 'ALL' is the rules' word for every tumour type, not a code
    assert "LUAD" in oncotree.suggest("LAUD")


def test_descendants() -> None:
    below = oncotree.descendants("NSCLC")
    assert {"LUAD", "LUSC", "MLUAD"} <= below and "SCLC" not in below


def test_tree_integrity() -> None:
    rows = list(read_table("oncotree.tsv"))
    codes = {row[0] for row in rows}
    assert len(rows) == len(codes) == 1122  # the development tree of cBioPortal/oncotree @ b362db7
    parents = {row[0]: row[1] for row in rows}
    for code in codes:
        seen = set()
        while code != oncotree.ROOT:
            assert code not in seen, f"cycle at {code}"
            seen.add(code)
            code = parents[code]  # KeyError would mean a parent that is not a code
    retired = list(read_table("oncotree_retired.tsv"))
    assert all(new in codes and old not in codes for old, new, _, _ in retired)


@pytest.mark.parametrize(("given", "code", "words"), [
    ("GBM", "GB", "revoked by GB"),  # the OncoKB annotator's own example clinical file still uses GBM
    ("mm", "PCM", "renamed PCM"),
    ("DLBCL", "DLBCLNOS", "split or merged into DLBCLNOS"),
    ("CMML1", "CMML", "today's tree does not have"),
])
def test_retired_codes_map_to_todays_with_a_note(given: str, code: str, words: str) -> None:
    lookup = oncotree.resolve(given)
    assert lookup.code == code and lookup.problem is None
    assert lookup.note is not None and words in lookup.note and code in lookup.note


def test_current_ambiguous_and_unknown_codes() -> None:
    assert oncotree.resolve("luad") == oncotree.CodeLookup("luad", "LUAD")
    split = oncotree.resolve("ALL")  # revoked by both BLL and TLL: the reader cannot choose
    assert split.code is None and split.candidates == ("BLL", "TLL") and "BLL or TLL" in (split.problem or "")
    typo = oncotree.resolve("LAUD")
    assert typo.code is None and typo.candidates[0] == "LUAD" and "did you mean LUAD" in (typo.problem or "")


def _write_tree(path: Path, tree: dict) -> None:
    path.write_bytes(gzip.compress(json.dumps({"TISSUE": tree}).encode()))


def _node(code: str, parent: str | None, children: dict | None = None, **past: list[str]) -> dict:
    return {"code": code, "name": code.title(), "parent": parent, "children": children or {},
            "history": past.get("history", []), "revocations": past.get("revocations", []),
            "precursors": past.get("precursors", [])}


def test_build_script_writes_both_tables_from_the_json_trees(tmp_path: Path) -> None:
    sys.path.insert(0, str(REPO / "scripts"))
    try:
        import build_oncotree
    finally:
        sys.path.pop(0)
    src, out = tmp_path / "src", tmp_path / "out"
    src.mkdir(), out.mkdir()
    brain = lambda extra: _node("BRAIN", "TISSUE", {"GB": _node("GB", "BRAIN", revocations=["GBM"]), **extra})  # noqa: E731
    _write_tree(src / "oncotree_development.json.gz", _node("TISSUE", None, {"BRAIN": brain({})}))
    _write_tree(src / "oncotree_2025_10_03.json.gz", _node("TISSUE", None, {"BRAIN": brain(
        {"OLD": _node("OLD", "BRAIN", history=["OLDER"])})}))
    sources, outputs = build_oncotree.build(src, out)
    assert (out / "oncotree.tsv").read_text().splitlines() == [
        "code\tparent\tname", "BRAIN\tTISSUE\tBrain", "GB\tBRAIN\tGb", "TISSUE\t\tTissue"]
    assert (out / "oncotree_retired.tsv").read_text().splitlines() == [
        "old_code\tcode\trelation\trelease", "GBM\tGB\trevocations\toncotree_2025_10_03",
        "OLD\tBRAIN\trelease_only\toncotree_2025_10_03", "OLDER\tBRAIN\thistory\toncotree_2025_10_03"]
    assert [s["path"] for s in sources] == ["oncotree/oncotree_development.json.gz",
                                             "oncotree/oncotree_2025_10_03.json.gz"]
    assert [o["rows"] for o in outputs] == [3, 3] and "3 codes" in (out / "ONCOTREE_PROVENANCE.md").read_text()
    _write_tree(src / "oncotree_development.json.gz", _node("TISSUE", None, {"X": _node("X", "NOWHERE")}))
    with pytest.raises(ValueError, match="NOWHERE"):
        build_oncotree.build(src, out)


def test_bundled_tables_match_the_shared_sources(tmp_path: Path) -> None:
    """Regenerating from ../shared/refdata-src/oncotree gives the committed tables (developers only)."""
    source = SHARED / "refdata-src" / "oncotree"
    if not source.exists():
        pytest.skip(f"OncoTree sources not available: {source}")
    sys.path.insert(0, str(REPO / "scripts"))
    try:
        import build_oncotree
    finally:
        sys.path.pop(0)
    build_oncotree.build(source, tmp_path)
    for name in ("oncotree.tsv", "oncotree_retired.tsv", "ONCOTREE_PROVENANCE.md"):
        assert (tmp_path / name).read_bytes() == (REPO / "hpdgenomics" / "data" / name).read_bytes(), name
