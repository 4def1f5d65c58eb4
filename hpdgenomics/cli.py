"""Command line: parse options, call the library, write outputs, map errors to exit codes.

Exit codes: 0 success; 1 input or data error (the message names the file and line); 2 usage error;
3 internal error (a bug: please report it with the command line used).
"""

from __future__ import annotations

import contextlib
import functools
import signal
import sys
import traceback
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import Any, TypeVar

import click

from hpdgenomics import api
from hpdgenomics._version import __version__
from hpdgenomics.engine.loader import load_rules, parse_rule_file
from hpdgenomics.engine.rules import CATEGORIES, Rule
from hpdgenomics.errors import HpdError, InputError, OptionError
from hpdgenomics.interrupts import interrupts_ignored
from hpdgenomics.report import FORMATS, SampleReport, write_reports
from hpdgenomics.report.outlock import OutputLock
from hpdgenomics.report.terminal import terminal_safe
from hpdgenomics.report.writers import DEFAULT_FORMATS
from hpdgenomics.request import AnnotateRequest

EXIT_INPUT_ERROR = 1
EXIT_INTERNAL_ERROR = 3
EXIT_INTERRUPTED = 130  # 128 + SIGINT, as shells report it
EXIT_TERMINATED = 143  # 128 + SIGTERM
INTERRUPTED = "interrupted; no report was written (the output folder is as it was before the run)"
# More samples than this in one annotate run is a cohort: a report set per sample needs --all-samples.
MANY_SAMPLES = 20
ISSUES_HINT = "this is a bug in hpdgenomics; please report it with the command line and the traceback above"

F = TypeVar("F", bound=Callable[..., Any])


