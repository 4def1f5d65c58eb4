"""The cohort's text outputs, from the summary rows: ``cohort.tsv`` (one row per sample), ``cohort.json`` (counts,
provenance and notes); the MultiQC files are written by :mod:`hpdgenomics.cohort.multiqc`."""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Mapping, Sequence
from typing import Any

from hpdgenomics.cohort.summary import SampleSummary
from hpdgenomics.report.tsv import spreadsheet_safe

LEVELS = ("high", "elevated", "none_detected", "not_assessable")
COLUMNS = (
    "sample", "tumour_type", "hpd_risk_level", "hpd_events", "hpd_rules", "targetable_findings", "targetable_genes",
    "ici_benefit", "ici_resistance", "key_events_not_assessed", "not_assessed", "tmb", "tmb_status", "msi_status",
    "report",
)
MULTIQC_ID = "hpdgenomics"


def cell(value: Any) -> str:
    """A TSV cell: lists joined with '; ', no tab or line break inside (they would shift the columns)."""
    if value is None:
        return ""
    if isinstance(value, tuple | list):
        value = "; ".join(str(v) for v in value)
    elif isinstance(value, float):
        value = f"{value:g}"
    text = " ".join(str(value).split()) if any(c in str(value) for c in "\t\r\n") else str(value)
    return text if isinstance(value, (int, float)) else spreadsheet_safe(text)


def row_values(row: SampleSummary) -> tuple[Any, ...]:
    """The values of one ``cohort.tsv`` row, in :data:`COLUMNS` order."""
    return (row.sample, row.tumour_type, row.level, row.hpd_events, row.hpd_rules, row.targetable,
            row.targetable_genes, row.ici_benefit, row.ici_resistance, row.key_not_assessed, row.not_assessed,
            row.tmb, row.tmb_status, row.msi, row.report)


def render_cohort_tsv(rows: Sequence[SampleSummary]) -> str:
    """``cohort.tsv``: a header, then one line per sample in cohort order."""
    lines = ["\t".join(COLUMNS)]
    lines += ["\t".join(cell(v) for v in row_values(row)) for row in rows]
    return "\n".join(lines) + "\n"


def level_counts(rows: Sequence[SampleSummary]) -> dict[str, int]:
    """Samples per hyperprogression level, every level listed."""
    counts = Counter(row.level for row in rows)
    return {level: counts.get(level, 0) for level in LEVELS}


def rule_counts(rows: Sequence[SampleSummary], rule_genes: Mapping[str, str]) -> list[dict[str, Any]]:
    """Per HPD rule: carriers (``found``) over the samples where the rule was assessed, overall and by tumour type,
    and per alteration class (input kind) carriers over the samples whose inputs covered that class.

    A sample counts as assessed for the rule when every class of it was covered, or when it carries the event; one
    covered half of a two-class rule (EGFR: copy number from a SEG, no small variants) counts only in that class.
    """
    table = []
    for rule_id, gene in rule_genes.items():
        by_type: dict[str, dict[str, int]] = {}
        classes: dict[str, dict[str, int]] = {}
        for row in rows:
            entry = by_type.setdefault(row.tumour_type or "unknown", {"found": 0, "assessed": 0, "samples": 0})
            entry["samples"] += 1
            statuses = {kind: status for rule, kind, status in row.hpd_classes if rule == rule_id}
            for kind, status in statuses.items():
                counts = classes.setdefault(kind, {"carriers": 0, "assessed": 0, "not_assessed": 0})
                counts["carriers"] += status == "carrier"
                counts["assessed"] += status != "not_assessed"
                counts["not_assessed"] += status == "not_assessed"
            if rule_id in row.hpd_out_of_scope:
                continue
            carrier = rule_id in row.hpd_rules
            covered = all(s != "not_assessed" for s in statuses.values()) if statuses else (
                rule_id not in row.hpd_not_assessed)
            if carrier or covered:
                entry["assessed"] += 1
                entry["found"] += carrier
        table.append({
            "rule_id": rule_id, "gene": gene,
            "found": sum(e["found"] for e in by_type.values()),
            "assessed": sum(e["assessed"] for e in by_type.values()),
            "classes": [{"kind": kind, **counts} for kind, counts in sorted(classes.items())],
            "by_tumour_type": dict(sorted(by_type.items())),
        })
    return table


def render_cohort_json(rows: Sequence[SampleSummary], rule_genes: Mapping[str, str], info: Mapping[str, Any]) -> str:
    """``cohort.json``: the run's provenance and notes (``info``), level counts and per-rule counts."""
    document = {
        **info,
        "samples": len(rows),
        "levels": level_counts(rows),
        "hpd_rules": rule_counts(rows, rule_genes),
        "tumour_types": dict(sorted(Counter(row.tumour_type or "unknown" for row in rows).items())),
    }
    return json.dumps(document, indent=2, ensure_ascii=False, allow_nan=False) + "\n"
