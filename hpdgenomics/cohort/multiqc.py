"""MultiQC custom content for a cohort, readable from 5 to 10,000 samples (MultiQC's "custom content" files:
YAML configuration in ``#`` lines, then a tab-separated table; any MultiQC run over the output folder finds them).

Three files, each a different MultiQC plot:

- ``hpdgenomics_levels_mqc.tsv`` (``plot_type: bargraph``): samples per hyperprogression level, one stacked bar for
  the whole cohort and one per tumour type (the largest :data:`MAX_BARS` - 1; the rest as "other tumour types"). A
  bar per *level*, not per sample, so it reads the same at 10,000 samples.
- ``hpdgenomics_general_stats_mqc.tsv`` (``plot_type: generalstats``): numeric columns only, each with a colour
  scale (MultiQC turns a general-statistics table above ``max_table_rows`` into violins, which draw numbers well
  and text as an unreadable swarm of labels). The level is coded 0-3 (:data:`LEVEL_CODES`), said in its header.
- ``hpdgenomics_mqc.tsv`` (``plot_type: table``, ``no_violin``): the samples with HPD-linked events, worst level
  first, at most :data:`MAX_TABLE_ROWS`; every sample is in ``cohort.tsv``.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from typing import Any

from hpdgenomics.cohort.summary import SampleSummary
from hpdgenomics.cohort.tables import LEVELS, MULTIQC_ID, cell

LEVELS_FILE = "hpdgenomics_levels_mqc.tsv"
GENERAL_STATS_FILE = "hpdgenomics_general_stats_mqc.tsv"
TABLE_FILE = "hpdgenomics_mqc.tsv"
MULTIQC_FILES = (LEVELS_FILE, GENERAL_STATS_FILE, TABLE_FILE)
MAX_BARS = 25  # the cohort bar plus 24 tumour types
MAX_TABLE_ROWS = 500  # MultiQC's own max_table_rows default
LEVEL_CODES = {"not_assessable": 0, "none_detected": 1, "elevated": 2, "high": 3}
LEVEL_COLOURS = {"high": "#b3261e", "elevated": "#f97316", "none_detected": "#9ca3af", "not_assessable": "#e5e7eb"}
DISCLAIMER = ("research and clinical decision support only; not a diagnosis. A key event not assessed is not "
              "negative.")


def _text(value: str) -> str:
    """A MultiQC cell: quoted when it would read as a number (a sample named 01 must stay 01)."""
    try:
        float(value)
    except ValueError:
        return value
    return f'"{value}"'


def _yaml_text(value: str) -> str:
    """A single-quoted YAML scalar."""
    return "'" + value.replace("'", "''") + "'"


def _header(lines: Sequence[str]) -> list[str]:
    return [f"# {line}" for line in lines]


def render_levels(rows: Sequence[SampleSummary]) -> str:
    """The bar graph of samples per level: the whole cohort, then tumour types by size."""
    by_type: dict[str, Counter[str]] = {}
    for row in rows:
        by_type.setdefault(row.tumour_type or "unknown", Counter())[row.level] += 1
    ranked = sorted(by_type.items(), key=lambda item: (-sum(item[1].values()), item[0]))
    bars: list[tuple[str, Counter[str]]] = [(f"all samples (n={len(rows):,})", Counter(r.level for r in rows))]
    shown, rest = ranked[:MAX_BARS - 1], ranked[MAX_BARS - 1:]
    bars += [(f"{name} (n={sum(c.values()):,})", c) for name, c in shown]
    if rest:
        other: Counter[str] = Counter()
        for _, counts in rest:
            other.update(counts)
        bars.append((f"other tumour types ({len(rest)}; n={sum(other.values()):,})", other))
    header = [
        f"id: '{MULTIQC_ID}_levels'",
        "section_name: 'hpdgenomics: hyperprogression risk levels'",
        f"description: {_yaml_text('Samples per hyperprogression (HPD) risk level, for the cohort and per tumour type (' + DISCLAIMER + ')')}",  # noqa: E501
        "plot_type: 'bargraph'",
        "pconfig:",
        f"    id: '{MULTIQC_ID}_levels_plot'",
        "    title: 'hpdgenomics: samples per HPD risk level'",
        "    ylab: 'samples'",
        "    cpswitch_counts_label: 'Samples'",
        "    cpswitch_c_active: false",  # percentages first: a 40-sample tumour type reads beside a 9,000-sample one
        "    sort_samples: false",  # the cohort first, then tumour types by size (not MultiQC's alphabetical order)
        "categories:",
    ]
    for level in LEVELS:
        header += [f"    {level}:", f"        name: '{level.replace('_', ' ')}'",
                   f"        color: '{LEVEL_COLOURS[level]}'"]
    lines = [*_header(header), "\t".join(("Sample", *LEVELS))]
    lines += ["\t".join((_text(cell(name)), *(str(counts.get(level, 0)) for level in LEVELS)))
              for name, counts in bars]
    return "\n".join(lines) + "\n"


def render_general_stats(rows: Sequence[SampleSummary]) -> str:
    """General-statistics columns (numeric, colour-scaled), one row per sample."""
    columns: list[tuple[str, dict[str, Any]]] = [
        ("hpd_level", {"title": "HPD level", "description": "hyperprogression risk level: 3 high, 2 elevated, "
                       "1 none detected, 0 not assessable", "min": 0, "max": 3, "scale": "RdYlGn-rev",
                       "format": "{:,.0f}"}),
        ("hpd_events", {"title": "HPD events", "description": "HPD-linked events found", "min": 0,
                        "scale": "OrRd", "format": "{:,.0f}"}),
        ("targetable", {"title": "Targetable", "description": "targetable findings", "min": 0, "scale": "Blues",
                        "format": "{:,.0f}"}),
        ("key_not_assessed", {"title": "Key not assessed", "description": "key HPD events (MDM2/MDM4 "
                              "amplification) not assessed: not negative", "min": 0, "max": 2, "scale": "Greys",
                              "format": "{:,.0f}"}),
        ("tmb", {"title": "TMB", "description": "tumour mutational burden (mut/Mb)", "min": 0, "suffix": " mut/Mb",
                 "scale": "Purples", "format": "{:,.1f}"}),
    ]
    header = [f"id: '{MULTIQC_ID}_general_stats'", "plot_type: 'generalstats'", "pconfig:"]
    for key, config in columns:
        header.append(f"    - {key}:")
        for name, value in config.items():
            header.append(f"        {name}: {_yaml_text(value) if isinstance(value, str) else value}")
    lines = [*_header(header), "\t".join(("Sample", *(key for key, _ in columns)))]
    for row in rows:
        values = (LEVEL_CODES.get(row.level, 0), len(row.hpd_events), row.targetable, len(row.key_not_assessed),
                  "" if row.tmb is None else f"{row.tmb:g}")
        lines.append("\t".join((_text(cell(row.sample)), *(str(v) for v in values))))
    return "\n".join(lines) + "\n"


def render_table(rows: Sequence[SampleSummary]) -> str:
    """The table section: samples with HPD-linked events, worst level first (at most :data:`MAX_TABLE_ROWS`)."""
    order = {level: i for i, level in enumerate(LEVELS)}
    shown = sorted((r for r in rows if r.hpd_events), key=lambda r: (order.get(r.level, 9), r.index))
    left_out = max(0, len(shown) - MAX_TABLE_ROWS)
    description = (f"Samples with genomic events linked to hyperprogression on immune checkpoint inhibitors: "
                   f"{len(shown):,} of {len(rows):,}" + (f" (the first {MAX_TABLE_ROWS:,} shown)" if left_out else "")
                   + f"; every sample is in cohort.tsv ({DISCLAIMER})")
    header = [
        f"id: '{MULTIQC_ID}'",
        "section_name: 'hpdgenomics: samples with HPD-linked events'",
        f"description: {_yaml_text(description)}",
        "format: 'tsv'",
        "plot_type: 'table'",
        "pconfig:",
        f"    id: '{MULTIQC_ID}_table'",
        "    title: 'hpdgenomics'",
        "    namespace: 'hpdgenomics'",
        "    no_violin: true",
        "headers:",
        "    hpd_risk_level:",
        "        title: 'HPD risk'",
        "        cond_formatting_rules:",
        *[f"            {level}: [{{s_eq: '{level}'}}]" for level in LEVELS],
        "        cond_formatting_colours:",
        *[f"            - {level}: '{LEVEL_COLOURS[level]}'" for level in LEVELS],
        "    hpd_events:",
        "        title: 'HPD-linked events'",
        "    targetable_findings:",
        "        title: 'Targetable'",
        "        format: '{:,.0f}'",
        "        scale: 'Blues'",
        "    key_events_not_assessed:",
        "        title: 'Key events not assessed'",
        "    tmb:",
        "        title: 'TMB'",
        "        suffix: ' mut/Mb'",
        "        scale: 'Purples'",
        "    msi_status:",
        "        title: 'MSI'",
    ]
    columns = ("Sample", "hpd_risk_level", "hpd_events", "targetable_findings", "key_events_not_assessed", "tmb",
               "msi_status")
    lines = [*_header(header), "\t".join(columns)]
    for row in shown[:MAX_TABLE_ROWS]:
        values = (row.sample, row.level, row.hpd_events, row.targetable, row.key_not_assessed or ("none",), row.tmb,
                  row.msi)
        cells = [cell(v) for v in values]
        cells[0] = _text(cells[0])
        lines.append("\t".join(cells))
    return "\n".join(lines) + "\n"


def render_multiqc_files(rows: Sequence[SampleSummary]) -> dict[str, str]:
    """File name → text of every MultiQC custom-content file of a cohort."""
    return {LEVELS_FILE: render_levels(rows), GENERAL_STATS_FILE: render_general_stats(rows),
            TABLE_FILE: render_table(rows)}
