"""``run_cohort``: read a cohort's inputs once, run the per-sample work (here, in local processes or on a Dask
cluster), and write the cohort outputs.

Output folder::

    OUT/samples/<sample>.hpd.json   one report per sample (and .tsv/.html/.md with ``formats``)
    OUT/cohort.tsv                  one row per sample
    OUT/cohort.json                 counts per level and per HPD rule by tumour type, inputs, notes
    OUT/cohort.html                 the figures (event frequency by tumour type, oncoprint), self-contained
    OUT/cohort.parquet              one row per sample with every finding and gap, provenance in its metadata
    OUT/hpdgenomics_*mqc.tsv        MultiQC custom content (level bar graph, general statistics, table)

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
from hpdgenomics.cohort.outdir import staged
from hpdgenomics.cohort.sources import Plan, from_files, from_sample_sheet, from_study
from hpdgenomics.cohort.summary import SampleSummary
from hpdgenomics.cohort.tasks import RunContext, SampleTask, TaskFailure
from hpdgenomics.errors import OptionError, OutputError
from hpdgenomics.request import AnnotateRequest, CohortRequest, check_cohort_request

Progress = Callable[[int, int], None]
REPORTS_DIR = "samples"
COHORT_FILES = ("cohort.tsv", "cohort.json", "cohort.html", "cohort.parquet", "hpdgenomics_levels_mqc.tsv",
                "hpdgenomics_general_stats_mqc.tsv", "hpdgenomics_mqc.tsv")
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


@staged(REPORTS_DIR, COHORT_FILES)  # one run at a time per folder; the whole output replaced at the end or not at all
def run_cohort(request: CohortRequest, progress: Progress | None = None) -> CohortResult:
    """Annotate every sample of a cohort and write the per-sample reports and the cohort outputs.

    ``request`` names one source: ``study_dir`` (a cBioPortal study folder), ``sample_sheet`` (CSV/TSV of samples
    and their files; a clinical input may add a clinical sheet), or multi-sample files in ``request.annotate``
    (maf, seg, cna, sv with an optional clinical sheet); ``CohortRequest.of(study_dir=…, out=…, jobs=2)`` builds one
    from flat option names (see :mod:`hpdgenomics.request`). The other annotate options apply to every sample.
    ``progress`` is called with (samples done, samples in total) as the work advances.

    Raises:
        InputError: an input is unreadable or malformed (names the file and line).
        OptionError: the options do not fit together.
        OutputError: outputs exist and ``force`` is not set, or the folder cannot be written.
    """
    from hpdgenomics.engine import load_rules

    started = time.monotonic()
    check_cohort_request(request)
    formats = request.formats
    ruleset = load_rules(request.annotate.inputs.rules)
    # only the HTML figures draw genome-wide segments
    shared = request.annotate.with_options(keep_segments="html" in formats)
    # the options every sample's own read starts from: no cohort-wide file (each source names its own)
    base = shared.with_options(maf=None, seg=None, cna=None, sv=None, clinical=None)
    if request.study_dir is not None:
        plan = from_study(ruleset, base, request.study_dir, skip_missing=request.skip_missing)
    elif request.sample_sheet is not None:
        plan = from_sample_sheet(ruleset, base, request.sample_sheet, clinical=shared.inputs.clinical_path())
    else:
        plan = from_files(ruleset, shared)
    out_dir = Path(request.out)
    tasks = _with_stems(plan.tasks)
    _check_outputs(out_dir, tasks, formats, request.force)
    context = _context(ruleset, plan, formats, out_dir, base)
    try:
        (out_dir / REPORTS_DIR).mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise OutputError(f"cannot create the output folder {out_dir}: {exc.strerror or exc}") from exc
    plan.tasks = []  # the profiles go out batch by batch; nothing else holds them once sent
    rows = _run(tasks, context, request.jobs, request.dask_scheduler, progress)
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


def _context(ruleset: Any, plan: Plan, formats: Sequence[str], out: Path, base: AnnotateRequest) -> RunContext:
    from hpdgenomics.report.build import generated_at

    hpd = {r.id: r.subject for r in ruleset.rules if r.category == "hpd_risk"}
    key_rules = frozenset(r.id for r in ruleset.rules if r.category == "hpd_risk" and r.key_event)
    parameters = {**plan.parameters, "cohort": {"source": plan.source, "reports": REPORTS_DIR}}
    return RunContext(ruleset=ruleset, parameters=parameters, formats=tuple(formats), out_dir=str(out),
                      reports_dir=REPORTS_DIR, generated_at=generated_at(), hpd_rule_genes=hpd, key_rules=key_rules,
                      request=base)


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
    """Write cohort.tsv, cohort.json, cohort.html, cohort.parquet and the MultiQC files, all or none."""
    from hpdgenomics._version import __version__
    from hpdgenomics.cohort.html import render_cohort_html
    from hpdgenomics.cohort.multiqc import render_multiqc_files
    from hpdgenomics.cohort.parquet import render_cohort_parquet
    from hpdgenomics.cohort.tables import render_cohort_json, render_cohort_tsv
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
    texts: dict[Path, str | bytes] = {
        out / "cohort.tsv": render_cohort_tsv(rows),
        out / "cohort.json": render_cohort_json(rows, rule_genes, info),
        out / "cohort.html": render_cohort_html(rows, rule_genes, info),
        out / "cohort.parquet": render_cohort_parquet(rows, info),
    }
    texts.update({out / name: text for name, text in render_multiqc_files(rows).items()})
    write_all(texts)
    return {path.name: path for path in texts}
