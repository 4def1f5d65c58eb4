"""Combine the inputs of one run into one profile per sample: small variants, copy number, clinical values and
sample-level biomarkers, matched by sample id.

Rules decide nothing here: this module only says, for each sample, what the inputs found and what they covered.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, replace
from pathlib import Path

from hpdgenomics.copynumber.absolute import check_purity_ploidy
from hpdgenomics.errors import BuildMismatchError, InputError, OptionError, SampleSelectionError
from hpdgenomics.inputs.clinical import SampleClinical, clinical_for
from hpdgenomics.inputs.copy_number import (
    CopyNumberInput,
    CopyNumberOptions,
    caller_fit,
    read_copy_number,
    read_purity_table,
    resolve_fit,
    sample_copy_number,
    segment_build,
)
from hpdgenomics.inputs.small_variants import ReadChoice, SampleInputs, vcf_build
from hpdgenomics.model import (
    AlterationKind,
    Coverage,
    CoverageGap,
    GeneScope,
    InputFile,
    MsiStatus,
    Sample,
    SampleProfile,
    TumourMutationalBurden,
)
from hpdgenomics.readers.clinical import ClinicalSheet
from hpdgenomics.readers.text import name_list


@dataclass(frozen=True)
class PanelSize:
    """The size over which TMB is computed: a number of megabases, or a BED's merged length."""

    megabases: float
    basis: str  # "--panel-size-mb 1.22" or "panel.bed (1,220,345 bp)"


def attach_copy_number(
    inputs: list[SampleInputs], kind: str, path: Path, choice: ReadChoice, options: CopyNumberOptions,
    sheet: ClinicalSheet | None = None, ploidy_given: float | None = None,
) -> list[SampleInputs]:
    """Read the copy-number file, match its samples to the small-variant samples, and call each one.

    With a clinical ``sheet``, samples that only the copy-number file has get their rows too, and each sample's
    purity and ploidy come from the sheet unless the options give them (``ploidy_given``: the ploidy the user set,
    None for the default); a disagreement is an error.
    """
    genes, requested_build, sample, sample_id = choice.genes, choice.build, choice.sample, choice.sample_id
    tumour_sample, include_filtered = choice.tumour_sample, choice.include_filtered
    single_tumour = len(inputs) == 1 and (kind in ("cns", "cnv_vcf") or sample is None)
    # A one-tumour run (VCF, or a MAF narrowed by --sample) reads only that tumour from a multi-sample CN file.
    cn = read_copy_number(kind, path, sample=sample if kind != "cnv_vcf" else sample_id, options=options,
                          genes=genes, tumour_sample=tumour_sample, include_filtered=include_filtered)
    build, basis = _copy_number_build(cn, inputs, requested_build)
    if not inputs:
        targets = [SampleInputs(sample_id=s) for s in cn.samples]
        if sample_id is not None and len(targets) == 1:
            targets[0].sample_id = sample_id
        mapping = {t.sample_id: s for t, s in zip(targets, cn.samples, strict=True)}
        for target in targets:
            target.coverage = Coverage(small_variant_basis="no small-variant input (VCF or MAF) was given")
    elif single_tumour and len(inputs) == 1:
        targets = inputs
        mapping = {inputs[0].sample_id: _one_sample(cn, inputs[0].sample_id, path)}
    else:
        targets = list(inputs)
        known = {t.sample_id for t in targets}
        refuse_near_duplicate_ids(known, cn.samples, path)
        for extra in cn.samples:
            if extra not in known:
                targets.append(SampleInputs(sample_id=extra, coverage=Coverage(
                    small_variant_basis=f"sample {extra} has no row in the small-variant input, so its small "
                    "variants were not assessed")))
        mapping = {t.sample_id: t.sample_id for t in targets}
    if sheet is not None:
        attach_clinical([t for t in targets if t.clinical is None], sheet, one_tumour=False)
    purities = purity_ploidy_by_sample(targets, options.purity, ploidy_given)
    table = read_purity_table(options.purity_table) if options.purity_table is not None else None
    fits = {t.sample_id: resolve_fit(caller_fit(cn, mapping[t.sample_id], table), *_given_fit(t, purities, options,
                                                                                              ploidy_given), options)
            for t in targets}
    groups: dict[tuple[float | None, float], list[str]] = {}
    for target in targets:
        fit = fits[target.sample_id]
        groups.setdefault((fit.purity, fit.ploidy), []).append(mapping[target.sample_id])
    per_sample = {}
    for (purity, ploidy), samples in groups.items():  # one call per purity/ploidy; each call is vectorised
        one = replace(options, purity=purity, ploidy=ploidy)
        per_sample.update(sample_copy_number(cn, sorted(set(samples)), build, genes, one))
    for target in targets:
        fit = fits[target.sample_id]
        result = replace(per_sample[mapping[target.sample_id]], fit=fit.record, msi=fit.msi, tmb=fit.tmb)
        target.copy_number = result
        target.coverage = replace(target.coverage, copy_number=result.scope, copy_number_basis=result.basis,
                                  gaps=target.coverage.gaps + result.gaps)
        if result.tally is not None:
            target.tallies.append(result.tally)
            # A one-tumour run joined two ids that the files name (a CNVkit file's "id" is only its file name).
            if mapping[target.sample_id] != target.sample_id and kind in ("seg", "cna", "cnv_vcf"):
                result.tally.notes.append(
                    f"copy-number sample {mapping[target.sample_id]!r} of {path.name} taken as tumour "
                    f"{target.sample_id!r} (the ids differ; it is the file's only sample)")
        if target.build is None:
            target.build, target.build_basis = build, basis
        target.purity, target.ploidy = fit.purity, fit.ploidy
    return targets


