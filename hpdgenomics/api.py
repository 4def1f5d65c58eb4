"""The library entry points: files in, :class:`~hpdgenomics.report.SampleReport` out. No printing, no exiting.

``annotate`` reads one tumour's inputs, evaluates the rules and returns its report; ``annotate_samples`` does the
same for every sample of a multi-sample input (a MAF of several tumours). The CLI only wraps these.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from hpdgenomics.copynumber.absolute import check_purity_ploidy
from hpdgenomics.copynumber.thresholds import load_thresholds
from hpdgenomics.engine import decide_hpd_risk, evaluate, load_rules
from hpdgenomics.engine.rules import RuleSet
from hpdgenomics.errors import BuildMismatchError, InputError, OptionError, SampleSelectionError
from hpdgenomics.genome import oncotree
from hpdgenomics.genome.builds import BuildConflict, UnsupportedBuild, detect_build_from_contig_lengths
from hpdgenomics.genome.builds import normalise_build_name as _build_name
from hpdgenomics.genome.reference import load_genes
from hpdgenomics.inputs.copy_number import (
    CopyNumberInput,
    CopyNumberOptions,
    SampleCopyNumber,
    read_copy_number,
    sample_copy_number,
    segment_build,
)
from hpdgenomics.model import (
    AlterationKind,
    Coverage,
    CoverageGap,
    GeneScope,
    InputFile,
    ReadTally,
    Sample,
    SampleProfile,
    SmallVariant,
)
from hpdgenomics.readers.maf import read_maf
from hpdgenomics.readers.text import sha256_of
from hpdgenomics.readers.vcf import VcfHeader, choose_tumour_sample, inspect_vcf, read_vcf
from hpdgenomics.readers.vcf_cnv import has_copy_number_records
from hpdgenomics.report import SampleReport, build_report

# Padding around gene spans when reading an indexed VCF by region: keeps splice-site and start/stop records whose
# annotation reaches into the gene although the position lies just outside the transcript span.
REGION_PADDING = 100


@dataclass
class _SampleInputs:
    """What the readers produced for one sample, before the rules run."""

    sample_id: str
    variants: list[SmallVariant] = field(default_factory=list)
    tallies: list[ReadTally] = field(default_factory=list)
    coverage: Coverage = field(default_factory=Coverage)
    build: str | None = None
    build_basis: str | None = None
    copy_number: SampleCopyNumber | None = None


def annotate(
    *,
    vcf: str | Path | None = None,
    maf: str | Path | None = None,
    seg: str | Path | None = None,
    cns: str | Path | None = None,
    cna: str | Path | None = None,
    cnv_vcf: str | Path | None = None,
    sample: str | None = None,
    sample_id: str | None = None,
    tumour_sample: str | None = None,
    tumour_type: str | None = None,
    build: str = "auto",
    purity: float | None = None,
    ploidy: float | None = None,
    cn_thresholds: str | Path | None = None,
    amplification_cn: float | None = None,
    seg_log10: bool = False,
    include_filtered: bool = False,
    include_germline: bool = False,
    rules: Sequence[str | Path] = (),
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
        sample: the sample to read from multi-sample files (MAF barcode, SEG ID, CNA column).
        sample_id: the id the report carries (default: the VCF tumour column, or the file name for sites-only VCFs).
        tumour_sample: the VCF column of the tumour (default: ``##tumor_sample=``, else the only sample).
        tumour_type: OncoTree code (e.g. ``LUAD``); without it tumour-specific rules are reported as conditional.
        build: ``GRCh37``, ``GRCh38`` or ``auto`` (decided from the data; a contradiction is an error).
        purity: tumour purity in (0, 1] for the log2 → copy-number conversion (default: taken as pure).
        ploidy: tumour ploidy (default 2).
        cn_thresholds: YAML file of copy-number thresholds (global ``default`` and per-gene ``genes``).
        amplification_cn: global amplification cut-off (absolute copy number; default 6).
        seg_log10: the SEG values are log10 ratios rather than log2.
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
        vcf=vcf, maf=maf, seg=seg, cns=cns, cna=cna, cnv_vcf=cnv_vcf, sample=sample, sample_id=sample_id,
        tumour_sample=tumour_sample, tumour_type=tumour_type, build=build, purity=purity, ploidy=ploidy,
        cn_thresholds=cn_thresholds, amplification_cn=amplification_cn, seg_log10=seg_log10,
        include_filtered=include_filtered, include_germline=include_germline, rules=rules,
    )
    if len(reports) != 1:
        names = ", ".join(r.sample_id for r in reports[:10]) + (" …" if len(reports) > 10 else "")
        source = maf or seg or cna
        raise SampleSelectionError(source, f"the input holds {len(reports)} samples ({names}); choose one with "
                                   "sample=")
    return reports[0]


def annotate_samples(
    *,
    vcf: str | Path | None = None,
    maf: str | Path | None = None,
    seg: str | Path | None = None,
    cns: str | Path | None = None,
    cna: str | Path | None = None,
    cnv_vcf: str | Path | None = None,
    sample: str | None = None,
    sample_id: str | None = None,
    tumour_sample: str | None = None,
    tumour_type: str | None = None,
    build: str = "auto",
    purity: float | None = None,
    ploidy: float | None = None,
    cn_thresholds: str | Path | None = None,
    amplification_cn: float | None = None,
    seg_log10: bool = False,
    include_filtered: bool = False,
    include_germline: bool = False,
    rules: Sequence[str | Path] = (),
) -> list[SampleReport]:
    """Like :func:`annotate`, but return one report per sample of the inputs (in file order)."""
    if vcf is not None and maf is not None:
        raise OptionError("give one small-variant input: a VCF or a MAF, not both")
    cn_given = {kind: path for kind, path in (("seg", seg), ("cns", cns), ("cna", cna), ("cnv_vcf", cnv_vcf))
                if path is not None}
    if len(cn_given) > 1:
        raise OptionError("give at most one copy-number input (--seg, --cns, --cna or --cnv-vcf)")
    if vcf is None and maf is None and not cn_given:
        raise OptionError("no input: give a VCF or MAF of small variants and/or a copy-number file "
                          "(--seg, --cns, --cna, --cnv-vcf)")
    if maf is not None and (tumour_sample is not None):
        raise OptionError("--tumour-sample applies to VCF input; use --sample to pick a MAF sample")
    code = check_tumour_type(tumour_type)
    requested_build = _requested_build(build)
    purity, checked_ploidy = check_purity_ploidy(purity, ploidy)
    cn_options = CopyNumberOptions(
        purity=purity, ploidy=checked_ploidy, seg_log10=seg_log10,
        thresholds=load_thresholds(cn_thresholds, amplification_cn=amplification_cn),
    )
    ruleset = load_rules(rules)
    files: list[InputFile] = []
    inputs: list[_SampleInputs] = []
    if vcf is not None:
        inputs = [_read_vcf_input(Path(vcf), ruleset, requested_build, tumour_sample, sample_id or sample,
                                  include_filtered)]
        files.append(InputFile(str(vcf), "vcf", sha256_of(vcf)))
    elif maf is not None:
        inputs = _read_maf_input(Path(maf), ruleset, requested_build, sample, include_filtered, include_germline)
        if sample_id is not None and len(inputs) == 1:
            inputs[0].sample_id = sample_id
        files.append(InputFile(str(maf), "maf", sha256_of(maf)))
    cn_kind, cn_path = next(iter(cn_given.items()), (None, None))
    if cn_kind is None and vcf is not None and has_copy_number_records(inspect_vcf(vcf)):
        cn_kind, cn_path = "cnv_vcf", vcf  # the same VCF also carries copy-number records
    if cn_kind is not None and cn_path is not None:
        inputs = _attach_copy_number(inputs, cn_kind, Path(cn_path), ruleset, requested_build, sample, sample_id,
                                     tumour_sample, include_filtered, cn_options)
        if cn_path is not vcf:
            files.append(InputFile(str(cn_path), cn_kind, sha256_of(cn_path)))
    parameters = {
        "build": build,
        "tumour_type": code,
        "tumour_sample": tumour_sample,
        "sample": sample,
        "include_filtered": include_filtered,
        "include_germline": include_germline,
        "rule_files": [str(path) for path in rules],
        "purity": purity,
        "ploidy": checked_ploidy,
        "cn_thresholds": None if cn_thresholds is None else str(cn_thresholds),
        "amplification_cn": amplification_cn,
        "seg_log10": seg_log10,
    }
    cn_settings = cn_options.to_dict() if cn_kind is not None else None
    return [_report(one, code, files, ruleset, parameters, cn_settings) for one in inputs]


def _attach_copy_number(
    inputs: list[_SampleInputs], kind: str, path: Path, ruleset: RuleSet, requested_build: str | None,
    sample: str | None, sample_id: str | None, tumour_sample: str | None, include_filtered: bool,
    options: CopyNumberOptions,
) -> list[_SampleInputs]:
    """Read the copy-number file, match its samples to the small-variant samples, and call each one."""
    single_tumour = len(inputs) == 1 and (kind in ("cns", "cnv_vcf") or sample is None)
    # A one-tumour run (VCF, or a MAF narrowed by --sample) reads only that tumour from a multi-sample CN file.
    wanted = sample
    cn = read_copy_number(kind, path, sample=wanted if kind != "cnv_vcf" else sample_id, options=options,
                          genes=ruleset.genes(), tumour_sample=tumour_sample, include_filtered=include_filtered)
    build, basis = _copy_number_build(cn, inputs, requested_build)
    if not inputs:
        targets = [_SampleInputs(sample_id=s) for s in cn.samples]
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
        for extra in cn.samples:
            if extra not in known:
                targets.append(_SampleInputs(sample_id=extra, coverage=Coverage(
                    small_variant_basis=f"sample {extra} has no row in the small-variant input, so its small "
                    "variants were not assessed")))
        mapping = {t.sample_id: t.sample_id for t in targets}
    per_sample = sample_copy_number(cn, sorted(set(mapping.values())), build, ruleset.genes(), options)
    for target in targets:
        result = per_sample[mapping[target.sample_id]]
        target.copy_number = result
        target.coverage = replace(target.coverage, copy_number=result.scope, copy_number_basis=result.basis,
                                  gaps=target.coverage.gaps + result.gaps)
        if result.tally is not None:
            target.tallies.append(result.tally)
        if target.build is None:
            target.build, target.build_basis = build, basis
    return targets


def _one_sample(cn: CopyNumberInput, tumour: str, path: Path) -> str:
    """The copy-number sample that belongs to a one-tumour run: the same id, else the file's only sample."""
    if tumour in cn.samples:
        return tumour
    if len(cn.samples) == 1:
        return cn.samples[0]
    shown = ", ".join(cn.samples[:10]) + (" …" if len(cn.samples) > 10 else "")
    raise SampleSelectionError(path, f"{len(cn.samples)} samples and none is {tumour!r}; choose one with --sample "
                               f"({shown})")


