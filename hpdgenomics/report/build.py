"""Turn the engine's evaluation of one sample into the report document."""

from __future__ import annotations

import os
from collections.abc import Iterable, Mapping
from datetime import datetime, timezone
from typing import Any

from hpdgenomics._version import __version__
from hpdgenomics.engine.clinical import ClinicalFactorStatus
from hpdgenomics.engine.evaluate import classify_profile
from hpdgenomics.engine.findings import Evaluation, Finding, NotAssessed, TherapyOption, UncountedVariant
from hpdgenomics.engine.policy import HpdRisk
from hpdgenomics.engine.rules import CATEGORIES, STRENGTH_ORDER, Evidence, RuleSet, Therapy
from hpdgenomics.engine.tumour_context import figures_for
from hpdgenomics.engine.tumour_types import ALL, Scope, condition
from hpdgenomics.model.alterations import CopyNumberCall, Rearrangement, SmallVariant
from hpdgenomics.model.biomarkers import Microsatellites, MsiStatus, TumourMutationalBurden
from hpdgenomics.model.coverage import AlterationKind
from hpdgenomics.model.profile import SampleProfile
from hpdgenomics.report.build_specimen import board_sections
from hpdgenomics.report.document import DISCLAIMER, REPORT_SCHEMA_VERSION, SampleReport
from hpdgenomics.report.numbers import count_entry

# Evidence levels of therapies, most actionable first (OncoKB-style levels; R = resistance).
LEVEL_ORDER = ("1", "2", "3A", "3B", "4", "not_leveled", "R1", "R2")
POLICY_REFERENCE = "docs/level_policy.md (hpdgenomics.engine.policy)"
CLINICAL_NOTE = ("Clinical factors are listed for the board; they never change the genomic hyperprogression level "
                 "(docs/level_policy.md).")
# OncoKB levels in the words a tumour board uses, for the sample's own tumour type and for another one.
LEVEL_WORDS = {
    "1": ("approved in this tumour type", "approved in another tumour type"),
    "2": ("guideline (standard care) in this tumour type", "guideline (standard care) in another tumour type"),
    "3A": ("clinical evidence in this tumour type", "clinical evidence in another tumour type"),
    "3B": ("standard care or clinical evidence in another tumour type",) * 2,
    "4": ("preclinical (biological) evidence",) * 2,
    "not_leveled": ("clinical trial (not leveled by OncoKB)",) * 2,
    "R1": ("resistance (standard care)",) * 2,
    "R2": ("resistance (clinical evidence)",) * 2,
}


def build_report(
    profile: SampleProfile,
    evaluation: Evaluation,
    risk: HpdRisk,
    ruleset: RuleSet,
    *,
    parameters: Mapping[str, Any],
    context: Mapping[str, Any] | None = None,
) -> SampleReport:
    """Assemble the document; ``context`` adds sample facts found while reading (e.g. how the build was decided)."""
    context = dict(context or {})
    sample = profile.sample
    document: dict[str, Any] = {
        "schema_version": REPORT_SCHEMA_VERSION,
        "tool": {"name": "hpdgenomics", "version": __version__},
        "generated_at": generated_at(),
        "disclaimer": DISCLAIMER,
        "rules": {
            "version": ruleset.version,
            "sha256": ruleset.sha256,
            "count": len(ruleset.rules),
            "files": [{"path": f.path, "sha256": f.sha256, "bundled": f.bundled} for f in ruleset.files],
        },
        "sample": {
            "id": sample.id,
            "tumour_type": sample.tumour_type,
            "tumour_type_name": context.pop("tumour_type_name", None),
            "genome_build": sample.genome_build,
            "genome_build_basis": context.pop("genome_build_basis", None),
            "tumour_type_note": sample.tumour_type_note,
        },
        "hpd_risk": {
            "level": risk.level,
            "summary": risk.summary,
            "policy": POLICY_REFERENCE,
            "reasons": [
                {"rule_id": r.rule_id, "gene": r.gene, "alteration": r.alteration, "strength": r.strength,
                 "role": r.role}
                for r in risk.reasons
            ],
        },
        "tumour_context": [
            {"oncotree_code": c.oncotree_code, "measure": c.measure, "value": c.value, "population": c.population,
             "citation": c.citation, "identifier": c.identifier or None, "knowledge_ref": c.knowledge_ref,
             "verification": c.verification, "note": c.note}
            for c in figures_for(sample.tumour_type)
        ],
        "findings": [_finding(f, sample.tumour_type) for f in sorted(evaluation.findings, key=_finding_order)],
        "not_assessed": [_not_assessed(gap, ruleset) for gap in evaluation.not_assessed],
        "variants_of_unknown_significance": [_uncounted(u) for u in evaluation.variants_of_unknown_significance],
        "biomarkers": _biomarkers(profile, evaluation, ruleset),
        "clinical_factors": _clinical_factors(profile, evaluation.clinical_factors),
        "coverage": {
            "small_variants": profile.coverage.small_variant_basis,
            "copy_number": profile.coverage.copy_number_basis,
            "structural_variants": profile.coverage.structural_basis,
        },
        "copy_number": _copy_number_section(profile),
        "rules_out_of_scope": sorted(evaluation.rules_out_of_scope),
        "qc": _qc(profile),
        "inputs": [{"path": i.path, "format": i.format, "sha256": i.sha256} for i in profile.inputs],
        "parameters": dict(parameters),
    }
    # Specimen block and variant appendix; the appendix shows each variant's significance class.
    document.update(board_sections(classify_profile(profile, ruleset), parameters))
    return SampleReport(document)