def _given_fit(target: SampleInputs, purities: dict[str, float | None], options: CopyNumberOptions,
               ploidy_given: float | None) -> tuple[tuple[float | None, str], tuple[float | None, str]]:
    """The purity and ploidy the user gave for ``target`` (option, else clinical sheet), each with where from."""
    sheet = target.clinical
    sheet_name = f"clinical sheet {Path(sheet.source).name}" if sheet is not None else ""
    purity = purities.get(target.sample_id)
    purity_where = "--purity" if options.purity is not None else sheet_name
    sheet_ploidy = sheet.ploidy if sheet is not None else None
    ploidy = ploidy_given if ploidy_given is not None else sheet_ploidy
    ploidy_where = "--ploidy" if ploidy_given is not None else sheet_name
    return (purity, purity_where), (ploidy, ploidy_where)


def refuse_near_duplicate_ids(known: Iterable[str], incoming: Iterable[str], path: Path) -> None:
    """Sample ids are matched exactly between inputs; one that differs from an id of the other inputs only by case or
    by surrounding spaces (``Tumour1`` / ``TUMOUR1`` / ``Tumour1 ``) is refused, naming both spellings: matched
    exactly, one tumour would be split into half-assessed reports, and matching them loosely could join two tumours
    that a lab told apart by case. (docs/input_rules.md)"""
    by_key: dict[str, str] = {}
    for name in known:
        by_key.setdefault(_id_key(name), name)
    exact = set(by_key.values()) | set(known)
    for name in incoming:
        other = by_key.get(_id_key(name))
        if other is not None and name not in exact:
            raise InputError(path, f"sample {name!r} differs from {other!r} of the other input(s) only by case or "
                             "surrounding spaces; ids are matched exactly, so the one tumour would be split into two "
                             "half-assessed reports: spell it the same way in every input")


def _id_key(name: str) -> str:
    return name.strip().casefold()


def _one_sample(cn: CopyNumberInput, tumour: str, path: Path) -> str:
    """The copy-number sample that belongs to a one-tumour run: the same id, else the file's only sample."""
    if tumour in cn.samples:
        return tumour
    if len(cn.samples) == 1:
        return cn.samples[0]
    shown = name_list(cn.samples)
    raise SampleSelectionError(path, f"{len(cn.samples)} samples and none is {tumour!r}; choose one with --sample "
                               f"({shown})")


def _copy_number_build(cn: CopyNumberInput, inputs: list[SampleInputs],
                       requested: str | None) -> tuple[str | None, str | None]:
    """The build for the copy-number file: agreed between the request, the small-variant input and the data."""
    known = requested or next((i.build for i in inputs if i.build), None)
    basis = "declared with --build" if requested else next((i.build_basis for i in inputs if i.build), None)
    if cn.vcf_header is not None:
        vcf_build_name, vcf_basis = vcf_build(cn.vcf_header, known)
        known, basis = vcf_build_name, basis or vcf_basis
    build, detected_basis = segment_build(cn, known, "--build" if requested else "the small-variant input")
    if known is not None and build != known:
        raise BuildMismatchError(cn.path, f"the copy-number coordinates fit {build} but the other inputs are {known}")
    if cn.segments is not None and build is None:
        raise OptionError(f"cannot tell the genome build of {cn.path} from its coordinates; give --build GRCh37 "
                          "or --build GRCh38")
    return build, basis or (f"detected from {detected_basis}" if detected_basis else None)


