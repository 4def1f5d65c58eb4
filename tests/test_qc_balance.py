"""Nothing is dropped silently: for every fixture the tool accepts, each report's qc adds up and matches the file.

Every input file under test_data/ (VCF, MAF, SEG, CNVkit, CNA, copy-number VCF; plus the malformed/ files that are
accepted) goes through the API. For each report and each file tally: read == kept + sum(skipped), qc.balanced is
true, the totals are the sums of the tallies, and ``read`` equals what the file holds (VCF records = data lines of a
streamed VCF; MAF, SEG, CNVkit and long CNA rows = data rows over all samples; a CNA matrix = gene rows per sample).
New fixtures are picked up automatically; one that the tool refuses must be listed in REFUSED with the reason.
"""

from __future__ import annotations

import gzip
from pathlib import Path
from typing import Any

import pytest

from hpdgenomics import api
from hpdgenomics.readers.small_variants.maf import SKIP_BLANK
from hpdgenomics.request import AnnotateRequest

from .conftest import TEST_DATA

# Fixtures refused on purpose (each has its own test of the message).
REFUSED = {
    "vcf/two_tumours_no_header.vcf": "two samples and no ##tumor_sample=",
    "maf/mixed_builds.maf": "NCBI_Build mixes GRCh37 and GRCh38",
    "maf/missing_variant_classification.maf": "a required column is missing",
    "copy_number/comma_separated.seg": "not tab-separated",
    "copy_number/end_before_start.seg": "a segment ends before it starts",
    "copy_number/non_numeric_mean.seg": "a non-numeric seg.mean",
    "copy_number/cna_unexpected_value.txt": "a copy-number code outside -2..2",
    "copy_number/ascat_missing_nminor.txt": "ASCAT segments without nMinor",
    "copy_number/gatk_called_bad_points.tsv": "a non-numeric NUM_POINTS_COPY_RATIO",
}
# Inputs under malformed/ that are accepted (the rest are refused; see the test_malformed_* modules).
ACCEPTED_MALFORMED = [
    "malformed/vcf/accepted_crlf_bom.vcf", "malformed/vcf/undeclared_format_key.vcf",
    "malformed/vcf/undeclared_unused_info_key.vcf", "malformed/maf/accepted_crlf_bom_gdc.maf",
    "malformed/seg/accepted_crlf_bom.seg", "malformed/cnvkit/accepted_crlf_bom.call.cns",
    "malformed/cna/accepted_crlf_bom.txt", "malformed/vcf_cnv/accepted_crlf_bom.vcf",
]
# Coordinate-only files whose build the data cannot tell (both builds fit): the build is declared.
DECLARED_BUILD = {"copy_number/gistic_columns_chr_prefix_crlf.seg": "GRCh37", "copy_number/tumour_bins.cnr": "GRCh37",
                  "copy_number/facets_na_lcn_chr_prefix.cncf": "GRCh37",
                  "copy_number/purple_no_purity_beside.purple.cnv.somatic.tsv": "GRCh37",
                  "copy_number/mdm2_two_probe_noise.seg": "GRCh37"}


def _kind(relative: str) -> str:
    name = relative.lower()
    if "vcf_cnv/" in name or name.endswith("dragen_cnv_grch38.vcf"):
        return "cnv_vcf"
    if name.endswith((".vcf", ".vcf.gz")):
        return "vcf"
    if name.endswith((".maf", ".maf.gz")):
        return "maf"
    if name.endswith(".seg"):
        return "seg"
    if name.endswith((".cns", ".cnr")):
        return "cns"
    return "cna"


def _fixtures() -> list[str]:
    found = []
    for folder in ("vcf", "maf", "copy_number", "examples"):
        for path in sorted((TEST_DATA / folder).iterdir()):
            if path.suffix in (".tbi", ".csi", ".json", ".md"):
                continue
            found.append(path.relative_to(TEST_DATA).as_posix())
    return found + ACCEPTED_MALFORMED


