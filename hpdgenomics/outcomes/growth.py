"""The growth quantities of ``hpd-label``, each a value or the reason it cannot be computed.

TGR and months as the Ferté/Koscielny code (``TGR_calculator.R``): t = days × 12 / 365.25,
TG = 3·ln(D_t/D_0)/t and TGR = 100·(exp(TG) − 1). TGK = (S_t − S_0)/t, in mm per month (Saâda-Bouzid 2017 as read
in the knowledge table). Ratios are defined only for a positive reference (a zero or shrinking reference has no
meaningful ratio).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any

from hpdgenomics.outcomes.series import PatientSeries, Scan, TimePoints
from hpdgenomics.outcomes.tables import months_between

QUANTITIES = ("tgr_ref", "tgr_exp", "tgr_ratio", "delta_tgr", "tgk_ref", "tgk_exp", "tgk_ratio",
              "pct_change_first_eval", "ttf_months")
EXTRA = ("recist_progression", "new_lesion_organs", "absolute_change_mm")


@dataclass(frozen=True)
class RecistProgression:
    """RECIST progression at the first evaluation when the input records no response: the target-lesion sum grew by
    at least ``min_percent`` and ``min_mm`` from baseline (the nadir at a first evaluation), or a new lesion."""

    min_percent: float
    min_mm: float
    citation: str


@dataclass
class Quantities:
    """Every quantity of one patient: ``values`` (numbers or booleans) and ``missing`` (quantity → reason)."""

    patient_id: str
    points: TimePoints
    values: dict[str, Any] = field(default_factory=dict)
    missing: dict[str, str] = field(default_factory=dict)
    recist_basis: str = ""

    def get(self, name: str) -> Any:
        return self.values.get(name)


def tumour_growth_rate(d0: float, dt: float, months: float) -> float:
    """TGR, % volume change per month, from two sums of diameters ``months`` apart (the authors' formula)."""
    if dt == 0:
        return -100.0  # the formula's limit as D_t → 0 (R gives exp(-Inf) − 1 = −1 too)
    return 100 * (math.exp(3 * math.log(dt / d0) / months) - 1)


def _interval(a: Scan | None, b: Scan | None, label: str, min_days: int) -> tuple[float | None, str | None]:
    if a is None or b is None:
        return None, f"no {label} scan"
    if a.date is None or b.date is None:
        return None, f"missing {label} scan date"
    days = (b.date - a.date).days
    if days < min_days:
        return None, f"{label} interval too short ({days} days; minimum {min_days})"
    return months_between(a.date, b.date), None


def compute(series: PatientSeries, points: TimePoints, recist: RecistProgression, min_interval_days: int = 1
            ) -> Quantities:
    """All quantities of one patient from the chosen time points."""
    q = Quantities(series.patient_id, points)
    pre, base, first = points.pre_baseline, points.baseline, points.first_evaluation
    ref_months, ref_reason = _interval(pre, base, "pre-baseline", min_interval_days)
    if pre is None:
        ref_reason = "no pre-baseline scan"
    exp_months, exp_reason = _interval(base, first, "first-evaluation", min_interval_days)
    if base is None or first is None:
        exp_reason = points.problem or "no baseline or first-evaluation scan"
    _growth(q, "ref", pre, base, ref_months, ref_reason)
    _growth(q, "exp", base, first, exp_months, exp_reason)
    _ratio(q, "tgr")
    _ratio(q, "tgk")
    if "tgr_ref" in q.values and "tgr_exp" in q.values:
        q.values["delta_tgr"] = q.values["tgr_exp"] - q.values["tgr_ref"]
    else:
        q.missing["delta_tgr"] = q.missing.get("tgr_ref") or q.missing["tgr_exp"]
    _change(q, base, first, exp_reason)
    _ttf(q, series)
    _recist(q, first, recist)
    return q


def _growth(q: Quantities, period: str, a: Scan | None, b: Scan | None, months: float | None,
            reason: str | None) -> None:
    if a is None or b is None or months is None:
        q.missing[f"tgr_{period}"] = q.missing[f"tgk_{period}"] = reason or "missing scan"
        return
    q.values[f"tgk_{period}"] = (b.sum_mm - a.sum_mm) / months
    if a.sum_mm <= 0:
        q.missing[f"tgr_{period}"] = f"sum of diameters 0 at the start of the {period} period (TGR undefined)"
    else:
        q.values[f"tgr_{period}"] = tumour_growth_rate(a.sum_mm, b.sum_mm, months)


def _ratio(q: Quantities, kind: str) -> None:
    ref, exp = q.values.get(f"{kind}_ref"), q.values.get(f"{kind}_exp")
    name = f"{kind}_ratio"
    if ref is None or exp is None:
        q.missing[name] = q.missing.get(f"{kind}_ref") or q.missing.get(f"{kind}_exp") or "missing"
    elif ref <= 0:
        q.missing[name] = (f"reference growth {'zero' if ref == 0 else 'negative'} ({kind.upper()}_ref = {ref:.3g}): "
                           "ratio undefined")
    else:
        q.values[name] = exp / ref


def _change(q: Quantities, base: Scan | None, first: Scan | None, reason: str | None) -> None:
    if base is None or first is None:
        q.missing["pct_change_first_eval"] = q.missing["absolute_change_mm"] = reason or "missing scan"
    elif base.sum_mm <= 0:
        q.missing["pct_change_first_eval"] = "baseline sum of diameters is 0"
        q.values["absolute_change_mm"] = first.sum_mm - base.sum_mm
    else:
        q.values["pct_change_first_eval"] = 100 * (first.sum_mm - base.sum_mm) / base.sum_mm
        q.values["absolute_change_mm"] = first.sum_mm - base.sum_mm


def _ttf(q: Quantities, series: PatientSeries) -> None:
    if series.treatment_start is None:
        q.missing["ttf_months"] = "no treatment start date"
    elif series.treatment_failure is None:
        q.missing["ttf_months"] = "no treatment failure date"
    elif series.treatment_failure < series.treatment_start:
        q.missing["ttf_months"] = "treatment failure before treatment start"
    else:
        q.values["ttf_months"] = months_between(series.treatment_start, series.treatment_failure)


def _recist(q: Quantities, first: Scan | None, rule: RecistProgression) -> None:
    if first is None:
        q.missing["recist_progression"] = q.missing["new_lesion_organs"] = "no first-evaluation scan"
        return
    if first.new_lesion_organs is None:
        q.missing["new_lesion_organs"] = "new-lesion organs not given"
    else:
        q.values["new_lesion_organs"] = first.new_lesion_organs
    if first.response is not None:
        q.values["recist_progression"] = first.response == "PD"
        q.recist_basis = f"recorded response {first.response}"
        return
    pct, change = q.values.get("pct_change_first_eval"), q.values.get("absolute_change_mm")
    new = first.new_lesion_organs
    if pct is not None and change is not None and pct >= rule.min_percent and change >= rule.min_mm:
        q.values["recist_progression"], q.recist_basis = True, "derived: target-lesion sum"
    elif new is not None and new > 0:
        q.values["recist_progression"], q.recist_basis = True, "derived: new lesion"
    elif pct is None or change is None:
        q.missing["recist_progression"] = q.missing.get("pct_change_first_eval", "no sum change")
    elif new is None:
        q.missing["recist_progression"] = ("no recorded response, target-lesion sum below the progression threshold "
                                           "and new lesions not given")
    else:
        q.values["recist_progression"], q.recist_basis = False, "derived: target-lesion sum, no new lesion"
