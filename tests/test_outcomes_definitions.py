"""HPD definitions as data: the bundled file validates, and each definition's call on hand-made edge cases."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from hpdgenomics.errors import RuleError
from hpdgenomics.outcomes.definitions import label, load_definitions
from hpdgenomics.outcomes.growth import Quantities
from hpdgenomics.outcomes.series import TimePoints

DEFINITIONS = {d.id: d for d in load_definitions().definitions}
POINTS = TimePoints(None, None, None, "hand-made")


def call(definition: str, **values: Any) -> str:
    q = Quantities("X", POINTS, {k: v for k, v in values.items() if v is not None},
                   {k: "hand-made missing" for k, v in values.items() if v is None})
    return label(DEFINITIONS[definition], q).call


def test_every_definition_has_a_citation_and_status() -> None:
    assert set(DEFINITIONS) == {"champiat_2017", "ferrara_2018", "kas_2020", "saada_bouzid_2017", "matos_2020",
                                "kato_2017"}
    for definition in DEFINITIONS.values():
        assert definition.citation and definition.verification in ("verified", "partly", "seed", "unverified")
    assert load_definitions().recist_verification == "unverified"  # RECIST 1.1 thresholds are not in knowledge/


@pytest.mark.parametrize(("values", "expected"), [
    ({"recist_progression": True, "tgr_ratio": 2.0}, "HPD"),  # the boundary: ratio >= 2
    ({"recist_progression": True, "tgr_ratio": 1.999}, "no_HPD"),
    ({"recist_progression": False, "tgr_ratio": 5.0}, "no_HPD"),  # growth without RECIST progression
    ({"recist_progression": None, "tgr_ratio": 5.0}, "not_evaluable"),
    ({"recist_progression": None, "tgr_ratio": 1.0}, "no_HPD"),  # the ratio alone rules it out
    ({"recist_progression": True, "tgr_ratio": None}, "not_evaluable"),  # required
])
def test_champiat(values: dict[str, Any], expected: str) -> None:
    assert call("champiat_2017", **values) == expected


@pytest.mark.parametrize(("definition", "delta", "expected"), [
    ("ferrara_2018", 50.0, "no_HPD"), ("ferrara_2018", 50.01, "HPD"),  # strictly greater than 50
    ("kas_2020", 100.0, "no_HPD"), ("kas_2020", 100.5, "HPD"), ("kas_2020", 75.0, "no_HPD"),
])
def test_delta_tgr_definitions(definition: str, delta: float, expected: str) -> None:
    assert call(definition, recist_progression=True, delta_tgr=delta) == expected


def test_delta_tgr_needs_progression() -> None:
    assert call("ferrara_2018", recist_progression=False, delta_tgr=300.0) == "no_HPD"
    assert call("ferrara_2018", recist_progression=True, delta_tgr=None) == "not_evaluable"


@pytest.mark.parametrize(("ratio", "expected"), [(2.0, "HPD"), (1.99, "no_HPD"), (None, "not_evaluable")])
def test_saada_bouzid(ratio: float | None, expected: str) -> None:
    assert call("saada_bouzid_2017", tgk_ratio=ratio) == expected


@pytest.mark.parametrize(("pct", "organs", "expected"), [
    (40.0, None, "HPD"),  # +40% alone suffices, new lesions unknown
    (39.9, 2, "HPD"),  # +20% with new lesions in two organs
    (39.9, 1, "no_HPD"),
    (19.9, 3, "no_HPD"),
    (25.0, None, "not_evaluable"),  # the new-lesion branch is undecided
    (None, 3, "not_evaluable"),
])
def test_matos(pct: float | None, organs: int | None, expected: str) -> None:
    assert call("matos_2020", pct_change_first_eval=pct, new_lesion_organs=organs) == expected


@pytest.mark.parametrize(("ttf", "pct", "pace", "expected"), [
    (1.9, 51.0, 2.1, "HPD"),
    (2.0, 51.0, 2.1, "no_HPD"),  # TTF must be under 2 months
    (1.9, 50.0, 2.1, "no_HPD"),  # more than 50%
    (1.9, 51.0, 2.0, "no_HPD"),  # more than 2-fold
    (1.9, 51.0, None, "not_evaluable"),
    (None, 51.0, 3.0, "not_evaluable"),
])
def test_kato(ttf: float | None, pct: float | None, pace: float | None, expected: str) -> None:
    assert call("kato_2017", ttf_months=ttf, pct_change_first_eval=pct, tgk_ratio=pace) == expected


def test_expressions_are_refused(tmp_path: Path) -> None:
    text = (Path(__file__).resolve().parents[1] / "hpdgenomics/outcomes/definitions.yaml").read_text()
    bad = tmp_path / "bad.yaml"
    bad.write_text(text.replace("op: at_least, value: 2}", "op: \"__import__('os')\", value: 2}", 1))
    with pytest.raises(RuleError, match="definitions"):
        load_definitions(bad)
    dup = tmp_path / "dup.yaml"
    dup.write_text(text.replace("id: ferrara_2018", "id: champiat_2017"))
    with pytest.raises(RuleError, match="appears twice"):
        load_definitions(dup)
