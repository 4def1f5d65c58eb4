"""The statistics of ``associate``, all from scipy and lifelines (never typed in): Fisher's exact test with the
conditional odds ratio and its confidence interval, Kaplan–Meier medians with confidence intervals, the log-rank
test, the Cox hazard ratio (optionally stratified), and Benjamini–Hochberg q-values.

scipy and lifelines are the ``outcomes`` extra; they are imported here only, when a test runs.
"""

from __future__ import annotations

import math
import warnings
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from hpdgenomics.errors import HpdError

INSTALL_HINT = "pip install 'hpdgenomics[outcomes]' (scipy and lifelines)"
CONFIDENCE = 0.95


class MissingDependencyError(HpdError):
    """An optional library the command needs is not installed."""


def require_libraries() -> None:
    """Raise a clear error when scipy or lifelines is missing."""
    try:
        import lifelines  # noqa: F401
        import scipy.stats  # noqa: F401
    except ImportError as exc:
        raise MissingDependencyError(f"'associate' needs scipy and lifelines ({exc.name} is not installed): "
                                     f"{INSTALL_HINT}") from exc


@dataclass(frozen=True)
class FisherResult:
    p_value: float
    odds_ratio: float
    ci_low: float
    ci_high: float


def fisher(with_event: int, with_none: int, without_event: int, without_none: int) -> FisherResult:
    """Two-sided Fisher's exact test of the 2×2 table, and the conditional maximum-likelihood odds ratio with its
    exact confidence interval (scipy.stats.contingency.odds_ratio)."""
    from scipy.stats import fisher_exact
    from scipy.stats.contingency import odds_ratio

    table = [[with_event, with_none], [without_event, without_none]]
    p_value = float(fisher_exact(table).pvalue)
    estimate = odds_ratio(table, kind="conditional")
    interval = estimate.confidence_interval(confidence_level=CONFIDENCE)
    return FisherResult(p_value, float(estimate.statistic), float(interval.low), float(interval.high))


@dataclass
class SurvivalResult:
    logrank_p: float | None
    hazard_ratio: float | None
    ci_low: float | None
    ci_high: float | None
    cox_p: float | None
    median_with: float | None
    median_with_ci: tuple[float | None, float | None]
    median_without: float | None
    median_without_ci: tuple[float | None, float | None]
    notes: list[str] = field(default_factory=list)


def _finite(value: Any) -> float | None:
    number = float(value)
    return None if math.isnan(number) or math.isinf(number) else number


def km_median(times: np.ndarray, events: np.ndarray) -> tuple[float | None, tuple[float | None, float | None]]:
    """Kaplan–Meier median and its confidence interval (None: not reached)."""
    from lifelines import KaplanMeierFitter
    from lifelines.utils import median_survival_times

    kmf = KaplanMeierFitter(alpha=1 - CONFIDENCE).fit(times, events)
    interval = median_survival_times(kmf.confidence_interval_)
    return _finite(kmf.median_survival_time_), (_finite(interval.iloc[0, 0]), _finite(interval.iloc[0, 1]))


def survival(times: np.ndarray, events: np.ndarray, carrier: np.ndarray,
             strata: Sequence[str] | None = None) -> SurvivalResult:
    """Carriers versus non-carriers: KM medians, log-rank p and Cox HR (stratified by ``strata`` when given)."""
    import pandas as pd
    from lifelines import CoxPHFitter
    from lifelines.statistics import logrank_test

    with_median, with_ci = km_median(times[carrier], events[carrier])
    without_median, without_ci = km_median(times[~carrier], events[~carrier])
    test = logrank_test(times[carrier], times[~carrier], events[carrier], events[~carrier])
    result = SurvivalResult(_finite(test.p_value), None, None, None, None, with_median, with_ci, without_median,
                            without_ci)
    frame = pd.DataFrame({"time": times, "event": events, "carrier": carrier.astype(float)})
    if strata is not None:
        frame["stratum"] = list(strata)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        try:
            cox = CoxPHFitter().fit(frame, "time", "event", strata=["stratum"] if strata is not None else None)
        except Exception as exc:  # lifelines raises ConvergenceError (and others) on separated data
            result.notes.append(f"Cox model did not fit: {type(exc).__name__}")
            return result
    for warning in caught:
        if "converge" in str(warning.message).lower() or "ConvergenceWarning" in type(warning.message).__name__:
            result.notes.append("Cox model: convergence warning (groups may be separated; treat the HR with care)")
            break
    # The summary table is built with pandas for every fit (a fifth of the time at 10,000 rows); the same numbers come
    # straight from the fitted model: HR = exp(coef), the CI from lifelines' intervals, the Wald p from scipy.
    from scipy.stats import norm

    coef = float(cox.params_["carrier"])
    se = float(cox.standard_errors_["carrier"])
    interval = cox.confidence_intervals_.loc["carrier"]
    result.hazard_ratio = _finite(math.exp(coef)) if coef < 700 else None
    result.ci_low = _finite(np.exp(interval.iloc[0]))
    result.ci_high = _finite(np.exp(interval.iloc[1])) if interval.iloc[1] < 700 else None
    result.cox_p = _finite(2 * norm.sf(abs(coef / se))) if se > 0 else None
    return result


def bh_q_values(p_values: Sequence[float]) -> list[float]:
    """Benjamini–Hochberg adjusted p-values (scipy.stats.false_discovery_control)."""
    from scipy.stats import false_discovery_control

    if not p_values:
        return []
    return [float(q) for q in false_discovery_control(np.asarray(p_values, dtype=float), method="bh")]
