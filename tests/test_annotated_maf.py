"""--format maf (hpdgenomics.report.annotated_maf): the input MAF back, every row in order with every input column
as it was (comment lines, byte-order mark and line endings too), plus the HPD_* and cBioPortal driver columns."""

from __future__ import annotations

import gzip
from pathlib import Path

import pandas as pd
import pytest
from click.testing import CliRunner
from hypothesis import given
from hypothesis import strategies as st

from hpdgenomics import annotate_samples
from hpdgenomics.cli import cli
from hpdgenomics.errors import OutputError
from hpdgenomics.report.annotated_maf import CBP_COLUMNS, HPD_COLUMNS, annotated_maf_files, render_annotated_maf
from hpdgenomics.report.writers import write_reports
from hpdgenomics.request import AnnotateRequest

from .conftest import REALDATA_FIGURES, TEST_DATA, realdata

GDC = TEST_DATA / "maf" / "gdc_two_samples.maf"
ADDED = (*HPD_COLUMNS, *CBP_COLUMNS)


def read_maf(path: Path) -> pd.DataFrame:
    return pd.read_csv(path, sep="\t", comment="#", dtype=str, keep_default_na=False, encoding="utf-8-sig")


def test_rows_and_columns_are_the_input_plus_the_new_columns(tmp_path: Path) -> None:
    reports = annotate_samples(AnnotateRequest.of(maf=GDC, tumour_type="NSCLC"))
    written = write_reports(reports, tmp_path, formats=("maf",))
    assert [p.name for p in written] == ["gdc_two_samples.hpd.maf"]
    source, annotated = GDC.read_bytes().splitlines(keepends=True), written[0].read_bytes().splitlines(keepends=True)
    assert len(annotated) == len(source)
    for before, after in zip(source, annotated, strict=True):
        if before.startswith(b"#"):
            assert after == before
        else:
            assert after.startswith(before.rstrip(b"\r\n") + b"\t")
            assert after.count(b"\t") == before.count(b"\t") + len(ADDED)
    table, original = read_maf(written[0]), read_maf(GDC)
    assert list(table.columns) == [*original.columns, *ADDED]
    assert table[list(original.columns)].equals(original)


def test_findings_land_on_their_rows() -> None:
    reports = annotate_samples(AnnotateRequest.of(maf=GDC, tumour_type="NSCLC"))
    table = pd.read_csv(pd.io.common.BytesIO(render_annotated_maf(reports, GDC)), sep="\t", comment="#", dtype=str,
                        keep_default_na=False)
    by_gene = table.set_index("Hugo_Symbol")
    rules = by_gene.loc["STK11", "HPD_RULE"].split(";")
    assert rules[0] == "STK11-HPD" and by_gene.loc["STK11", "HPD_CATEGORY"].split(";")[0] == "hpd_risk"
    assert len(by_gene.loc["STK11", "HPD_CATEGORY"].split(";")) == len(rules)  # one category per rule, in order
    assert by_gene.loc["STK11", "HPD_CLASS"] == "nonsense" and by_gene.loc["STK11", "HPD_ALTERATION"] == "p.Q37*"
    assert by_gene.loc["EGFR", "HPD_RULE"].split(";") == ["EGFR-ICI-LOW-RESPONSE-NSCLC", "EGFR-L858R-TKI"]
    assert by_gene.loc["EGFR", "HPD_THERAPY_LEVEL"] == "1" and by_gene.loc["EGFR", "cbp_driver"] == "Putative_Driver"
    assert by_gene.loc["EGFR", "cbp_driver_tiers"] == "ICI resistance; Targetable"
    assert len(by_gene.loc["EGFR", "cbp_driver_annotation"]) <= 80
    # rows the rules did not use: no claim either way (never "Putative_Passenger")
    for gene in ("TTN", "BRCA2", "PIK3CA"):
        assert by_gene.loc[gene, "HPD_RULE"] == "" and by_gene.loc[gene, "cbp_driver"] == ""
    assert set(table["HPD_SAMPLE_LEVEL"]) == {r.hpd_level for r in reports}


