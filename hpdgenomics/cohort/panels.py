"""Gene panels of a cBioPortal study: which panel each sample was sequenced with, per profile, and what that
panel covered.

``data_gene_panel_matrix.txt`` gives, per sample and per profile (columns named by the profiles' ``stable_id``),
the panel id, or ``NA`` when the profile was not sequenced for that sample. Panel definitions
(``data_gene_panel_<ID>.txt``: ``stable_id:``, ``description:``, ``gene_list:`` with tab-separated genes, cBioPortal
format) may or may not be in the folder:

* profile ``NA`` → that kind is *not assessed* for the sample;
* panel with a gene list → the sample's coverage of that kind is limited to the panel's genes: a rule gene off the
  panel is *not assessed*, with the panel named in the reason, and alterations reported in off-panel genes are
  counted as skipped;
* panel without a gene list → the panel's genes are unknown: for mutations and structural variants (files of rows,
  which name only altered genes) a gene without a row is *not assessed*, since it may not have been on the panel; a
  discrete CNA table lists its genes, so its coverage stands and the basis says the panel's genes are unknown.

A sample absent from the MAF but sequenced for mutations (the matrix names its panel) had no mutation to report: its
small variants are assessed over the panel, not left *not assessed*.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from hpdgenomics.errors import InputError
from hpdgenomics.model import AlterationKind, CoverageGap, GeneScope, ReadTally, SampleProfile
from hpdgenomics.readers.text import open_text

NOT_PROFILED = frozenset({"", "NA", "na", "N/A", "NaN", "nan"})
SKIP_OFF_PANEL = "gene not on the sample's gene panel"
SKIP_NOT_PROFILED = "profile not sequenced for this sample (gene panel matrix: NA)"
# Tallies whose units are one alteration each (a MAF row, a CNA cell, an SV row): off-panel alterations move from
# kept to skipped. Segment-derived calls are not units of their file, so they get a note instead.
_COUNTED_UNITS = ("MAF rows", "CNA", "structural-variant rows")
_WORDS = {AlterationKind.SMALL_VARIANT: "mutations", AlterationKind.COPY_NUMBER: "copy number",
          AlterationKind.STRUCTURAL: "structural variants"}
_FIELDS = {AlterationKind.SMALL_VARIANT: ("small_variants", "small_variant_basis"),
           AlterationKind.COPY_NUMBER: ("copy_number", "copy_number_basis"),
           AlterationKind.STRUCTURAL: ("structural", "structural_basis")}


@dataclass(frozen=True)
class GenePanel:
    """A panel definition: its genes (None when the file lists Entrez ids, which the bundled tables cannot map)."""

    stable_id: str
    genes: frozenset[str] | None
    source: str  # file name


@dataclass(frozen=True)
class PanelUse:
    """What one profile of one sample was sequenced with."""

    panel_id: str | None  # None: not profiled (NA)
    said_by: str  # "data_gene_panel_matrix.txt" or "meta_sv.txt (gene_panel)"
    panel: GenePanel | None = None  # None: the panel's gene list is not in the study folder


@dataclass(frozen=True)
class PanelMatrix:
    """Per sample, per profile column, the panel id (None = NA)."""

    path: Path
    columns: tuple[str, ...]
    samples: dict[str, dict[str, str | None]]


def read_panel_matrix(path: Path) -> PanelMatrix:
    """Read a gene panel matrix (``SAMPLE_ID`` then one column per profile)."""
    samples: dict[str, dict[str, str | None]] = {}
    lines: dict[str, int] = {}
    header: list[str] | None = None
    with open_text(path) as handle:
        for number, raw in enumerate(handle, start=1):
            line = raw.rstrip("\r\n")
            if not line.strip() or line.startswith("#"):
                continue
            cells = [cell.strip() for cell in line.split("\t")]
            if header is None:
                if cells[0].upper() != "SAMPLE_ID" or len(cells) < 2:
                    raise InputError(path, "expected a header SAMPLE_ID followed by one column per profile "
                                     f"(e.g. mutations, cna), found {line[:60]!r}", line=number)
                header = cells
                continue
            if len(cells) != len(header):
                raise InputError(path, f"expected {len(header)} tab-separated fields as in the header, found "
                                 f"{len(cells)}", line=number)
            sample = cells[0]
            if not sample:
                raise InputError(path, "empty SAMPLE_ID", line=number)
            if sample in samples:
                raise InputError(path, f"sample {sample!r} is listed twice (first on line {lines[sample]})",
                                 line=number)
            samples[sample] = {col: None if value in NOT_PROFILED else value
                               for col, value in zip(header[1:], cells[1:], strict=True)}
            lines[sample] = number
    if header is None:
        raise InputError(path, "the gene panel matrix is empty (no SAMPLE_ID header)")
    return PanelMatrix(path, tuple(header[1:]), samples)


def read_panel_definition(path: Path) -> GenePanel:
    """Read one cBioPortal gene panel file (``stable_id:``, ``description:``, ``gene_list:``)."""
    stable_id = None
    genes: list[str] | None = None
    with open_text(path) as handle:
        for number, raw in enumerate(handle, start=1):
            line = raw.rstrip("\r\n")
            key, sep, value = line.partition(":")
            key = key.strip().lower()
            if not sep or key not in ("stable_id", "description", "gene_list"):
                if line.strip() and not line.startswith("#"):
                    raise InputError(path, "expected stable_id:, description: and gene_list: lines (cBioPortal gene "
                                     f"panel format), found {line[:60]!r}", line=number)
                continue
            if key == "stable_id":
                stable_id = value.strip()
            elif key == "gene_list":
                genes = [gene.strip() for gene in value.replace("\t", " ").split() if gene.strip()]
    if not stable_id:
        raise InputError(path, "no stable_id: line (the panel id the gene panel matrix uses)")
    if not genes:
        raise InputError(path, "no gene_list: line with genes (tab-separated Hugo symbols)")
    if all(gene.isdigit() for gene in genes):
        return GenePanel(stable_id, None, path.name)  # Entrez ids: the bundled gene tables have symbols only
    return GenePanel(stable_id, frozenset(genes), path.name)


def read_panel_definitions(paths: Iterable[Path]) -> dict[str, GenePanel]:
    """Panel id → definition; two files defining the same id is an error."""
    panels: dict[str, GenePanel] = {}
    for path in sorted(paths):
        panel = read_panel_definition(path)
        if panel.stable_id in panels:
            raise InputError(path, f"gene panel {panel.stable_id} is also defined in {panels[panel.stable_id].source}")
        panels[panel.stable_id] = panel
    return panels


def matrix_column(matrix: PanelMatrix, stable_id: str | None, study_id: str | None) -> str | None:
    """The matrix column of a profile: its stable_id, with or without the ``<study>_`` prefix."""
    if stable_id is None:
        return None
    names = {stable_id.lower()} | ({f"{study_id}_{stable_id}".lower()} if study_id else set())
    return next((column for column in matrix.columns if column.lower() in names), None)


def panel_uses(sample: str, profiles: Mapping[AlterationKind, tuple[str | None, str | None, str]],
               matrix: PanelMatrix | None, panels: Mapping[str, GenePanel]) -> dict[AlterationKind, PanelUse]:
    """The panel of each profile kind for one sample.

    ``profiles``: kind → (matrix column or None, the meta file's ``gene_panel`` or None, the meta file's name).
    """
    row = matrix.samples.get(sample) if matrix is not None else None
    uses = {}
    for kind, (column, meta_panel, meta_name) in profiles.items():
        if row is not None and column is not None and matrix is not None:
            panel_id = row[column]
            uses[kind] = PanelUse(panel_id, matrix.path.name, panels.get(panel_id) if panel_id else None)
        elif meta_panel:
            uses[kind] = PanelUse(meta_panel, f"{meta_name} (gene_panel)", panels.get(meta_panel))
    return uses


def restrict_profile(profile: SampleProfile, uses: Mapping[AlterationKind, PanelUse],
                     rule_genes: frozenset[str]) -> SampleProfile:
    """The profile with each kind's coverage limited to what the sample's panel covered (see the module doc)."""
    if not uses:
        return profile
    coverage = profile.coverage
    gaps = list(coverage.gaps)
    updates: dict[str, Any] = {}
    keep: dict[AlterationKind, tuple[frozenset[str], str]] = {}  # kind → the genes kept, and the reason for the rest
    sample = profile.sample.id
    for kind, use in sorted(uses.items(), key=lambda item: item[0].value):
        scope_field, basis_field = _FIELDS[kind]
        scope, basis = coverage.scope(kind), coverage.basis(kind)
        if use.panel_id is None:
            scope, basis = GeneScope.nothing(), f"{sample} was not sequenced for {_WORDS[kind]} ({use.said_by}: NA)"
            gaps = [gap for gap in gaps if gap.kind is not kind]
            keep[kind] = (frozenset(), SKIP_NOT_PROFILED)
        elif use.panel is None or use.panel.genes is None:
            why = ("its gene list is given as Entrez ids, which hpdgenomics cannot map" if use.panel is not None else
                   f"its gene list is not in the study folder (no data_gene_panel file with stable_id {use.panel_id})")
            if kind is AlterationKind.COPY_NUMBER:  # a CNA table lists its genes, so its coverage stands
                basis += f"; gene panel {use.panel_id} ({use.said_by}): {why}, so the genes it covered are unknown"
            else:  # rows name only altered genes: a gene without one may not have been sequenced at all
                scope = GeneScope.of(_genes_with_rows(profile, kind))
                basis = (f"{sample} was sequenced with gene panel {use.panel_id} ({use.said_by}), but {why}: only "
                         f"genes with a row are taken as assessed; the others are not assessed")
        else:
            genes = use.panel.genes
            if _profiled_without_rows(kind, scope):
                scope, basis = GeneScope.of(genes), (
                    f"{sample} has no row in the mutation file and was sequenced for mutations with gene panel "
                    f"{use.panel_id} ({use.panel.source}, {len(genes)} genes): no mutation in its genes")
            else:
                scope = GeneScope.of(genes) if scope.all_genes else GeneScope.of(scope.genes & genes)
                basis += f"; limited to the {len(genes)} genes of gene panel {use.panel_id} ({use.panel.source})"
            listed = {gap.gene for gap in gaps if gap.kind is kind}
            gaps += [CoverageGap(gene, kind, f"{gene} is not on gene panel {use.panel_id} ({use.panel.source}), "
                                 f"with which {sample} was sequenced") for gene in sorted(rule_genes - genes)
                     if gene not in listed]
            keep[kind] = (genes, SKIP_OFF_PANEL)
        updates[scope_field], updates[basis_field] = scope, basis
    new_coverage = replace(coverage, gaps=tuple(gaps), **updates)
    return _drop_alterations(replace(profile, coverage=new_coverage), keep)


def _genes_with_rows(profile: SampleProfile, kind: AlterationKind) -> frozenset[str]:
    if kind is AlterationKind.STRUCTURAL:
        return frozenset(gene for r in profile.rearrangements for gene in r.genes)
    return frozenset(v.gene for v in profile.variants)


def _profiled_without_rows(kind: AlterationKind, scope: GeneScope) -> bool:
    return kind is AlterationKind.SMALL_VARIANT and not scope.all_genes and not scope.genes


def _drop_alterations(profile: SampleProfile,
                      keep: Mapping[AlterationKind, tuple[frozenset[str], str]]) -> SampleProfile:
    """Alterations in genes the panel did not cover are left out and counted under a named reason."""
    dropped: Counter[tuple[str, str]] = Counter()  # (file name, reason) → count

    def kept(kind: AlterationKind, genes: Iterable[str], source: str) -> bool:
        rule = keep.get(kind)
        if rule is None or any(gene in rule[0] for gene in genes):
            return True
        dropped[(source.split(":", 1)[0], rule[1])] += 1
        return False

    variants = tuple(v for v in profile.variants if kept(AlterationKind.SMALL_VARIANT, (v.gene,), v.source))
    calls = tuple(c for c in profile.copy_number if kept(AlterationKind.COPY_NUMBER, (c.gene,), c.source))
    rearrangements = tuple(r for r in profile.rearrangements if kept(AlterationKind.STRUCTURAL, r.genes, r.source))
    if not dropped:
        return profile
    events = profile.copy_number_events
    if len(calls) != len(profile.copy_number):
        events = _events(calls, profile.sample.genome_build, events)
    return replace(profile, variants=variants, copy_number=calls, rearrangements=rearrangements,
                   copy_number_events=events, qc=_counted(profile.qc, dropped))


def _events(calls: tuple, build: str | None, events: tuple) -> tuple:  # type: ignore[type-arg]
    """Co-amplification events again, over the calls that are left."""
    from hpdgenomics.copynumber.events import co_amplifications
    from hpdgenomics.genome.reference import load_genes

    table = load_genes(build or "GRCh38")  # as for discrete calls: coordinates only group the genes
    return co_amplifications(calls, {c.gene: table.get(c.gene) for c in calls}, build or "GRCh38")


def _counted(tallies: tuple[ReadTally, ...], dropped: Counter[tuple[str, str]]) -> tuple[ReadTally, ...]:
    """Copies of the tallies with the dropped alterations moved from kept to skipped (or noted)."""
    result = []
    for tally in tallies:
        name = Path(tally.path).name
        mine = {reason: n for (file, reason), n in dropped.items() if file == name}
        if not mine:
            result.append(tally)
            continue
        copy = ReadTally(tally.path, tally.unit, tally.read, tally.kept, Counter(tally.skipped), list(tally.notes))
        for reason, count in sorted(mine.items()):
            if tally.unit.startswith(_COUNTED_UNITS) and copy.kept >= count:
                copy.kept -= count
                copy.skipped[reason] += count
            else:
                copy.notes.append(f"{count} call(s) not used: {reason}")
        result.append(copy)
    return tuple(result)