def generated_at() -> str:
    """UTC time of the run, or ``SOURCE_DATE_EPOCH`` when set (reproducible builds convention)."""
    epoch = os.environ.get("SOURCE_DATE_EPOCH")
    moment = datetime.fromtimestamp(int(epoch), tz=timezone.utc) if epoch else datetime.now(tz=timezone.utc)
    return moment.replace(microsecond=0).isoformat().replace("+00:00", "Z")


def _finding_order(finding: Finding) -> tuple[Any, ...]:
    rule = finding.rule
    return (CATEGORIES.index(rule.category), STRENGTH_ORDER.get(finding.strength or "", 9),
            _best_level(finding.therapies), rule.subject, rule.id, finding.label)


def _best_level(therapies: Iterable[TherapyOption]) -> int:
    return min((LEVEL_ORDER.index(t.level) for t in therapies if t.level in LEVEL_ORDER), default=len(LEVEL_ORDER))


def _finding(finding: Finding, tumour_type: str | None) -> dict[str, Any]:
    rule = finding.rule
    alteration = finding.alteration
    entry: dict[str, Any] = {
        "rule_id": rule.id,
        "category": rule.category,
        "title": rule.title,
        "gene": rule.subject,
        "alteration": finding.label,
        "alteration_type": _alteration_type(alteration),
        "matched": rule.describe(),
        "matched_by": finding.matched_by,
        "strength": finding.strength,
        "strength_reason": rule.strength_reason,
        "key_event": rule.key_event,
        "conditional": finding.conditional,
        "scope_condition": condition(tumour_type, rule.tumour_types, rule.exclude_tumour_types),
        "tumour_types": list(rule.tumour_types),
        "exclude_tumour_types": list(rule.exclude_tumour_types),
        "interpretation": rule.interpretation,
        "evidence": [_evidence(e) for e in rule.evidence],
        "therapies": [_therapy(t, rule_therapy, tumour_type)
                      for t, rule_therapy in zip(finding.therapies, rule.therapies, strict=True)],
    }
    if finding.caveats:
        entry["caveats"] = list(finding.caveats)
    if finding.strength_override:
        entry["rule_strength"] = rule.strength
    if isinstance(alteration, SmallVariant):
        entry["variant"] = _variant(alteration)
    elif isinstance(alteration, CopyNumberCall):
        entry["copy_number"] = _copy_number(alteration)
    elif isinstance(alteration, Rearrangement):
        entry["rearrangement"] = _rearrangement(alteration)
    else:
        entry["biomarker"] = _biomarker_value(alteration)
    return entry


def _alteration_type(alteration: Any) -> str:
    if isinstance(alteration, SmallVariant):
        return "small_variant"
    if isinstance(alteration, Rearrangement):
        return "rearrangement"
    return "copy_number" if isinstance(alteration, CopyNumberCall) else "biomarker"


def _rearrangement(r: Rearrangement) -> dict[str, Any]:
    return {"genes": list(r.genes), "kind": r.kind, "sv_class": r.sv_class, "chrom1": r.chrom1, "pos1": r.pos1,
            "chrom2": r.chrom2, "pos2": r.pos2, "in_frame": r.in_frame, "description": r.description,
            "source": r.source}


def _biomarker_value(b: TumourMutationalBurden | Microsatellites) -> dict[str, Any]:
    if isinstance(b, TumourMutationalBurden):
        return {"name": "TMB", "value": round(b.value, 3), "status": None, "source": b.source, "method": b.method}
    return {"name": "MSI", "value": b.score, "status": b.status.value if b.status else None, "source": b.source,
            "method": b.raw or None}


