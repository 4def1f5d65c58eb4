"""Writing reports: every file is written whole (temporary file, then rename) or not at all."""

from __future__ import annotations

import contextlib
import os
import tempfile
from collections.abc import Callable, Mapping, Sequence
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


def _annotated_maf(reports: Sequence[SampleReport], out_dir: Path) -> dict[Path, bytes]:
    from hpdgenomics.report.annotated_maf import annotated_maf_files

    return annotated_maf_files(reports, out_dir)


def _annotated_vcf(reports: Sequence[SampleReport], out_dir: Path) -> dict[Path, bytes]:
    from hpdgenomics.report.annotated_vcf import annotated_vcf_files  # cyvcf2 and pysam only when writing a VCF

    return annotated_vcf_files(reports, out_dir)


# One file per sample and format: OUT/<sample>.hpd.<format>.
RENDERERS: dict[str, Callable[[SampleReport], str]] = {
    "json": SampleReport.to_json,
    "tsv": render_tsv,
    "html": _render_html,
    "md": _render_markdown,
}
# The input written back annotated: one file (and its index) per input, whatever the number of samples in it.
INPUT_WRITERS: dict[str, Callable[[Sequence[SampleReport], Path], dict[Path, bytes]]] = {
    "maf": _annotated_maf,
    "vcf": _annotated_vcf,
}
SAMPLE_FORMATS = tuple(RENDERERS)
FORMATS = (*RENDERERS, *INPUT_WRITERS)
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
    unknown = [fmt for fmt in formats if fmt not in FORMATS]
    if unknown:
        raise OutputError(f"unknown report format(s): {', '.join(unknown)} (known: {', '.join(FORMATS)})")
    out = Path(out_dir)
    planned: dict[Path, str | bytes] = {}
    per_sample = [fmt for fmt in formats if fmt in RENDERERS]
    for report in reports:
        for fmt, path in report_paths(report, out, per_sample).items():
            if path in planned:
                raise OutputError(f"two samples would write the same file {path}")
            planned[path] = RENDERERS[fmt](report)
    for fmt in formats:
        if fmt in INPUT_WRITERS and reports:
            planned.update(INPUT_WRITERS[fmt](reports, out))
    if not force:
        existing = [str(p) for p in planned if p.exists()]
        if existing:
            raise OutputError(f"{existing[0]} already exists (use --force to overwrite)"
                              + (f"; {len(existing) - 1} more" if len(existing) > 1 else ""))
    created = not out.exists()
    try:
        out.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise OutputError(f"cannot create the output folder {out}: {exc.strerror or exc}") from exc
    try:
        write_all(planned)
    except BaseException:
        if created:
            with contextlib.suppress(OSError):
                out.rmdir()  # only when empty: a failed run into a new folder leaves nothing behind
        raise
    return list(planned)


def write_all(files: Mapping[Path, str | bytes]) -> None:
    """Write every file or none of them, also on an error or an interruption (KeyboardInterrupt) part-way.

    Every text (or bytes: Parquet, bgzipped VCF) goes to a temporary file next to its target first; then each is
    renamed into place, the file it replaces (with --force) being kept aside until the last rename has succeeded. If
    anything fails before that, the files renamed so far are put back as they were and every temporary file is
    removed.
    """
    temporary: dict[Path, Path] = {}
    replaced: list[tuple[Path, Path | None]] = []  # target, and where the file it replaced was kept
    current: Path | None = None
    moving: Path | None = None  # a reserved backup the current target is being moved to
    try:
        for current, text in files.items():
            temporary[current] = _write_temporary(current, text)
        for current, temp in temporary.items():
            if current.exists():
                moving = _reserve(current, ".bak")
                os.replace(current, moving)
                replaced.append((current, moving))
                moving = None
            else:
                replaced.append((current, None))
            os.replace(temp, current)
    except BaseException as exc:
        if moving is not None and current is not None:
            with contextlib.suppress(OSError):  # interrupted around the move: put the old file back, drop the rest
                if current.exists():
                    moving.unlink()
                else:
                    os.replace(moving, current)
        for target, backup in reversed(replaced):
            with contextlib.suppress(OSError):
                if backup is not None:
                    os.replace(backup, target)
                else:
                    target.unlink(missing_ok=True)
        for temp in temporary.values():
            temp.unlink(missing_ok=True)
        if isinstance(exc, OSError):
            raise OutputError(f"cannot write {current}: {exc.strerror or exc}") from exc
        raise
    for _, backup in replaced:
        if backup is not None:
            backup.unlink(missing_ok=True)


def _reserve(path: Path, suffix: str) -> Path:
    """A new, unique, empty file next to ``path`` (hidden), to be renamed over."""
    try:
        handle, name = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=suffix)
    except OSError as exc:
        raise OutputError(f"cannot write in {path.parent}: {exc.strerror or exc}") from exc
    os.close(handle)
    return Path(name)


def _write_temporary(path: Path, text: str | bytes) -> Path:
    """``text`` written and synced to a temporary file next to ``path``; removed again if that fails."""
    temp = _reserve(path, ".tmp")
    try:
        with temp.open("wb") as handle:
            handle.write(text if isinstance(text, bytes) else text.encode("utf-8"))
            handle.flush()
            os.fsync(handle.fileno())
        os.chmod(temp, 0o644)
    except BaseException as exc:  # includes KeyboardInterrupt: never leave the temporary file behind
        temp.unlink(missing_ok=True)
        if isinstance(exc, OSError):
            raise OutputError(f"cannot write {path}: {exc.strerror or exc}") from exc
        raise
    return temp


def atomic_write_text(path: Path, text: str) -> None:
    """Write ``text`` to a temporary file next to ``path`` and rename it into place."""
    write_all({path: text})
