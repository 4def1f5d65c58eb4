"""The MultiQC custom content of a cohort (hpdgenomics.cohort.multiqc): its shape, and what real MultiQC parses from
it, for the five-sample study and for a 10,000-sample synthetic cohort (written straight from summary rows)."""

from __future__ import annotations

import csv
import importlib.util
import json
import random
import subprocess
import sys
from collections import Counter
from pathlib import Path

import pytest
import yaml

from hpdgenomics.cohort.multiqc import (
    GENERAL_STATS_FILE,
    LEVEL_CODES,
    LEVELS_FILE,
    MAX_BARS,
    MAX_TABLE_ROWS,
    TABLE_FILE,
    render_levels,
    render_multiqc_files,
    render_table,
)
from hpdgenomics.cohort.summary import SampleSummary
from hpdgenomics.cohort.tables import LEVELS

from .conftest import TEST_DATA, pinned_cohort

HAS_MULTIQC = importlib.util.find_spec("multiqc") is not None
needs_multiqc = pytest.mark.skipif(not HAS_MULTIQC, reason="multiqc is not installed (pip install '.[test]')")


@pytest.fixture(scope="module")
def tiny_out(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return pinned_cohort(tmp_path_factory, "multiqc", study_dir=TEST_DATA / "cohort" / "study_tiny")


def summary(sample: str, **fields: object) -> SampleSummary:
    values: dict[str, object] = {
        "index": 0, "sample": sample, "tumour_type": "PRAD", "level": "none_detected", "hpd_events": (),
        "hpd_rules": (), "hpd_not_assessed": (), "hpd_out_of_scope": (), "targetable": 0, "targetable_genes": (),
        "ici_benefit": (), "ici_resistance": (), "key_not_assessed": (), "not_assessed": 0, "tmb": None,
        "tmb_status": "not_assessed", "msi": "not_assessed", "cells": (), "genes_not_assessed": (), "report": "",
    }
    values.update(fields)
    return SampleSummary(**values)  # type: ignore[arg-type]


def synthetic_cohort(count: int, seed: int = 17) -> list[SampleSummary]:
    """``count`` summary rows with levels, tumour types and events drawn at random (seeded)."""
    rng = random.Random(seed)
    types = [f"TT{i:02d}" for i in range(40)]  # more tumour types than bars, so "other" is exercised
    rows = []
    for index in range(count):
        level = rng.choices(LEVELS, weights=(2, 3, 80, 15))[0]
        events = ("MDM2 amplification",) if level in ("high", "elevated") else ()
        rows.append(summary(f"S{index:05d}", index=index, level=level, tumour_type=rng.choice(types),
                            hpd_events=events, targetable=rng.randint(0, 2), tmb=round(rng.uniform(0, 40), 1),
                            key_not_assessed=("MDM2 amplification",) if level == "not_assessable" else ()))
    return rows


def config_of(text: str) -> dict:
    return yaml.safe_load("\n".join(line[2:] for line in text.splitlines() if line.startswith("# ")))


def table_of(text: str) -> list[list[str]]:
    return [line.split("\t") for line in text.splitlines() if not line.startswith("#")]


def test_table_section_lists_samples_with_events_worst_first(tiny_out: Path) -> None:
    text = (tiny_out / TABLE_FILE).read_text(encoding="utf-8")
    config = config_of(text)
    assert config["id"] == "hpdgenomics" and config["plot_type"] == "table" and config["format"] == "tsv"
    assert config["pconfig"]["no_violin"] is True  # stays a table; never a swarm of text labels
    table = table_of(text)
    assert table[0][0] == "Sample" and set(config["headers"]) <= set(table[0][1:])
    assert [row[0] for row in table[1:]] == ["TINY-01", "TINY-03", "TINY-02"]  # high, high, then none_detected
    assert {len(row) for row in table} == {len(table[0])}


def test_table_section_is_capped() -> None:
    rows = [summary(f"S{i}", index=i, hpd_events=("MDM2 amplification",)) for i in range(MAX_TABLE_ROWS + 7)]
    text = render_table(rows)
    assert len(table_of(text)) == MAX_TABLE_ROWS + 1
    assert f"the first {MAX_TABLE_ROWS:,} shown" in config_of(text)["description"]


def test_number_like_sample_names_are_quoted() -> None:
    text = render_table([summary("01", hpd_events=("x",)), summary("S\t2", hpd_events=("x",))])
    rows = table_of(text)[1:]
    assert rows[0][0] == '"01"' and rows[1][0] == "S 2"


def test_general_stats_are_numeric_with_colour_scales(tiny_out: Path) -> None:
    text = (tiny_out / GENERAL_STATS_FILE).read_text(encoding="utf-8")
    config = config_of(text)
    assert config["plot_type"] == "generalstats"
    columns = {key: value for entry in config["pconfig"] for key, value in entry.items()}
    assert all("scale" in value for value in columns.values())
    table = table_of(text)
    assert table[0] == ["Sample", *columns]
    by_sample = {row[0]: row for row in table[1:]}
    assert by_sample["TINY-01"][1] == str(LEVEL_CODES["high"]) and by_sample["TINY-05"][1] == "0"
    assert all(cell == "" or float(cell) >= 0 for row in table[1:] for cell in row[1:])


def test_level_bars_count_every_sample_once() -> None:
    rows = synthetic_cohort(3000)
    table = table_of(render_levels(rows))
    counts = Counter(row.level for row in rows)
    assert table[1] == ["all samples (n=3,000)", *(str(counts[level]) for level in LEVELS)]
    assert len(table) - 1 == MAX_BARS + 1  # all samples, 24 tumour types, "other"
    per_type = [sum(int(c) for c in row[1:]) for row in table[2:]]
    assert sum(per_type) == 3000


def run_multiqc(folder: Path) -> Path:
    out = folder / "multiqc"
    subprocess.run([sys.executable, "-m", "multiqc", "--no-version-check", "--no-ai", "-q", "-f", "-o", str(out),
                    str(folder)], check=True, capture_output=True, text=True)
    return out / "multiqc_data"


def read_tsv(path: Path) -> dict[str, dict[str, str]]:
    with path.open(encoding="utf-8") as handle:
        return {row["Sample"]: row for row in csv.DictReader(handle, delimiter="\t")}


@needs_multiqc
def test_real_multiqc_parses_the_tiny_cohort(tiny_out: Path, tmp_path: Path) -> None:
    folder = tmp_path / "run"
    folder.mkdir()
    for name in (LEVELS_FILE, GENERAL_STATS_FILE, TABLE_FILE):
        (folder / name).write_bytes((tiny_out / name).read_bytes())
    data = run_multiqc(folder)
    levels = json.loads((tiny_out / "cohort.json").read_text(encoding="utf-8"))["levels"]
    bars = read_tsv(data / "multiqc_hpdgenomics_levels_plot.txt")
    assert {level: int(bars["all samples (n=5)"][level]) for level in LEVELS} == levels
    stats = read_tsv(data / "multiqc_general_stats.txt")
    assert set(stats) == {f"TINY-0{i}" for i in range(1, 6)}
    assert set(read_tsv(data / "multiqc_hpdgenomics_table.txt")) == {"TINY-01", "TINY-02", "TINY-03"}


@needs_multiqc
def test_real_multiqc_at_10000_samples_keeps_the_level_counts(tmp_path: Path) -> None:
    rows = synthetic_cohort(10_000)
    for name, text in render_multiqc_files(rows).items():
        (tmp_path / name).write_text(text, encoding="utf-8")
    data = run_multiqc(tmp_path)
    counts = Counter(row.level for row in rows)
    bars = read_tsv(data / "multiqc_hpdgenomics_levels_plot.txt")
    assert {level: int(bars["all samples (n=10,000)"][level]) for level in LEVELS} == {lv: counts[lv] for lv in LEVELS}
    assert len(bars) == MAX_BARS + 1
    stats = read_tsv(data / "multiqc_general_stats.txt")
    assert len(stats) == 10_000
    level_column = next(k for k in stats["S00000"] if k.endswith("-hpd_level"))
    parsed = Counter(int(float(row[level_column])) for row in stats.values())
    assert parsed == Counter({LEVEL_CODES[level]: n for level, n in counts.items()})
    table = read_tsv(data / "multiqc_hpdgenomics_table.txt")
    assert len(table) == min(MAX_TABLE_ROWS, counts["high"] + counts["elevated"])
