"""Parts of the cohort page that are not figures: the level bar chart (a small hand-written SVG, so it needs no
matplotlib and stays a few hundred bytes at any cohort size) and the table's inline script with the hash that the
page's Content-Security-Policy allows (no other script can run, and nothing is fetched)."""

from __future__ import annotations

import base64
import hashlib
from collections.abc import Mapping
from functools import lru_cache
from importlib import resources

from markupsafe import escape

LEVEL_COLOURS = {"high": "#b3261e", "elevated": "#ea580c", "none_detected": "#9ca3af", "not_assessable": "#d1d5db"}
LEVEL_RANK = {"high": 0, "elevated": 1, "none_detected": 2, "not_assessable": 3}  # the table sorts worst first


def level_chart_svg(levels: Mapping[str, int]) -> str:
    """A horizontal bar per level (count and share), bars scaled to the largest level."""
    total = sum(levels.values())
    largest = max(levels.values(), default=0) or 1
    label_w, bar_w, row_h = 120, 360, 24
    height = row_h * len(levels) + 8
    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" class="level-chart" role="img" viewBox="0 0 '
             f'{label_w + bar_w + 150} {height}" width="{label_w + bar_w + 150}" height="{height}">',
             "<title>Samples per hyperprogression risk level</title>"]
    for i, (level, count) in enumerate(levels.items()):
        y = 4 + i * row_h
        width = round(bar_w * count / largest, 1)
        share = f"{count / total:.1%}" if total else "–"
        name = escape(level.replace("_", " "))
        parts += [
            f'<text x="{label_w - 8}" y="{y + 16}" text-anchor="end" font-size="12">{name}</text>',
            f'<rect x="{label_w}" y="{y + 3}" width="{width}" height="{row_h - 8}" '
            f'fill="{LEVEL_COLOURS.get(level, "#6b7280")}"><title>{name}: {count:,}</title></rect>',
            f'<text x="{label_w + width + 6}" y="{y + 16}" font-size="12">{count:,} ({share})</text>',
        ]
    parts.append("</svg>")
    return "".join(parts)


@lru_cache(maxsize=1)
def table_script() -> tuple[str, str]:
    """The sort-and-filter script and its CSP source (``'sha256-…'``)."""
    text = resources.files("hpdgenomics.cohort").joinpath("templates/cohort_table.js").read_text(encoding="utf-8")
    digest = base64.b64encode(hashlib.sha256(text.encode("utf-8")).digest()).decode("ascii")
    return text, f"'sha256-{digest}'"
