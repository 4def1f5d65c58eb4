"""Where a cohort's samples come from: a cBioPortal study folder, a sample sheet, or multi-sample files given
directly. Each source reads its multi-sample files once (split by sample) and yields one task per sample.

Samples found in a file but not wanted (a SEG holding more samples than the sheet lists) and rows that cannot be
matched are never dropped silently: they are counted in :attr:`Plan.notes`, which the cohort outputs show.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from hpdgenomics.cohort import clinical as sheets
from hpdgenomics.cohort.merge import Part
from hpdgenomics.cohort.panels import (
    GenePanel,
    PanelMatrix,
    matrix_column,
    panel_uses,
    read_panel_definitions,
    read_panel_matrix,
)
from hpdgenomics.cohort.samplesheet import KIND_OF, read_sample_sheet
from hpdgenomics.cohort.study import Study, is_panel_definition, read_study
from hpdgenomics.cohort.tasks import SampleTask
from hpdgenomics.engine.rules import RuleSet
from hpdgenomics.model import AlterationKind, InputFile
from hpdgenomics.readers.text import sha256_of
from hpdgenomics.request import AnnotateRequest


@dataclass
class Plan:
    """The samples of a run, ready for the workers, with what the run read and noted."""

    source: str  # in words, for the outputs
    title: str
    tasks: list[SampleTask]
    parameters: dict[str, Any]
    inputs: list[InputFile]
    notes: list[str] = field(default_factory=list)


def _input(path: str | Path, kind: str) -> InputFile:
    return InputFile(str(path), kind, sha256_of(path))


def from_files(ruleset: RuleSet, request: AnnotateRequest) -> Plan:
    """Multi-sample files given directly (``--maf``, ``--seg``, ``--cna``, ``--sv``, ``--clinical``)."""
    from hpdgenomics.api import read_profiles

    profiles, parameters = read_profiles(ruleset, request)
    tasks = [SampleTask(i, p.sample.id, "", profile=p) for i, p in enumerate(profiles)]
    inputs = list(profiles[0].inputs) if profiles else []
    given = request.inputs
    files = (given.maf, given.seg, given.cna, given.sv, given.clinical_path())
    names = ", ".join(Path(str(v)).name for v in files if v is not None)
    clinical = given.clinical
    notes = sheets.problems(clinical) if clinical is not None else []
    return Plan(f"multi-sample files ({names})", names, tasks, parameters, inputs, notes)


def from_study(ruleset: RuleSet, request: AnnotateRequest, folder: str | Path, *,
               skip_missing: bool = False) -> Plan:
    """A cBioPortal study folder (see :mod:`hpdgenomics.cohort.study` and :mod:`hpdgenomics.cohort.panels`)."""
    from hpdgenomics.api import read_profiles
    from hpdgenomics.readers.clinical import join_patients, read_clinical

    study = read_study(folder, skip_missing=skip_missing)
    notes = list(study.notes)
    extra: list[InputFile] = []
    clinical = None
    if study.get("clinical_sample") is not None:
        clinical = read_clinical(study.files["clinical_sample"].data)
        patients = study.get("clinical_patient")
        if patients is not None:
            clinical = join_patients(clinical, read_clinical(patients.data))
            extra.append(_input(patients.data, "clinical_patient"))
    elif study.get("clinical_patient") is not None:
        notes.append("the patient clinical sheet is not used: the study has no sample sheet to join it to")
    if clinical is not None:
        notes += sheets.problems(clinical)
    files: dict[str, Any] = {kind: study.files[kind].data for kind in ("maf", "sv") if kind in study.files}
    cn = study.copy_number
    if cn is not None:
        files[cn.kind] = cn.data
        if cn.kind == "seg" and request.build == "auto" and (cn.build or study.build):
            files["build"] = cn.build or study.build  # segments need a build; the meta file names it
    profiles, parameters = read_profiles(ruleset, request.with_options(clinical=clinical, **files))
    matrix, panels = _panels(study, extra, notes)
    kinds = _profile_columns(study, matrix)
    profiles += _zero_variant_samples(study, matrix, kinds, profiles, clinical, parameters, notes)
    if clinical is not None:  # the study's own sample order; samples only the data files have come last
        rank = {sample: i for i, sample in enumerate(clinical.rows)}
        profiles = [p for _, p in sorted(enumerate(profiles), key=lambda item: (
            rank.get(item[1].sample.id, len(rank)), item[0]))]
    tasks = []
    for index, profile in enumerate(profiles):
        uses = panel_uses(profile.sample.id, kinds, matrix, panels) if kinds else {}
        used = tuple(_panel_file(study, use.panel) for use in uses.values() if use.panel is not None)
        tasks.append(SampleTask(index, profile.sample.id, "", profile=profile, panel_uses=uses,
                                extra_inputs=(*extra, *dict.fromkeys(used))))
    if clinical is not None:
        unmatched = len(set(clinical.rows) - {p.sample.id for p in profiles})
        if unmatched:
            notes.append(f"{unmatched} sample(s) of {clinical.path.name} are in no data file and have no report")
    inputs = list(profiles[0].inputs) + extra if profiles else extra
    title = study.name or study.identifier or Path(folder).name
    return Plan(f"cBioPortal study {study.identifier or Path(folder).name} ({Path(folder)})", title, tasks,
                parameters, inputs, notes)


def _zero_variant_samples(study: Study, matrix: PanelMatrix | None, kinds: Mapping[AlterationKind, Any],
                          profiles: list[Any], clinical: Any, parameters: Mapping[str, Any],
                          notes: list[str]) -> list[Any]:
    """Profiles with no variant for samples sequenced for mutations but in no data file (see cohort/sequenced.py)."""
    from hpdgenomics.cohort.sequenced import sequenced_for_mutations, zero_variant_profiles

    column = kinds[AlterationKind.SMALL_VARIANT][0] if AlterationKind.SMALL_VARIANT in kinds else None
    sequenced = sequenced_for_mutations(study, matrix, column)
    added = zero_variant_profiles(sequenced, [p.sample.id for p in profiles], study=study,
                                  template=profiles[0] if profiles else None, clinical=clinical,
                                  tumour_type=parameters.get("tumour_type"))
    if added:
        shown = ", ".join(p.sample.id for p in added[:5]) + (" …" if len(added) > 5 else "")
        notes.append(f"{len(added)} sample(s) sequenced for mutations but with no row in any data file are reported "
                     f"with zero variants ({shown})")
    return added


def _panels(study: Study, extra: list[InputFile], notes: list[str]) -> tuple[PanelMatrix | None, dict[str, GenePanel]]:
    matrix = None
    if study.get("panel_matrix") is not None:
        matrix = read_panel_matrix(study.files["panel_matrix"].data)
        extra.append(_input(matrix.path, "gene_panel_matrix"))
    definitions = [p for p in study.folder.glob("data_gene_panel_*") if p.is_file() and is_panel_definition(p)]
    panels = read_panel_definitions(definitions)
    wanted = {panel for row in (matrix.samples.values() if matrix else ()) for panel in row.values() if panel}
    wanted |= {f.gene_panel for f in study.files.values() if f.gene_panel}
    missing = sorted(wanted - set(panels))
    if missing:
        notes.append(f"gene panel definitions not in the study folder for {', '.join(missing)}: those samples' "
                     "panel genes are unknown, so genes without a mutation or SV row are not assessed for them")
    entrez = sorted(p.stable_id for p in panels.values() if p.genes is None)
    if entrez:
        notes.append(f"gene panels {', '.join(entrez)} list Entrez ids, which hpdgenomics cannot map to genes")
    return matrix, panels


def _profile_columns(study: Study, matrix: PanelMatrix | None) -> dict[AlterationKind, tuple[str | None, str | None,
                                                                                             str]]:
    """Per alteration kind: the gene panel matrix column of its profile, its meta gene_panel, its meta name."""
    kinds = {"maf": AlterationKind.SMALL_VARIANT, "cna": AlterationKind.COPY_NUMBER,
             "seg": AlterationKind.COPY_NUMBER, "sv": AlterationKind.STRUCTURAL}
    result = {}
    for kind, alteration in kinds.items():
        profile = study.get(kind)
        if profile is None:
            continue
        column = matrix_column(matrix, profile.stable_id, study.identifier) if matrix is not None else None
        if column is not None or profile.gene_panel:
            result[alteration] = (column, profile.gene_panel, profile.meta.name)
    return result


def _panel_file(study: Study, panel: GenePanel) -> InputFile:
    return _input(study.folder / panel.source, "gene_panel")


def from_sample_sheet(ruleset: RuleSet, request: AnnotateRequest, path: str | Path,
                      clinical: str | Path | None = None) -> Plan:
    """A sample sheet: files shared by several rows are read once here; each row's own files by its worker."""
    from hpdgenomics.api import read_profiles
    from hpdgenomics.inputs.clinical import clinical_for
    from hpdgenomics.readers.clinical import read_clinical

    sheet = read_sample_sheet(path)
    values = sheets.sheet_values(sheet.path, {row.sample: (row.values, row.line) for row in sheet.rows})
    if values is not None:
        for row in sheet.rows:  # tumour types and purities are checked against the sheet's own lines
            clinical_for(values, row.sample)
    merged = values
    extra = [_input(sheet.path, "sample_sheet")]
    if clinical is not None:
        merged = read_clinical(clinical) if values is None else sheets.overlay(read_clinical(clinical), values)
    notes: list[str] = sheets.problems(merged) if merged is not None else []
    wanted = {row.sample for row in sheet.rows}
    shared: dict[tuple[str, Path], dict[str, Any]] = {}
    inputs = list(extra)
    parameters: dict[str, Any] | None = None
    for (column, target), rows in sheet.shared_files().items():
        profiles, parameters = read_profiles(ruleset, request.with_options(clinical=merged, **{column: target}))
        shared[(column, target)] = {p.sample.id: p for p in profiles if p.sample.id in wanted}
        inputs.append(_input(target, column))
        others = len(profiles) - len(shared[(column, target)])
        if others:
            notes.append(f"{others} sample(s) of {target.name} are not in the sample sheet and have no report")
        missing = [row.sample for row in rows if row.sample not in shared[(column, target)]]
        if missing:
            notes.append(f"{len(missing)} sample(s) of the sheet are not in {target.name} ({', '.join(missing[:5])}"
                         f"{' …' if len(missing) > 5 else ''}): their {KIND_OF[column].value.replace('_', ' ')} "
                         "input is not assessed")
    tasks = []
    for index, row in enumerate(sheet.rows):
        own = sheet.own_files(row)
        parts = tuple(Part(frozenset({KIND_OF[column]}), shared[(column, target)].get(row.sample), target.name,
                           absent_assessed=column == "sv")
                      for column, target in row.files.items() if (column, target) in shared)
        tasks.append(SampleTask(index, row.sample, "", own_files={k: str(v) for k, v in own.items()} or None,
                                own_kinds=frozenset(KIND_OF[k] for k in own),
                                clinical=sheets.one_row(merged, row.sample), parts=parts,
                                extra_inputs=tuple(extra), where=(str(sheet.path), row.line)))
    base = dict(parameters or {})
    base.update({"sample_sheet": str(sheet.path), "clinical": None if clinical is None else str(clinical)})
    return Plan(f"sample sheet {sheet.path.name} ({len(sheet.rows)} rows)", sheet.path.name, tasks, base, inputs,
                notes)
