"""Copy-number calling: purity/ploidy formula, thresholds, segment → gene overlap, co-amplification."""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st

from hpdgenomics.copynumber import (
    CopyNumberThresholds,
    ThresholdSet,
    absolute_copy_number,
    call_segments,
    co_amplifications,
    load_thresholds,
    state_from_copy_number,
    state_from_log2,
)
from hpdgenomics.copynumber.absolute import check_purity_ploidy
from hpdgenomics.errors import OptionError
from hpdgenomics.genome.reference import load_genes
from hpdgenomics.model import CopyNumberState

DEFAULT = CopyNumberThresholds()
AMP, GAIN, NEUTRAL, LOSS, DEEP = (CopyNumberState.AMPLIFICATION, CopyNumberState.GAIN, CopyNumberState.NEUTRAL,
                                  CopyNumberState.LOSS, CopyNumberState.DEEP_DELETION)


# ------------------------------------------------------------------------------------------ purity and ploidy


@pytest.mark.parametrize(("copy_number", "purity", "log2"), [
    # The knowledge file's worked values (diploid background, ratio = (p*CN + (1-p)*2) / 2), to 2 decimals.
    (6, 1.0, 1.58), (6, 0.5, 1.00), (6, 0.3, 0.68), (6, 0.2, 0.49),
    (8, 1.0, 2.00), (8, 0.5, 1.32), (8, 0.3, 0.93), (8, 0.2, 0.68),
    (4, 1.0, 1.00), (4, 0.5, 0.58), (4, 0.3, 0.38), (4, 0.2, 0.26),
])
def test_purity_formula_inverts_the_knowledge_file_table(copy_number: int, purity: float, log2: float) -> None:
    exact = math.log2((purity * copy_number + (1 - purity) * 2) / 2)
    assert round(exact, 2) == log2
    assert float(absolute_copy_number(exact, purity)) == pytest.approx(copy_number)


def test_without_purity_copy_number_is_ploidy_times_ratio() -> None:
    assert float(absolute_copy_number(1.0, None)) == pytest.approx(4.0)
    assert float(absolute_copy_number(1.0, None, ploidy=3)) == pytest.approx(6.0)
    assert float(absolute_copy_number(0.0, 1.0)) == pytest.approx(2.0)


def test_purity_rescaling_never_goes_below_zero_and_keeps_nan() -> None:
    values = absolute_copy_number(np.array([-5.0, np.nan]), 0.2)
    assert values[0] == 0.0 and math.isnan(values[1])


@given(st.floats(min_value=-6, max_value=6), st.floats(min_value=0.05, max_value=1.0))
def test_absolute_copy_number_is_monotonic_in_log2(log2: float, purity: float) -> None:
    lower = float(absolute_copy_number(log2, purity))
    higher = float(absolute_copy_number(log2 + 0.1, purity))
    assert higher >= lower >= 0


@pytest.mark.parametrize(("purity", "ploidy"), [(0.0, None), (1.2, None), (-0.1, None), (0.5, 0.0), (0.5, -2.0)])
def test_impossible_purity_or_ploidy_is_a_usage_error(purity: float, ploidy: float | None) -> None:
    with pytest.raises(OptionError):
        check_purity_ploidy(purity, ploidy)


def test_unadjusted_six_copies_at_30_percent_purity_is_only_a_gain() -> None:
    """The knowledge file's warning: without purity a 6-copy amplification at 30% purity reads as a gain."""
    observed = math.log2((0.3 * 6 + 0.7 * 2) / 2)
    assert state_from_log2(float(absolute_copy_number(observed, None)), DEFAULT) is GAIN
    assert state_from_log2(float(absolute_copy_number(observed, 0.3)), DEFAULT) is AMP


# ------------------------------------------------------------------------------------------ thresholds


@pytest.mark.parametrize(("log2", "state"), [
    (-1.1, DEEP), (-1.0999, LOSS), (-0.25, LOSS), (-0.2499, NEUTRAL), (0.2, NEUTRAL), (0.2001, GAIN),
    (1.0, GAIN),  # 4 copies: above CNVkit's 0.7 but below the amplification copy number
    (math.log2(3), AMP),  # exactly 6 copies
    (math.log2(3) - 0.001, GAIN),
])
def test_log2_states_follow_cnvkit_cutoffs_inclusive_and_amplification_at_six(log2: float,
                                                                            state: CopyNumberState) -> None:
    assert state_from_log2(float(absolute_copy_number(log2, None)), DEFAULT) is state