def _copy_number_build(cn: CopyNumberInput, inputs: list[_SampleInputs],
                       requested: str | None) -> tuple[str | None, str | None]:
    """The build for the copy-number file: agreed between the request, the small-variant input and the data."""
    known = requested or next((i.build for i in inputs if i.build), None)
    basis = "declared with --build" if requested else next((i.build_basis for i in inputs if i.build), None)
    if cn.vcf_header is not None:
        vcf_build, vcf_basis = _vcf_build(cn.vcf_header, known)
        known, basis = vcf_build, basis or vcf_basis
    build, detected_basis = segment_build(cn, known, "--build" if requested else "the small-variant input")
    if known is not None and build != known:
        raise BuildMismatchError(cn.path, f"the copy-number coordinates fit {build} but the other inputs are {known}")
    if cn.segments is not None and build is None:
        raise OptionError(f"cannot tell the genome build of {cn.path} from its coordinates; give --build GRCh37 "
                          "or --build GRCh38")
    return build, basis or (f"detected from {detected_basis}" if detected_basis else None)


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


def _requested_build(build: str) -> str | None:
    if build.lower() == "auto":
        return None
    try:
        name = _build_name(build)
    except UnsupportedBuild as exc:
        raise OptionError(f"unsupported genome build {build!r}: {exc}") from exc
    if name is None:
        raise OptionError(f"unsupported genome build {build!r}: use GRCh37, GRCh38 or auto")
    return name


