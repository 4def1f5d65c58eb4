"""From a log2 ratio to an absolute copy number and a state.

Purity rescaling follows CNVkit ``call`` (knowledge file §2): for an observed log2 ratio *v*, purity *p*, reference
ploidy *r* and expected ploidy *x* (equal here: the tool does not know the patient's sex, so X and Y are treated like
autosomes)::

    n = (r * 2**v - x * (1 - p)) / p          (p = 1 gives n = r * 2**v)

Negative results are clipped to 0. The state then comes from the rescaled log2 ratio log2(n / r) and the
thresholds in :mod:`hpdgenomics.copynumber.thresholds`.
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING

from hpdgenomics.copynumber.thresholds import CopyNumberThresholds
from hpdgenomics.errors import OptionError
from hpdgenomics.model.alterations import CopyNumberState

if TYPE_CHECKING:  # numpy is imported on first use: checking purity/ploidy at CLI start should not load it
    import numpy as np

DEFAULT_PLOIDY = 2.0
# Values exactly at a cut-off (a seg.mean of 0.2, six copies) must not cross it through floating-point round trips
# (log2 -> copies -> log2), so comparisons allow this much slack.
TOLERANCE = 1e-9


def check_purity_ploidy(purity: float | None, ploidy: float | None) -> tuple[float | None, float]:
    """Validate the options: purity in (0, 1], ploidy positive (default 2)."""
    if purity is not None and not (0 < purity <= 1):
        raise OptionError(f"purity must lie in (0, 1], got {purity}")
    ploidy = DEFAULT_PLOIDY if ploidy is None else ploidy
    if not (ploidy > 0 and math.isfinite(ploidy)):
        raise OptionError(f"ploidy must be a positive number, got {ploidy}")
    return purity, ploidy


def absolute_copy_number(log2: np.ndarray | float, purity: float | None, ploidy: float = DEFAULT_PLOIDY) -> np.ndarray:
    """Tumour copy number from log2 ratios (vectorised); NaN stays NaN."""
    import numpy as np

    ratio = ploidy * np.exp2(np.asarray(log2, dtype=float))
    if purity is None or purity >= 1:
        return ratio
    return np.clip((ratio - ploidy * (1 - purity)) / purity, 0, None)


def state_from_log2(copy_number: float, thresholds: CopyNumberThresholds,
                    ploidy: float = DEFAULT_PLOIDY) -> CopyNumberState:
    """State of a segment measured as a log2 ratio, given the copy number :func:`absolute_copy_number` made of it.

    The log2 cut-offs apply to the purity-rescaled ratio log2(copy_number / ploidy), as in CNVkit; amplification
    additionally needs the absolute copy number to reach ``amplification_cn``.
    """
    rescaled = math.log2(copy_number / ploidy) if copy_number > 0 else -math.inf
    # The fourth cut-off only separates CNVkit's 3 copies from 4+; here everything above neutral and below the
    # amplification copy number is a gain, so it does not change the state.
    deep, loss, neutral, _ = thresholds.log2_cutoffs
    if rescaled <= deep + TOLERANCE:
        return CopyNumberState.DEEP_DELETION
    if rescaled <= loss + TOLERANCE:
        return CopyNumberState.LOSS
    if rescaled <= neutral + TOLERANCE:
        return CopyNumberState.NEUTRAL
    if thresholds.is_amplified(copy_number, ploidy, TOLERANCE):
        return CopyNumberState.AMPLIFICATION
    return CopyNumberState.GAIN


def state_from_copy_number(copy_number: float, thresholds: CopyNumberThresholds,
                           ploidy: float = DEFAULT_PLOIDY) -> CopyNumberState:
    """State of one segment whose input gives an absolute copy number (CNVkit ``cn``, a VCF ``CN``, a caller's fit).

    Gain and loss compare the nearest whole copy number with the nearest whole ploidy (PURPLE's 3.1 is 3), so a
    3-copy segment of a triploid tumour is neutral, not a loss.
    """
    if thresholds.is_amplified(copy_number, ploidy, TOLERANCE):
        return CopyNumberState.AMPLIFICATION
    if copy_number < thresholds.deep_deletion_cn:
        return CopyNumberState.DEEP_DELETION
    nearest, baseline = math.floor(copy_number + 0.5), math.floor(ploidy + 0.5)
    if nearest > baseline:
        return CopyNumberState.GAIN
    if nearest < baseline:
        return CopyNumberState.LOSS
    return CopyNumberState.NEUTRAL
