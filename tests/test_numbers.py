"""The numbers behind evidence: exact binomial intervals (checked against scipy called directly) and their wording."""

from __future__ import annotations

import pytest
from scipy.stats import binomtest

from hpdgenomics.engine import load_rules
from hpdgenomics.engine.rules import EvidenceCount
from hpdgenomics.report.numbers import count_entry, count_sentence, exact_ci, short_citation


@pytest.mark.parametrize(("events", "total"), [(4, 6), (2, 10), (0, 5), (5, 5), (56, 406)])
def test_exact_interval_is_scipys_clopper_pearson(events: int, total: int) -> None:
    expected = binomtest(events, total).proportion_ci(confidence_level=0.95, method="exact")
    assert exact_ci(events, total) == pytest.approx((expected.low, expected.high), abs=1e-12)


def test_kato_mdm2_sentence_from_the_bundled_rule() -> None:
    rule = load_rules().get("MDM2-AMP-HPD")
    assert rule is not None
    kato = next(e for e in rule.evidence if e.count is not None)
    entry = {"citation": kato.citation, "count": count_entry(kato.count)}
    assert count_sentence(entry) == ("Kato 2017: 4 of 6 MDM2/MDM4-amplified patients had hyperprogression "
                                     "(exact 95% CI 22–96%)")


def test_no_count_no_sentence_and_short_citations() -> None:
    assert count_entry(None) is None and count_sentence({"citation": "X 2020", "count": None}) is None
    assert short_citation("Kato S, Goodman A, et al. Clin Cancer Res 2017;23:4242-50") == "Kato 2017"
    assert short_citation("Kurzrock (no year)") == "Kurzrock (no year)"
    entry = count_entry(EvidenceCount(1, 4, "had it"))
    assert entry is not None and entry["ci95"] == [round(v, 4) for v in exact_ci(1, 4)]
