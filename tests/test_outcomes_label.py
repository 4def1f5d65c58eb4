"""hpd-label: readers, time points, growth quantities and labels, on hand-made tables and the real examples."""

from __future__ import annotations

import csv
import math
from datetime import date, timedelta
from pathlib import Path

import pandas as pd
import pytest
from click.testing import CliRunner
from hypothesis import given, settings
from hypothesis import strategies as st

from hpdgenomics.cli import cli
from hpdgenomics.errors import InputError, OptionError
from hpdgenomics.outcomes import LabelOptions, label_patients, run_hpd_label
from hpdgenomics.outcomes.long_form import read_long_form
from hpdgenomics.outcomes.timepoints import TimePointChoice

from .conftest import REALDATA_FIGURES, TEST_DATA, realdata

DATA = TEST_DATA / "outcomes"


def _rows(path: Path) -> dict[str, dict[str, str]]:
    with path.open(encoding="utf-8") as handle:
        return {row["patient_id"]: row for row in csv.DictReader(handle, delimiter="\t")}


def _by_patient(result):  # type: ignore[no-untyped-def]
    return {p.quantities.patient_id: p for p in result.patients}


def test_long_form_time_points_and_quantities() -> None:
    result = label_patients(LabelOptions(out_dir=Path("unused"), measurements=DATA / "long_sums.tsv"))
    p1 = _by_patient(result)["P01"].quantities
    assert p1.points.pre_baseline.date == date(2020, 1, 1)
    assert p1.points.baseline.date == date(2020, 2, 28)  # last scan on or before treatment start 2020-03-01
    assert p1.points.first_evaluation.date == date(2020, 4, 1)
    ref_months, exp_months = 58 * 12 / 365.25, 33 * 12 / 365.25
    assert p1.get("tgr_ref") == pytest.approx(100 * (math.exp(3 * math.log(55 / 50) / ref_months) - 1))
    assert p1.get("tgr_exp") == pytest.approx(100 * (math.exp(3 * math.log(90 / 55) / exp_months) - 1))
    assert p1.get("tgk_ref") == pytest.approx(5 / ref_months)
    assert p1.get("tgk_exp") == pytest.approx(35 / exp_months)
    assert p1.get("pct_change_first_eval") == pytest.approx(100 * 35 / 55)
    assert p1.get("ttf_months") == pytest.approx(40 * 12 / 365.25)
    assert p1.get("recist_progression") is True
    labels = _by_patient(result)["P01"].labels
    assert {k: v.call for k, v in labels.items()} == {
        "champiat_2017": "HPD", "ferrara_2018": "HPD", "kas_2020": "HPD", "saada_bouzid_2017": "HPD",
        "matos_2020": "HPD", "kato_2017": "HPD"}


def test_long_form_not_evaluable_reasons() -> None:
    result = _by_patient(label_patients(LabelOptions(out_dir=Path("unused"), measurements=DATA / "long_sums.tsv")))
    p2 = result["P02"]
    assert p2.quantities.get("tgr_ref") > 0 and p2.quantities.get("tgr_exp") < 0
    assert p2.labels["champiat_2017"].call == "no_HPD"
    p3 = result["P03"]  # one scan before start, so no pre-baseline; no failure date
    assert p3.labels["champiat_2017"].call == "not_evaluable"
    assert "no pre-baseline scan" in p3.labels["champiat_2017"].reason
    assert p3.labels["kato_2017"].reason == "ttf_months: no treatment failure date"
    assert p3.labels["matos_2020"].call == "HPD"  # +50% from baseline


def test_lesion_rows_are_summed_and_treatment_table_read() -> None:
    measured = read_long_form(DATA / "lesion_rows.tsv", DATA / "treatment.tsv")
    series = {p.patient_id: p for p in measured.patients}
    assert [s.sum_mm for s in series["L01"].scans] == [35, 38, 55]
    assert series["L01"].treatment_start == date(2021, 2, 3)
    assert series["L02"].treatment_failure is None


