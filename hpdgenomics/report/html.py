"""``SAMPLE.hpd.html``: the tumour-board report, one self-contained page rendered from the report document only.

No network requests (no fonts, scripts or images from elsewhere; a Content-Security-Policy says so to the browser),
no JavaScript, an A4 print stylesheet. Every string from the document is escaped by jinja2's autoescape; the only
markup not escaped is the SVG that :mod:`hpdgenomics.report.plots` draws (matplotlib escapes the text inside it).
"""

from __future__ import annotations

from functools import lru_cache
from typing import TYPE_CHECKING, Any

from hpdgenomics.report.document import SampleReport
from hpdgenomics.report.view import build_view
from hpdgenomics.report.view_specimen import board_view

if TYPE_CHECKING:
    import jinja2


@lru_cache(maxsize=1)
def environment() -> jinja2.Environment:
    """The HTML template environment (templates in ``hpdgenomics/report/templates``), autoescape on everywhere."""
    import jinja2  # only rendering needs it; keeps `hpdgenomics --help` fast

    return jinja2.Environment(
        loader=jinja2.PackageLoader("hpdgenomics.report", "templates"),
        autoescape=True,
        undefined=jinja2.StrictUndefined,  # a misspelt key in a template is an error, not an empty cell
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )


def render_html(report: SampleReport) -> str:
    """The HTML text of ``report`` (byte-identical for identical documents)."""
    from markupsafe import Markup  # a jinja2 dependency

    from hpdgenomics.report.plots import copy_number_figures  # matplotlib only when rendering

    view: dict[str, Any] = build_view(report.document)
    view["board"] = board_view(report.document)  # specimen block, variant appendix, print footer
    figures = copy_number_figures(report.document)
    view["figures"] = {
        "genome": Markup(figures.genome),  # SVG drawn by matplotlib, which escapes its text
        "panels": [{"band": p.band, "svg": Markup(p.svg), "caption": p.caption} for p in figures.panels],
        "note": figures.note,
        "legend": list(figures.legend),
    }
    return environment().get_template("report.html.j2").render(view=view)
