"""Somatic small variants from a MAF: GDC MAF (``#version`` lines, gzipped or not) and cBioPortal MAF.

Only the columns needed are read (a GDC MAF has over 100). Several samples per file: each becomes its own
:class:`MafSample` with its own tally. Germline rows are excluded unless asked for, and counted either way.
"""

from __future__ import annotations

import csv
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from hpdgenomics.errors import InputError, SampleSelectionError
from hpdgenomics.genome.builds import UnsupportedBuild, normalise_build_name, normalise_contig
from hpdgenomics.model.alterations import Origin, SmallVariant
from hpdgenomics.model.protein import parse_protein_change
from hpdgenomics.model.qc import ReadTally
from hpdgenomics.model.vocab import class_of_maf_classification
from hpdgenomics.readers.text import GZIP_MAGIC, open_text

REQUIRED = ("Hugo_Symbol", "Tumor_Sample_Barcode", "Variant_Classification")
OPTIONAL = (
    "Chromosome", "Start_Position", "Reference_Allele", "Tumor_Seq_Allele1", "Tumor_Seq_Allele2",
    "HGVSp_Short", "Protein_Change", "HGVSp", "HGVSc", "Transcript_ID", "Exon_Number",
    "t_alt_count", "t_ref_count", "t_depth", "Mutation_Status", "NCBI_Build", "FILTER",
)
# Protein-change columns, most specific first: GDC/vcf2maf HGVSp_Short, maftools/OncoKB Protein_Change, HGVSp.
PROTEIN_COLUMNS = ("HGVSp_Short", "Protein_Change", "HGVSp")

SKIP_GERMLINE = "germline (Mutation_Status)"
SKIP_UNKNOWN_CLASS = "unrecognised Variant_Classification"
SKIP_NOT_RULE_GENE = "not in a gene the rules need"
SKIP_BLANK = "blank line"
SKIP_FILTERED = "FILTER not PASS"


@dataclass
class MafSample:
    """The rows of one Tumor_Sample_Barcode."""

    sample_id: str
    variants: list[SmallVariant] = field(default_factory=list)
    tally: ReadTally | None = None


@dataclass
class MafResult:
    """All samples read from one MAF, in the order they first appear."""

    path: Path
    samples: dict[str, MafSample]
    build: str | None
    protein_column: str | None


def read_maf(
    path: str | Path,
    *,
    sample: str | None = None,
    include_germline: bool = False,
    include_filtered: bool = False,
    genes: frozenset[str] | None = None,
) -> MafResult:
    """Read a MAF; with ``sample`` only that Tumor_Sample_Barcode is returned (absent → SampleSelectionError)."""
    path = Path(path)
    comment_lines, header = _header(path)
    canonical = _resolve_columns(path, header, comment_lines + 1)
    frame = _read_frame(path, comment_lines, canonical)
    samples_in_file = list(dict.fromkeys(frame["Tumor_Sample_Barcode"]))
    samples_in_file = [s for s in samples_in_file if s]
    if sample is not None and sample not in samples_in_file:
        shown = ", ".join(samples_in_file[:10]) + (" …" if len(samples_in_file) > 10 else "")
        raise SampleSelectionError(path, f"sample {sample!r} is not in Tumor_Sample_Barcode "
                                   f"({len(samples_in_file)} samples: {shown or 'none'})")
    protein_columns = [c for c in PROTEIN_COLUMNS if c in frame.columns]
    result = MafResult(path=path, samples={}, build=_build(path, frame, comment_lines),
                       protein_column=protein_columns[0] if protein_columns else None)
    first_data_line = comment_lines + 2
    other_rows = 0
    for offset, row in enumerate(frame.itertuples(index=False)):
        record = row._asdict()
        barcode = record["Tumor_Sample_Barcode"]
        if sample is not None and barcode != sample:
            other_rows += 1
            continue
        target = result.samples.setdefault(barcode, MafSample(barcode))
        if target.tally is None:
            target.tally = ReadTally(path=str(path), unit=f"MAF rows of sample {barcode}" if barcode else "MAF rows")
        _read_row(record, f"{path.name}:{first_data_line + offset}", target, protein_columns,
                  include_germline, include_filtered, genes)
    for maf_sample in result.samples.values():
        if maf_sample.tally is not None and other_rows:
            maf_sample.tally.notes.append(f"{other_rows} rows of other samples in this file were not read for it")
    return result