def _handle_errors(command: F) -> F:
    """Turn the library's typed errors into one-line messages and documented exit codes."""

    @functools.wraps(command)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return command(*args, **kwargs)
        except OptionError as exc:
            raise click.UsageError(str(exc)) from exc
        except HpdError as exc:
            click.echo(terminal_safe(f"hpdgenomics: error: {exc}"), err=True)
            sys.exit(EXIT_INPUT_ERROR)
        except (click.ClickException, click.exceptions.Exit, click.exceptions.Abort, SystemExit):
            raise
        except KeyboardInterrupt:
            click.echo(f"hpdgenomics: {INTERRUPTED}", err=True)
            sys.exit(EXIT_INTERRUPTED)
        except Exception:
            traceback.print_exc(file=sys.stderr)
            click.echo(f"hpdgenomics: internal error: {ISSUES_HINT}", err=True)
            sys.exit(EXIT_INTERNAL_ERROR)

    return wrapper  # type: ignore[return-value]


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
              help="Report format (repeatable).")
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
    if len(reports) > MANY_SAMPLES and not all_samples:
        kinds = ("maf", "seg", "cna", "sv", "vcf", "cns", "cnv_vcf")
        source = next(str(given[k]) for k in kinds if given[k] is not None)
        raise click.UsageError(
            f"{source} holds {len(reports):,} samples: annotate would write {len(reports) * len(formats):,} files "
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
@click.option("--include-filtered", is_flag=True, help="Keep records whose FILTER is not PASS.")
@click.option("--include-germline", is_flag=True, help="Keep MAF rows with Mutation_Status Germline.")
@click.option("--panel-size-mb", type=float,
              help="Sequenced territory in megabases, to compute TMB from each sample's small variants (when the "
              "clinical sheet gives none).")
@click.option("--panel-bed", type=click.Path(dir_okay=False, path_type=Path),
              help="BED of the sequenced territory for TMB (its merged length; only variants inside it count).")
@click.option("--rules", "rule_files", multiple=True, type=click.Path(dir_okay=False, path_type=Path),
              help="Extra rule file (repeatable).")
@click.option("--format", "formats", multiple=True, type=click.Choice(FORMATS), default=("json",), show_default=True,
              help="Per-sample report format (repeatable). JSON only by default: an HTML page per sample is about "
              "1 MB, and thousands of them are rarely wanted; the cohort's own HTML page is always written.")
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


def _pairs(values: tuple[str, ...], option: str) -> dict[str, str]:
    """KEY=VALUE option values as a mapping (a value without '=' is a usage error)."""
    pairs = {}
    for value in values:
        key, sep, column = value.partition("=")
        if not sep or not key.strip() or not column.strip():
            raise click.UsageError(f"{option} {value!r}: expected KEY=COLUMN")
        pairs[key.strip()] = column.strip()
    return pairs


_FILE = click.Path(dir_okay=False, exists=True, path_type=Path)


@cli.command("hpd-label")
@click.option("--measurements", type=_FILE, help="Long-form table: patient_id, scan_date (ISO) and "
              "sum_of_diameters_mm, or lesion_id + diameter_mm rows (summed per scan); optional new_lesion_organs, "
              "response, unit, treatment_start, treatment_failure_date.")
@click.option("--wide", type=_FILE, help="One row per patient with pre-baseline, baseline and first-evaluation sums "
              "and dates (default columns: the Ferté TGR calculator's RECIST_BEFORE … SCANDATE_EVAL1).")
@click.option("--wide-column", "wide_columns", multiple=True, metavar="KEY=COLUMN",
              help="Column of a wide table for KEY (repeatable), e.g. baseline_sum=SLD0; see docs/outcomes.md.")
@click.option("--sdtm-tr", type=_FILE, help="CDISC SDTM TR domain (target-lesion LDIAM in mm).")
@click.option("--sdtm-tu", type=_FILE, help="SDTM TU domain (new lesions and their organs).")
@click.option("--sdtm-rs", type=_FILE, help="SDTM RS domain (overall response per visit).")
@click.option("--treatment", type=_FILE, help="Per-patient table: patient_id, treatment_start and optionally "
              "treatment_failure_date (ISO dates).")
@click.option("--definitions", type=_FILE, help="Another HPD definitions YAML (default: the bundled one).")
@click.option("--pre-baseline", type=click.Choice(("previous", "earliest")), default="previous", show_default=True,
              help="Which earlier scan is the pre-baseline: the one just before baseline, or the earliest.")
@click.option("--first-eval-min-days", type=click.IntRange(1), default=1, show_default=True,
              help="The first evaluation is the first scan at least this many days after treatment start.")
@click.option("--min-interval-days", type=click.IntRange(1), default=1, show_default=True,
              help="Shorter pre-baseline or on-treatment intervals make the growth rates not evaluable.")
@click.option("--out", "out_dir", required=True, type=click.Path(file_okay=False, path_type=Path),
              help="Output folder: hpd_labels.tsv, hpd_labels.json, hpd_labels.html.")
@click.option("--force", is_flag=True, help="Overwrite existing outputs.")
@click.option("-q", "--quiet", is_flag=True, help="Print nothing but errors.")
@_handle_errors
def hpd_label(measurements: Path | None, wide: Path | None, wide_columns: tuple[str, ...], sdtm_tr: Path | None,
              sdtm_tu: Path | None, sdtm_rs: Path | None, treatment: Path | None, definitions: Path | None,
              pre_baseline: str, first_eval_min_days: int, min_interval_days: int, out_dir: Path, force: bool,
              quiet: bool) -> None:
    """Label hyperprogression from tumour measurements, by each published definition (never merged)."""
    from hpdgenomics.outcomes import LabelOptions, run_hpd_label
    from hpdgenomics.outcomes.timepoints import TimePointChoice

    options = LabelOptions(
        out_dir=out_dir, measurements=measurements, wide=wide, wide_columns=_pairs(wide_columns, "--wide-column"),
        sdtm_tr=sdtm_tr, sdtm_tu=sdtm_tu, sdtm_rs=sdtm_rs, treatment=treatment, definitions=definitions,
        time_points=TimePointChoice(pre_baseline, first_eval_min_days), min_interval_days=min_interval_days,
        force=force,
    )
    result = run_hpd_label(options)
    if not quiet:
        for definition, counts in result.counts().items():
            click.echo(f"{definition}: HPD {counts['HPD']}, no HPD {counts['no_HPD']}, not evaluable "
                       f"{counts['not_evaluable']}", err=True)
        click.echo(f"hpd-label: {len(result.patients)} patients; wrote {out_dir}", err=True)


@cli.command()
@click.option("--cohort", "cohort_dir", type=click.Path(file_okay=False, exists=True, path_type=Path),
              help="A 'hpdgenomics cohort' output folder: rule findings, gene-level events and the HPD level per "
              "sample, each tested only where assessed.")
@click.option("--features", type=_FILE, help="Any per-sample feature table: a sample column and true/false or count "
              "columns (e.g. per-gene mutation counts).")
@click.option("--sample-column", help="Sample column of --features (default: sample_id, sample, SAMPLE_ID …).")
@click.option("--patient-column", help="Column of --features giving each sample's patient.")
@click.option("--feature-column", "feature_columns", multiple=True,
              help="Use only this column of --features (repeatable); text columns must be named here.")
@click.option("--outcomes", "outcomes", multiple=True, type=click.Path(exists=True, path_type=Path),
              help="Outcome table, cBioPortal clinical file or study folder (repeatable; default: the clinical "
              "patient file the cohort read).")
@click.option("--outcome-column", "outcome_columns", multiple=True, metavar="KEY=COLUMN",
              help="Map an outcome key (os_months, os_event, os_alive, pfs_months, pfs_event, best_response, "
              "benefit, tumour_type, id) to a column (repeatable).")
@click.option("--outcome-id-column", help="Id column of the outcome tables (default: sample_id or patient_id).")
@click.option("--time-unit", type=click.Choice(("months", "days", "weeks", "years")), default="months",
              show_default=True, help="Unit of the survival times in the outcome tables.")
@click.option("--sample-patient", type=_FILE, help="Sheet linking SAMPLE_ID to PATIENT_ID.")
@click.option("--min-carriers", type=click.IntRange(1), default=3, show_default=True,
              help="Features with fewer carriers (or non-carriers) are listed but not tested.")
@click.option("--stratify-by-tumour-type", is_flag=True, help="Cox models stratified by tumour type.")
@click.option("--out", "out_dir", required=True, type=click.Path(file_okay=False, path_type=Path),
              help="Output folder: associations.tsv, associations.json, associations.html.")
@click.option("--force", is_flag=True, help="Overwrite existing outputs.")
@click.option("-q", "--quiet", is_flag=True, help="Print nothing but errors.")
@_handle_errors
def associate(cohort_dir: Path | None, features: Path | None, sample_column: str | None, patient_column: str | None,
              feature_columns: tuple[str, ...], outcomes: tuple[Path, ...], outcome_columns: tuple[str, ...],
              outcome_id_column: str | None, time_unit: str, sample_patient: Path | None, min_carriers: int,
              stratify_by_tumour_type: bool, out_dir: Path, force: bool, quiet: bool) -> None:
    """Test genomic features against outcome (response, HPD, survival) in one cohort: associations, not predictions.

    Needs the outcomes extra: pip install 'hpdgenomics[outcomes]' (scipy and lifelines).
    """
    from hpdgenomics.outcomes import AssociateOptions, run_associate

    options = AssociateOptions(
        out_dir=out_dir, cohort_dir=cohort_dir, features=features, sample_column=sample_column,
        patient_column=patient_column, feature_columns=feature_columns, outcomes=outcomes,
        outcome_columns=_pairs(outcome_columns, "--outcome-column"), outcome_id_column=outcome_id_column,
        time_unit=time_unit, sample_patient=sample_patient, min_carriers=min_carriers,
        stratify_by_tumour_type=stratify_by_tumour_type, force=force,
    )
    result = run_associate(options)
    if not quiet:
        for note in result.notes:
            click.echo(f"note: {note}", err=True)
        tested = sum(row.tested for row in result.rows)
        sizes = ", ".join(f"{name} {count}" for name, count in result.outcome_sizes.items())
        click.echo(f"associate: {len(result.joined.samples)} patients ({sizes}); {tested} of {len(result.rows)} "
                   f"feature-outcome pairs tested; wrote {out_dir}", err=True)


@cli.group()
def rules() -> None:
    """Inspect and check rule files."""


@rules.command("list")
@click.option("--rules", "rule_files", multiple=True, type=click.Path(dir_okay=False, path_type=Path),
              help="Extra rule file to include (repeatable).")
@click.option("--category", type=click.Choice(CATEGORIES))
@_handle_errors
def rules_list(rule_files: tuple[Path, ...], category: str | None) -> None:
    """One line per rule: id, category, gene, alteration, strength, tumour types, evidence."""
    ruleset = load_rules(rule_files)
    rows: list[tuple[str, ...]] = [("id", "category", "subject", "alteration", "strength", "tumour_types",
                                    "evidence")]
    rows += [_rule_row(rule) for rule in ruleset.rules if category is None or rule.category == category]
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]) - 1)]
    for row in rows:
        click.echo("  ".join(cell.ljust(width) for cell, width in zip(row, widths, strict=False)) + "  " + row[-1])
    click.echo(f"\n{len(rows) - 1} rules; rules version {ruleset.version}, sha256 {ruleset.sha256[:12]}…", err=True)


