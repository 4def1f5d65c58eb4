"""The numbers behind an evidence entry: its count with an exact binomial 95% interval, and a short citation.

The interval comes from ``scipy.stats.binomtest(...).proportion_ci(method="exact")`` (Clopper-Pearson), never typed
in; scipy is imported on first use so that a report without counts does not pay for it.
"""

from __future__ import annotations

import re
from typing import Any

from hpdgenomics.engine.rules import EvidenceCount

CI_METHOD = "exact (Clopper-Pearson) binomial 95% interval, scipy.stats.binomtest(...).proportion_ci(method='exact')"
_YEAR = re.compile(r"\b(19|20)\d{2}\b")


def exact_ci(events: int, total: int, confidence: float = 0.95) -> tuple[float, float]:
    """Clopper-Pearson interval of ``events`` / ``total`` (scipy)."""
    from scipy.stats import binomtest

    interval = binomtest(events, total).proportion_ci(confidence_level=confidence, method="exact")
    return float(interval.low), float(interval.high)


def count_entry(count: EvidenceCount | None) -> dict[str, Any] | None:
    """The count as the report stores it (rounded to 4 places so that reports stay byte-stable)."""
    if count is None:
        return None
    low, high = exact_ci(count.events, count.total)
    return {"events": count.events, "total": count.total, "outcome": count.outcome,
            "proportion": round(count.proportion, 4), "ci95": [round(low, 4), round(high, 4)],
            "ci_method": CI_METHOD}


def short_citation(citation: str) -> str:
    """'Kato S, Goodman A, … Clin Cancer Res 2017;…' → 'Kato 2017' (the citation itself when it has no year)."""
    author = re.split(r"[ ,.]", citation.strip(), maxsplit=1)[0]
    year = _YEAR.search(citation)
    return f"{author} {year.group(0)}" if author and year else citation


def count_sentence(evidence: dict[str, Any]) -> str | None:
    """'Kato 2017: 4 of 6 MDM2/MDM4-amplified patients had hyperprogression (exact 95% CI 22–96%)' from a report's
    evidence entry; None when it has no count."""
    count = evidence.get("count")
    if not count:
        return None
    low, high = count["ci95"]
    return (f"{short_citation(str(evidence.get('citation') or ''))}: {count['events']} of {count['total']} "
            f"{count['outcome']} (exact 95% CI {low * 100:.0f}–{high * 100:.0f}%)")
