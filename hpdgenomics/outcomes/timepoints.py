"""Choosing each patient's pre-baseline, baseline and first-evaluation scans.

Default: baseline = the last scan on or before treatment start; pre-baseline = the scan just before baseline;
first evaluation = the first scan after treatment start. Without a treatment start, the last screening/baseline visit
(SDTM VISIT) is the baseline. Wide tables name the three scans themselves. The choice is written into every output.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from hpdgenomics.errors import OptionError
from hpdgenomics.outcomes.sdtm import BASELINE_VISITS
from hpdgenomics.outcomes.series import PatientSeries, Scan, TimePoints

PRE_BASELINE_CHOICES = ("previous", "earliest")


@dataclass(frozen=True)
class TimePointChoice:
    """How the scans are chosen (the user can override each part)."""

    pre_baseline: str = "previous"  # "previous": the scan just before baseline; "earliest": the first scan
    first_eval_min_days: int = 1  # the first evaluation is the first scan at least this many days after start

    def __post_init__(self) -> None:
        if self.pre_baseline not in PRE_BASELINE_CHOICES:
            raise OptionError(f"pre-baseline choice {self.pre_baseline!r}: expected one of "
                              f"{', '.join(PRE_BASELINE_CHOICES)}")
        if self.first_eval_min_days < 1:
            raise OptionError("the first evaluation must be at least 1 day after treatment start")

    def describe(self) -> str:
        pre = "the scan just before baseline" if self.pre_baseline == "previous" else "the earliest scan"
        after = "after" if self.first_eval_min_days == 1 else f"at least {self.first_eval_min_days} days after"
        return (f"baseline = last scan on or before treatment start; pre-baseline = {pre}; first evaluation = first "
                f"scan {after} treatment start")


def select_time_points(series: PatientSeries, choice: TimePointChoice) -> TimePoints:
    """The three scans of one patient (any may be None, with the reason in ``problem``)."""
    named = {scan.role: scan for scan in series.scans if scan.role}
    if named:
        return TimePoints(named.get("pre_baseline"), named.get("baseline"), named.get("first_evaluation"),
                          "as named by the wide table's columns",
                          None if named.get("pre_baseline") else "no pre-baseline scan")
    dated = [scan for scan in series.scans if scan.date is not None]
    undated = len(series.scans) - len(dated)
    note = f" ({undated} scan(s) without a full date left out)" if undated else ""
    if series.treatment_start is not None:
        start = series.treatment_start
        before = [scan for scan in dated if scan.date is not None and scan.date <= start]
        after = [scan for scan in dated
                 if scan.date is not None and scan.date >= start + timedelta(days=choice.first_eval_min_days)]
        return _points(before, after, choice, choice.describe() + note)
    visits = [i for i, scan in enumerate(dated) if scan.visit and any(w in scan.visit.upper() for w in BASELINE_VISITS)]
    if visits:
        last = visits[-1]
        basis = ("no treatment start given: baseline = last screening/baseline visit; pre-baseline = the scan before "
                 "it; first evaluation = the next scan" + note)
        return _points(dated[:last + 1], dated[last + 1:], choice, basis)
    return TimePoints(None, None, None, "no treatment start" + note, "no treatment start date")


def _points(before: list[Scan], after: list[Scan], choice: TimePointChoice, basis: str) -> TimePoints:
    baseline = before[-1] if before else None
    earlier = before[:-1]
    pre = None
    if earlier:
        pre = earlier[-1] if choice.pre_baseline == "previous" else earlier[0]
    first = after[0] if after else None
    problem = None
    if baseline is None:
        problem = "no scan on or before treatment start (no baseline)"
    elif first is None:
        problem = "no scan after treatment start (no first evaluation)"
    elif pre is None:
        problem = "no pre-baseline scan"
    return TimePoints(pre, baseline, first, basis, problem)
