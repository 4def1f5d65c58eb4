"""The per-sample work of a cohort: build the profile (reading the sample's own files, if any), limit it to the
sample's gene panel, evaluate the rules, write the sample's reports and return its summary row.

Everything here is a plain function of picklable inputs, so the same code runs in-process, in local worker
processes and on Dask workers. Errors are sent back as :class:`TaskFailure` (the library's errors carry their own
constructor arguments, which the standard exception pickling would lose) and raised again by the caller.

Reports are written by the worker, next to where the caller planned them (on a Dask cluster the output folder must be
on a filesystem the workers share): only the small summary row travels back. Each file is written to a temporary
name and renamed into place, so a reader never sees half a report; the per-file ``fsync`` of the single-sample
writer is left out here because thousands of them cost seconds and the rename already keeps every file whole.
"""

from __future__ import annotations

import contextlib
import os
import tempfile
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from hpdgenomics.cohort.merge import Part, merge_parts
from hpdgenomics.cohort.panels import PanelUse, restrict_profile
from hpdgenomics.cohort.summary import SampleSummary, hpd_rule_kinds, summarise
from hpdgenomics.engine.rules import RuleSet
from hpdgenomics.errors import (
    BuildMismatchError,
    HpdError,
    InputError,
    OptionError,
    OutputError,
    RuleError,
    SampleSelectionError,
)
from hpdgenomics.model import AlterationKind, InputFile, SampleProfile
from hpdgenomics.readers.clinical import ClinicalSheet
from hpdgenomics.request import AnnotateRequest


@dataclass(frozen=True)
class RunContext:
    """What every task of one run shares."""

    ruleset: RuleSet
    parameters: dict[str, Any]
    formats: tuple[str, ...]
    out_dir: str
    reports_dir: str  # relative to out_dir
    generated_at: str  # one timestamp for the whole run, whichever machine renders a report
    hpd_rule_genes: dict[str, str]  # hpd_risk rule id → gene
    key_rules: frozenset[str]
    request: AnnotateRequest = field(default_factory=AnnotateRequest)  # for reading a sample sheet row's own files


@dataclass(frozen=True)
class SampleTask:
    """One sample: a ready profile (studies, multi-sample files) or the parts to build it from (sample sheets)."""

    index: int
    sample_id: str
    stem: str  # file-name stem of its reports
    profile: SampleProfile | None = None
    own_files: Mapping[str, str] | None = None  # kind → path: the row's own files, read by the worker
    own_kinds: frozenset[AlterationKind] = frozenset()
    clinical: ClinicalSheet | None = None  # the row's values (tumour type, purity, ploidy, clinical sheet row)
    parts: tuple[Part, ...] = ()  # slices of files that several rows share
    panel_uses: Mapping[AlterationKind, PanelUse] | None = None
    extra_inputs: tuple[InputFile, ...] = ()  # provenance the reads do not record (sample sheet, patient sheet)
    where: tuple[str, int] | None = None  # the sample sheet and line, for error messages


@dataclass(frozen=True)
class TaskFailure:
    """An error raised by a task, in a form that survives pickling."""

    index: int
    kind: str
    message: str
    path: str | None = None
    line: int | None = None
    detail: str | None = None

    def error(self) -> Exception:
        """The error to raise in the caller."""
        classes: dict[str, type[InputError]] = {"InputError": InputError, "SampleSelectionError": SampleSelectionError,
                                                "BuildMismatchError": BuildMismatchError}
        if self.kind in classes:
            return classes[self.kind](self.path, self.detail or self.message, line=self.line)
        if self.kind == "RuleError":
            return RuleError(self.path or "<rules>", self.message)
        return {"OptionError": OptionError, "OutputError": OutputError}.get(self.kind, HpdError)(self.message)


def run_batch(tasks: Sequence[SampleTask], context: RunContext) -> list[SampleSummary | TaskFailure]:
    """Run every task of a batch; stop at the first failure (the run stops anyway) and report it."""
    results: list[SampleSummary | TaskFailure] = []
    for task in tasks:
        try:
            results.append(run_task(task, context))
        except HpdError as exc:
            results.append(TaskFailure(task.index, type(exc).__name__, str(exc), getattr(exc, "path", None),
                                       getattr(exc, "line", None), getattr(exc, "detail", None)))
            break
    return results