def _rule_row(rule: Rule) -> tuple[str, ...]:
    tumour_types = ",".join(rule.tumour_types)
    if rule.exclude_tumour_types:
        tumour_types += " except " + ",".join(rule.exclude_tumour_types)
    evidence = ",".join(f"PMID:{e.pmid}" if e.pmid else f"doi:{e.doi}" for e in rule.evidence)
    return (rule.id, rule.category, rule.subject, rule.describe(), rule.strength or "-", tumour_types, evidence)


@rules.command("show")
@click.argument("rule_id")
@click.option("--rules", "rule_files", multiple=True, type=click.Path(dir_okay=False, path_type=Path))
@_handle_errors
def rules_show(rule_id: str, rule_files: tuple[Path, ...]) -> None:
    """Everything about one rule, with its evidence."""
    ruleset = load_rules(rule_files)
    rule = ruleset.get(rule_id.upper())
    if rule is None:
        raise click.UsageError(f"no rule {rule_id!r}; see 'hpdgenomics rules list'")
    click.echo(f"{rule.id}  ({rule.category}, from {rule.source_file})\n{rule.title}")
    click.echo(f"{'gene' if rule.gene else 'subject'}: {rule.subject}\nalteration: {rule.describe()}")
    click.echo(f"tumour types: {', '.join(rule.tumour_types)}"
               + (f" (except {', '.join(rule.exclude_tumour_types)})" if rule.exclude_tumour_types else ""))
    if rule.strength:
        click.echo(f"strength: {rule.strength} — {rule.strength_reason}")
    click.echo(f"interpretation: {rule.interpretation}")
    for evidence in rule.evidence:
        click.echo(f"- {evidence.citation} <{evidence.url}> [{evidence.verification}]\n  {evidence.finding}")
    for therapy in rule.therapies:
        click.echo(f"therapy: {' + '.join(therapy.drugs)} (level {therapy.level}; {', '.join(therapy.tumour_types)})")


