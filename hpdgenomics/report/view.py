"""The report document reshaped for reading: every word, number and ordering the HTML and Markdown reports show.

The templates print what this module prepares and compute nothing, so the two renderers cannot disagree. Only the
document is read (never the engine's objects), so a report read back from JSON renders exactly like a fresh one.
Keys that newer documents may carry (``biomarkers``, ``clinical_factors``, ``ici_benefit`` findings,
``not_assessed[].category``) are shown when present and skipped when absent.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from typing import Any
from urllib.parse import quote

from hpdgenomics.report.build import LEVEL_ORDER

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
    "Conditional findings (the rule is limited to tumour types and the sample's type was not given) do not set it.",
    "A gene the inputs did not cover is not assessed, never negative.",
    "Clinical risk factors are never mixed into this genomic level.",
)
ROLES = {
    "sets_level": "sets the level",
    "supporting": "listed; does not raise the level",
    "conditional": "conditional: tumour type not given",
    "not_assessed": "not assessed",
}
MATCH_WORDS = {
    "applies": "this tumour type",
    "conditional": "tumour type not given",
    "other_tumour_type": "other tumour type",
}
MATCH_ORDER = ("applies", "conditional", "other_tumour_type")
QUALIFIER_STATUS = {"met": "met", "not_met": "not met", "unknown": "unknown"}
REQUIRED_STATE = {"wild_type": "wild type", "altered": "altered", "amplified": "amplified"}
VERIFICATION = {"verified": "verified", "partly_verified": "partly verified", "unverified": "unverified"}
BIOMARKER_STATUS_CSS = {"high": "pos", "MSI-H": "pos", "not_high": "neg", "MSS": "neg", "MSI-L": "neg"}
CATEGORY_WORDS = {"hpd_risk": "hyperprogression", "ici_resistance": "ICI resistance", "ici_benefit": "ICI benefit",
                  "targetable": "targetable"}
STATE_ORDER = {"amplification": 0, "deep_deletion": 1, "gain": 2, "loss": 3, "neutral": 4}
DISCLAIMER_SHORT = "For research and clinical decision support; not a diagnosis."

_PMID = re.compile(r"^[0-9]{1,9}$")
_DOI = re.compile(r"^10\.[0-9]{4,9}/\S+$")
_SAFE_URL = re.compile(r"^https://[A-Za-z0-9.-]+/\S*$")


def build_view(document: Mapping[str, Any]) -> dict[str, Any]:
    """Everything the report shows, in display order, from one report document."""
    findings = list(document.get("findings", ()))
    by_category: dict[str, list[Mapping[str, Any]]] = {}
    for finding in findings:
        by_category.setdefault(finding.get("category", ""), []).append(finding)
    gaps = [_gap(g) for g in document.get("not_assessed", ())]
    targetable = _targetable_rows(by_category.get("targetable", ()))
    return {
        "title": f"Hyperprogression screen — {document['sample']['id']}",
        "sample": _sample(document),
        "level": _level(document, gaps),
        "glance": _glance(by_category, targetable, gaps),
        "hpd_findings": [_finding(f, document) for f in by_category.get("hpd_risk", ())],
        "copy_number_events": _events(document),
        "ici": _ici(document, by_category, gaps),
        "targetable": targetable,
        "copy_number": _copy_number(document),
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
        "date": _date(str(document.get("generated_at", ""))),
        "tool": f"{document['tool']['name']} {document['tool']['version']}",
    }


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
            gaps: Sequence[Mapping[str, Any]]) -> list[dict[str, str]]:
    usable = [group for group in targetable if group["usable_here"]]
    kinds = sorted({g["kind_words"] for g in gaps})
    return [
        {"label": "HPD-linked findings", "value": str(len(by_category.get("hpd_risk", ())))},
        {"label": "ICI resistance markers", "value": str(len(by_category.get("ici_resistance", ())))},
        {"label": "ICI benefit markers", "value": str(len(by_category.get("ici_benefit", ())))},
        {"label": "targetable alterations with an option in this tumour type", "value": str(len(usable))},
        {"label": "not assessed" + (f" ({', '.join(kinds)})" if kinds else ""), "value": str(len(gaps))},
    ]


# ---------------------------------------------------------------- findings


def _finding(finding: Mapping[str, Any], document: Mapping[str, Any]) -> dict[str, Any]:
    roles = {r["rule_id"]: r.get("role", "") for r in document["hpd_risk"].get("reasons", ())}
    strength = finding.get("strength") or ""
    return {
        "rule_id": finding["rule_id"],
        "title": finding.get("title") or "",
        "gene": finding["gene"],
        "alteration": finding["alteration"],
        "measure": measure(finding),
        "detail": _finding_detail(finding),
        "strength": strength,
        "strength_reason": finding.get("strength_reason") or "",
        "role": ROLES.get(roles.get(finding["rule_id"], ""), ""),
        "conditional": bool(finding.get("conditional")),
        "scope": scope_words(finding.get("tumour_types", ()), finding.get("exclude_tumour_types", ())),
        "interpretation": finding.get("interpretation") or "",
        "evidence": [evidence(e) for e in finding.get("evidence", ())],
    }


def measure(finding: Mapping[str, Any]) -> str:
    """The number a board looks at: copy number (log2) for copy number, VAF and depth for variants."""
    if finding.get("copy_number"):
        return _cn_measure(finding["copy_number"])
    if finding.get("variant"):
        return _variant_measure(finding["variant"])
    if finding.get("biomarker"):
        marker = finding["biomarker"]
        value = marker.get("value")
        return " ".join(str(x) for x in (marker.get("name"), value if value is not None else "", marker.get("status"))
                        if x not in (None, ""))
    return ""


def _cn_measure(cn: Mapping[str, Any]) -> str:
    parts = []
    if cn.get("copy_number") is not None:
        parts.append(f"copy number {fmt_number(cn['copy_number'])}")
    if cn.get("log2") is not None:
        parts.append(f"log2 {fmt_log2(cn['log2'])}")
    if not parts:
        parts.append(str(cn.get("state", "")).replace("_", " ") + " (discrete call)")
    if cn.get("focal") is True:
        parts.append("focal")
    elif cn.get("focal") is False:
        parts.append("broad")
    return "; ".join(parts)


def _variant_measure(v: Mapping[str, Any]) -> str:
    text = "VAF not available" if v.get("vaf") is None else f"VAF {v['vaf'] * 100:.1f}%"
    reads = []
    if v.get("alt_reads") is not None and v.get("depth") is not None:
        reads.append(f"{v['alt_reads']}/{v['depth']} reads")
    elif v.get("depth") is not None:
        reads.append(f"depth {v['depth']}")
    return text + (f" ({reads[0]})" if reads else "")


def _finding_detail(finding: Mapping[str, Any]) -> str:
    if finding.get("copy_number"):
        cn = finding["copy_number"]
        if cn.get("chrom") is None:
            return str(cn.get("source") or "")
        return f"segment {region(cn['chrom'], cn.get('start'), cn.get('end'))} · {cn.get('source') or ''}".rstrip(" ·")
    if finding.get("variant"):
        v = finding["variant"]
        bits = [", ".join(t.replace("_", " ") for t in v.get("consequence", ()))]
        if v.get("hgvsc"):
            bits.append(str(v["hgvsc"]))
        if v.get("chrom") is not None and v.get("pos") is not None:
            bits.append(f"{v['chrom']}:{v['pos']:,} {v.get('ref') or ''}>{v.get('alt') or ''}")
        return " · ".join(b for b in bits if b)
    if finding.get("biomarker"):
        return str(finding["biomarker"].get("source") or "")
    return ""


def evidence(e: Mapping[str, Any]) -> dict[str, Any]:
    """One study: citation, its finding, how well it was verified, and safe links (PubMed, DOI)."""
    return {
        "citation": str(e.get("citation") or ""),
        "finding": str(e.get("finding") or ""),
        "verification": VERIFICATION.get(str(e.get("verification") or ""), str(e.get("verification") or "")),
        "unverified": e.get("verification") not in (None, "verified"),
        "links": links(e),
    }


def links(e: Mapping[str, Any]) -> list[dict[str, str]]:
    """Citation links built only from a PMID, a DOI or an https URL, so that a rule file cannot inject a link
    with another scheme (``javascript:``); the text is escaped by the template like every other string."""
    out = []
    pmid, doi, url = (str(e.get(k) or "").strip() for k in ("pmid", "doi", "url"))
    if _PMID.match(pmid):
        out.append({"href": f"https://pubmed.ncbi.nlm.nih.gov/{pmid}/", "text": f"PMID {pmid}"})
    if _DOI.match(doi):
        out.append({"href": "https://doi.org/" + quote(doi, safe="/:;()._-"), "text": f"doi:{doi}"})
    if not out and _SAFE_URL.match(url):
        out.append({"href": url, "text": url})
    return out


def _events(document: Mapping[str, Any]) -> list[str]:
    return [str(e.get("note") or "") for e in (document.get("copy_number") or {}).get("events", ())]


# ---------------------------------------------------------------- ICI context


def _ici(document: Mapping[str, Any], by_category: Mapping[str, Sequence[Mapping[str, Any]]],
         gaps: Sequence[Mapping[str, Any]]) -> dict[str, Any]:
    categorised = any(g["category"] for g in gaps)
    ici_gaps = [g for g in gaps if g["category"] in ("ici_resistance", "ici_benefit")] if categorised else list(gaps)
    return {
        "biomarkers": _biomarkers(document.get("biomarkers")),
        "biomarkers_given": "biomarkers" in document,
        "resistance": [_finding(f, document) for f in by_category.get("ici_resistance", ())],
        "benefit": [_finding(f, document) for f in by_category.get("ici_benefit", ())],
        "clinical": _clinical(document.get("clinical_factors")),
        "not_assessed": ici_gaps,
        "not_assessed_is_filtered": categorised,
    }


def _biomarkers(markers: Mapping[str, Any] | None) -> list[dict[str, Any]]:
    rows = []
    for name, label in (("tmb", "Tumour mutational burden (TMB)"), ("msi", "Microsatellite instability (MSI)")):
        marker = (markers or {}).get(name)
        if not marker:
            rows.append({"label": label, "status": "not assessed", "css": "na", "value": "",
                         "detail": "not reported in this document" if markers is None else "not given"})
            continue
        status = str(marker.get("status") or "not_assessed")
        rows.append({
            "label": label,
            "status": status.replace("_", " "),
            "css": BIOMARKER_STATUS_CSS.get(status, "na"),
            "value": _biomarker_value(name, marker),
            "detail": _biomarker_detail(marker),
        })
    return rows


def _biomarker_value(name: str, marker: Mapping[str, Any]) -> str:
    if name == "tmb" and marker.get("value") is not None:
        text = f"{fmt_number(marker['value'])} {marker.get('unit') or 'mutations/Mb'}"
        if marker.get("threshold") is not None:
            text += f" (high ≥ {fmt_number(marker['threshold'])})"
        return text
    if name == "msi" and marker.get("score") is not None:
        return f"score {fmt_number(marker['score'])}"
    return ""


def _biomarker_detail(marker: Mapping[str, Any]) -> str:
    bits = [marker.get("source"), marker.get("method")]
    if marker.get("variants_counted") is not None:
        bits.append(f"{marker['variants_counted']} variants counted")
    if marker.get("panel_size_mb") is not None:
        bits.append(f"over {fmt_number(marker['panel_size_mb'])} Mb")
    if marker.get("reason"):
        bits.append(marker["reason"])
    return "; ".join(str(b) for b in bits if b)


def _clinical(clinical: Mapping[str, Any] | None) -> dict[str, Any] | None:
    if clinical is None:
        return None
    factors = []
    for factor in clinical.get("factors", ()):
        present = factor.get("present")
        factors.append({
            "label": str(factor.get("label") or factor.get("id") or ""),
            "value": "" if factor.get("value") is None else str(factor["value"]),
            "present": {True: "yes", False: "no"}.get(present, "unknown"),
            "css": {True: "pos", False: "neg"}.get(present, "na"),
            "note": str(factor.get("note") or ""),
            "evidence": [evidence(e) for e in factor.get("evidence", ())],
        })
    return {
        "given": bool(clinical.get("given")),
        "source": clinical.get("source"),
        "note": str(clinical.get("note") or ""),
        "factors": factors,
    }


# ---------------------------------------------------------------- targetable


def _targetable_rows(findings: Iterable[Mapping[str, Any]]) -> list[dict[str, Any]]:
    """One group per targetable alteration, its options (drugs at one level and tumour-type match) most actionable
    first, and the groups ordered by their best option."""
    groups = []
    for finding in findings:
        options: dict[tuple[Any, ...], dict[str, Any]] = {}
        cited: list[dict[str, Any]] = []
        for therapy in finding.get("therapies", ()):
            level = str(therapy.get("level", ""))
            match = str(therapy.get("tumour_type_match", ""))
            qualifiers = [_qualifier(q) for q in therapy.get("qualifiers", ())]
            cancelled = [str(c) for c in therapy.get("cancelled_by", ())]
            key = (level, match, tuple(therapy.get("tumour_types", ())), repr(qualifiers), tuple(cancelled))
            option = options.get(key)
            if option is None:
                option = options[key] = {
                    "level": level or "—",
                    "level_css": "lvl-" + (level.lower() if level in LEVEL_ORDER else "other"),
                    "level_words": str(therapy.get("evidence_category") or ""),
                    "match": match,
                    "match_words": MATCH_WORDS.get(match, match.replace("_", " ")),
                    "tumour_types": scope_words(therapy.get("tumour_types", ()), ()),
                    "usable": bool(therapy.get("usable", False)),
                    "drugs": [],
                    "qualifiers": qualifiers,
                    "cancelled_by": cancelled,
                }
            option["drugs"].append({"name": " + ".join(therapy.get("drugs", ())), "note": therapy.get("note") or ""})
            for e in therapy.get("evidence", ()):
                _add_once(cited, evidence(e))
        for e in finding.get("evidence", ()):
            _add_once(cited, evidence(e))
        ordered = sorted(options.values(), key=_option_order)
        for option in ordered:
            option["status"] = _therapy_status(option)
        groups.append({
            "gene": finding["gene"],
            "alteration": finding["alteration"],
            "measure": measure(finding),
            "rule_id": finding["rule_id"],
            "interpretation": finding.get("interpretation") or "",
            "options": ordered,
            "evidence": cited,
            "usable_here": any(o["usable"] and o["match"] == "applies" for o in ordered),
        })
    groups.sort(key=lambda g: (_option_order(g["options"][0]) if g["options"] else (len(LEVEL_ORDER) + 1,),
                               g["gene"], g["alteration"]))
    return groups


def _option_order(option: Mapping[str, Any]) -> tuple[Any, ...]:
    return (_level_index(option["level"]), _match_index(option["match"]), not option["usable"])


def _add_once(items: list[dict[str, Any]], item: dict[str, Any]) -> None:
    if item not in items:
        items.append(item)


def _qualifier(q: Mapping[str, Any]) -> dict[str, str]:
    status = str(q.get("status", "unknown"))
    return {
        "requirement": f"{q.get('gene')} {REQUIRED_STATE.get(str(q.get('required_state')), q.get('required_state'))}",
        "status": QUALIFIER_STATUS.get(status, status),
        "css": {"met": "pos", "not_met": "neg"}.get(status, "na"),
        "detail": str(q.get("detail") or ""),
    }


def _therapy_status(option: Mapping[str, Any]) -> str:
    if option["cancelled_by"]:
        return "cancelled by " + ", ".join(option["cancelled_by"])
    failed = [q["requirement"] for q in option["qualifiers"] if q["status"] == "not met"]
    if failed:
        return "not usable: " + ", ".join(failed) + " not met"
    unknown = [q["requirement"] for q in option["qualifiers"] if q["status"] == "unknown"]
    if unknown:
        return "check first: " + ", ".join(unknown) + " unknown"
    if option["match"] == "other_tumour_type":
        return "evidence is in another tumour type"
    return "no known obstacle"


def _level_index(level: str) -> int:
    return LEVEL_ORDER.index(level) if level in LEVEL_ORDER else len(LEVEL_ORDER)


def _match_index(match: str) -> int:
    return MATCH_ORDER.index(match) if match in MATCH_ORDER else len(MATCH_ORDER)


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
        "events": _events(document),
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


# ---------------------------------------------------------------- formatting


def fmt_number(value: Any) -> str:
    """12.0 → "12", 3.7312 → "3.73"; other values as text."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        return str(value)
    if float(value).is_integer():
        return f"{int(value):,}" if abs(value) >= 10000 else str(int(value))
    return f"{value:.2f}".rstrip("0").rstrip(".")


