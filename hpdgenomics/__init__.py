"""hpdgenomics: genomic markers of hyperprogression on immune checkpoint inhibitors, with cited evidence.

For research and clinical decision support; not a diagnosis.

    >>> from hpdgenomics import AnnotateRequest, annotate
    >>> report = annotate(AnnotateRequest.of(vcf="tumour.vep.vcf.gz", tumour_type="LUAD"))  # doctest: +SKIP
    >>> report.hpd_level                                                  # doctest: +SKIP
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from hpdgenomics._version import __version__

if TYPE_CHECKING:
    from hpdgenomics.api import annotate, annotate_samples
    from hpdgenomics.cohort import CohortResult, run_cohort
    from hpdgenomics.report import SampleReport, write_reports
    from hpdgenomics.request import AnnotateRequest, CohortRequest

__all__ = ["AnnotateRequest", "CohortRequest", "CohortResult", "SampleReport", "__version__", "annotate",
           "annotate_samples", "run_cohort", "write_reports"]

_LAZY = {"annotate": "hpdgenomics.api", "annotate_samples": "hpdgenomics.api",
         "SampleReport": "hpdgenomics.report", "write_reports": "hpdgenomics.report",
         "run_cohort": "hpdgenomics.cohort", "CohortResult": "hpdgenomics.cohort",
         "AnnotateRequest": "hpdgenomics.request", "CohortRequest": "hpdgenomics.request"}


def __getattr__(name: str) -> Any:
    # Imported on first use, so that importing one submodule (or running --help) stays fast.
    if name in _LAZY:
        import importlib

        return getattr(importlib.import_module(_LAZY[name]), name)
    raise AttributeError(f"module 'hpdgenomics' has no attribute {name!r}")
