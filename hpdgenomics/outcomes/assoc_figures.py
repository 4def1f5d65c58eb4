"""The ``associations.html`` figures: Kaplan–Meier curves of the strongest survival associations, with the numbers
at risk printed under each, and a forest plot of the tested effects (hazard ratios and odds ratios, log scale)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

import numpy as np

from hpdgenomics.outcomes.features import NOT_ASSESSED, PRESENT
from hpdgenomics.outcomes.page import RC, inline

if TYPE_CHECKING:
    from hpdgenomics.outcomes.associate import Association, AssociationResult

MAX_KM = 4
MAX_FOREST = 30
WITH_COLOUR, WITHOUT_COLOUR = "#b91c1c", "#1f2937"


def km_svgs(result: AssociationResult, tested: Sequence[Association]) -> list[tuple[str, str]]:
    """One figure per survival association among the first ``MAX_KM`` (smallest p)."""
    chosen = [r for r in tested if r.effect_type == "hazard_ratio"][:MAX_KM]
    return [_km_svg(result, row, k) for k, row in enumerate(chosen)]


def _groups(result: AssociationResult, row: Association) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    j = result.features.names.index(row.feature)
    column = result.joined.values[:, j]
    times = np.array([np.nan if getattr(o, f"{row.outcome}_months") is None else getattr(o, f"{row.outcome}_months")
                      for o in result.joined.outcomes])
    events = np.array([-1 if getattr(o, f"{row.outcome}_event") is None else getattr(o, f"{row.outcome}_event")
                       for o in result.joined.outcomes])
    keep = (column != NOT_ASSESSED) & (events >= 0) & ~np.isnan(times)
    return times[keep], events[keep].astype(int), column[keep] == PRESENT


def km_figure(result: AssociationResult, row: Association) -> Any:
    """The Kaplan–Meier figure of one survival association (a matplotlib Figure), numbers at risk under it."""
    from lifelines import KaplanMeierFitter
    from matplotlib.figure import Figure

    times, events, carrier = _groups(result, row)
    ticks = _ticks(float(times.max()) if len(times) else 1.0)
    fig = Figure(figsize=(6.2, 3.6))
    ax = fig.add_axes((0.11, 0.34, 0.86, 0.6))
    at_risk = []
    for label, mask, colour in ((f"with ({int(carrier.sum())})", carrier, WITH_COLOUR),
                                (f"without ({int((~carrier).sum())})", ~carrier, WITHOUT_COLOUR)):
        kmf = KaplanMeierFitter().fit(times[mask], events[mask])
        curve = kmf.survival_function_.iloc[:, 0]
        ax.step(curve.index.to_numpy(), curve.to_numpy(), where="post", color=colour, linewidth=1.1, label=label)
        at_risk.append((label.split(" ")[0], [int((times[mask] >= t).sum()) for t in ticks]))
    ax.set_ylim(0, 1.02)
    ax.set_xlim(0, ticks[-1])
    ax.set_xticks(ticks, [f"{t:.0f}" for t in ticks])
    ax.set_xlabel("months")
    ax.set_ylabel(f"{row.outcome.upper()} probability")
    ax.legend(frameon=False, loc="upper right", title=row.feature)
    fig.text(0.01, 0.16, "Number at risk", fontsize=6.5, weight="bold")
    for line, (label, counts) in enumerate(at_risk):
        y = 0.1 - line * 0.06
        fig.text(0.07, y, label, fontsize=6.5, ha="right", color=(WITH_COLOUR, WITHOUT_COLOUR)[line])
        for t, count in zip(ticks, counts, strict=True):
            fig.text(0.11 + 0.86 * (t / (ticks[-1] or 1)), y, str(count), fontsize=6.5, ha="center")
    return fig


def _ticks(longest: float) -> np.ndarray:
    """Time ticks at a round step in months (6, 12, 24 … chosen for about five intervals)."""
    step = next((s for s in (1, 2, 3, 6, 12, 24, 36, 48, 60, 120) if longest / s <= 6), 240)
    return np.arange(0, longest + step, step, dtype=float)


def _km_svg(result: AssociationResult, row: Association, k: int) -> tuple[str, str]:
    import matplotlib

    with matplotlib.rc_context(RC):  # type: ignore[arg-type]
        svg = inline(km_figure(result, row), f"km-{k}", f"Kaplan-Meier curves of {row.outcome} by {row.feature}")
    hr = "" if row.effect is None else f"; Cox HR {row.effect:.2f} ({_num(row.ci_low)}–{_num(row.ci_high)})"
    caption = (f"{row.outcome.upper()} by {row.feature}: {row.n_with} with ({row.events_with} events), "
               f"{row.n_without} without ({row.events_without} events); {row.test} p = {_num(row.p_value)}, "
               f"q = {_num(row.q_value)}{hr}. Numbers at risk under the curves.")
    return svg, caption


def _num(value: float | None) -> str:
    return "–" if value is None else f"{value:.3g}"


def forest_svg(tested: Sequence[Association]) -> tuple[str, str]:
    """Effects with 95% CIs for the ``MAX_FOREST`` smallest p-values (finite effects only)."""
    import matplotlib
    from matplotlib.figure import Figure

    rows = [r for r in tested if r.effect and r.ci_low and r.ci_high and r.effect > 0 and r.ci_low > 0
            and np.isfinite(r.ci_high)][:MAX_FOREST]
    if not rows:
        return "", ""
    with matplotlib.rc_context(RC):  # type: ignore[arg-type]
        fig = Figure(figsize=(6.5, 0.9 + 0.22 * len(rows)))
        ax = fig.add_subplot()
        for y, row in enumerate(rows):
            colour = WITH_COLOUR if row.effect_type == "hazard_ratio" else "#1d4ed8"
            ax.plot([float(row.ci_low or 0), float(row.ci_high or 0)], [y, y], color=colour, linewidth=1)
            ax.plot([float(row.effect or 0)], [y], "s", color=colour, markersize=3.5)
        ax.axvline(1, color="#6b7280", linewidth=0.6, linestyle="--")
        ax.set_xscale("log")
        ax.set_yticks(range(len(rows)), [f"{r.feature} · {r.outcome} ({r.n_with}/{r.n_without})" for r in rows],
                      fontsize=6.5)
        ax.set_ylim(len(rows) - 0.5, -0.5)
        ax.set_xlabel("hazard ratio (red) or odds ratio (blue), 95% CI, log scale")
        fig.tight_layout()
        svg = inline(fig, "forest", "Forest plot of the tested associations")
    return svg, (f"The {len(rows)} tested associations with the smallest p-values (labels: carriers/non-carriers). "
                 "Above 1: worse outcome (shorter survival, more progression or HPD) with the feature.")
