"""VCF reader: sample choice, FILTER, multi-allelic records, VAF/depth, annotations, region reading, tallies."""

from __future__ import annotations

from pathlib import Path

import pytest

from hpdgenomics.errors import InputError, SampleSelectionError
from hpdgenomics.readers.small_variants.vcf import (
    SKIP_FILTERED,
    SKIP_UNANNOTATED,
    choose_tumour_sample,
    inspect_vcf,
    read_vcf,
)

from .conftest import TEST_DATA

VCF = TEST_DATA / "vcf"
RULE_GENES = frozenset({"EGFR", "STK11", "KEAP1", "TP53", "KRAS", "DNMT3A", "PIK3CA", "AKT1", "BRAF"})


def _read(name: str, **kwargs):
    header = inspect_vcf(VCF / name)
    return read_vcf(header, choose_tumour_sample(header, kwargs.pop("tumour", None)), **kwargs)


def _by_gene(result) -> dict:
    return {v.gene: v for v in result.variants}


def test_mutect2_tumour_sample_comes_from_the_header() -> None:
    header = inspect_vcf(VCF / "luad_mutect2_vep.vcf")
    assert header.samples == ("NORMAL_LUAD1", "TUMOR_LUAD1")
    assert choose_tumour_sample(header, None) == "TUMOR_LUAD1"
    assert header.annotation_key == "CSQ"
    assert header.contig_lengths["7"] == 159345973


def test_two_samples_without_header_is_an_error_listing_them() -> None:
    header = inspect_vcf(VCF / "two_tumours_no_header.vcf")
    with pytest.raises(SampleSelectionError, match="TUMOR_A, TUMOR_B"):
        choose_tumour_sample(header, None)
    assert choose_tumour_sample(header, "TUMOR_B") == "TUMOR_B"
    with pytest.raises(SampleSelectionError, match="'NOPE' is not in the VCF"):
        choose_tumour_sample(header, "NOPE")


def test_filtered_records_are_counted_and_kept_only_on_request() -> None:
    default = _read("luad_mutect2_vep.vcf", genes=RULE_GENES)
    assert "KRAS" not in _by_gene(default)
    assert default.tally.skipped[SKIP_FILTERED] == 1
    kept = _read("luad_mutect2_vep.vcf", genes=RULE_GENES, include_filtered=True)
    assert _by_gene(kept)["KRAS"].filter == "weak_evidence"
    for result in (default, kept):
        assert result.tally.read == 6 and result.tally.balanced


def test_vep_transcript_choice_protein_change_vaf_and_depth() -> None:
    variants = _by_gene(_read("luad_mutect2_vep.vcf", genes=RULE_GENES))
    egfr = variants["EGFR"]
    assert egfr.protein_change == "p.L858R"
    assert egfr.transcript == "ENST00000275493.7"  # the PICKed MANE transcript, not ENST00000455089 (p.L813R)
    assert egfr.annotation == "VEP CSQ: PICK"
    assert egfr.vaf == pytest.approx(0.373) and egfr.depth == 209 and egfr.alt_reads == 78
    assert egfr.exon == 21
    assert variants["STK11"].protein_change == "p.Q37*"
    assert variants["STK11"].consequence_class.value == "nonsense"
    keap1 = variants["KEAP1"]  # deletion: VEP writes the allele as '-'
    assert keap1.protein_change == "p.A414fs" and keap1.consequence_class.value == "frameshift"


def test_indexed_file_is_read_by_region_with_the_same_variants() -> None:
    streamed = _read("luad_mutect2_vep.vcf", genes=RULE_GENES)
    regions = [("7", 55019017, 55211628), ("19", 1205798, 1228435)]
    by_region = _read("luad_mutect2_vep.vcf.gz", genes=RULE_GENES, regions=regions)
    assert by_region.mode == "region"
    assert {v.gene for v in by_region.variants} == {"EGFR", "STK11"}
    def key(v):
        return (v.gene, v.pos, v.protein_change, v.vaf, v.depth)

    expected = sorted(key(v) for v in streamed.variants if v.gene in {"EGFR", "STK11"})
    assert sorted(map(key, by_region.variants)) == expected
    assert by_region.variants[0].source.startswith("luad_mutect2_vep.vcf.gz:chr")
    assert by_region.tally.balanced and by_region.tally.read == 2


def test_multiallelic_records_split_by_allele_num_and_trimmed_alleles() -> None:
    result = _read("multiallelic_vep.vcf", genes=RULE_GENES)
    changes = sorted((v.gene, v.alt, v.protein_change, round(v.vaf or 0, 3)) for v in result.variants)
    assert changes == [
        ("EGFR", "A", "p.E746_A750del", 0.246),
        ("EGFR", "AGGAATTAAGAGAAGCAAC", "p.A750fs", 0.016),
        ("PIK3CA", "G", "p.H1047R", 0.233),
        ("PIK3CA", "T", "p.H1047L", 0.069),
    ]
    assert result.tally.read == 2 and result.tally.kept == 2


def test_sites_only_vcf_has_no_vaf() -> None:
    header = inspect_vcf(VCF / "sites_only_vep_grch37.vcf")
    assert header.samples == () and choose_tumour_sample(header, None) is None
    (akt1,) = read_vcf(header, None, genes=RULE_GENES).variants
    assert akt1.protein_change == "p.E17K" and akt1.vaf is None and akt1.chrom == "14"


def test_unannotated_records_are_counted_with_positions() -> None:
    result = _read("partly_unannotated_vep.vcf", genes=RULE_GENES)
    assert result.tally.skipped[SKIP_UNANNOTATED] == 1
    assert result.unannotated_positions == [("19", 1207022)]
    assert [v.gene for v in result.variants] == ["EGFR"]


def test_snpeff_ann_vaf_from_ad() -> None:
    variants = _by_gene(_read("snpeff_ann.vcf", genes=RULE_GENES))
    assert variants["AKT1"].protein_change == "p.E17K"
    assert variants["AKT1"].vaf == pytest.approx(0.38) and variants["AKT1"].depth == 100
    assert variants["STK11"].consequence_class.value == "non_coding"


def test_bcftools_csq_amino_acid_changes() -> None:
    variants = _by_gene(_read("bcftools_csq.vcf", genes=RULE_GENES))
    assert variants["PIK3CA"].protein_change == "p.H1047R"
    assert variants["BRAF"].protein_change == "p.V600E"
    assert variants["BRAF"].annotation.startswith("bcftools BCSQ")


def test_not_a_vcf(tmp_path: Path) -> None:
    bad = tmp_path / "x.vcf"
    bad.write_text("chr1\t1\t.\tA\tT\n")
    with pytest.raises(InputError, match="line 1"):
        inspect_vcf(bad)


def test_empty_file(tmp_path: Path) -> None:
    empty = tmp_path / "empty.vcf"
    empty.write_text("")
    with pytest.raises(InputError):
        inspect_vcf(empty)
