"""One typed request for a run: what to read, which sample, how to call copy number, the TMB territory, the
filters and the build — built and checked here, shared by the CLI, the library (:mod:`hpdgenomics.api`) and the
cohort tasks.

A request is a frozen :class:`AnnotateRequest` made of small groups (:class:`Inputs`, :class:`SampleSelection`,
:class:`CopyNumberSettings`, :class:`Panel`, :class:`Filters`). Every option has one flat name, the field's own
name, unique across the groups, so that a request can also be written flat::

    AnnotateRequest.of(vcf="tumour.vcf.gz", tumour_type="LUAD", purity=0.6)

To add an option: add a field (with its default) to the group it belongs to, and read it where it is used; the
flat name, :meth:`AnnotateRequest.of` and :meth:`AnnotateRequest.with_options` follow from the field. The CLI
hands its options on by these names.

:func:`check_request` is the one place where options are checked against each other (an :class:`OptionError`
names the clash); :class:`CheckedRequest` carries the normalised values and the run's ``parameters`` recorded in
every report.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, fields, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

from hpdgenomics.errors import OptionError

if TYPE_CHECKING:
    from hpdgenomics.copynumber.thresholds import ThresholdSet
    from hpdgenomics.readers.clinical import ClinicalSheet

PathLike = str | Path

# Cohorts write JSON only unless told otherwise: a tumour-board HTML page per sample is ~1 MB with its figures, and
# thousands of them are rarely wanted (render single reports later with `hpdgenomics annotate`).
DEFAULT_COHORT_FORMATS = ("json",)


@dataclass(frozen=True)
class Inputs:
    """The files to read (each optional) and extra rule files."""

    vcf: PathLike | None = None  # somatic small variants (VEP/snpEff/bcftools csq annotated, or with a FASTA)
    maf: PathLike | None = None  # GDC or cBioPortal MAF, one or several samples
    seg: PathLike | None = None  # copy-number segments (SEG), several samples per file
    cns: PathLike | None = None  # CNVkit .cns/.call.cns/.cnr of one tumour
    cna: PathLike | None = None  # discrete copy-number table (cBioPortal/GISTIC matrix or long format)
    cnv_vcf: PathLike | None = None  # VCF of copy-number records
    sv: PathLike | None = None  # structural variants / fusions
    clinical: PathLike | ClinicalSheet | None = None  # a clinical sheet, or one already read (cohorts)
    reference_fasta: PathLike | None = None  # to annotate VCF records that carry no annotation
    rules: tuple[PathLike, ...] = ()  # extra rule files; a rule with an existing id replaces the bundled one

    def copy_number(self) -> dict[str, PathLike]:
        """The copy-number inputs given, by kind (seg, cns, cna, cnv_vcf)."""
        given = (("seg", self.seg), ("cns", self.cns), ("cna", self.cna), ("cnv_vcf", self.cnv_vcf))
        return {kind: path for kind, path in given if path is not None}

    def clinical_path(self) -> PathLike | None:
        """The clinical sheet's path, whether given as a path or as a sheet already read."""
        if self.clinical is None or isinstance(self.clinical, str | Path):
            return self.clinical
        return self.clinical.path


@dataclass(frozen=True)
class SampleSelection:
    """Which sample to read and what to call it."""

    sample: str | None = None  # the sample of multi-sample files (MAF barcode, SEG ID, CNA column)
    sample_id: str | None = None  # the id the report carries
    tumour_sample: str | None = None  # the VCF column of the tumour
    tumour_type: str | None = None  # OncoTree code


