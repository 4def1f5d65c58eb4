"""The report document reshaped for reading: every word, number and ordering the HTML and Markdown reports show.

The templates print what this module prepares and compute nothing, so the two renderers cannot disagree. Only the
document is read (never the engine's objects), so a report read back from JSON renders exactly like a fresh one.
Keys that newer documents may carry (``biomarkers``, ``clinical_factors``, ``ici_benefit`` findings,
``not_assessed[].category``) are shown when present and skipped when absent.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from hpdgenomics.report.formatting import fmt_log2, fmt_number, fmt_size, region, report_date
from hpdgenomics.report.view_findings import ROLES, events, finding_view, ici_view, targetable_view
from hpdgenomics.report.view_vus import vus_view

LEVELS: dict[str, tuple[str, str]] = {  # level → (words, CSS class)
    "high": ("High", "high"),
    "elevated": ("Elevated", "elevated"),
    "none_detected": ("None detected", "none"),
    "not_assessable": ("Not assessable", "na"),
}
# The policy in words, as docs/level_policy.md states it (tests/test_html.py keeps the two in step).
LEVEL_POLICY = (
    ("High", "at least one strong hpd_risk finding applies to the sample's tumour type"),
    ("Elevated", "no strong finding, and at least one moderate hpd_risk finding applies"),
    ("Not assessable", "no strong or moderate finding, and a key event (a rule with key_event: true: MDM2 or MDM4 "
                       "amplification) could not be assessed from the inputs"),
    ("None detected", "no strong or moderate finding, and every key event that applies was assessed"),
)
POLICY_NOTES = (
    "Emerging findings (single studies, case reports, unconfirmed associations) are listed but never raise the level.",
    "Conditional findings (the rule is limited to tumour types and the sample's type was not given, or is broader "
    "than the rule's, e.g. LUNG for a rule on NSCLC) do not set it.",
    "A gene the inputs did not cover is not assessed, never negative.",
    "Clinical risk factors are never mixed into this genomic level.",
)
CONTEXT_MEASURES = {"hpd_incidence": "HPD incidence on ICI", "mdm2_mdm4_amplification": "MDM2/MDM4 amplification",
                    "mdm2_amplification": "MDM2 amplification"}
STATE_ORDER = {"amplification": 0, "deep_deletion": 1, "gain": 2, "loss": 3, "neutral": 4}
DISCLAIMER_SHORT = "For research and clinical decision support; not a diagnosis."
# Stated on every report: the knowledge base holds no intervention shown to prevent HPD (mTOR inhibition is a
# hypothesis only, ../shared/knowledge/hpd_evidence.md, TSC1/TSC2 row, grade E5).
NO_PREVENTION = ("No intervention has been shown to prevent hyperprogression; mTOR inhibition has been proposed "
                 "(hypothesis only). Closer early imaging on ICI is a clinical choice, not a tested remedy.")



def build_view(document: Mapping[str, Any]) -> dict[str, Any]:
    """Everything the report shows, in display order, from one report document."""
    findings = list(document.get("findings", ()))
    by_category: dict[str, list[Mapping[str, Any]]] = {}
    for finding in findings:
        by_category.setdefault(finding.get("category", ""), []).append(finding)
    gaps = [_gap(g) for g in document.get("not_assessed", ())]
    targetable = targetable_view(by_category.get("targetable", ()))
    return {
        "title": f"Hyperprogression screen — {document['sample']['id']}",
        "sample": _sample(document),
        "level": _level(document, gaps),
        "lead": _lead(targetable),
        "no_prevention": NO_PREVENTION,
        "glance": _glance(by_category, targetable, gaps, document),
        "hpd_findings": [finding_view(f, document) for f in by_category.get("hpd_risk", ())],
        "copy_number_events": events(document),
        "tumour_context": [_context(c) for c in document.get("tumour_context", ())],
        "ici": ici_view(document, by_category, gaps),
        "targetable": targetable,
        "copy_number": _copy_number(document),
        "vus": vus_view(document),
        "gaps": gaps,
        "qc": _qc(document),
        "provenance": _provenance(document),
        "disclaimer": str(document.get("disclaimer") or DISCLAIMER_SHORT),
        "disclaimer_short": DISCLAIMER_SHORT,
    }


# ---------------------------------------------------------------- banner


def _sample(document: Mapping[str, Any]) -> dict[str, Any]:
    sample = document["sample"]
    code, name = sample.get("tumour_type"), sample.get("tumour_type_name")
    if code:
        tumour = f"{code} ({name})" if name else str(code)
    else:
        tumour = "not given (tumour-type-specific rules are reported as conditional)"
    return {
        "id": str(sample["id"]),
        "tumour_type": tumour,
        "build": str(sample.get("genome_build") or "not determined"),
        "build_basis": sample.get("genome_build_basis"),
        "tumour_type_note": str(sample.get("tumour_type_note") or ""),
        "date": report_date(str(document.get("generated_at", ""))),
        "tool": f"{document['tool']['name']} {document['tool']['version']}",
    }


def _context(figure: Mapping[str, Any]) -> dict[str, Any]:
    code = str(figure.get("oncotree_code") or "")
    verification = str(figure.get("verification") or "")
    return {"where": "across tumour types" if code == "ALL" else code,
            "measure": CONTEXT_MEASURES.get(str(figure.get("measure")), str(figure.get("measure"))),
            "value": str(figure.get("value") or ""), "population": str(figure.get("population") or ""),
            "citation": str(figure.get("citation") or ""), "identifier": str(figure.get("identifier") or ""),
            "verification": verification.replace("_", " "), "unverified": verification != "verified",
            "note": str(figure.get("note") or "")}


def _lead(targetable: Sequence[Mapping[str, Any]]) -> list[dict[str, str]]:
    """Level 1 targeted therapies for this tumour type (or conditional on its subtype), to head the report: for a
    driver-positive tumour they, not ICI monotherapy, are the standard, and the HPD screen is context."""
    lead = []
    for group in targetable:
        for option in group["options"]:
            if option["level"] == "1" and option["usable"] and option["match"] in ("applies", "conditional"):
                drugs = ", ".join(d["name"] for d in option["drugs"])
                where = option["level_words"] or option["match_words"]
                lead.append({"what": f"{group['gene']} {group['alteration']}", "drugs": drugs,
                             "words": f"OncoKB level 1: {where}",
                             "conditional": "yes" if option["match"] == "conditional" else ""})
    return lead


def _level(document: Mapping[str, Any], gaps: Sequence[Mapping[str, Any]]) -> dict[str, Any]:
    risk = document["hpd_risk"]
    key = str(risk["level"])
    words, css = LEVELS.get(key, (key.replace("_", " ").capitalize(), "na"))
    reasons = list(risk.get("reasons", ()))
    gap_reason = {(g["gene"], rule): g["reason"] for g in gaps for rule in g["rule_ids"]}
    missing = [
        {"what": f"{r['gene']} {r['alteration']}",
         "reason": gap_reason.get((r["gene"], r["rule_id"]), "not covered by the inputs")}
        for r in reasons if r.get("role") == "not_assessed"
    ]
    return {
        "key": key,
        "words": words,
        "css": css,
        "summary": str(risk.get("summary", "")),
        "missing": missing,
        "reasons": [
            {"gene": r["gene"], "alteration": r["alteration"], "strength": r.get("strength") or "",
             "role": ROLES.get(r.get("role", ""), r.get("role", ""))}
            for r in reasons if r.get("role") != "not_assessed"
        ],
        "policy_reference": risk.get("policy"),
    }


def _glance(by_category: Mapping[str, Sequence[Mapping[str, Any]]], targetable: Sequence[Mapping[str, Any]],
            gaps: Sequence[Mapping[str, Any]], document: Mapping[str, Any]) -> list[dict[str, str]]:
    """The four lines a board reads first: what drives the level, ICI context, options here, what is missing."""
    roles = {r["rule_id"]: r.get("role") for r in document["hpd_risk"].get("reasons", ())}
    hpd = list(by_category.get("hpd_risk", ()))
    deciding = [f for f in hpd if roles.get(f["rule_id"]) == "sets_level"]
    others = [f for f in hpd if roles.get(f["rule_id"]) != "sets_level"]
    text = "; ".join(f"{f['gene']} {f['alteration']} ({f.get('strength') or 'unranked'})" for f in deciding)
    if others:
        listed = ", ".join(f"{f['gene']} {f['alteration']}" for f in others)
        text = (text + "; also listed, not raising the level: " if text else "listed, not raising the level: ") + listed
    resistance = "; ".join(f"{f['gene']} {f['alteration']} ({f.get('strength') or 'unranked'})"
                           for f in by_category.get("ici_resistance", ()))
    benefit = "; ".join(f"{f['gene']} {f['alteration']}" for f in by_category.get("ici_benefit", ()))
    ici = "; ".join(part for part in (f"resistance: {resistance}" if resistance else "",
                                      f"benefit: {benefit}" if benefit else "") if part)
    here = []
    for group in targetable:
        for option in group["options"]:
            if option["usable"] and option["match"] in ("applies", "conditional"):
                drugs = ", ".join(d["name"] for d in option["drugs"])
                condition = "; conditional on the subtype" if option["match"] == "conditional" else ""
                here.append(f"{group['gene']} {group['alteration']}: {drugs} (level {option['level']}{condition})")
    labels = [g["label"] for g in gaps]
    missing = ", ".join(labels[:8]) + (f" and {len(labels) - 8} more" if len(labels) > 8 else "")
    return [
        {"label": "Hyperprogression", "value": text or "no hyperprogression-linked finding among the assessed genes"},
        {"label": "ICI context", "value": ici or "no resistance or benefit marker found among the assessed genes"},
        {"label": "Targeted options here", "value": "; ".join(here) or "none for this tumour type"},
        {"label": "Not assessed", "value": missing or "nothing: every rule's genes were covered"},
    ]


# ---------------------------------------------------------------- copy number


def _copy_number(document: Mapping[str, Any]) -> dict[str, Any]:
    cn = document.get("copy_number") or {}
    settings = cn.get("settings") or {}
    thresholds = settings.get("thresholds") or {}
    default = thresholds.get("default") or {}
    genes = []
    for g in sorted(cn.get("genes", ()), key=lambda g: (STATE_ORDER.get(str(g.get("state")), 9), str(g["gene"]))):
        genes.append({
            "gene": g["gene"],
            "state_key": str(g.get("state", "")),
            "state": str(g.get("state", "")).replace("_", " "),
            "state_css": "cn-" + str(g.get("state", "")),
            "copy_number": "" if g.get("copy_number") is None else fmt_number(g["copy_number"]),
            "log2": "" if g.get("log2") is None else fmt_log2(g["log2"]),
            "segment": region(g["chrom"], g.get("start"), g.get("end")) if g.get("chrom") is not None else "",
            "size": fmt_size(g["end"] - g["start"]) if g.get("start") is not None and g.get("end") is not None else "",
            "focal": {True: "focal", False: "broad"}.get(g.get("focal"), ""),
            "covered": "" if g.get("fraction_covered") is None else f"{g['fraction_covered'] * 100:.0f}%",
            "parts": len(g.get("parts", ())),
            "source": str(g.get("source") or ""),
        })
    threshold_rows = []
    names = {"log2_cutoffs": "log2 cut-offs (deep deletion, loss, neutral, gain)",
             "amplification_cn": "amplification from copy number",
             "deep_deletion_cn": "deep deletion below copy number",
             "focal_max_bp": "focal: segment no longer than"}
    sources = thresholds.get("sources") or {}
    for key, label in names.items():
        if key in default:
            value = default[key]
            shown = ", ".join(fmt_number(v) for v in value) if isinstance(value, list) else (
                fmt_size(value) if key == "focal_max_bp" else fmt_number(value))
            threshold_rows.append({"label": label, "value": shown, "source": str(sources.get(key) or "")})
    overrides = [f"{gene}: " + ", ".join(f"{k} {fmt_number(v) if not isinstance(v, list) else v}"
                                         for k, v in sorted(values.items()))
                 for gene, values in sorted((thresholds.get("genes") or {}).items())]
    return {
        "assessed": bool(cn.get("assessed")),
        "basis": str(cn.get("basis") or (document.get("coverage") or {}).get("copy_number") or ""),
        "genes": genes,
        "changed": [g for g in genes if g["state_key"] != "neutral"],
        "neutral": [g for g in genes if g["state_key"] == "neutral"],
        "events": events(document),
        "purity": "not given (taken as pure)" if settings.get("purity") is None else fmt_number(settings["purity"]),
        "ploidy": "" if settings.get("ploidy") is None else fmt_number(settings["ploidy"]),
        "formula": str(settings.get("purity_formula") or ""),
        "seg_values": str(settings.get("seg_values") or ""),
        "threshold_source": str(thresholds.get("source") or ""),
        "thresholds": threshold_rows,
        "overrides": overrides,
        "uncovered": [{"gene": g["gene"], "reason": g["reason"]} for g in cn.get("not_assessed", ())],
        "has_settings": bool(settings),
    }


# ---------------------------------------------------------------- not assessed, QC, provenance


def _gap(gap: Mapping[str, Any]) -> dict[str, Any]:
    kind = str(gap.get("kind") or "")
    category = gap.get("category") or ""
    if not category and gap.get("categories"):
        category = next(iter(gap["categories"]), "")
    return {
        "gene": gap["gene"],
        "alteration_class": str(gap.get("alteration_class") or ""),
        "kind": kind,
        "kind_words": kind.replace("_", " "),
        "label": _gap_label(str(gap["gene"]), str(gap.get("alteration_class") or "")),
        "reason": str(gap.get("reason") or ""),
        "rule_ids": [str(r) for r in gap.get("rule_ids", ())],
        "category": str(category),
    }


def _gap_label(gene: str, alteration_class: str) -> str:
    # Biomarker gaps name themselves ("TMB >= 10 mut/Mb"); repeating the gene would read "TMB TMB >= 10 mut/Mb".
    return alteration_class if alteration_class.startswith(gene) else f"{gene} {alteration_class}".strip()


def _qc(document: Mapping[str, Any]) -> dict[str, Any]:
    qc = document.get("qc") or {}
    files = []
    for tally in qc.get("files", ()):
        files.append({
            "path": str(tally.get("path") or ""),
            "unit": str(tally.get("unit") or "records"),
            "read": tally.get("read", 0),
            "kept": tally.get("kept", 0),
            "skipped": [{"reason": str(r), "count": c} for r, c in sorted((tally.get("skipped") or {}).items())],
            "notes": [str(n) for n in tally.get("notes", ())],
        })
    coverage = document.get("coverage") or {}
    return {
        "files": files,
        "read": qc.get("read", 0),
        "kept": qc.get("kept", 0),
        "skipped": [{"reason": str(r), "count": c} for r, c in sorted((qc.get("skipped") or {}).items())],
        "balanced": qc.get("balanced", True),
        "variants_kept": qc.get("variants_kept"),
        "copy_number_calls": qc.get("copy_number_calls"),
        "coverage": [{"kind": "small variants", "basis": str(coverage.get("small_variants") or "")},
                     {"kind": "copy number", "basis": str(coverage.get("copy_number") or "")}],
        "out_of_scope": [str(r) for r in document.get("rules_out_of_scope", ())],
    }


def _provenance(document: Mapping[str, Any]) -> dict[str, Any]:
    rules = document.get("rules") or {}
    sample = document["sample"]
    parameters = []
    for key, value in (document.get("parameters") or {}).items():
        if isinstance(value, list | tuple):
            shown = ", ".join(str(v) for v in value) or "none"
        elif value is None:
            shown = "not set"
        else:
            shown = str(value).lower() if isinstance(value, bool) else str(value)
        parameters.append({"name": str(key), "value": shown})
    return {
        "tool": f"{document['tool']['name']} {document['tool']['version']}",
        "schema_version": str(document.get("schema_version") or ""),
        "generated_at": str(document.get("generated_at") or ""),
        "rules_version": str(rules.get("version") or ""),
        "rules_sha256": str(rules.get("sha256") or ""),
        "rules_count": rules.get("count"),
        "rule_files": [{"path": str(f.get("path")), "sha256": str(f.get("sha256")),
                        "origin": "bundled" if f.get("bundled") else "user"} for f in rules.get("files", ())],
        "inputs": [{"path": str(i.get("path")), "format": str(i.get("format")), "sha256": str(i.get("sha256"))}
                   for i in document.get("inputs", ())],
        "parameters": parameters,
        "build": str(sample.get("genome_build") or "not determined"),
        "build_basis": str(sample.get("genome_build_basis") or ""),
        "policy": LEVEL_POLICY,
        "policy_notes": POLICY_NOTES,
        "policy_reference": str((document.get("hpd_risk") or {}).get("policy") or ""),
    }
