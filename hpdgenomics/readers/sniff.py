"""Tell from a file's first lines which kind of input it is (VCF, MAF, SEG, CNVkit, CNA table), for one purpose:
when a reader refuses a file, say "this looks like a VCF: did you mean --vcf?" instead of only naming a column.

A detector answers only when the header leaves no doubt; an unknown file gives None and the reader's own error
stands. Nothing here decides how a file is read.
"""

from __future__ import annotations

from pathlib import Path

from hpdgenomics.errors import HpdError
from hpdgenomics.readers.text import open_text

# What each kind is called in the hint, and the option that reads it.
KINDS: dict[str, tuple[str, str]] = {
    "vcf": ("a VCF", "--vcf"),
    "maf": ("a MAF", "--maf"),
    "seg": ("a SEG file of copy-number segments", "--seg"),
    "cns": ("a CNVkit .cns/.cnr file", "--cns"),
    "cna": ("a discrete copy-number (CNA) table", "--cna"),
}
# The option → the kinds it reads (a copy-number VCF is a VCF).
ACCEPTS: dict[str, frozenset[str]] = {
    "vcf": frozenset({"vcf"}), "cnv_vcf": frozenset({"vcf"}), "maf": frozenset({"maf"}),
    "seg": frozenset({"seg"}), "cns": frozenset({"cns"}), "cna": frozenset({"cna"}),
    "sv": frozenset(), "clinical": frozenset(),  # any table may be an SV list or a clinical sheet: never hinted
}
_SEG_CHROM = {"chrom", "chromosome", "chr"}
_SEG_START = {"loc.start", "start", "start.bp", "startpos", "start_position"}
_SEG_MEAN = {"seg.mean", "segment_mean", "seg.cn", "log2", "mean"}
_PEEK_LINES = 200


def detect_kind(path: str | Path) -> str | None:
    """``vcf``, ``maf``, ``seg``, ``cns`` or ``cna`` when the first lines say so unambiguously, else None."""
    try:
        header = _first_header(Path(path))
    except (HpdError, OSError, UnicodeDecodeError, EOFError, ValueError):
        return None
    if header is None:
        return None
    first, columns = header
    if first.startswith("##fileformat=VCF"):
        return "vcf"
    names = [c.strip().lower() for c in columns]
    found = set(names)
    if {"hugo_symbol", "tumor_sample_barcode", "variant_classification"} <= found:
        return "maf"
    if {"chromosome", "start", "end", "gene", "log2"} <= found:
        return "cns"
    if found & _SEG_CHROM and found & _SEG_START and found & _SEG_MEAN and len(names) >= 4:
        return "seg"
    if names and names[0] in ("hugo_symbol", "entrez_gene_id") and "tumor_sample_barcode" not in found:
        return "cna"
    return None


def misplaced_hint(option: str, path: str | Path) -> str | None:
    """A sentence for a file given to the wrong option (``option`` as in ``ACCEPTS``), or None."""
    accepted = ACCEPTS.get(option)
    if not accepted:
        return None
    kind = detect_kind(path)
    if kind is None or kind in accepted:
        return None
    words, right = KINDS[kind]
    given = "--" + option.replace("_", "-")
    return f"this looks like {words}, not an input for {given}: did you mean {right}?"


def _first_header(path: Path) -> tuple[str, list[str]] | None:
    """(the first line, the columns of the first line that is not a ``#`` comment); VCF is told by line 1."""
    with open_text(path) as handle:
        first = ""
        for number, raw in enumerate(handle):
            line = raw.rstrip("\r\n").lstrip("\ufeff")
            if number == 0:
                first = line
                if first.startswith("##fileformat=VCF"):
                    return first, []
            if number >= _PEEK_LINES:
                return None
            if not line.strip() or line.startswith("#"):
                continue
            return first, line.split("\t")
    return None
