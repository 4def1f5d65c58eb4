"""Command line: parse options, call the library, write outputs, map errors to exit codes.

Exit codes: 0 success; 1 input or data error (the message names the file and line); 2 usage error;
3 internal error (a bug: please report it with the command line used).
"""

from __future__ import annotations

import contextlib
import sys
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import Any

import click

from hpdgenomics import api
from hpdgenomics._version import __version__
from hpdgenomics.cli_errors import (
    EXIT_INPUT_ERROR,
    EXIT_INTERNAL_ERROR,
    EXIT_INTERRUPTED,
    EXIT_TERMINATED,
    INTERRUPTED,
    ISSUES_HINT,
)
from hpdgenomics.cli_errors import handle_errors as _handle_errors
from hpdgenomics.cli_outcomes import associate, hpd_label
from hpdgenomics.cli_rules import rules
from hpdgenomics.errors import InputError
from hpdgenomics.interrupts import exit_on_sigterm, interrupts_ignored
from hpdgenomics.readers.registry import copy_number_formats
from hpdgenomics.report import FORMATS, SampleReport, write_reports
from hpdgenomics.report.outlock import OutputLock
from hpdgenomics.report.terminal import terminal_safe
from hpdgenomics.report.writers import DEFAULT_FORMATS, SAMPLE_FORMATS
from hpdgenomics.request import AnnotateRequest

__all__ = ["EXIT_INPUT_ERROR", "EXIT_INTERNAL_ERROR", "EXIT_INTERRUPTED", "EXIT_TERMINATED", "INTERRUPTED",
           "ISSUES_HINT", "MANY_SAMPLES", "cli", "main"]

CN_FORMATS = copy_number_formats()

# More samples than this in one annotate run is a cohort: a report set per sample needs --all-samples.
MANY_SAMPLES = 20


def _caller_copy_number_options(command: Callable[..., Any]) -> Callable[..., Any]:
    """The copy-number caller options that annotate and cohort share (format, purity table, amplification rule and
    the log-ratio segment minimums), declared once."""
    options = [
        click.option("--cn-format", type=click.Choice(sorted(CN_FORMATS)),
                     help="Read the copy-number file as this format instead of detecting it from its header."),
        click.option("--purity-table", type=click.Path(dir_okay=False, path_type=Path),
                     help="Per-sample purity and ploidy (ASCAT summary, ABSOLUTE table, PURPLE purity, or "
                     "sample/purity/ploidy columns); the options and the clinical sheet override it."),
        click.option("--amplification-rule", type=click.Choice(["absolute", "pcgr", "hartwig"]),
                     help="absolute: copy number >= --amplification-cn (default); pcgr: >= 2.5 x ploidy; hartwig: "
                     "the gene's minimum copy number > 3 x ploidy."),
        click.option("--min-markers", type=click.IntRange(0), help="Fewest markers of a log-ratio segment that can "
                     "call an amplification or deep deletion (default 5)."),
        click.option("--min-bases", type=click.IntRange(0), help="Fewest bases of a log-ratio segment that can call "
                     "an amplification or deep deletion (default 10000)."),
    ]
    for option in reversed(options):  # as if stacked as decorators, in this order
        command = option(command)
    return command


@click.group(context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 110})
@click.version_option(__version__, prog_name="hpdgenomics")
@click.option("-q", "--quiet", "group_quiet", is_flag=True, help="Print nothing but errors and warnings.")
@click.option("-v", "--verbose", "group_verbose", is_flag=True,
              help="Print every sample's summary line and the notes of each input.")
def cli(group_quiet: bool, group_verbose: bool) -> None:
    """Screen tumour sequencing results for genomic markers of hyperprogression on immune checkpoint
    inhibitors, with cited evidence and targetable co-alterations.

    For research and clinical decision support; not a diagnosis.
    """
    if group_quiet and group_verbose:
        raise click.UsageError("-q and -v cannot go together")


@cli.command()
@click.option("--vcf", type=click.Path(dir_okay=False, path_type=Path),
              help="Somatic small-variant VCF (.vcf/.vcf.gz), annotated by VEP (CSQ), snpEff (ANN/EFF) "
              "or bcftools csq (BCSQ).")
@click.option("--maf", type=click.Path(dir_okay=False, path_type=Path), help="GDC or cBioPortal MAF (gzipped or not).")
@click.option("--seg", type=click.Path(dir_okay=False, path_type=Path),
              help="Copy-number segments (SEG: ID chrom loc.start loc.end num.mark seg.mean, or Sample/Chromosome/"
              "Start/End/Segment_Mean variants); several samples per file.")
