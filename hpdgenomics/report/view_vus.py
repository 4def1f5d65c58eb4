"""The report's list of variants of unknown significance in rule genes (never part of any finding)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

CATEGORY_WORDS = {"hpd_risk": "HPD-linked", "ici_resistance": "ICI resistance", "ici_benefit": "ICI benefit",
                  "targetable": "targetable"}


def vus_view(document: Mapping[str, Any]) -> list[dict[str, Any]]:
    """One row per uncounted variant: gene, change, its class and why, and the rules it did not count for."""
    rows = []
    for entry in document.get("variants_of_unknown_significance", ()):
        variant = entry.get("variant") or {}
        vaf = variant.get("vaf")
        rows.append({
            "gene": entry["gene"],
            "alteration": entry["alteration"],
            "significance": "unknown significance" if entry.get("significance") == "vus"
            else str(entry.get("significance") or ""),
            "measure": f"VAF {vaf:.0%}" if isinstance(vaf, int | float) else "",
            "contexts": ", ".join(CATEGORY_WORDS.get(c, c) for c in entry.get("categories", ())),
            "reason": entry.get("reason") or "",
            "rule_ids": list(entry.get("rule_ids", ())),
        })
    return rows