@dataclass(frozen=True)
class CopyNumberSettings:
    """How copy number becomes gene calls."""

    purity: float | None = None
    ploidy: float | None = None  # None: the default (2), or the clinical sheet's
    cn_thresholds: PathLike | None = None  # YAML of thresholds (global ``default`` and per-gene ``genes``)
    amplification_cn: float | None = None  # global amplification cut-off (absolute copy number)
    seg_log10: bool = False  # SEG values are log10 ratios
    keep_segments: bool = True  # carry genome-wide segments into the profile (cohorts without HTML: off)
    cn_format: str | None = None  # force a readers.registry format (--cn-format); None: detected from the header
    purity_table: PathLike | None = None  # per-sample purity/ploidy (ASCAT, ABSOLUTE, PURPLE, plain sample table)
    amplification_rule: str | None = None  # absolute (default), pcgr or hartwig
    min_markers: int | None = None  # smallest log-ratio segment (markers) that can call amp/deep deletion
    min_bases: int | None = None  # smallest log-ratio segment (bases) that can call amp/deep deletion
    exclude_normals: bool = False  # drop TCGA normal aliquots (sample type 10-29); the cohort command's default
    one_aliquot_per_sample: bool = False  # several TCGA aliquots of one sample: report one (the cohort command)


@dataclass(frozen=True)
class Panel:
    """The sequenced territory, for TMB computed from the small variants: its size, or a BED of it."""

    panel_size_mb: float | None = None
    panel_bed: PathLike | None = None


@dataclass(frozen=True)
class Filters:
    """Records kept that are dropped by default."""

    include_filtered: bool = False  # FILTER not PASS
    include_germline: bool = False  # MAF Mutation_Status Germline


@dataclass(frozen=True)
class Specimen:
    """What the board report's specimen block shows for a one-tumour run (a clinical sheet can say it too)."""

    patient_id: str | None = None
    specimen_id: str | None = None
    collection_date: str | None = None  # ISO 8601, YYYY-MM-DD
    assay: str | None = None  # the assay or gene panel, e.g. "MSK-IMPACT 505"

    def given(self) -> list[str]:
        """The options given, as their command-line names."""
        return ["--" + f.name.replace("_", "-") for f in fields(self) if getattr(self, f.name) not in (None, "")]


_GROUPS: dict[str, type] = {"inputs": Inputs, "selection": SampleSelection, "copy_number": CopyNumberSettings,
                            "panel": Panel, "filters": Filters, "specimen": Specimen}
_GROUP_OF: dict[str, str] = {f.name: group for group, cls in _GROUPS.items() for f in fields(cls)}
assert len(_GROUP_OF) == sum(len(fields(cls)) for cls in _GROUPS.values()), "flat option names must be unique"


@dataclass(frozen=True)
class AnnotateRequest:
    """Everything one annotation run needs to know, in groups; see the module doc."""

    inputs: Inputs = field(default_factory=Inputs)
    selection: SampleSelection = field(default_factory=SampleSelection)
    copy_number: CopyNumberSettings = field(default_factory=CopyNumberSettings)
    panel: Panel = field(default_factory=Panel)
    filters: Filters = field(default_factory=Filters)
    specimen: Specimen = field(default_factory=Specimen)
    build: str = "auto"  # GRCh37, GRCh38 or auto (decided from the data)

    @classmethod
    def of(cls, **options: Any) -> AnnotateRequest:
        """A request from flat option names (``vcf=…, tumour_type=…``); unknown names are a :class:`TypeError`."""
        return cls.from_options(options)

    @classmethod
    def from_options(cls, options: Mapping[str, Any]) -> AnnotateRequest:
        """A request from a mapping of flat option names to values."""
        grouped: dict[str, dict[str, Any]] = {group: {} for group in _GROUPS}
        build = "auto"
        for name, value in options.items():
            if name == "build":
                build = value
            elif name in _GROUP_OF:
                grouped[_GROUP_OF[name]][name] = tuple(value) if name == "rules" else value
            else:
                raise TypeError(f"unknown annotate option {name!r}")
        return cls(build=build, **{group: _GROUPS[group](**values) for group, values in grouped.items()})

    def options(self) -> dict[str, Any]:
        """The request as flat option names → values (the inverse of :meth:`from_options`)."""
        flat: dict[str, Any] = {"build": self.build}
        for group in _GROUPS:
            part = getattr(self, group)
            flat.update({f.name: getattr(part, f.name) for f in fields(part)})
        return flat

    def with_options(self, **changes: Any) -> AnnotateRequest:
        """A copy with the named options changed (flat names)."""
        if "build" in changes and len(changes) == 1:
            return replace(self, build=changes["build"])
        return AnnotateRequest.from_options({**self.options(), **changes})