@click.option("--cns", type=click.Path(dir_okay=False, path_type=Path),
              help="CNVkit .cns/.call.cns segments (the integer cn column is used when present) or .cnr bins.")
@click.option("--cna", type=click.Path(dir_okay=False, path_type=Path),
              help="Discrete copy-number table: cBioPortal/GISTIC matrix (-2..2, NA = not profiled) or long format.")
@click.option("--cnv-vcf", type=click.Path(dir_okay=False, path_type=Path),
              help="VCF of copy-number records (SVTYPE=CNV/DUP/DEL with END and CN; DRAGEN, GATK gCNV, CNVkit). "
              "Copy-number records inside --vcf are read without this option.")
@click.option("--sv", type=click.Path(dir_okay=False, path_type=Path),
              help="Structural variants / fusions: cBioPortal SV table, a fusion list (Tumor_Sample_Barcode, Fusion) "
              "or a fusion caller's output (FusionGene GENEA--GENEB).")
@click.option("--clinical", type=click.Path(dir_okay=False, path_type=Path),
              help="Clinical sheet (cBioPortal data_clinical_sample.txt, or TSV/CSV with a sample column): tumour "
              "type, TMB, MSI status, purity and clinical factors per sample.")
@click.option("--panel-size-mb", type=float,
              help="Sequenced territory in megabases, to compute TMB from the VCF's variants (when no clinical TMB).")
@click.option("--panel-bed", type=click.Path(dir_okay=False, path_type=Path),
              help="BED of the sequenced territory: its merged length is the TMB denominator; only variants inside "
              "it are counted.")
@click.option("--reference-fasta", type=click.Path(dir_okay=False, path_type=Path),
              help="Reference FASTA of the build (plain or bgzipped; indexed with samtools faidx, or indexable in "
              "place), to read codons for VCF records without CSQ/ANN/BCSQ.")
@click.option("--purity", type=click.FloatRange(0, 1, min_open=True),
              help="Tumour purity for log2 -> copy number (CNVkit formula; default: taken as pure).")
@click.option("--ploidy", type=click.FloatRange(0, min_open=True), help="Tumour ploidy (default 2).")
@click.option("--amplification-cn", type=click.FloatRange(0, min_open=True),
              help="Absolute copy number from which a gene is amplified (default 6).")
@click.option("--cn-thresholds", type=click.Path(dir_okay=False, path_type=Path),
              help="YAML file of copy-number thresholds: 'default:' and per-gene 'genes: {MDM2: {...}}'.")
@click.option("--seg-log10", is_flag=True, help="The SEG values are log10 ratios (some aCGH exports), not log2.")
@_caller_copy_number_options
@click.option("--sample", help="Sample to report from a multi-sample MAF, SEG or CNA file (default: every sample).")
@click.option("--sample-id", help="Id the report carries (default: the tumour sample name; the file name for "
              "sites-only VCFs).")
@click.option("--tumour-sample", "--tumor-sample", "tumour_sample",
              help="VCF sample column of the tumour (default: ##tumor_sample= header, else the only sample).")
@click.option("--tumour-type", "--tumor-type", "tumour_type", metavar="ONCOTREE",
              help="OncoTree code, e.g. LUAD. Without it, tumour-specific rules are reported as conditional.")
@click.option("--patient-id", help="Patient id for the report's specimen block (else the clinical sheet's PATIENT_ID).")
@click.option("--specimen-id", help="Specimen (accession) id for the specimen block.")
@click.option("--collection-date", metavar="YYYY-MM-DD", help="Date the specimen was collected.")
@click.option("--assay", help="Assay or gene panel, e.g. 'MSK-IMPACT 505' (else the clinical sheet's GENE_PANEL).")
@click.option("--build", default="auto", show_default=True, metavar="GRCh37|GRCh38|auto",
              help="Genome build; 'auto' decides from the data, and a declared build that contradicts it is an error.")
@click.option("--include-filtered", is_flag=True, help="Keep records whose FILTER is not PASS (counted either way).")
@click.option("--include-germline", is_flag=True, help="Keep MAF rows with Mutation_Status Germline.")
@click.option("--rules", "rule_files", multiple=True, type=click.Path(dir_okay=False, path_type=Path),
              help="Extra rule file (repeatable); a rule with an existing id replaces the bundled one.")
@click.option("--out", "out_dir", required=True, type=click.Path(file_okay=False, path_type=Path),
              help="Output folder; reports are written as <sample>.hpd.<format>.")