def _biomarkers(profile: SampleProfile, evaluation: Evaluation, ruleset: RuleSet) -> dict[str, Any]:
    """TMB and MSI with their source; ``status`` says whether a benefit rule's threshold is met."""
    matched = {f.rule.subject for f in evaluation.findings if f.rule.category == "ici_benefit"}
    reasons = {gap.gene: gap.reason for gap in evaluation.not_assessed if gap.kind == "biomarker"}
    threshold = next((float(r.alteration.argument[1]) for r in ruleset.rules
                      if r.alteration is not None and r.alteration.operator == "biomarker"
                      and r.alteration.argument[0] == "TMB"), None)
    tmb, msi = profile.tmb, profile.msi
    tmb_entry: dict[str, Any] = {"status": "not_assessed", "value": None, "unit": "mutations/Mb",
                                 "threshold": threshold, "source": None, "method": None, "variants_counted": None,
                                 "panel_size_mb": None, "reason": reasons.get("TMB") or profile.coverage.basis(
                                     AlterationKind.BIOMARKER)}
    if tmb is not None:
        tmb_entry.update(status="high" if "TMB" in matched else "not_high", value=round(tmb.value, 3),
                         source=tmb.source, method=tmb.method, variants_counted=tmb.variants_counted,
                         panel_size_mb=tmb.panel_size_mb, reason=None)
    msi_entry: dict[str, Any] = {"status": "not_assessed", "score": None, "raw": None, "source": None,
                                 "reason": reasons.get("MSI") or profile.coverage.basis(AlterationKind.BIOMARKER)}
    if msi is not None:
        msi_entry.update(score=msi.score, raw=msi.raw or None, source=msi.source)
        if msi.status is MsiStatus.INDETERMINATE:
            msi_entry["reason"] = reasons.get("MSI") or f"the assay gave no MSI call ({msi.raw or 'indeterminate'})"
        elif msi.status is not None:
            msi_entry.update(status=msi.status.value, reason=None)
        else:
            msi_entry["reason"] = ("the input gives an MSI score but no status; score cut-offs differ between assays, "
                                   "so hpdgenomics does not call MSI from a score")
    return {"tmb": tmb_entry, "msi": msi_entry}


def _clinical_factors(profile: SampleProfile, statuses: Iterable[ClinicalFactorStatus]) -> dict[str, Any]:
    clinical = profile.clinical
    return {
        "given": clinical is not None,
        "source": clinical.source if clinical is not None else None,
        "note": CLINICAL_NOTE,
        "factors": [
            {"id": s.rule.id, "label": s.rule.title, "present": s.present, "value": s.value, "field": s.field,
             "test": s.rule.describe(), "note": s.note, "strength": s.rule.strength,
             "evidence": [_evidence(e) for e in s.rule.evidence]}
            for s in statuses
        ],
    }


def _variant(v: SmallVariant) -> dict[str, Any]:
    return {
        "chrom": v.chrom, "pos": v.pos, "ref": v.ref, "alt": v.alt,
        "protein_change": v.protein_change, "hgvsc": v.hgvsc, "transcript": v.transcript, "exon": v.exon,
        "consequence": list(v.consequence_terms), "consequence_class": v.consequence_class.value,
        "vaf": None if v.vaf is None else round(v.vaf, 4), "depth": v.depth, "alt_reads": v.alt_reads,
        "filter": v.filter, "origin": v.origin.value, "annotation": v.annotation, "source": v.source,
        "significance": v.significance, "significance_source": v.significance_source or None,
    }


def _uncounted(u: UncountedVariant) -> dict[str, Any]:
    return {"gene": u.variant.gene, "alteration": u.variant.label, "significance": u.variant.significance,
            "rule_ids": list(u.rule_ids), "categories": list(u.categories), "reason": u.reason,
            "variant": _variant(u.variant)}


def _part(p: Any) -> dict[str, Any]:
    row = {"chrom": p.chrom, "start": p.start, "end": p.end, "overlap_bp": p.overlap_bp, "state": p.state.value,
           "copy_number": p.copy_number, "log2": p.log2, "source": p.source}
    if p.minor_copy_number is not None:  # only when a caller assessed it: total-copy-number reports are unchanged
        row["minor_copy_number"] = p.minor_copy_number
    if p.note:
        row["note"] = p.note
    return row


