"""Structural variants and fusions: the readers' layouts, what counts as a fusion, and the fusion rules."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from hpdgenomics import annotate, annotate_samples
from hpdgenomics.errors import HpdError, InputError, SampleSelectionError
from hpdgenomics.readers.structural.fusions import read_structural_variants, split_fusion_name
from hpdgenomics.report.document import validate_document
from hpdgenomics.request import AnnotateRequest

from .conftest import TEST_DATA, realdata

FUSIONS = TEST_DATA / "fusions"
LUAD_VCF = TEST_DATA / "vcf" / "luad_mutect2_vep.vcf.gz"


def _genes(path: Path, sample: str) -> list[tuple[tuple[str, ...], str]]:
    return [(r.genes, r.kind) for r in read_structural_variants(path).samples[sample]]


def test_cbioportal_sv_table_edge_cases() -> None:
    found = read_structural_variants(FUSIONS / "cbioportal_sv_edge_cases.txt")
    assert found.layout == "cbioportal_sv"
    assert _genes(found.path, "LUAD_ALK") == [(("EML4", "ALK"), "fusion")]
    alk = found.samples["LUAD_ALK"][0]
    assert (alk.chrom1, alk.pos1, alk.in_frame, alk.source) == ("2", 42522694, True, "cbioportal_sv_edge_cases.txt:2")
    # "ALK-intragenic": MFSD4 is only where the second breakpoint fell, so it is not a fusion partner.
    assert _genes(found.path, "LUAD_INTRA") == [(("ALK",), "rearrangement")]
    assert found.tallies["LUAD_INTRA"].skipped == {"germline (SV_Status)": 1}  # the KIF5B-RET row
    # The event text names the genes fused (TMPRSS2-ERG) where a breakpoint site lies in another gene (ABL1).
    assert _genes(found.path, "PRAD_ERG") == [(("TMPRSS2", "ERG"), "fusion")]
    assert all(t.balanced for t in found.tallies.values())


def test_fusion_list_and_ambiguous_names() -> None:
    found = read_structural_variants(FUSIONS / "fusion_list.txt")
    assert found.layout == "fusion_list"
    assert _genes(found.path, "LUAD_ALK") == [(("EML4", "ALK"), "fusion"), (("NKX2-1", "MYC"), "fusion")]
    assert found.tallies["LUAD_ALK"].skipped == {"fusion name not splittable into two known genes": 1}  # FOO-BAR-BAZ
    assert _genes(found.path, "LUAD_INTRA") == [(("ALK",), "rearrangement")]


@pytest.mark.parametrize(("name", "genes"), [
    ("EML4--ALK", ["EML4", "ALK"]), ("EML4::ALK", ["EML4", "ALK"]), ("TMPRSS2-ERG", ["TMPRSS2", "ERG"]),
    ("NKX2-1-MYC", ["NKX2-1", "MYC"]), ("ALK", ["ALK"]), ("FOO-BAR-BAZ", []),
])
def test_split_fusion_name(name: str, genes: list[str]) -> None:
    assert split_fusion_name(name) == genes


def test_fusion_caller_output_belongs_to_the_run_s_tumour() -> None:
    report = annotate(AnnotateRequest.of(vcf=LUAD_VCF, sv=FUSIONS / "star_fusion_one_tumour.tsv", tumour_type="LUAD"))
    validate_document(report.document)
    alk = next(f for f in report.findings if f["rule_id"] == "ALK-FUSION-TKI")
    assert alk["alteration"] == "EML4-ALK fusion" and alk["alteration_type"] == "rearrangement"
    assert alk["rearrangement"]["chrom1"] == "2" and alk["rearrangement"]["pos2"] == 29446394
    assert {t["evidence_category"] for t in alk["therapies"]} == {"approved in this tumour type"}
    assert "structural variants and fusions from star_fusion_one_tumour.tsv" in \
        report.document["coverage"]["structural_variants"]
    assert not [g for g in report.not_assessed if g["kind"] == "structural_variant"]


def test_intragenic_rearrangement_is_not_a_fusion_and_partners_limit_a_rule() -> None:
    request = AnnotateRequest.of(sv=FUSIONS / "cbioportal_sv_edge_cases.txt")
    reports = {r.sample_id: r for r in annotate_samples(request)}
    assert "ALK-FUSION-TKI" not in {f["rule_id"] for f in reports["LUAD_INTRA"].findings}
    assert "RET-FUSION-SELPERCATINIB" not in {f["rule_id"] for f in reports["LUAD_INTRA"].findings}  # germline row
    fgfr3 = next(f for f in reports["BLCA_FGFR3"].findings if f["rule_id"] == "FGFR3-FUSION-ERDAFITINIB")
    assert fgfr3["conditional"]  # bladder-only rule, tumour type not given
    alk = next(f for f in reports["LUAD_ALK"].findings if f["rule_id"] == "ALK-FUSION-TKI")
    # The ALK rule applies to every tumour type (OncoKB 3B elsewhere); its NSCLC therapies are conditional here.
    assert {t["tumour_type_match"] for t in alk["therapies"]} == {"conditional"}
    # Without small variants or copy number, those are not assessed for every sample of the SV file.
    kinds = {g["kind"] for g in reports["LUAD_ALK"].not_assessed}
    assert {"small_variant", "copy_number"} <= kinds and "structural_variant" not in kinds


def test_bad_structural_variant_files(tmp_path: Path) -> None:
    bad = tmp_path / "bad.tsv"
    bad.write_text("sample\tgene\nS1\tALK\n")
    with pytest.raises(InputError, match="not a structural-variant table"):
        read_structural_variants(bad)
    bad.write_text("")
    with pytest.raises(InputError, match="empty"):
        read_structural_variants(bad)
    bad.write_text("Tumor_Sample_Barcode\tFusion\n\tEML4-ALK\n")
    with pytest.raises(InputError, match="no sample id") as caught:
        read_structural_variants(bad)
    assert caught.value.line == 2
    with pytest.raises(SampleSelectionError, match="'NOPE' is not in"):
        read_structural_variants(FUSIONS / "fusion_list.txt", sample="NOPE")


def test_prostate_msk_2024_structural_variants() -> None:
    path = realdata("prostate_msk_2024/data_sv.txt")
    found = read_structural_variants(path)
    assert sum(t.read for t in found.tallies.values()) == 1308 and len(found.samples) == 1004  # PROVENANCE.md
    alk = {s for s, rows in found.samples.items() if any("ALK" in r.genes for r in rows)}
    # Three rows name ALK at a breakpoint site (PROVENANCE.md); by their event text one is an EXOSC7-CTNNB1 fusion
    # and one is ALK-intragenic, so one ALK fusion remains.
    assert len(alk) == 2
    assert len({s for s, rows in found.samples.items() if any("ALK" in r.genes and r.kind == "fusion"
                                                               for r in rows)}) == 1


@settings(max_examples=150, deadline=None)
@given(st.lists(st.lists(st.text(alphabet=st.characters(blacklist_categories=("Cs",), blacklist_characters="\t\n\r"),
                                 max_size=15), min_size=1, max_size=5), min_size=1, max_size=5),
       st.sampled_from(["Sample_Id\tSite1_Hugo_Symbol\tSite2_Hugo_Symbol\tEvent_Info", "Tumor_Sample_Barcode\tFusion",
                        "Tumor_Sample_Barcode\tGeneA\tGeneB", "#FusionName\tLeftBreakpoint\tRightBreakpoint"]))
def test_random_rows_parse_or_raise_input_errors(tmp_path_factory: pytest.TempPathFactory, rows: list[list[str]],
                                                 header: str) -> None:
    path = tmp_path_factory.mktemp("fuzz") / "sv.tsv"
    path.write_text(header + "\n" + "\n".join("\t".join(cells) for cells in rows) + "\n", encoding="utf-8")
    try:
        found = read_structural_variants(path)
    except HpdError:
        return
    assert all(t.balanced for t in found.tallies.values())
