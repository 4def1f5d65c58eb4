"""One sample's profile from parts read apart: a sample sheet row's own VCF, say, and its slice of a SEG file that
every row shares (read once for all of them).

Each part supplies some alteration kinds (small variants, copy number, structural variants); the merged profile
takes each kind — alterations, coverage and gaps — from the part that supplies it, and the sample-level values (TMB,
MSI, clinical values) from whichever part has them. A part whose file has no entry for the sample says so in the
coverage basis of its kinds: not assessed, never negative.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from typing import Any

from hpdgenomics.errors import BuildMismatchError
from hpdgenomics.model import AlterationKind, CoverageGap, GeneScope, InputFile, SampleProfile

SMALL, CN, SV = AlterationKind.SMALL_VARIANT, AlterationKind.COPY_NUMBER, AlterationKind.STRUCTURAL
_FIELDS = {SMALL: ("small_variants", "small_variant_basis"), CN: ("copy_number", "copy_number_basis"),
           SV: ("structural", "structural_basis")}
_WORDS = {SMALL: "small variants", CN: "copy number", SV: "structural variants"}


@dataclass(frozen=True)
class Part:
    """What one read gave for one sample: the kinds it supplies and the profile (None: the file lacks the sample)."""

    kinds: frozenset[AlterationKind]
    profile: SampleProfile | None
    file: str  # the file's name, for the "not in this file" reason
    absent_assessed: bool = False  # absent from the file means "nothing found" (structural-variant tables)


def merge_parts(sample_id: str, parts: Sequence[Part]) -> SampleProfile:
    """The profile of ``sample_id`` from its parts (at least one of them must hold the sample)."""
    present = [p for p in parts if p.profile is not None]
    if not present:
        raise ValueError(f"no part holds sample {sample_id}")  # the caller checks this with the sheet's line
    if len(parts) == 1:
        return present[0].profile  # type: ignore[return-value]
    ordered = sorted(present, key=lambda p: (SMALL not in p.kinds, CN not in p.kinds))
    base = ordered[0].profile
    assert base is not None
    build, build_basis = _build(sample_id, ordered)
    coverage = base.coverage
    gaps: list[CoverageGap] = []
    fields: dict[str, Any] = {}
    supplied = {kind: part for part in parts for kind in part.kinds}
    for kind, (scope_field, basis_field) in _FIELDS.items():
        part = supplied.get(kind)
        if part is None:
            gaps += [g for g in coverage.gaps if g.kind is kind]
            continue
        if part.profile is None:
            fields[scope_field], fields[basis_field] = _absent(sample_id, kind, part)
            continue
        theirs = part.profile.coverage
        fields[scope_field], fields[basis_field] = theirs.scope(kind), theirs.basis(kind)
        gaps += [g for g in theirs.gaps if g.kind is kind]
    tmb = next((p.profile.tmb for p in ordered if p.profile and p.profile.tmb is not None), None)
    msi = next((p.profile.msi for p in ordered if p.profile and p.profile.msi is not None), None)
    biomarkers = GeneScope.nothing()
    for part in ordered:
        biomarkers = biomarkers.union(part.profile.coverage.biomarkers)  # type: ignore[union-attr]
    assessed = {"TMB"} if tmb is not None else set()
    assessed |= {"MSI"} if msi is not None and msi.status is not None else set()
    gaps += [g for g in coverage.gaps if g.kind is AlterationKind.BIOMARKER and g.gene not in assessed]
    with_biomarkers = next((p.profile for p in ordered if p.profile and p.profile.biomarkers()), base)
    merged = replace(coverage, gaps=tuple(gaps), biomarkers=biomarkers,
                     biomarker_basis=with_biomarkers.coverage.biomarker_basis, **fields)
    small, cn, structural = (_profile_of(supplied.get(kind)) for kind in (SMALL, CN, SV))
    return replace(
        base,
        sample=replace(base.sample, genome_build=build, genome_build_basis=build_basis,
                       purity=cn.sample.purity if cn else base.sample.purity,
                       ploidy=cn.sample.ploidy if cn else base.sample.ploidy),
        variants=small.variants if small else (),
        copy_number=cn.copy_number if cn else (),
        copy_number_events=cn.copy_number_events if cn else (),
        copy_number_settings=cn.copy_number_settings if cn else None,
        rearrangements=structural.rearrangements if structural else (),
        coverage=merged, tmb=tmb, msi=msi,
        clinical=next((p.profile.clinical for p in ordered if p.profile and p.profile.clinical), None),
        qc=tuple(t for p in ordered for t in p.profile.qc),  # type: ignore[union-attr]
        inputs=_inputs(p.profile.inputs for p in ordered),  # type: ignore[union-attr]
    )


def _profile_of(part: Part | None) -> SampleProfile | None:
    return part.profile if part is not None else None


def _absent(sample_id: str, kind: AlterationKind, part: Part) -> tuple[GeneScope, str]:
    if part.absent_assessed:
        return GeneScope.everything(), (f"{part.file} has no row for sample {sample_id}; genes without a row are "
                                        "taken as not rearranged")
    return GeneScope.nothing(), f"{part.file} has no entry for sample {sample_id}, so its {_WORDS[kind]} were not " \
                                "assessed"


def _build(sample_id: str, parts: Sequence[Part]) -> tuple[str | None, str | None]:
    """The sample's build: the parts must agree (a VCF in GRCh38 and segments in GRCh37 cannot be combined)."""
    build = basis = None
    source = ""
    for part in parts:
        sample = part.profile.sample if part.profile else None
        if sample is None or sample.genome_build is None:
            continue
        if build is None:
            build, basis, source = sample.genome_build, sample.genome_build_basis, part.file
        elif sample.genome_build != build:
            raise BuildMismatchError(part.file, f"sample {sample_id}: this file is {sample.genome_build} but "
                                     f"{source} is {build}")
    return build, basis


def _inputs(groups: object) -> tuple[InputFile, ...]:
    seen: dict[tuple[str, str], InputFile] = {}
    for group in groups:  # type: ignore[attr-defined]
        for item in group:
            seen.setdefault((item.path, item.format), item)
    return tuple(seen.values())
