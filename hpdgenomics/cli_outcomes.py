"""The ``hpd-label`` and ``associate`` commands (the :mod:`hpdgenomics.outcomes` subpackage), registered by
:mod:`hpdgenomics.cli`."""

from __future__ import annotations

from pathlib import Path

import click

from hpdgenomics.cli_errors import handle_errors


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


@click.command("hpd-label")
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
@handle_errors
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


@click.command()
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
@handle_errors
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
