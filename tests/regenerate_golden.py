"""Regenerate the golden reports in tests/golden/ (then review the diff before committing).

    python tests/regenerate_golden.py            # every case
    python tests/regenerate_golden.py --cohort   # only the cohort tables (tests/golden/cohort/)

The cases are the ones tests/test_golden.py compares exactly; timestamps are pinned with SOURCE_DATE_EPOCH and input
paths are relative to the repository root, so the files do not depend on where the repository lives.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
GOLDEN = REPO / "tests" / "golden"
EPOCH = "1767225600"  # 2026-01-01T00:00:00Z, as pinned in tests/conftest.py

# name → flat options of hpdgenomics.annotate_samples's request (paths relative to the repository root)
CASES: dict[str, dict[str, object]] = {
    "luad_vcf": {"vcf": "test_data/vcf/luad_mutect2_vep.vcf.gz", "tumour_type": "LUAD"},
    "gdc_maf": {"maf": "test_data/maf/gdc_two_samples.maf", "tumour_type": "NSCLC"},
    "brca_minimal_maf": {"maf": "test_data/maf/cbioportal_minimal_crlf_bom.maf", "tumour_type": "BRCA"},
    "luad_vcf_with_cns": {"vcf": "test_data/vcf/luad_mutect2_vep.vcf.gz",
                          "cns": "test_data/copy_number/tumor_luad1_grch38.call.cns", "tumour_type": "LUAD"},
    "seg_two_samples": {"seg": "test_data/copy_number/mdm2_cdk4_amp_two_samples.seg", "tumour_type": "DDLS"},
}

# name → flat options of hpdgenomics.cohort.run_cohort's request (paths relative to the repository root); the cohort
# table and the MultiQC file are compared exactly by tests/test_cohort_outputs.py.
COHORT_CASES: dict[str, dict[str, object]] = {
    "study_tiny": {"study_dir": "test_data/cohort/study_tiny"},
    "samplesheet": {"sample_sheet": "test_data/cohort/samplesheet/samples.csv"},
}
COHORT_FILES = ("cohort.tsv", "hpdgenomics_mqc.tsv", "hpdgenomics_levels_mqc.tsv", "hpdgenomics_general_stats_mqc.tsv")


def render_cohort(case: str) -> dict[str, str]:
    """File name (under tests/golden/) → text of the cohort files the case writes."""
    import tempfile

    from hpdgenomics.cohort import CohortRequest, run_cohort

    with tempfile.TemporaryDirectory() as folder:
        run_cohort(CohortRequest.of(out=folder, **COHORT_CASES[case]))  # type: ignore[arg-type]
        return {f"cohort/{case}/{name}": (Path(folder) / name).read_text(encoding="utf-8") for name in COHORT_FILES}


def render(case: str) -> dict[str, str]:
    """File name → text of every report the case writes."""
    from hpdgenomics import annotate_samples
    from hpdgenomics.report.tsv import render_tsv
    from hpdgenomics.report.writers import report_paths
    from hpdgenomics.request import AnnotateRequest

    files = {}
    for report in annotate_samples(AnnotateRequest.of(**CASES[case])):  # type: ignore[arg-type]
        paths = report_paths(report, GOLDEN / case)
        files[str(paths["json"].relative_to(GOLDEN))] = report.to_json()
        files[str(paths["tsv"].relative_to(GOLDEN))] = render_tsv(report)
    return files


def main() -> None:
    os.environ["SOURCE_DATE_EPOCH"] = EPOCH
    os.chdir(REPO)
    only_cohort = "--cohort" in sys.argv[1:]  # python tests/regenerate_golden.py --cohort: the cohort cases only
    rendered = [] if only_cohort else [render(case) for case in CASES]
    rendered += [render_cohort(case) for case in COHORT_CASES]
    for files in rendered:
        for name, text in files.items():
            path = GOLDEN / name
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(text, encoding="utf-8")
            print(f"wrote {path.relative_to(REPO)}", file=sys.stderr)


if __name__ == "__main__":
    sys.path.insert(0, str(REPO))
    main()
