"""cohort.parquet (hpdgenomics.cohort.parquet): the documented schema, one row per sample in cohort order, every
finding and not-assessed class, the run's provenance in the schema metadata, and reproducible bytes."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pandas as pd
import pyarrow.parquet as pq
import pytest

from hpdgenomics.cohort.parquet import PARQUET_SCHEMA_VERSION, SCHEMA, cohort_table, read_provenance
from hpdgenomics.cohort.summary import FindingRow, GapRow

from .conftest import REPO, TEST_DATA, cohort_report, pinned_cohort


@pytest.fixture(scope="module")
def tiny_out(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return pinned_cohort(tmp_path_factory, "parquet", study_dir=TEST_DATA / "cohort" / "study_tiny")


def test_schema_is_the_documented_one(tiny_out: Path) -> None:
    schema = pq.read_schema(tiny_out / "cohort.parquet")
    assert schema.remove_metadata().equals(SCHEMA.remove_metadata())
    documented = (REPO / "docs" / "cohort.md").read_text(encoding="utf-8")
    section = documented.split("## cohort.parquet", 1)[1].split("\n## ", 1)[0]
    listed = re.findall(r"^\| `([a-z_.]+)` \|", section, re.M)
    nested = [f"findings.{n}" for n in FindingRow._fields] + [f"not_assessed.{n}" for n in GapRow._fields]
    assert listed == [*SCHEMA.names, *nested]


def test_rows_match_the_reports(tiny_out: Path) -> None:
    frame = pd.read_parquet(tiny_out / "cohort.parquet")
    tsv = pd.read_csv(tiny_out / "cohort.tsv", sep="\t", dtype=str, keep_default_na=False)
    assert list(frame["sample"]) == list(tsv["sample"])
    assert list(frame["hpd_risk_level"].astype(str)) == list(tsv["hpd_risk_level"])
    for _, row in frame.iterrows():
        report = cohort_report(tiny_out, row["sample"])
        assert [f["rule_id"] for f in row["findings"]] == [f["rule_id"] for f in report["findings"]]
        assert [(g["gene"], g["alteration_class"]) for g in row["not_assessed"]] == [
            (g["gene"], g["alteration_class"]) for g in report["not_assessed"]]
        assert row["not_assessed_count"] == len(report["not_assessed"])
    tiny01 = frame.set_index("sample").loc["TINY-01"]
    akt1 = next(f for f in tiny01["findings"] if f["gene"] == "AKT1" and f["category"] == "hpd_risk")
    assert akt1["alteration"] == "p.E17K" and akt1["variant_source"].startswith("data_mutations.txt:")
    therapy = [f["therapy_level"] for f in tiny01["findings"] if f["category"] == "targetable"]
    assert therapy and all(level for level in therapy)


def test_a_query_over_the_nested_findings(tiny_out: Path) -> None:
    table = pq.read_table(tiny_out / "cohort.parquet")
    exploded = table.to_pandas().explode("findings").dropna(subset=["findings"])
    genes = exploded["findings"].map(lambda f: f["gene"])
    mdm2 = exploded[genes.eq("MDM2") & exploded["findings"].map(lambda f: f["category"] == "hpd_risk")]
    assert list(mdm2["sample"]) == ["TINY-01"]


def test_provenance_is_in_the_metadata(tiny_out: Path) -> None:
    provenance = read_provenance(tiny_out / "cohort.parquet")
    cohort = json.loads((tiny_out / "cohort.json").read_text(encoding="utf-8"))
    for key in ("tool", "generated_at", "rules", "inputs", "parameters", "notes", "source"):
        assert provenance[key] == cohort[key]
    metadata = pq.read_schema(tiny_out / "cohort.parquet").metadata
    assert metadata[b"hpdgenomics_schema_version"].decode() == PARQUET_SCHEMA_VERSION


def test_empty_lists_and_missing_values() -> None:
    from .test_multiqc import summary

    table = cohort_table([summary("A"), summary("B", tmb=3.5, findings=(FindingRow("R", "hpd_risk", "G", "x", "cn",
                                                                                    None, None, None),))], {})
    frame = table.to_pandas()
    assert frame["tmb"].isna().tolist() == [True, False]
    assert [len(f) for f in frame["findings"]] == [0, 1] and frame["report"].isna().all()
