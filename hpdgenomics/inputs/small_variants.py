"""Small-variant inputs of a run: read a VCF (one tumour) or a MAF (several), decide the build, and say what the
input covered, as one :class:`SampleInputs` per sample.

This is orchestration between the readers and the genome tables; it knows file kinds and the genes it is asked
to keep, but no rules.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from pathlib import Path

from hpdgenomics.errors import BuildMismatchError, InputError, OptionError
from hpdgenomics.genome.builds import BuildConflict, detect_build_from_contig_lengths
from hpdgenomics.genome.reference import load_genes
from hpdgenomics.inputs.clinical import SampleClinical
from hpdgenomics.inputs.copy_number import SampleCopyNumber
from hpdgenomics.model import AlterationKind, Coverage, CoverageGap, GeneScope, ReadTally, Rearrangement, SmallVariant
from hpdgenomics.model.qc import Regions, TmbCount
from hpdgenomics.model.vocab import ConsequenceClass
from hpdgenomics.readers.small_variants.maf import read_maf
from hpdgenomics.readers.small_variants.maf_columns import HG18
from hpdgenomics.readers.small_variants.vcf import (
    SKIP_UNANNOTATED,
    VcfHeader,
    choose_tumour_sample,
    inspect_vcf,
    read_vcf,
)
from hpdgenomics.readers.text import first_empty_cell_line

# Padding around gene spans when reading an indexed VCF by region: keeps splice-site and start/stop records whose
# annotation reaches into the gene although the position lies just outside the transcript span.
REGION_PADDING = 100


@dataclass(frozen=True)
class ReadChoice:
    """What every reader of a run is told: the genes the rules need, the build asked for, which sample, what to keep."""

    genes: frozenset[str]
    build: str | None = None  # the requested (canonical) build; None: decided from the data
    sample: str | None = None  # the sample of multi-sample files (MAF barcode, SEG ID, CNA column)
    sample_id: str | None = None  # the id the report carries
    tumour_sample: str | None = None  # the VCF column of the tumour
    include_filtered: bool = False  # keep records whose FILTER is not PASS
    include_germline: bool = False  # keep MAF rows whose Mutation_Status is Germline


@dataclass
class SampleInputs:
    """What the readers produced for one sample, before the rules run."""

    sample_id: str
    variants: list[SmallVariant] = field(default_factory=list)
    tallies: list[ReadTally] = field(default_factory=list)
    coverage: Coverage = field(default_factory=Coverage)
    build: str | None = None
    build_basis: str | None = None
    copy_number: SampleCopyNumber | None = None
    tmb_count: TmbCount | None = None  # mutations counted for TMB while reading (when a panel size was given)
    clinical: SampleClinical | None = None
    purity: float | None = None  # the purity the copy-number calls used (option or clinical sheet)
    ploidy: float | None = None  # the ploidy the copy-number calls used
    rearrangements: list[Rearrangement] = field(default_factory=list)
    vcf_header: VcfHeader | None = None  # the small-variant VCF's header (it may also carry copy-number records)


def read_vcf_input(path: Path, choice: ReadChoice, tmb_regions: Regions | None = None, count_tmb: bool = False,
                   reference_fasta: Path | None = None) -> SampleInputs:
    """Read the tumour of a VCF: by region over the genes (indexed files read by region, others scanned), unless
    TMB needs every record. Records without annotation are annotated from the bundled transcript models, with codons
    from ``reference_fasta`` when given. The report's id is the choice's ``sample_id``, else its ``sample``, else
    the tumour column (the file name for sites-only files)."""
    genes, requested_build, include_filtered = choice.genes, choice.build, choice.include_filtered
    tumour_sample, sample_id = choice.tumour_sample, choice.sample_id or choice.sample
    header = inspect_vcf(path)
    build, basis = vcf_build(header, requested_build)
    if requested_build is not None:
        header = replace(header, declared_build=requested_build)  # checked against every record's position
    fasta = None
    if reference_fasta is not None:
        from hpdgenomics.readers.fasta import open_reference_fasta

        fasta = open_reference_fasta(reference_fasta, build=build)
        if build is None:
            build = detect_build_from_contig_lengths(fasta.contig_lengths)
            basis = "detected from the reference FASTA's contig lengths" if build else basis
    tumour = choose_tumour_sample(header, tumour_sample, fallback_id=sample_id)
    tmb = TmbCount(regions=tmb_regions) if count_tmb else None
    # Indexed files are read by region; unindexed ones are scanned, and only records inside the regions parsed.
    # TMB counts every record, so it reads the whole file.
    regions = _regions(build, genes) if tmb is None else None
    result = read_vcf(header, tumour, include_filtered=include_filtered, genes=genes, regions=regions, tmb=tmb)
    if tumour is None:
        result.tally.notes.append("sites-only VCF: no sample columns, so no VAF or depth")
    if tmb is not None and header.indexed:
        result.tally.notes.append("every record read (not by region) to count mutations for TMB")
    model_gaps: tuple[CoverageGap, ...] | None = None
    try:
        if result.unannotated and build is not None:
            from hpdgenomics.inputs.unannotated import annotate_records, fold_into

            annotated = annotate_records(result.unannotated, build, genes, fasta, path=str(path))
            fold_into(result.tally, annotated.tally, SKIP_UNANNOTATED)
            result.variants.extend(annotated.variants)
            model_gaps = annotated.gaps
    finally:
        if fasta is not None:
            fasta.close()
    inputs = SampleInputs(
        sample_id=sample_id or tumour or file_stem(path), variants=result.variants, tallies=[result.tally],
        build=build, build_basis=basis, tmb_count=tmb, vcf_header=header,
    )
    inputs.coverage = _vcf_coverage(header.annotation_key, result.mode, genes, build, result.unannotated_positions,
                                    model_gaps, fasta is not None)
    return inputs


def vcf_build(header: VcfHeader, requested: str | None) -> tuple[str | None, str]:
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
    unannotated: list[tuple[str, int]], model_gaps: tuple[CoverageGap, ...] | None = None, with_fasta: bool = False,
) -> Coverage:
    scope = GeneScope.everything() if mode == "stream" else GeneScope.of(genes)
    if annotation_key is None:
        if model_gaps is None:  # the build is unknown, so the transcript models could not place the records
            return Coverage(
                small_variant_basis="the VCF carries no CSQ, ANN, EFF or BCSQ annotation and its genome build is "
                "unknown, so no variant could be placed in a gene; give --build, or annotate it with VEP, snpEff "
                "or bcftools csq",
            )
        how = ("with codons from the reference FASTA" if with_fasta else
               "without a reference FASTA (coding substitutions have no protein change; give --reference-fasta)")
        return Coverage(small_variants=GeneScope.of(genes), gaps=model_gaps, small_variant_basis=(
            "VCF without CSQ/ANN/BCSQ/EFF: records in the rule genes annotated from the bundled transcript models "
            f"(one transcript per gene, MANE Select where it exists), {how}"))
    basis = f"annotated VCF ({annotation_key}), " + {
        "stream": "every record read",
        "region": "read by region over the genes the rules need",
        "scan": "streamed; records outside the rule genes counted by position without being parsed",
    }[mode]
    gaps = model_gaps if model_gaps is not None else _unannotated_gaps(genes, build, unannotated)
    return Coverage(small_variants=scope, small_variant_basis=basis, gaps=gaps)


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


def file_stem(path: Path) -> str:
    """A sample id from a file name: ``tumour.vep.vcf.gz`` → ``tumour.vep``."""
    name = path.name
    for suffix in (".gz", ".bgz", ".vcf", ".maf", ".txt", ".tsv"):
        name = name.removesuffix(suffix)
    return name or path.name


def read_maf_input(path: Path, choice: ReadChoice, tmb_regions: Regions | None = None,
                   count_tmb: bool = False) -> list[SampleInputs]:
    """One :class:`SampleInputs` per Tumor_Sample_Barcode of a MAF (only the choice's ``sample`` when given); with
    ``count_tmb`` each sample's mutations are counted for TMB (inside ``tmb_regions`` when given)."""
    genes, requested_build, sample = choice.genes, choice.build, choice.sample
    include_filtered, include_germline = choice.include_filtered, choice.include_germline
    result = read_maf(path, sample=sample, include_germline=include_germline, include_filtered=include_filtered,
                      genes=genes, tmb=TmbCount(regions=tmb_regions) if count_tmb else None,
                      declared_build=requested_build)
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
    hg18 = result.build == HG18
    if hg18:
        if tmb_regions is not None:
            raise OptionError(f"{path} is hg18 (NCBI_Build 36): its positions cannot be placed in the --panel-bed "
                              "regions; give --panel-size-mb instead")
        build, basis = None, "hg18 (NCBI_Build 36), not supported for positions: matched on protein changes only"
        coverage = replace(coverage, small_variant_basis="hg18 MAF rows, matched on their protein changes only "
                           "(genomic positions not used); genes without a row are taken as assessed and unaltered")
    inputs = []
    for barcode, maf_sample in result.samples.items():
        if not barcode:
            raise InputError(path, "a row has an empty Tumor_Sample_Barcode",
                             line=first_empty_cell_line(path, "Tumor_Sample_Barcode"))
        tallies = [maf_sample.tally] if maf_sample.tally is not None else []
        own = replace(coverage, gaps=_hg18_gaps(maf_sample.variants)) if hg18 else coverage
        inputs.append(SampleInputs(sample_id=barcode, variants=maf_sample.variants, tallies=tallies,
                                   coverage=own, build=build, build_basis=basis, tmb_count=maf_sample.tmb))
    return inputs


def _hg18_gaps(variants: list[SmallVariant]) -> tuple[CoverageGap, ...]:
    """Genes with an hg18 missense row that has no protein change: only its position could say which change it is
    (a rule's genomic allele), and hg18 positions are not used, so the gene is not assessed."""
    counts: dict[str, int] = {}
    for variant in variants:
        if variant.protein_change is None and variant.consequence_class is ConsequenceClass.MISSENSE:
            counts[variant.gene] = counts.get(variant.gene, 0) + 1
    return tuple(CoverageGap(gene, AlterationKind.SMALL_VARIANT, f"{count} hg18 missense MAF row(s) in {gene} have no "
                             "protein change, and hg18 positions are not used (genomic alleles not assessed)")
                 for gene, count in sorted(counts.items()))
