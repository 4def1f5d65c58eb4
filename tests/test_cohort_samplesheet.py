"""Sample sheets (hpdgenomics.cohort.samplesheet) and rows built from shared and own files (cohort.merge)."""

from __future__ import annotations

import csv
import tempfile
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import hpdgenomics.inputs.small_variants as small_variants
import hpdgenomics.readers.copy_number.segments as segments
from hpdgenomics import annotate
from hpdgenomics.cohort import run_cohort
from hpdgenomics.cohort.samplesheet import read_sample_sheet
from hpdgenomics.errors import InputError
from hpdgenomics.request import AnnotateRequest, CohortRequest

from .conftest import TEST_DATA, cohort_report, pinned_cohort

SHEET = TEST_DATA / "cohort" / "samplesheet" / "samples.csv"
MALFORMED = TEST_DATA / "cohort" / "malformed"


@pytest.fixture(scope="module")
def sheet_out(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return pinned_cohort(tmp_path_factory, "sheet", sample_sheet=SHEET)


def test_paths_are_relative_to_the_sheet_and_shared_files_found() -> None:
    sheet = read_sample_sheet(SHEET)
    assert [row.sample for row in sheet.rows][:3] == ["TUMOR_LUAD1", "TUMOUR_A", "TUMOUR_B"]
    assert sheet.rows[0].files["vcf"] == TEST_DATA / "vcf" / "luad_mutect2_vep.vcf.gz"
    shared = {(column, path.name): [r.sample for r in rows] for (column, path), rows in sheet.shared_files().items()}
    assert shared == {
        ("seg", "mdm2_cdk4_amp_two_samples.seg"): ["TUMOUR_A", "TUMOUR_B"],
        ("maf", "gdc_two_samples.maf"): ["TCGA-05-4244-01A-01D-1105-08", "TCGA-50-5932-01A-11D-1753-08"],
    }
    assert set(sheet.own_files(sheet.rows[3])) == {"cns"}
    assert sheet.rows[1].values == {"tumour_type": "DDLS", "purity": "0.8"}


def test_tab_separated_sheet_with_tumor_spelling(tmp_path: Path) -> None:
    seg = TEST_DATA / "copy_number" / "mdm2_cdk4_amp_two_samples.seg"
    path = tmp_path / "samples.tsv"
    path.write_text(f"Sample\tSEG\tTumor_Type\nTUMOUR_A\t{seg}\tDDLS\n", encoding="utf-8")
    sheet = read_sample_sheet(path)
    assert sheet.rows[0].files == {"seg": seg} and sheet.rows[0].values == {"tumour_type": "DDLS"}


@pytest.mark.parametrize(("name", "message"), [
    ("duplicate_sample.csv", r"line 4: sample 'TUMOUR_A' is listed twice \(first on line 2\)"),
    ("unknown_column.csv", r"line 1: unknown column 'bam'; the columns are sample, vcf"),
    ("missing_file.csv", r"line 3: vcf file '../../vcf/no_such_tumour.vcf.gz' of sample TUMOR_GONE not found"),
    ("shared_vcf.csv", r"line 3: vcf file luad_mutect2_vep.vcf.gz is named by the rows of TUMOR_LUAD1 \(line 2\) and "
                       r"TUMOR_LUAD2: a VCF holds one tumour"),
    ("vcf_and_maf_one_row.csv", r"line 2: sample TUMOR_LUAD1 gives both a VCF and a MAF"),
    ("no_sample_column.tsv", r"line 1: no sample column \(columns: seg, tumour_type\)"),
    ("short_row.csv", r"line 3: expected 3 fields as in the header, found 2"),
])
def test_sheet_errors_name_the_line(name: str, message: str) -> None:
    with pytest.raises(InputError, match=message) as caught:
        read_sample_sheet(MALFORMED / name)
    assert caught.value.path == str(MALFORMED / name)


def test_unknown_tumour_type_is_not_assessed_for_that_sample_and_the_others_go_on(tmp_path: Path) -> None:
    result = run_cohort(CohortRequest.of(sample_sheet=MALFORMED / "unknown_tumour_type.csv", out=tmp_path / "out"))
    assert result.samples == 2
    assert any("1 sample(s) with an unusable tumour_type ('LIPOSARC' ×1)" in note for note in result.notes)
    typo = cohort_report(tmp_path / "out", "TUMOUR_B")["sample"]
    assert typo["tumour_type"] is None
    assert "unknown_tumour_type.csv line 3, tumour_type: unknown OncoTree code 'LIPOSARC'" in typo["tumour_type_note"]
    assert cohort_report(tmp_path / "out", "TUMOUR_A")["sample"]["tumour_type"] == "DDLS"


def test_empty_sheet_and_sheet_without_files(tmp_path: Path) -> None:
    empty = tmp_path / "empty.csv"
    empty.write_text("\n", encoding="utf-8")
    with pytest.raises(InputError, match="the sample sheet is empty"):
        read_sample_sheet(empty)
    no_files = tmp_path / "no_files.csv"
    no_files.write_text("sample,vcf,tumour_type\nT1,,LUAD\n", encoding="utf-8")
    with pytest.raises(InputError, match=r"line 2: sample T1 names no input file"):
        read_sample_sheet(no_files)


def test_shared_files_are_read_once(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    calls = {"seg": 0, "maf": 0}
    real_seg, real_maf = segments.read_seg, small_variants.read_maf

    def count_seg(*args: object, **kwargs: object) -> object:
        calls["seg"] += 1
        return real_seg(*args, **kwargs)  # type: ignore[arg-type]

    def count_maf(*args: object, **kwargs: object) -> object:
        calls["maf"] += 1
        return real_maf(*args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(segments, "read_seg", count_seg)
    monkeypatch.setattr(small_variants, "read_maf", count_maf)
    result = run_cohort(CohortRequest.of(sample_sheet=SHEET, out=tmp_path / "out"))
    assert result.samples == 5
    assert calls == {"seg": 1, "maf": 1}  # one SEG for two rows, one MAF for two rows


def test_row_with_own_files_matches_annotate(sheet_out: Path) -> None:
    report = cohort_report(sheet_out, "TUMOR_LUAD1")
    single = annotate(AnnotateRequest.of(vcf=TEST_DATA / "vcf" / "luad_mutect2_vep.vcf.gz",
                      cns=TEST_DATA / "copy_number" / "tumor_luad1_grch38.call.cns", tumour_type="LUAD")).document
    for key in ("hpd_risk", "findings", "coverage"):
        assert report[key] == single[key], key
    # the cohort leaves genome-wide segments out unless HTML is written
    assert {k: v for k, v in report["copy_number"].items() if k != "segments"} == \
        {k: v for k, v in single["copy_number"].items() if k != "segments"}
    # the same gaps; the MSI reason names the sample sheet, which gave the tumour type but no MSI status
    assert [(g["gene"], g["alteration_class"], g["rule_ids"]) for g in report["not_assessed"]] == \
        [(g["gene"], g["alteration_class"], g["rule_ids"]) for g in single["not_assessed"]]
    msi = next(g for g in report["not_assessed"] if g["gene"] == "MSI")
    assert msi["reason"] == "the clinical sheet samples.csv gives no MSI status for this sample"


def test_sheet_purity_is_used_for_the_shared_seg(sheet_out: Path) -> None:
    tumour_a = cohort_report(sheet_out, "TUMOUR_A")
    assert tumour_a["copy_number"]["settings"]["purity"] == 0.8
    assert cohort_report(sheet_out, "TUMOUR_B")["copy_number"]["settings"]["purity"] is None
    assert tumour_a["sample"]["tumour_type"] == "DDLS"


def test_shared_maf_and_own_cns_merge_into_onecohort_report(sheet_out: Path) -> None:
    report = cohort_report(sheet_out, "TCGA-05-4244-01A-01D-1105-08")
    assert report["sample"]["genome_build"] == "GRCh38"
    assert report["coverage"]["small_variants"].startswith("MAF rows")
    assert report["coverage"]["copy_number"].startswith("CNVkit segments of hnsc_egfr_amp_elevated")
    formats = [i["format"] for i in report["inputs"]]
    assert {"maf", "cns", "sample_sheet"} <= set(formats)
    assert report["qc"]["balanced"] is True
    other = cohort_report(sheet_out, "TCGA-50-5932-01A-11D-1753-08")
    assert other["coverage"]["copy_number"] == "no copy-number input"
    assert other["hpd_risk"]["level"] == "not_assessable"


def test_sample_absent_from_every_file_is_an_error(tmp_path: Path) -> None:
    seg = TEST_DATA / "copy_number" / "mdm2_cdk4_amp_two_samples.seg"
    sheet = tmp_path / "samples.csv"
    sheet.write_text(f"sample,seg\nTUMOUR_A,{seg}\nTUMOUR_Z,{seg}\n", encoding="utf-8")
    with pytest.raises(InputError, match=r"samples.csv, line 3: sample 'TUMOUR_Z' is in none of its files"):
        run_cohort(CohortRequest.of(sample_sheet=sheet, out=tmp_path / "out"))


def test_clinical_sheet_adds_values_and_conflicts_are_errors(tmp_path: Path) -> None:
    clinical = TEST_DATA / "clinical" / "cbioportal_sample_sheet.txt"
    seg = TEST_DATA / "copy_number" / "mdm2_cdk4_amp_two_samples.seg"
    sheet = tmp_path / "samples.csv"
    sheet.write_text(f"sample,seg\nTUMOUR_A,{seg}\nTUMOUR_B,{seg}\n", encoding="utf-8")
    run_cohort(CohortRequest.of(sample_sheet=sheet, clinical=clinical, out=tmp_path / "out"))
    report = cohort_report(tmp_path / "out", "TUMOUR_A")
    assert report["sample"]["tumour_type"] == "DDLS"  # from the clinical sheet
    assert report["biomarkers"]["msi"]["status"] == "MSI-H"
    conflicting = tmp_path / "conflict.csv"
    conflicting.write_text(f"sample,seg,tumour_type\nTUMOUR_A,{seg},LUAD\nTUMOUR_B,{seg},\n", encoding="utf-8")
    with pytest.raises(InputError, match=r"conflict.csv, line 2: tumour_type 'LUAD' for sample TUMOUR_A differs"):
        run_cohort(CohortRequest.of(sample_sheet=conflicting, clinical=clinical, out=tmp_path / "out2"))


def test_samples_of_a_shared_file_not_in_the_sheet_are_noted(tmp_path: Path) -> None:
    maf = TEST_DATA / "maf" / "gdc_two_samples.maf"
    sheet = tmp_path / "samples.csv"
    sheet.write_text(f"sample,maf\nTCGA-05-4244-01A-01D-1105-08,{maf}\nTCGA-50-5932-01A-11D-1753-08,{maf}\n",
                     encoding="utf-8")
    result = run_cohort(CohortRequest.of(sample_sheet=sheet, out=tmp_path / "out"))
    assert result.notes == ()
    sheet.write_text(f"sample,maf\nTCGA-05-4244-01A-01D-1105-08,{maf}\nTCGA-X,{maf}\n", encoding="utf-8")
    with pytest.raises(InputError, match="'TCGA-X' is in none of its files"):
        run_cohort(CohortRequest.of(sample_sheet=sheet, out=tmp_path / "out2"))


_IDS = st.text(alphabet=st.characters(blacklist_categories=("Cc", "Cs", "Zl", "Zp"), blacklist_characters="\x85"),
               min_size=1, max_size=30).map(str.strip).filter(bool)


@settings(max_examples=60, deadline=None)
@given(st.lists(_IDS, min_size=1, max_size=6, unique=True), st.sampled_from([",", "\t"]))
def test_any_sample_ids_read_back_as_written(ids: list[str], delimiter: str) -> None:
    seg = TEST_DATA / "copy_number" / "mdm2_cdk4_amp_two_samples.seg"
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "samples.csv"
        with path.open("w", encoding="utf-8", newline="") as handle:
            writer = csv.writer(handle, delimiter=delimiter)
            writer.writerow(["sample", "seg"])
            writer.writerows([[sample, str(seg)] for sample in ids])
        sheet = read_sample_sheet(path)
    assert [row.sample for row in sheet.rows] == ids
    assert all(row.files == {"seg": seg} for row in sheet.rows)
