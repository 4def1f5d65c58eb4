"""A plain, self-contained HTML page for the outcomes outputs (no script, no external resource), and the outputs'
shared cell formatting."""

from __future__ import annotations

import html
import math
from collections.abc import Sequence
from typing import Any

STYLE = """body{font-family:system-ui,sans-serif;margin:1.5rem auto;max-width:72rem;color:#111827;line-height:1.4}
h1{font-size:1.4rem}h2{font-size:1.1rem;margin-top:1.8rem}table{border-collapse:collapse;font-size:.8rem}
td,th{border-bottom:1px solid #e5e7eb;padding:.2rem .5rem;text-align:left;vertical-align:top}
th{background:#f3f4f6}.note{background:#fef3c7;border-left:4px solid #d97706;padding:.6rem .9rem}
.small{font-size:.8rem;color:#4b5563}figure{margin:1rem 0}svg{max-width:100%;height:auto}"""


def cell(value: Any, digits: int = 4) -> str:
    """A TSV/HTML cell: '' for None, numbers with ``digits`` significant digits, booleans as true/false."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        if math.isnan(value):
            return ""
        if math.isinf(value):
            return "inf" if value > 0 else "-inf"
        return f"{value:.{digits}g}"
    return " ".join(str(value).split())


def table_html(header: Sequence[str], rows: Sequence[Sequence[Any]]) -> str:
    """An HTML table of already-formatted cells."""
    head = "".join(f"<th>{html.escape(str(h))}</th>" for h in header)
    body = "".join("<tr>" + "".join(f"<td>{html.escape(cell(v))}</td>" for v in row) + "</tr>" for row in rows)
    return f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"


def page(title: str, sections: Sequence[str]) -> str:
    """The whole page: ``sections`` are HTML fragments, in order."""
    return ("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>" + html.escape(title)
            + f"</title><style>{STYLE}</style></head><body><h1>{html.escape(title)}</h1>\n" + "\n".join(sections)
            + "\n</body></html>\n")


def figure(svg: str, caption: str) -> str:
    """A figure with its caption ('' when there is no SVG)."""
    if not svg:
        return ""
    return f"<figure>{svg}<figcaption class=\"small\">{html.escape(caption)}</figcaption></figure>"


def inline(fig: Any, salt: str, label: str) -> str:
    """The matplotlib figure as inline SVG, as the sample report's figures are (ids salted apart)."""
    from hpdgenomics.report.plots import inline_svg

    return inline_svg(fig, f"outcomes-{salt}", label)


RC: dict[str, Any] = {"svg.fonttype": "none", "font.family": "sans-serif",
                      "font.sans-serif": ["DejaVu Sans", "Liberation Sans"], "font.size": 8,
                      "text.parse_math": False, "axes.linewidth": 0.6}
