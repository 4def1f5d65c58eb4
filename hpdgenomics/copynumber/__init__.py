"""Copy-number calling: segments and discrete values → gene-level calls (no file formats, no rules).

The names below are loaded on first use: the segment → gene overlap needs pandas, which the VCF-only path should
not pay for at start-up.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from hpdgenomics.copynumber.absolute import absolute_copy_number, state_from_copy_number, state_from_log2
    from hpdgenomics.copynumber.call import GeneCalls, call_discrete, call_segments
    from hpdgenomics.copynumber.events import co_amplifications
    from hpdgenomics.copynumber.thresholds import CopyNumberThresholds, ThresholdSet, load_thresholds

_LAZY = {
    "absolute_copy_number": "absolute", "state_from_copy_number": "absolute", "state_from_log2": "absolute",
    "GeneCalls": "call", "call_discrete": "call", "call_segments": "call",
    "co_amplifications": "events",
    "CopyNumberThresholds": "thresholds", "ThresholdSet": "thresholds", "load_thresholds": "thresholds",
}

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


def __getattr__(name: str) -> Any:
    if name in _LAZY:
        return getattr(importlib.import_module(f"hpdgenomics.copynumber.{_LAZY[name]}"), name)
    raise AttributeError(f"module 'hpdgenomics.copynumber' has no attribute {name!r}")
