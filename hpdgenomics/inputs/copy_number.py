"""Copy-number inputs of a run: read one file (SEG, CNVkit, discrete CNA, VCF copy-number records), decide its
build, and turn each sample's segments or values into gene-level calls with what they covered.

This is orchestration between the readers, :mod:`hpdgenomics.copynumber` and the genome tables; it knows file
kinds but no rules (it is given the genes to call).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING

from hpdgenomics.copynumber.thresholds import SOURCES, ThresholdSet
from hpdgenomics.errors import BuildMismatchError, InputError
from hpdgenomics.genome.builds import BuildConflict, build_from_positions
from hpdgenomics.genome.reference import Gene, load_genes
from hpdgenomics.model import (
    AlterationKind,
    CopyNumberCall,
    CopyNumberEvent,
    CopyNumberSegment,
    CoverageGap,
    GeneScope,
    ReadTally,
)
from hpdgenomics.model.biomarkers import Microsatellites, TumourMutationalBurden
from hpdgenomics.readers.small_variants.vcf import VcfHeader, choose_tumour_sample, inspect_vcf

if TYPE_CHECKING:  # the readers and the caller load pandas: imported where a copy-number input is read
    import pandas as pd

    from hpdgenomics.copynumber.call import GeneCalls
    from hpdgenomics.readers.copy_number.cna import DiscreteFile
    from hpdgenomics.readers.copy_number.purity import FittedValues, PurityTable
    from hpdgenomics.readers.copy_number.segments import SegmentFile

DEFAULT_PLOIDY = 2.0  # as hpdgenomics.copynumber.absolute.DEFAULT_PLOIDY (numpy-free import for start-up)

KINDS = ("seg", "cns", "cna", "cnv_vcf")
SEGMENT_UNITS = {"seg": "SEG segments", "cns": "CNVkit segments", "cnr": "CNVkit bins (averaged per gene)",
                 "vcf": "VCF copy-number records", "ascat": "ASCAT segments", "purple": "PURPLE segments",
                 "purple_legacy": "PURPLE (v2) segments", "facets": "FACETS segments", "titan": "TitanCNA segments",
                 "gatk_seg": "GATK segments", "battenberg": "Battenberg segments (solution A)",
                 "pcgr": "PCGR allele-specific segments"}


@dataclass(frozen=True)
class CopyNumberOptions:
    """How copy number is turned into calls (recorded in the report)."""

    purity: float | None = None
    ploidy: float = DEFAULT_PLOIDY
    thresholds: ThresholdSet = field(default_factory=ThresholdSet)
    seg_log10: bool = False
    keep_segments: bool = True  # carry each sample's genome-wide segments into its report (off for cohorts)
    cn_format: str | None = None  # a readers.registry format name forced by --cn-format; None: from the header
    purity_table: Path | None = None  # per-sample purity/ploidy table (--purity-table)
    exclude_normals: bool = False  # drop TCGA normal aliquots (sample type 10-29), counted (cohort default)
    one_aliquot_per_sample: bool = False  # several aliquots of one TCGA sample: keep one (cohort default)

    def to_dict(self) -> dict[str, object]:
        return {
            "purity": self.purity,
            "ploidy": self.ploidy,
            "purity_formula": SOURCES["purity_formula"],
            "seg_values": "log10 ratios converted to log2" if self.seg_log10 else "log2 ratios",
            "thresholds": self.thresholds.to_dict(),
        }


@dataclass
class CopyNumberInput:
    """One copy-number file, read."""

    path: Path
    kind: str  # seg | cns | cna | cnv_vcf
    samples: list[str]
    segments: SegmentFile | None = None
    discrete: DiscreteFile | None = None
    vcf_header: VcfHeader | None = None
    notes: list[str] = field(default_factory=list)  # samples left out (TCGA normals, repeated aliquots)

    @property
    def format(self) -> str:
        if self.segments is not None:
            return self.segments.format
        return "cna"


@dataclass
class SampleCopyNumber:
    """One sample's gene-level copy number, ready to go into its profile."""

    calls: tuple[CopyNumberCall, ...]
    events: tuple[CopyNumberEvent, ...]
    scope: GeneScope
    basis: str
    gaps: tuple[CoverageGap, ...]
    tally: ReadTally | None
    segments: tuple[CopyNumberSegment, ...] = ()
    fit: dict[str, object] = field(default_factory=dict)  # where purity and ploidy came from, WGD (the report)
    msi: Microsatellites | None = None  # from the caller (PURPLE msStatus)
    tmb: TumourMutationalBurden | None = None  # from the caller (PURPLE tmbPerMb)


