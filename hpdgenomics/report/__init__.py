"""The per-sample result object and its writers. Writers read only :class:`SampleReport`."""

from hpdgenomics.report.build import build_report
from hpdgenomics.report.document import DISCLAIMER, REPORT_SCHEMA_VERSION, SampleReport
from hpdgenomics.report.writers import FORMATS, report_paths, write_reports

__all__ = [
    "DISCLAIMER",
    "FORMATS",
    "REPORT_SCHEMA_VERSION",
    "SampleReport",
    "build_report",
    "report_paths",
    "write_reports",
]
