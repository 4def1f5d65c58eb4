"""``run_cohort``: read a cohort's inputs once, run the per-sample work (here, in local processes or on a Dask
cluster), and write the cohort outputs.

Output folder::

    OUT/samples/<sample>.hpd.json   one report per sample (and .tsv/.html/.md with ``formats``)
    OUT/cohort.tsv                  one row per sample
    OUT/cohort.json                 counts per level and per HPD rule by tumour type, inputs, notes
    OUT/cohort.html                 the figures (event frequency by tumour type, oncoprint), self-contained
    OUT/hpdgenomics_mqc.tsv         MultiQC custom content

Existing outputs are not overwritten without ``force``; that is checked for every planned file before any work
starts. If a sample fails (a malformed VCF of one row, say), the run stops with that error: the reports already
written stay (each one whole), the cohort files are not written, and a rerun needs ``force``.
"""

from __future__ import annotations

import time
from collections import deque
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from hpdgenomics.cohort.executors import run_batches
from hpdgenomics.cohort.sources import Plan, from_files, from_sample_sheet, from_study
from hpdgenomics.cohort.summary import SampleSummary
from hpdgenomics.cohort.tasks import RunContext, SampleTask, TaskFailure
from hpdgenomics.errors import OptionError, OutputError

PathLike = str | Path
Progress = Callable[[int, int], None]
REPORTS_DIR = "samples"
COHORT_FILES = ("cohort.tsv", "cohort.json", "cohort.html", "hpdgenomics_mqc.tsv")
# Cohorts write JSON only unless told otherwise: a tumour-board HTML page per sample is ~1 MB with its figures, and
# thousands of them are rarely wanted (render single reports later with `hpdgenomics annotate`).
DEFAULT_COHORT_FORMATS = ("json",)
MAX_BATCH = 64


@dataclass(frozen=True)
class CohortResult:
    """What a cohort run wrote: counts, the output files and the notes (inputs not used, samples unmatched)."""

    out_dir: Path
    samples: int
    levels: dict[str, int]
    files: dict[str, Path]
    notes: tuple[str, ...]
    elapsed_seconds: float
    rows: tuple[SampleSummary, ...] = field(repr=False, default=())


