"""Per-sample features for ``associate``: carrier (1), assessed non-carrier (0) or not assessed (-1).

From a ``hpdgenomics cohort`` output folder (its ``cohort.tsv`` and the per-sample JSON reports):

* ``rule:<RULE_ID>`` — a finding of the rule; not assessed where the report lists the rule as not assessed or out of
  scope for the tumour type;
* ``<GENE>:<kind>`` — a gene-level event (``MDM2:amplification``, ``STK11:truncating`` …, the oncoprint kinds);
  not assessed where the report lists that gene and kind (copy number, small variant…) as not assessed;
* ``hpd_level:high`` and ``hpd_level:high_or_elevated`` — the report's level; not assessed when ``not_assessable``.

From any per-sample table: a sample column and true/false (yes/no, 1/0) or count columns (a count above 0 is a
carrier); text columns named with ``--feature-column`` read wild-type words (``-``, WT, none, no …) as non-carriers
and anything else as a carrier. Empty and NA cells are not assessed.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from hpdgenomics.cohort.summary import cell_kind
from hpdgenomics.errors import InputError
from hpdgenomics.outcomes.tables import Table, is_missing, read_table

NOT_ASSESSED, ABSENT, PRESENT = -1, 0, 1
EVENT_KIND = {"amplification": "copy_number", "deep_deletion": "copy_number", "missense": "small_variant",
              "truncating": "small_variant", "other_variant": "small_variant", "rearrangement": "rearrangement"}
TRUE_WORDS = frozenset({"true", "yes", "y", "1", "t", "present", "positive", "mutated", "mut"})
FALSE_WORDS = frozenset({"false", "no", "n", "0", "f", "absent", "negative", "neg", "-", "wt", "wildtype",
                         "wild type", "wild-type", "none", "not mutated"})
SAMPLE_COLUMNS = ("sample_id", "sample", "SAMPLE_ID", "Tumor_Sample_Barcode", "patient_id", "PATIENT_ID")


@dataclass
class FeatureMatrix:
    """Samples × features; ``values[i, j]`` is PRESENT, ABSENT or NOT_ASSESSED."""

    samples: list[str]
    names: list[str]
    values: np.ndarray
    kinds: dict[str, str]
    source: str
    tumour_types: list[str | None] = field(default_factory=list)
    study_files: list[Path] = field(default_factory=list)  # clinical files the cohort read (for outcomes)
    sample_to_patient: dict[str, str] = field(default_factory=dict)  # from the table's patient column


def read_cohort_features(folder: str | Path) -> FeatureMatrix:
    """Features from a ``hpdgenomics cohort`` output folder."""
    folder = Path(folder)
    table_path = folder / "cohort.tsv"
    if not table_path.exists():
        raise InputError(folder, "not a hpdgenomics cohort output folder (no cohort.tsv)")
    table = read_table(table_path)
    report_col = table.column("report", required=True)
    documents: list[Mapping[str, Any]] = []
    for row in table.rows:
        path = folder / row.get(report_col)
        try:
            documents.append(json.loads(path.read_text(encoding="utf-8")))
        except (OSError, ValueError) as exc:
            raise InputError(table_path, f"cannot read the sample report {path}: {exc}", line=row.line) from exc
    names, kinds = _cohort_feature_names(documents)
    index = {name: j for j, name in enumerate(names)}
    values = np.full((len(documents), len(names)), ABSENT, dtype=np.int8)
    for i, document in enumerate(documents):
        _fill_sample(values[i], document, index)
    return FeatureMatrix([d["sample"]["id"] for d in documents], names, values, kinds,
                         f"hpdgenomics cohort output {folder}",
                         [d["sample"].get("tumour_type") for d in documents], _study_files(folder))


def _study_files(folder: Path) -> list[Path]:
    """Clinical files named in cohort.json's inputs (paths as the cohort run saw them)."""
    try:
        info = json.loads((folder / "cohort.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return []
    return [Path(entry["path"]) for entry in info.get("inputs", ())
            if entry.get("format") in ("clinical", "clinical_patient")]


def _cohort_feature_names(documents: Sequence[Mapping[str, Any]]) -> tuple[list[str], dict[str, str]]:
    rules: set[str] = set()
    events: set[str] = set()
    for document in documents:
        for finding in document["findings"]:
            rules.add(finding["rule_id"])
            if finding.get("gene"):
                events.add(f"{finding['gene']}:{cell_kind(finding)}")
    kinds = {"hpd_level:high": "hpd_level", "hpd_level:high_or_elevated": "hpd_level"}
    kinds.update({f"rule:{rule}": "rule" for rule in sorted(rules)})
    kinds.update({event: "gene_event" for event in sorted(events)})
    return list(kinds), kinds


def _fill_sample(row: np.ndarray, document: Mapping[str, Any], index: Mapping[str, int]) -> None:
    gaps = document["not_assessed"]
    unassessed_rules = {rule for gap in gaps for rule in gap.get("rule_ids", ())}
    unassessed_rules.update(document.get("rules_out_of_scope", ()))
    unassessed_events = {(gap["gene"], gap["kind"]) for gap in gaps}
    for name, j in index.items():
        if name.startswith("rule:") and name[5:] in unassessed_rules:
            row[j] = NOT_ASSESSED
        elif ":" in name and not name.startswith(("rule:", "hpd_level:")):
            gene, kind = name.rsplit(":", 1)
            if (gene, EVENT_KIND.get(kind, "small_variant")) in unassessed_events:
                row[j] = NOT_ASSESSED
    for finding in document["findings"]:
        row[index[f"rule:{finding['rule_id']}"]] = PRESENT
        if finding.get("gene"):
            row[index[f"{finding['gene']}:{cell_kind(finding)}"]] = PRESENT
    level = document["hpd_risk"]["level"]
    if level == "not_assessable":
        row[index["hpd_level:high"]] = row[index["hpd_level:high_or_elevated"]] = NOT_ASSESSED
    else:
        row[index["hpd_level:high"]] = PRESENT if level == "high" else ABSENT
        row[index["hpd_level:high_or_elevated"]] = PRESENT if level in ("high", "elevated") else ABSENT


def read_feature_table(path: str | Path, sample_column: str | None = None,
                       feature_columns: Sequence[str] = (), patient_column: str | None = None) -> FeatureMatrix:
    """Features from a per-sample table (see the module docstring for how cells are read); ``patient_column``
    links each sample to its patient (several samples of one patient: the first is analysed)."""
    table = read_table(path)
    if patient_column is not None and patient_column not in table.columns:
        raise InputError(table.path, f"no patient column {patient_column!r}", line=table.header_line)
    sample_col = sample_column or table.column(*SAMPLE_COLUMNS)
    if sample_col is None or sample_col not in table.columns:
        raise InputError(table.path, f"expected a sample column ({sample_column or ', '.join(SAMPLE_COLUMNS)}); "
                         "name it with --sample-column", line=table.header_line)
    samples = _unique_samples(table, sample_col)
    named = list(feature_columns)
    unknown = [c for c in named if c not in table.columns]
    if unknown:
        raise InputError(table.path, f"no column {', '.join(unknown)}", line=table.header_line)
    candidates = named or [c for c in table.columns if c not in (sample_col, patient_column)]
    columns: list[str] = []
    arrays: list[np.ndarray] = []
    for column in candidates:
        cells = [row.get(column) for row in table.rows]
        parsed = _parse_column(cells, allow_text=bool(named))
        if parsed is not None:
            columns.append(column)
            arrays.append(parsed)
    if not columns:
        raise InputError(table.path, "no feature column: expected true/false or count columns (name text columns "
                         "with --feature-column)", line=table.header_line)
    values = np.stack(arrays, axis=1) if arrays else np.zeros((len(samples), 0), dtype=np.int8)
    links = {row.get(sample_col): row.get(patient_column) for row in table.rows} if patient_column else {}
    return FeatureMatrix(samples, columns, values, dict.fromkeys(columns, "table"), f"feature table {table.path}",
                         [None] * len(samples), sample_to_patient=links)


def _unique_samples(table: Table, column: str) -> list[str]:
    seen: dict[str, int] = {}
    for row in table.rows:
        sample = row.get(column)
        if not sample:
            raise InputError(table.path, f"{column}: empty sample id", line=row.line)
        if sample in seen:
            raise InputError(table.path, f"sample {sample} appears twice (first at line {seen[sample]})",
                             line=row.line)
        seen[sample] = row.line
    return list(seen)


def _parse_column(cells: Iterable[str], allow_text: bool) -> np.ndarray | None:
    """PRESENT/ABSENT/NOT_ASSESSED per cell; None when the column is neither boolean nor counts (and text is not
    allowed)."""
    values: list[int] = []
    text = False
    for cell in cells:
        word = cell.strip().lower()
        if is_missing(word) and word not in ("none",):
            values.append(NOT_ASSESSED)
        elif word in TRUE_WORDS:
            values.append(PRESENT)
        elif word in FALSE_WORDS:
            values.append(ABSENT)
        elif word.isdigit():
            values.append(PRESENT if int(word) > 0 else ABSENT)
        elif word.startswith("wt ") and all(p.strip().startswith("wt") for p in word.split(";")):
            values.append(ABSENT)  # "WT BRAF; WT NRAS"
        else:
            text = True
            values.append(PRESENT)
    if text and not allow_text:
        return None
    return np.array(values, dtype=np.int8)
