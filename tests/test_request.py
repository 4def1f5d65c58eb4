"""The typed request: flat option names map to one group each, checks live in one place, parameters keep their
shape (the golden reports pin the bytes; this pins the keys and their order)."""

from __future__ import annotations

import pickle
from pathlib import Path

import pytest

from hpdgenomics.errors import OptionError
from hpdgenomics.request import (
    AnnotateRequest,
    CohortRequest,
    check_cohort_request,
    check_request,
)

VCF = Path("tumour.vcf")

PARAMETER_KEYS = ["build", "tumour_type", "tumour_sample", "sample", "include_filtered", "include_germline",
                  "rule_files", "purity", "ploidy", "cn_thresholds", "amplification_cn", "seg_log10", "clinical",
                  "panel_size_mb", "panel_bed", "sv", "reference_fasta",
                  "patient_id", "specimen_id", "collection_date", "assay"]  # the specimen block's options


def test_flat_names_land_in_their_groups_and_round_trip() -> None:
    request = AnnotateRequest.of(vcf=VCF, sample="T1", purity=0.4, panel_size_mb=1.2, include_filtered=True,
                                 rules=[Path("extra.yaml")], build="GRCh38", keep_segments=False)
    assert request.inputs.vcf == VCF and request.inputs.rules == (Path("extra.yaml"),)
    assert request.selection.sample == "T1" and request.copy_number.purity == 0.4
    assert request.panel.panel_size_mb == 1.2 and request.filters.include_filtered and request.build == "GRCh38"
    assert not request.copy_number.keep_segments
    assert AnnotateRequest.from_options(request.options()) == request
    assert request.with_options(sample="T2").selection.sample == "T2"
    assert request.with_options(build="auto").build == "auto" and request.build == "GRCh38"  # frozen: a copy


def test_unknown_option_names_are_refused() -> None:
    with pytest.raises(TypeError, match="unknown annotate option 'vfc'"):
        AnnotateRequest.of(vfc=VCF)


def test_requests_pickle_for_the_cohort_workers() -> None:
    request = AnnotateRequest.of(vcf=VCF, tumour_type="LUAD")
    assert pickle.loads(pickle.dumps(request)) == request


@pytest.mark.parametrize(("options", "message"), [
    ({}, "no input"),
    ({"vcf": VCF, "maf": Path("a.maf")}, "a VCF or a MAF, not both"),
    ({"seg": Path("a.seg"), "cna": Path("a.txt")}, "at most one copy-number input"),
    ({"maf": Path("a.maf"), "tumour_sample": "T"}, "--tumour-sample applies to VCF input"),
    ({"vcf": VCF, "panel_size_mb": 1, "panel_bed": Path("p.bed")}, "--panel-size-mb or --panel-bed, not both"),
    ({"maf": Path("a.maf"), "reference_fasta": Path("r.fa")}, "it needs --vcf"),
    ({"vcf": VCF, "panel_size_mb": 0}, "--panel-size-mb must be above 0, got 0"),
    ({"vcf": VCF, "tumour_type": "LAUD"}, "unknown OncoTree code 'LAUD'"),
    ({"vcf": VCF, "build": "hg18"}, "unsupported genome build 'hg18'"),
    ({"vcf": VCF, "purity": 1.5}, r"purity must lie in \(0, 1\]"),
])
def test_checks_name_the_clash(options: dict[str, object], message: str) -> None:
    with pytest.raises(OptionError, match=message):
        check_request(AnnotateRequest.from_options(options))


def test_checked_values_are_normalised_and_parameters_keep_their_keys() -> None:
    checked = check_request(AnnotateRequest.of(vcf=VCF, tumour_type=" luad ", build="hg38", rules=["x.yaml"]))
    assert (checked.tumour_type, checked.build, checked.ploidy) == ("LUAD", "GRCh38", 2.0)
    parameters = checked.parameters()
    assert list(parameters) == PARAMETER_KEYS
    assert parameters["build"] == "hg38" and parameters["rule_files"] == ["x.yaml"]  # as given


def test_cohort_request_splits_its_own_names_from_the_annotate_options(tmp_path: Path) -> None:
    request = CohortRequest.of(out=tmp_path, study_dir=tmp_path, jobs=2, formats=["json"], purity=0.5)
    assert request.jobs == 2 and request.formats == ("json",) and request.annotate.copy_number.purity == 0.5
    check_cohort_request(request)
    with pytest.raises(OptionError, match="give one cohort source"):
        check_cohort_request(CohortRequest.of(out=tmp_path))
    with pytest.raises(OptionError, match="unknown report format"):
        check_cohort_request(CohortRequest.of(out=tmp_path, study_dir=tmp_path, formats=("pdf",)))
