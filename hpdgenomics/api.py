"""The library entry points: files in, :class:`~hpdgenomics.report.SampleReport` out. No printing, no exiting.

``annotate`` reads one tumour's inputs, evaluates the rules and returns its report; ``annotate_samples`` does the
same for every sample of multi-sample inputs (a MAF, SEG or CNA file of several tumours, with an optional clinical
sheet). The CLI only wraps these; the cohort module runs them at scale.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

from hpdgenomics.copynumber.absolute import check_purity_ploidy
from hpdgenomics.copynumber.thresholds import load_thresholds
from hpdgenomics.engine import decide_hpd_risk, evaluate, load_rules
from hpdgenomics.engine.rules import RuleSet
from hpdgenomics.errors import OptionError, SampleSelectionError
from hpdgenomics.genome import oncotree
from hpdgenomics.genome.builds import UnsupportedBuild
from hpdgenomics.genome.builds import normalise_build_name as _build_name
from hpdgenomics.inputs.copy_number import CopyNumberOptions
from hpdgenomics.inputs.samples import (
    PanelSize,
    attach_clinical,
    attach_copy_number,
    attach_structural,
    build_profile,
    purity_ploidy_by_sample,
    resolve_tumour_type,
)
from hpdgenomics.inputs.small_variants import SampleInputs, read_maf_input, read_vcf_input
from hpdgenomics.model import InputFile, SampleProfile
from hpdgenomics.readers.text import BackgroundHashes
from hpdgenomics.report import SampleReport, build_report

if TYPE_CHECKING:
    from hpdgenomics.readers.clinical import ClinicalSheet

PathLike = str | Path


def annotate(
    *,
    vcf: PathLike | None = None,
    maf: PathLike | None = None,
    seg: PathLike | None = None,
    cns: PathLike | None = None,
    cna: PathLike | None = None,
    cnv_vcf: PathLike | None = None,
    sv: PathLike | None = None,
    clinical: PathLike | None = None,
    sample: str | None = None,
    sample_id: str | None = None,
    tumour_sample: str | None = None,
    tumour_type: str | None = None,
    build: str = "auto",
    purity: float | None = None,
    ploidy: float | None = None,
    cn_thresholds: PathLike | None = None,
    amplification_cn: float | None = None,
    seg_log10: bool = False,
    panel_size_mb: float | None = None,
    panel_bed: PathLike | None = None,
    reference_fasta: PathLike | None = None,
    include_filtered: bool = False,
    include_germline: bool = False,
    rules: Sequence[PathLike] = (),
) -> SampleReport:
    """Annotate one tumour and return its report.

    Args:
        vcf: somatic small-variant VCF (VEP CSQ, snpEff ANN/EFF or bcftools BCSQ annotated), plain or bgzipped;
            its copy-number records (SVTYPE=CNV/DUP/DEL with END), if any, are read too unless another
            copy-number input is given.
        maf: GDC or cBioPortal MAF; with several samples, ``sample`` names the one to report.
        seg: copy-number segments (IGV/DNAcopy SEG and its column-name variants), several samples per file.
        cns: a CNVkit ``.cns``/``.call.cns`` (segments) or ``.cnr`` (bins) file of this tumour.
        cna: a discrete copy-number table (cBioPortal/GISTIC matrix or long format).
        cnv_vcf: a VCF of copy-number records (DRAGEN, GATK gCNV, CNVkit export).
        sv: structural variants or fusions (cBioPortal SV table, a fusion list, or a fusion caller's output).
        clinical: a clinical sheet (cBioPortal ``data_clinical_sample.txt`` or a TSV/CSV with a sample column)
            giving tumour type, TMB, MSI status, purity and clinical factors per sample.
        sample: the sample to read from multi-sample files (MAF barcode, SEG ID, CNA column).
        sample_id: the id the report carries (default: the VCF tumour column, or the file name for sites-only VCFs).
        tumour_sample: the VCF column of the tumour (default: ``##tumor_sample=``, else the only sample).
        tumour_type: OncoTree code (e.g. ``LUAD``); without it (and without a clinical sheet giving one)
            tumour-specific rules are reported as conditional.
        build: ``GRCh37``, ``GRCh38`` or ``auto`` (decided from the data; a contradiction is an error).
        purity: tumour purity in (0, 1] for the log2 → copy-number conversion (default: the clinical sheet's,
            else taken as pure).
        ploidy: tumour ploidy (default 2).
        cn_thresholds: YAML file of copy-number thresholds (global ``default`` and per-gene ``genes``).
        amplification_cn: global amplification cut-off (absolute copy number; default 6).
        seg_log10: the SEG values are log10 ratios rather than log2.
        panel_size_mb: size of the sequenced territory in megabases, to compute TMB from the VCF's variants.
        panel_bed: BED of the sequenced territory: its merged length is the TMB denominator and only variants
            inside it are counted.
        reference_fasta: reference FASTA (indexed, or indexable in place) of the build, to read codons for VCF
            records that carry no annotation (they are annotated from the bundled transcript models).
        include_filtered: keep records whose FILTER is not PASS.
        include_germline: keep MAF rows whose Mutation_Status is Germline.
        rules: extra rule files; a rule with an existing id replaces the bundled one.

    Raises:
        InputError: a file is unreadable or malformed (names the file and line).
        SampleSelectionError: the sample is ambiguous or absent.
        BuildMismatchError: the declared build contradicts the data.
        OptionError: options that cannot work together or unknown values.
        RuleError: a rule file breaks the schema.
    """
    reports = annotate_samples(
        vcf=vcf, maf=maf, seg=seg, cns=cns, cna=cna, cnv_vcf=cnv_vcf, sv=sv, clinical=clinical, sample=sample,
        sample_id=sample_id, tumour_sample=tumour_sample, tumour_type=tumour_type, build=build, purity=purity,
        ploidy=ploidy, cn_thresholds=cn_thresholds, amplification_cn=amplification_cn, seg_log10=seg_log10,
        panel_size_mb=panel_size_mb, panel_bed=panel_bed, reference_fasta=reference_fasta,
        include_filtered=include_filtered,
        include_germline=include_germline, rules=rules,
    )
    if len(reports) != 1:
        names = ", ".join(r.sample_id for r in reports[:10]) + (" …" if len(reports) > 10 else "")
        source = maf or seg or cna
        raise SampleSelectionError(source, f"the input holds {len(reports)} samples ({names}); choose one with "
                                   "sample=")
    return reports[0]


def annotate_samples(
    *,
    vcf: PathLike | None = None,
    maf: PathLike | None = None,
    seg: PathLike | None = None,
    cns: PathLike | None = None,
    cna: PathLike | None = None,
    cnv_vcf: PathLike | None = None,
    sv: PathLike | None = None,
    clinical: PathLike | None = None,
    sample: str | None = None,
    sample_id: str | None = None,
    tumour_sample: str | None = None,
    tumour_type: str | None = None,
    build: str = "auto",
    purity: float | None = None,
    ploidy: float | None = None,
    cn_thresholds: PathLike | None = None,
    amplification_cn: float | None = None,
    seg_log10: bool = False,
    panel_size_mb: float | None = None,
    panel_bed: PathLike | None = None,
    reference_fasta: PathLike | None = None,
    include_filtered: bool = False,
    include_germline: bool = False,
    rules: Sequence[PathLike] = (),
) -> list[SampleReport]:
    """Like :func:`annotate`, but return one report per sample of the inputs (in file order)."""
    options = dict(locals())  # exactly the parameters above, passed on unchanged
    ruleset = load_rules(rules)
    profiles, parameters = read_profiles(ruleset=ruleset, **options)
    return [report_for(profile, ruleset, parameters) for profile in profiles]


def read_profiles(
    *, ruleset: RuleSet, vcf: PathLike | None = None, maf: PathLike | None = None, seg: PathLike | None = None,
    cns: PathLike | None = None, cna: PathLike | None = None, cnv_vcf: PathLike | None = None,
    sv: PathLike | None = None, clinical: PathLike | ClinicalSheet | None = None, sample: str | None = None,
    sample_id: str | None = None, tumour_sample: str | None = None, tumour_type: str | None = None, build: str = "auto",
    purity: float | None = None, ploidy: float | None = None, cn_thresholds: PathLike | None = None,
    amplification_cn: float | None = None, seg_log10: bool = False, panel_size_mb: float | None = None,
    panel_bed: PathLike | None = None, reference_fasta: PathLike | None = None, include_filtered: bool = False,
    include_germline: bool = False, rules: Sequence[PathLike] = (), keep_segments: bool = True,
) -> tuple[list[SampleProfile], dict[str, Any]]:
    """Read every input once and return one profile per sample, with the run's parameters (for the reports).

    Multi-sample files are read once and split by sample; nothing here evaluates rules. ``clinical`` may also be a
    sheet already read (the cohort layer merges a study's sample and patient sheets, or builds one from a sample
    sheet's columns); ``keep_segments=False`` leaves each sample's genome-wide segments out of its profile (cohorts
    of thousands of SEG samples need only the rule genes' calls).
    """
    if vcf is not None and maf is not None:
        raise OptionError("give one small-variant input: a VCF or a MAF, not both")
    cn_given = {kind: path for kind, path in (("seg", seg), ("cns", cns), ("cna", cna), ("cnv_vcf", cnv_vcf))
                if path is not None}
    if len(cn_given) > 1:
        raise OptionError("give at most one copy-number input (--seg, --cns, --cna or --cnv-vcf)")
    if vcf is None and maf is None and not cn_given and sv is None:
        raise OptionError("no input: give a VCF or MAF of small variants, a copy-number file (--seg, --cns, --cna, "
                          "--cnv-vcf) and/or structural variants (--sv)")
    if maf is not None and (tumour_sample is not None):
        raise OptionError("--tumour-sample applies to VCF input; use --sample to pick a MAF sample")
    if panel_size_mb is not None and panel_bed is not None:
        raise OptionError("give the TMB territory once: --panel-size-mb or --panel-bed, not both")
    if reference_fasta is not None and vcf is None:
        raise OptionError("--reference-fasta annotates VCF records; it needs --vcf")
    if panel_size_mb is not None and panel_size_mb <= 0:
        raise OptionError(f"--panel-size-mb must be above 0, got {panel_size_mb:g}")
    code = check_tumour_type(tumour_type)
    requested_build = requested_build_name(build)
    purity, checked_ploidy = check_purity_ploidy(purity, ploidy)
    cn_options = CopyNumberOptions(
        purity=purity, ploidy=checked_ploidy, seg_log10=seg_log10,
        thresholds=load_thresholds(cn_thresholds, amplification_cn=amplification_cn), keep_segments=keep_segments,
    )
    clinical_path = clinical if clinical is None or isinstance(clinical, str | Path) else clinical.path
    # Inputs are hashed in a worker thread while they are read (see BackgroundHashes).
    with BackgroundHashes([vcf, maf, seg, cns, cna, cnv_vcf, sv, panel_bed, clinical_path]) as hashes:
        panel, panel_regions, panel_file = _panel(panel_size_mb, panel_bed, hashes)
        genes = ruleset.genes()
        files: list[InputFile] = []
        inputs: list[SampleInputs] = []
        if vcf is not None:
            inputs = [read_vcf_input(Path(vcf), genes, requested_build, tumour_sample, sample_id or sample,
                                     include_filtered, tmb_regions=panel_regions, count_tmb=panel is not None,
                                     reference_fasta=None if reference_fasta is None else Path(reference_fasta))]
            files.append(InputFile(str(vcf), "vcf", hashes.get(vcf)))
        elif maf is not None:
            inputs = read_maf_input(Path(maf), genes, requested_build, sample, include_filtered, include_germline,
                                    tmb_regions=panel_regions, count_tmb=panel is not None)
            if sample_id is not None and len(inputs) == 1:
                inputs[0].sample_id = sample_id
            files.append(InputFile(str(maf), "maf", hashes.get(maf)))
        sheet = _clinical_sheet(clinical, files, hashes)
        if sheet is not None and inputs:
            attach_clinical(inputs, sheet, one_tumour=vcf is not None or sample is not None)
        cn_kind, cn_path = next(iter(cn_given.items()), (None, None))
        if cn_kind is None and vcf is not None and _has_copy_number_records(inputs[0].vcf_header):
            cn_kind, cn_path = "cnv_vcf", vcf  # the same VCF also carries copy-number records
        if cn_kind is not None and cn_path is not None:
            inputs = attach_copy_number(inputs, cn_kind, Path(cn_path), genes, requested_build, sample, sample_id,
                                        tumour_sample, include_filtered, cn_options, sheet=sheet, ploidy_given=ploidy)
            if cn_path is not vcf:
                files.append(InputFile(str(cn_path), cn_kind, hashes.get(cn_path)))
        elif sheet is not None:
            purity_ploidy_by_sample(inputs, purity, ploidy)  # a contradiction is an error even without copy number
        if sv is not None:
            inputs = attach_structural(inputs, Path(sv), sample, sample_id)
            files.append(InputFile(str(sv), "sv", hashes.get(sv)))
            if sheet is not None:
                attach_clinical([i for i in inputs if i.clinical is None], sheet, one_tumour=False)
        if panel_file is not None:
            files.append(panel_file)
        parameters = {
            "build": build, "tumour_type": code, "tumour_sample": tumour_sample, "sample": sample,
            "include_filtered": include_filtered, "include_germline": include_germline,
            "rule_files": [str(path) for path in rules], "purity": purity, "ploidy": checked_ploidy,
            "cn_thresholds": None if cn_thresholds is None else str(cn_thresholds),
            "amplification_cn": amplification_cn, "seg_log10": seg_log10,
            "clinical": None if clinical_path is None else str(clinical_path),
            "panel_size_mb": panel_size_mb, "panel_bed": None if panel_bed is None else str(panel_bed),
            "sv": None if sv is None else str(sv),
            "reference_fasta": None if reference_fasta is None else str(reference_fasta),
        }
        profiles = []
        for one in inputs:
            settings = None
            if cn_kind is not None:
                settings = replace(cn_options, purity=one.purity, ploidy=one.ploidy or cn_options.ploidy).to_dict()
            profiles.append(build_profile(one, resolve_tumour_type(one, code), files, panel, settings))
        return profiles, parameters


def report_for(profile: SampleProfile, ruleset: RuleSet, parameters: dict[str, Any]) -> SampleReport:
    """Evaluate the rules on one profile and build its report (pure: no I/O)."""
    tumour_type = profile.sample.tumour_type
    evaluation = evaluate(profile, ruleset)
    risk = decide_hpd_risk(evaluation, ruleset, tumour_type)
    context = {
        "tumour_type_name": oncotree.name_of(tumour_type) if tumour_type else None,
        "genome_build_basis": profile.sample.genome_build_basis,
    }
    return build_report(profile, evaluation, risk, ruleset, parameters=parameters, context=context)


def check_tumour_type(tumour_type: str | None) -> str | None:
    """Upper-case an OncoTree code and check it is known; an unknown code is an error with suggestions."""
    if tumour_type is None or not tumour_type.strip():
        return None
    code = tumour_type.strip().upper()
    if not oncotree.is_known(code):
        hint = oncotree.suggest(code)
        raise OptionError(
            f"unknown OncoTree code {tumour_type!r}" + (f"; did you mean {', '.join(hint)}?" if hint else "")
            + f" (tree release {oncotree.RELEASE})"
        )
    return code


def requested_build_name(build: str) -> str | None:
    """``auto`` → None; otherwise the canonical build name (an unsupported name is an :class:`OptionError`)."""
    if build.lower() == "auto":
        return None
    try:
        name = _build_name(build)
    except UnsupportedBuild as exc:
        raise OptionError(f"unsupported genome build {build!r}: {exc}") from exc
    if name is None:
        raise OptionError(f"unsupported genome build {build!r}: use GRCh37, GRCh38 or auto")
    return name


def _panel(size_mb: float | None, bed: PathLike | None,
           hashes: BackgroundHashes) -> tuple[PanelSize | None, Any, InputFile | None]:
    if size_mb is not None:
        return PanelSize(size_mb, f"--panel-size-mb {size_mb:g}"), None, None
    if bed is None:
        return None, None, None
    from hpdgenomics.readers.bed import read_bed

    regions = read_bed(bed)
    basis = f"{Path(bed).name}, {regions.size_bp:,} bp after merging"
    return PanelSize(regions.size_mb, basis), regions, InputFile(str(bed), "bed", hashes.get(bed))


def _clinical_sheet(path: PathLike | ClinicalSheet | None, files: list[InputFile], hashes: BackgroundHashes) -> Any:
    if path is None:
        return None
    from hpdgenomics.readers.clinical import ClinicalSheet, read_clinical

    sheet = path if isinstance(path, ClinicalSheet) else read_clinical(path)
    files.append(InputFile(str(sheet.path), "clinical", hashes.get(sheet.path)))
    return sheet


def _has_copy_number_records(header: Any) -> bool:
    """The VCF header, read once with its small variants, also declares copy-number records."""
    from hpdgenomics.readers.small_variants.vcf import has_copy_number_records

    return header is not None and has_copy_number_records(header)
