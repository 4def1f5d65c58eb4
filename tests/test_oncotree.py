"""Bundled OncoTree: lineage, lookups, suggestions and the integrity of the tree itself."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from hpdgenomics.genome import oncotree
from hpdgenomics.genome._data import read_table

from .conftest import REPO


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
    assert len(rows) == len(codes) == 1168
    parents = {row[0]: row[1] for row in rows}
    for code in codes:
        seen = set()
        while code != oncotree.ROOT:
            assert code not in seen, f"cycle at {code}"
            seen.add(code)
            code = parents[code]  # KeyError would mean a parent that is not a code


def test_build_script_converts_the_release_format(tmp_path: Path) -> None:
    sys.path.insert(0, str(REPO / "scripts"))
    try:
        import build_oncotree
    finally:
        sys.path.pop(0)
    source = tmp_path / "release.txt"
    source.write_text(
        "Code\tColor\tName\tMainType\tUMLS\tNCI\tTissue\tParent\n"
        "TISSUE\t\tTissue\t\t\t\t\t\n"
        "LUNG\tGainsboro\tLung\tLung Cancer\t\t\tTissue\tTISSUE\n"
        "NSCLC\tGainsboro\tNon-Small Cell Lung Cancer\tNSCLC\t\t\tLung\t LUNG\n"
        "LUAD\tGainsboro\tLung Adenocarcinoma\tNSCLC\t\t\tLung\tNSCLC\n", encoding="utf-8")
    out = tmp_path / "oncotree.tsv"
    assert build_oncotree.convert(source, out) == 4
    assert out.read_text(encoding="utf-8").splitlines() == [
        "code\tparent\tname", "LUAD\tNSCLC\tLung Adenocarcinoma", "LUNG\tTISSUE\tLung",
        "NSCLC\tLUNG\tNon-Small Cell Lung Cancer", "TISSUE\t\tTissue"]
    broken = tmp_path / "broken.txt"
    broken.write_text("Code\tName\tParent\nLUAD\tLung Adenocarcinoma\tNSCLC\n", encoding="utf-8")
    with pytest.raises(ValueError, match="NSCLC"):
        build_oncotree.convert(broken, tmp_path / "x.tsv")
