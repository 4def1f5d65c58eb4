"""Rules engine: load validated rules, evaluate them on a sample profile, decide the risk level."""

from hpdgenomics.engine.evaluate import evaluate
from hpdgenomics.engine.findings import Evaluation, Finding, NotAssessed, TherapyOption
from hpdgenomics.engine.loader import load_rules
from hpdgenomics.engine.policy import HpdRisk, decide_hpd_risk
from hpdgenomics.engine.rules import Rule, RuleSet

__all__ = [
    "Evaluation",
    "Finding",
    "HpdRisk",
    "NotAssessed",
    "Rule",
    "RuleSet",
    "TherapyOption",
    "decide_hpd_risk",
    "evaluate",
    "load_rules",
]
