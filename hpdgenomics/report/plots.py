"""Copy-number figures of the HTML report: inline SVG drawn with matplotlib from the report document.

What is drawn (segments, copy numbers, states, thresholds, gene spans, chromosome lengths) is read from the document
by :mod:`.plot_data`; the figure says whether it shows the genome-wide segment list or only the segments behind the
rule genes' calls.

matplotlib is imported inside :func:`copy_number_figures`, so importing the package (``hpdgenomics --help``, the VCF
path) never pays for it. Figures are drawn with matplotlib's object API (``Figure`` and the SVG canvas), which
needs no backend selection and leaves pyplot's global state alone. The SVG is deterministic: fixed hash salt per
figure (so element ids are stable and never collide between the figures of one page), no date in the metadata.
"""

from __future__ import annotations

import html
import io
import math
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from hpdgenomics.report.plot_data import PANELS, PlotData, Segment, chromosome_lengths, plot_data

__all__ = ["PANELS", "CopyNumberFigures", "PanelFigure", "Segment", "copy_number_figures", "inline_svg", "plot_data"]

PANEL_PADDING_BP = 2_000_000
STATE_COLOURS = {
    "amplification": "#b3261e",
    "gain": "#e0892b",
    "neutral": "#6b7280",
    "loss": "#4f86c6",
    "deep_deletion": "#1e3a8a",
}
CN_FLOOR = 0.25  # copy numbers below this are drawn on the bottom line of the log-scaled axis
_RC = {
    "svg.fonttype": "none",  # text stays text: smaller, searchable, and the page's fonts render it
    "font.family": "sans-serif",
    "font.sans-serif": ["DejaVu Sans", "Liberation Sans", "Arial"],
    "font.size": 7.5,
    "text.parse_math": False,  # a '$' in a gene or sample name must not start mathtext
    "axes.linewidth": 0.6,
    "xtick.major.width": 0.6,
    "ytick.major.width": 0.6,
    "axes.spines.top": False,
    "axes.spines.right": False,
}


@dataclass(frozen=True, slots=True)
class PanelFigure:
    """One zoomed region: its title, the genes it shows and the SVG (empty when there was nothing to draw)."""

    band: str
    genes: tuple[str, ...]
    svg: str
    caption: str


@dataclass(frozen=True)
class CopyNumberFigures:
    """The figures of one report; ``note`` says what they show, or why nothing is drawn."""

    genome: str = ""
    panels: tuple[PanelFigure, ...] = ()
    note: str = ""
    genome_wide: bool = False
    legend: tuple[tuple[str, str], ...] = field(default_factory=tuple)


def copy_number_figures(document: Mapping[str, Any]) -> CopyNumberFigures:
    """The genome-wide profile and the zoomed panels of ``document``, as inline SVG."""
    cn = document.get("copy_number") or {}
    if not cn.get("assessed"):
        return CopyNumberFigures(note="No copy-number input: there is no copy-number profile to draw.")
    data = plot_data(document)
    if not data.segments:
        return CopyNumberFigures(note="The copy-number input gives gene-level calls without segments (e.g. a discrete "
                                      "CNA table), so there is no profile to draw; the calls are in the table below.")
    import matplotlib  # imported here so that importing the package stays fast

    with matplotlib.rc_context(_RC):  # type: ignore[arg-type]  # matplotlib types the keys as one Literal
        genome = _genome_svg(data)
        panels = tuple(_panel_figure(band, genes, data) for band, genes in PANELS)
    if data.genome_wide:
        note = "Genome-wide profile of every segment of the input."
    else:
        note = (f"Only the {len(data.segments)} segments overlapping the genes the rules look at are drawn: the report "
                "document does not carry the input's genome-wide segment list, so other regions appear empty.")
    states = sorted({s.state for s in data.segments}, key=lambda s: list(STATE_COLOURS).index(s)
                    if s in STATE_COLOURS else len(STATE_COLOURS))
    legend = tuple((state.replace("_", " "), STATE_COLOURS.get(state, "#6b7280")) for state in states)
    return CopyNumberFigures(genome=genome, panels=panels, note=note, genome_wide=data.genome_wide, legend=legend)


# ---------------------------------------------------------------- drawing