def read_copy_number(kind: str, path: str | Path, *, sample: str | None, options: CopyNumberOptions,
                     genes: frozenset[str], tumour_sample: str | None = None,
                     include_filtered: bool = False) -> CopyNumberInput:
    """Read a SEG (``seg``), CNVkit (``cns``: .cns/.call.cns/.cnr), discrete CNA (``cna``) or copy-number VCF
    (``cnv_vcf``) file. ``sample`` picks one sample of a multi-sample file (or names a one-sample file's sample)."""
    from hpdgenomics.readers import registry
    from hpdgenomics.readers.copy_number.vcf_cnv import read_vcf_copy_number

    path = Path(path)
    if kind == "cnv_vcf":
        header = inspect_vcf(path)
        tumour = choose_tumour_sample(header, tumour_sample)
        segments = read_vcf_copy_number(header, tumour, include_filtered=include_filtered,
                                        sample_id=sample or tumour or _stem(path))
        return CopyNumberInput(path, kind, segments.samples, segments=segments, vcf_header=header)
    if kind not in ("seg", "cns", "cna"):
        raise ValueError(f"unknown copy-number input kind {kind!r}")
    fmt = registry.detect(path, kind, options.cn_format)
    if fmt.name == "cns" and kind != "cns" and options.cn_format is None:
        fmt = registry.BY_NAME[registry.FALLBACK[kind]]  # the SEG/CNA reader explains that --cns is meant
    if fmt.holds == "purity":
        raise InputError(path, f"this is a {fmt.label} (per-sample purity and ploidy), not copy number: give it "
                         "with --purity-table")
    announce = options.cn_format is not None or fmt.name != registry.FALLBACK[kind]
    if fmt.holds == "discrete":
        discrete = registry.read(fmt, path, announce=announce, sample=sample, genes=genes)
        return _cohort_samples(CopyNumberInput(path, kind, list(discrete.samples), discrete=discrete), options)
    extra = {"log10": options.seg_log10} if fmt.name == "seg" else {}
    segments = registry.read(fmt, path, announce=announce, sample=sample, **extra)
    return _cohort_samples(CopyNumberInput(path, kind, segments.samples, segments=segments), options)


def _cohort_samples(cn: CopyNumberInput, options: CopyNumberOptions) -> CopyNumberInput:
    """Leave out TCGA normal aliquots and repeated aliquots of one sample when the options say so (cohorts)."""
    if not (options.exclude_normals or options.one_aliquot_per_sample):
        return cn
    from hpdgenomics.copynumber.tcga import select_samples

    chosen = select_samples(cn.samples, exclude_normals=options.exclude_normals,
                            one_aliquot=options.one_aliquot_per_sample)
    if len(chosen.kept) == len(cn.samples):
        return cn
    kept = set(chosen.kept)
    if cn.segments is not None:
        segments = cn.segments
        segments.frame = segments.frame[segments.frame["sample"].isin(kept)].reset_index(drop=True)
        segments.samples = chosen.kept
        segments.tallies = {s: t for s, t in segments.tallies.items() if s in kept}
    if cn.discrete is not None:
        cn.discrete.samples = {s: v for s, v in cn.discrete.samples.items() if s in kept}
    return replace(cn, samples=chosen.kept, notes=chosen.notes())


