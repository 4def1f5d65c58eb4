"""Somatic small variants from a VCF (plain or bgzipped), read with cyvcf2.

Indexed files are read by region over the genes the caller asks for; unindexed ones are streamed. One
:class:`~hpdgenomics.model.SmallVariant` is made per ALT allele and gene, on the transcript chosen by
:func:`.annotations.choose_per_gene`. Every record read is kept or counted under a reason.

The header is read by :mod:`.vcf_header`, the body checked by :mod:`.vcf_checks`, unindexed files pre-filtered
by :mod:`.vcf_scan`; the types they share are in :mod:`.vcf_types` (re-exported here).
"""

from __future__ import annotations

import math
import warnings
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from hpdgenomics.errors import InputError
from hpdgenomics.genome.builds import normalise_contig
from hpdgenomics.model.alterations import Origin, SmallVariant
from hpdgenomics.model.qc import ReadTally, TmbCount
from hpdgenomics.model.vocab import NON_SYNONYMOUS, class_of_so_terms
from hpdgenomics.readers._htslib import captured_htslib_messages, summarise_messages
from hpdgenomics.readers.numbers import checked_finite
from hpdgenomics.readers.small_variants import annotations as ann
from hpdgenomics.readers.small_variants import vcf_checks
from hpdgenomics.readers.small_variants.vcf_header import choose_tumour_sample, has_copy_number_records, inspect_vcf
from hpdgenomics.readers.small_variants.vcf_types import UnannotatedRecord, VcfHeader, VcfResult

__all__ = ["UnannotatedRecord", "VcfHeader", "VcfResult", "choose_tumour_sample", "has_copy_number_records",
           "inspect_vcf", "read_vcf"]

SKIP_NO_ALT = "no ALT allele"
SKIP_SYMBOLIC = "symbolic or breakend ALT (structural/copy-number record)"
SKIP_FILTERED = "FILTER not PASS"
SKIP_UNANNOTATED = "unannotated (no CSQ/ANN/BCSQ/EFF)"
SKIP_NOT_RULE_GENE = "not in a gene the rules need"
SKIP_NO_GENE = "annotation names no gene for this allele"


def read_vcf(
    header: VcfHeader,
    tumour_sample: str | None,
    *,
    include_filtered: bool = False,
    genes: frozenset[str] | None = None,
    regions: list[tuple[str, int, int]] | None = None,
    tmb: TmbCount | None = None,
) -> VcfResult:
    """Read the small variants of ``tumour_sample`` (None for sites-only files).

    ``genes`` limits the variants kept to those genes (others are counted as skipped); ``regions`` (normalised
    contig, 1-based start, end) must cover ``genes``: an indexed file is read by region over them; an unindexed
    one is streamed and only the records whose POS lies in a region are parsed (mode "scan", see
    :func:`_read_scanned`). ``tmb``, when
    given, counts mutations for TMB over every record read (so give no ``regions`` with it).
    """
    from cyvcf2 import VCF  # imported here: it loads htslib and numpy, which only the VCF path needs

    sample_index = header.samples.index(tumour_sample) if tumour_sample else None
    tally = ReadTally(path=str(header.path), unit="VCF records")
    mode = "region" if regions is not None and header.indexed else "stream"
    result = VcfResult(sample_id=tumour_sample or "", variants=[], tally=tally, header=header, mode=mode)
    if mode == "stream" and regions is not None and tmb is None:
        result.mode = "scan"
        return _read_scanned(result, regions, sample_index, include_filtered, genes)
    if mode == "stream":
        vcf_checks.scan_body(header)  # column counts and POS, which htslib would mend or wrap silently
    with captured_htslib_messages() as messages, vcf_checks.htslib_source(header) as source:
        try:
            vcf = VCF(source, lazy=True)
        except Exception as exc:  # cyvcf2 raises a bare Exception on a header htslib cannot parse
            raise vcf_checks.diagnose(header) or InputError(header.path, f"cyvcf2 could not open the VCF: {exc}") \
                from exc
        try:
            records = _records_by_region(vcf, header, regions) if mode == "region" and regions is not None \
                else _records(vcf, header)
            for record, where in vcf_checks.watch(records, header, stream=mode == "stream"):
                _read_record(record, where, header, sample_index, include_filtered, genes, result, tmb)
            tally.notes.extend(vcf_checks.check_live_header(vcf, header))
        except InputError:
            raise
        except Exception as exc:  # htslib/cyvcf2 raise bare exceptions on corrupt blocks
            raise vcf_checks.diagnose(header) or InputError(
                header.path, f"the VCF could not be read to the end: {exc}") from exc
        finally:
            vcf.close()
    tally.notes.extend(summarise_messages(messages))
    if mode == "region":
        tally.notes.append("read by region over the rule genes (tabix/CSI index); other records were not read")
    return result