def _value(segment: Segment, mode: str) -> float:
    if mode == "cn":
        return max(segment.copy_number or 0.0, CN_FLOOR)
    return segment.log2 or 0.0


def _y_limits(data: PlotData) -> tuple[float, float]:
    values = [_value(s, data.mode) for s in data.segments]
    if data.mode == "cn":
        amp = float(data.thresholds.get("amplification_cn") or 6)
        top = max([16.0, amp * 2, *(v * 1.5 for v in values)])
        return CN_FLOOR * 0.8, 2 ** math.ceil(math.log2(top))
    return min(-2.5, min(values) - 0.3), max(3.0, max(values) + 0.3)


def _prepare_axis(ax: Any, data: PlotData, ylim: tuple[float, float]) -> None:
    ax.set_ylim(*ylim)
    if data.mode == "cn":
        ax.set_yscale("log", base=2)
        ticks = [t for t in (0.25, 0.5, 1, 2, 4, 8, 16, 32, 64, 128, 256) if t <= ylim[1]]
        ax.set_yticks(ticks, ["0" if t == CN_FLOOR else f"{t:g}" for t in ticks])
        ax.minorticks_off()
        ax.set_ylabel("copy number")
    else:
        ax.set_ylabel("log2 ratio")
    # Grid lines as one collection: matplotlib's own grid adds a line object per tick, a fifth of the drawing time.
    ticks = ax.get_yticks()
    ax.hlines([t for t in ticks if ylim[0] <= t <= ylim[1]], 0, 1, transform=ax.get_yaxis_transform(),
              colors="#e5e7eb", linewidth=0.5, zorder=0)


def _threshold_lines(ax: Any, data: PlotData, genes: Sequence[str] = ()) -> None:
    """Amplification and deep-deletion thresholds (per-gene overrides in a panel), and the ploidy baseline."""
    from matplotlib.transforms import blended_transform_factory

    where = blended_transform_factory(ax.transAxes, ax.transData)
    lines: list[tuple[float, str, str, str]] = []
    default = data.thresholds
    if data.mode == "cn":
        amp = default.get("amplification_cn")
        if amp is not None:
            lines.append((float(amp), f"amplification ≥ {amp:g}", STATE_COLOURS["amplification"], "--"))
        for gene in genes:
            own = (data.gene_thresholds.get(gene) or {}).get("amplification_cn")
            if own is not None and own != amp:
                lines.append((float(own), f"{gene} amplification ≥ {own:g}", STATE_COLOURS["amplification"], ":"))
        deep = default.get("deep_deletion_cn")
        if deep is not None:
            lines.append((max(float(deep), CN_FLOOR), f"deep deletion < {deep:g}", STATE_COLOURS["deep_deletion"],
                          "--"))
        lines.append((data.ploidy, f"ploidy {data.ploidy:g}", "#9ca3af", ":"))
    else:
        cutoffs = list(default.get("log2_cutoffs") or ())
        names = ("deep deletion ≤", "loss ≤", "gain >", "")
        colours = (STATE_COLOURS["deep_deletion"], STATE_COLOURS["loss"], STATE_COLOURS["gain"], "#9ca3af")
        for value, name, colour in zip(cutoffs[:3], names, colours, strict=False):
            lines.append((float(value), f"{name} {value:g}", colour, "--"))
    for y, label, colour, style in lines:
        ax.axhline(y, color=colour, linewidth=0.7, linestyle=style, zorder=1)
        ax.text(1.003, y, label, transform=where, color=colour, fontsize=6, va="center", ha="left", clip_on=False)