def _read_row(
    record: dict[str, Any], where: str, target: MafSample, protein_columns: list[str],
    include_germline: bool, include_filtered: bool, genes: frozenset[str] | None,
) -> None:
    tally = target.tally
    assert tally is not None
    gene = (record["Hugo_Symbol"] or "").strip()
    if not gene and not record["Tumor_Sample_Barcode"] and not record["Variant_Classification"]:
        tally.skip(SKIP_BLANK)
        return
    status = (record.get("Mutation_Status") or "").strip().lower()
    if status == "germline" and not include_germline:
        tally.skip(SKIP_GERMLINE)
        return
    filter_value = (record.get("FILTER") or "PASS").strip() or "PASS"
    if not include_filtered and filter_value not in ("PASS", "."):
        tally.skip(SKIP_FILTERED)
        return
    consequence = class_of_maf_classification(record["Variant_Classification"] or "")
    if consequence is None:
        tally.skip(SKIP_UNKNOWN_CLASS)
        note = f"unrecognised Variant_Classification {record['Variant_Classification']!r}"
        if note not in tally.notes and len(tally.notes) < 20:
            tally.notes.append(note)
        return
    if genes is not None and gene not in genes:
        tally.skip(SKIP_NOT_RULE_GENE)
        return
    tally.keep()
    target.variants.append(
        SmallVariant(
            gene=gene,
            chrom=normalise_contig((record.get("Chromosome") or "").strip()),
            pos=_int(record.get("Start_Position")),
            ref=(record.get("Reference_Allele") or "").strip(),
            alt=_alt(record),
            consequence_class=consequence,
            consequence_terms=(record["Variant_Classification"],),
            protein_change=_protein(record, protein_columns),
            transcript=(record.get("Transcript_ID") or "").strip() or None,
            hgvsc=(record.get("HGVSc") or "").strip() or None,
            exon=_exon(record.get("Exon_Number")),
            vaf=_vaf(record),
            depth=_int(record.get("t_depth")) or _sum(record.get("t_alt_count"), record.get("t_ref_count")),
            alt_reads=_int(record.get("t_alt_count")),
            filter=filter_value,
            origin={"somatic": Origin.SOMATIC, "germline": Origin.GERMLINE}.get(status, Origin.UNKNOWN),
            annotation="MAF Variant_Classification",
            source=where,
        )
    )


def _header(path: Path) -> tuple[int, list[str]]:
    """Count the leading '#' lines and return the column names of the header line after them."""
    with open_text(path) as handle:
        comment_lines = 0
        for line in handle:
            if line.startswith("#"):
                comment_lines += 1
                continue
            if not line.strip():
                raise InputError(path, "expected the MAF header line, found an empty line", line=comment_lines + 1)
            return comment_lines, [name.strip() for name in line.rstrip("\n").split("\t")]
    raise InputError(path, "the MAF is empty (no header line)")


def _resolve_columns(path: Path, header: list[str], line: int) -> dict[str, str]:
    """Map canonical column names to the file's spelling (column names are matched case-insensitively)."""
    by_fold = {name.casefold(): name for name in header}
    missing = [name for name in REQUIRED if name.casefold() not in by_fold]
    if missing:
        if len(header) == 1 and ("," in header[0] or " " in header[0]):
            raise InputError(path, "the MAF header is not tab-separated", line=line)
        raise InputError(path, "missing required MAF column(s): " + ", ".join(missing)
                         + f" (found: {', '.join(header[:12])}{' …' if len(header) > 12 else ''})", line=line)
    return {name: by_fold[name.casefold()] for name in (*REQUIRED, *OPTIONAL) if name.casefold() in by_fold}


def _read_frame(path: Path, comment_lines: int, columns: dict[str, str]) -> Any:
    import pandas as pd  # imported here: only the MAF path needs pandas, and it costs start-up time

    with path.open("rb") as probe:
        compression = "gzip" if probe.read(2) == GZIP_MAGIC else None
    wanted = set(columns.values())
    try:
        frame = pd.read_csv(
            path, sep="\t", skiprows=comment_lines, usecols=lambda c: c.strip() in wanted, dtype=str,
            keep_default_na=False, na_values=[], quoting=csv.QUOTE_NONE, compression=compression,
            skip_blank_lines=False, encoding="utf-8-sig", engine="c",
        )
    except (pd.errors.ParserError, ValueError, EOFError, OSError) as exc:
        raise InputError(path, f"cannot be read as a tab-separated MAF: {exc}") from exc
    frame.columns = [c.strip() for c in frame.columns]
    frame = frame.rename(columns={spelling: name for name, spelling in columns.items()})
    return frame.fillna("")


def _build(path: Path, frame: Any, comment_lines: int) -> str | None:
    if "NCBI_Build" not in frame.columns:
        return None
    builds = set()
    for offset, value in enumerate(frame["NCBI_Build"]):
        if not value.strip():
            continue
        try:
            build = normalise_build_name(value)
        except UnsupportedBuild as exc:
            raise InputError(path, f"NCBI_Build {value!r} is not supported ({exc})",
                             line=comment_lines + 2 + offset) from exc
        if build:
            builds.add(build)
    if len(builds) > 1:
        raise InputError(path, "the MAF mixes genome builds in NCBI_Build: " + ", ".join(sorted(builds)))
    return builds.pop() if builds else None


def _protein(record: dict[str, Any], columns: Iterable[str]) -> str | None:
    for column in columns:
        change = parse_protein_change(record.get(column))
        if change is not None:
            return change.text
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


def _int(text: Any) -> int | None:
    text = str(text or "").strip()
    try:
        return int(float(text)) if text else None
    except ValueError:
        return None


def _sum(*values: Any) -> int | None:
    numbers = [_int(v) for v in values]
    return sum(n for n in numbers if n is not None) if all(n is not None for n in numbers) else None


def _vaf(record: dict[str, Any]) -> float | None:
    alt, ref = _int(record.get("t_alt_count")), _int(record.get("t_ref_count"))
    if alt is None or ref is None or alt + ref == 0:
        return None
    return round(alt / (alt + ref), 6)
