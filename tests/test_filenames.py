from hpdgenomics.report.filenames import safe_file_stem


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