def attach_structural(inputs: list[SampleInputs], path: Path, sample: str | None,
                      sample_id: str | None) -> list[SampleInputs]:
    """Read a structural-variant/fusion file and give each sample its rearrangements (matched by sample id).

    A one-tumour run takes the file's only sample when the ids differ (a fusion caller names no sample); samples
    found only in this file get a report with everything else not assessed.
    """
    from hpdgenomics.readers.structural.fusions import read_structural_variants

    one_tumour = len(inputs) == 1
    wanted = inputs[0].sample_id if one_tumour else sample
    found = read_structural_variants(path, sample=sample, sample_id=sample_id or wanted)
    targets = list(inputs)
    if one_tumour and wanted not in found.samples and len(found.samples) <= 1:
        mapping = {wanted: next(iter(found.samples), None)}
    elif one_tumour and wanted not in found.samples:
        shown = name_list(list(found.samples))
        raise SampleSelectionError(path, f"{len(found.samples)} samples and none is {wanted!r} ({shown})")
    else:
        known = {t.sample_id for t in targets}
        refuse_near_duplicate_ids(known, found.samples, path)
        targets += [SampleInputs(sample_id=s, coverage=Coverage(small_variant_basis=f"sample {s} has no row in the "
                    "small-variant input, so its small variants were not assessed")) for s in found.samples
                    if s not in known]
        mapping = {t.sample_id: t.sample_id for t in targets}
    basis = (f"structural variants and fusions from {path.name} ({found.layout}); genes without a row are taken as "
             "not rearranged")
    for target in targets:
        name = mapping.get(target.sample_id)
        target.rearrangements = list(found.samples.get(name, [])) if name else []
        target.coverage = replace(target.coverage, structural=GeneScope.everything(), structural_basis=basis)
        tally = found.tallies.get(name) if name else None
        if tally is not None:
            target.tallies.append(tally)
    return targets


def attach_clinical(inputs: list[SampleInputs], sheet: ClinicalSheet, *, one_tumour: bool = False) -> None:
    """Give each sample its clinical-sheet row; in a one-tumour run, a tumour absent from the sheet is an error."""
    missing = []
    for target in inputs:
        target.clinical = clinical_for(sheet, target.sample_id)
        if target.clinical is None:
            missing.append(target.sample_id)
    if one_tumour and missing:
        listed = ", ".join(list(sheet.rows)[:10]) + (" …" if len(sheet.rows) > 10 else "")
        raise SampleSelectionError(sheet.path, f"sample {missing[0]!r} has no row in the clinical sheet "
                                   f"({sheet.columns.get(sheet.key, sheet.key)}: {listed or 'none'})")
    for target in inputs:
        if target.clinical is None and target.tallies:
            target.tallies[0].notes.append(f"sample {target.sample_id} has no row in the clinical sheet "
                                           f"{sheet.path.name}")


def resolve_tumour_type(target: SampleInputs, requested: str | None) -> str | None:
    """The tumour type of one sample: the command line's, else the clinical sheet's; a disagreement is an error."""
    from_sheet = target.clinical.tumour_type if target.clinical is not None else None
    if requested is not None and from_sheet is not None and from_sheet != requested:
        raise OptionError(f"--tumour-type {requested} was given, but the clinical sheet says {from_sheet} for "
                          f"sample {target.sample_id}; remove one of them")
    return requested or from_sheet


def purity_ploidy_by_sample(inputs: list[SampleInputs], purity: float | None,
                            ploidy: float | None) -> dict[str, float | None]:
    """Purity per sample from the clinical sheet where the command line gave none; both given and different is an
    error (the copy-number calls would silently depend on which one won)."""
    purities: dict[str, float | None] = {}
    for target in inputs:
        clinical = target.clinical
        sheet_purity = clinical.purity if clinical is not None else None
        if purity is not None and sheet_purity is not None and abs(sheet_purity - purity) > 1e-9:
            raise OptionError(f"--purity {purity:g} was given, but the clinical sheet gives {sheet_purity:g} for "
                              f"sample {target.sample_id}; remove one of them")
        if clinical is not None and clinical.ploidy is not None and ploidy is not None \
                and abs(clinical.ploidy - ploidy) > 1e-9:
            raise OptionError(f"--ploidy {ploidy:g} was given, but the clinical sheet gives {clinical.ploidy:g} for "
                              f"sample {target.sample_id}; remove one of them")
        value = purity if purity is not None else sheet_purity
        check_purity_ploidy(value, None)
        purities[target.sample_id] = value
    return purities