@rules.command("validate")
@click.argument("files", nargs=-1, required=True, type=click.Path(dir_okay=False, path_type=Path))
@_handle_errors
def rules_validate(files: tuple[Path, ...]) -> None:
    """Check rule files against the schema (and together with the bundled rules)."""
    for path in files:
        count = len(parse_rule_file(path))
        click.echo(f"{path}: {count} rule(s) valid")
    load_rules(files)


@rules.command("docs")
@click.option("--rules", "rule_files", multiple=True, type=click.Path(dir_okay=False, path_type=Path),
              help="Extra rule file to include (repeatable).")
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path),
              help="Write here (atomically) instead of standard output, e.g. rules/README.md.")
@_handle_errors
def rules_docs(rule_files: tuple[Path, ...], output: Path | None) -> None:
    """Markdown table of every rule with its evidence, and where each knowledge-file entry went."""
    from hpdgenomics.engine.ruledocs import render_rule_docs
    from hpdgenomics.report.writers import atomic_write_text

    text = render_rule_docs(load_rules(rule_files))
    if output is None:
        click.echo(text, nl=False)
    else:
        atomic_write_text(output, text)
        click.echo(f"wrote {output}", err=True)


def _terminated(signum: int, frame: object) -> None:
    """SIGTERM (kill, a batch scheduler's time limit) unwinds like an error: temporary files and staging folders are
    removed and the lock released on the way out, so the outputs are as they were (or complete, when it came while
    they were being put in place)."""
    raise SystemExit(EXIT_TERMINATED)


def main() -> None:
    """Console-script entry point (a Ctrl-C outside a command, while click parses, also ends cleanly)."""
    signal.signal(signal.SIGTERM, _terminated)
    try:
        cli(prog_name="hpdgenomics")
    except KeyboardInterrupt:
        click.echo(f"hpdgenomics: {INTERRUPTED}", err=True)
        sys.exit(EXIT_INTERRUPTED)