def test_negative_reference_growth_makes_ratio_undefined() -> None:
    result = _by_patient(label_patients(LabelOptions(out_dir=Path("unused"), wide=DATA / "wide_ferte_edge.txt")))
    assert result["D"].quantities.get("tgr_ref") < 0
    assert result["D"].labels["champiat_2017"].call == "not_evaluable"
    assert "negative" in result["D"].labels["champiat_2017"].reason
    assert result["D"].labels["ferrara_2018"].call != "not_evaluable"  # ΔTGR is defined whatever the sign
    assert "TGR undefined" in result["B"].labels["champiat_2017"].reason  # zero pre-baseline sum
    assert "interval too short" in result["C"].labels["champiat_2017"].reason  # same date twice
    assert result["A"].labels["champiat_2017"].call in ("HPD", "no_HPD", "not_evaluable")


@pytest.mark.parametrize(("name", "expected"), [
    ("wrong_unit.tsv", "line 2: unit 'cm': expected diameters in mm"),
    ("duplicate_scan.tsv", "line 4: duplicate scan: patient P01 has another row for 2020-02-01 at line 3"),
    ("bad_date.tsv", "line 3: scan_date: expected an ISO date (YYYY-MM-DD), found '2020-02-31'"),
])
def test_bad_input_names_file_and_line(name: str, expected: str) -> None:
    with pytest.raises(InputError) as caught:
        read_long_form(DATA / "malformed" / name)
    assert name in str(caught.value)
    assert expected in str(caught.value)


def test_cli_bad_input_exits_1_and_writes_nothing(tmp_path: Path) -> None:
    out = tmp_path / "out"
    result = CliRunner().invoke(cli, ["hpd-label", "--measurements", str(DATA / "malformed" / "bad_date.tsv"),
                                      "--out", str(out)])
    assert result.exit_code == 1
    assert "bad_date.tsv, line 3" in result.output
    assert not out.exists()


def test_options_need_one_input() -> None:
    with pytest.raises(OptionError):
        LabelOptions(out_dir=Path("x"))
    with pytest.raises(OptionError):
        TimePointChoice(pre_baseline="latest")


def test_earliest_pre_baseline_choice() -> None:
    result = label_patients(LabelOptions(out_dir=Path("unused"), measurements=DATA / "lesion_rows.tsv",
                                         treatment=DATA / "treatment.tsv",
                                         time_points=TimePointChoice(pre_baseline="earliest")))
    assert _by_patient(result)["L01"].quantities.points.pre_baseline.date == date(2021, 1, 4)


def test_outputs_written(tmp_path: Path) -> None:
    run_hpd_label(LabelOptions(out_dir=tmp_path, measurements=DATA / "long_sums.tsv"))
    header = (tmp_path / "hpd_labels.tsv").read_text().splitlines()[0].split("\t")
    assert header[:10] == ["patient_id", "tgr_ref", "tgr_exp", "tgr_ratio", "delta_tgr", "tgk_ref", "tgk_exp",
                           "tgk_ratio", "pct_change_first_eval", "ttf_months"]
    assert "hpd_champiat_2017" in header and "reason_kato_2017" in header
    html = (tmp_path / "hpd_labels.html").read_text()
    assert "<svg" in html and "never merged" in html
    with pytest.raises(Exception, match="already exists"):
        run_hpd_label(LabelOptions(out_dir=tmp_path, measurements=DATA / "long_sums.tsv"))