def _read_scanned(result: VcfResult, regions: list[tuple[str, int, int]], sample_index: int | None,
                  include_filtered: bool, genes: frozenset[str] | None) -> VcfResult:
    """Stream an unindexed VCF, parsing only the records whose POS lies in ``regions``.

    :func:`.vcf_scan.scan_vcf` finds every record's position on the raw bytes and copies the
    header and the records inside the regions to a temporary file, which cyvcf2 reads. Order of checks: a record
    whose POS lies outside every region is counted as "not in a gene the rules need" before anything else (so a
    FILTERed or unannotated record there is counted under that reason); the others go through the same checks as
    every streamed record (no ALT, symbolic ALT, FILTER, annotation, gene). Column counts, POS, blank lines,
    undeclared contigs and positions past a contig's end are checked on every record; INFO and FORMAT only on the
    records parsed.
    """
    import tempfile

    from cyvcf2 import VCF

    from hpdgenomics.readers.small_variants import vcf_scan

    header, tally = result.header, result.tally
    name = header.path.name
    facts = vcf_checks.declared(header)
    with tempfile.NamedTemporaryFile("w+b", prefix="hpdgenomics-", suffix=".vcf") as selected:
        try:
            scan = vcf_scan.scan_vcf(header.path, header.header_lines, regions, selected,
                                     columns=None if facts.columns == 9 else facts.columns)
        except vcf_scan.VcfShapeError as exc:
            raise vcf_checks.diagnose(header) or exc from None
        selected.flush()
        undeclared = sorted(c for c in scan.contigs if facts.contigs and c not in facts.contigs)
        if undeclared:
            raise vcf_checks.diagnose(header) or InputError(
                header.path, f"the body uses {', '.join(undeclared[:5])} without declaring it in the header")
        ends = ((_Position(chrom, pos), f"{name}:{line}") for chrom, (pos, line) in scan.last_pos.items())
        for _ in vcf_checks.watch(ends, header, stream=True):  # raises at a position past its contig's end
            pass
        with captured_htslib_messages() as messages:
            try:
                vcf = VCF(selected.name, lazy=True)
            except Exception as exc:  # cyvcf2 raises a bare Exception on a header htslib cannot parse
                raise vcf_checks.diagnose(header) or InputError(
                    header.path, f"cyvcf2 could not open the VCF: {exc}") from exc
            try:
                records = ((record, f"{name}:{line}") for record, line in zip(vcf, scan.selected_lines, strict=True))
                for record, where in vcf_checks.watch(records, header, stream=True):
                    _read_record(record, where, header, sample_index, include_filtered, genes, result)
                tally.notes.extend(vcf_checks.check_live_header(vcf, header))
            except InputError:
                raise
            except Exception as exc:  # htslib/cyvcf2 raise bare exceptions on records they cannot parse
                raise vcf_checks.diagnose(header) or InputError(
                    header.path, f"the VCF could not be read to the end: {exc}") from exc
            finally:
                vcf.close()
    outside = scan.records - scan.selected
    tally.read += outside
    if outside:
        tally.skipped[SKIP_NOT_RULE_GENE] += outside
    tally.notes.extend(summarise_messages(messages))
    tally.notes.append(f"streamed without an index: {outside:,} of {scan.records:,} records lie outside the rule "
                       "genes and were counted by position without being parsed")
    return result


@dataclass(frozen=True)
class _Position:
    """CHROM and POS of a record the scan saw, for the contig-end check."""

    CHROM: str  # the attribute names of a cyvcf2 record
    POS: int


def _records(vcf: Any, header: VcfHeader) -> Iterator[tuple[Any, str]]:
    name = header.path.name
    for number, record in enumerate(vcf, start=header.header_lines + 1):
        yield record, f"{name}:{number}"


def _records_by_region(vcf: Any, header: VcfHeader, regions: list[tuple[str, int, int]]) -> Iterator[tuple[Any, str]]:
    name = header.path.name
    known = set(vcf.seqnames)
    seen: dict[tuple[str, int, str, str], int] = {}  # record -> the region it was first read from
    for number, (chrom, start, end) in enumerate(regions):
        contig = _file_contig(chrom, known, header.uses_chr_prefix)
        if contig is None:
            continue
        with warnings.catch_warnings():
            # cyvcf2 warns when a region holds no record; an empty region is normal here, not a problem.
            warnings.filterwarnings("ignore", message="no intervals found")
            region_records = list(vcf(f"{contig}:{start}-{end}"))
        for record in region_records:
            key = (record.CHROM, record.POS, record.REF, ",".join(record.ALT))
            if seen.setdefault(key, number) != number:  # a record overlapping two regions is read once; a line
                continue  # repeated in the file is read (and counted) each time, as a streamed read does
            yield record, f"{name}:{record.CHROM}:{record.POS}"