def _report(
    inputs: _SampleInputs, tumour_type: str | None, files: list[InputFile], ruleset: RuleSet,
    parameters: dict[str, Any], cn_settings: dict[str, Any] | None,
) -> SampleReport:
    sample = Sample(id=inputs.sample_id, tumour_type=tumour_type, genome_build=inputs.build)
    cn = inputs.copy_number
    profile = SampleProfile(
        sample=sample, variants=tuple(inputs.variants), copy_number=cn.calls if cn else (),
        coverage=inputs.coverage, qc=tuple(inputs.tallies), inputs=tuple(files),
        copy_number_events=cn.events if cn else (), copy_number_settings=cn_settings,
    )
    evaluation = evaluate(profile, ruleset)
    risk = decide_hpd_risk(evaluation, ruleset, tumour_type)
    context = {
        "tumour_type_name": oncotree.name_of(tumour_type) if tumour_type else None,
        "genome_build_basis": inputs.build_basis,
    }
    return build_report(profile, evaluation, risk, ruleset, parameters=parameters, context=context)


# ---------------------------------------------------------------------------------------------------------- VCF


def _read_vcf_input(
    path: Path, ruleset: RuleSet, requested_build: str | None, tumour_sample: str | None, sample_id: str | None,
    include_filtered: bool,
) -> _SampleInputs:
    header = inspect_vcf(path)
    build, basis = _vcf_build(header, requested_build)
    tumour = choose_tumour_sample(header, tumour_sample, fallback_id=sample_id)
    genes = ruleset.genes()
    regions = _regions(build, genes) if header.indexed else None
    result = read_vcf(header, tumour, include_filtered=include_filtered, genes=genes, regions=regions)
    if tumour is None:
        result.tally.notes.append("sites-only VCF: no sample columns, so no VAF or depth")
    inputs = _SampleInputs(
        sample_id=sample_id or tumour or _file_stem(path), variants=result.variants, tallies=[result.tally],
        build=build, build_basis=basis,
    )
    inputs.coverage = _vcf_coverage(header.annotation_key, result.mode, genes, build, result.unannotated_positions)
    return inputs


