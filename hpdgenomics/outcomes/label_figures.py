"""The ``hpd_labels.html`` figures: a spider plot (sum of diameters relative to baseline, from the pre-baseline scan
through baseline to the first evaluation, months from baseline on x) and a waterfall of the change at the first
evaluation. Patients called HPD by the first definition are drawn in red."""

from __future__ import annotations

from typing import TYPE_CHECKING

from hpdgenomics.outcomes.page import RC, inline

if TYPE_CHECKING:
    from hpdgenomics.outcomes.labelling import LabelResult

HPD_COLOUR, OTHER_COLOUR = "#b91c1c", "#6b7280"


def _first_definition(result: LabelResult) -> str:
    return result.definitions.definitions[0].id


def spider_svg(result: LabelResult) -> tuple[str, str]:
    """The spider plot and its caption ('' when no patient has a dated baseline and first evaluation)."""
    import matplotlib
    from matplotlib.figure import Figure

    first_id = _first_definition(result)
    lines = []
    for patient in result.patients:
        points = patient.quantities.points
        base = points.baseline
        if base is None or base.date is None or base.sum_mm <= 0:
            continue
        xs, ys = [], []
        for scan in (points.pre_baseline, base, points.first_evaluation):
            if scan is not None and scan.date is not None:
                xs.append((scan.date - base.date).days * 12 / 365.25)
                ys.append(100 * (scan.sum_mm - base.sum_mm) / base.sum_mm)
        if len(xs) > 1:
            lines.append((xs, ys, patient.labels[first_id].call == "HPD"))
    if not lines:
        return "", ""
    with matplotlib.rc_context(RC):  # type: ignore[arg-type]
        fig = Figure(figsize=(6.5, 3.4))
        ax = fig.add_subplot()
        for xs, ys, hpd in sorted(lines, key=lambda line: line[2]):
            ax.plot(xs, ys, color=HPD_COLOUR if hpd else OTHER_COLOUR, alpha=0.9 if hpd else 0.35, linewidth=0.9,
                    marker="o", markersize=2)
        ax.axvline(0, color="#111827", linewidth=0.6)
        ax.axhline(0, color="#111827", linewidth=0.4, linestyle=":")
        ax.set_xlabel("months from baseline (treatment starts after the baseline scan)")
        ax.set_ylabel("sum of diameters, % of baseline change")
        fig.tight_layout()
        svg = inline(fig, "spider", "Spider plot of tumour size before and on treatment")
    label = result.definitions.definitions[0].label
    return svg, (f"{len(lines)} patients: the segment left of 0 is the growth before treatment, right of 0 on "
                 f"treatment; red: HPD by {label}.")


def waterfall_svg(result: LabelResult) -> tuple[str, str]:
    """The waterfall plot of % change at the first evaluation and its caption."""
    import matplotlib
    from matplotlib.figure import Figure

    first_id = _first_definition(result)
    bars = sorted(((p.quantities.get("pct_change_first_eval"), p.labels[first_id].call == "HPD")
                   for p in result.patients if p.quantities.get("pct_change_first_eval") is not None),
                  key=lambda bar: -bar[0])
    if not bars:
        return "", ""
    with matplotlib.rc_context(RC):  # type: ignore[arg-type]
        fig = Figure(figsize=(6.5, 2.6))
        ax = fig.add_subplot()
        ax.bar(range(len(bars)), [b[0] for b in bars], width=0.85,
               color=[HPD_COLOUR if b[1] else OTHER_COLOUR for b in bars])
        ax.axhline(0, color="#111827", linewidth=0.5)
        ax.set_xticks([])
        ax.set_xlabel("patients, by change")
        ax.set_ylabel("% change at first evaluation")
        fig.tight_layout()
        svg = inline(fig, "waterfall", "Waterfall plot of the change at the first evaluation")
    label = result.definitions.definitions[0].label
    return svg, f"{len(bars)} patients with a baseline and first evaluation; red: HPD by {label}."
