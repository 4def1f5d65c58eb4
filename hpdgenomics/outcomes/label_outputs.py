"""``hpd_labels.tsv``, ``hpd_labels.json`` and ``hpd_labels.html`` from a :class:`LabelResult`."""

from __future__ import annotations

import html
import json
from pathlib import Path
from typing import Any

from hpdgenomics._version import __version__
from hpdgenomics.errors import OutputError
from hpdgenomics.outcomes.definitions import describe
from hpdgenomics.outcomes.growth import QUANTITIES
from hpdgenomics.outcomes.label_figures import spider_svg, waterfall_svg
from hpdgenomics.outcomes.labelling import LabelResult, PatientLabels
from hpdgenomics.outcomes.page import cell, figure, page, table_html
from hpdgenomics.outcomes.series import Scan
from hpdgenomics.report.writers import write_all

POINT_COLUMNS = ("recist_progression", "new_lesion_organs", "pre_baseline_date", "pre_baseline_sum_mm",
                 "baseline_date", "baseline_sum_mm", "first_eval_date", "first_eval_sum_mm", "time_points")
FILES = ("hpd_labels.tsv", "hpd_labels.json", "hpd_labels.html")


def columns(result: LabelResult) -> list[str]:
    """The TSV header: patient, the quantities, hpd_/reason_ per definition, then the time points used."""
    ids = [d.id for d in result.definitions.definitions]
    return ["patient_id", *QUANTITIES, *(c for i in ids for c in (f"hpd_{i}", f"reason_{i}")), *POINT_COLUMNS]


def _scan_cells(scan: Scan | None) -> tuple[Any, Any]:
    return (None, None) if scan is None else (scan.date.isoformat() if scan.date else None, scan.sum_mm)


def row(patient: PatientLabels, result: LabelResult) -> list[Any]:
    """One patient's TSV values, in :func:`columns` order."""
    q = patient.quantities
    values: list[Any] = [q.patient_id, *(q.get(name) for name in QUANTITIES)]
    for definition in result.definitions.definitions:
        values += [patient.labels[definition.id].call, patient.labels[definition.id].reason]
    points = q.points
    values += [q.get("recist_progression"), q.get("new_lesion_organs"), *_scan_cells(points.pre_baseline),
               *_scan_cells(points.baseline), *_scan_cells(points.first_evaluation),
               points.basis + (f"; {points.problem}" if points.problem else "")]
    return values


def render_tsv(result: LabelResult) -> str:
    lines = ["\t".join(columns(result))]
    lines += ["\t".join(cell(v, 6) for v in row(p, result)) for p in result.patients]
    return "\n".join(lines) + "\n"


def _definitions_json(result: LabelResult) -> list[dict[str, Any]]:
    return [{"id": d.id, "label": d.label, "summary": d.summary, "condition": describe(d.condition),
             "requires": list(d.requires), "citation": d.citation, "verification": d.verification,
             "source": d.source, "note": d.note} for d in result.definitions.definitions]


def render_json(result: LabelResult) -> str:
    header = columns(result)
    document = {
        "tool": {"name": "hpdgenomics", "version": __version__, "command": "hpd-label"},
        "input": {"source": result.measurements.source, "rows_read": result.measurements.rows_read,
                  "rows_used": result.measurements.rows_used, "skipped": result.measurements.skipped,
                  "notes": list(result.measurements.notes)},
        "time_points": result.options.time_points.describe(),
        "min_interval_days": result.options.min_interval_days,
        "months": "days × 12 / 365.25 (as TGR_calculator.R)",
        "recist_progression": {"min_percent": result.definitions.recist.min_percent,
                               "min_mm": result.definitions.recist.min_mm,
                               "citation": result.definitions.recist.citation,
                               "verification": result.definitions.recist_verification,
                               "note": result.definitions.recist_note},
        "definitions_file": Path(result.definitions.path).name,
        "definitions": _definitions_json(result),
        "counts": result.counts(),
        "patients": [dict(zip(header, [_json_value(v) for v in row(p, result)], strict=True))
                     for p in result.patients],
    }
    return json.dumps(document, indent=2, ensure_ascii=False, allow_nan=False) + "\n"


def _json_value(value: Any) -> Any:
    if isinstance(value, float) and value != value:
        return None
    return value


def render_html(result: LabelResult) -> str:
    counts = result.counts()
    total = len(result.patients)
    summary_rows = [(d.label, d.summary, counts[d.id]["HPD"], counts[d.id]["no_HPD"], counts[d.id]["not_evaluable"],
                     f"{d.citation} [{d.verification}]" + (f" — {d.note}" if d.note else ""))
                    for d in result.definitions.definitions]
    svg_spider, cap_spider = spider_svg(result)
    svg_fall, cap_fall = waterfall_svg(result)
    header = columns(result)
    sections = [
        f"<p class=\"note\">Each definition is reported on its own; they are never merged into one answer. "
        f"{total} patient(s) from {html.escape(result.measurements.source)}. Time points: "
        f"{html.escape(result.options.time_points.describe())}. Months = days × 12 / 365.25.</p>",
        "<h2>Patients called HPD by each definition</h2>",
        table_html(("definition", "criterion", "HPD", "no HPD", "not evaluable", "citation"), summary_rows),
        "<h2>Growth before versus on treatment</h2>", figure(svg_spider, cap_spider), figure(svg_fall, cap_fall),
        "<h2>Every patient</h2>", table_html(header, [[cell(v) for v in row(p, result)] for p in result.patients]),
        f"<p class=\"small\">RECIST progression, when no response is recorded: "
        f"{html.escape(result.definitions.recist.citation)} [{result.definitions.recist_verification}]. "
        f"hpdgenomics {__version__}. For research; not a diagnosis.</p>",
    ]
    return page("Hyperprogression labels", sections)


def write_label_outputs(result: LabelResult) -> list[Path]:
    """Render the three files, then write them all or none."""
    out = result.options.out_dir
    planned = {out / "hpd_labels.tsv": render_tsv(result), out / "hpd_labels.json": render_json(result),
               out / "hpd_labels.html": render_html(result)}
    return write_planned(planned, result.options.force)


def write_planned(planned: dict[Path, str], force: bool) -> list[Path]:
    """Write rendered texts atomically, refusing to overwrite without ``force``."""
    if not force:
        existing = [str(p) for p in planned if p.exists()]
        if existing:
            raise OutputError(f"{existing[0]} already exists (use --force to overwrite)")
    folder = next(iter(planned)).parent
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise OutputError(f"cannot create the output folder {folder}: {exc.strerror or exc}") from exc
    write_all(planned)
    return list(planned)
