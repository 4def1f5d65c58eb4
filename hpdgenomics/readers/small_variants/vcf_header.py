"""The header of a VCF: read and checked before any record, and the choice of the tumour sample column."""

from __future__ import annotations

import re
from collections.abc import Iterable
from pathlib import Path

from hpdgenomics.errors import InputError, SampleSelectionError
from hpdgenomics.genome.builds import normalise_contig
from hpdgenomics.readers.small_variants import annotations as ann
from hpdgenomics.readers.small_variants import vcf_checks
from hpdgenomics.readers.small_variants.vcf_types import VcfHeader
from hpdgenomics.readers.text import name_list, open_text

_CONTIG_RE = re.compile(r"^##contig=<(?P<body>.*)>\s*$")


_TUMOUR_NAMES = {"TUMOR", "TUMOUR"}



def inspect_vcf(path: str | Path) -> VcfHeader:
    """Read and check the header of a VCF; raise :class:`InputError` when it is not a usable VCF."""
    path = Path(path)
    header_lines = []
    with open_text(path) as handle:
        for number, line in enumerate(handle, start=1):
            if number == 1 and not line.startswith("##fileformat=VCF"):
                raise InputError(path, "not a VCF: the first line must be '##fileformat=VCFv4.x'", line=1)
            header_lines.append(line.rstrip("\r\n"))
            if line.startswith("#CHROM"):
                break
        else:
            if not header_lines:
                raise InputError(path, "the file is empty: expected a VCF starting with '##fileformat=VCFv4.x'")
            raise InputError(path, "VCF header has no '#CHROM' line (file empty or truncated)")
    columns = header_lines[-1].split("\t")
    if columns[:8] != ["#CHROM", "POS", "ID", "REF", "ALT", "QUAL", "FILTER", "INFO"]:
        raise InputError(path, "the #CHROM line must be tab-separated with the 8 fixed VCF columns",
                         line=len(header_lines))
    vcf_checks.header_problems(path, columns, len(header_lines))
    samples = tuple(columns[9:])
    meta = _meta_lines(header_lines)
    key, fields = _annotation(path, meta)
    contigs = _contig_lengths(header_lines)
    return VcfHeader(
        path=path,
        samples=samples,
        tumour_sample_header=_first(meta.get("tumor_sample")),
        contig_lengths={normalise_contig(name): length for name, length in contigs.items()},
        reference=_first(meta.get("reference") or meta.get("assembly")),
        annotation_key=key,
        annotation_fields=tuple(fields) if fields else None,
        format_keys=frozenset(_ids(meta.get("FORMAT", []))),
        indexed=_has_index(path),
        header_lines=len(header_lines),
        uses_chr_prefix=any(name.startswith("chr") for name in contigs),
        info_keys=frozenset(_ids(meta.get("INFO", []))),
    )



def _first(values: list[str] | None) -> str | None:
    return values[0] if values else None



def choose_tumour_sample(header: VcfHeader, requested: str | None, fallback_id: str | None = None) -> str | None:
    """The tumour sample column: requested, else ##tumor_sample=, else the only sample, else a column named TUMOR.

    Returns None for a sites-only VCF (no sample columns). Raises :class:`SampleSelectionError` listing the samples
    when the choice is ambiguous or the requested sample is absent.
    """
    samples = header.samples
    if requested is not None:
        if requested not in samples:
            if not samples and fallback_id is None:
                return None
            listed = name_list(samples) or "none (sites-only VCF)"
            raise SampleSelectionError(header.path, f"tumour sample {requested!r} is not in the VCF; samples: {listed}")
        return requested
    if not samples:
        return None
    if header.tumour_sample_header in samples:
        return header.tumour_sample_header
    if len(samples) == 1:
        return samples[0]
    named = [s for s in samples if s.upper() in _TUMOUR_NAMES]
    if len(named) == 1:
        return named[0]
    raise SampleSelectionError(
        header.path,
        f"the VCF has {len(samples)} samples and no ##tumor_sample= header; choose one with --tumour-sample: "
        + name_list(samples),
    )



def _meta_lines(lines: Iterable[str]) -> dict[str, list[str]]:
    meta: dict[str, list[str]] = {}
    for line in lines:
        if line.startswith("##") and "=" in line:
            key, value = line[2:].split("=", 1)
            meta.setdefault(key, []).append(value)
    return meta



def _ids(definitions: list[str]) -> list[str]:
    return [m.group(1) for d in definitions if (m := re.search(r"ID=([^,>]+)", d))]



def _annotation(path: Path, meta: dict[str, list[str]]) -> tuple[str | None, list[str] | None]:
    info = {m.group(1): d for d in meta.get("INFO", []) if (m := re.search(r"ID=([^,>]+)", d))}
    for key in ann.ANNOTATION_KEYS:
        if key not in info:
            continue
        description = re.search(r'Description="(.*)"', info[key])
        fields = ann.header_fields(description.group(1)) if description else None
        if key == "CSQ" and not fields:
            raise InputError(path, "the ##INFO=<ID=CSQ> header line has no 'Format: ...' field list; "
                             "it is needed to read VEP annotations")
        return key, fields
    return None, None



def _contig_lengths(lines: Iterable[str]) -> dict[str, int]:
    lengths = {}
    for line in lines:
        match = _CONTIG_RE.match(line)
        if not match:
            continue
        fields = dict(
            part.split("=", 1) for part in re.split(r",(?=[A-Za-z_]+=)", match.group("body")) if "=" in part
        )
        if "ID" in fields and fields.get("length", "").isdigit():
            lengths[fields["ID"]] = int(fields["length"])
    return lengths



def _has_index(path: Path) -> bool:
    if not path.name.endswith((".gz", ".bgz")):
        return False
    return any(Path(f"{path}{suffix}").exists() for suffix in (".tbi", ".csi"))



def has_copy_number_records(header: VcfHeader) -> bool:
    """True when the header declares what copy-number records need (so the file is worth scanning for them)."""
    return "END" in header.info_keys and ("SVTYPE" in header.info_keys or "CN" in header.format_keys)