def run_task(task: SampleTask, context: RunContext) -> SampleSummary:
    """Build, evaluate and write one sample; return its summary row."""
    from hpdgenomics.api import report_for
    from hpdgenomics.report.document import SampleReport
    from hpdgenomics.report.writers import RENDERERS

    profile, parameters = _profile(task, context)
    if task.panel_uses:
        profile = restrict_profile(profile, task.panel_uses, context.ruleset.genes())
    if task.extra_inputs:
        known = {(i.path, i.format) for i in profile.inputs}
        profile = replace(profile, inputs=profile.inputs + tuple(i for i in task.extra_inputs
                                                                 if (i.path, i.format) not in known))
    report = report_for(profile, context.ruleset, parameters)
    report = SampleReport({**report.document, "generated_at": context.generated_at})
    folder = Path(context.out_dir) / context.reports_dir
    # Cohort reports are compact JSON (one line): indented JSON goes through the pure-Python encoder, which was
    # half of a 10,000-sample run; `hpdgenomics annotate` writes the indented form for reading by eye.
    texts = {folder / f"{task.stem}.hpd.{fmt}": report.to_json(indent=None) if fmt == "json" else RENDERERS[fmt](report)
             for fmt in context.formats}
    write_files(texts)
    json_path = f"{context.reports_dir}/{task.stem}.hpd.json" if "json" in context.formats else ""
    return summarise(task.index, report.document, json_path, context.hpd_rule_genes, context.key_rules,
                     hpd_rule_kinds(context.ruleset))


def _profile(task: SampleTask, context: RunContext) -> tuple[SampleProfile, dict[str, Any]]:
    if task.profile is not None:
        return task.profile, context.parameters
    parameters = dict(context.parameters)
    parts = list(task.parts)
    if task.own_files:
        own, own_parameters = _read_own(task, context)
        parameters.update({k: v for k, v in own_parameters.items() if v is not None})
        parts.insert(0, Part(task.own_kinds, own, ", ".join(Path(p).name for p in task.own_files.values())))
    if not any(part.profile is not None for part in parts):
        sheet, line = task.where or (None, None)
        names = ", ".join(part.file for part in parts)
        raise InputError(sheet, f"sample {task.sample_id!r} is in none of its files ({names}): check the sample "
                         "column against the ids the files use", line=line)
    return merge_parts(task.sample_id, parts), parameters


def _read_own(task: SampleTask, context: RunContext) -> tuple[SampleProfile, dict[str, Any]]:
    """Read a sheet row's own files (a VCF, a CNVkit file …) as one tumour, named by the sheet's sample column."""
    from hpdgenomics.api import read_profiles

    assert task.own_files is not None
    request = context.request.with_options(clinical=task.clinical, sample_id=task.sample_id, **task.own_files)
    shared_build = next((p.profile.sample.genome_build for p in task.parts
                         if p.profile is not None and p.profile.sample.genome_build), None)
    if request.build == "auto" and shared_build:
        request = request.with_options(build=shared_build)  # a CNVkit file's coordinates rarely tell the build
    profiles, parameters = read_profiles(context.ruleset, request)
    chosen = [p for p in profiles if p.sample.id == task.sample_id]
    if len(chosen) != 1:
        sheet, line = task.where or (None, None)
        found = ", ".join(p.sample.id for p in profiles[:10])
        raise SampleSelectionError(sheet, f"the files of sample {task.sample_id!r} hold {len(profiles)} samples "
                                   f"({found}) and none is named {task.sample_id!r}", line=line)
    return chosen[0], parameters


def write_files(texts: Mapping[Path, str]) -> None:
    """Write each text to a temporary file next to its target, then rename it into place."""
    for path, text in texts.items():
        handle, name = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
        try:
            with os.fdopen(handle, "w", encoding="utf-8", newline="\n") as out:
                out.write(text)
            os.chmod(name, 0o644)
            os.replace(name, path)
        except BaseException as exc:
            with contextlib.suppress(OSError):
                os.unlink(name)
            if isinstance(exc, OSError):
                raise OutputError(f"cannot write {path}: {exc.strerror or exc}") from exc
            raise