def _draw_segments(ax: Any, segments: Sequence[Segment], data: PlotData, offset: Mapping[str, float] | None = None,
                   scale: float = 1.0, linewidth: float = 2.2, min_width: float = 0.0) -> None:
    """Segments as horizontal bars at their value; a focal segment narrower than ``min_width`` (x units) is widened
    around its centre so that a 100-kb amplification stays visible on a genome-wide axis."""
    if not segments:
        return
    xs0, xs1, ys, colours = [], [], [], []
    for s in segments:
        base = offset[s.chrom] if offset is not None else 0.0
        x0, x1 = (base + s.start) / scale, (base + s.end) / scale
        if x1 - x0 < min_width:
            middle = (x0 + x1) / 2
            x0, x1 = middle - min_width / 2, middle + min_width / 2
        xs0.append(x0)
        xs1.append(x1)
        ys.append(_value(s, data.mode))
        colours.append(STATE_COLOURS.get(s.state, "#6b7280"))
    ax.hlines(ys, xs0, xs1, colors=colours, linewidth=linewidth, zorder=3, capstyle="butt")
    if min_width:
        # A stem from the ploidy line to each amplified or deeply deleted focal segment, so it reads as an event.
        stems = [(x0, x1, y, c) for x0, x1, y, c, s in zip(xs0, xs1, ys, colours, segments, strict=True)
                 if s.state in ("amplification", "deep_deletion") and x1 - x0 <= min_width * 1.01]
        if stems and data.mode == "cn":
            ax.vlines([(a + b) / 2 for a, b, _, _ in stems], data.ploidy, [y for _, _, y, _ in stems],
                      colors=[c for _, _, _, c in stems], linewidth=0.8, zorder=2)

def _genome_svg(data: PlotData) -> str:
    from matplotlib.figure import Figure

    lengths = chromosome_lengths(data)
    offset: dict[str, float] = {}
    total = 0.0
    for chrom, length in lengths.items():
        offset[chrom] = total
        total += length
    fig = Figure(figsize=(10.0, 2.5))
    ax = fig.add_axes((0.055, 0.16, 0.84, 0.76))
    ylim = _y_limits(data)
    _prepare_axis(ax, data, ylim)
    for index, (chrom, length) in enumerate(lengths.items()):
        if index % 2:
            ax.axvspan(offset[chrom], offset[chrom] + length, color="#f3f4f6", zorder=0, linewidth=0)
    ax.set_xlim(0, total)
    ax.set_xticks([offset[c] + n / 2 for c, n in lengths.items()], list(lengths))
    ax.tick_params(axis="x", length=0, labelsize=6.5)
    _threshold_lines(ax, data)
    _draw_segments(ax, data.segments, data, offset=offset, linewidth=2.4, min_width=total / 300)
    for label, x, y, state in _genome_labels(data, offset, total):
        label_y = y * 1.35 if data.mode == "cn" else y + 0.25
        ax.annotate(label, (x, y), (x, label_y), ha="center", va="bottom", fontsize=6.5, fontweight="bold",
                    color=STATE_COLOURS.get(state, "#111827"), annotation_clip=False)
    return inline_svg(fig, "genome", "Genome-wide copy-number profile")


def _genome_labels(data: PlotData, offset: Mapping[str, float],
                   total: float) -> list[tuple[str, float, float, str]]:
    """Names of amplified and deeply deleted genes; neighbours with the same state share one label (the 11q13
    genes lie within 0.2 Mb and would print on top of each other)."""
    marks = []
    for gene, call in sorted(data.gene_calls.items()):
        if call.get("state") not in ("amplification", "deep_deletion") or gene not in data.gene_spans:
            continue
        chrom, start, end = data.gene_spans[gene]
        value = call.get("copy_number") if data.mode == "cn" else call.get("log2")
        if chrom not in offset or value is None:
            continue
        y = max(float(value), CN_FLOOR) if data.mode == "cn" else float(value)
        marks.append((offset[chrom] + (start + end) / 2, gene, y, str(call["state"])))
    marks.sort()
    groups: list[list[tuple[float, str, float, str]]] = []
    for mark in marks:
        if groups and mark[0] - groups[-1][-1][0] < total / 150 and mark[3] == groups[-1][-1][3]:
            groups[-1].append(mark)
        else:
            groups.append([mark])
    labels = []
    for group in groups:
        names = "/".join(m[1] for m in group)
        labels.append((names, sum(m[0] for m in group) / len(group), max(m[2] for m in group), group[0][3]))
    return labels