def _stem(path: Path) -> str:
    name = path.name
    for suffix in (".gz", ".bgz", ".vcf"):
        name = name.removesuffix(suffix)
    return name or path.name


def segment_build(cn: CopyNumberInput, requested: str | None,
                  requested_by: str = "--build") -> tuple[str | None, str | None]:
    """The build segments fit (from positions past a chromosome end), checked against ``requested``.

    Returns (build, basis); build None when the coordinates fit both builds. Discrete inputs have no coordinates.
    """
    if cn.segments is None:
        return requested, None
    ends = cn.segments.max_end_by_contig()
    try:
        detected = build_from_positions(ends)
    except BuildConflict as exc:
        raise BuildMismatchError(cn.path, f"segment coordinates fit neither build: {exc}") from exc
    if requested is not None and detected is not None and detected != requested:
        raise BuildMismatchError(cn.path, f"{requested_by} says {requested}, but segment ends lie past the end of a "
                                 f"{requested} chromosome (they fit {detected})")
    if detected is not None:
        return detected, "segment ends past a chromosome end in the other build"
    return requested, None


def sample_copy_number(cn: CopyNumberInput, samples: list[str], build: str | None, genes: frozenset[str],
                       options: CopyNumberOptions) -> dict[str, SampleCopyNumber]:
    """Gene calls for each of ``samples`` (a sample absent from the file gets everything *not assessed*)."""
    from hpdgenomics.copynumber.call import call_segments

    ordered = sorted(genes)
    if cn.discrete is not None:
        table = load_genes(build or "GRCh38")  # coordinates only group co-amplified genes; the calls need none
        coordinates = {g: table.get(g) for g in ordered}
        return {s: _from_discrete(cn, s, ordered, coordinates, build or "GRCh38") for s in samples}
    assert cn.segments is not None and build is not None
    table = load_genes(build)
    coordinates = {g: table.get(g) for g in ordered}
    results = call_segments(
        cn.segments.frame, coordinates, options.thresholds, purity=options.purity, ploidy=options.ploidy,
        bins=cn.segments.bins, samples=samples, file_name=cn.path.name,
    )
    profiles = _genome_profiles(cn.segments, samples, options) if options.keep_segments else {}
    return {s: replace(_from_segments(cn, results[s], coordinates, build, options), segments=profiles.get(s, ()))
            for s in samples}


def _genome_profiles(segments: SegmentFile, samples: list[str],
                     options: CopyNumberOptions) -> dict[str, tuple[CopyNumberSegment, ...]]:
    """Each sample's segments with copy number and state under the default thresholds (bins are not kept: a
    CNVkit .cnr holds tens of thousands per sample, and the report's figures need segments)."""
    from hpdgenomics.copynumber.absolute import absolute_copy_number, state_from_copy_number, state_from_log2

    if segments.bins or segments.frame.empty:
        return {}
    wanted = set(samples)
    frame = segments.frame[segments.frame["sample"].isin(wanted)]
    frame = _without_overlong_profiles(segments, frame)
    limits = options.thresholds.default
    has_cn = "cn" in frame.columns
    log2 = frame["log2"].to_numpy(dtype=float) if "log2" in frame.columns else None
    given_cn = frame["cn"].to_numpy(dtype=float) if has_cn else None
    derived = absolute_copy_number(log2, options.purity, options.ploidy) if log2 is not None else None
    rows: dict[str, list[CopyNumberSegment]] = {}
    columns = zip(frame["sample"].tolist(), frame["chrom"].tolist(), frame["start"].tolist(), frame["end"].tolist(),
                  strict=True)
    for index, (sample, chrom, start, end) in enumerate(columns):
        value = None if log2 is None or math.isnan(log2[index]) else float(log2[index])
        copies = None
        if given_cn is not None and not math.isnan(given_cn[index]):
            copies = float(given_cn[index])
            state = state_from_copy_number(copies, limits, options.ploidy)
        elif derived is not None and value is not None:
            copies = float(derived[index])
            state = state_from_log2(copies, limits, options.ploidy)
        else:
            continue
        rows.setdefault(sample, []).append(CopyNumberSegment(
            str(chrom), int(start), int(end), None if value is None else round(value, 4),
            None if copies is None else round(copies, 3), state))
    return {sample: tuple(items) for sample, items in rows.items()}


