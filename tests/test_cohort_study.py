"""cBioPortal study folders (hpdgenomics.cohort.study) and gene panels (hpdgenomics.cohort.panels)."""

from __future__ import annotations

import csv
import json
import shutil
import tempfile
from collections import defaultdict
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from hpdgenomics.cohort import run_cohort
from hpdgenomics.cohort.panels import read_panel_definition, read_panel_matrix
from hpdgenomics.cohort.study import read_meta, read_study
from hpdgenomics.errors import InputError
from hpdgenomics.request import CohortRequest

from .conftest import REALDATA_FIGURES, TEST_DATA, cohort_report, pinned_cohort, realdata

TINY = TEST_DATA / "cohort" / "study_tiny"
MISSING_SEG = TEST_DATA / "cohort" / "study_missing_seg"


def _copy(tmp_path: Path, source: Path = TINY) -> Path:
    folder = tmp_path / source.name
    shutil.copytree(source, folder)
    return folder


@pytest.fixture(scope="module")
def tiny_out(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return pinned_cohort(tmp_path_factory, "tiny", study_dir=TINY)


# --- the meta files ---------------------------------------------------------------------------------------------------

def test_tiny_study_files_are_chosen_from_the_meta_files() -> None:
    study = read_study(TINY)
    assert study.identifier == "tiny_study"
    assert study.build == "GRCh37"
    assert {kind: f.data.name for kind, f in study.files.items()} == {
        "maf": "data_mutations.txt", "cna": "data_CNA.txt", "sv": "data_sv.txt",
        "clinical_sample": "data_clinical_sample.txt", "clinical_patient": "data_clinical_patient.txt",
        "panel_matrix": "data_gene_panel_matrix.txt",
    }
    assert study.files["maf"].stable_id == "mutations"
    assert study.notes == ()  # the panel definition file is read apart, not reported as unnamed


def test_meta_line_without_colon_names_file_and_line(tmp_path: Path) -> None:
    folder = _copy(tmp_path)
    (folder / "meta_sv.txt").write_text("genetic_alteration_type: STRUCTURAL_VARIANT\ndatatype SV\n", encoding="utf-8")
    with pytest.raises(InputError, match=r"meta_sv.txt, line 2: expected a 'key: value' line"):
        read_study(folder)


_KEYS = st.from_regex(r"[A-Za-z][A-Za-z0-9_.-]{0,15}", fullmatch=True)
_VALUES = st.text(alphabet=st.characters(blacklist_categories=("Cc", "Cs", "Zl", "Zp"), blacklist_characters="\x85"),
                  max_size=40).map(str.strip)


@settings(max_examples=80, deadline=None)
@given(st.dictionaries(_KEYS, _VALUES, max_size=8))
def test_meta_values_read_back_as_written(entries: dict[str, str]) -> None:
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "meta_x.txt"
        path.write_text("".join(f"{key}: {value}\n" for key, value in entries.items()), encoding="utf-8")
        values = read_meta(path)
    assert {key: value for key, (value, _) in values.items()} == entries
    assert [line for _, line in values.values()] == list(range(1, len(entries) + 1))


def test_meta_key_given_twice_differently_is_an_error(tmp_path: Path) -> None:
    path = tmp_path / "meta_x.txt"
    path.write_text("datatype: MAF\ndatatype: SEG\n", encoding="utf-8")
    with pytest.raises(InputError, match=r"line 2: datatype is given twice"):
        read_meta(path)


def test_meta_without_data_filename_is_an_error(tmp_path: Path) -> None:
    folder = _copy(tmp_path)
    (folder / "meta_sv.txt").write_text("genetic_alteration_type: STRUCTURAL_VARIANT\ndatatype: SV\n", encoding="utf-8")
    with pytest.raises(InputError, match=r"meta_sv.txt: no data_filename line: expected the name of the "
                                         r"structural-variant data file"):
        read_study(folder)


def test_missing_data_file_is_an_error_naming_meta_file_and_option() -> None:
    with pytest.raises(InputError) as caught:
        read_study(MISSING_SEG)
    message = str(caught.value)
    assert "meta_cna_hg19_seg.txt, line 6" in message
    assert "data_cna_hg19.seg" in message and "does not exist" in message
    assert "copy-number segment (SEG) data file" in message and "--skip-missing" in message


def test_skip_missing_leaves_the_profile_out_with_a_note(tmp_path: Path) -> None:
    study = read_study(MISSING_SEG, skip_missing=True)
    assert set(study.files) == {"maf"}
    assert any("data_cna_hg19.seg" in note and "--skip-missing" in note for note in study.notes)
    result = run_cohort(CohortRequest.of(study_dir=MISSING_SEG, out=tmp_path / "out", skip_missing=True))
    assert result.samples == 1
    cohort = json.loads((tmp_path / "out" / "cohort.json").read_text(encoding="utf-8"))
    assert any("data_cna_hg19.seg" in note for note in cohort["notes"])
    report = cohort_report(tmp_path / "out", "MISS-01")
    assert report["hpd_risk"]["level"] == "not_assessable"  # no copy number: MDM2/MDM4 not assessed


def test_two_mutation_profiles_are_an_error(tmp_path: Path) -> None:
    folder = _copy(tmp_path)
    shutil.copy(folder / "meta_mutations.txt", folder / "meta_mutations_extra.txt")
    with pytest.raises(InputError, match=r"meta_mutations_extra.txt: a second mutation \(MAF\) profile \(the first "
                                         r"is meta_mutations.txt\)"):
        read_study(folder)


def test_unused_profiles_and_unnamed_files_are_noted(tmp_path: Path) -> None:
    folder = _copy(tmp_path)
    (folder / "meta_expression.txt").write_text(
        "genetic_alteration_type: MRNA_EXPRESSION\ndatatype: CONTINUOUS\ndata_filename: data_expression.txt\n",
        encoding="utf-8")
    (folder / "data_timeline.txt").write_text("PATIENT_ID\n", encoding="utf-8")
    notes = read_study(folder).notes
    assert any(n.startswith("meta_expression.txt (MRNA_EXPRESSION CONTINUOUS) not used") for n in notes)
    assert "not read (no meta file names them): data_timeline.txt" in notes


def test_discrete_calls_are_preferred_to_segments(tmp_path: Path) -> None:
    folder = _copy(tmp_path)
    (folder / "meta_cna_hg19_seg.txt").write_text(
        "genetic_alteration_type: COPY_NUMBER_ALTERATION\ndatatype: SEG\nreference_genome_id: hg19\n"
        "data_filename: data_cna_hg19.seg\n", encoding="utf-8")
    (folder / "data_cna_hg19.seg").write_text("ID\tchrom\tloc.start\tloc.end\tnum.mark\tseg.mean\n", encoding="utf-8")
    study = read_study(folder)
    assert study.copy_number is not None and study.copy_number.kind == "cna"
    assert any(n.startswith("data_cna_hg19.seg (meta_cna_hg19_seg.txt) not used") for n in study.notes)


def test_unknown_reference_genome_is_an_error(tmp_path: Path) -> None:
    folder = _copy(tmp_path)
    text = (folder / "meta_study.txt").read_text(encoding="utf-8").replace("hg19", "mm10")
    (folder / "meta_study.txt").write_text(text, encoding="utf-8")
    with pytest.raises(InputError, match=r"meta_study.txt, line 5: reference_genome 'mm10' is not a genome build"):
        read_study(folder)


def test_folder_without_meta_files_is_an_error(tmp_path: Path) -> None:
    with pytest.raises(InputError, match=r"no meta_\*\.txt files: not a cBioPortal study folder"):
        read_study(tmp_path)


# --- gene panels ------------------------------------------------------------------------------------------------------

def test_panel_matrix_reads_na_as_not_profiled() -> None:
    matrix = read_panel_matrix(TINY / "data_gene_panel_matrix.txt")
    assert matrix.columns == ("mutations", "cna", "structural_variants")
    assert matrix.samples["TINY-05"] == {"mutations": "PANEL_A", "cna": None, "structural_variants": "PANEL_A"}


@pytest.mark.parametrize(("text", "message"), [
    ("sample\tmutations\nS1\tP\n", "line 1: expected a header SAMPLE_ID"),
    ("SAMPLE_ID\tmutations\tcna\nS1\tP\n", "line 2: expected 3 tab-separated fields"),
    ("SAMPLE_ID\tmutations\nS1\tP\nS1\tP\n", "line 3: sample 'S1' is listed twice"),
])
def test_panel_matrix_errors(tmp_path: Path, text: str, message: str) -> None:
    path = tmp_path / "data_gene_panel_matrix.txt"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(InputError, match=message):
        read_panel_matrix(path)


def test_panel_definition_in_cbioportal_format() -> None:
    panel = read_panel_definition(TINY / "data_gene_panel_PANEL_A.txt")
    assert panel.stable_id == "PANEL_A"
    assert panel.genes is not None and len(panel.genes) == 33 and "EGFR" not in panel.genes


@pytest.mark.parametrize(("text", "message"), [
    ("description: x\ngene_list:\tAKT1\n", "no stable_id: line"),
    ("stable_id: P\ndescription: x\n", "no gene_list: line"),
    ("stable_id: P\ngenes AKT1\n", "line 2: expected stable_id:, description: and gene_list: lines"),
])
def test_panel_definition_errors(tmp_path: Path, text: str, message: str) -> None:
    path = tmp_path / "data_gene_panel_P.txt"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(InputError, match=message):
        read_panel_definition(path)


def test_panel_of_entrez_ids_has_unknown_genes(tmp_path: Path) -> None:
    path = tmp_path / "data_gene_panel_P.txt"
    path.write_text("stable_id: P\ngene_list:\t207\t4193\n", encoding="utf-8")
    assert read_panel_definition(path).genes is None


def test_rule_gene_off_the_panel_is_not_assessed_naming_the_panel(tiny_out: Path) -> None:
    report = cohort_report(tiny_out, "TINY-04")
    reasons = {(g["gene"], g["kind"]): g["reason"] for g in report["not_assessed"]}
    assert reasons[("EGFR", "copy_number")] == ("EGFR is not on gene panel PANEL_A (data_gene_panel_PANEL_A.txt), "
                                                "with which TINY-04 was sequenced")
    assert ("TSC2", "small_variant") in reasons and ("VHL", "small_variant") in reasons
    assert "limited to the 33 genes of gene panel PANEL_A" in report["coverage"]["copy_number"]


def test_sample_without_mutation_rows_but_sequenced_is_assessed_over_its_panel(tiny_out: Path) -> None:
    report = cohort_report(tiny_out, "TINY-04")
    assert report["coverage"]["small_variants"].startswith("TINY-04 has no row in the mutation file and was "
                                                           "sequenced for mutations with gene panel PANEL_A")
    assert not any(g["gene"] == "STK11" for g in report["not_assessed"])  # on the panel: assessed, nothing found


def test_profile_na_makes_that_kind_not_assessed(tiny_out: Path) -> None:
    report = cohort_report(tiny_out, "TINY-05")
    assert report["hpd_risk"]["level"] == "not_assessable"
    mdm2 = next(g for g in report["not_assessed"] if g["gene"] == "MDM2")
    assert mdm2["reason"] == "TINY-05 was not sequenced for copy number (data_gene_panel_matrix.txt: NA)"
    assert report["copy_number"]["genes"] == []


def test_off_panel_mutation_row_is_counted_as_skipped(tiny_out: Path) -> None:
    report = cohort_report(tiny_out, "TINY-05")
    maf = next(t for t in report["qc"]["files"] if t["path"].endswith("data_mutations.txt"))
    assert maf["read"] == 2 and maf["kept"] == 1
    assert maf["skipped"] == {"gene not on the sample's gene panel": 1}  # EGFR p.L858R: EGFR is not on PANEL_A
    assert report["qc"]["balanced"] is True
    assert not any(f["gene"] == "EGFR" for f in report["findings"])


def test_panel_without_definition_leaves_genes_without_a_row_not_assessed(tiny_out: Path) -> None:
    report = cohort_report(tiny_out, "TINY-03")
    assert "gene panel PANEL_B (data_gene_panel_matrix.txt), but its gene list is not in the study folder" in \
        report["coverage"]["small_variants"]
    gaps = {g["gene"] for g in report["not_assessed"] if g["kind"] == "small_variant"}
    assert {"EGFR", "AKT1", "B2M"} <= gaps and "STK11" not in gaps  # STK11 p.Q37* is its only row
    assert all("PANEL_B" in g["reason"] for g in report["not_assessed"] if g["kind"] == "small_variant")
    copy_number_gaps = {(g["gene"], g["alteration_class"]) for g in report["not_assessed"]
                        if g["kind"] == "copy_number"}  # BRCA1/2 deep deletion (issue 13): not rows of data_CNA.txt
    assert copy_number_gaps == {("BRCA1", "deep deletion"), ("BRCA2", "deep deletion")}
    cohort = json.loads((tiny_out / "cohort.json").read_text(encoding="utf-8"))
    assert any("PANEL_B" in note for note in cohort["notes"])


def test_patient_attributes_join_through_patient_id(tiny_out: Path) -> None:
    report = cohort_report(tiny_out, "TINY-02")
    age = next(f for f in report["clinical_factors"]["factors"] if f["field"] == "age")
    assert age["value"] == "58"
    assert any(i["format"] == "clinical_patient" for i in report["inputs"])
    assert report["sample"]["tumour_type"] == "LUAD" and report["biomarkers"]["tmb"]["value"] == 14.2


def test_samples_follow_the_clinical_sheet_order(tiny_out: Path) -> None:
    lines = (tiny_out / "cohort.tsv").read_text(encoding="utf-8").splitlines()[1:]
    assert [line.split("\t")[0] for line in lines] == ["TINY-01", "TINY-02", "TINY-03", "TINY-04", "TINY-05"]


# --- real studies (../shared/realdata) --------------------------------------------------------------------------------

def _study_counts(folder: Path) -> dict[str, int]:
    """Samples per event, from the study's own files: value 2 in data_CNA.txt, HGVSp_Short p.E17K in AKT1."""
    counts: dict[str, set[str]] = defaultdict(set)
    with (folder / "data_CNA.txt").open(encoding="utf-8") as handle:
        rows = csv.reader(handle, delimiter="\t")
        header = next(rows)
        for row in rows:
            if row[0] in ("MDM2", "MDM4"):
                counts[f"{row[0]} amplification"] |= {s for s, v in zip(header[1:], row[1:], strict=True) if v == "2"}
    with (folder / "data_mutations.txt").open(encoding="utf-8") as handle:
        lines = (line for line in handle if not line.startswith("#"))
        for row in csv.DictReader(lines, delimiter="\t"):
            if row["Hugo_Symbol"] == "AKT1" and row["HGVSp_Short"] == "p.E17K":
                counts["AKT1 p.E17K"].add(row["Tumor_Sample_Barcode"])
    return {event: len(samples) for event, samples in counts.items()}


@pytest.mark.realdata
def test_prostate_msk_2024_missing_seg_is_an_error_without_skip_missing(tmp_path: Path) -> None:
    folder = realdata("prostate_msk_2024")
    with pytest.raises(InputError, match=r"data_cna_hg19\.seg.*does not exist.*--skip-missing"):
        run_cohort(CohortRequest.of(study_dir=folder, out=tmp_path / "out"))
    assert not (tmp_path / "out").exists()  # refused before anything was written


@pytest.mark.realdata
def test_prostate_msk_2024_counts_match_the_study_files(tmp_path: Path) -> None:
    folder = realdata("prostate_msk_2024")
    result = run_cohort(CohortRequest.of(study_dir=folder, out=tmp_path / "out", skip_missing=True))
    assert result.samples == 2260
    expected = _study_counts(folder)
    assert expected == {"MDM2 amplification": 14, "MDM4 amplification": 16, "AKT1 p.E17K": 25}
    found: dict[str, int] = defaultdict(int)
    for row in result.rows:
        for event in row.hpd_events:
            found[event] += 1
    assert {event: found[event] for event in expected} == expected
    cohort = json.loads((tmp_path / "out" / "cohort.json").read_text(encoding="utf-8"))
    by_rule = {r["rule_id"]: r for r in cohort["hpd_rules"]}
    assert (by_rule["MDM2-AMP-HPD"]["found"], by_rule["MDM4-AMP-HPD"]["found"]) == (14, 16)
    assert by_rule["AKT1-E17K-HPD"]["found"] == 25
    assert by_rule["MDM2-AMP-HPD"]["assessed"] == 2260
    assert len(list((tmp_path / "out" / "samples").glob("*.hpd.json"))) == 2260
    REALDATA_FIGURES.append(
        f"prostate_msk_2024 study folder (hpdgenomics cohort, {result.samples:,} samples): MDM2 amplification "
        f"{found['MDM2 amplification']}, MDM4 amplification {found['MDM4 amplification']}, AKT1 p.E17K "
        f"{found['AKT1 p.E17K']} (study files: {expected['MDM2 amplification']}, {expected['MDM4 amplification']}, "
        f"{expected['AKT1 p.E17K']}); levels {result.levels}")


@pytest.mark.realdata
def test_cbioportal_test_study_es_0(tmp_path: Path) -> None:
    folder = realdata("cbioportal_test_study_es_0")
    study = read_study(folder)
    assert study.copy_number is not None and study.copy_number.datatype == "DISCRETE_LONG"
    assert any("data_cna_hg19.seg" in n and "not used" in n for n in study.notes)
    assert any(n.startswith("not read (no meta file names them)") and "data_clinical_samples.txt" in n
               for n in study.notes)
    result = run_cohort(CohortRequest.of(study_dir=folder, out=tmp_path / "out"))
    assert result.samples >= 788  # the long CNA table's samples, plus any found only in the MAF or SV table
    REALDATA_FIGURES.append(f"cbioportal_test_study_es_0 (hpdgenomics cohort): {result.samples} samples, levels "
                            f"{result.levels}")
