"""Cohorts: many samples at once — a cBioPortal study folder, a sample sheet, or multi-sample MAF/SEG/CNA/SV files —
read once, annotated in parallel (local processes or a Dask cluster), with cohort tables, figures and MultiQC content.

    >>> from hpdgenomics.cohort import CohortRequest, run_cohort
    >>> result = run_cohort(CohortRequest.of(study_dir="prostate_msk_2024/", out="cohort/", jobs=2))  # doctest: +SKIP
    >>> result.levels                                                               # doctest: +SKIP
"""

from hpdgenomics.cohort.run import CohortResult, run_cohort
from hpdgenomics.request import DEFAULT_COHORT_FORMATS, CohortRequest

__all__ = ["DEFAULT_COHORT_FORMATS", "CohortRequest", "CohortResult", "run_cohort"]
