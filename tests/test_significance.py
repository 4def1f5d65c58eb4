"""hpdgenomics.significance: one class per small variant (hotspot, known, oncogenic, truncating, vus)."""

from __future__ import annotations

import json
from importlib import resources
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from hpdgenomics.engine import load_rules
from hpdgenomics.engine.known import known_variants
from hpdgenomics.model import ConsequenceClass, SmallVariant
from hpdgenomics.model.protein import parse_protein_change
from hpdgenomics.readers.small_variants.maf import read_maf
from hpdgenomics.significance import classify_variant
from hpdgenomics.significance.hotspots import hotspot_for
from hpdgenomics.significance.oncogenicity import says_oncogenic

RULES = load_rules()
KNOWN = known_variants(RULES)
MAF = Path(__file__).resolve().parents[1] / "test_data" / "maf"
C = ConsequenceClass


def variant(gene: str, change: str | None, consequence: ConsequenceClass = C.MISSENSE, **extra) -> SmallVariant:
    return SmallVariant(gene=gene, chrom="1", pos=1, ref="A", alt="T", consequence_class=consequence,
                        protein_change=change, **extra)


@pytest.mark.parametrize(("gene", "change", "consequence", "extra", "expected"), [
    ("EGFR", "p.L858R", C.MISSENSE, {}, "hotspot"),
    ("EGFR", "p.E746_A750del", C.INFRAME_DELETION, {}, "hotspot"),  # the 745-759 in-frame indel range
    ("DNMT3A", "p.R882H", C.MISSENSE, {}, "hotspot"),
    ("EGFR", "p.C797S", C.MISSENSE, {}, "known"),  # listed by rule (cancelling osimertinib), not a hotspot
    ("EGFR", "p.S912A", C.MISSENSE, {"input_oncogenicity": "ONCOGENIC: Likely Oncogenic"}, "oncogenic"),
    ("TSC2", "p.R611Q", C.MISSENSE, {"input_oncogenicity": "cbp_driver: Putative_Driver"}, "oncogenic"),
    ("JAK1", "p.K860fs", C.FRAMESHIFT, {}, "truncating"),
    ("STK11", "p.M1?", C.START_LOST, {}, "truncating"),
    ("STK11", "p.H168R", C.MISSENSE, {}, "vus"),
    ("EGFR", "p.S912A", C.MISSENSE, {"input_oncogenicity": "ONCOGENIC: Likely Neutral"}, "vus"),
    ("EGFR", "p.A858R", C.MISSENSE, {}, "vus"),  # residue 858 is L in the table: another numbering, not a hotspot
])
def test_each_class(gene, change, consequence, extra, expected) -> None:
    classified = classify_variant(variant(gene, change, consequence, **extra), KNOWN)
    assert classified.significance == expected
    assert classified.significance_source


def test_known_by_exon_and_hotspot_sources() -> None:
    ex20 = classify_variant(variant("EGFR", "p.C775_R776insN", C.INFRAME_INSERTION, exon=20), KNOWN)
    assert ex20.significance == "known" and "EGFR-EX20INS-AMIVANTAMAB" in ex20.significance_source
    l858r = classify_variant(variant("EGFR", "p.L858R"), KNOWN)
    assert "Chang 2018" in l858r.significance_source and "PMID 29247016" in l858r.significance_source


def test_synonymous_and_non_coding_variants_get_no_class() -> None:
    assert classify_variant(variant("EGFR", "p.L858=", C.SYNONYMOUS), KNOWN).significance is None
    assert classify_variant(variant("EGFR", None, C.NON_CODING), KNOWN).significance is None


def test_hotspot_needs_an_observed_residue() -> None:
    assert hotspot_for("EGFR", parse_protein_change("p.L858R")) is not None
    assert hotspot_for("EGFR", parse_protein_change("p.L858M")) is None  # only R was observed at L858
    assert hotspot_for("EGFR", None) is None


def test_hotspot_table_checks_are_counted_in_the_manifest() -> None:
    manifest = json.loads((resources.files("hpdgenomics.data") / "MANIFEST.json").read_text(encoding="utf-8"))
    entry = next(o for o in manifest["outputs"] if o["name"].startswith("hotspots."))
    checks = entry["checks"]
    assert entry["rows"] == checks["rows_read"] == 1165
    assert sum(v for k, v in checks.items() if k != "rows_read") == checks["rows_read"]
    assert checks["same"] > checks["differs"] > 0


def test_maf_reader_carries_the_annotation_columns() -> None:
    result = read_maf(MAF / "significance_annotation_columns.maf", genes=None)
    variants = {v.label: v for sample in result.samples.values() for v in sample.variants}
    assert variants["p.S912A"].input_oncogenicity == "ONCOGENIC: Likely Oncogenic"
    assert variants["p.H168R"].input_oncogenicity == "cbp_driver: Putative_Passenger"
    assert variants["p.K860fs"].input_oncogenicity is None
    classes = {label: classify_variant(v, KNOWN).significance for label, v in variants.items()}
    assert classes == {"p.S912A": "oncogenic", "p.Y117C": "vus", "p.H168R": "vus", "p.R611Q": "oncogenic",
                       "p.K860fs": "truncating"}


@pytest.mark.parametrize(("annotation", "expected"), [
    ("ONCOGENIC: Oncogenic", True), ("ONCOGENIC: Likely Oncogenic", True), ("ONCOGENIC: Resistance", True),
    ("ONCOGENIC: Likely Neutral", False), ("ONCOGENIC: Inconclusive", False), ("ONCOGENIC: Unknown", False),
    ("cbp_driver: Putative_Driver", True), ("cbp_driver: Putative_Passenger", False),
    ("cbp_driver_annotation: OncoKB: Oncogenic", True), ("cbp_driver_annotation: Likely Neutral", False),
    (None, False), ("", False),
])
def test_input_annotation_values(annotation, expected) -> None:
    assert says_oncogenic(annotation) is expected


@given(st.text(max_size=40), st.sampled_from(["ONCOGENIC", "cbp_driver", "cbp_driver_annotation", "other"]))
def test_any_annotation_text_is_read_without_error(value: str, column: str) -> None:
    result = says_oncogenic(f"{column}: {value}")
    assert isinstance(result, bool)
    if _NEGATIVE in value.casefold():
        assert result is False


_NEGATIVE = "neutral"