def _copy_number(c: CopyNumberCall) -> dict[str, Any]:
    row = {
        "gene": c.gene, "state": c.state.value, "copy_number": c.copy_number, "log2": c.log2, "chrom": c.chrom,
        "start": c.start, "end": c.end, "fraction_covered": c.fraction_covered, "focal": c.focal,
        "source": c.source, "method": c.method, "gene_start": c.gene_start, "gene_end": c.gene_end,
        "parts": [_part(p) for p in c.parts],
    }
    # Allele-specific fields only when a caller assessed them, so reports of total-copy-number inputs are unchanged.
    if c.minor_copy_number is not None:
        row["minor_copy_number"] = c.minor_copy_number
    if c.loh is not None:
        row["loh"] = c.loh
    return row


def _copy_number_section(profile: SampleProfile) -> dict[str, Any]:
    coverage = profile.coverage
    return {
        "assessed": bool(coverage.copy_number.all_genes or coverage.copy_number.genes),
        "basis": coverage.copy_number_basis,
        "settings": profile.copy_number_settings,
        "genes": [_copy_number(c) for c in sorted(profile.copy_number, key=lambda c: c.gene)],
        "events": [
            {"kind": e.kind, "chrom": e.chrom, "genes": list(e.genes), "cytobands": list(e.cytobands),
             "start": e.start, "end": e.end, "note": e.note}
            for e in profile.copy_number_events
        ],
        "not_assessed": [
            {"gene": gap.gene, "reason": gap.reason}
            for gap in coverage.gaps if gap.kind is AlterationKind.COPY_NUMBER
        ],
        "segments": {
            "columns": ["chrom", "start", "end", "log2", "copy_number", "state"],
            "rows": [[s.chrom, s.start, s.end, s.log2, s.copy_number, s.state.value]
                     for s in profile.copy_number_segments],
        },
    }


def _evidence(e: Evidence) -> dict[str, Any]:
    return {"citation": e.citation, "pmid": e.pmid, "doi": e.doi, "url": e.url, "finding": e.finding,
            "verification": e.verification, "count": count_entry(e.count)}


def _therapy(t: TherapyOption, rule_therapy: Therapy, tumour_type: str | None) -> dict[str, Any]:
    """One therapy as it stands here; a conditional one says what the tumour must be for its level to hold."""
    here, elsewhere = LEVEL_WORDS.get(t.level, (t.level, t.level))
    exclude = rule_therapy.exclude_tumour_types
    if t.scope is Scope.CONDITIONAL:
        if ALL in t.tumour_types:
            here = f"{here} unless the tumour is {' or '.join(exclude)}"
        else:
            here = f"{here} if the tumour is {' or '.join(t.tumour_types)}"
            here += f" and not {' or '.join(exclude)}" if exclude else ""
    return {
        "drugs": list(t.drugs),
        "level": t.level,
        "evidence_category": here if t.scope is not Scope.OTHER_TUMOUR_TYPE else elsewhere,
        "tumour_types": list(t.tumour_types),
        "tumour_type_match": t.scope.value,
        "scope_condition": condition(tumour_type, t.tumour_types, exclude),
        "usable": t.usable,
        "note": t.note,
        "qualifiers": [{"gene": q.gene, "required_state": q.required_state, "status": q.status, "detail": q.detail}
                       for q in t.qualifiers],
        "cancelled_by": list(t.cancelled_by),
        "evidence": [_evidence(e) for e in t.evidence],
    }


def _not_assessed(gap: NotAssessed, ruleset: RuleSet) -> dict[str, Any]:
    categories = {rule.category for rule in (ruleset.get(rule_id) for rule_id in gap.rule_ids) if rule is not None}
    return {"gene": gap.gene, "alteration_class": gap.alteration_class, "kind": gap.kind, "reason": gap.reason,
            "rule_ids": list(gap.rule_ids), "categories": [c for c in CATEGORIES if c in categories]}


def _qc(profile: SampleProfile) -> dict[str, Any]:
    tallies = [t.to_dict() for t in profile.qc]
    skipped: dict[str, int] = {}
    for tally in profile.qc:
        for reason, count in tally.skipped.items():
            skipped[reason] = skipped.get(reason, 0) + count
    return {
        "read": sum(t.read for t in profile.qc),
        "kept": sum(t.kept for t in profile.qc),
        "skipped": dict(sorted(skipped.items())),
        "balanced": all(t.balanced for t in profile.qc),
        "files": tallies,
        "variants_kept": len(profile.variants),
        "copy_number_calls": len(profile.copy_number),
    }
