"""Variant significance: one class for every small variant before any rule sees it.

Sits between the readers and the engine (it imports model, genome and data only). Each protein-altering
:class:`~hpdgenomics.model.alterations.SmallVariant` gets one class, with what gave it:

``hotspot``     a Cancer Hotspots v2 residue or in-frame indel range with the variant's residue (Chang 2018);
``known``       a change a rule lists by name (EGFR L858R, exon 19 deletions, T790M …), see :class:`KnownVariants`;
``oncogenic``   the input's own annotation says so (OncoKB annotator ``ONCOGENIC``, cBioPortal ``cbp_driver``);
``truncating``  stop gained, frameshift, canonical splice site or start lost;
``vus``         none of these: a variant of unknown significance, which never sets, supports or counts toward a
                finding (the rules name the classes that count; see :mod:`hpdgenomics.engine.evaluate`).

The first class that applies wins, in that order: a curated or listed change is named for what it is before the
generic loss-of-function class, so that an oncogene rule (hotspot/known/oncogenic) can count a truncating variant
only when a source calls it oncogenic.
"""

from hpdgenomics.significance.classes import COUNTING_CLASSES, VariantClass
from hpdgenomics.significance.classify import KnownVariants, classify_variant, classify_variants
from hpdgenomics.significance.hotspots import Hotspot, hotspot_for

__all__ = [
    "COUNTING_CLASSES",
    "Hotspot",
    "KnownVariants",
    "VariantClass",
    "classify_variant",
    "classify_variants",
    "hotspot_for",
]