def _panel_figure(band: str, genes: tuple[str, ...], data: PlotData) -> PanelFigure:
    from matplotlib.figure import Figure

    title = f"{band} — {', '.join(genes)}"
    spans = [data.gene_spans[g] for g in genes if g in data.gene_spans]
    chrom = spans[0][0] if spans else None
    if chrom is None:
        return PanelFigure(band, genes, "", f"{title}: gene positions unknown for build {data.build or 'unknown'}.")
    start = min(s[1] for s in spans) - PANEL_PADDING_BP
    end = max(s[2] for s in spans) + PANEL_PADDING_BP
    start = max(start, 0)
    inside = [s for s in data.segments if s.chrom == chrom and s.end > start and s.start < end]
    clipped = [Segment(s.chrom, max(s.start, start), min(s.end, end), s.copy_number, s.log2, s.state) for s in inside]
    fig = Figure(figsize=(4.9, 2.25))
    ax = fig.add_axes((0.12, 0.19, 0.64, 0.68))
    ylim = _y_limits(data)
    _prepare_axis(ax, data, ylim)
    ax.set_xlim(start / 1e6, end / 1e6)
    ax.set_xlabel(f"chr{chrom} position (Mb, {data.build or 'build unknown'})")
    ax.set_title(title, fontsize=8, loc="left", fontweight="bold")
    for index, gene in enumerate(g for g in genes if g in data.gene_spans):
        _, g_start, g_end = data.gene_spans[gene]
        ax.axvspan(g_start / 1e6, g_end / 1e6, color="#fde68a", alpha=0.9, zorder=2, linewidth=0)
        call = data.gene_calls.get(gene) or {}
        value = call.get("copy_number")
        label = gene + (f" {value:g}" if isinstance(value, int | float) else "")
        # Names sit low in the panel, stacked, on a white ground: the data line is usually at or above the ploidy.
        ax.text((g_start + g_end) / 2e6, 0.04 + 0.1 * (index % 4), label, transform=ax.get_xaxis_transform(),
                ha="center", va="bottom", fontsize=6.5, fontweight="bold",
                color=STATE_COLOURS.get(str(call.get("state")), "#111827"), zorder=5,
                bbox={"facecolor": "white", "edgecolor": "none", "alpha": 0.85, "pad": 0.6})
    _threshold_lines(ax, data, genes)
    _draw_segments(ax, clipped, data, scale=1e6, linewidth=3.0, min_width=(end - start) / 1e6 / 120)
    if not clipped:
        ax.text(0.5, 0.45, "no segment over this region: not assessed", transform=ax.transAxes, ha="center",
                va="center", fontsize=7, color="#6b7280")
    caption = _panel_caption(genes, data, bool(clipped))
    return PanelFigure(band, genes, inline_svg(fig, f"panel-{band}", f"Copy number around {title}"), caption)


def _panel_caption(genes: Sequence[str], data: PlotData, drawn: bool) -> str:
    if not drawn:
        return "No segment of the input covers this region."
    parts = []
    for gene in genes:
        call = data.gene_calls.get(gene)
        if call is None:
            parts.append(f"{gene} not assessed")
            continue
        value = call.get("copy_number")
        text = f"{gene} {str(call.get('state', '')).replace('_', ' ')}"
        parts.append(text + (f" (copy number {value:g})" if isinstance(value, int | float) else ""))
    return "; ".join(parts) + "."


def inline_svg(fig: Any, salt: str, label: str) -> str:
    """The figure as an SVG element to inline in HTML: no XML prolog, DOCTYPE or metadata, stable ids."""
    import matplotlib

    buffer = io.StringIO()
    with matplotlib.rc_context({"svg.hashsalt": f"hpdgenomics-{salt}"}):
        fig.savefig(buffer, format="svg", metadata={"Date": None, "Creator": None, "Format": None, "Type": None})
    text = buffer.getvalue()
    text = text[text.index("<svg"):]
    text = re.sub(r"<metadata>.*?</metadata>\s*", "", text, flags=re.S)
    # Namespaces are implied for SVG inside HTML; dropping them leaves no URL in the page but the citation links.
    text = text.replace(' xmlns:xlink="http://www.w3.org/1999/xlink"', "").replace(
        ' xmlns="http://www.w3.org/2000/svg"', "")
    # matplotlib names every group (figure_1, axes_1, …); those names would repeat between the figures of one page.
    # Only ids that something refers to (clip paths, markers; hashed with the salt) are kept.
    referenced = set(re.findall(r"#([A-Za-z0-9_.:-]+)", text))
    text = re.sub(r' id="([^"]*)"', lambda m: m.group(0) if m.group(1) in referenced else "", text)
    return text.replace("<svg ", f'<svg role="img" aria-label="{html.escape(label)}" ', 1).strip()