@click.option("--format", "formats", multiple=True, type=click.Choice(FORMATS), default=DEFAULT_FORMATS,
              show_default=True,
              help="Report format (repeatable). maf / vcf write the input MAF or VCF back, every row and column "
              "kept, with HPD_* and cBioPortal driver columns / HPD INFO tags: one file per input.")
@click.option("--force", is_flag=True, help="Overwrite existing reports.")
@click.option("--all-samples", is_flag=True,
              help=f"Write reports for every sample of a multi-sample file even when it holds more than {MANY_SAMPLES} "
              "(without it such a run stops and suggests 'hpdgenomics cohort').")
@click.option("-q", "--quiet", is_flag=True, help="Print nothing but errors.")
@_handle_errors
def annotate(rule_files: tuple[Path, ...], out_dir: Path, formats: tuple[str, ...], force: bool, all_samples: bool,
             quiet: bool, **options: Any) -> None:
    """Annotate one tumour (or every sample of a multi-sample MAF, SEG or CNA file) and write its reports.

    Small variants (--vcf or --maf) and copy number (--seg, --cns, --cna or --cnv-vcf) of the same tumour
    combine into one report; either kind alone works too, and what was not given is reported as not assessed.
    """
    # The other options go into the request by their own names (hpdgenomics.request); it checks them together.
    if not any(options.get(kind) for kind in ("vcf", "maf", "seg", "cns", "cna", "cnv_vcf", "sv")):
        raise click.UsageError("give an input: --vcf or --maf, and/or --seg, --cns, --cna or --cnv-vcf, and/or --sv")
    quiet, verbose = _verbosity(quiet)
    # held until the command ends: a second run into this folder fails at once instead of overwriting this one's
    click.get_current_context().with_resource(OutputLock(out_dir))
    given = {kind: options.get(kind) for kind in ("vcf", "maf", "seg", "cns", "cna", "cnv_vcf", "sv", "clinical")}
    with _input_hints(given):
        reports = api.annotate_samples(AnnotateRequest.from_options({**options, "rules": rule_files}))
    per_sample = [f for f in formats if f in SAMPLE_FORMATS]  # --format maf/vcf alone writes one file per input
    if len(reports) > MANY_SAMPLES and not all_samples and per_sample:
        kinds = ("maf", "seg", "cna", "sv", "vcf", "cns", "cnv_vcf")
        source = next(str(given[k]) for k in kinds if given[k] is not None)
        raise click.UsageError(
            f"{source} holds {len(reports):,} samples: annotate would write {len(reports) * len(per_sample):,} files "
            f"to {out_dir}. For a cohort use 'hpdgenomics cohort' (one table and page for all samples, JSON per "
            "sample), pick one sample with --sample, or give --all-samples to write them all")
    _warn_undetermined_build(reports)
    written = write_reports(reports, out_dir, formats=formats, force=force)
    if not quiet:
        with interrupts_ignored():  # the reports are in place: a late Ctrl-C must not report an interruption
            _print_summary(reports, written, verbose=verbose)


def _verbosity(quiet: bool) -> tuple[bool, bool]:
    """(quiet, verbose): the subcommand's -q, or -q/-v given before the subcommand."""
    root = click.get_current_context().find_root().params
    return quiet or bool(root.get("group_quiet")), bool(root.get("group_verbose")) and not quiet


@contextlib.contextmanager
def _input_hints(given: dict[str, Path | None]) -> Iterator[None]:
    """When a reader refuses a file that looks like another kind of input, say which option reads it."""
    from hpdgenomics.readers.sniff import misplaced_hint

    try:
        yield
    except InputError as exc:
        for option, path in given.items():
            if path is None or exc.path is None or Path(exc.path) != Path(path):
                continue
            hint = misplaced_hint(option, path)
            if hint:
                raise InputError(exc.path, f"{exc.detail}; {hint}", line=exc.line) from exc
        raise


def _warn_undetermined_build(reports: Sequence[SampleReport]) -> None:
    """A warning on stderr (even with -q) for each result that rests on a genome build nobody could tell."""
    undetermined = [r for r in reports if _rests_on_undetermined_build(r)]
    for report in undetermined[:5]:
        basis = report.document["sample"].get("genome_build_basis") or "no build was given or detected"
        click.echo(terminal_safe(f"hpdgenomics: warning: {report.sample_id}: genome build not determined ({basis}); "
                                 "genomic positions were not used, so the result may miss what they would find: give "
                                 "--build GRCh37 or --build GRCh38"), err=True)
    if len(undetermined) > 5:
        click.echo(f"hpdgenomics: warning: … and {len(undetermined) - 5} more samples with no genome build",
                   err=True)


