"""Copy-number records of a VCF (DRAGEN, GATK gCNV, CNVkit ``export vcf``) as segments.

A record is a copy-number segment when ``INFO/SVTYPE`` is ``CNV``, ``DUP`` or ``DEL``, or its ALT is one of the
symbolic alleles ``<CNV>``, ``<DUP>``, ``<DEL>`` (``<DUP:TANDEM>`` and similar sub-types included), and it has an
``INFO/END``. DRAGEN also writes copy-neutral reference segments (ALT ``.``, ``SVTYPE=CNV``); they are kept, because
they are what makes a gene *assessed* and neutral rather than not assessed.

Values, per record: the integer copy number from ``FORMAT/CN`` of the tumour sample (else ``INFO/CN``), and a log2
ratio from DRAGEN's ``FORMAT/SM`` (a linear copy ratio), or CNVkit's ``INFO/FOLD_CHANGE_LOG`` or ``INFO/LOG2``.
Following the VCF specification, POS of a symbolic record is the padding base before the event, so the segment
covers POS+1 .. END (0-based half-open: [POS, END)).
"""

from __future__ import annotations

import math
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from hpdgenomics.errors import InputError
from hpdgenomics.genome.builds import contig_kind, normalise_contig
from hpdgenomics.model.qc import ReadTally
from hpdgenomics.readers._htslib import captured_htslib_messages, summarise_messages
from hpdgenomics.readers.copy_number.segments import KNOWN_CONTIGS, SKIP_UNKNOWN_CONTIG, SegmentFile
from hpdgenomics.readers.small_variants import vcf_checks
from hpdgenomics.readers.small_variants.vcf import VcfHeader

CNV_TYPES = frozenset({"CNV", "DUP", "DEL"})
SKIP_NOT_CNV = "not a copy-number record (small variant or other structural variant)"
SKIP_NO_END = "copy-number record without INFO/END"
SKIP_NO_VALUE = "copy-number record without CN, SM, FOLD_CHANGE_LOG or LOG2"
SKIP_FILTERED = "FILTER not PASS"




def read_vcf_copy_number(header: VcfHeader, tumour_sample: str | None, *, include_filtered: bool = False,
                         sample_id: str | None = None) -> SegmentFile:
    """Read every copy-number record of the VCF for ``tumour_sample`` (None: INFO values only)."""
    from cyvcf2 import VCF  # the VCF path only

    path = header.path
    name = sample_id or tumour_sample or path.name
    index = header.samples.index(tumour_sample) if tumour_sample else None
    tally = ReadTally(path=str(path), unit="VCF records (copy number)")
    rows: list[tuple[Any, ...]] = []
    vcf_checks.scan_body(header)  # column counts and POS, which htslib would mend or wrap silently
    with captured_htslib_messages() as messages, vcf_checks.htslib_source(header) as source:
        try:
            vcf = VCF(source, lazy=True)
        except Exception as exc:  # cyvcf2 raises a bare Exception on a header htslib cannot parse
            raise vcf_checks.diagnose(header) or InputError(path, f"cyvcf2 could not open the VCF: {exc}") from exc
        try:
            numbered = ((record, f"{path.name}:{number}")
                        for number, record in enumerate(vcf, start=header.header_lines + 1))
            for record, where in vcf_checks.watch(numbered, header, stream=True):
                _read(path, record, int(where.rsplit(":", 1)[1]), index, include_filtered, tally, rows)
            tally.notes.extend(vcf_checks.check_live_header(vcf, header))
            vcf_checks.check_ends(header, ((chrom, end, line) for chrom, _, end, _, _, line in rows))
        except InputError as exc:
            # htslib parses '68.9M' in an Integer END as 68: the text says better what is wrong with the line
            raise (vcf_checks.diagnose(header) or exc) from None
        except Exception as exc:  # htslib/cyvcf2 raise bare exceptions on corrupt blocks
            raise vcf_checks.diagnose(header) or InputError(
                path, f"the VCF could not be read to the end: {exc}") from exc
        finally:
            vcf.close()
    tally.notes.extend(summarise_messages(messages))
    frame = pd.DataFrame(rows, columns=["chrom", "start", "end", "log2", "cn", "line"])
    frame.insert(0, "sample", name)
    frame = frame.astype({"start": "int64", "end": "int64", "log2": "float64", "cn": "float64", "line": "int64"})
    values = tuple(c for c in ("log2", "cn") if frame[c].notna().any())
    return SegmentFile(path=path, format="vcf", frame=frame, samples=[name], tallies={name: tally},
                       value_columns=values or ("cn",), bins=False)


def _read(path: Path, record: Any, number: int, index: int | None, include_filtered: bool, tally: ReadTally,
          rows: list[tuple[Any, ...]]) -> None:
    svtype = record.INFO.get("SVTYPE")
    alts = [a.strip("<>").split(":")[0] for a in record.ALT if a.startswith("<")]
    if not (svtype in CNV_TYPES or any(a in CNV_TYPES for a in alts)):
        tally.skip(SKIP_NOT_CNV)
        return
    if not include_filtered and record.FILTER not in (None, "PASS", "."):
        tally.skip(SKIP_FILTERED)
        return
    end = record.INFO.get("END")
    if end is None:
        tally.skip(SKIP_NO_END)
        return
    chrom = normalise_contig(record.CHROM)
    if chrom not in KNOWN_CONTIGS:
        if contig_kind(record.CHROM) == "unknown":
            raise InputError(path, f"contig {record.CHROM!r} is neither a GRCh37/GRCh38 chromosome nor a known "
                             "unplaced, alternate or decoy contig name", line=number)
        tally.skip(SKIP_UNKNOWN_CONTIG)
        return
    start = int(record.POS)
    if int(end) < start:
        raise InputError(path, f"INFO/END {end} lies before POS {record.POS}", line=number)
    copy_number = _format_value(record, "CN", index)
    if copy_number is None:
        copy_number = _number(record.INFO.get("CN"))
    log2 = None
    ratio = _format_value(record, "SM", index)
    if ratio is not None:
        log2 = math.log2(ratio) if ratio > 0 else -math.inf
    for key in ("FOLD_CHANGE_LOG", "LOG2"):
        if log2 is None:
            log2 = _number(record.INFO.get(key))
    if copy_number is None and log2 is None:
        tally.skip(SKIP_NO_VALUE)
        return
    tally.keep()
    rows.append((chrom, start, int(end), np.nan if log2 is None else log2,
                 np.nan if copy_number is None else copy_number, number))


def _format_value(record: Any, key: str, index: int | None) -> float | None:
    if index is None:
        return None
    try:
        array = record.format(key)
    except KeyError:
        return None
    if array is None:
        return None
    value = array[index][0]
    return _number(value)


def _number(value: Any) -> float | None:
    if value is None:
        return None
    if isinstance(value, tuple | list):
        value = value[0] if value else None
    try:
        number = float(value)
    except (TypeError, ValueError):
        return None
    # cyvcf2 fills missing integers with its sentinel (a very negative number) and floats with NaN.
    return None if math.isnan(number) or number < -1e9 else number
