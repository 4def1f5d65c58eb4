"""``cohort.html``: one self-contained page (no network requests) from the summary rows.

Every string is escaped by jinja2's autoescape; the only markup not escaped is the SVG that
:mod:`hpdgenomics.cohort.figures` draws (matplotlib escapes the text inside it) and the level chart and table script
of :mod:`hpdgenomics.cohort.page_parts`. The samples table is complete HTML, readable without script; a few lines of
inline script (allowed by its hash in the Content-Security-Policy, nothing else) make it sortable and filterable.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from functools import lru_cache
from typing import TYPE_CHECKING, Any

from hpdgenomics.cohort.figures import frequency_svg, oncoprint_svg
from hpdgenomics.cohort.page_parts import LEVEL_RANK, level_chart_svg, table_script
from hpdgenomics.cohort.summary import SampleSummary
from hpdgenomics.cohort.tables import level_counts, rule_counts
from hpdgenomics.report.document import DISCLAIMER

if TYPE_CHECKING:
    import jinja2

MAX_ROWS = 1000  # the page lists at most this many samples with events; cohort.tsv has them all


@lru_cache(maxsize=1)
def environment() -> jinja2.Environment:
    """The cohort template environment, autoescape on."""
    import jinja2

    return jinja2.Environment(loader=jinja2.PackageLoader("hpdgenomics.cohort", "templates"), autoescape=True,
                              undefined=jinja2.StrictUndefined, trim_blocks=True, lstrip_blocks=True,
                              keep_trailing_newline=True)


def render_cohort_html(rows: Sequence[SampleSummary], rule_genes: Mapping[str, str], info: Mapping[str, Any]) -> str:
    """The page text (byte-identical for identical rows and info)."""
    from markupsafe import Markup

    frequency, frequency_caption = frequency_svg(rows, rule_genes)
    oncoprint, oncoprint_caption = oncoprint_svg(rows, sorted(set(rule_genes.values())))
    with_events = [row for row in rows if row.hpd_events]
    with_events.sort(key=lambda r: (LEVEL_RANK.get(r.level, 9), r.index))
    formats = (info.get("reports") or {}).get("formats") or ()
    script, script_hash = table_script()
    key_missing = sum(bool(row.key_not_assessed) for row in rows)
    view = {
        "title": f"hpdgenomics cohort: {info.get('title') or info.get('source', '')}",
        "source": info.get("source", ""),
        "samples": len(rows),
        "tool": f"hpdgenomics {info.get('tool', {}).get('version', '')}",
        "rules_version": info.get("rules", {}).get("version", ""),
        "generated_at": info.get("generated_at", ""),
        "disclaimer": DISCLAIMER,
        "levels": list(level_counts(rows).items()),
        "level_chart": Markup(level_chart_svg(level_counts(rows))),
        "level_rank": LEVEL_RANK,
        "html_reports": "html" in formats,  # link each sample's tumour-board page when the run wrote them
        "script": Markup(script), "script_hash": Markup(script_hash),  # base64 and quotes only
        "key_note": (f"{key_missing:,} sample(s) have a key HPD event (a rule with key_event, such as MDM2/MDM4 "
                     "amplification) not assessed: such a sample is never reported as 'none detected' "
                     "(docs/level_policy.md)."),
        "denominators": _denominators(rows, rule_genes),
        "frequency_svg": Markup(frequency), "frequency_caption": frequency_caption,
        "oncoprint_svg": Markup(oncoprint), "oncoprint_caption": oncoprint_caption,
        "rows": with_events[:MAX_ROWS], "rows_left_out": max(0, len(with_events) - MAX_ROWS),
        "inputs": [f"{i['format']}: {i['path']}" for i in info.get("inputs", ())],
        "notes": list(info.get("notes", ())),
    }
    return environment().get_template("cohort.html.j2").render(view=view)


KIND_WORDS = {"small_variant": "small variants", "copy_number": "copy number", "structural_variant": "rearrangements",
              "biomarker": "biomarker"}


def _denominators(rows: Sequence[SampleSummary], rule_genes: Mapping[str, str]) -> list[dict[str, Any]]:
    """Per HPD rule and alteration class: carriers / samples whose inputs covered that class."""
    table = []
    for entry in rule_counts(rows, rule_genes):
        for part in entry["classes"]:
            assessed = part["assessed"]
            table.append({"rule_id": entry["rule_id"], "gene": entry["gene"],
                          "kind": KIND_WORDS.get(part["kind"], part["kind"]), "carriers": part["carriers"],
                          "assessed": assessed, "not_assessed": part["not_assessed"],
                          "share": f"{part['carriers'] / assessed:.1%}" if assessed else "–"})
    return table