def build_profile(target: SampleInputs, tumour_type: str | None, files: list[InputFile],
                  panel: PanelSize | None, cn_settings: dict[str, object] | None) -> SampleProfile:
    """The profile the rules engine evaluates, with TMB and MSI and what could not be assessed about them."""
    clinical = target.clinical
    cn = target.copy_number
    tmb, tmb_gap = _tmb(target, panel)
    if tmb is None and cn is not None and cn.tmb is not None:  # the caller's (PURPLE) when the sheet gives none
        tmb, tmb_gap = cn.tmb, None
    msi = clinical.msi if clinical is not None else None
    if (msi is None or msi.status is None) and cn is not None and cn.msi is not None:
        msi = cn.msi
    if cn_settings is not None and cn is not None and cn.fit:
        cn_settings = {**cn_settings, **cn.fit}
    gaps = list(target.coverage.gaps)
    assessed = set()
    if tmb is not None:
        assessed.add("TMB")
    elif tmb_gap:
        gaps.append(CoverageGap("TMB", AlterationKind.BIOMARKER, tmb_gap))
    if msi is not None and msi.status is not None and msi.status is not MsiStatus.INDETERMINATE:
        assessed.add("MSI")
    else:
        gaps.append(CoverageGap("MSI", AlterationKind.BIOMARKER, _msi_gap(target)))
    from_caller = cn is not None and (tmb is cn.tmb or msi is cn.msi) and (cn.tmb or cn.msi) is not None
    coverage = replace(target.coverage, gaps=tuple(gaps), biomarkers=GeneScope.of(assessed),
                       biomarker_basis="the copy-number caller's fit (PURPLE purity file) and the clinical sheet"
                       if assessed and from_caller else "clinical sheet and panel size" if assessed else
                       "no clinical sheet (TMB, MSI) and no panel size to compute TMB")
    notes = clinical.notes if clinical is not None else ()
    if notes and target.tallies:
        target.tallies[0].notes.extend(notes)
    note = clinical.tumour_type_note if clinical is not None and clinical.tumour_type == tumour_type else None
    sample = Sample(id=target.sample_id, tumour_type=tumour_type, tumour_type_note=note, genome_build=target.build,
                    genome_build_basis=target.build_basis, purity=target.purity, ploidy=target.ploidy)
    return SampleProfile(
        sample=sample, variants=tuple(target.variants), copy_number=cn.calls if cn else (),
        coverage=coverage, qc=tuple(target.tallies), inputs=tuple(files),
        copy_number_events=cn.events if cn else (), copy_number_settings=cn_settings,
        tmb=tmb, msi=msi, clinical=clinical.values if clinical is not None else None,
        rearrangements=tuple(target.rearrangements), copy_number_segments=cn.segments if cn else (),
    )


def _tmb(target: SampleInputs, panel: PanelSize | None) -> tuple[TumourMutationalBurden | None, str | None]:
    """TMB from the clinical sheet when it gives one; else computed from the counted variants over the panel."""
    clinical: SampleClinical | None = target.clinical
    if clinical is not None and clinical.tmb is not None:
        return clinical.tmb, None
    count = target.tmb_count
    if panel is None:
        return None, ("no TMB in the inputs: give a clinical sheet with TMB, or --panel-size-mb / --panel-bed to "
                      "compute it from the small variants")
    if clinical is not None and "tmb" in clinical.problems:
        return None, clinical.problems["tmb"]
    if count is None:
        return None, ("TMB is computed from small variants, and this sample has no small-variant input (give TMB "
                      "in a clinical sheet)")
    if count.unclassified:
        return None, (f"{count.unclassified} PASS record(s) inside the panel carry no annotation, so they cannot be "
                      "told non-synonymous or not: TMB would be too low and is not computed")
    value = count.counted / panel.megabases
    method = (f"{count.counted} non-synonymous coding variant(s) (missense, nonsense, frameshift, splice site, "
              f"in-frame, start/stop lost; somatic, FILTER PASS; one per ALT allele or MAF row) / "
              f"{panel.megabases:g} Mb ({panel.basis}); computed by hpdgenomics, not an FDA-approved TMB test")
    return TumourMutationalBurden(value, "computed from small variants", method, count.counted,
                                  panel.megabases), None


def _msi_gap(target: SampleInputs) -> str:
    clinical = target.clinical
    if clinical is None:
        return "no MSI status in the inputs (give a clinical sheet with MSI status)"
    if "msi_status" in clinical.problems:
        return clinical.problems["msi_status"]
    if clinical.msi is not None and clinical.msi.status is None:
        return ("the clinical sheet gives an MSI score but no status; score cut-offs differ between assays, so "
                "hpdgenomics does not call MSI from a score")
    return f"the clinical sheet {Path(clinical.source).name} gives no MSI status for this sample"
