"""Whole reports compared byte for byte with tests/golden/ (regenerate: python tests/regenerate_golden.py)."""

from __future__ import annotations

import json

import pytest

from hpdgenomics.report.document import validate_document

from . import regenerate_golden
from .conftest import GOLDEN, REPO


@pytest.mark.parametrize("case", sorted(regenerate_golden.CASES))
def test_report_matches_golden(case: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(REPO)
    monkeypatch.setenv("SOURCE_DATE_EPOCH", regenerate_golden.EPOCH)
    rendered = regenerate_golden.render(case)
    assert rendered, "every case writes at least one report"
    on_disk = {str(p.relative_to(GOLDEN)) for p in (GOLDEN / case).iterdir()}
    assert set(rendered) == on_disk, "run: python tests/regenerate_golden.py"
    for name, text in rendered.items():
        expected = (GOLDEN / name).read_text(encoding="utf-8")
        assert text == expected, f"{name} differs; run python tests/regenerate_golden.py and review the diff"
        if name.endswith(".json"):
            validate_document(json.loads(text))
