"""``SAMPLE.hpd.tsv``: one row per finding (and one per not-assessed gap), for pipelines and spreadsheets."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from hpdgenomics.report.document import SampleReport

COLUMNS = (
    "sample_id", "record_type", "category", "rule_id", "gene", "alteration", "strength", "conditional",
    "hpd_risk_level", "consequence", "vaf", "depth", "transcript", "copy_number", "therapies", "evidence", "reason",
)


def render_tsv(report: SampleReport) -> str:
    """The TSV text: a header line, then findings in report order, co-amplification events, not-assessed gaps."""
    doc = report.document
    level = doc["hpd_risk"]["level"]
    rows = [_finding_row(report.sample_id, level, f) for f in doc["findings"]]
    rows += [_event_row(report.sample_id, level, e) for e in doc.get("copy_number", {}).get("events", ())]
    rows += [_gap_row(report.sample_id, level, gap) for gap in doc["not_assessed"]]
    rows += [_vus_row(report.sample_id, level, v) for v in doc.get("variants_of_unknown_significance", ())]
    lines = ["\t".join(COLUMNS)]
    lines += ["\t".join(_cell(row.get(column)) for column in COLUMNS) for row in rows]
    return "\n".join(lines) + "\n"


def _finding_row(sample_id: str, level: str, finding: Mapping[str, Any]) -> dict[str, Any]:
    variant = finding.get("variant") or {}
    copy_number = finding.get("copy_number") or {}
    return {
        "sample_id": sample_id, "record_type": "finding", "category": finding["category"],
        "rule_id": finding["rule_id"], "gene": finding["gene"], "alteration": finding["alteration"],
        "strength": finding["strength"], "conditional": "yes" if finding["conditional"] else "no",
        "hpd_risk_level": level, "consequence": "&".join(variant.get("consequence", ())),
        "vaf": variant.get("vaf"), "depth": variant.get("depth"), "transcript": variant.get("transcript"),
        "copy_number": copy_number.get("copy_number"), "therapies": _therapies(finding["therapies"]),
        "evidence": _evidence(finding["evidence"]), "reason": None,
    }


def _event_row(sample_id: str, level: str, event: Mapping[str, Any]) -> dict[str, Any]:
    return {
        "sample_id": sample_id, "record_type": "copy_number_event", "category": event["kind"],
        "gene": ",".join(event["genes"]), "alteration": "co-amplification", "hpd_risk_level": level,
        "reason": event["note"],
    }


def _gap_row(sample_id: str, level: str, gap: Mapping[str, Any]) -> dict[str, Any]:
    return {
        "sample_id": sample_id, "record_type": "not_assessed", "rule_id": ",".join(gap["rule_ids"]),
        "gene": gap["gene"], "alteration": gap["alteration_class"], "hpd_risk_level": level, "reason": gap["reason"],
    }


def _vus_row(sample_id: str, level: str, entry: Mapping[str, Any]) -> dict[str, Any]:
    variant = entry.get("variant") or {}
    return {
        "sample_id": sample_id, "record_type": "variant_of_unknown_significance",
        "rule_id": ",".join(entry["rule_ids"]),
        "gene": entry["gene"], "alteration": entry["alteration"], "hpd_risk_level": level,
        "consequence": "&".join(variant.get("consequence", ())), "vaf": variant.get("vaf"),
        "transcript": variant.get("transcript"), "reason": entry["reason"],
    }


def _therapies(therapies: Iterable[Mapping[str, Any]]) -> str:
    parts = []
    for therapy in therapies:
        text = "+".join(therapy["drugs"]) + f" (level {therapy['level']}, {therapy['tumour_type_match']})"
        if therapy["cancelled_by"]:
            text += " cancelled by " + ",".join(therapy["cancelled_by"])
        for qualifier in therapy["qualifiers"]:
            if qualifier["status"] != "met":
                wanted = qualifier["required_state"].replace("_", " ")
                state = "not met" if qualifier["status"] == "not_met" else "unknown"
                text += f" [needs {qualifier['gene']} {wanted}: {state}]"
        parts.append(text)
    return "; ".join(parts)


def _evidence(evidence: Iterable[Mapping[str, Any]]) -> str:
    return ";".join(f"PMID:{e['pmid']}" if e.get("pmid") else f"doi:{e['doi']}" for e in evidence)


def _cell(value: Any) -> str:
    if value is None:
        return ""
    # Tabs and newlines inside a value would break the table; input-derived text can contain them.
    text = str(value).replace("\t", " ").replace("\r", " ").replace("\n", " ")
    return text if isinstance(value, (int, float)) else spreadsheet_safe(text)


FORMULA_STARTS = ("=", "+", "-", "@")


def spreadsheet_safe(text: str) -> str:
    """``text``, with a leading apostrophe when a spreadsheet would run it as a formula (it begins with ``=``,
    ``+``, ``-`` or ``@``, the OWASP CSV-injection list) and it is not a plain number: ``-1.2`` and ``+3`` stay
    as they are, ``=HYPERLINK(…)`` becomes ``'=HYPERLINK(…)``, which spreadsheets show as text."""
    if not text.startswith(FORMULA_STARTS) or text == "-":
        return text
    try:
        float(text)
    except ValueError:
        return "'" + text
    return text
