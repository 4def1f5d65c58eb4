"""Sequenced samples without a mutation row (gene panel matrix, cases_sequenced case list) are reported with zero
variants, not dropped; a sample the matrix marks NA for mutations is not."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from hpdgenomics.cohort.study import read_sequenced_case_list

from .conftest import TEST_DATA, cohort_report, pinned_cohort, realdata

STUDY = TEST_DATA / "cohort" / "study_zero_variants"


@pytest.fixture(scope="module")
def out(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return pinned_cohort(tmp_path_factory, "zero", study_dir=STUDY)


def test_sequenced_samples_without_rows_get_reports(out: Path) -> None:
    reports = sorted(p.name for p in (out / "samples").glob("*.hpd.json"))
    assert reports == [f"ZERO-0{i}.hpd.json" for i in (1, 2, 3, 5)]  # ZERO-04: matrix NA, not sequenced


def test_matrix_sample_is_assessed_over_its_panel_with_zero_variants(out: Path) -> None:
    report = cohort_report(out, "ZERO-03")
    assert report["variants"] == []
    assert not [f for f in report["findings"] if f["alteration_type"] == "small_variant"]
    basis = report["coverage"]["small_variants"]
    assert "no row in the mutation file and was sequenced for mutations with gene panel PANEL_Z" in basis
    gaps = {g["gene"] for g in report["not_assessed"] if g["kind"] == "small_variant"}
    assert "TP53" not in gaps and "KRAS" not in gaps  # on PANEL_Z: assessed, no mutation
    assert "ALK" in gaps or "B2M" in gaps  # off the panel: not assessed
    assert report["sample"]["tumour_type"] == "LUAD"  # its clinical row was attached
    assert report["specimen"]["patient_id"]["value"] == "ZP-3"
    assert any("reported with zero variants" in n for f in report["qc"]["files"] for n in f["notes"])


def test_case_list_sample_is_reported_with_every_gene_taken_as_sequenced(out: Path) -> None:
    report = cohort_report(out, "ZERO-05")
    assert report["variants"] == []
    assert "case_lists/cases_sequenced.txt" in report["coverage"]["small_variants"]
    assert not [g for g in report["not_assessed"] if g["kind"] == "small_variant"]


def test_the_cohort_notes_say_so(out: Path) -> None:
    cohort = json.loads((out / "cohort.json").read_text(encoding="utf-8"))
    notes = " ".join(cohort["notes"])
    assert "2 sample(s) sequenced for mutations but with no row in any data file are reported with zero variants" \
        in notes
    assert "1 sample(s) of data_clinical_sample.txt are in no data file and have no report" in notes  # ZERO-04


def test_case_list_reader() -> None:
    listed = read_sequenced_case_list(STUDY)
    assert listed is not None and listed[1] == ["ZERO-01", "ZERO-02", "ZERO-03", "ZERO-05"]
    assert read_sequenced_case_list(TEST_DATA / "cohort" / "study_tiny") is None


def test_real_study_case_list() -> None:
    folder = realdata("prostate_msk_2024/case_lists/cases_sequenced.txt").parents[1]
    listed = read_sequenced_case_list(folder)
    assert listed is not None and len(listed[1]) == 2260
