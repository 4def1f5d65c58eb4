"""The cohort figures, as inline SVG drawn with matplotlib from the summary rows.

* Frequency of each HPD-linked event (one rule per row) by tumour type: samples with the event over the samples in
  which the rule could be assessed (a rule that does not apply to a tumour type, or that the inputs could not assess,
  leaves those samples out of the denominator).
* Oncoprint of the HPD genes: one column per sample with at least one HPD-linked event, sorted so that the most
  frequent genes' events come first (the usual "memo sort"), coloured by alteration kind; cells of genes not assessed
  in a drawn sample are hatched grey. Runs of equal cells are drawn as one rectangle, so the SVG stays small for
  thousands of samples.

matplotlib's object API (``Figure``) is used, as in :mod:`hpdgenomics.report.plots`: no backend, no pyplot state; the
SVG is deterministic (fixed hash salt, no date).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping, Sequence
from typing import Any

from hpdgenomics.cohort.summary import CELL_KINDS, SampleSummary
from hpdgenomics.cohort.tables import rule_counts

CELL_COLOURS = {
    "amplification": "#b3261e", "deep_deletion": "#1e3a8a", "missense": "#15803d", "truncating": "#111827",
    "other_variant": "#a16207", "rearrangement": "#7c3aed", "multiple": "#db2777",
}
NOT_ASSESSED = "#d1d5db"
BACKGROUND = "#f3f4f6"
MAX_TUMOUR_TYPES = 12  # more tumour types are pooled as "other"
CELL_INCHES = (0.85, 0.3)  # heatmap cell width and height
_RC: dict[str, Any] = {"svg.fonttype": "none", "font.family": "sans-serif",
                       "font.sans-serif": ["DejaVu Sans", "Liberation Sans"], "font.size": 7.5,
                       "text.parse_math": False, "axes.linewidth": 0.6}


def frequency_svg(rows: Sequence[SampleSummary], rule_genes: Mapping[str, str]) -> tuple[str, str]:
    """The event-by-tumour-type heatmap and its caption ('' when there is nothing to draw)."""
    counts = [entry for entry in rule_counts(rows, rule_genes) if entry["assessed"]]
    if not counts or not rows:
        return "", "No HPD-linked rule could be assessed in any sample."
    types = _tumour_types(rows)
    import matplotlib
    from matplotlib.figure import Figure
    from matplotlib.patches import Rectangle

    labels = [f"{e['rule_id']} ({e['found']}/{e['assessed']})" for e in counts]
    label_width = 0.3 + 0.062 * max(len(label) for label in labels)  # inches, at the 7.5 pt tick labels
    width, height = label_width + CELL_INCHES[0] * len(types) + 0.2, 0.75 + CELL_INCHES[1] * len(counts)
    with matplotlib.rc_context(_RC):  # type: ignore[arg-type]
        fig = Figure(figsize=(width, height))
        ax = fig.add_axes((label_width / width, 0.1 / height, CELL_INCHES[0] * len(types) / width,
                           CELL_INCHES[1] * len(counts) / height))
        cmap = matplotlib.colormaps["Reds"]
        for y, entry in enumerate(counts):
            by_type = _pooled(entry["by_tumour_type"], types)
            for x, name in enumerate(types):
                found, assessed = by_type.get(name, (0, 0))
                share = found / assessed if assessed else None
                colour = BACKGROUND if share is None else cmap(0.08 + 0.92 * min(1.0, share * 5))
                ax.add_patch(Rectangle((x, y), 0.96, 0.9, color=colour, linewidth=0))
                text = "–" if not assessed else f"{found}/{assessed}"
                ax.text(x + 0.48, y + 0.45, text, ha="center", va="center", fontsize=6.5,
                        color="white" if share is not None and share >= 0.12 else "#111827")
        ax.set_xlim(0, len(types))
        ax.set_ylim(len(counts), 0)
        ax.set_xticks([x + 0.48 for x in range(len(types))], types, rotation=30, ha="left")
        ax.set_yticks([y + 0.45 for y in range(len(counts))], labels)
        ax.tick_params(length=0)
        for spine in ax.spines.values():
            spine.set_visible(False)
        ax.xaxis.tick_top()
        svg = svg_text(fig, "frequency", "Frequency of HPD-linked events by tumour type")
    caption = ("Samples with each HPD-linked event over the samples in which its rule could be assessed, by tumour "
               "type (colour: share, saturating at 20%; – : not applicable to the tumour type or not assessed).")
    return svg, caption


def oncoprint_svg(rows: Sequence[SampleSummary], genes: Sequence[str]) -> tuple[str, str]:
    """The oncoprint of the HPD genes and its caption."""
    altered = [row for row in rows if row.cells]
    if not altered:
        return "", f"No HPD-linked event in any of the {len(rows):,} samples: nothing to draw."
    frequency = Counter(gene for row in altered for gene, _ in row.cells)
    order = sorted((g for g in genes if frequency.get(g)), key=lambda g: (-frequency[g], g))
    without = sorted(g for g in genes if not frequency.get(g))
    cells = [dict(row.cells) for row in altered]
    columns = sorted(range(len(altered)), key=lambda i: tuple(
        [0 if g in cells[i] else 1 for g in order] + [altered[i].index]))
    import matplotlib
    from matplotlib.figure import Figure
    from matplotlib.patches import Patch, Rectangle

    with matplotlib.rc_context(_RC):  # type: ignore[arg-type]
        fig = Figure(figsize=(10.0, 0.8 + 0.22 * len(order)))
        ax = fig.add_axes((0.1, 0.2 / (0.8 + 0.22 * len(order)) + 0.05, 0.78, 0.8))
        for y, gene in enumerate(order):
            values = []
            for column in columns:
                row = altered[column]
                values.append(cells[column].get(gene) or ("na" if gene in row.genes_not_assessed else ""))
            for start, length, value in _runs(values):
                colour = CELL_COLOURS.get(value, NOT_ASSESSED if value == "na" else BACKGROUND)
                ax.add_patch(Rectangle((start, y + 0.08), length, 0.84, color=colour,
                                                          linewidth=0, hatch="////" if value == "na" else None))
            share = sum(gene in c for c in cells) / len(rows)
            ax.text(len(columns) * 1.01, y + 0.5, f"{share:.1%}", va="center", fontsize=6.5)
        ax.set_xlim(0, len(columns))
        ax.set_ylim(len(order), 0)
        ax.set_yticks([y + 0.5 for y in range(len(order))], order)
        ax.set_xticks([])
        ax.tick_params(length=0)
        for spine in ax.spines.values():
            spine.set_visible(False)
        handles = [Patch(color=CELL_COLOURS[k], label=k.replace("_", " ")) for k in CELL_KINDS
                   if any(k == v for c in cells for v in c.values())]
        handles.append(Patch(facecolor=NOT_ASSESSED, hatch="////", label="not assessed"))
        fig.legend(handles=handles, loc="lower center", ncol=len(handles), frameon=False, fontsize=6.5)
        svg = svg_text(fig, "oncoprint", "Oncoprint of the HPD genes")
    caption = (f"{len(altered):,} of {len(rows):,} samples have at least one HPD-linked event (one column each; the "
               f"{len(rows) - len(altered):,} others are not drawn). Percentages: samples with an event in the gene "
               "among all samples. Only events that matched an HPD rule for the sample's tumour type are shown"
               + (f"; none for {', '.join(without)}." if without else "."))
    return svg, caption


def _runs(values: Sequence[str]) -> list[tuple[int, int, str]]:
    """(start, length, value) of each run of equal non-empty values."""
    runs = []
    start = 0
    for index in range(1, len(values) + 1):
        if index == len(values) or values[index] != values[start]:
            if values[start]:
                runs.append((start, index - start, values[start]))
            start = index
    return runs


def _tumour_types(rows: Sequence[SampleSummary]) -> list[str]:
    counts = Counter(row.tumour_type or "unknown" for row in rows)
    ranked = sorted(counts, key=lambda t: (-counts[t], t))
    if len(ranked) <= MAX_TUMOUR_TYPES:
        return ranked
    return [*ranked[:MAX_TUMOUR_TYPES - 1], "other"]


def _pooled(by_type: Mapping[str, Mapping[str, int]], shown: Sequence[str]) -> dict[str, tuple[int, int]]:
    pooled: dict[str, tuple[int, int]] = {}
    for name, entry in by_type.items():
        key = name if name in shown else "other"
        found, assessed = pooled.get(key, (0, 0))
        pooled[key] = (found + entry["found"], assessed + entry["assessed"])
    return pooled


def svg_text(fig: Any, salt: str, label: str) -> str:
    """The figure as inline SVG, as the per-sample report's figures are (ids salted apart from theirs)."""
    from hpdgenomics.report.plots import inline_svg

    return inline_svg(fig, f"cohort-{salt}", label)
