"""Samples a study sequenced for mutations that have no row in any data file: reported with zero variants.

A cBioPortal MAF lists mutations, not samples; a tumour sequenced without a single mutation (or with only rows the
study filtered out) is absent from it. The gene panel matrix (its mutation profile column is a panel id, not ``NA``)
and the ``cases_sequenced`` case list say that such a sample was sequenced, so it gets a report with no variant
instead of being dropped: over its panel's genes when the panel's gene list is known, else with the basis saying
where the sample's sequencing is known from.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import replace
from pathlib import Path

from hpdgenomics.cohort.panels import PanelMatrix
from hpdgenomics.cohort.study import Study, read_sequenced_case_list
from hpdgenomics.inputs.samples import attach_clinical, build_profile, resolve_tumour_type
from hpdgenomics.inputs.small_variants import SampleInputs
from hpdgenomics.model import Coverage, GeneScope, InputFile, SampleProfile
from hpdgenomics.readers.clinical import ClinicalSheet


def sequenced_for_mutations(study: Study, matrix: PanelMatrix | None, mutation_column: str | None) -> dict[str, str]:
    """Sample → the file that says it was sequenced for mutations (matrix first, then the case list)."""
    said: dict[str, str] = {}
    if matrix is not None and mutation_column is not None:
        said.update({sample: matrix.path.name for sample, row in matrix.samples.items()
                     if row.get(mutation_column) is not None})
    case_list = read_sequenced_case_list(study.folder)
    if case_list is not None:
        path, samples = case_list
        for sample in samples:
            said.setdefault(sample, f"case_lists/{path.name}")
    return said


def zero_variant_profiles(
    samples: Mapping[str, str], known: Iterable[str], *, study: Study, template: SampleProfile | None,
    clinical: ClinicalSheet | None, tumour_type: str | None,
) -> list[SampleProfile]:
    """A profile with no variant for each sequenced sample that no data file has (in ``samples``' order).

    ``template`` (any profile of the run) gives the input files and the build; without a mutation file nothing is
    added (the sample's mutations were not read, so it is not "zero variants").
    """
    maf = study.get("maf")
    if maf is None:
        return []
    seen = set(known)
    missing = [(sample, said_by) for sample, said_by in samples.items() if sample not in seen]
    profiles = []
    cn = study.copy_number
    for sample, said_by in missing:
        # The matrix names the panel, and the panel step (panels.restrict_profile) sets the genes it covered; a
        # case list names no panel, so every gene is taken as sequenced, as for a MAF row's sample.
        coverage = Coverage(
            small_variants=GeneScope.everything() if said_by.startswith("case_lists/") else GeneScope.nothing(),
            small_variant_basis=f"{sample} has no row in {maf.data.name} but was sequenced for mutations ({said_by}):"
            " no mutation in the genes it covered",
            copy_number_basis=(f"{sample} is not in {cn.data.name}, so its copy number was not assessed" if cn
                               else "no copy-number input"),
        )
        target = SampleInputs(sample_id=sample, coverage=coverage)
        if template is not None:
            target.build, target.build_basis = template.sample.genome_build, template.sample.genome_build_basis
        if clinical is not None:
            attach_clinical([target], clinical, one_tumour=False)
        files: list[InputFile] = list(template.inputs) if template is not None else []
        profile = build_profile(target, resolve_tumour_type(target, tumour_type), files, None, None)
        profiles.append(_noted(profile, said_by, maf.data))
    return profiles


def _noted(profile: SampleProfile, said_by: str, maf: Path) -> SampleProfile:
    """The profile with a QC tally of the MAF that read no row for it (so its QC says why it has no variant)."""
    from hpdgenomics.model.qc import ReadTally

    tally = ReadTally(path=str(maf), unit=f"MAF rows of sample {profile.sample.id}")
    tally.notes.append(f"no row for {profile.sample.id}: sequenced for mutations according to {said_by}, so it is "
                       "reported with zero variants")
    return replace(profile, qc=(tally, *profile.qc))
