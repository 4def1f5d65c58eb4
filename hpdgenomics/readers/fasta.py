"""A reference FASTA supplied by the user, read with ``pysam.FastaFile`` (plain or bgzipped, with its index).

It supplies the codons of variants annotated from the bundled transcript models. Contigs are named either way
(``chr7`` or ``7``); a file of regions cut with ``samtools faidx`` (headers ``7:140453000-140454000``, 1-based,
inclusive) is read at those positions. :func:`check_fasta_build` compares the contig lengths with the genome build;
:meth:`ReferenceFasta.ref_matches` compares a VCF REF allele with the FASTA.
"""

from __future__ import annotations

import os
import re
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from types import TracebackType
from typing import Any

from hpdgenomics.errors import BuildMismatchError, InputError
from hpdgenomics.genome.builds import contig_lengths, normalise_contig
from hpdgenomics.readers._htslib import captured_htslib_messages
from hpdgenomics.readers.text import GZIP_MAGIC

_REGION = re.compile(r"^(?P<chrom>[^:\s]+):(?P<start>[0-9][0-9,]*)-(?P<end>[0-9][0-9,]*)$")
_COMPARABLE = frozenset("ACGT")


@dataclass(frozen=True, slots=True)
class _Piece:
    """One FASTA sequence placed on a chromosome: [start, end), 0-based, under its name in the file."""

    start: int
    end: int
    name: str


class ReferenceFasta:
    """Reference bases by normalised contig name, 0-based half-open, upper case.

    Use :func:`open_reference_fasta`; close it (or use it as a context manager) when done.
    """

    def __init__(self, path: Path, handle: Any) -> None:
        self.path = path
        self._handle = handle
        self._pieces: dict[str, list[_Piece]] = {}
        self.has_regions = False  # True when some sequences are samtools-faidx regions rather than whole contigs
        for name, length in zip(handle.references, handle.lengths, strict=True):
            match = _REGION.match(name)
            if match and _region_length(match) == length:
                chrom, start = normalise_contig(match["chrom"]), int(match["start"].replace(",", "")) - 1
                self._pieces.setdefault(chrom, []).append(_Piece(start, start + length, name))
                self.has_regions = True
            else:
                self._pieces.setdefault(normalise_contig(name), []).insert(0, _Piece(0, length, name))
        self._cache: dict[tuple[str, int, int], str] = {}

    @property
    def contig_lengths(self) -> dict[str, int]:
        """Lengths of the whole contigs in the file (normalised names); regions are not listed."""
        return {chrom: piece.end for chrom, pieces in self._pieces.items() for piece in pieces[:1]
                if piece.start == 0 and not _REGION.match(piece.name)}

    @property
    def region_ends(self) -> dict[str, int]:
        """The furthest end of any region per contig (for checking regions against a build)."""
        ends: dict[str, int] = {}
        for chrom, pieces in self._pieces.items():
            for piece in pieces:
                if _REGION.match(piece.name):
                    ends[chrom] = max(ends.get(chrom, 0), piece.end)
        return ends

    def covers(self, chrom: str, start: int, end: int) -> bool:
        """True when the file holds every base of [start, end) on ``chrom`` (any contig spelling)."""
        return self._piece(normalise_contig(chrom), start, end) is not None

    def fetch(self, chrom: str, start: int, end: int) -> str:
        """Bases [start, end) of ``chrom``, upper case; '' when the file does not hold all of them."""
        chrom = normalise_contig(chrom)
        key = (chrom, start, end)
        cached = self._cache.get(key)
        if cached is not None:
            return cached
        piece = self._piece(chrom, start, end)
        if piece is None or end <= start:
            return ""
        try:
            bases = self._handle.fetch(reference=piece.name, start=start - piece.start, end=end - piece.start)
        except (KeyError, ValueError, OSError) as exc:
            raise InputError(self.path, f"could not read {chrom}:{start + 1}-{end}: {exc}") from exc
        bases = bases.upper()
        if len(self._cache) > 4096:  # exon pieces are asked for again for every variant of a gene
            self._cache.clear()
        self._cache[key] = bases
        return bases

    def ref_matches(self, chrom: str, pos: int, ref: str) -> bool | None:
        """Whether the VCF REF at 1-based ``pos`` agrees with the FASTA; None when the FASTA does not hold it.

        Only A/C/G/T are compared: an N on either side (a gap in the assembly, an unknown base) cannot disagree.
        """
        bases = self.fetch(chrom, pos - 1, pos - 1 + len(ref))
        if not bases:
            return None
        return all(a == b for a, b in zip(bases, ref.upper(), strict=True) if a in _COMPARABLE and b in _COMPARABLE)

    def close(self) -> None:
        """Close the underlying file."""
        self._handle.close()

    def __enter__(self) -> ReferenceFasta:
        return self

    def __exit__(self, kind: type[BaseException] | None, value: BaseException | None,
                 traceback: TracebackType | None) -> None:
        self.close()

    def _piece(self, chrom: str, start: int, end: int) -> _Piece | None:
        return next((p for p in self._pieces.get(chrom, ()) if p.start <= start and end <= p.end), None)


