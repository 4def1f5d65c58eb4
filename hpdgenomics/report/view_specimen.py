"""The board's view of the specimen block, the variant appendix and the print footer, from the report document only.

Documents written before these sections existed (no ``specimen`` or ``variants`` key) render with the specimen
facts marked *not given* and an appendix that says the document does not list the variants read.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any
from urllib.parse import quote, quote_plus

from hpdgenomics.report.formatting import fmt_number

NOT_GIVEN = "not given"
# Outbound pages per variant: plain links for the reader to follow; the report itself fetches nothing.
ONCOKB_GENE = "https://www.oncokb.org/gene/{gene}"
ONCOKB_ALTERATION = "https://www.oncokb.org/gene/{gene}/{alteration}"
CLINVAR_SEARCH = "https://www.ncbi.nlm.nih.gov/clinvar/?term={term}"
COSMIC_SEARCH = "https://cancer.sanger.ac.uk/cosmic/search?q={term}"
SPECIMEN_LABELS = (
    ("patient_id", "Patient"), ("specimen_id", "Specimen"), ("collection_date", "Collected"),
    ("specimen_type", "Specimen type"), ("assay", "Assay / panel"),
)


def board_view(document: Mapping[str, Any]) -> dict[str, Any]:
    """``specimen`` rows, the ``appendix`` and the ``footer_css`` string for one report document."""
    return {
        "specimen": specimen_rows(document),
        "appendix": appendix_view(document),
        "footer_css": css_string(f"{document['sample']['id']} · hyperprogression screen"),
    }


def specimen_rows(document: Mapping[str, Any]) -> list[dict[str, str]]:
    """One row per specimen fact: label, value (or *not given*) and where it came from."""
    specimen = document.get("specimen") or {}
    rows = []
    for key, label in SPECIMEN_LABELS:
        entry = specimen.get(key) or {}
        if key == "specimen_type" and entry.get("value") is None:
            continue  # only clinical sheets say it; an empty row would only add noise
        rows.append(_row(label, entry.get("value"), entry.get("source")))
    purity = specimen.get("purity") or {}
    value = purity.get("value")
    rows.append(_row("Tumour purity", None if value is None else f"{float(value) * 100:.0f}%",
                     purity.get("source") or ("copy number taken as pure" if specimen else None)))
    depth = specimen.get("mean_depth") or {}
    shown = None if depth.get("value") is None else f"{fmt_number(depth['value'])}×"
    rows.append(_row("Mean depth", shown, depth.get("source")))
    return rows


def _row(label: str, value: Any, source: Any) -> dict[str, str]:
    given = value not in (None, "")
    return {"label": label, "value": str(value) if given else NOT_GIVEN, "source": str(source or ""),
            "css": "" if given else "empty"}


def appendix_view(document: Mapping[str, Any]) -> dict[str, Any]:
    """Every variant read in the rule genes, with the findings that name it and its outbound links."""
    listed = "variants" in document
    matched = _matched_rules(document)
    rows = []
    for v in document.get("variants") or ():
        change = v.get("protein_change")
        rows.append({
            "gene": str(v["gene"]),
            "change": str(change or ""),
            "hgvsc": str(v.get("hgvsc") or "").rpartition(":")[2],  # the transcript is shown apart
            "transcript": str(v.get("transcript") or ""),
            "genomic": _genomic(v),
            "vaf": "" if v.get("vaf") is None else f"{float(v['vaf']) * 100:.1f}%",
            "depth": "" if v.get("depth") is None else f"{int(v['depth']):,}",
            "consequence": str(v.get("consequence_class") or "").replace("_", " "),
            "variant_class": str(v.get("variant_class") or "").replace("_", " "),
            "class_source": str(v.get("class_source") or ""),
            "filter": str(v.get("filter") or ""),
            "rules": matched.get(_key(v), []),
            "links": variant_links(str(v["gene"]), change),
            "source": str(v.get("source") or ""),
        })
    has_class = any(r["variant_class"] for r in rows)
    return {"listed": listed, "rows": rows, "has_class": has_class,
            "class_note": "" if has_class else ("Class: the consequence class of the annotation (oncogenicity "
                                                "classes are not in this document)")}


def variant_links(gene: str, protein_change: str | None) -> list[dict[str, str]]:
    """OncoKB, ClinVar and COSMIC pages for one variant (gene pages when there is no protein change)."""
    short = (protein_change or "").removeprefix("p.")
    term = f"{gene} {short}".strip()
    oncokb = (ONCOKB_ALTERATION.format(gene=quote(gene), alteration=quote(short)) if short
              else ONCOKB_GENE.format(gene=quote(gene)))
    clinvar_term = f"{gene}[gene]" + (f" AND {protein_change}" if protein_change else "")
    return [
        {"name": "OncoKB", "url": oncokb},
        {"name": "ClinVar", "url": CLINVAR_SEARCH.format(term=quote_plus(clinvar_term))},
        {"name": "COSMIC", "url": COSMIC_SEARCH.format(term=quote_plus(term))},
    ]


def _genomic(v: Mapping[str, Any]) -> str:
    if not v.get("pos"):
        return ""
    return f"{v.get('chrom')}:{int(v['pos']):,} {v.get('ref') or '-'}>{v.get('alt') or '-'}"


def _key(v: Mapping[str, Any]) -> tuple[Any, ...]:
    return (v.get("gene"), v.get("chrom"), v.get("pos"), v.get("ref"), v.get("alt"), v.get("protein_change"))


def _matched_rules(document: Mapping[str, Any]) -> dict[tuple[Any, ...], list[str]]:
    """Variant → the rule ids whose findings it is (the appendix says which variants mattered)."""
    matched: dict[tuple[Any, ...], list[str]] = {}
    for finding in document.get("findings", ()):
        variant = finding.get("variant")
        if variant is None:
            continue
        key = (finding.get("gene"), variant.get("chrom"), variant.get("pos"), variant.get("ref"), variant.get("alt"),
               variant.get("protein_change"))
        ids = matched.setdefault(key, [])
        if finding["rule_id"] not in ids:
            ids.append(str(finding["rule_id"]))
    return matched


def css_string(text: str) -> str:
    """``text`` as the inside of a CSS string: every character but letters, digits, space, '.', '_' and '-' as a
    hex escape, so nothing from a sample id can end the string, the rule or the ``<style>`` element."""
    safe = []
    for char in text:
        if char.isascii() and (char.isalnum() or char in " ._-"):
            safe.append(char)
        else:
            safe.append(f"\\{ord(char):06x} ")  # the space ends the escape; CSS drops it
    return "".join(safe)