@dataclass(frozen=True)
class CheckedRequest:
    """A request whose options fit together, with the normalised values the run uses."""

    request: AnnotateRequest
    tumour_type: str | None  # upper-case OncoTree code, known to the bundled tree
    build: str | None  # canonical build name, None for auto
    purity: float | None
    ploidy: float  # the given ploidy or the default
    thresholds: ThresholdSet

    def parameters(self) -> dict[str, Any]:
        """The run's parameters as every report records them (the key order is part of the output)."""
        request = self.request
        inputs, selection, cn, panel = request.inputs, request.selection, request.copy_number, request.panel
        clinical_path = inputs.clinical_path()
        return {
            "build": request.build, "tumour_type": self.tumour_type, "tumour_sample": selection.tumour_sample,
            "sample": selection.sample, "include_filtered": request.filters.include_filtered,
            "include_germline": request.filters.include_germline,
            "rule_files": [str(path) for path in inputs.rules], "purity": self.purity, "ploidy": self.ploidy,
            "cn_thresholds": _text(cn.cn_thresholds), "amplification_cn": cn.amplification_cn,
            "seg_log10": cn.seg_log10, "clinical": _text(clinical_path), "panel_size_mb": panel.panel_size_mb,
            "panel_bed": _text(panel.panel_bed), "sv": _text(inputs.sv),
            "reference_fasta": _text(inputs.reference_fasta),
            **{f.name: getattr(request.specimen, f.name) for f in fields(request.specimen)},
        }


def check_request(request: AnnotateRequest) -> CheckedRequest:
    """Check that the options fit together and normalise them (tumour type, build, purity, ploidy, thresholds).

    Raises:
        OptionError: options that cannot work together, or unknown values (names the option).
        InputError: the thresholds file is unreadable or malformed.
    """
    from hpdgenomics.copynumber.absolute import check_purity_ploidy
    from hpdgenomics.copynumber.thresholds import load_thresholds

    inputs, selection, panel = request.inputs, request.selection, request.panel
    if inputs.vcf is not None and inputs.maf is not None:
        raise OptionError("give one small-variant input: a VCF or a MAF, not both")
    cn_given = inputs.copy_number()
    if len(cn_given) > 1:
        raise OptionError("give at most one copy-number input (--seg, --cns, --cna or --cnv-vcf)")
    if inputs.vcf is None and inputs.maf is None and not cn_given and inputs.sv is None:
        raise OptionError("no input: give a VCF or MAF of small variants, a copy-number file (--seg, --cns, --cna, "
                          "--cnv-vcf) and/or structural variants (--sv)")
    if inputs.maf is not None and (selection.tumour_sample is not None):
        raise OptionError("--tumour-sample applies to VCF input; use --sample to pick a MAF sample")
    if panel.panel_size_mb is not None and panel.panel_bed is not None:
        raise OptionError("give the TMB territory once: --panel-size-mb or --panel-bed, not both")
    if inputs.reference_fasta is not None and inputs.vcf is None:
        raise OptionError("--reference-fasta annotates VCF records; it needs --vcf")
    if panel.panel_size_mb is not None and panel.panel_size_mb <= 0:
        raise OptionError(f"--panel-size-mb must be above 0, got {panel.panel_size_mb:g}")
    code = check_tumour_type(selection.tumour_type)
    build = requested_build_name(request.build)
    cn = request.copy_number
    purity, ploidy = check_purity_ploidy(cn.purity, cn.ploidy)
    thresholds = load_thresholds(cn.cn_thresholds, amplification_cn=cn.amplification_cn,
                                 amplification_rule=cn.amplification_rule, min_markers=cn.min_markers,
                                 min_bases=cn.min_bases)
    check_collection_date(request.specimen.collection_date)
    return CheckedRequest(request, code, build, purity, ploidy, thresholds)


def check_collection_date(text: str | None) -> None:
    """A collection date must be a real ISO 8601 calendar date (2026-11-30): a board reads it, so no guessing at
    day-month order."""
    from datetime import date

    if text is None:
        return
    try:
        date.fromisoformat(text)
    except ValueError:
        raise OptionError(f"--collection-date {text!r}: expected a date as YYYY-MM-DD, e.g. 2026-11-30") from None
    if len(text) != 10:
        raise OptionError(f"--collection-date {text!r}: expected a date as YYYY-MM-DD, e.g. 2026-11-30")


