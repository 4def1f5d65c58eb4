"""The library entry points: files in, :class:`~hpdgenomics.report.SampleReport` out. No printing, no exiting.

``annotate`` reads one tumour's inputs, evaluates the rules and returns its report; ``annotate_samples`` does the
same for every sample of multi-sample inputs (a MAF, SEG or CNA file of several tumours, with an optional clinical
sheet). The CLI only wraps these; the cohort module runs them at scale.
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

from hpdgenomics.engine import decide_hpd_risk, evaluate, load_rules
from hpdgenomics.engine.rules import RuleSet
from hpdgenomics.errors import OptionError, SampleSelectionError
from hpdgenomics.genome import oncotree
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
from hpdgenomics.inputs.small_variants import ReadChoice, SampleInputs, read_maf_input, read_vcf_input
from hpdgenomics.model import InputFile, SampleProfile
from hpdgenomics.readers.text import BackgroundHashes
from hpdgenomics.report import SampleReport, build_report
from hpdgenomics.request import AnnotateRequest, PathLike, check_request

if TYPE_CHECKING:
    from hpdgenomics.readers.clinical import ClinicalSheet

__all__ = ["AnnotateRequest", "annotate", "annotate_samples", "read_profiles", "report_for"]


def annotate(request: AnnotateRequest) -> SampleReport:
    """Annotate one tumour and return its report.

    ``request`` says what to read and how (see :mod:`hpdgenomics.request`; ``AnnotateRequest.of(vcf=…,
    tumour_type=…)`` builds one from flat option names). In brief: a VCF (VEP CSQ, snpEff ANN/EFF or bcftools BCSQ
    annotated, or unannotated with a reference FASTA; its own copy-number records are read too unless another
    copy-number input is given) or a MAF of small variants; at most one copy-number file (SEG, CNVkit, discrete
    CNA table, CNV VCF); structural variants; a clinical sheet (tumour type, TMB, MSI status, purity and clinical
    factors per sample); the sample to read from multi-sample files and the id the report carries; purity, ploidy
    and thresholds for copy number; the TMB territory (size or BED); whether to keep non-PASS or germline records;
    the genome build (``auto`` decides from the data; a contradiction is an error); extra rule files.

    Raises:
        InputError: a file is unreadable or malformed (names the file and line).
        SampleSelectionError: the sample is ambiguous or absent.
        BuildMismatchError: the declared build contradicts the data.
        OptionError: options that cannot work together or unknown values.
        RuleError: a rule file breaks the schema.
    """
    reports = annotate_samples(request)
    if len(reports) != 1:
        names = ", ".join(r.sample_id for r in reports[:10]) + (" …" if len(reports) > 10 else "")
        inputs = request.inputs
        source = inputs.maf or inputs.seg or inputs.cna
        raise SampleSelectionError(source, f"the input holds {len(reports)} samples ({names}); choose one with "
                                   "sample=")
    return reports[0]


def annotate_samples(request: AnnotateRequest) -> list[SampleReport]:
    """Like :func:`annotate`, but return one report per sample of the inputs (in file order)."""
    ruleset = load_rules(request.inputs.rules)
    profiles, parameters = read_profiles(ruleset, request)
    if len(profiles) > 1 and request.specimen.given():  # one patient's specimen facts cannot describe several
        raise OptionError(f"{', '.join(request.specimen.given())} describe one specimen, but the inputs hold "
                          f"{len(profiles)} samples: choose one with --sample, or give them in a clinical sheet")
    return [report_for(profile, ruleset, parameters) for profile in profiles]


def read_profiles(ruleset: RuleSet, request: AnnotateRequest) -> tuple[list[SampleProfile], dict[str, Any]]:
    """Read every input once and return one profile per sample, with the run's parameters (for the reports).

    Multi-sample files are read once and split by sample; nothing here evaluates rules. The request's clinical
    input may also be a sheet already read (the cohort layer merges a study's sample and patient sheets, or builds
    one from a sample sheet's columns); ``keep_segments=False`` leaves each sample's genome-wide segments out of its
    profile (cohorts of thousands of SEG samples need only the rule genes' calls).
    """
    checked = check_request(request)
    inputs, selection, filters = request.inputs, request.selection, request.filters
    vcf, maf, sv, sample, sample_id = inputs.vcf, inputs.maf, inputs.sv, selection.sample, selection.sample_id
    requested_build, code = checked.build, checked.tumour_type
    given = selection.tumour_type
    code_note = oncotree.resolve(given).note if code is not None and given is not None else None
    cn = request.copy_number
    cn_options = CopyNumberOptions(purity=checked.purity, ploidy=checked.ploidy, seg_log10=cn.seg_log10,
                                   thresholds=checked.thresholds, keep_segments=cn.keep_segments,
                                   cn_format=cn.cn_format, exclude_normals=cn.exclude_normals,
                                   one_aliquot_per_sample=cn.one_aliquot_per_sample,
                                   purity_table=None if cn.purity_table is None else Path(cn.purity_table))
    clinical_path = inputs.clinical_path()
    panel_bed = request.panel.panel_bed
    # Inputs are hashed in a worker thread while they are read (see BackgroundHashes).
    with BackgroundHashes([vcf, maf, inputs.seg, inputs.cns, inputs.cna, inputs.cnv_vcf, sv, panel_bed,
                           clinical_path]) as hashes:
        panel, panel_regions, panel_file = _panel(request.panel.panel_size_mb, panel_bed, hashes)
        genes = ruleset.genes()
        files: list[InputFile] = []
        samples: list[SampleInputs] = []
        choice = ReadChoice(genes=genes, build=requested_build, sample=sample, sample_id=sample_id,
                            tumour_sample=selection.tumour_sample, include_filtered=filters.include_filtered,
                            include_germline=filters.include_germline)
        if vcf is not None:
            fasta = inputs.reference_fasta
            samples = [read_vcf_input(Path(vcf), choice, tmb_regions=panel_regions, count_tmb=panel is not None,
                                      reference_fasta=None if fasta is None else Path(fasta))]
            files.append(InputFile(str(vcf), "vcf", hashes.get(vcf)))
        elif maf is not None:
            samples = read_maf_input(Path(maf), choice, tmb_regions=panel_regions, count_tmb=panel is not None)
            if sample_id is not None and len(samples) == 1:
                samples[0].sample_id = sample_id
            files.append(InputFile(str(maf), "maf", hashes.get(maf)))
        sheet = _clinical_sheet(inputs.clinical, files, hashes)
        if sheet is not None and samples:
            attach_clinical(samples, sheet, one_tumour=vcf is not None or sample is not None)
        cn_kind, cn_path = next(iter(inputs.copy_number().items()), (None, None))
        if cn_kind is None and vcf is not None and _has_copy_number_records(samples[0].vcf_header):
            cn_kind, cn_path = "cnv_vcf", vcf  # the same VCF also carries copy-number records
        if cn_kind is not None and cn_path is not None:
            samples = attach_copy_number(samples, cn_kind, Path(cn_path), choice, cn_options, sheet=sheet,
                                         ploidy_given=cn.ploidy)
            if cn_path is not vcf:
                files.append(InputFile(str(cn_path), cn_kind, hashes.get(cn_path)))
        elif sheet is not None:
            purity_ploidy_by_sample(samples, checked.purity, cn.ploidy)  # a contradiction is an error anyway
        if sv is not None:
            samples = attach_structural(samples, Path(sv), sample, sample_id)
            files.append(InputFile(str(sv), "sv", hashes.get(sv)))
            if sheet is not None:
                attach_clinical([i for i in samples if i.clinical is None], sheet, one_tumour=False)
        if panel_file is not None:
            files.append(panel_file)
        parameters = checked.parameters()
        profiles = []
        for one in samples:
            settings = None
            if cn_kind is not None:
                settings = replace(cn_options, purity=one.purity, ploidy=one.ploidy or cn_options.ploidy).to_dict()
            profile = build_profile(one, resolve_tumour_type(one, code), files, panel, settings)
            if code_note and profile.sample.tumour_type == code and profile.sample.tumour_type_note is None:
                profile = replace(profile, sample=replace(profile.sample, tumour_type_note=code_note))
            profiles.append(profile)
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
    from hpdgenomics.readers.small_variants.vcf_header import has_copy_number_records

    return header is not None and has_copy_number_records(header)