def _rests_on_undetermined_build(report: SampleReport) -> bool:
    """No build, and an input whose positions matter (a VCF, segments, or small variants without a protein change)."""
    document = report.document
    if document["sample"].get("genome_build"):
        return False
    formats = {str(i.get("format")) for i in document.get("inputs", ())}
    if formats & {"vcf", "cnv_vcf", "seg", "cns"}:
        return True
    return any(str(f.get("alteration_type")) == "small_variant" and not (f.get("variant") or {}).get("protein_change")
               for f in document.get("findings", ()))


def _print_summary(reports: Sequence[SampleReport], written: Sequence[Path], *, verbose: bool = False) -> None:
    shown = reports if verbose else reports[:20]
    for report in shown:
        findings = report.findings
        by_category = {c: sum(f["category"] == c for f in findings) for c in ("hpd_risk", "targetable")}
        click.echo(terminal_safe(
            f"{report.sample_id}: hyperprogression risk {report.hpd_level.replace('_', ' ')}; "
            f"{len(findings)} finding(s) ({by_category['hpd_risk']} HPD-linked, {by_category['targetable']} "
            f"targetable); {len(report.not_assessed)} not assessed"),
            err=True,
        )
        if verbose:
            for tally in (report.document.get("qc") or {}).get("files", ()):
                for note in tally.get("notes", ()):
                    click.echo(terminal_safe(f"  note: {Path(str(tally.get('path'))).name}: {note}"), err=True)
    if len(reports) > len(shown):
        click.echo(f"… and {len(reports) - len(shown)} more samples (-v lists them all)", err=True)
    folder = written[0].parent if written else "-"
    click.echo(f"wrote {len(written)} file(s) to {folder}", err=True)


@cli.command()
@click.option("--study-dir", type=click.Path(file_okay=False, exists=True, path_type=Path),
              help="cBioPortal study folder, read through its meta_*.txt files (mutations, discrete CNA or SEG, SV, "
              "clinical sample and patient attributes, gene panel matrix).")
@click.option("--sample-sheet", type=click.Path(dir_okay=False, path_type=Path),
              help="CSV/TSV with columns sample, vcf, maf, seg, cns, cna, cnv_vcf, sv, tumour_type, purity, ploidy "
              "(paths relative to the sheet); a file named by several rows is read once.")
@click.option("--maf", type=click.Path(dir_okay=False, path_type=Path), help="Multi-sample MAF (GDC or cBioPortal).")
@click.option("--seg", type=click.Path(dir_okay=False, path_type=Path), help="Multi-sample SEG file.")
@click.option("--cna", type=click.Path(dir_okay=False, path_type=Path), help="Discrete copy-number table.")
@click.option("--sv", type=click.Path(dir_okay=False, path_type=Path), help="Structural variants / fusions table.")
@click.option("--clinical", type=click.Path(dir_okay=False, path_type=Path),
              help="Clinical sheet (tumour type, TMB, MSI, purity per sample) for multi-sample files or a sheet.")
@click.option("--skip-missing", is_flag=True,
              help="Go on when a study meta file names a data file that is missing (the profile is left out and "
              "noted); without it, a missing file is an error.")
@click.option("--tumour-type", "--tumor-type", "tumour_type", metavar="ONCOTREE",
              help="OncoTree code of every sample (when no clinical sheet gives one).")
@click.option("--build", default="auto", show_default=True, metavar="GRCh37|GRCh38|auto", help="Genome build.")
@click.option("--purity", type=click.FloatRange(0, 1, min_open=True), help="Tumour purity of every sample.")
@click.option("--ploidy", type=click.FloatRange(0, min_open=True), help="Tumour ploidy of every sample (default 2).")
@click.option("--amplification-cn", type=click.FloatRange(0, min_open=True),
              help="Absolute copy number from which a gene is amplified (default 6).")
@click.option("--cn-thresholds", type=click.Path(dir_okay=False, path_type=Path), help="YAML copy-number thresholds.")
@click.option("--seg-log10", is_flag=True, help="The SEG values are log10 ratios, not log2.")
@_caller_copy_number_options
@click.option("--include-normals", is_flag=True,
              help="Keep TCGA normal aliquots (sample type 10-29), which a cohort run leaves out and counts.")
