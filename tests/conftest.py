"""Shared test helpers: where the bundled test data and the optional real data live."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import settings

from hpdgenomics.request import CohortRequest

# Speed is measured in bench/, never asserted in tests: hypothesis's per-example deadline is a timing assertion that
# fails on a loaded machine (the parsers' first call also imports pandas/pyarrow), so it is off for every test.
settings.register_profile("hpd-default", deadline=None)
settings.load_profile("hpd-default")

REPO = Path(__file__).resolve().parents[1]
TEST_DATA = REPO / "test_data"
GOLDEN = Path(__file__).resolve().parent / "golden"
# Real public files shared by the developers; users' clones do not have them, so tests using them skip.
SHARED = REPO.parent / "shared"
REALDATA = SHARED / "realdata"
EPOCH = "1767225600"  # 2026-01-01T00:00:00Z: the report timestamp every test pins


def realdata(relative: str) -> Path:
    """Path to a file under ../shared/realdata, or skip the test when it is not there."""
    path = REALDATA / relative
    if not path.exists():
        pytest.skip(f"real data not available: {path} (only developers' checkouts have ../shared)")
    return path


@pytest.fixture
def test_data() -> Path:
    return TEST_DATA


@pytest.fixture(autouse=True)
def _reproducible_time(monkeypatch: pytest.MonkeyPatch) -> None:
    """Reports carry a timestamp; pin it so golden files compare exactly."""
    monkeypatch.setenv("SOURCE_DATE_EPOCH", EPOCH)


# Figures measured on real data (e.g. how many TCGA tumours have MDM2 amplified), printed after the test run so
# that they can be compared with the README.
REALDATA_FIGURES: list[str] = []


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    if REALDATA_FIGURES:
        terminalreporter.section("figures measured on ../shared/realdata")
        for line in REALDATA_FIGURES:
            terminalreporter.write_line(line)


def pinned_cohort(tmp_path_factory: pytest.TempPathFactory, name: str, **options: object) -> Path:
    """Run a cohort into a fresh folder with the timestamp pinned (module fixtures are outside the autouse pin)."""
    from hpdgenomics.cohort import run_cohort

    out = tmp_path_factory.mktemp(name) / "out"
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("SOURCE_DATE_EPOCH", EPOCH)
        run_cohort(CohortRequest.of(out=out, **options))  # type: ignore[arg-type]
    return out


def cohort_report(out: Path, sample: str) -> dict:
    """One sample's report document from a cohort output folder."""
    import json

    return json.loads((out / "samples" / f"{sample}.hpd.json").read_text(encoding="utf-8"))