def test_byte_order_mark_and_windows_line_endings_are_kept(tmp_path: Path) -> None:
    maf = TEST_DATA / "maf" / "cbioportal_minimal_crlf_bom.maf"
    reports = annotate_samples(AnnotateRequest.of(maf=maf, tumour_type="BRCA"))
    data = render_annotated_maf(reports, maf)
    assert data.startswith(b"\xef\xbb\xbf") and data.count(b"\r\n") == maf.read_bytes().count(b"\r\n")
    table = pd.read_csv(pd.io.common.BytesIO(data), sep="\t", dtype=str, keep_default_na=False, encoding="utf-8-sig")
    assert table.set_index("Hugo_Symbol").loc["AKT1", "HPD_RULE"] != ""


def test_gzipped_input_gives_gzipped_output(tmp_path: Path) -> None:
    maf = TEST_DATA / "maf" / "gdc_two_samples.maf.gz"
    reports = annotate_samples(AnnotateRequest.of(maf=maf, tumour_type="NSCLC"))
    files = annotated_maf_files(reports, tmp_path)
    (path, data), = files.items()
    assert path.name == "gdc_two_samples.hpd.maf.gz"
    text = gzip.decompress(data)
    assert text.count(b"\n") == gzip.decompress(maf.read_bytes()).count(b"\n") and b"STK11-HPD" in text


def test_input_carrying_driver_columns_keeps_its_values(tmp_path: Path) -> None:
    maf = tmp_path / "oncokb.maf"
    maf.write_text("Hugo_Symbol\tTumor_Sample_Barcode\tVariant_Classification\tHGVSp_Short\tONCOGENIC\t"
                   "HIGHEST_LEVEL\tcbp_driver\n"
                   "AKT1\tS1\tMissense_Mutation\tp.E17K\tOncogenic\tLEVEL_3A\tPutative_Passenger\n", encoding="utf-8")
    reports = annotate_samples(AnnotateRequest.of(maf=maf, tumour_type="BRCA"))
    table = pd.read_csv(pd.io.common.BytesIO(render_annotated_maf(reports, maf)), sep="\t", dtype=str,
                        keep_default_na=False)
    assert list(table.columns) == ["Hugo_Symbol", "Tumor_Sample_Barcode", "Variant_Classification", "HGVSp_Short",
                                   "ONCOGENIC", "HIGHEST_LEVEL", "cbp_driver", *HPD_COLUMNS]
    assert table.loc[0, "cbp_driver"] == "Putative_Passenger" and table.loc[0, "HIGHEST_LEVEL"] == "LEVEL_3A"


def test_an_annotated_maf_is_not_annotated_twice(tmp_path: Path) -> None:
    reports = annotate_samples(AnnotateRequest.of(maf=GDC, tumour_type="NSCLC"))
    first = write_reports(reports, tmp_path / "a", formats=("maf",))[0]
    reports = annotate_samples(AnnotateRequest.of(maf=first, tumour_type="NSCLC"))
    with pytest.raises(OutputError, match="already has the column HPD_SAMPLE_LEVEL"):
        write_reports(reports, tmp_path / "b", formats=("maf",))
    assert not (tmp_path / "b").exists()


def test_maf_format_needs_a_maf_input(tmp_path: Path) -> None:
    vcf = TEST_DATA / "vcf" / "luad_mutect2_vep.vcf.gz"
    reports = annotate_samples(AnnotateRequest.of(vcf=vcf, tumour_type="LUAD"))
    with pytest.raises(OutputError, match="give a --maf input"):
        write_reports(reports, tmp_path / "out", formats=("json", "maf"))
    assert not (tmp_path / "out").exists()  # all or nothing: the JSON was not written either


