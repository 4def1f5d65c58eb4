"""Copy-number calling: segments and discrete values → gene-level calls (no file formats, no rules)."""

from hpdgenomics.copynumber.absolute import absolute_copy_number, state_from_copy_number, state_from_log2
from hpdgenomics.copynumber.call import GeneCalls, call_discrete, call_segments
from hpdgenomics.copynumber.events import co_amplifications
from hpdgenomics.copynumber.thresholds import CopyNumberThresholds, ThresholdSet, load_thresholds

__all__ = [
    "CopyNumberThresholds",
    "GeneCalls",
    "ThresholdSet",
    "absolute_copy_number",
    "call_discrete",
    "call_segments",
    "co_amplifications",
    "load_thresholds",
    "state_from_copy_number",
    "state_from_log2",
]