@click.option("--include-filtered", is_flag=True, help="Keep records whose FILTER is not PASS.")
@click.option("--include-germline", is_flag=True, help="Keep MAF rows with Mutation_Status Germline.")
@click.option("--panel-size-mb", type=float,
              help="Sequenced territory in megabases, to compute TMB from each sample's small variants (when the "
              "clinical sheet gives none).")
@click.option("--panel-bed", type=click.Path(dir_okay=False, path_type=Path),
              help="BED of the sequenced territory for TMB (its merged length; only variants inside it count).")
@click.option("--rules", "rule_files", multiple=True, type=click.Path(dir_okay=False, path_type=Path),
              help="Extra rule file (repeatable).")
@click.option("--format", "formats", multiple=True, type=click.Choice(SAMPLE_FORMATS), default=("json",),
              show_default=True, help="Per-sample report format (repeatable). JSON only by default: an HTML page per "
              "sample is about 1 MB, and thousands of them are rarely wanted; the cohort's own HTML page is always "
              "written.")
@click.option("--jobs", "-j", type=click.IntRange(1), default=1, show_default=True,
              help="Local worker processes for the per-sample work.")
@click.option("--dask-scheduler", metavar="ADDRESS",
              help="Send the per-sample work to a running Dask scheduler (e.g. tcp://host:8786); needs the dask "
              "extra, and an output folder the workers share.")
@click.option("--out", "out_dir", required=True, type=click.Path(file_okay=False, path_type=Path),
              help="Output folder: samples/<sample>.hpd.json, cohort.tsv, cohort.json, cohort.html, "
              "hpdgenomics_mqc.tsv.")
@click.option("--force", is_flag=True, help="Overwrite existing outputs.")
@click.option("-q", "--quiet", is_flag=True, help="Print nothing but errors.")
@_handle_errors
def cohort(rule_files: tuple[Path, ...], out_dir: Path, quiet: bool, **options: Any) -> None:
    """Annotate a cohort: a cBioPortal study, a sample sheet, or multi-sample MAF/SEG/CNA/SV files.

    Multi-sample files are read once and split by sample; the per-sample work runs in --jobs processes or on a
    Dask cluster, with the same results either way.
    """
    from hpdgenomics.cohort import CohortRequest, run_cohort

    options["exclude_normals"] = not options.pop("include_normals")
    options["one_aliquot_per_sample"] = True  # several aliquots of one TCGA sample: one report (docs/copy_number.md)
    quiet, _ = _verbosity(quiet)
    progress = _ProgressBar() if not quiet and sys.stderr.isatty() else None
    try:
        # The other options go into the request by their own names (hpdgenomics.request).
        with _input_hints({kind: options.get(kind) for kind in ("maf", "seg", "cna", "sv", "clinical")}):
            result = run_cohort(CohortRequest.of(out=out_dir, rules=rule_files, **options), progress=progress)
    finally:
        if progress is not None:
            progress.close()
    with interrupts_ignored():  # the outputs are in place: a late Ctrl-C must not report an interruption
        if not quiet:
            for note in result.notes:
                click.echo(terminal_safe(f"note: {note}"), err=True)
            levels = ", ".join(f"{level.replace('_', ' ')} {count:,}" for level, count in result.levels.items())
            click.echo(f"cohort: {result.samples:,} samples ({levels}) in {result.elapsed_seconds:.1f} s; wrote "
                       f"{result.out_dir}", err=True)


class _ProgressBar:
    """A click progress bar on stderr, created when the total is first known."""

    def __init__(self) -> None:
        self._bar: Any = None
        self._done = 0

    def __call__(self, done: int, total: int) -> None:
        if self._bar is None:
            self._bar = click.progressbar(length=total, label="samples", file=sys.stderr, show_pos=True)
            self._bar.__enter__()
        self._bar.update(done - self._done)
        self._done = done

    def close(self) -> None:
        if self._bar is not None:
            self._bar.__exit__(None, None, None)


# Commands kept in modules of their own (cli_outcomes.py, cli_rules.py), so that this one stays readable.
for _command in (hpd_label, associate, rules):
    cli.add_command(_command)


def main() -> None:
    """Console-script entry point (a Ctrl-C outside a command, while click parses, also ends cleanly)."""
    exit_on_sigterm()  # unwinds like an error: outputs as they were, lock released (exit 143)
    try:
        cli(prog_name="hpdgenomics")
    except KeyboardInterrupt:
        click.echo(f"hpdgenomics: {INTERRUPTED}", err=True)
        sys.exit(EXIT_INTERRUPTED)
