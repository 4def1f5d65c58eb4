"""The view-model of the findings sections: hyperprogression findings, ICI context and targetable options.

Part of :mod:`hpdgenomics.report.view`; like it, reads only the report document.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from typing import Any
from urllib.parse import quote

from hpdgenomics.report.build import LEVEL_ORDER
from hpdgenomics.report.formatting import fmt_log2, fmt_number, region, scope_words
from hpdgenomics.report.numbers import count_sentence

ROLES = {
    "sets_level": "sets the level",
    "supporting": "listed; does not raise the level",
    "conditional": "conditional; does not raise the level",
    "not_assessed": "not assessed",
    "assessed": "key event assessed, not found",
}
MATCH_WORDS = {
    "applies": "this tumour type",
    "conditional": "depends on the tumour type",
    "other_tumour_type": "other tumour type",
}
MATCH_ORDER = ("applies", "conditional", "other_tumour_type")
QUALIFIER_STATUS = {"met": "met", "not_met": "not met", "unknown": "unknown"}
REQUIRED_STATE = {"wild_type": "wild type", "altered": "altered", "amplified": "amplified"}
VERIFICATION = {"verified": "verified", "partly_verified": "partly verified", "unverified": "unverified"}
BIOMARKER_STATUS_CSS = {"high": "pos", "MSI-H": "pos", "not_high": "neg", "MSS": "neg", "MSI-L": "neg"}

_PMID = re.compile(r"^[0-9]{1,9}$")
_DOI = re.compile(r"^10\.[0-9]{4,9}/\S+$")
_SAFE_URL = re.compile(r"^https://[A-Za-z0-9.-]+/\S*$")


def finding_view(finding: Mapping[str, Any], document: Mapping[str, Any]) -> dict[str, Any]:
    """One finding as a table row: what was found, the measurement, strength, role in the level, studies."""
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
        "condition": str(finding.get("scope_condition") or ""),
        "scope": scope_words(finding.get("tumour_types", ()), finding.get("exclude_tumour_types", ())),
        "interpretation": finding.get("interpretation") or "",
        "caveats": list(finding.get("caveats", ())),
        "evidence": [evidence(e) for e in finding.get("evidence", ())],
        "numbers": [n for n in (count_sentence(e) for e in finding.get("evidence", ())) if n],
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


def events(document: Mapping[str, Any]) -> list[str]:
    """The co-amplification notes (e.g. MDM2 with CDK4 on 12q)."""
    return [str(e.get("note") or "") for e in (document.get("copy_number") or {}).get("events", ())]


# ---------------------------------------------------------------- ICI context


def ici_view(document: Mapping[str, Any], by_category: Mapping[str, Sequence[Mapping[str, Any]]],
             gaps: Sequence[Mapping[str, Any]]) -> dict[str, Any]:
    """TMB and MSI, resistance and benefit findings, clinical factors, and the gaps that bear on them."""
    categorised = any(g["category"] for g in gaps)
    ici_gaps = [g for g in gaps if g["category"] in ("ici_resistance", "ici_benefit")] if categorised else list(gaps)
    return {
        "biomarkers": _biomarkers(document.get("biomarkers")),
        "biomarkers_given": "biomarkers" in document,
        "resistance": [finding_view(f, document) for f in by_category.get("ici_resistance", ())],
        "benefit": [finding_view(f, document) for f in by_category.get("ici_benefit", ())],
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


def targetable_view(findings: Iterable[Mapping[str, Any]]) -> list[dict[str, Any]]:
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
                    "match_words": str(therapy.get("scope_condition") or "")
                    or MATCH_WORDS.get(match, match.replace("_", " ")),
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


