"""Clinical sheets: reading (cBioPortal and plain TSV/CSV), per-sample values, and their errors."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from hpdgenomics.errors import HpdError, InputError
from hpdgenomics.inputs.clinical import clinical_for
from hpdgenomics.model import MsiStatus
from hpdgenomics.readers.clinical import join_patients, read_clinical

from .conftest import TEST_DATA, realdata

CLINICAL = TEST_DATA / "clinical"


def test_cbioportal_sample_sheet_skips_its_metadata_lines() -> None:
    sheet = read_clinical(CLINICAL / "cbioportal_sample_sheet.txt")
    assert sheet.key == "sample" and list(sheet.rows) == ["TUMOR_LUAD1", "TUMOUR_A", "TUMOUR_B"]
    assert sheet.columns["tmb"] == "TMB_NONSYNONYMOUS" and sheet.columns["msi_status"] == "MSI_TYPE"
    assert sheet.lines["TUMOR_LUAD1"] == 6
    assert sheet.tally.balanced and sheet.tally.kept == 3


def test_sample_values_are_typed_with_their_source() -> None:
    sheet = read_clinical(CLINICAL / "cbioportal_sample_sheet.txt")
    luad = clinical_for(sheet, "TUMOR_LUAD1")
    assert luad is not None and luad.tumour_type == "LUAD"
    assert luad.purity == pytest.approx(0.40) and "percentage" in luad.notes[0]  # TUMOR_PURITY is in %
    assert luad.tmb is not None and luad.tmb.value == 12.5 and "TMB_NONSYNONYMOUS" in luad.tmb.source
    assert luad.msi is not None and luad.msi.status is MsiStatus.STABLE and luad.msi.score == pytest.approx(0.41)
    tumour_a = clinical_for(sheet, "TUMOUR_A")
    assert tumour_a is not None and tumour_a.msi is not None and tumour_a.msi.status is MsiStatus.MSI_HIGH
    assert tumour_a.purity is None  # empty cell: not given, never zero
    assert clinical_for(sheet, "TUMOUR_B").msi is None  # type: ignore[union-attr]
    assert clinical_for(sheet, "NOT_THERE") is None


def test_plain_csv_with_crlf_and_clinical_factor_columns() -> None:
    sheet = read_clinical(CLINICAL / "clinical_factors_crlf.csv")
    one = clinical_for(sheet, "TUMOR_LUAD1")
    assert one is not None and one.values is not None
    assert one.values.values == {"age": "67", "metastatic_sites": "3", "liver_metastases": "yes", "ldh": "410",
                                 "ldh_uln": "250", "ecog": "2", "prior_radiotherapy": "no", "nlr": "6.2"}


def test_patient_values_join_through_the_patient_id() -> None:
    samples = realdata("prostate_msk_2024/data_clinical_sample.txt")
    patients = read_clinical(samples.parent / "data_clinical_patient.txt")
    assert patients.key == "patient"
    one = clinical_for(join_patients(read_clinical(samples), patients), "P-0000140-T01-IM3")
    assert one is not None and one.tumour_type == "PRNE" and one.values is not None
    assert one.values.get("age") == "45"  # CURRENT_AGE of patient P-0000140
    assert one.msi is not None and one.msi.status is MsiStatus.STABLE


@pytest.mark.parametrize(("name", "message", "line"), [
    ("conflicting_duplicate.tsv", "listed twice with different values (first on line 2)", 3),
])
def test_bad_sheets_name_file_line_and_what_was_expected(name: str, message: str, line: int) -> None:
    sheet_path = CLINICAL / name
    with pytest.raises(InputError) as caught:
        sheet = read_clinical(sheet_path)
        for sample in sheet.rows:
            clinical_for(sheet, sample)
    assert message in str(caught.value) and caught.value.line == line and name in str(caught.value)


@pytest.mark.parametrize(("name", "field", "message"), [
    ("non_numeric_tmb.tsv", "tmb", "non_numeric_tmb.tsv line 2: TMB_NONSYNONYMOUS must be a number, found 'high'; "
     "TMB not assessed for this sample"),
    ("unknown_oncotree_code.tsv", "tumour_type", "unknown OncoTree code 'LAUD'; did you mean LUAD"),
])
def test_an_unusable_value_is_not_assessed_for_that_sample(name: str, field: str, message: str) -> None:
    sheet = read_clinical(CLINICAL / name)
    one = clinical_for(sheet, "TUMOR_LUAD1")
    assert one is not None and message in one.problems[field] and one.problems[field] in one.notes
    assert getattr(one, field) is None


def test_crc_style_sheet_with_one_inconclusive_msi_goes_on_for_the_others() -> None:
    sheet = read_clinical(CLINICAL / "crc_unreadable_msi.txt")
    calls = {sample: clinical_for(sheet, sample) for sample in sheet.rows}
    statuses = {s: c.msi.status if c and c.msi else None for s, c in calls.items()}
    assert statuses == {"P-0001-T01": MsiStatus.STABLE, "P-0002-T01": MsiStatus.MSI_HIGH,
                        "P-0003-T01": MsiStatus.INDETERMINATE, "P-0004-T01": None, "P-0005-T01": MsiStatus.STABLE}
    assert "no MSI call ('Inconclusive')" in calls["P-0003-T01"].problems["msi_status"]  # type: ignore[union-attr]
    assert "'Pending' is not an MSI status" in calls["P-0004-T01"].problems["msi_status"]  # type: ignore[union-attr]
    assert calls["P-0005-T01"].tumour_type == "GB"  # type: ignore[union-attr]  # retired GBM, with a note
    assert "GBM is a retired OncoTree code" in (calls["P-0005-T01"].tumour_type_note or "")  # type: ignore[union-attr]
    from hpdgenomics.inputs.clinical import sheet_problems
    assert sheet_problems(sheet) == [
        "crc_unreadable_msi.txt: 2 sample(s) with an unusable MSI_TYPE ('Inconclusive' ×1, 'Pending' ×1); MSI not "
        "assessed for them, the other samples go on"]


def test_identical_duplicate_rows_are_counted_not_fatal(tmp_path: Path) -> None:
    path = tmp_path / "dup.tsv"
    path.write_text("SAMPLE_ID\tTMB\nS1\t3\nS1\t3\nS2\t4\n")
    sheet = read_clinical(path)
    assert list(sheet.rows) == ["S1", "S2"]
    assert sheet.tally.skipped == {"identical duplicate row": 1} and sheet.tally.balanced


@pytest.mark.parametrize(("text", "message"), [
    ("", "empty"),
    ("SAMPLE_ID;TMB\nS1;3\n", "neither tab- nor comma-separated"),
    ("NAME\tTMB\nS1\t3\n", "no sample column"),
    ("SAMPLE_ID\tTMB\nS1\t3\t4\n", "expected 2 tab-separated fields"),
    ("SAMPLE_ID\tTUMOR_PURITY\nS1\t250\n", "fraction (0-1] or a percentage"),
])
def test_malformed_sheets(tmp_path: Path, text: str, message: str) -> None:
    path = tmp_path / "sheet.tsv"
    path.write_text(text)
    with pytest.raises(InputError, match=message.replace("(", r"\(").replace(")", r"\)").replace("[", r"\[")):
        sheet = read_clinical(path)
        for sample in sheet.rows:
            clinical_for(sheet, sample)


@settings(max_examples=150, deadline=None)
@given(st.lists(st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=40), min_size=1,
                max_size=6))
def test_random_rows_parse_or_raise_input_errors(tmp_path_factory: pytest.TempPathFactory, rows: list[str]) -> None:
    path = tmp_path_factory.mktemp("fuzz") / "sheet.tsv"
    path.write_text("SAMPLE_ID\tONCOTREE_CODE\tTMB\tMSI_TYPE\tTUMOR_PURITY\n" + "\n".join(rows) + "\n",
                    encoding="utf-8")
    try:
        sheet = read_clinical(path)
        for sample in sheet.rows:
            clinical_for(sheet, sample)
    except HpdError:
        pass


def test_oncokb_annotator_example_clinical_file_runs_with_the_retired_gbm_mapped(tmp_path: Path) -> None:
    """The OncoKB annotator's own example inputs still use GBM (now GB): mapped with a note, nothing aborts."""
    from hpdgenomics.cohort import run_cohort
    from hpdgenomics.request import CohortRequest

    folder = realdata("oncokb_annotator/example_clinical.txt").parent
    result = run_cohort(CohortRequest.of(maf=folder / "example_maf.txt", sv=folder / "example_sv.txt",
                                         clinical=folder / "example_clinical.txt", out=tmp_path / "out"))
    assert result.samples >= 4
    import json
    gbm = json.loads((tmp_path / "out" / "samples" / "TCGA-06-0155-01.hpd.json").read_text())["sample"]
    assert gbm["tumour_type"] == "GB" and "GBM is a retired OncoTree code" in gbm["tumour_type_note"]