def check_tumour_type(tumour_type: str | None) -> str | None:
    """Today's OncoTree code for a command-line tumour type (a retired code is mapped, see
    :func:`hpdgenomics.genome.oncotree.resolve`); an unknown code is an error with the closest codes suggested."""
    from hpdgenomics.genome import oncotree

    if tumour_type is None or not tumour_type.strip():
        return None
    lookup = oncotree.resolve(tumour_type)
    if lookup.problem is not None:
        raise OptionError(lookup.problem)
    return lookup.code


def requested_build_name(build: str) -> str | None:
    """``auto`` → None; otherwise the canonical build name (an unsupported name is an :class:`OptionError`)."""
    from hpdgenomics.genome.builds import UnsupportedBuild, normalise_build_name

    if build.lower() == "auto":
        return None
    try:
        name = normalise_build_name(build)
    except UnsupportedBuild as exc:
        raise OptionError(f"unsupported genome build {build!r}: {exc}") from exc
    if name is None:
        raise OptionError(f"unsupported genome build {build!r}: use GRCh37, GRCh38 or auto")
    return name


@dataclass(frozen=True)
class CohortRequest:
    """A cohort run: the annotate options every sample shares, the cohort source and how to run and write it.

    The source is one of ``study_dir``, ``sample_sheet`` (``annotate.inputs.clinical`` may add a clinical sheet)
    or the multi-sample files of ``annotate.inputs`` (maf, seg, cna, sv with an optional clinical sheet).
    """

    out: PathLike
    annotate: AnnotateRequest = field(default_factory=AnnotateRequest)
    study_dir: PathLike | None = None  # a cBioPortal study folder
    sample_sheet: PathLike | None = None  # CSV/TSV of samples and their files
    formats: tuple[str, ...] = DEFAULT_COHORT_FORMATS  # per-sample report formats; cohort files are always written
    jobs: int = 1  # local worker processes (1: in this process)
    dask_scheduler: str | None = None  # address of a running Dask scheduler to send the work to instead
    force: bool = False  # overwrite existing outputs
    skip_missing: bool = False  # a study data file named by a meta file but missing is left out, with a note

    @classmethod
    def of(cls, **options: Any) -> CohortRequest:
        """A cohort request from flat names: this class's fields, and the annotate options of the rest."""
        own = {f.name for f in fields(cls)} - {"annotate"}
        mine: dict[str, Any] = {k: (tuple(v) if k == "formats" else v) for k, v in options.items() if k in own}
        shared = AnnotateRequest.from_options({k: v for k, v in options.items() if k not in own})
        return cls(annotate=shared, **mine)


def check_cohort_request(request: CohortRequest) -> None:
    """Check that the cohort source and formats make sense (the per-sample options are checked when read).

    Raises:
        OptionError: no source or several, a clinical sheet with a study, an unknown format.
    """
    from hpdgenomics.report.writers import SAMPLE_FORMATS as FORMATS  # maf/vcf: per input, not per sample

    inputs = request.annotate.inputs
    files = any(path is not None for path in (inputs.maf, inputs.seg, inputs.cna, inputs.sv))
    given = {"study_dir": request.study_dir, "sample_sheet": request.sample_sheet, "files": files}
    if sum(bool(v) for v in given.values()) != 1:
        raise OptionError("give one cohort source: --study-dir, --sample-sheet, or multi-sample files "
                          "(--maf, --seg, --cna, --sv)")
    if request.study_dir is not None and inputs.clinical is not None:
        raise OptionError("--clinical does not go with --study-dir: the study's own clinical files are read")
    unknown = [f for f in request.formats if f not in FORMATS]
    if unknown or not request.formats:
        raise OptionError(f"unknown report format(s) {', '.join(unknown) or '(none)'}; known: {', '.join(FORMATS)}")


def _text(path: PathLike | None) -> str | None:
    return None if path is None else str(path)

