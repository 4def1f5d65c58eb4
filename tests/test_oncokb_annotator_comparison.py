"""The tool's targetable calls beside what the OncoKB annotator's own tests assert (docs/rules_curation.md).

Expected values: ``test_Annotation.py`` of oncokb/oncokb-annotator (the CNA cases also in
../shared/knowledge/hpd_evidence.md §8 #1g and #3d, annotator @ 1cbdfb2b; the others read from the public test file
@ 08c9436b). Each row gives the query, the annotator's highest level, and what hpdgenomics gives; a row whose
difference is explained (not fixed) says why, and docs/rules_curation.md lists the same table.
"""

from __future__ import annotations

import pytest

from hpdgenomics.engine import evaluate, load_rules
from hpdgenomics.model import (
    ConsequenceClass,
    CopyNumberCall,
    CopyNumberState,
    Coverage,
    GeneScope,
    Sample,
    SampleProfile,
    SmallVariant,
)
from hpdgenomics.model.alterations import Rearrangement

RULES = load_rules()
ALL = Coverage(small_variants=GeneScope.everything(), copy_number=GeneScope.everything(),
               structural=GeneScope.everything())
LEVELS = ("1", "2", "3A", "3B", "4")


def _best_level(alteration, tumour_type: str | None, build: str | None = None) -> str:
    profile = SampleProfile(
        sample=Sample("Q", tumour_type=tumour_type, genome_build=build), coverage=ALL, qc=(), inputs=(),
        variants=(alteration,) if isinstance(alteration, SmallVariant) else (),
        copy_number=(alteration,) if isinstance(alteration, CopyNumberCall) else (),
        rearrangements=(alteration,) if isinstance(alteration, Rearrangement) else (),
    )
    levels = [t.level for f in evaluate(profile, RULES).findings if f.rule.category == "targetable"
              for t in f.therapies if t.level in LEVELS and (tumour_type is None or t.scope.value != "conditional")]
    return min(levels, key=LEVELS.index) if levels else ""


def snv(gene: str, change: str | None, *, pos: int = 1, ref: str = "A", alt: str = "T", chrom: str = "1"):
    consequence = ConsequenceClass.NONSENSE if change and change.endswith("*") else ConsequenceClass.MISSENSE
    return SmallVariant(gene=gene, chrom=chrom, pos=pos, ref=ref, alt=alt, consequence_class=consequence,
                        protein_change=change)


def cn(gene: str, state: CopyNumberState):
    return CopyNumberCall(gene=gene, state=state)


# (annotator query, alteration, OncoTree code, build, annotator's HIGHEST_LEVEL, hpdgenomics, note when they differ)
TABLE = [
    ("ProteinChange BRAF V600E, Colorectal Cancer", snv("BRAF", "p.V600E"), "COADREAD", None, "1", "1", ""),
    ("GenomicChange 7:140453136 A>T, LUAD, GRCh37", snv("BRAF", None, chrom="7", pos=140453136),
     "LUAD", "GRCh37", "1", "1", ""),
    ("GenomicChange 7:140753336 A>T, LUAD, GRCh38", snv("BRAF", None, chrom="7", pos=140753336),
     "LUAD", "GRCh38", "1", "1", ""),
    ("HGVSg 12:g.25398285C>A (KRAS G12C), LUAD", snv("KRAS", None, chrom="12", pos=25398285, ref="C", alt="A"),
     "LUAD", "GRCh37", "1", "1", ""),
    ("HGVSg 12:g.25398285_25398286delinsAG (KRAS G12C), LUAD",
     SmallVariant(gene="KRAS", chrom="12", pos=25398285, ref="CA", alt="AG",
                  consequence_class=ConsequenceClass.MISSENSE), "LUAD", "GRCh37", "1", "",
     "a dinucleotide change without a protein change is not translated (no reference FASTA bundled); with the "
     "annotated protein change (p.G12C) it is Level 1"),
    ("StructuralVariant ALK-EML4 fusion, NSCLC", Rearrangement(genes=("EML4", "ALK"), kind="fusion"),
     "NSCLC", None, "1", "1", ""),
    ("StructuralVariant ALK-EML4 fusion, Melanoma", Rearrangement(genes=("EML4", "ALK"), kind="fusion"),
     "MEL", None, "3B", "3B", ""),
    ("CNA BRCA2 DELETION, Ovarian Cancer", cn("BRCA2", CopyNumberState.DEEP_DELETION), "OVARY", None, "1", "1", ""),
    ("CNA ERBB2 Amplification, Breast Cancer", cn("ERBB2", CopyNumberState.AMPLIFICATION), "BREAST", None, "1", "1",
     ""),
    ("CNA ERBB2 Amplification, Colorectal Cancer", cn("ERBB2", CopyNumberState.AMPLIFICATION), "COADREAD", None,
     "1", "1", ""),
    ("CNA CDKN2A Deletion, AML", cn("CDKN2A", CopyNumberState.DEEP_DELETION), "AML", None, "", "", ""),
    ("ProteinChange BRCA2 S1882*, no cancer type", snv("BRCA2", "p.S1882*"), None, None, "1", "1",
     "without a tumour type hpdgenomics lists the Level 1 therapies as conditional on the tumour type"),
]


@pytest.mark.parametrize(("query", "alteration", "tumour_type", "build", "annotator", "ours", "note"), TABLE,
                         ids=[row[0] for row in TABLE])
def test_targetable_level_beside_the_oncokb_annotator(query, alteration, tumour_type, build, annotator, ours,
                                                      note) -> None:
    assert _best_level(alteration, tumour_type, build) == ours
    assert ours == annotator or note, f"{query}: an unexplained difference"
