"""Writing reports: every file is written whole (temporary file, then rename) or not at all."""

from __future__ import annotations

import os
import tempfile
from collections.abc import Callable, Sequence
from pathlib import Path

from hpdgenomics.errors import OutputError
from hpdgenomics.report.document import SampleReport
from hpdgenomics.report.filenames import safe_file_stem
from hpdgenomics.report.tsv import render_tsv


def _render_html(report: SampleReport) -> str:
    from hpdgenomics.report.html import render_html  # jinja2 and matplotlib only when writing HTML

    return render_html(report)


def _render_markdown(report: SampleReport) -> str:
    from hpdgenomics.report.markdown import render_markdown  # jinja2 only when writing Markdown

    return render_markdown(report)


RENDERERS: dict[str, Callable[[SampleReport], str]] = {
    "json": SampleReport.to_json,
    "tsv": render_tsv,
    "html": _render_html,
    "md": _render_markdown,
}
FORMATS = tuple(RENDERERS)
# What a run writes unless told otherwise: the result, the table and the tumour-board page (Markdown on request).
DEFAULT_FORMATS = ("json", "tsv", "html")


def report_paths(report: SampleReport, out_dir: str | Path,
                 formats: Sequence[str] = DEFAULT_FORMATS) -> dict[str, Path]:
    """Where each format of ``report`` goes: ``OUT/<safe sample id>.hpd.<format>``."""
    stem = safe_file_stem(report.sample_id)
    return {fmt: Path(out_dir) / f"{stem}.hpd.{fmt}" for fmt in formats}


def write_reports(
    reports: Sequence[SampleReport], out_dir: str | Path, *, formats: Sequence[str] = DEFAULT_FORMATS,
    force: bool = False,
) -> list[Path]:
    """Render every report in every format, then write them; nothing is written if any target is refused.

    Rendering happens before the first file is touched, so an error in one sample leaves no partial set behind.
    """
    unknown = [fmt for fmt in formats if fmt not in RENDERERS]
    if unknown:
        raise OutputError(f"unknown report format(s): {', '.join(unknown)} (known: {', '.join(FORMATS)})")
    out = Path(out_dir)
    planned: dict[Path, str] = {}
    for report in reports:
        for fmt, path in report_paths(report, out, formats).items():
            if path in planned:
                raise OutputError(f"two samples would write the same file {path}")
            planned[path] = RENDERERS[fmt](report)
    if not force:
        existing = [str(p) for p in planned if p.exists()]
        if existing:
            raise OutputError(f"{existing[0]} already exists (use --force to overwrite)"
                              + (f"; {len(existing) - 1} more" if len(existing) > 1 else ""))
    try:
        out.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise OutputError(f"cannot create the output folder {out}: {exc.strerror or exc}") from exc
    for path, text in planned.items():
        atomic_write_text(path, text)
    return list(planned)


def atomic_write_text(path: Path, text: str) -> None:
    """Write ``text`` to a temporary file next to ``path`` and rename it into place."""
    try:
        handle = tempfile.NamedTemporaryFile(  # noqa: SIM115 - closed below; kept open across the rename logic
            "w", encoding="utf-8", newline="\n", dir=path.parent, prefix=f".{path.name}.", suffix=".tmp",
            delete=False,
        )
    except OSError as exc:
        raise OutputError(f"cannot write in {path.parent}: {exc.strerror or exc}") from exc
    try:
        with handle:
            handle.write(text)
            handle.flush()
            os.fsync(handle.fileno())
        os.chmod(handle.name, 0o644)
        os.replace(handle.name, path)
    except BaseException as exc:  # includes KeyboardInterrupt: never leave the temporary file behind
        Path(handle.name).unlink(missing_ok=True)
        if isinstance(exc, OSError):
            raise OutputError(f"cannot write {path}: {exc.strerror or exc}") from exc
        raise
