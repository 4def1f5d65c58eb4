"""What both MAF readers share: the columns, the skip reasons, the result types, and the variant of a kept row.

:mod:`.maf` (the careful path) and :mod:`.maf_stream` (the fast path) both import this module; it imports neither.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from hpdgenomics.genome.builds import normalise_contig
from hpdgenomics.model.alterations import Origin, SmallVariant
from hpdgenomics.model.qc import ReadTally, TmbCount
from hpdgenomics.model.vocab import class_of_maf_classification
from hpdgenomics.readers.small_variants.maf_columns import CENTRE_PROTEIN_COLUMNS, STANDARD_PROTEIN_COLUMNS, protein_of

REQUIRED = ("Hugo_Symbol", "Tumor_Sample_Barcode", "Variant_Classification")
OPTIONAL = (
    "Chromosome", "Start_Position", "End_Position", "Reference_Allele", "Tumor_Seq_Allele1", "Tumor_Seq_Allele2",
    "HGVSp_Short", "Protein_Change", "HGVSp", "HGVSc", "Transcript_ID", "Exon_Number",
    "t_alt_count", "t_ref_count", "t_depth", "Mutation_Status", "NCBI_Build", "FILTER",
    *("ONCOGENIC", "cbp_driver", "cbp_driver_annotation"),
)
# Columns in which an annotator states the variant's significance (OncoKB annotator, cBioPortal), first found first.
ONCOGENICITY_COLUMNS = ("ONCOGENIC", "cbp_driver", "cbp_driver_annotation")

PROTEIN_COLUMNS = (*STANDARD_PROTEIN_COLUMNS, *CENTRE_PROTEIN_COLUMNS)  # most specific first (maf_columns.py)

SKIP_GERMLINE = "germline (Mutation_Status)"
SKIP_UNKNOWN_CLASS = "unrecognised Variant_Classification"
SKIP_NOT_RULE_GENE = "not in a gene the rules need"
SKIP_BLANK = "blank line"
SKIP_FILTERED = "FILTER not PASS"


@dataclass(frozen=True)
class MafChoice:
    """Which rows of a MAF a read keeps and counts (the keyword options of :func:`.maf.read_maf`)."""

    sample: str | None = None  # only this Tumor_Sample_Barcode
    include_germline: bool = False
    include_filtered: bool = False
    genes: frozenset[str] | None = None  # keep variants of these genes only (others are counted)
    tmb: TmbCount | None = None  # a template (its regions): count every sample's mutations for TMB
    declared_build: str | None = None  # the user's build, checked against positions when the file names none


@dataclass
class MafSample:
    """The rows of one Tumor_Sample_Barcode."""

    sample_id: str
    variants: list[SmallVariant] = field(default_factory=list)
    tally: ReadTally | None = None
    tmb: TmbCount | None = None  # mutations counted for TMB (when asked for)


@dataclass
class MafResult:
    """All samples read from one MAF, in the order they first appear."""

    path: Path
    samples: dict[str, MafSample]
    build: str | None
    protein_column: str | None


def kept_variant(record: dict[str, Any], where: str, protein_columns: list[str]) -> SmallVariant:
    """The variant of a row that passed the checks of :func:`_read_row` (also used by the streamed fast path)."""
    gene = (record["Hugo_Symbol"] or "").strip()
    status = (record.get("Mutation_Status") or "").strip().lower()
    filter_value = (record.get("FILTER") or "PASS").strip() or "PASS"
    consequence = class_of_maf_classification(record["Variant_Classification"] or "")
    assert consequence is not None
    return SmallVariant(
        gene=gene,
        chrom=normalise_contig((record.get("Chromosome") or "").strip()),
        pos=int_value(record.get("Start_Position")),
        ref=(record.get("Reference_Allele") or "").strip(),
        alt=_alt(record),
        consequence_class=consequence,
        consequence_terms=(record["Variant_Classification"],),
        protein_change=protein_of(record, protein_columns),
        transcript=(record.get("Transcript_ID") or "").strip() or None,
        hgvsc=(record.get("HGVSc") or "").strip() or None,
        exon=_exon(record.get("Exon_Number")),
        vaf=_vaf(record),
        depth=int_value(record.get("t_depth")) or _sum(record.get("t_alt_count"), record.get("t_ref_count")),
        alt_reads=int_value(record.get("t_alt_count")),
        filter=filter_value,
        origin={"somatic": Origin.SOMATIC, "germline": Origin.GERMLINE}.get(status, Origin.UNKNOWN),
        annotation="MAF Variant_Classification",
        source=where,
        input_oncogenicity=_oncogenicity(record),
    )


def _oncogenicity(record: dict[str, Any]) -> str | None:
    """The first significance column the row fills in, as "column: value" (read by hpdgenomics.significance)."""
    for column in ONCOGENICITY_COLUMNS:
        value = (record.get(column) or "").strip()
        if value and value not in (".", "NA"):
            return f"{column}: {value}"
    return None


def _alt(record: dict[str, Any]) -> str:
    ref = (record.get("Reference_Allele") or "").strip()
    for column in ("Tumor_Seq_Allele2", "Tumor_Seq_Allele1"):
        allele = (record.get(column) or "").strip()
        if allele and allele != ref:
            return allele
    return ""


def _exon(text: str | None) -> int | None:
    head = (text or "").split("/", 1)[0].strip()
    return int(head) if head.isdigit() else None


def int_value(text: Any) -> int | None:
    """A MAF number cell as an int (``12``, ``12.0``), None when blank or not a number."""
    text = str(text or "").strip()
    try:
        return int(float(text)) if text else None
    except ValueError:
        return None


def _sum(*values: Any) -> int | None:
    numbers = [int_value(v) for v in values]
    return sum(n for n in numbers if n is not None) if all(n is not None for n in numbers) else None


def _vaf(record: dict[str, Any]) -> float | None:
    alt, ref = int_value(record.get("t_alt_count")), int_value(record.get("t_ref_count"))
    if alt is None or ref is None or alt + ref == 0:
        return None
    return round(alt / (alt + ref), 6)
