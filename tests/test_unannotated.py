"""Unannotated VCF records annotated from the bundled transcript models (hpdgenomics.inputs.unannotated).

``test_data/vcf/unannotated_hotspots_grch37.vcf`` carries no CSQ/ANN/BCSQ; it is read with and without the SYNTHETIC
region FASTA ``test_data/reference/synthetic_hotspots_grch37.fa`` (see tests/test_consequence.py for how its codons
were set). Real files from ../shared/realdata are used when present.
"""

from __future__ import annotations

import pytest

from hpdgenomics.inputs.unannotated import (
    SKIP_NOT_IN_FASTA,
    SKIP_OUTSIDE_RULE_GENES,
    SKIP_REF_MISMATCH,
    annotate_records,
    fold_into,
)
from hpdgenomics.model import ConsequenceClass
from hpdgenomics.readers.fasta import open_reference_fasta
from hpdgenomics.readers.small_variants.vcf import (
    SKIP_FILTERED,
    SKIP_UNANNOTATED,
    choose_tumour_sample,
    inspect_vcf,
    read_vcf,
)

from .conftest import REALDATA_FIGURES, TEST_DATA, realdata

VCF = TEST_DATA / "vcf" / "unannotated_hotspots_grch37.vcf"
FASTA = TEST_DATA / "reference" / "synthetic_hotspots_grch37.fa"
RULE_GENES = frozenset({"BRAF", "KRAS", "AKT1", "EGFR", "PIK3CA", "STK11"})


def _read(path=VCF):
    header = inspect_vcf(path)
    return read_vcf(header, choose_tumour_sample(header, None))


def test_reader_returns_the_unannotated_records_and_keeps_its_counts() -> None:
    result = _read()
    assert result.tally.skipped == {SKIP_FILTERED: 1, SKIP_UNANNOTATED: 7} and result.tally.read == 8
    assert len(result.unannotated) == 7 and result.unannotated_positions[0] == ("1", 1000000)
    kras = [r for r in result.unannotated if r.pos == 25398285]
    assert len(kras) == 1  # the filtered copy is not handed over
    assert kras[0].alts == ("A", "T") and kras[0].alt_reads == (30, 20) and kras[0].vaf == (0.3, 0.2)
    assert kras[0].somatic and kras[0].source == "unannotated_hotspots_grch37.vcf:21"


def test_with_the_reference_fasta_hotspots_get_protein_changes() -> None:
    result = _read()
    with open_reference_fasta(FASTA, build="GRCh37") as fasta:
        out = annotate_records(result.unannotated, "GRCh37", RULE_GENES, fasta, path=str(VCF))
    changes = {(v.gene, v.protein_change) for v in out.variants}
    assert changes == {("EGFR", "p.L858R"), ("BRAF", "p.V600E"), ("KRAS", "p.G12C"), ("KRAS", "p.G12S"),
                       ("AKT1", "p.E17K")}
    braf = next(v for v in out.variants if v.gene == "BRAF")
    assert braf.hgvsc == "NM_004333:c.1799T>A" and braf.exon == 15 and braf.transcript == "NM_004333"
    assert braf.consequence_class is ConsequenceClass.MISSENSE and braf.consequence_terms == ("missense_variant",)
    assert braf.annotation == "hpdgenomics transcript model (NM_004333)"
    assert (braf.chrom, braf.pos, braf.ref, braf.alt, braf.alt_reads, braf.depth) == ("7", 140453136, "A", "T",
                                                                                       191, 260)
    assert braf.vaf == pytest.approx(191 / 260)
    assert out.tally.skipped == {SKIP_OUTSIDE_RULE_GENES: 1, SKIP_REF_MISMATCH: 1, SKIP_NOT_IN_FASTA: 1}
    assert out.tally.kept == 4 and out.tally.read == 7 and out.tally.balanced
    gaps = {g.gene: g.reason for g in out.gaps}
    assert set(gaps) == {"BRAF", "PIK3CA"}  # a skipped record inside a gene leaves it not fully assessed
    assert "REF differs from the reference FASTA" in gaps["BRAF"]
    assert "does not hold" in gaps["PIK3CA"]