def test_cli_many_samples_with_only_the_maf_format_needs_no_all_samples(tmp_path: Path) -> None:
    maf = tmp_path / "many.maf"
    rows = "".join(f"AKT1\tS{i:02d}\tMissense_Mutation\tp.E17K\n" for i in range(25))
    maf.write_text("Hugo_Symbol\tTumor_Sample_Barcode\tVariant_Classification\tHGVSp_Short\n" + rows, encoding="utf-8")
    result = CliRunner().invoke(cli, ["annotate", "--maf", str(maf), "--tumour-type", "BRCA", "--format", "maf",
                                      "--out", str(tmp_path / "out"), "-q"])
    assert result.exit_code == 0, result.output
    assert [p.name for p in (tmp_path / "out").iterdir()] == ["many.hpd.maf"]


@pytest.mark.realdata
def test_prostate_msk_2024_annotated_maf_keeps_every_row_and_column(tmp_path: Path) -> None:
    maf = realdata("prostate_msk_2024/data_mutations.txt")
    clinical = realdata("prostate_msk_2024/data_clinical_sample.txt")
    reports = annotate_samples(AnnotateRequest.of(maf=maf, clinical=clinical))
    (path, data), = annotated_maf_files(reports, tmp_path).items()
    path.write_bytes(data)
    source = maf.read_bytes().splitlines(keepends=True)
    annotated = data.splitlines(keepends=True)
    assert len(annotated) == len(source)
    assert all(a.startswith(s.rstrip(b"\r\n")) for s, a in zip(source, annotated, strict=True))
    original, table = read_maf(maf), read_maf(path)
    assert len(table) == len(original) == 10_846
    assert list(table.columns) == [*original.columns, *ADDED]
    assert table[list(original.columns)].equals(original)
    akt1 = table[table["HPD_RULE"].str.contains("AKT1") & table["HGVSp_Short"].eq("p.E17K")]
    assert akt1["Tumor_Sample_Barcode"].nunique() == 25  # PROVENANCE.md: AKT1 E17K in 25 samples
    drivers = int(table["cbp_driver"].eq("Putative_Driver").sum())
    REALDATA_FIGURES.append(f"prostate_msk_2024 annotated MAF: {len(table):,} rows x {len(table.columns)} columns "
                            f"({len(ADDED)} added); {drivers:,} rows Putative_Driver; AKT1 E17K in 25 samples")


CELL = st.text(st.characters(blacklist_categories=("Cs",), blacklist_characters="\t\r\n"), max_size=8)


@given(header=st.lists(st.text("ABCDEFGHIJ_", min_size=1, max_size=6), min_size=1, max_size=5, unique=True),
       rows=st.lists(st.lists(CELL, min_size=5, max_size=5), max_size=6),
       comments=st.lists(st.text("#abc \t", min_size=0, max_size=6).map(lambda t: "#" + t), max_size=2),
       ending=st.sampled_from(["\n", "\r\n"]), bom=st.booleans())
def test_any_maf_is_copied_with_columns_appended(header: list[str], rows: list[list[str]], comments: list[str],
                                                 ending: str, bom: bool) -> None:
    """Whatever the columns, cells, comment lines, line endings and byte-order mark, every input line comes back
    as it was, each header and data line followed by exactly the added columns."""
    import tempfile

    columns = ["Tumor_Sample_Barcode", *(c for c in header if c != "Tumor_Sample_Barcode")]
    lines = [*comments, "\t".join(columns), *("\t".join(row[: len(columns)] + [""] * (len(columns) - len(row)))
                                               for row in rows)]
    text = ("\ufeff" if bom else "") + ending.join(lines) + ending
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "random.maf"
        path.write_bytes(text.encode("utf-8"))
        out = render_annotated_maf([], path).splitlines(keepends=True)
    source = text.encode("utf-8").splitlines(keepends=True)
    assert len(out) == len(source)
    header_seen = False
    for before, after in zip(source, out, strict=True):
        if not header_seen and before.lstrip(b"\xef\xbb\xbf").startswith(b"#"):  # comments come before the header
            assert after == before
        elif before.strip():
            header_seen = True
            assert after.startswith(before.rstrip(b"\r\n")) and after.endswith(ending.encode())
            assert after.count(b"\t") - before.count(b"\t") == len(ADDED)
