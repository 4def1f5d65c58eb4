"""Context a curator adds to a small-variant finding: named checks a rule asks for, pure functions of the profile.

Each check returns a :class:`Context`: a caveat sentence for the report and, when the evidence does not hold for
this sample, the strength the finding is shown at instead (never higher than the rule's own).

``biallelic_loss``        JAK1/JAK2: resistance was shown with loss of both alleles (Zaretsky 2016); one hit alone
                          is listed as emerging.
``clonal_haematopoiesis`` DNMT3A/TET2/ASXL1: common in blood cells with age (Jaiswal 2014, knowledge §7).
``kras_context``          STK11: the resistance evidence is from KRAS-mutant lung adenocarcinoma (Skoulidis 2018).
``allelic_state``         STK11/KEAP1/PTEN loss of function: says whether the inputs show loss of both alleles (a
                          second hit or LOH) or one hit only; informative, it never changes the strength.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from hpdgenomics.model.alterations import SmallVariant
from hpdgenomics.model.coverage import AlterationKind
from hpdgenomics.model.profile import SampleProfile
from hpdgenomics.model.vocab import ConsequenceClass
from hpdgenomics.significance.classes import VariantClass

CONTEXT_CHECKS = ("allelic_state", "biallelic_loss", "clonal_haematopoiesis", "kras_context")
CLONAL_HAEMATOPOIESIS_GENES = frozenset({"DNMT3A", "TET2", "ASXL1"})
# Below this VAF a call in a clonal-haematopoiesis gene is more likely to come from blood. The cut-off is the
# curator's choice (unverified; no threshold is given in the knowledge file), see docs/rules_curation.md.
LOW_VAF = 0.10
_SECOND_HIT = frozenset({VariantClass.TRUNCATING.value, VariantClass.HOTSPOT.value, VariantClass.ONCOGENIC.value})
_DRIVER = frozenset({VariantClass.HOTSPOT.value, VariantClass.KNOWN.value, VariantClass.ONCOGENIC.value})


@dataclass(frozen=True, slots=True)
class Context:
    """A caveat for the report and, when set, the strength the finding is shown at instead of the rule's."""

    check: str
    caveat: str
    strength: str | None = None


def check_context(check: str, variant: SmallVariant, profile: SampleProfile) -> Context | None:
    """Run one named check on a matched small variant (None when the check has nothing to say)."""
    return _CHECKS[check](variant, profile)


def _second_allele(variant: SmallVariant, profile: SampleProfile) -> tuple[str | None, str, bool]:
    """Evidence that the other allele of the variant's gene is lost too: (the evidence sentence or None, what the
    inputs say of LOH when there is none, whether the tumour is MSI-high)."""
    gene = variant.gene
    others = [v for v in profile.variants_in(gene) if v is not variant and v.label != variant.label
              and v.significance in _SECOND_HIT]
    msi_high = profile.msi is not None and profile.msi.status is not None and profile.msi.status.value == "MSI-H"
    if msi_high:
        # MSI-high tumours gather frameshifts in homopolymer runs; two of them need not hit both alleles, so a pair
        # of frameshifts is no biallelic evidence there (curator's choice, docs/rules_curation.md); LOH, or a pair
        # with another kind of hit, is.
        frameshift = ConsequenceClass.FRAMESHIFT
        others = [v for v in others
                  if not (v.consequence_class is frameshift and variant.consequence_class is frameshift)]
    if others:
        return f"second {gene} hit {', '.join(v.label for v in others)}", "", msi_high
    calls = profile.copy_number_in(gene)
    if any(c.loh for c in calls):
        return f"{gene} copy number shows loss of heterozygosity", "", msi_high
    if any(c.loh is False for c in calls):
        lost = f"{gene} has no loss of heterozygosity on its copy-number call"
    elif calls or profile.coverage.copy_number.covers(gene):
        lost = f"loss of heterozygosity of {gene} was not assessed"
    else:
        lost = f"{gene} copy number was not assessed"
    return None, lost, msi_high


def _biallelic_loss(variant: SmallVariant, profile: SampleProfile) -> Context:
    gene = variant.gene
    evidence, lost, msi_high = _second_allele(variant, profile)
    if evidence is not None:
        return Context("biallelic_loss", f"{evidence}: consistent with loss of both alleles, as in the resistance "
                                         "evidence")
    return Context("biallelic_loss",
                   f"single {gene} hit: resistance was shown with loss of both alleles (a second truncating or "
                   f"hotspot variant, or LOH); no second hit was found and {lost}, so this is listed as emerging "
                   "and raises nothing" + (" (MSI-high: further frameshifts, common at homopolymer runs, are not "
                                           "taken as a second hit)" if msi_high else ""),
                   strength="emerging")


def _allelic_state(variant: SmallVariant, profile: SampleProfile) -> Context | None:
    if variant.significance != VariantClass.TRUNCATING.value:
        return None  # a hotspot or oncogenic missense change may act without losing the other allele
    evidence, lost, _ = _second_allele(variant, profile)
    if evidence is not None:
        return Context("allelic_state", f"biallelic {variant.gene} loss: {evidence}")
    return Context("allelic_state", f"one {variant.gene} allele hit as far as the inputs show: no second hit was "
                                    f"found and {lost}")


def _clonal_haematopoiesis(variant: SmallVariant, profile: SampleProfile) -> Context | None:
    if variant.gene not in CLONAL_HAEMATOPOIESIS_GENES:
        return None
    text = (f"{variant.gene} is one of the commonest clonal-haematopoiesis genes (Jaiswal 2014: somatic blood "
            "mutations in 9.5% of people aged 70-79, most in DNMT3A, TET2 and ASXL1); a tumour-only or "
            "blood-contaminated call may come from blood, not the tumour")
    reasons = []
    if variant.vaf is not None and variant.vaf < LOW_VAF:
        reasons.append(f"VAF {variant.vaf:.0%} is low")
    if variant.origin.value != "somatic":
        reasons.append("the inputs do not say that a matched normal was used")
    if reasons:
        return Context("clonal_haematopoiesis", "strong caution: " + " and ".join(reasons) + "; " + text +
                       ". Confirm in the tumour (matched normal or tumour VAF) before weighing this finding",
                       strength="emerging")
    return Context("clonal_haematopoiesis", "caution: " + text)


def _kras_context(variant: SmallVariant, profile: SampleProfile) -> Context:
    drivers = [v for v in profile.variants_in("KRAS") if v.significance in _DRIVER]
    evidence = "the resistance evidence is from KRAS-mutant lung adenocarcinoma (Skoulidis 2018)"
    if drivers:
        return Context("kras_context", f"KRAS {', '.join(v.label for v in drivers)} present: {evidence}")
    coverage = profile.coverage
    if coverage.small_variants.covers("KRAS") and coverage.gap_for("KRAS", AlterationKind.SMALL_VARIANT) is None:
        return Context("kras_context", f"no KRAS driver variant found: {evidence}; pan-cancer, STK11 alteration "
                                       "alone showed no PFS/OS difference on ICI (Krishnamurthy 2021)")
    return Context("kras_context", f"KRAS was not assessed: {evidence}")


_CHECKS: dict[str, Callable[[SmallVariant, SampleProfile], Context | None]] = {
    "allelic_state": _allelic_state,
    "biallelic_loss": _biallelic_loss,
    "clonal_haematopoiesis": _clonal_haematopoiesis,
    "kras_context": _kras_context,
}