def test_without_a_fasta_coding_substitutions_are_undetermined_and_not_assessed() -> None:
    out = annotate_records(_read().unannotated, "GRCh37", RULE_GENES, path=str(VCF))
    assert out.tally.kept == 6 and out.tally.skipped == {SKIP_OUTSIDE_RULE_GENES: 1} and out.tally.balanced
    assert all(v.consequence_class is ConsequenceClass.CODING_UNDETERMINED and v.protein_change is None
               for v in out.variants)
    braf = next(v for v in out.variants if v.gene == "BRAF" and v.pos == 140453136)
    assert braf.hgvsc == "NM_004333:c.1799T>A"
    assert braf.annotation == "hpdgenomics transcript model (NM_004333); no reference FASTA: residues not determined"
    gaps = {g.gene: g.reason for g in out.gaps}
    assert set(gaps) == {"AKT1", "BRAF", "EGFR", "KRAS", "PIK3CA"}
    assert "c.1799T>A codon 600" in gaps["BRAF"] and "without a reference FASTA" in gaps["BRAF"]
    assert "STK11" not in gaps  # no record in STK11: nothing is said about it here


def test_fold_into_counts_each_record_once() -> None:
    result = _read()
    out = annotate_records(result.unannotated, "GRCh37", RULE_GENES, path=str(VCF))
    fold_into(result.tally, out.tally, SKIP_UNANNOTATED)
    assert result.tally.read == 8 and result.tally.kept == 6 and result.tally.balanced
    assert result.tally.skipped == {SKIP_FILTERED: 1, SKIP_OUTSIDE_RULE_GENES: 1}
    with pytest.raises(ValueError, match="annotated"):
        fold_into(result.tally, out.tally, SKIP_UNANNOTATED)  # already folded: the counts no longer agree


def test_a_record_on_a_contig_without_genes_is_counted() -> None:
    records = [r for r in _read().unannotated if r.chrom == "1"]
    out = annotate_records(records, "GRCh37", None)
    assert out.tally.read == 1 and out.tally.balanced


# ------------------------------------------------------------------------------------------ real data


@pytest.mark.realdata
def test_vcf2maf_strelka_braf_v600e_from_the_transcript_model() -> None:
    """vcf2maf's Strelka VCF (b37 decoy, GRCh37, no annotation) holds BRAF 7:140453136 A>T (PROVENANCE §8)."""
    result = _read(realdata("vcf2maf/test_strelka.vcf"))
    assert result.tally.skipped[SKIP_UNANNOTATED] == 240
    out = annotate_records(result.unannotated, "GRCh37", RULE_GENES)
    braf = [v for v in out.variants if v.gene == "BRAF" and v.pos == 140453136]
    assert len(braf) == 1
    v = braf[0]
    assert (v.ref, v.alt, v.hgvsc, v.exon) == ("A", "T", "NM_004333:c.1799T>A", 15)
    assert v.consequence_class is ConsequenceClass.CODING_UNDETERMINED and v.protein_change is None
    assert v.alt_reads == 191 and v.vaf == pytest.approx(191 / 259)  # Strelka tier-1 TU 191, AU 68
    assert any("c.1799T>A codon 600" in g.reason for g in out.gaps if g.gene == "BRAF")
    assert out.tally.read == 240 and out.tally.balanced
    REALDATA_FIGURES.append(f"vcf2maf test_strelka.vcf: {out.tally.kept} of 240 unannotated records fall in the "
                            f"rule genes used here; BRAF {v.hgvsc} ({v.consequence_class.value} without a FASTA)")


@pytest.mark.realdata
@pytest.mark.parametrize(("build", "pos"), [("GRCh37", 178952085), ("GRCh38", 179234297)])
def test_pcgr_t001_brca_pik3ca_codon_1047(build: str, pos: int) -> None:
    """PCGR T001-BRCA (no annotation) holds PIK3CA H1047R (PROVENANCE §6): an A>G at the middle base of codon 1047.

    H (CAT/CAC) becomes R only through CGT/CGC, so the change is c.3140A>G; without a FASTA the tool can say the
    codon and the c. change, not the residues.
    """
    result = _read(realdata(f"pcgr/current/T001-BRCA.{build.lower()}.vcf.gz"))
    out = annotate_records(result.unannotated, build, RULE_GENES)
    pik3ca = [v for v in out.variants if v.gene == "PIK3CA" and v.consequence_class is not ConsequenceClass.NON_CODING]
    assert [(v.pos, v.ref, v.alt, v.hgvsc, v.exon) for v in pik3ca] == [(pos, "A", "G", "NM_006218:c.3140A>G", 21)]
    assert any("codon 1047" in g.reason for g in out.gaps if g.gene == "PIK3CA")
    assert out.tally.read == result.tally.skipped[SKIP_UNANNOTATED] and out.tally.balanced
