"""TCGA barcodes in cohort inputs: normals left out and counted, one aliquot per sample."""

from __future__ import annotations

from pathlib import Path

from hpdgenomics import api
from hpdgenomics.copynumber.tcga import is_normal, sample_type, select_samples
from hpdgenomics.request import AnnotateRequest

from .conftest import REALDATA_FIGURES, realdata

TUMOUR = "TCGA-05-4433-01A-22D-1854-01"
RERUN = "TCGA-05-4433-01A-22D-A279-01"  # same sample, later plate
OTHER_VIAL = "TCGA-05-4433-01B-22D-1854-01"
NORMAL = "TCGA-05-4433-10A-01D-1853-01"
CONTROL = "TCGA-05-4433-20A-01D-1853-01"


def test_sample_type_codes() -> None:
    assert [sample_type(b) for b in (TUMOUR, NORMAL, CONTROL, "TUMOUR_A")] == [1, 10, 20, None]
    assert [is_normal(b) for b in (TUMOUR, NORMAL, CONTROL, "TCGA-05-4433-30A")] == [False, True, True, False]


def test_one_aliquot_per_sample_lowest_vial_then_highest_plate() -> None:
    chosen = select_samples([TUMOUR, NORMAL, RERUN, OTHER_VIAL, "TUMOUR_A"], exclude_normals=True, one_aliquot=True)
    assert chosen.kept == [RERUN, "TUMOUR_A"] and chosen.normals == [NORMAL]
    assert chosen.duplicates == {TUMOUR: RERUN, OTHER_VIAL: RERUN}
    assert select_samples([TUMOUR, NORMAL], exclude_normals=False, one_aliquot=False).kept == [TUMOUR, NORMAL]


def test_cohort_options_leave_normals_out_and_count_them(tmp_path: Path) -> None:
    seg = tmp_path / "tcga.seg"
    rows = [f"{s}\t12\t60000001\t80000000\t5000\t0.01" for s in (TUMOUR, NORMAL, RERUN)]
    seg.write_text("ID\tchrom\tloc.start\tloc.end\tnum.mark\tseg.mean\n" + "\n".join(rows) + "\n")
    kept = api.annotate_samples(AnnotateRequest.of(seg=seg, build="GRCh37", exclude_normals=True,
                                                   one_aliquot_per_sample=True))
    assert [r.sample_id for r in kept] == [RERUN]
    notes = [n for f in kept[0].document["qc"]["files"] for n in f["notes"]]
    assert any(n.startswith("1 TCGA normal/control aliquot(s)") for n in notes)
    assert any(n.startswith("1 further aliquot(s)") for n in notes)
    everyone = api.annotate_samples(AnnotateRequest.of(seg=seg, build="GRCh37"))
    assert len(everyone) == 3  # annotate (and --include-normals) keeps every aliquot


def test_tcga_firehose_normals_and_aliquots_counted() -> None:
    from hpdgenomics.readers.copy_number.segments import read_seg

    for study, normals, tumours in (("LUAD", 577, 518), ("BLCA", 388, 409)):
        samples = read_seg(realdata(f"tcga_firehose_seg/{study}.segmented_scna_minus_germline_cnv_hg19.seg.gz")).samples
        chosen = select_samples(samples, exclude_normals=True, one_aliquot=True)
        assert len(chosen.normals) == normals
        assert len(chosen.kept) + len(chosen.duplicates) == tumours
        REALDATA_FIGURES.append(f"TCGA {study} SEG: {len(samples)} aliquots, {len(chosen.normals)} normal/control "
                                f"left out, {len(chosen.duplicates)} repeated tumour aliquots, "
                                f"{len(chosen.kept)} tumour samples reported")