def _lines(path: Path) -> list[str]:
    opener = gzip.open if path.read_bytes()[:2] == b"\x1f\x8b" else open
    with opener(path, "rt", encoding="utf-8-sig", newline=None) as handle:  # type: ignore[operator]
        return [line.rstrip("\n") for line in handle]


def _table_rows(path: Path) -> list[str]:
    """Data rows of a table: after the leading '#' lines and the header; blank lines excluded."""
    lines = _lines(path)
    body = lines[next(i for i, line in enumerate(lines) if not line.startswith("#")) + 1:]
    return [line for line in body if line.strip()]


def _check_tallies(document: dict[str, Any]) -> list[dict[str, Any]]:
    qc = document["qc"]
    files = qc["files"]
    assert files, "every report accounts for at least one input file"
    for tally in files:
        assert tally["read"] == tally["kept"] + sum(tally["skipped"].values()), tally
        assert all(count > 0 for count in tally["skipped"].values()), tally  # no empty reasons
    assert qc["balanced"] is True
    assert qc["read"] == sum(t["read"] for t in files) and qc["kept"] == sum(t["kept"] for t in files)
    totals: dict[str, int] = {}
    for tally in files:
        for reason, count in tally["skipped"].items():
            totals[reason] = totals.get(reason, 0) + count
    assert qc["skipped"] == totals
    return files


@pytest.mark.parametrize("relative", [f for f in _fixtures() if f not in REFUSED])
def test_every_record_is_kept_or_counted_and_the_counts_match_the_file(relative: str) -> None:
    path = TEST_DATA / relative
    kind = _kind(relative)
    reports = api.annotate_samples(AnnotateRequest.of(**{kind: path}, build=DECLARED_BUILD.get(relative, "auto")))
    assert reports
    per_file: dict[str, list[dict[str, Any]]] = {}
    for report in reports:
        for tally in _check_tallies(report.document):
            per_file.setdefault(tally["unit"], []).append(tally)
    if kind in ("vcf", "cnv_vcf"):
        lines = _lines(path)
        records = [line for line in lines if not line.startswith("#")]
        for unit, tallies in per_file.items():
            (tally,) = tallies
            streamed = not any("read by region" in note for note in tally["notes"])
            if streamed:
                assert tally["read"] == len(records), (unit, tally)
            else:
                assert 0 < tally["read"] <= len(records), (unit, tally)
    elif kind == "maf":
        rows = _table_rows(path)
        tallies = [t for unit, ts in per_file.items() if unit.startswith("MAF rows") for t in ts]
        assert sum(t["read"] - t["skipped"].get(SKIP_BLANK, 0) for t in tallies) == len(rows)
    elif kind in ("seg", "cns"):
        rows = _table_rows(path)
        tallies = [t for ts in per_file.values() for t in ts]
        assert sum(t["read"] for t in tallies) == len(rows)
    else:
        rows = _table_rows(path)
        tallies = [t for ts in per_file.values() for t in ts]
        if tallies[0]["unit"].startswith("CNA matrix"):
            assert {t["read"] for t in tallies} == {len(rows)}, "every sample accounts for every gene row"
        else:
            assert sum(t["read"] for t in tallies) == len(rows)


@pytest.mark.parametrize("relative", sorted(REFUSED))
def test_refused_fixtures_are_refused(relative: str) -> None:
    from hpdgenomics.errors import InputError

    with pytest.raises(InputError):
        api.annotate_samples(AnnotateRequest.of(**{_kind(relative): TEST_DATA / relative}))


def test_vcf_with_copy_number_input_accounts_for_both_files() -> None:
    (report,) = api.annotate_samples(AnnotateRequest.of(vcf=TEST_DATA / "vcf" / "luad_mutect2_vep.vcf",
                                     cns=TEST_DATA / "copy_number" / "tumor_luad1_grch38.call.cns"))
    files = _check_tallies(report.document)
    assert [t["unit"] for t in files] == ["VCF records", "CNVkit segments"]
    assert files[0]["read"] == 6 and files[1]["read"] == len(_table_rows(
        TEST_DATA / "copy_number" / "tumor_luad1_grch38.call.cns"))