# Segments per sample kept for the report's genome-wide figures. Real profiles have tens to a few thousand; a sample
# with millions (a 300 MB SEG of one sample) cost gigabytes as report objects. Its gene calls use every segment.
MAX_PROFILE_SEGMENTS = 20_000


def _without_overlong_profiles(segments: SegmentFile, frame: pd.DataFrame) -> pd.DataFrame:
    """``frame`` without the samples that have more than MAX_PROFILE_SEGMENTS segments, each noted in its tally."""
    counts = frame["sample"].value_counts()
    over = counts[counts > MAX_PROFILE_SEGMENTS]
    for sample, count in over.items():
        tally = segments.tallies.get(str(sample))
        if tally is not None:
            tally.notes.append(f"{int(count):,} segments, more than the {MAX_PROFILE_SEGMENTS:,} the genome-wide "
                               "profile of the report holds: the profile (figures) is left out; the gene calls use "
                               "every segment")
    return frame[~frame["sample"].isin(over.index)] if len(over) else frame


def _from_segments(cn: CopyNumberInput, result: GeneCalls, coordinates: dict[str, Gene | None], build: str,
                   options: CopyNumberOptions) -> SampleCopyNumber:
    assert cn.segments is not None
    sample = result.sample_id
    tally = cn.segments.tallies.get(sample)
    what = SEGMENT_UNITS.get(cn.segments.format, f"{cn.segments.format} segments")
    if tally is None:
        basis = f"{cn.path.name} has no segment for sample {sample}"
        tally = ReadTally(str(cn.path), what)
        tally.notes.append(f"sample {sample} is not in this file")
    else:
        basis = (f"{what} of {sample} from {cn.path.name} ({tally.kept} used), called on {build}; "
                 f"{len(result.calls)} of {len(coordinates)} rule genes covered")
    if tally is not None and cn.notes:
        tally.notes.extend(n for n in cn.notes if n not in tally.notes)
    if result.too_small:
        limits = options.thresholds.default
        tally.notes.append(f"{result.too_small} segment(s) over rule genes too small to call the amplification or "
                           f"deep deletion they show (fewer than {limits.min_markers} markers or "
                           f"{limits.min_bases:,} bp): not called, see each gene's parts")
    return _sample_result(result, coordinates, build, basis, tally)


def _from_discrete(cn: CopyNumberInput, sample: str, genes: list[str], coordinates: dict[str, Gene | None],
                   build: str) -> SampleCopyNumber:
    assert cn.discrete is not None
    one = cn.discrete.samples.get(sample)
    if one is None:
        from hpdgenomics.copynumber.call import GeneCalls

        result = GeneCalls(sample, not_assessed={g: f"sample {sample} is not a column of {cn.path.name}"
                                                 for g in genes})
        tally: ReadTally | None = ReadTally(str(cn.path), "CNA cells")
        assert tally is not None
        tally.notes.append(f"sample {sample} is not in this file")
        basis = f"{cn.path.name} has no column for sample {sample}"
    else:
        from hpdgenomics.copynumber.call import call_discrete

        result = call_discrete(sample, one.calls, one.profiled, genes, cn.discrete.genes_in_file, cn.path.name)
        tally = one.tally
        basis = (f"discrete copy-number calls of {sample} from {cn.path.name} (GISTIC/cBioPortal codes: only 2 is "
                 f"an amplification); {len(result.calls)} of {len(genes)} rule genes profiled")
    return _sample_result(result, coordinates, build, basis, tally)


