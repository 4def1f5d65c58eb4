"""hpdgenomics: genomic markers of hyperprogression on immune checkpoint inhibitors, with cited evidence.

For research and clinical decision support; not a diagnosis.

    >>> from hpdgenomics import annotate
    >>> report = annotate(vcf="tumour.vep.vcf.gz", tumour_type="LUAD")   # doctest: +SKIP
    >>> report.hpd_level                                                  # doctest: +SKIP
"""

from hpdgenomics._version import __version__
from hpdgenomics.api import annotate, annotate_samples
from hpdgenomics.report import SampleReport, write_reports

__all__ = ["SampleReport", "__version__", "annotate", "annotate_samples", "write_reports"]