def _file_contig(chrom: str, known: set[str], chr_prefix: bool) -> str | None:
    candidates = [f"chr{chrom}", chrom] if chr_prefix else [chrom, f"chr{chrom}"]
    if chrom == "MT":
        candidates += ["chrM", "M"]
    return next((c for c in candidates if c in known), None)


def _read_record(
    record: Any,
    where: str,
    header: VcfHeader,
    sample_index: int | None,
    include_filtered: bool,
    genes: frozenset[str] | None,
    result: VcfResult,
    tmb: TmbCount | None = None,
) -> None:
    tally = result.tally
    alts = [a for a in record.ALT if a not in (".", "*")]
    if not alts:
        tally.skip(SKIP_NO_ALT)
        return
    if any(a.startswith("<") or "[" in a or "]" in a for a in alts):
        tally.skip(SKIP_SYMBOLIC)
        return
    filters = record.FILTERS or []
    filter_text = ";".join(filters) if filters else "."
    if not include_filtered and filters and filters != ["PASS"]:
        tally.skip(SKIP_FILTERED)
        return
    chrom = normalise_contig(record.CHROM)
    key = header.annotation_key
    value = record.INFO.get(key) if key else None
    if key is None:
        _refuse_undeclared_annotation(record, where, header)
    counts_for_tmb = tmb is not None and filter_text in ("PASS", ".") and tmb.inside(chrom, record.POS)
    if not value or key is None:
        tally.skip(SKIP_UNANNOTATED)
        result.unannotated.append(_unannotated_record(record, chrom, where, filter_text, header, sample_index))
        if counts_for_tmb and tmb is not None:
            tmb.unclassified += 1
        return
    text = str(value)
    if key == "CSQ" and genes is not None and not counts_for_tmb:
        # Parse only the entries of the genes asked for: a VEP record lists every transcript of every gene near it.
        text, named = _csq_for_genes(text, header, genes)
        entries = _parse_annotation(key, text, header) if text else []
    else:
        entries = _parse_annotation(key, text, header)
        named = bool(entries)
    made = []
    for alt_index, alt in enumerate(record.ALT):
        if alt in (".", "*"):
            continue
        allele_entries = ann.annotations_for_allele(entries, key, alt_index, record.POS, record.REF, record.ALT)
        vaf, depth, alt_reads = _allele_depth(record, header, sample_index, alt_index, alt, where)
        chosen_per_gene = ann.choose_per_gene(allele_entries)
        if counts_for_tmb and tmb is not None and any(
                class_of_so_terms(chosen.terms) in NON_SYNONYMOUS for chosen, _ in chosen_per_gene.values()):
            tmb.counted += 1
        for gene, (chosen, reason) in chosen_per_gene.items():
            if genes is not None and gene not in genes:
                continue
            made.append(
                SmallVariant(
                    gene=gene, chrom=chrom, pos=record.POS, ref=record.REF, alt=alt,
                    consequence_class=class_of_so_terms(chosen.terms), consequence_terms=chosen.terms,
                    protein_change=chosen.protein_change, transcript=chosen.transcript, hgvsc=chosen.hgvsc,
                    exon=chosen.exon, vaf=vaf, depth=depth, alt_reads=alt_reads, filter=filter_text,
                    origin=Origin.SOMATIC if record.INFO.get("SOMATIC") else Origin.UNKNOWN,
                    annotation=f"{ann.ANNOTATION_NAMES[key]}: {reason}", source=where,
                )
            )
    if made:
        result.variants.extend(made)
        tally.keep()
    elif not named:
        tally.skip(SKIP_NO_GENE)
    else:
        tally.skip(SKIP_NOT_RULE_GENE if genes is not None else SKIP_NO_GENE)


def _csq_for_genes(value: str, header: VcfHeader, genes: frozenset[str]) -> tuple[str, bool]:
    """The CSQ entries whose gene (SYMBOL, else Gene, as :func:`ann.parse_csq` reads it) is one of ``genes``, joined
    again; and whether any entry names a gene at all (which decides the skip reason when none is kept)."""
    fields = header.annotation_fields or ()
    symbol = fields.index("SYMBOL") if "SYMBOL" in fields else None
    gene_id = fields.index("Gene") if "Gene" in fields else None
    if symbol is None and gene_id is None:
        return "", False
    depth = max(i for i in (symbol, gene_id) if i is not None) + 1
    kept, named = [], False
    for entry in value.split(","):
        parts = entry.split("|", depth)
        name = (parts[symbol] if symbol is not None and symbol < len(parts) else "") or (
            parts[gene_id] if gene_id is not None and gene_id < len(parts) else "")
        if name:
            named = True
            if name in genes:
                kept.append(entry)
    return ",".join(kept), named


