"""``associations.tsv``, ``associations.json`` and ``associations.html`` from an :class:`AssociationResult`."""

from __future__ import annotations

import html
import json
import math
from pathlib import Path
from typing import Any

from hpdgenomics._version import __version__
from hpdgenomics.outcomes.assoc_figures import forest_svg, km_svgs
from hpdgenomics.outcomes.associate import Association, AssociationResult
from hpdgenomics.outcomes.label_outputs import write_planned
from hpdgenomics.outcomes.page import cell, figure, page, table_html

COLUMNS = ("feature", "outcome", "n_with", "n_without", "events_with", "events_without", "effect", "effect_type",
           "ci_low", "ci_high", "p_value", "q_value", "test", "median_with", "median_without")
STATEMENT = ("These are associations in one cohort, not predictions: a small group, confounding (tumour type, line "
             "of treatment, panel) and many tests can each produce a difference by chance. Read each effect with its "
             "group sizes and q-value.")
OUTCOME_NAMES = {"os": "overall survival", "pfs": "progression-free survival", "pd": "progressive disease (best "
                 "response)", "no_benefit": "no clinical benefit"}


def ordered(result: AssociationResult) -> list[Association]:
    """Tested rows by p-value, then the untested rows, each group in feature order."""
    tested = sorted((r for r in result.rows if r.tested), key=lambda r: (r.p_value if r.p_value is not None else 2,
                                                                       r.feature, r.outcome))
    return tested + [r for r in result.rows if not r.tested]


def _values(row: Association) -> list[Any]:
    return [getattr(row, name) for name in COLUMNS]


def render_tsv(result: AssociationResult) -> str:
    lines = ["\t".join(COLUMNS)] + ["\t".join(cell(v, 6) for v in _values(r)) for r in ordered(result)]
    return "\n".join(lines) + "\n"


def _json_safe(value: Any) -> Any:
    """JSON has no infinity (an odds ratio with an empty cell is infinite): written as the strings "inf"/"-inf"."""
    if isinstance(value, float) and not math.isfinite(value):
        return None if math.isnan(value) else ("inf" if value > 0 else "-inf")
    if isinstance(value, list | tuple):
        return [_json_safe(v) for v in value]
    return value


def _json_row(row: Association) -> dict[str, Any]:
    document = dict(zip(COLUMNS, _values(row), strict=True))
    document.update({"tested": row.tested, "n_not_assessed": row.n_not_assessed, **row.extra})
    return {key: _json_safe(value) for key, value in document.items()}


def render_json(result: AssociationResult) -> str:
    options = result.options
    document = {
        "tool": {"name": "hpdgenomics", "version": __version__, "command": "associate"},
        "statement": STATEMENT,
        "features": {"source": result.features.source, "samples": len(result.features.samples),
                     "features": len(result.features.names)},
        "outcomes": {"sources": result.sources, "analysed_rows": len(result.joined.samples),
                     "with_each_outcome": result.outcome_sizes},
        "left_out": dict(sorted(result.joined.dropped.items())),
        "min_carriers": options.min_carriers,
        "stratified_by_tumour_type": options.stratify_by_tumour_type,
        "q_values": "Benjamini-Hochberg per outcome over the tested features (scipy.stats.false_discovery_control)",
        "confidence": 0.95,
        "notes": result.notes,
        "associations": [_json_row(r) for r in ordered(result)],
    }
    return json.dumps(document, indent=2, ensure_ascii=False, allow_nan=False) + "\n"


def render_html(result: AssociationResult) -> str:
    rows = ordered(result)
    tested = [r for r in rows if r.tested]
    sizes = ", ".join(f"{OUTCOME_NAMES.get(k, k)} {v}" for k, v in result.outcome_sizes.items())
    forest, forest_caption = forest_svg(tested)
    kms = km_svgs(result, tested)
    top = [[cell(v) for v in _values(r)] for r in tested[:60]]
    untested = [[r.feature, r.outcome, r.n_with, r.n_without, r.test] for r in rows if not r.tested]
    sections = [
        f"<p class=\"note\"><strong>{html.escape(STATEMENT)}</strong></p>",
        f"<p>{len(result.joined.samples)} patients analysed from {html.escape(result.features.source)}, outcomes "
        f"from {html.escape('; '.join(result.sources))}. With each outcome: {html.escape(sizes)}. "
        f"{len(tested)} tests; features with fewer than {result.options.min_carriers} carriers or non-carriers are "
        f"listed but not tested. Each feature is tested only among the samples where it was assessed."
        + "".join(f" {html.escape(note)}." for note in result.notes) + "</p>",
        "<h2>Forest plot</h2>", figure(forest, forest_caption),
        "<h2>Kaplan–Meier curves</h2>", *(figure(svg, caption) for svg, caption in kms),
        "<h2>Tested associations (smallest p first)</h2>", table_html(COLUMNS, top),
        f"<p class=\"small\">{max(0, len(tested) - 60)} more in associations.tsv.</p>",
        "<h2>Listed, not tested</h2>",
        table_html(("feature", "outcome", "n_with", "n_without", "why"), untested[:200]),
        f"<p class=\"small\">hpdgenomics {__version__}. Statistics from scipy and lifelines. For research; not a "
        "diagnosis.</p>",
    ]
    return page("Genomic features and outcome: associations in one cohort", sections)


def write_association_outputs(result: AssociationResult) -> list[Path]:
    out = result.options.out_dir
    planned = {out / "associations.tsv": render_tsv(result), out / "associations.json": render_json(result),
               out / "associations.html": render_html(result)}
    return write_planned(planned, result.options.force)