def _vcf_build(header: VcfHeader, requested: str | None) -> tuple[str | None, str]:
    """The build of a VCF: from its contig lengths, else its ##reference line; checked against the request."""
    try:
        from_lengths = detect_build_from_contig_lengths(header.contig_lengths)
    except BuildConflict as exc:
        raise BuildMismatchError(header.path, f"the ##contig lengths fit neither build consistently: {exc}") from exc
    from_reference = _build_in_text(header.reference)
    detected, basis = (from_lengths, "##contig lengths") if from_lengths else (from_reference, "##reference line")
    if requested is None:
        if detected is None:
            return None, "unknown: no ##contig lengths or ##reference naming a build, and --build auto"
        return detected, f"detected from {basis}"
    if detected is not None and detected != requested:
        raise BuildMismatchError(header.path, f"--build {requested} was given but the {basis} match {detected}")
    return requested, "declared with --build" + (f", consistent with {basis}" if detected else "")


def _build_in_text(text: str | None) -> str | None:
    """Recognise a build named inside a ``##reference``/``##assembly`` value (a path or a name)."""
    if not text:
        return None
    lowered = text.lower()
    for token, build in (("grch38", "GRCh38"), ("hg38", "GRCh38"), ("grch37", "GRCh37"), ("hg19", "GRCh37"),
                         ("hs37d5", "GRCh37"), ("b37", "GRCh37")):
        if token in lowered:
            return build
    return None