def test_crc_style_cohort_with_one_inconclusive_msi_completes_for_every_sample(tmp_path: Path) -> None:
    """crc_msk_2017 aborted on one MSI value 'Inconclusive'; now that sample's MSI is not assessed, the cohort
    says so in its notes (printed as a warning), and every sample gets its report."""
    import json

    from hpdgenomics.cohort import run_cohort
    from hpdgenomics.request import CohortRequest

    result = run_cohort(CohortRequest.of(maf=CLINICAL / "crc_unreadable_msi.maf",
                                         clinical=CLINICAL / "crc_unreadable_msi.txt", out=tmp_path / "out"))
    assert result.samples == 5
    assert any("2 sample(s) with an unusable MSI_TYPE ('Inconclusive' ×1, 'Pending' ×1)" in n for n in result.notes)
    def msi(sample: str) -> dict:
        path = tmp_path / "out" / "samples" / f"{sample}.hpd.json"
        return json.loads(path.read_text())["biomarkers"]["msi"]
    assert msi("P-0002-T01")["status"] == "MSI-H" and msi("P-0001-T01")["status"] == "MSS"
    inconclusive = msi("P-0003-T01")
    assert inconclusive["status"] == "not_assessed" and "no MSI call ('Inconclusive')" in inconclusive["reason"]
