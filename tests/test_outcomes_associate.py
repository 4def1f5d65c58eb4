"""associate: features × outcomes, with every figure checked against scipy and lifelines called directly."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from click.testing import CliRunner

from hpdgenomics.cli import cli
from hpdgenomics.errors import InputError, OptionError
from hpdgenomics.outcomes import AssociateOptions, associate, run_associate
from hpdgenomics.outcomes.features import NOT_ASSESSED, read_feature_table
from hpdgenomics.outcomes.outcome_readers import read_outcome_table

from .conftest import REALDATA_FIGURES, TEST_DATA, pinned_cohort, realdata

scipy_stats = pytest.importorskip("scipy.stats", reason="the outcomes extra (scipy) is not installed")
lifelines = pytest.importorskip("lifelines", reason="the outcomes extra (lifelines) is not installed")

DATA = TEST_DATA / "outcomes"


def _rows(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8") as handle:
        return list(csv.DictReader(handle, delimiter="\t"))


@pytest.fixture(scope="module")
def cohort_table(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path, pd.DataFrame]:
    """A seeded 120-sample feature table and outcome table (one feature not assessed in some samples)."""
    rng = np.random.default_rng(20261208)
    n = 120
    folder = tmp_path_factory.mktemp("assoc")
    carrier = rng.random(n) < 0.3
    other = rng.random(n) < 0.5
    months = np.round(rng.exponential(np.where(carrier, 8.0, 16.0)), 2) + 0.1
    event = (rng.random(n) < 0.7).astype(int)
    response = np.where(rng.random(n) < np.where(carrier, 0.6, 0.3), "PD", "SD")
    assessed = rng.random(n) < 0.85
    frame = pd.DataFrame({
        "sample_id": [f"S{i:03d}" for i in range(n)], "GENE_A": carrier.astype(int),
        "GENE_B": np.where(assessed, np.where(other, "true", "false"), "NA"), "os_months": months,
        "os_event": event, "best_response": response, "tumour_type": rng.choice(["LUAD", "SKCM"], n),
    })
    features, outcomes = folder / "features.tsv", folder / "outcomes.tsv"
    frame[["sample_id", "GENE_A", "GENE_B"]].to_csv(features, sep="\t", index=False)
    frame[["sample_id", "os_months", "os_event", "best_response", "tumour_type"]].to_csv(outcomes, sep="\t",
                                                                                       index=False)
    frame["GENE_B_assessed"] = assessed
    frame["GENE_B_value"] = other
    return features, outcomes, frame


def _result_row(result, feature: str, outcome: str):  # type: ignore[no-untyped-def]
    return next(r for r in result.rows if r.feature == feature and r.outcome == outcome)


def test_fisher_matches_scipy(cohort_table: tuple[Path, Path, pd.DataFrame], tmp_path: Path) -> None:
    features, outcomes, frame = cohort_table
    result = associate(AssociateOptions(out_dir=tmp_path, features=features, outcomes=(outcomes,)))
    row = _result_row(result, "GENE_A", "pd")
    pd_ = frame.best_response == "PD"
    carrier = frame.GENE_A == 1
    table = [[int((carrier & pd_).sum()), int((carrier & ~pd_).sum())],
             [int((~carrier & pd_).sum()), int((~carrier & ~pd_).sum())]]
    assert (row.events_with, row.n_with - row.events_with) == tuple(table[0])
    assert row.p_value == pytest.approx(scipy_stats.fisher_exact(table).pvalue)
    estimate = scipy_stats.contingency.odds_ratio(table)
    interval = estimate.confidence_interval(0.95)
    assert row.effect == pytest.approx(estimate.statistic)
    assert (row.ci_low, row.ci_high) == (pytest.approx(interval.low), pytest.approx(interval.high))


def test_survival_matches_lifelines(cohort_table: tuple[Path, Path, pd.DataFrame], tmp_path: Path) -> None:
    from lifelines import CoxPHFitter, KaplanMeierFitter
    from lifelines.statistics import logrank_test

    features, outcomes, frame = cohort_table
    result = associate(AssociateOptions(out_dir=tmp_path, features=features, outcomes=(outcomes,)))
    row = _result_row(result, "GENE_A", "os")
    c = frame.GENE_A == 1
    expected_p = logrank_test(frame.os_months[c], frame.os_months[~c], frame.os_event[c], frame.os_event[~c]).p_value
    assert row.p_value == pytest.approx(expected_p)
    cox = CoxPHFitter().fit(frame[["os_months", "os_event", "GENE_A"]], "os_months", "os_event").summary.loc["GENE_A"]
    assert row.effect == pytest.approx(cox["exp(coef)"])
    assert row.ci_low == pytest.approx(cox["exp(coef) lower 95%"])
    assert row.ci_high == pytest.approx(cox["exp(coef) upper 95%"])
    assert row.extra["cox_p"] == pytest.approx(cox["p"])
    median = KaplanMeierFitter().fit(frame.os_months[c], frame.os_event[c]).median_survival_time_
    assert row.median_with == pytest.approx(median)
    assert (row.events_with, row.events_without) == (int(frame.os_event[c].sum()), int(frame.os_event[~c].sum()))


def test_only_assessed_samples_are_tested(cohort_table: tuple[Path, Path, pd.DataFrame], tmp_path: Path) -> None:
    from lifelines.statistics import logrank_test

    features, outcomes, frame = cohort_table
    result = associate(AssociateOptions(out_dir=tmp_path, features=features, outcomes=(outcomes,)))
    row = _result_row(result, "GENE_B", "os")
    assessed = frame[frame.GENE_B_assessed]
    assert row.n_with + row.n_without == len(assessed)
    assert row.n_not_assessed == len(frame) - len(assessed)
    c = assessed.GENE_B_value
    expected = logrank_test(assessed.os_months[c], assessed.os_months[~c], assessed.os_event[c],
                            assessed.os_event[~c]).p_value
    assert row.p_value == pytest.approx(expected)


def test_q_values_are_benjamini_hochberg(cohort_table: tuple[Path, Path, pd.DataFrame], tmp_path: Path) -> None:
    features, outcomes, _ = cohort_table
    result = associate(AssociateOptions(out_dir=tmp_path, features=features, outcomes=(outcomes,)))
    for outcome in ("os", "pd"):
        tested = [r for r in result.rows if r.outcome == outcome and r.tested]
        expected = scipy_stats.false_discovery_control([r.p_value for r in tested], method="bh")
        assert [r.q_value for r in tested] == pytest.approx(list(expected))


def test_too_few_carriers_listed_not_tested(cohort_table: tuple[Path, Path, pd.DataFrame], tmp_path: Path) -> None:
    features, outcomes, _ = cohort_table
    result = associate(AssociateOptions(out_dir=tmp_path, features=features, outcomes=(outcomes,), min_carriers=100))
    assert all(not r.tested and r.test.startswith("not tested") for r in result.rows)
    assert result.rows  # listed


def test_outputs_and_page(cohort_table: tuple[Path, Path, pd.DataFrame], tmp_path: Path) -> None:
    features, outcomes, _ = cohort_table
    run_associate(AssociateOptions(out_dir=tmp_path, features=features, outcomes=(outcomes,)))
    header = (tmp_path / "associations.tsv").read_text().splitlines()[0].split("\t")
    assert header == ["feature", "outcome", "n_with", "n_without", "events_with", "events_without", "effect",
                      "effect_type", "ci_low", "ci_high", "p_value", "q_value", "test", "median_with",
                      "median_without"]
    page = (tmp_path / "associations.html").read_text()
    assert "not predictions" in page and "at risk" in page and page.count("<svg") >= 2
    document = json.loads((tmp_path / "associations.json").read_text())
    assert document["outcomes"]["with_each_outcome"] == {"pd": 120, "os": 120}


def test_cohort_folder_features_and_patient_outcomes(tmp_path_factory: pytest.TempPathFactory,
                                                     tmp_path: Path) -> None:
    out = pinned_cohort(tmp_path_factory, "tiny", study_dir=TEST_DATA / "cohort" / "study_tiny")
    result = associate(AssociateOptions(
        out_dir=tmp_path, cohort_dir=out, outcomes=(DATA / "tiny_outcomes.tsv",), min_carriers=1,
        sample_patient=TEST_DATA / "cohort" / "study_tiny" / "data_clinical_sample.txt"))
    names = set(result.features.names)
    assert {"rule:MDM2-AMP-HPD", "MDM2:amplification", "hpd_level:high"} <= names
    row = _result_row(result, "MDM2:amplification", "hpd_champiat_2017")
    assert row.n_with + row.n_without + row.n_not_assessed == 4  # TINY-P3 is not evaluable
    assert row.n_with == 1
    # samples whose panel or inputs did not cover a feature are left out of its test, and counted
    assert any(r.n_not_assessed > 0 for r in result.rows if r.outcome == "os")


def test_feature_table_cells() -> None:
    matrix = read_feature_table(DATA / "features_cells.tsv", feature_columns=("count", "status", "text"))
    assert matrix.values.tolist() == [[1, 1, 0], [0, 0, 1], [NOT_ASSESSED, NOT_ASSESSED, 0]]


def test_cbioportal_status_and_errors(tmp_path: Path) -> None:
    path = tmp_path / "data_clinical_patient.txt"
    path.write_text("#x\tx\tx\n#x\tx\tx\n#STRING\tNUMBER\tSTRING\n#1\t1\t1\nPATIENT_ID\tOS_MONTHS\tOS_STATUS\n"
                    "P1\t10.5\t1:DECEASED\nP2\t3\t0:LIVING\nP3\t4\tmaybe\n")
    with pytest.raises(InputError, match="line 8: OS_STATUS: expected an event"):
        read_outcome_table(path)
    path.write_text("PATIENT_ID\tOS_MONTHS\tOS_STATUS\nP1\t10.5\t1:DECEASED\nP2\t3\t0:LIVING\n")
    table = read_outcome_table(path)
    assert (table.by_id["P1"].os_event, table.by_id["P2"].os_event, table.id_kind) == (1, 0, "patient")
    with pytest.raises(OptionError):
        read_outcome_table(path, time_unit="fortnights")


def test_cli_associate(cohort_table: tuple[Path, Path, pd.DataFrame], tmp_path: Path) -> None:
    features, outcomes, _ = cohort_table
    out = tmp_path / "out"
    result = CliRunner().invoke(cli, ["associate", "--features", str(features), "--outcomes", str(outcomes),
                                      "--out", str(out)])
    assert result.exit_code == 0, result.output
    assert len(_rows(out / "associations.tsv")) == 4
    again = CliRunner().invoke(cli, ["associate", "--features", str(features), "--outcomes", str(outcomes),
                                     "--out", str(out)])
    assert again.exit_code == 1 and "already exists" in again.output


@pytest.mark.realdata
def test_prostate_msk_2024_end_to_end(tmp_path_factory: pytest.TempPathFactory, tmp_path: Path) -> None:
    from lifelines.statistics import logrank_test

    study = realdata("prostate_msk_2024")
    out = pinned_cohort(tmp_path_factory, "prostate", study_dir=study, skip_missing=True, jobs=2)
    result = run_associate(AssociateOptions(out_dir=tmp_path, cohort_dir=out, outcomes=(study,)))
    assert result.outcome_sizes["os"] > 2000
    row = _result_row(result, "MDM2:amplification", "os")
    assert row.n_with == 14  # PROVENANCE.md: MDM2 value 2 in 14 samples (one sample per patient kept)
    # the same log-rank test from the study files, without the tool
    patients = pd.read_csv(study / "data_clinical_patient.txt", sep="\t", comment="#")
    samples = pd.read_csv(study / "data_clinical_sample.txt", sep="\t", comment="#")[["SAMPLE_ID", "PATIENT_ID"]]
    cna = pd.read_csv(study / "data_CNA.txt", sep="\t", index_col=0)
    amplified = set(cna.columns[(cna.loc["MDM2"] == 2).to_numpy()])
    first = samples[samples.SAMPLE_ID.isin(result.joined.samples)]
    joined = first.merge(patients, on="PATIENT_ID").dropna(subset=["OS_MONTHS", "OS_STATUS"])
    joined["event"] = joined.OS_STATUS.str.startswith("1").astype(int)
    c = joined.SAMPLE_ID.isin(amplified)
    expected = logrank_test(joined.OS_MONTHS[c], joined.OS_MONTHS[~c], joined.event[c], joined.event[~c]).p_value
    assert row.p_value == pytest.approx(expected)
    tested = sum(r.tested for r in result.rows)
    REALDATA_FIGURES.append(f"prostate_msk_2024 associate: MDM2 amplification OS HR {row.effect:.2f} "
                            f"({row.ci_low:.2f}-{row.ci_high:.2f}), log-rank p {row.p_value:.3g}, n {row.n_with}/"
                            f"{row.n_without}; {tested} tests")


@pytest.mark.realdata
def test_ici_cohorts_end_to_end(tmp_path: Path) -> None:
    hugo = realdata("ici_cohorts/hugo2016_sunlab/patient_info.txt")
    result = run_associate(AssociateOptions(
        out_dir=tmp_path / "hugo", features=hugo, sample_column="matchID", patient_column="Patient.ID",
        feature_columns=("BRAF", "NRAS", "NF1"), outcomes=(hugo,), time_unit="days",
        outcome_columns={"id": "Patient.ID", "os_months": "Overall.Survival", "os_alive": "Vital.Status",
                         "best_response": "irRECIST"}))
    row = _result_row(result, "BRAF", "pd")
    assert row.tested and row.n_with + row.n_without + row.n_not_assessed == 38  # 39 rows, Pt27 twice
    vanallen = realdata("ici_cohorts/vanallen2015_hammerlab/cohort.csv")
    result2 = run_associate(AssociateOptions(
        out_dir=tmp_path / "vanallen", features=vanallen, sample_column="Study ID", time_unit="years",
        feature_columns=("BRAF/NRASstatus",), outcomes=(vanallen,),
        outcome_columns={"id": "Study ID", "os_months": "OS", "os_alive": "Alive", "benefit": "Benefit"}))
    row2 = _result_row(result2, "BRAF/NRASstatus", "os")
    assert row2.tested and row2.n_with + row2.n_without > 40
    REALDATA_FIGURES.append(f"Hugo 2016 BRAF vs PD: OR {row.effect:.2f}, Fisher p {row.p_value:.3g}; Van Allen "
                            f"2015 BRAF/NRAS vs OS: HR {row2.effect:.2f}, log-rank p {row2.p_value:.3g}")


def test_missing_extra_says_how_to_install(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    import sys

    monkeypatch.setitem(sys.modules, "lifelines", None)  # import lifelines now raises ImportError
    result = CliRunner().invoke(cli, ["associate", "--features", str(DATA / "features_cells.tsv"), "--outcomes",
                                      str(DATA / "tiny_outcomes.tsv"), "--out", str(tmp_path / "out")])
    assert result.exit_code == 1
    assert "pip install 'hpdgenomics[outcomes]'" in result.output


def test_stratified_cox_matches_lifelines(cohort_table: tuple[Path, Path, pd.DataFrame], tmp_path: Path) -> None:
    from lifelines import CoxPHFitter

    features, outcomes, frame = cohort_table
    result = associate(AssociateOptions(out_dir=tmp_path, features=features, outcomes=(outcomes,),
                                        stratify_by_tumour_type=True))
    row = _result_row(result, "GENE_A", "os")
    cox = CoxPHFitter().fit(frame[["os_months", "os_event", "GENE_A", "tumour_type"]], "os_months", "os_event",
                            strata=["tumour_type"]).summary.loc["GENE_A"]
    assert row.effect == pytest.approx(cox["exp(coef)"])
    assert row.p_value == pytest.approx(cox["p"])
    assert row.test.startswith("Cox stratified")