def _sample_result(result: GeneCalls, coordinates: dict[str, Gene | None], build: str, basis: str,
                   tally: ReadTally | None) -> SampleCopyNumber:
    """One sample's gene calls with their co-amplification events, coverage and gaps."""
    calls = tuple(result.calls[g] for g in sorted(result.calls))
    events = _co_amplifications(calls, coordinates, build)
    return SampleCopyNumber(calls, events, GeneScope.of(result.calls), basis, _gaps(result), tally)


def _co_amplifications(calls: tuple[CopyNumberCall, ...], coordinates: dict[str, Gene | None],
                       build: str) -> tuple[CopyNumberEvent, ...]:
    from hpdgenomics.copynumber.events import co_amplifications

    return co_amplifications(calls, coordinates, build)


def _gaps(result: GeneCalls) -> tuple[CoverageGap, ...]:
    return tuple(CoverageGap(gene, AlterationKind.COPY_NUMBER, reason)
                 for gene, reason in sorted(result.not_assessed.items()))


@dataclass(frozen=True)
class ResolvedFit:
    """One sample's purity and ploidy for calling, with where each came from (written into its report)."""

    purity: float | None
    ploidy: float
    record: dict[str, object]
    msi: Microsatellites | None = None
    tmb: TumourMutationalBurden | None = None


def read_purity_table(path: Path) -> PurityTable:
    """A ``--purity-table`` file, its layout detected from the header (ASCAT, ABSOLUTE, PURPLE, plain)."""
    from hpdgenomics.readers import registry

    fmt = registry.detect(path, "purity")
    return registry.read(fmt, path)


def caller_fit(cn: CopyNumberInput, sample: str, table: PurityTable | None) -> FittedValues | None:
    """The fit for ``sample``: the purity table's row when one is given, else what the caller's file says."""
    if table is not None:
        row = table.for_sample(sample)
        if row is not None:
            return row
    if cn.segments is not None:
        entry = cn.segments.fitted.get(sample)
        if entry is not None:
            return entry["fit"]  # type: ignore[return-value]
    return None


def resolve_fit(fit: FittedValues | None, purity: tuple[float | None, str], ploidy: tuple[float | None, str],
                options: CopyNumberOptions) -> ResolvedFit:
    """Purity and ploidy of one sample: the user's (``(value, where)``: an option or the clinical sheet) over the
    caller's fit, over the defaults (tumour taken as pure, ploidy 2); an override of a fitted value is noted."""
    notes: list[str] = []
    caller = f"{fit.caller} ({fit.source})" if fit is not None else ""

    def choose(name: str, given: tuple[float | None, str], fitted: float | None,
               default: float | None, default_text: str) -> tuple[float | None, str]:
        value, where = given
        if value is not None:
            if fitted is not None and abs(fitted - value) > 1e-9:
                notes.append(f"{where} {value:g} overrides the {name} {fitted:g} fitted by {caller}")
            return value, where
        if fitted is not None:
            return fitted, caller
        return default, default_text

    fitted_purity = fit.purity if fit is not None and fit.purity else None  # a fitted purity of 0 is no fit
    chosen_purity, purity_source = choose("purity", purity, fitted_purity, None,
                                          "not given: tumour taken as pure")
    chosen_ploidy, ploidy_source = choose("ploidy", ploidy, fit.ploidy if fit else None, options.ploidy,
                                          f"default ({options.ploidy:g})")
    ploidy_value = float(chosen_ploidy if chosen_ploidy is not None else options.ploidy)
    record: dict[str, object] = {
        "purity_source": purity_source, "ploidy_source": ploidy_source,
        "whole_genome_doubling": fit.wgd if fit is not None else None,
        "whole_genome_doubling_source": caller if fit is not None and fit.wgd is not None else None,
        "amplification_rule_applied": options.thresholds.default.describe_amplification(ploidy_value),
        "fit_notes": notes,
    }
    return ResolvedFit(chosen_purity, ploidy_value, record, fit.msi if fit else None, fit.tmb if fit else None)