def fmt_log2(value: float) -> str:
    """Signed, two decimals, and never "-0.00"."""
    return "0.00" if round(value, 2) == 0 else f"{value:+.2f}"


def fmt_size(bp: Any) -> str:
    """Length in bases as kb or Mb."""
    if not isinstance(bp, int | float):
        return ""
    if bp >= 1_000_000:
        return f"{bp / 1_000_000:.1f} Mb"
    if bp >= 1_000:
        return f"{bp / 1_000:.0f} kb"
    return f"{int(bp)} bp"


def region(chrom: Any, start: Any, end: Any) -> str:
    """``chr12:68,780,000–68,900,000`` (coordinates as the document holds them)."""
    name = str(chrom)
    name = name if name.lower().startswith("chr") else f"chr{name}"
    if isinstance(start, int) and isinstance(end, int):
        return f"{name}:{start:,}–{end:,}"
    return name


def scope_words(tumour_types: Iterable[str], exclude: Iterable[str]) -> str:
    """``ALL`` → "all tumour types"; exclusions after "except"."""
    types = [str(t) for t in tumour_types]
    text = "all tumour types" if not types or types == ["ALL"] else ", ".join(types)
    excluded = [str(t) for t in exclude]
    return text + (" except " + ", ".join(excluded) if excluded else "")


def _date(stamp: str) -> str:
    match = re.match(r"^(\d{4}-\d{2}-\d{2})T(\d{2}:\d{2})", stamp)
    return f"{match.group(1)} {match.group(2)} UTC" if match else stamp