@pytest.mark.realdata
def test_ferte_table_matches_the_authors_formula(tmp_path: Path) -> None:
    """TGR_ref/TGR_exp against TGR_calculator.R's formula, computed here with pandas from the raw table."""
    path = realdata("tumour_measurements/tgr_ferte/TGR_example.txt")
    run_hpd_label(LabelOptions(out_dir=tmp_path, wide=path))
    raw = pd.read_csv(path, sep=r"\s+", quotechar='"')
    raw.index = raw.index.astype(str)
    for column in ("SCANDATE_BASELINE", "SCANDATE_BEFORE", "SCANDATE_EVAL1"):
        raw[column] = pd.to_datetime(raw[column])
    ref_period = (raw.SCANDATE_BASELINE - raw.SCANDATE_BEFORE).dt.days * 12 / 365.25
    exp_period = (raw.SCANDATE_EVAL1 - raw.SCANDATE_BASELINE).dt.days * 12 / 365.25
    tgr_ref = 100 * ((3 * (raw.RECIST_BASELINE / raw.RECIST_BEFORE).map(math.log) / ref_period).map(math.exp) - 1)
    tgr_exp = 100 * ((3 * (raw.RECIST_EVAL1 / raw.RECIST_BASELINE).map(math.log) / exp_period).map(math.exp) - 1)
    rows = _rows(tmp_path / "hpd_labels.tsv")
    assert len(rows) == len(raw) == 100
    for patient in raw.index:
        assert float(rows[patient]["tgr_ref"]) == pytest.approx(tgr_ref[patient], rel=1e-5)
        assert float(rows[patient]["tgr_exp"]) == pytest.approx(tgr_exp[patient], rel=1e-5)
    calls = {c: sum(r["hpd_champiat_2017"] == c for r in rows.values()) for c in ("HPD", "no_HPD", "not_evaluable")}
    REALDATA_FIGURES.append(f"Ferté TGR example: Champiat 2017 calls {calls}")


@pytest.mark.realdata
def test_sdtm_examples_give_sums_and_labels(tmp_path: Path) -> None:
    folder = realdata("tumour_measurements/pharmaversesdtm")
    result = run_hpd_label(LabelOptions(out_dir=tmp_path, sdtm_tr=folder / "tr_onco_recist.csv",
                                        sdtm_tu=folder / "tu_onco_recist.csv", sdtm_rs=folder / "rs_onco_recist.csv"))
    tr = pd.read_csv(folder / "tr_onco_recist.csv")
    accepted = tr[(tr.TRACPTFL == "Y") & (tr.TRTESTCD == "LDIAM") & (tr.TRGRPID == "TARGET")]
    screening = accepted[accepted.VISIT == "SCREENING"].groupby("USUBJID").TRSTRESN.sum()
    patients = _by_patient(result)
    assert set(patients) == set(screening.index)
    for subject, total in screening.items():
        assert patients[subject].quantities.points.baseline.sum_mm == pytest.approx(total)
        assert patients[subject].labels["champiat_2017"].call == "not_evaluable"  # no pre-baseline scan in SDTM
        assert patients[subject].labels["matos_2020"].call in ("HPD", "no_HPD")
    week3 = accepted[accepted.VISIT == "WEEK 3"].groupby("USUBJID").TRSTRESN.sum()
    for subject, total in week3.items():
        assert patients[subject].quantities.points.first_evaluation.sum_mm == pytest.approx(total)
    assert result.measurements.skipped["not the accepted assessment (ACPTFL not Y)"] == (tr.TRACPTFL != "Y").sum()
    tr_skipped = sum(v for k, v in result.measurements.skipped.items() if not k.startswith("RS:"))
    assert result.measurements.rows_used + tr_skipped == result.measurements.rows_read == len(tr)  # every row counted


@settings(max_examples=40, deadline=None)
@given(st.lists(st.tuples(st.integers(0, 400), st.floats(0, 500, allow_nan=False)), min_size=1, max_size=8,
                unique_by=lambda t: t[0]))
def test_long_form_round_trip(tmp_path_factory: pytest.TempPathFactory, scans: list[tuple[int, float]]) -> None:
    """Any well-formed long table reads back to the same scans, in date order."""
    path = tmp_path_factory.mktemp("prop") / "long.tsv"
    start = date(2020, 1, 1)
    lines = ["patient_id\tscan_date\tsum_of_diameters_mm"]
    lines += [f"P\t{(start + timedelta(days=d)).isoformat()}\t{value!r}" for d, value in scans]
    path.write_text("\n".join(lines) + "\n")
    read = read_long_form(path).patients[0].scans
    assert [(s.date, s.sum_mm) for s in read] == sorted((start + timedelta(days=d), v) for d, v in scans)