def open_reference_fasta(path: str | Path, build: str | None = None) -> ReferenceFasta:
    """Open a reference FASTA (plain or bgzipped) with its ``.fai`` (and ``.gzi``) index.

    A missing index is built when the FASTA's folder is writable; otherwise the error says to run
    ``samtools faidx``. With ``build``, the contig lengths are checked against it (:func:`check_fasta_build`).

    Raises:
        InputError: the file is missing, not a FASTA, gzip-compressed without BGZF blocks, or has no usable index.
        BuildMismatchError: the contig lengths belong to another build.
    """
    path = Path(path)
    if not path.is_file():
        raise InputError(path, "reference FASTA not found" if not path.exists() else "is a folder, expected a FASTA")
    compressed = _compression(path)
    needed = [Path(f"{path}.fai")] + ([Path(f"{path}.gzi")] if compressed else [])
    missing = [index for index in needed if not index.exists()]
    if missing and not os.access(path.parent, os.W_OK):
        raise InputError(path, f"the FASTA has no index ({', '.join(p.name for p in missing)}) and its folder is not "
                         f"writable; run `samtools faidx {path}` (or index a copy in a writable folder)")
    import pysam  # imported here: only runs that are given a reference FASTA need it

    with captured_htslib_messages() as messages:
        try:
            handle = pysam.FastaFile(str(path))
        except (OSError, ValueError) as exc:
            detail = "; ".join(messages) or str(exc)
            raise InputError(path, f"cannot be read as an indexed FASTA ({detail}); check it is FASTA text and run "
                             f"`samtools faidx {path}`") from exc
    if not handle.references:
        handle.close()
        raise InputError(path, "the FASTA holds no sequences")
    fasta = ReferenceFasta(path, handle)
    if build is not None:
        try:
            check_fasta_build(path, build, fasta.contig_lengths, fasta.region_ends)
        except BuildMismatchError:
            fasta.close()
            raise
    return fasta


def check_fasta_build(path: str | Path, build: str, lengths: Mapping[str, int],
                      region_ends: Mapping[str, int] | None = None) -> None:
    """Raise :class:`BuildMismatchError` unless the main chromosomes of the FASTA have ``build``'s lengths.

    ``lengths`` are whole-contig lengths by normalised name; MT (equal in both builds), decoys, alts and unplaced
    contigs are not compared. ``region_ends`` (for region files) must not lie past a chromosome's end.
    """
    expected = contig_lengths(build)
    wrong = [f"{chrom} is {length:,} bp (expected {expected[chrom]:,})" for chrom, length in sorted(lengths.items())
             if chrom in expected and chrom != "MT" and expected[chrom] != length]
    wrong += [f"a region on {chrom} ends at {end:,}, past the chromosome's end ({expected[chrom]:,})"
              for chrom, end in sorted((region_ends or {}).items()) if chrom in expected and end > expected[chrom]]
    if wrong:
        raise BuildMismatchError(path, f"the reference FASTA does not fit {build}: " + "; ".join(wrong[:5]))


def _compression(path: Path) -> bool:
    """True for BGZF; plain text is False; ordinary gzip is refused (it cannot be indexed)."""
    try:
        with path.open("rb") as handle:
            head = handle.read(18)
    except OSError as exc:
        raise InputError(path, f"cannot be opened: {exc.strerror or exc}") from exc
    if head[:2] != GZIP_MAGIC:
        if head[:1] != b">":
            raise InputError(path, "not a FASTA: the first line must start with '>'", line=1)
        return False
    # BGZF is gzip with an extra field 'BC' (SAM/BAM specification, section 4.1).
    if len(head) >= 14 and head[3] & 4 and head[12:14] == b"BC":
        return True
    raise InputError(path, "gzip-compressed but not with bgzip, so it cannot be indexed; recompress it with "
                     "`bgzip` (or decompress it) and run `samtools faidx`")


def _region_length(match: re.Match[str]) -> int:
    start, end = int(match["start"].replace(",", "")), int(match["end"].replace(",", ""))
    return end - start + 1