def _regions(build: str | None, genes: frozenset[str]) -> list[tuple[str, int, int]] | None:
    """1-based regions over every rule gene, or None (stream the file) when any gene has no coordinates."""
    if build is None:
        return None
    table = load_genes(build)
    if any(gene not in table for gene in genes):
        return None
    return [(chrom, start + 1, end) for chrom, start, end in table.regions(sorted(genes), padding=REGION_PADDING)]


def _vcf_coverage(
    annotation_key: str | None, mode: str, genes: frozenset[str], build: str | None,
    unannotated: list[tuple[str, int]],
) -> Coverage:
    if annotation_key is None:
        return Coverage(
            small_variant_basis="the VCF carries no CSQ, ANN, EFF or BCSQ annotation, so no variant could be "
            "placed in a gene; annotate it with VEP, snpEff or bcftools csq",
        )
    scope = GeneScope.everything() if mode == "stream" else GeneScope.of(genes)
    basis = f"annotated VCF ({annotation_key}), " + (
        "every record read" if mode == "stream" else "read by region over the genes the rules need"
    )
    return Coverage(small_variants=scope, small_variant_basis=basis, gaps=_unannotated_gaps(genes, build, unannotated))


def _unannotated_gaps(
    genes: frozenset[str], build: str | None, unannotated: list[tuple[str, int]]
) -> tuple[CoverageGap, ...]:
    """Rule genes that contain records the annotator left without annotation: those genes are not fully assessed."""
    if not unannotated:
        return ()
    if build is None:
        reason = (f"{len(unannotated)} VCF record(s) carry no annotation and the genome build is unknown, so it "
                  "cannot be told which genes they fall in")
        return tuple(CoverageGap(gene, AlterationKind.SMALL_VARIANT, reason) for gene in sorted(genes))
    table = load_genes(build)
    counts: dict[str, int] = {}
    for chrom, pos in unannotated:
        for gene in table.genes_overlapping(chrom, pos - 1, pos):
            if gene.symbol in genes:
                counts[gene.symbol] = counts.get(gene.symbol, 0) + 1
    return tuple(
        CoverageGap(gene, AlterationKind.SMALL_VARIANT,
                    f"{count} VCF record(s) inside {gene} carry no annotation (see qc)")
        for gene, count in sorted(counts.items())
    )


def _file_stem(path: Path) -> str:
    name = path.name
    for suffix in (".gz", ".bgz", ".vcf", ".maf", ".txt", ".tsv"):
        name = name.removesuffix(suffix)
    return name or path.name


# ---------------------------------------------------------------------------------------------------------- MAF


def _read_maf_input(
    path: Path, ruleset: RuleSet, requested_build: str | None, sample: str | None, include_filtered: bool,
    include_germline: bool,
) -> list[_SampleInputs]:
    result = read_maf(path, sample=sample, include_germline=include_germline, include_filtered=include_filtered,
                      genes=ruleset.genes())
    if not result.samples:
        raise InputError(path, "the MAF has a header but no data rows")
    if requested_build is not None and result.build is not None and result.build != requested_build:
        raise BuildMismatchError(path, f"--build {requested_build} was given but NCBI_Build says {result.build}")
    build = requested_build or result.build
    basis = ("declared with --build" if requested_build else "from the NCBI_Build column") if build else (
        "unknown: no NCBI_Build column and --build auto")
    coverage = Coverage(
        small_variants=GeneScope.everything(),
        small_variant_basis="MAF rows; genes without a row are taken as assessed and unaltered (the MAF does not "
        "say which genes were sequenced: supply the panel's gene list when it is a targeted panel)",
    )
    inputs = []
    for barcode, maf_sample in result.samples.items():
        if not barcode:
            raise InputError(path, "a row has an empty Tumor_Sample_Barcode")
        tallies = [maf_sample.tally] if maf_sample.tally is not None else []
        inputs.append(_SampleInputs(sample_id=barcode, variants=maf_sample.variants, tallies=tallies,
                                    coverage=coverage, build=build, build_basis=basis))
    return inputs
