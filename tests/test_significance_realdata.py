"""Issue 13 on real data: prostate_msk_2024 (2,260 samples) through `hpdgenomics cohort` with the significance layer.

Before the layer (main at 8ff092c) the study gave high 30, elevated 29 (every elevated from EGFR-HPD-NON-NSCLC on
arbitrary EGFR variants), none detected 2,201; 2 of the 43 BRCA2 homozygous deletions had a BRCA2 finding, and JAK1
"resistance" was moderate in all 33 MSI-high tumours with JAK1 frameshifts.
"""

from __future__ import annotations

import csv
import json
from collections import Counter

import pytest

from hpdgenomics.cohort import run_cohort
from hpdgenomics.request import CohortRequest

from .conftest import REALDATA_FIGURES, realdata

pytestmark = pytest.mark.realdata


@pytest.fixture(scope="module")
def prostate(tmp_path_factory: pytest.TempPathFactory) -> dict[str, dict]:
    folder = realdata("prostate_msk_2024")
    out = tmp_path_factory.mktemp("prostate") / "out"
    run_cohort(CohortRequest.of(study_dir=folder, out=out, skip_missing=True))
    return {p.name.removesuffix(".hpd.json"): json.loads(p.read_text(encoding="utf-8"))
            for p in (out / "samples").glob("*.hpd.json")}


def _brca2_homozygous_deletions() -> list[str]:
    with realdata("prostate_msk_2024/data_CNA.txt").open(encoding="utf-8") as handle:
        rows = csv.reader(handle, delimiter="\t")
        header = next(rows)
        brca2 = next(row for row in rows if row[0] == "BRCA2")
    return [sample for sample, value in zip(header, brca2, strict=True) if value.strip() == "-2"]


def test_level_counts_and_no_level_on_a_vus(prostate: dict[str, dict]) -> None:
    levels = Counter(r["hpd_risk"]["level"] for r in prostate.values())
    assert len(prostate) == 2260
    assert levels == {"high": 14, "elevated": 16, "none_detected": 2230}
    setting = Counter(reason["rule_id"] for r in prostate.values() for reason in r["hpd_risk"]["reasons"]
                      if reason["role"] == "sets_level")
    assert setting == {"MDM2-AMP-HPD": 14, "MDM4-AMP-HPD": 16}
    on_vus = [(sample, f["rule_id"]) for sample, r in prostate.items() for f in r["findings"]
              if (f.get("variant") or {}).get("significance") == "vus"]
    assert on_vus == []
    listed = sum(len(r["variants_of_unknown_significance"]) for r in prostate.values())
    REALDATA_FIGURES.append(f"prostate_msk_2024 with variant significance: levels {dict(levels)} (before: high 30, "
                            f"elevated 29, none detected 2,201); {listed} variants listed apart as not counting")


def test_every_brca2_homozygous_deletion_is_targetable(prostate: dict[str, dict]) -> None:
    deletions = _brca2_homozygous_deletions()
    assert len(deletions) == 43
    targetable = [s for s in deletions if any(
        f["rule_id"] == "BRCA2-OLAPARIB-PROSTATE" and f.get("copy_number")
        and any(t["level"] == "1" and t["tumour_type_match"] == "applies" for t in f["therapies"])
        for f in prostate[s]["findings"])]
    assert len(targetable) == 43


def test_jak1_frameshifts_in_msi_high_tumours_raise_no_resistance_alone(prostate: dict[str, dict]) -> None:
    msi_high = [s for s, r in prostate.items() if any(f["rule_id"] == "MSI-HIGH-PEMBROLIZUMAB" for f in r["findings"])]
    jak1 = [(s, f) for s in msi_high for f in prostate[s]["findings"] if f["rule_id"] == "JAK1-ICI-RESISTANCE"]
    assert len({s for s, _ in jak1}) == 33
    raised = {s for s, f in jak1 if f["strength"] != "emerging"}
    assert len(raised) == 5  # each with a nonsense or splice-site JAK1 hit beside the frameshift
    REALDATA_FIGURES.append(f"prostate_msk_2024: JAK1 resistance in MSI-high tumours {len(raised)} of "
                            f"{len({s for s, _ in jak1})} (second hit of another kind); the rest emerging")
    for sample, finding in jak1:
        copy_number = [c for c in prostate[sample]["copy_number"].get("genes", ()) if c.get("gene") == "JAK1"]
        others = [f for f in prostate[sample]["findings"] if f["rule_id"] == "JAK1-ICI-RESISTANCE" and f is not finding]
        second_kind = any((f.get("variant") or {}).get("consequence_class") != "frameshift" for f in others)
        if finding["strength"] != "emerging":  # only with a second hit of another kind, or LOH
            assert second_kind or any(c.get("loh") for c in copy_number) or \
                (finding.get("variant") or {}).get("consequence_class") != "frameshift", sample
        assert any("JAK1" in c for c in finding.get("caveats", ())), sample
