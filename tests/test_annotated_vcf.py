"""--format vcf (hpdgenomics.report.annotated_vcf): every input record back, in order, with the HPD INFO tags
declared in the header; bgzipped and indexed when the input was, plain otherwise."""

from __future__ import annotations

import gzip
from pathlib import Path

import pysam
import pytest
from cyvcf2 import VCF

from hpdgenomics import annotate_samples
from hpdgenomics.errors import OutputError
from hpdgenomics.report.annotated_vcf import INFO_TAGS
from hpdgenomics.report.writers import write_reports
from hpdgenomics.request import AnnotateRequest

from .conftest import TEST_DATA

LUAD = TEST_DATA / "vcf" / "luad_mutect2_vep.vcf.gz"


def records(path: Path) -> list[tuple[str, int, str, tuple[str, ...]]]:
    return [(r.CHROM, r.POS, r.REF, tuple(r.ALT)) for r in VCF(str(path))]


def test_bgzipped_input_gives_an_indexed_bgzipped_copy_with_every_record(tmp_path: Path) -> None:
    reports = annotate_samples(AnnotateRequest.of(vcf=LUAD, tumour_type="LUAD"))
    written = write_reports(reports, tmp_path, formats=("vcf",))
    assert sorted(p.name for p in written) == ["luad_mutect2_vep.hpd.vcf.gz", "luad_mutect2_vep.hpd.vcf.gz.tbi"]
    out = tmp_path / "luad_mutect2_vep.hpd.vcf.gz"
    assert records(out) == records(LUAD)  # the filtered KRAS record and the others outside findings too
    vcf = VCF(str(out))
    for tag in INFO_TAGS:
        assert f"##INFO=<ID={tag},Number=.,Type=String" in vcf.raw_header
    by_pos = {r.POS: r for r in vcf}
    egfr = by_pos[55191822]
    assert egfr.INFO["HPD_RULE"].split(",") == ["EGFR-ICI-LOW-RESPONSE-NSCLC", "EGFR-L858R-TKI"]
    assert egfr.INFO["HPD_CATEGORY"].split(",") == ["ici_resistance", "targetable"]
    assert egfr.INFO["HPD_CLASS"].split(",") == ["missense", "missense"] and egfr.INFO["HPD_ALLELE"] == "G,G"
    assert by_pos[25245351].INFO.get("HPD_RULE") is None  # KRAS G12C with FILTER weak_evidence: not used
    assert by_pos[55191822].INFO.get("CSQ")  # the input's INFO stays
    with pysam.TabixFile(str(out)) as tabix:  # the index works
        assert len(list(tabix.fetch("chr7", 55191800, 55191900))) == 1
    with gzip.open(out, "rb") as handle:  # bgzip is gzip-readable
        assert handle.readline().startswith(b"##fileformat=VCF")


def test_plain_input_gives_plain_output(tmp_path: Path) -> None:
    vcf = TEST_DATA / "vcf" / "multiallelic_vep.vcf"
    reports = annotate_samples(AnnotateRequest.of(vcf=vcf, tumour_type="BRCA"))
    (out,) = write_reports(reports, tmp_path, formats=("vcf",))
    assert out.name == "multiallelic_vep.hpd.vcf" and out.read_bytes().startswith(b"##fileformat")
    assert records(out) == records(vcf)
    tagged = [r for r in VCF(str(out)) if r.INFO.get("HPD_RULE")]
    assert tagged
    for record in tagged:  # one entry per finding, each naming one of the record's ALTs
        alleles = record.INFO["HPD_ALLELE"].split(",")
        assert len(alleles) == len(record.INFO["HPD_RULE"].split(",")) and set(alleles) <= set(record.ALT)


def test_vcf_format_needs_a_vcf_input(tmp_path: Path) -> None:
    reports = annotate_samples(AnnotateRequest.of(maf=TEST_DATA / "maf" / "gdc_two_samples.maf", tumour_type="NSCLC"))
    with pytest.raises(OutputError, match="give a --vcf input"):
        write_reports(reports, tmp_path / "out", formats=("vcf",))


def test_an_annotated_vcf_is_not_annotated_twice(tmp_path: Path) -> None:
    written = write_reports(annotate_samples(AnnotateRequest.of(vcf=LUAD, tumour_type="LUAD")), tmp_path / "a",
                            formats=("vcf",))
    first = next(p for p in written if p.name.endswith(".vcf.gz"))
    reports = annotate_samples(AnnotateRequest.of(vcf=first, tumour_type="LUAD"))
    with pytest.raises(OutputError, match="already declares INFO HPD_RULE"):
        write_reports(reports, tmp_path / "b", formats=("vcf",))
