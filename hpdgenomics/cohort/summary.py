"""One sample's row of the cohort: what the cohort table, plots and MultiQC file need, read from the report document.

A cohort run keeps only these rows (a few hundred bytes each), never the reports themselves, so that memory stays
bounded however many samples there are.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any, NamedTuple

from hpdgenomics.engine.rules import RuleSet

TRUNCATING = frozenset({"nonsense", "frameshift", "splice_site"})
# Oncoprint cell kinds, in the order the legend lists them.
# A finding's alteration_type → the input kind (not_assessed[].kind) that covers it.
KIND_OF_TYPE = {"small_variant": "small_variant", "copy_number": "copy_number", "rearrangement": "structural_variant",
                "biomarker": "biomarker"}
CELL_KINDS = ("amplification", "deep_deletion", "missense", "truncating", "other_variant", "rearrangement",
              "multiple")


class FindingRow(NamedTuple):
    """One finding as the columnar cohort table holds it (``cohort.parquet``)."""

    rule_id: str
    category: str
    gene: str
    alteration: str
    alteration_type: str
    strength: str | None  # hpd_risk / ICI rules: strong, moderate, emerging
    therapy_level: str | None  # targetable: the best usable OncoKB-style level of the rule's therapies
    variant_source: str | None  # the input record ("file:line" for a MAF, "file:chrom:pos" for a VCF)


class GapRow(NamedTuple):
    """One not-assessed class of one sample (``cohort.parquet``)."""

    gene: str
    alteration_class: str
    reason: str
    rule_ids: tuple[str, ...]


@dataclass(frozen=True)
class SampleSummary:
    """The cohort's view of one sample's report."""

    index: int  # position in the cohort (input order); rows are sorted by it whatever order workers finish in
    sample: str
    tumour_type: str | None
    level: str
    hpd_events: tuple[str, ...]  # "MDM2 amplification", one per HPD-linked finding
    hpd_rules: tuple[str, ...]  # rule ids of those findings (unique, report order)
    hpd_not_assessed: tuple[str, ...]  # hpd_risk rule ids the inputs could not assess
    hpd_out_of_scope: tuple[str, ...]  # hpd_risk rule ids that do not apply to the tumour type
    targetable: int  # targetable findings
    targetable_genes: tuple[str, ...]
    ici_benefit: tuple[str, ...]
    ici_resistance: tuple[str, ...]
    key_not_assessed: tuple[str, ...]  # key HPD events (MDM2/MDM4 amplification) not assessed
    not_assessed: int
    tmb: float | None
    tmb_status: str
    msi: str
    cells: tuple[tuple[str, str], ...]  # oncoprint: (HPD gene, cell kind) for each altered HPD gene
    genes_not_assessed: tuple[str, ...]  # HPD genes with a not-assessed rule
    report: str  # the JSON report, relative to the output folder
    # (hpd_risk rule id, input kind, "carrier" | "assessed" | "not_assessed") per class of each rule in scope
    hpd_classes: tuple[tuple[str, str, str], ...] = ()
    findings: tuple[FindingRow, ...] = ()  # every finding, for cohort.parquet
    gaps: tuple[GapRow, ...] = ()  # every not-assessed class, for cohort.parquet


def hpd_rule_kinds(ruleset: RuleSet) -> dict[str, tuple[str, ...]]:
    """hpd_risk rule id → the input kinds its matcher needs (EGFR-HPD-NON-NSCLC: copy number and small variants)."""
    return {rule.id: tuple(sorted(k.value for k in rule.alteration.kinds()))
            for rule in ruleset.rules if rule.category == "hpd_risk" and rule.alteration is not None}


def summarise(index: int, document: Mapping[str, Any], report: str, hpd_rule_genes: Mapping[str, str],
              key_rules: frozenset[str], rule_kinds: Mapping[str, tuple[str, ...]] | None = None) -> SampleSummary:
    """The row of one report. ``hpd_rule_genes``: hpd_risk rule id → gene; ``key_rules``: key-event rule ids;
    ``rule_kinds``: hpd_risk rule id → input kinds (:func:`hpd_rule_kinds`), for the per-class denominators."""
    findings = document["findings"]
    hpd = [f for f in findings if f["category"] == "hpd_risk"]
    not_assessed = document["not_assessed"]
    unassessed_rules = {rule for gap in not_assessed for rule in gap.get("rule_ids", ())}
    key_missing = _unique(f"{gap['gene']} {gap['alteration_class']}" for gap in not_assessed
                          if key_rules & set(gap.get("rule_ids", ())))
    biomarkers = document.get("biomarkers") or {}
    tmb = biomarkers.get("tmb") or {}
    msi = biomarkers.get("msi") or {}
    hpd_missing = tuple(sorted(r for r in unassessed_rules if r in hpd_rule_genes))
    return SampleSummary(
        index=index,
        sample=document["sample"]["id"],
        tumour_type=document["sample"].get("tumour_type"),
        level=document["hpd_risk"]["level"],
        hpd_events=_unique(_label(f) for f in hpd),
        hpd_rules=_unique(f["rule_id"] for f in hpd),
        hpd_not_assessed=hpd_missing,
        hpd_out_of_scope=tuple(sorted(r for r in document.get("rules_out_of_scope", ()) if r in hpd_rule_genes)),
        targetable=sum(f["category"] == "targetable" for f in findings),
        targetable_genes=_unique(f["gene"] for f in findings if f["category"] == "targetable"),
        ici_benefit=_unique(_label(f) for f in findings if f["category"] == "ici_benefit"),
        ici_resistance=_unique(_label(f) for f in findings if f["category"] == "ici_resistance"),
        key_not_assessed=key_missing,
        not_assessed=len(not_assessed),
        tmb=tmb.get("value"),
        tmb_status=tmb.get("status") or "not_assessed",
        msi=msi.get("status") or "not_assessed",
        cells=_cells(hpd),
        genes_not_assessed=tuple(sorted({hpd_rule_genes[r] for r in hpd_missing})),
        report=report,
        hpd_classes=_classes(document, rule_kinds or {}),
        findings=tuple(_finding_row(f) for f in findings),
        gaps=tuple(GapRow(str(g["gene"]), str(g["alteration_class"]), str(g.get("reason") or ""),
                          tuple(g.get("rule_ids", ()))) for g in not_assessed),
    )


def _classes(document: Mapping[str, Any],
             rule_kinds: Mapping[str, tuple[str, ...]]) -> tuple[tuple[str, str, str], ...]:
    """Per hpd_risk rule in scope and input kind: carrier, assessed (covered, not found) or not assessed."""
    out_of_scope = set(document.get("rules_out_of_scope", ()))
    gaps = {(rule, gap.get("kind")) for gap in document["not_assessed"] for rule in gap.get("rule_ids", ())}
    found = {(f["rule_id"], KIND_OF_TYPE.get(str(f.get("alteration_type")), "")) for f in document["findings"]}
    rows = []
    for rule, kinds in rule_kinds.items():
        if rule in out_of_scope:
            continue
        for kind in kinds:
            status = "carrier" if (rule, kind) in found else "not_assessed" if (rule, kind) in gaps else "assessed"
            rows.append((rule, kind, status))
    return tuple(rows)


LEVEL_ORDER = ("1", "2", "3A", "3B", "4", "R1", "R2")  # OncoKB therapeutic levels, best first


def _finding_row(finding: Mapping[str, Any]) -> FindingRow:
    usable = [str(t["level"]) for t in finding.get("therapies") or () if t.get("usable", True) and t.get("level")]
    best = min(usable, key=lambda lv: LEVEL_ORDER.index(lv) if lv in LEVEL_ORDER else len(LEVEL_ORDER), default=None)
    return FindingRow(str(finding["rule_id"]), str(finding["category"]), str(finding["gene"]),
                      str(finding["alteration"]), str(finding.get("alteration_type") or ""), finding.get("strength"),
                      best, (finding.get("variant") or {}).get("source"))


def _label(finding: Mapping[str, Any]) -> str:
    gene, alteration = str(finding["gene"]), str(finding["alteration"])
    return alteration if alteration.startswith(gene) else f"{gene} {alteration}"


def _unique(items: Iterable[str]) -> tuple[str, ...]:
    return tuple(dict.fromkeys(items))


def _cells(hpd: Iterable[Mapping[str, Any]]) -> tuple[tuple[str, str], ...]:
    """One oncoprint cell per altered HPD gene: the alteration kind, or ``multiple``."""
    kinds: dict[str, set[str]] = {}
    for finding in hpd:
        kinds.setdefault(finding["gene"], set()).add(cell_kind(finding))
    return tuple((gene, next(iter(k)) if len(k) == 1 else "multiple") for gene, k in sorted(kinds.items()))


def cell_kind(finding: Mapping[str, Any]) -> str:
    """The oncoprint colour of a finding: copy-number state, variant class or rearrangement."""
    kind = finding.get("alteration_type")
    if kind == "copy_number":
        state = (finding.get("copy_number") or {}).get("state")
        return state if state in ("amplification", "deep_deletion") else "other_variant"
    if kind == "rearrangement":
        return "rearrangement"
    if kind == "small_variant":
        consequence = (finding.get("variant") or {}).get("consequence_class")
        if consequence in TRUNCATING:
            return "truncating"
        return "missense" if consequence == "missense" else "other_variant"
    return "other_variant"