def run_cohort(
    *, out: PathLike, study_dir: PathLike | None = None, sample_sheet: PathLike | None = None,
    maf: PathLike | None = None, seg: PathLike | None = None, cna: PathLike | None = None, sv: PathLike | None = None,
    clinical: PathLike | None = None, build: str = "auto", tumour_type: str | None = None,
    purity: float | None = None, ploidy: float | None = None, cn_thresholds: PathLike | None = None,
    amplification_cn: float | None = None, seg_log10: bool = False, include_filtered: bool = False,
    include_germline: bool = False, panel_size_mb: float | None = None, panel_bed: PathLike | None = None,
    rules: Sequence[PathLike] = (), formats: Sequence[str] = DEFAULT_COHORT_FORMATS,
    jobs: int = 1, dask_scheduler: str | None = None, force: bool = False, skip_missing: bool = False,
    progress: Progress | None = None,
) -> CohortResult:
    """Annotate every sample of a cohort and write the per-sample reports and the cohort outputs.

    Give exactly one source: ``study_dir`` (a cBioPortal study folder), ``sample_sheet`` (CSV/TSV of samples and
    their files; ``clinical`` may add a clinical sheet), or multi-sample files (``maf``, ``seg``, ``cna``, ``sv``
    with an optional ``clinical`` sheet).

    Args:
        out: output folder (see the module doc for its layout).
        jobs: local worker processes for the per-sample work (1: in this process).
        dask_scheduler: address of a running Dask scheduler to send the per-sample work to instead; the output
            folder must be on a filesystem its workers share.
        skip_missing: a study data file named by a meta file but missing is left out (with a note) instead of
            being an error.
        progress: called with (samples done, samples in total) as the work advances.
        formats: per-sample report formats (json, tsv, html, md); cohort files are always written.
        Other arguments are those of :func:`hpdgenomics.annotate`.

    Raises:
        InputError: an input is unreadable or malformed (names the file and line).
        OptionError: the options do not fit together.
        OutputError: outputs exist and ``force`` is not set, or the folder cannot be written.
    """
    from hpdgenomics.engine import load_rules
    from hpdgenomics.report.writers import FORMATS

    started = time.monotonic()
    given = {"study_dir": study_dir, "sample_sheet": sample_sheet,
             "files": maf is not None or seg is not None or cna is not None or sv is not None}
    if sum(bool(v) for v in given.values()) != 1:
        raise OptionError("give one cohort source: --study-dir, --sample-sheet, or multi-sample files "
                          "(--maf, --seg, --cna, --sv)")
    if study_dir is not None and clinical is not None:
        raise OptionError("--clinical does not go with --study-dir: the study's own clinical files are read")
    unknown = [f for f in formats if f not in FORMATS]
    if unknown or not formats:
        raise OptionError(f"unknown report format(s) {', '.join(unknown) or '(none)'}; known: {', '.join(FORMATS)}")
    ruleset = load_rules(rules)
    options: dict[str, Any] = {
        "build": build, "tumour_type": tumour_type, "purity": purity, "ploidy": ploidy,
        "cn_thresholds": cn_thresholds, "amplification_cn": amplification_cn, "seg_log10": seg_log10,
        "include_filtered": include_filtered, "include_germline": include_germline, "rules": tuple(rules),
        "panel_size_mb": panel_size_mb, "panel_bed": panel_bed,
        "keep_segments": "html" in formats,  # only the HTML figures draw genome-wide segments
    }
    if study_dir is not None:
        plan = from_study(ruleset, options, study_dir, skip_missing=skip_missing)
    elif sample_sheet is not None:
        plan = from_sample_sheet(ruleset, options, sample_sheet, clinical=clinical)
    else:
        plan = from_files(ruleset, options, {"maf": maf, "seg": seg, "cna": cna, "sv": sv, "clinical": clinical})
    out_dir = Path(out)
    tasks = _with_stems(plan.tasks)
    _check_outputs(out_dir, tasks, formats, force)
    context = _context(ruleset, plan, formats, out_dir, options)
    try:
        (out_dir / REPORTS_DIR).mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise OutputError(f"cannot create the output folder {out_dir}: {exc.strerror or exc}") from exc
    plan.tasks = []  # the profiles go out batch by batch; nothing else holds them once sent
    rows = _run(tasks, context, jobs, dask_scheduler, progress)
    files = write_cohort_files(out_dir, rows, context, plan)
    from hpdgenomics.cohort.tables import level_counts

    return CohortResult(out_dir, len(rows), level_counts(rows), files, tuple(plan.notes),
                        time.monotonic() - started, tuple(rows))


def _with_stems(tasks: list[SampleTask]) -> list[SampleTask]:
    from hpdgenomics.report.filenames import safe_file_stem

    stems: dict[str, str] = {}
    result = []
    for task in tasks:
        stem = safe_file_stem(task.sample_id)
        if stem.lower() in stems:  # case-insensitive file systems would merge them too
            raise OutputError(f"samples {stems[stem.lower()]!r} and {task.sample_id!r} would write the same report "
                              f"file {stem}.hpd.*")
        stems[stem.lower()] = task.sample_id
        result.append(replace(task, stem=stem))
    if not result:
        raise OptionError("the inputs hold no sample")
    return result


def _check_outputs(out: Path, tasks: Sequence[SampleTask], formats: Sequence[str], force: bool) -> None:
    if force or not out.exists():
        return
    planned = [out / name for name in COHORT_FILES]
    planned += [out / REPORTS_DIR / f"{t.stem}.hpd.{fmt}" for t in tasks for fmt in formats]
    existing = [p for p in planned if p.exists()]
    if existing:
        raise OutputError(f"{existing[0]} already exists (use --force to overwrite)"
                          + (f"; {len(existing) - 1} more" if len(existing) > 1 else ""))