@pytest.mark.parametrize(("copy_number", "state"), [
    (0, DEEP), (0.49, DEEP), (0.5, LOSS), (1, LOSS), (2, NEUTRAL), (2.4, NEUTRAL), (3, GAIN), (5, GAIN), (6, AMP),
    (14, AMP),
])
def test_copy_number_states(copy_number: float, state: CopyNumberState) -> None:
    assert state_from_copy_number(copy_number, DEFAULT) is state


def test_ploidy_moves_the_neutral_copy_number() -> None:
    assert state_from_copy_number(4, DEFAULT, ploidy=4) is NEUTRAL
    assert state_from_copy_number(3, DEFAULT, ploidy=4) is LOSS


def test_thresholds_yaml_sets_defaults_and_per_gene_values(tmp_path: Path) -> None:
    path = tmp_path / "thresholds.yaml"
    path.write_text("default:\n  amplification_cn: 5\ngenes:\n  MDM2:\n    amplification_cn: 8\n")
    thresholds = load_thresholds(path)
    assert thresholds.for_gene("CDK4").amplification_cn == 5
    assert thresholds.for_gene("MDM2").amplification_cn == 8
    assert thresholds.for_gene("MDM2").log2_cutoffs == DEFAULT.log2_cutoffs
    # A global option overrides the file's default; the per-gene value still wins for its gene.
    overridden = load_thresholds(path, amplification_cn=7)
    assert overridden.for_gene("CDK4").amplification_cn == 7
    assert overridden.for_gene("MDM2").amplification_cn == 8


@pytest.mark.parametrize("text", [
    "default:\n  amplifcation_cn: 5\n",  # typo: unknown key
    "genes:\n  MDM2:\n    amplification_cn: lots\n",
    "default:\n  log2_cutoffs: [0.7, 0.2, -0.25, -1.1]\n",  # not increasing
    "- a list\n",
])
def test_bad_thresholds_files_are_usage_errors(tmp_path: Path, text: str) -> None:
    path = tmp_path / "thresholds.yaml"
    path.write_text(text)
    with pytest.raises(OptionError):
        load_thresholds(path)


# ------------------------------------------------------------------------------------------ segment → gene


def _segments(rows: list[tuple[str, str, int, int, float]]) -> pd.DataFrame:
    frame = pd.DataFrame(rows, columns=["sample", "chrom", "start", "end", "log2"])
    frame["line"] = range(2, 2 + len(frame))
    return frame


GENES37 = load_genes("GRCh37")
MDM2 = GENES37.get("MDM2")  # 12:69201951-69239324 (0-based half-open)
MDM4 = GENES37.get("MDM4")


def test_gene_cut_by_two_segments_is_called_on_the_amplified_part_with_both_parts_reported() -> None:
    frame = _segments([("T", "12", 69_000_000, 69_220_000, 0.0), ("T", "12", 69_220_000, 69_400_000, 2.3)])
    calls = call_segments(frame, {"MDM2": MDM2}, ThresholdSet(), file_name="t.seg")["T"]
    call = calls.calls["MDM2"]
    assert call.state is AMP and call.copy_number == pytest.approx(2 * 2**2.3, abs=0.01)
    assert [p.state for p in call.parts] == [NEUTRAL, AMP]
    assert [p.overlap_bp for p in call.parts] == [69_220_000 - 69_201_951, 69_239_324 - 69_220_000]
    assert call.fraction_covered == 1.0 and "2 segments" in call.method
    assert call.source == "t.seg:3"


def test_partly_covered_gene_reports_the_fraction_and_uses_the_largest_part() -> None:
    frame = _segments([("T", "12", 69_210_000, 69_230_000, -0.5)])
    call = call_segments(frame, {"MDM2": MDM2}, ThresholdSet())["T"].calls["MDM2"]
    assert call.state is LOSS
    assert call.fraction_covered == pytest.approx(20_000 / (69_239_324 - 69_201_951), abs=1e-4)


def test_deep_deletion_of_any_part_wins_over_a_larger_neutral_part() -> None:
    frame = _segments([("T", "12", 69_000_000, 69_230_000, 0.0), ("T", "12", 69_230_000, 69_300_000, -2.5)])
    assert call_segments(frame, {"MDM2": MDM2}, ThresholdSet())["T"].calls["MDM2"].state is DEEP