def _refuse_undeclared_annotation(record: Any, where: str, header: VcfHeader) -> None:
    """An annotation used in the body but not declared in the header cannot be read (its field order is unknown)."""
    for key in ann.ANNOTATION_KEYS:
        if record.INFO.get(key):
            line = int(where.rsplit(":", 1)[1]) if header.path.name + ":" in where and where.count(":") == 1 else None
            raise InputError(header.path, f"INFO/{key} is used but the header has no ##INFO=<ID={key},...> line "
                             "describing its fields", line=line)


def _parse_annotation(key: str, value: str, header: VcfHeader) -> list[ann.TranscriptAnnotation]:
    fields = list(header.annotation_fields or [])
    if key == "CSQ":
        return ann.parse_csq(value, fields)
    if key == "ANN":
        return ann.parse_ann(value)
    if key == "EFF":
        return ann.parse_eff(value, fields or None)
    return ann.parse_bcsq(value)


def _unannotated_record(
    record: Any, chrom: str, where: str, filter_text: str, header: VcfHeader, sample_index: int | None
) -> UnannotatedRecord:
    kept = [(index, alt) for index, alt in enumerate(record.ALT) if alt not in (".", "*")]
    reads = [_allele_depth(record, header, sample_index, index, alt, where) for index, alt in kept]
    return UnannotatedRecord(
        chrom=chrom, pos=record.POS, ref=record.REF, alts=tuple(alt for _, alt in kept),
        filter=filter_text, vaf=tuple(r[0] for r in reads), depth=tuple(r[1] for r in reads),
        alt_reads=tuple(r[2] for r in reads), somatic=bool(record.INFO.get("SOMATIC")), source=where,
    )


def _allele_depth(
    record: Any, header: VcfHeader, sample: int | None, alt_index: int, alt: str, where: str
) -> tuple[float | None, int | None, int | None]:
    """VAF, depth and alt reads of one ALT in the tumour sample: FORMAT AF, else AD, else Strelka tier-1 counts."""
    if sample is None:
        return None, None, None
    keys = header.format_keys
    depth = _int_value(record.format("DP"), sample, 0) if "DP" in keys else None
    ad = record.format("AD") if "AD" in keys else None
    alt_reads = _int_value(ad, sample, alt_index + 1) if ad is not None else None
    if ad is not None and depth is None:
        counts = [int(x) for x in ad[sample] if x >= 0]
        depth = sum(counts) if counts else None
    vaf = _float_value(record.format("AF"), sample, alt_index, header, where) if "AF" in keys else None
    if vaf is None and alt_reads is not None and ad is not None:
        total = sum(int(x) for x in ad[sample] if x >= 0)
        vaf = alt_reads / total if total else None
    if vaf is None and f"{alt}U" in keys and {"AU", "CU", "GU", "TU"} <= keys:
        # Strelka SNVs report per-base tier-1/tier-2 counts instead of AD (as CNVkit's reader notes too)
        tier1 = {base: _int_value(record.format(f"{base}U"), sample, 0) or 0 for base in "ACGT"}
        total = sum(tier1.values())
        alt_reads, depth = tier1.get(alt, 0), total
        vaf = alt_reads / total if total else None
    elif vaf is None and {"TIR", "TAR"} <= keys:
        tir, tar = _int_value(record.format("TIR"), sample, 0), _int_value(record.format("TAR"), sample, 0)
        if tir is not None and tar is not None and tir + tar:
            alt_reads, vaf = tir, tir / (tir + tar)
    return vaf, depth, alt_reads


def _int_value(array: Any, row: int, column: int) -> int | None:
    try:
        value = int(array[row][column])
    except (TypeError, IndexError, ValueError, OverflowError):
        return None
    return value if value >= 0 else None


def _float_value(array: Any, row: int, column: int, header: VcfHeader, where: str) -> float | None:
    try:
        value = float(array[row][column])
    except (TypeError, IndexError, ValueError):
        return None
    if math.isinf(value):  # NaN is how cyvcf2 gives a missing '.'; an infinite fraction is a broken file
        line = where.rsplit(":", 1)[-1]
        checked_finite(value, value, path=header.path, line=int(line) if line.isdigit() and where.count(":") == 1
                       else None, what=f"FORMAT AF ({where})")
    return None if math.isnan(value) or value < 0 else round(value, 6)