def _context(ruleset: Any, plan: Plan, formats: Sequence[str], out: Path, options: dict[str, Any]) -> RunContext:
    from hpdgenomics.report.build import generated_at

    hpd = {r.id: r.subject for r in ruleset.rules if r.category == "hpd_risk"}
    key_rules = frozenset(r.id for r in ruleset.rules if r.category == "hpd_risk" and r.key_event)
    read_options = {k: v for k, v in options.items()}
    parameters = {**plan.parameters, "cohort": {"source": plan.source, "reports": REPORTS_DIR}}
    return RunContext(ruleset=ruleset, parameters=parameters, formats=tuple(formats), out_dir=str(out),
                      reports_dir=REPORTS_DIR, generated_at=generated_at(), hpd_rule_genes=hpd, key_rules=key_rules,
                      read_options=read_options)


def _batches(tasks: list[SampleTask], workers: int) -> Iterator[list[SampleTask]]:
    """Batches taken off the front of ``tasks`` (emptied as it goes, so that sent profiles can be freed)."""
    size = max(1, min(MAX_BATCH, len(tasks) // (workers * 8) or 1))
    queue = deque(tasks)
    tasks.clear()
    while queue:
        yield [queue.popleft() for _ in range(min(size, len(queue)))]


def _run(tasks: list[SampleTask], context: RunContext, jobs: int, dask_scheduler: str | None,
         progress: Progress | None) -> list[SampleSummary]:
    rows: list[SampleSummary] = []
    total = len(tasks)
    if progress is not None:
        progress(0, total)
    for results in run_batches(_batches(tasks, jobs), context, jobs=jobs, dask_scheduler=dask_scheduler):
        for result in results:
            if isinstance(result, TaskFailure):
                raise result.error()
            rows.append(result)
        if progress is not None:
            progress(len(rows), total)
    rows.sort(key=lambda row: row.index)
    if dask_scheduler is not None and rows and rows[0].report:
        first = Path(context.out_dir) / rows[0].report
        if not first.exists():
            raise OutputError(f"the Dask workers wrote {first}, but it is not visible here: the output folder must "
                              "be on a filesystem the workers share")
    return rows


def write_cohort_files(out: Path, rows: Sequence[SampleSummary], context: RunContext, plan: Plan) -> dict[str, Path]:
    """Write cohort.tsv, cohort.json, cohort.html and the MultiQC file, all or none."""
    from hpdgenomics._version import __version__
    from hpdgenomics.cohort.html import render_cohort_html
    from hpdgenomics.cohort.tables import render_cohort_json, render_cohort_tsv, render_multiqc
    from hpdgenomics.report.writers import write_all

    ruleset = context.ruleset
    info = {
        "tool": {"name": "hpdgenomics", "version": __version__},
        "generated_at": context.generated_at,
        "source": plan.source,
        "title": plan.title,
        "rules": {"version": ruleset.version, "sha256": ruleset.sha256, "count": len(ruleset.rules)},
        "inputs": [{"path": i.path, "format": i.format, "sha256": i.sha256} for i in plan.inputs],
        "parameters": context.parameters,
        "reports": {"folder": REPORTS_DIR, "formats": list(context.formats)},
        "notes": list(plan.notes),
    }
    rule_genes = context.hpd_rule_genes
    texts = {
        out / "cohort.tsv": render_cohort_tsv(rows),
        out / "cohort.json": render_cohort_json(rows, rule_genes, info),
        out / "cohort.html": render_cohort_html(rows, rule_genes, info),
        out / "hpdgenomics_mqc.tsv": render_multiqc(rows),
    }
    write_all(texts)
    return {path.name: path for path in texts}
