"""The ``rules`` commands: list, show, validate and document rule files; registered by :mod:`hpdgenomics.cli`."""

from __future__ import annotations

from pathlib import Path

import click

from hpdgenomics.cli_errors import handle_errors
from hpdgenomics.engine.loader import load_rules, parse_rule_file
from hpdgenomics.engine.rules import CATEGORIES, Rule


@click.group()
def rules() -> None:
    """Inspect and check rule files."""


@rules.command("list")
@click.option("--rules", "rule_files", multiple=True, type=click.Path(dir_okay=False, path_type=Path),
              help="Extra rule file to include (repeatable).")
@click.option("--category", type=click.Choice(CATEGORIES))
@handle_errors
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
@handle_errors
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
@handle_errors
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
@handle_errors
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