def test_gene_without_a_segment_is_not_assessed_with_the_reason() -> None:
    frame = _segments([("T", "12", 69_000_000, 69_400_000, 2.0)])
    result = call_segments(frame, {"MDM2": MDM2, "MDM4": MDM4, "NOTAGENE": None}, ThresholdSet())["T"]
    assert set(result.calls) == {"MDM2"}
    assert result.not_assessed["MDM4"] == "no copy-number segment of T overlaps MDM4 (1:204485507-204527248)"
    assert "no coordinates" in result.not_assessed["NOTAGENE"]


def test_a_sample_asked_for_but_without_segments_has_nothing_assessed() -> None:
    frame = _segments([("T", "12", 69_000_000, 69_400_000, 2.0)])
    result = call_segments(frame, {"MDM2": MDM2}, ThresholdSet(), samples=["T", "OTHER"])
    assert set(result["OTHER"].not_assessed) == {"MDM2"} and not result["OTHER"].calls


def test_per_gene_threshold_changes_only_that_gene() -> None:
    frame = _segments([("T", "12", 58_000_000, 70_000_000, 1.9)])  # 7.5 copies over CDK4 and MDM2
    strict = ThresholdSet(CopyNumberThresholds(), {"MDM2": CopyNumberThresholds(amplification_cn=8)})
    genes = {"MDM2": MDM2, "CDK4": GENES37.get("CDK4")}
    calls = call_segments(frame, genes, strict)["T"].calls
    assert calls["MDM2"].state is GAIN and calls["CDK4"].state is AMP


def test_copy_number_column_is_used_as_given() -> None:
    frame = _segments([("T", "12", 69_000_000, 69_400_000, 0.1)])
    frame["cn"] = [9.0]
    call = call_segments(frame, {"MDM2": MDM2}, ThresholdSet(), purity=0.5)["T"].calls["MDM2"]
    assert call.state is AMP and call.copy_number == 9.0 and "as given" in call.method


def test_focal_follows_segment_length() -> None:
    focal = _segments([("T", "12", 69_000_000, 69_400_000, 2.0)])
    broad = _segments([("T", "12", 50_000_000, 80_000_000, 2.0)])
    assert call_segments(focal, {"MDM2": MDM2}, ThresholdSet())["T"].calls["MDM2"].focal is True
    assert call_segments(broad, {"MDM2": MDM2}, ThresholdSet())["T"].calls["MDM2"].focal is False


def test_bins_are_averaged_on_the_log2_scale_with_weights() -> None:
    frame = _segments([("T", "12", 69_201_000, 69_210_000, 3.0), ("T", "12", 69_210_000, 69_220_000, 1.0)])
    frame["weight"] = [3.0, 1.0]
    call = call_segments(frame, {"MDM2": MDM2}, ThresholdSet(), bins=True)["T"].calls["MDM2"]
    assert call.log2 == pytest.approx(2.5)
    assert call.copy_number == pytest.approx(2 * 2**2.5, abs=0.01) and "2 bins" in call.method


def test_many_samples_are_called_in_one_pass() -> None:
    rows = [(f"S{i}", "12", 69_000_000, 69_400_000, 2.0 if i % 2 else 0.0) for i in range(200)]
    result = call_segments(_segments(rows), {"MDM2": MDM2}, ThresholdSet())
    assert sum(r.calls["MDM2"].state is AMP for r in result.values()) == 100


# ------------------------------------------------------------------------------------------ co-amplification


def test_mdm2_and_cdk4_on_12q_are_one_co_amplification_event() -> None:
    frame = _segments([("T", "12", 58_000_000, 58_200_000, 2.0), ("T", "12", 69_100_000, 69_300_000, 2.5),
                       ("T", "1", 204_400_000, 204_600_000, 2.0)])
    genes = {g: GENES37.get(g) for g in ("MDM2", "CDK4", "MDM4")}
    calls = call_segments(frame, genes, ThresholdSet())["T"].calls.values()
    events = co_amplifications(calls, genes, "GRCh37")
    assert [(e.genes, e.cytobands) for e in events] == [(("CDK4", "MDM2"), ("12q14.1", "12q15"))]
    assert "co-amplified on 12q" in events[0].note


def test_11q13_genes_form_one_event() -> None:
    genes = {g: GENES37.get(g) for g in ("CCND1", "FGF19", "FGF4", "FGF3")}
    frame = _segments([("T", "11", 69_400_000, 69_700_000, 2.2)])
    calls = call_segments(frame, genes, ThresholdSet())["T"].calls.values()
    (event,) = co_amplifications(calls, genes, "GRCh37")
    assert event.genes == ("CCND1", "FGF19", "FGF4", "FGF3") and event.cytobands == ("11q13.3",)
