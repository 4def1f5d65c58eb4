import re
from pathlib import Path

import pytest

from hpdgenomics.report.filenames import safe_file_stem
from hpdgenomics.request import AnnotateRequest


def test_plain_ids_are_kept() -> None:
    assert safe_file_stem("TCGA-05-4244-01") == "TCGA-05-4244-01"
    assert safe_file_stem("P-0001234-T01-IM6") == "P-0001234-T01-IM6"


def test_path_traversal_and_separators_are_neutralised() -> None:
    for hostile in ("../../etc/passwd", "/abs/path", "a\\b", "..", "x\ny", "tab\there", "a\x00b"):
        stem = safe_file_stem(hostile)
        assert "/" not in stem and "\\" not in stem and not stem.startswith(".")
        assert all(ch.isprintable() for ch in stem)


def test_different_ids_never_share_a_file_name() -> None:
    assert safe_file_stem("a/b") != safe_file_stem("a_b")
    assert safe_file_stem("a/b") != safe_file_stem("a:b")


def test_empty_and_very_long_ids() -> None:
    assert safe_file_stem("").startswith("sample_")
    assert len(safe_file_stem("x" * 1000)) < 140


@pytest.mark.parametrize("hostile", [
    "../x", "../../../../etc/passwd", "/etc/x", "/", "\\\\server\\share\\x", "C:\\Windows\\x", "..", ".", "...",
    ".hidden", "-rf", "--force", "a\x00b", "a\nb", "a\rb", "\x1b[31mred", "a\tb", "\x7f", "tumour sample",
    "s\u00e9quence", "\u202etxt.exe", "x" * 10_000, "é" * 300,
])
def test_hostile_ids_become_one_plain_file_name_inside_the_folder(hostile: str, tmp_path: Path) -> None:
    stem = safe_file_stem(hostile)
    assert re.fullmatch(r"[A-Za-z0-9_+][A-Za-z0-9._+-]*", stem), stem
    assert len(stem.encode()) <= 130  # well under every file system's 255-byte limit
    target = (tmp_path / f"{stem}.hpd.json").resolve()
    assert target.parent == tmp_path.resolve()


@pytest.mark.parametrize("name", ["CON", "con", "PRN", "AUX", "NUL", "nul.txt", "COM1", "com9", "LPT1", "Lpt3.log"])
def test_windows_device_names_are_not_used_as_file_names(name: str) -> None:
    stem = safe_file_stem(name)
    assert stem.split(".")[0].upper() not in {"CON", "PRN", "AUX", "NUL"} | {f"COM{i}" for i in range(10)} | {
        f"LPT{i}" for i in range(10)}
    assert safe_file_stem("CONSOLE") == "CONSOLE" and safe_file_stem("COM10") == "COM10"


def test_replacements_never_collide() -> None:
    ids = ["../x", "/x", "x", "_x", ".x", "-x", "CON", "_CON", "x" * 200, "x" * 201]
    assert len({safe_file_stem(i) for i in ids}) == len(ids)


def test_hostile_sample_ids_from_a_maf_are_written_inside_the_output_folder(tmp_path: Path) -> None:
    from hpdgenomics import api
    from hpdgenomics.report import write_reports

    from .conftest import TEST_DATA

    text = (TEST_DATA / "maf" / "cbioportal_minimal_crlf_bom.maf").read_bytes().decode("utf-8-sig")
    maf = tmp_path / "hostile.maf"
    lines = text.replace("\r\n", "\n").rstrip("\n").split("\n")
    hostile = ["../../escape", "/tmp/absolute", "NUL"]
    rows = [lines[0]] + [line.replace("P-0012345-T01-IM6", name) for line, name in zip(lines[1:], hostile,
                                                                                         strict=False)]
    maf.write_text("\n".join(rows) + "\n")
    out = tmp_path / "out"
    reports = api.annotate_samples(AnnotateRequest.of(maf=maf))
    assert sorted(r.sample_id for r in reports) == sorted(hostile)
    written = write_reports(reports, out, formats=["json"])
    assert all(p.resolve().parent == out.resolve() for p in written)
    assert sorted(p.name for p in out.iterdir()) == sorted(p.name for p in written)
    assert not (tmp_path / "escape.hpd.json").exists() and not Path("/tmp/absolute.hpd.json").exists()
