"""The report document's board sections: the specimen (who, what, when, which assay, purity, depth, each with where
it came from) and the variant appendix (every small variant read in the rule genes, matched by a rule or not).

These are facts of the inputs, not of the rules: nothing here decides a finding. A value nobody gave is None, and the
report says "not given" rather than guessing.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from statistics import fmean
from typing import Any

from hpdgenomics.model.alterations import SmallVariant
from hpdgenomics.model.profile import SampleProfile

# Specimen fields: (document key, run parameter of the option, clinical-sheet field, option name for the source).
SPECIMEN_FIELDS = (
    ("patient_id", "patient_id", "patient", "--patient-id"),
    ("specimen_id", "specimen_id", "specimen_id", "--specimen-id"),
    ("collection_date", "collection_date", "collection_date", "--collection-date"),
    ("assay", "assay", "assay", "--assay"),
    ("specimen_type", None, "sample_type", None),
)


def board_sections(profile: SampleProfile, parameters: Mapping[str, Any]) -> dict[str, Any]:
    """``{"specimen": ..., "variants": [...]}`` for one sample's report document."""
    return {"specimen": specimen_section(profile, parameters), "variants": variant_appendix(profile)}


def specimen_section(profile: SampleProfile, parameters: Mapping[str, Any]) -> dict[str, Any]:
    """Patient, specimen, collection date, assay, specimen type, purity and mean depth, each ``{value, source}``."""
    clinical = profile.clinical
    sheet = Path(clinical.source).name if clinical is not None else None
    section: dict[str, Any] = {}
    for key, parameter, field, option in SPECIMEN_FIELDS:
        given = parameters.get(parameter) if parameter else None
        from_sheet = clinical.get(field) if clinical is not None else None
        if given not in (None, ""):
            section[key] = {"value": str(given), "source": option}
        elif from_sheet is not None:
            column = clinical.columns.get(field, field) if clinical is not None else field
            section[key] = {"value": from_sheet, "source": f"clinical sheet {sheet} ({column})"}
        else:
            section[key] = {"value": None, "source": None}
    if section["assay"]["value"] is None and parameters.get("panel_bed"):
        section["assay"] = {"value": Path(str(parameters["panel_bed"])).name, "source": "--panel-bed"}
    section["purity"] = _purity(profile, parameters, sheet)
    section["mean_depth"] = _mean_depth(profile, sheet)
    return section


def _purity(profile: SampleProfile, parameters: Mapping[str, Any], sheet: str | None) -> dict[str, Any]:
    purity = profile.sample.purity
    if parameters.get("purity") is not None:
        return {"value": float(parameters["purity"]), "source": "--purity"}
    if purity is not None:
        return {"value": purity, "source": f"clinical sheet {sheet}" if sheet else "the inputs"}
    return {"value": None, "source": None}


def _mean_depth(profile: SampleProfile, sheet: str | None) -> dict[str, Any]:
    """The sheet's sample coverage when it gives one; else the mean read depth at the variants read (VCF DP/AD or
    MAF t_depth), which is the depth at those sites and not the assay's mean coverage, and is said so."""
    clinical = profile.clinical
    coverage = clinical.get("sample_coverage") if clinical is not None else None
    if coverage is not None:
        try:
            return {"value": round(float(coverage), 1), "variants": None,
                    "source": f"clinical sheet {sheet} ({clinical.columns.get('sample_coverage', 'coverage')})"
                    if clinical is not None else None}
        except ValueError:
            pass
    depths = [v.depth for v in profile.variants if v.depth is not None]
    if not depths:
        return {"value": None, "variants": 0, "source": None}
    formats = {i.format for i in profile.inputs}
    where = "VCF FORMAT DP/AD" if "vcf" in formats else "MAF t_depth" if "maf" in formats else "the input"
    return {"value": round(fmean(depths), 1), "variants": len(depths),
            "source": f"mean read depth at the {len(depths)} variant(s) read in the rule genes ({where}); not the "
            "assay's mean coverage"}


def variant_appendix(profile: SampleProfile) -> list[dict[str, Any]]:
    """Every small variant read in the rule genes, in gene then position order."""
    ordered = sorted(profile.variants, key=lambda v: (v.gene, v.chrom, v.pos or 0, v.ref, v.alt, v.source))
    return [_appendix_row(v) for v in ordered]


def _appendix_row(v: SmallVariant) -> dict[str, Any]:
    # The variant's class (hotspot, truncating, oncogenic, VUS …) and what gave it come from the significance layer
    # when the model carries them (SmallVariant.significance / significance_source); else the input's own call.
    variant_class = getattr(v, "significance", None)
    class_source = getattr(v, "significance_source", None) or None
    from_input = getattr(v, "input_oncogenicity", None)
    if variant_class is None and from_input:
        variant_class, class_source = str(from_input).partition(": ")[2] or None, "the input file"
    return {
        "gene": v.gene, "protein_change": v.protein_change, "hgvsc": v.hgvsc, "transcript": v.transcript,
        "chrom": v.chrom, "pos": v.pos, "ref": v.ref, "alt": v.alt,
        "consequence_class": v.consequence_class.value,
        "variant_class": None if variant_class is None else str(getattr(variant_class, "value", variant_class)),
        "class_source": None if class_source is None else str(class_source),
        "vaf": None if v.vaf is None else round(v.vaf, 4), "depth": v.depth, "alt_reads": v.alt_reads,
        "filter": v.filter, "origin": v.origin.value, "source": v.source,
    }
