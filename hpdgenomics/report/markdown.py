"""``SAMPLE.hpd.md``: the report as Markdown, for pasting into notes and tickets.

Rendered from the same view-model as the HTML report. Every value printed by the template passes through
:func:`md_escape` (jinja2's ``finalize``), the Markdown counterpart of HTML autoescaping: a sample named
``<script>`` or a rule text with ``*`` or ``|`` stays text and cannot break a table.
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import TYPE_CHECKING, Any

from hpdgenomics.report.document import SampleReport
from hpdgenomics.report.view import build_view

if TYPE_CHECKING:
    import jinja2

# CommonMark backslash-escapes any ASCII punctuation. Escaped always: the characters that open markup anywhere in a
# line (code, emphasis, links, HTML, table cells, strikethrough). Escaped only where they act: "_" at a word edge
# (inside a word it never makes emphasis, so TUMOR_LUAD1 stays readable), "&" before an entity, "#" and ">" at the
# start of a value (headings, block quotes).
_ALWAYS = re.compile(r"([\\`*\[\]<|~])")
_UNDERSCORE = re.compile(r"(?<![A-Za-z0-9])_|_(?![A-Za-z0-9])")
_ENTITY = re.compile(r"&(?=#?[A-Za-z0-9]+;)")


def md_escape(value: Any) -> str:
    """``value`` as Markdown text: markup characters backslash-escaped, line breaks folded into spaces."""
    if value is None:
        return ""
    text = str(value).replace("\r\n", " ").replace("\r", " ").replace("\n", " ")
    text = _ALWAYS.sub(r"\\\1", text)
    text = _UNDERSCORE.sub(r"\\_", text)
    text = _ENTITY.sub(r"\\&", text)
    return "\\" + text if text[:1] in ("#", ">") else text


@lru_cache(maxsize=1)
def environment() -> jinja2.Environment:
    """The Markdown template environment: no HTML autoescape, Markdown escaping of every printed value instead."""
    import jinja2  # only rendering needs it

    return jinja2.Environment(  # not HTML: every value is escaped for Markdown by finalize
        loader=jinja2.PackageLoader("hpdgenomics.report", "templates"),
        autoescape=False,
        finalize=md_escape,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )


def render_markdown(report: SampleReport) -> str:
    """The Markdown text of ``report``."""
    text = environment().get_template("report.md.j2").render(view=build_view(report.document))
    # Templates leave runs of blank lines where optional blocks are skipped; one blank line is enough.
    return re.sub(r"\n{3,}", "\n\n", text).strip() + "\n"
