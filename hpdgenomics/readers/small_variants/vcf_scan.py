"""Position pre-filter for streamed VCFs: find every record's CHROM and POS on the raw bytes, keep those in regions.

Parsing a record with htslib/cyvcf2 and then in Python costs far more than finding its position, and a streamed
(unindexed) VCF mostly holds records outside the genes a run needs. :func:`scan_vcf` therefore decompresses the
file in large chunks (:mod:`.vcf_inflate`: BGZF blocks in parallel threads, ``isal`` or ``zlib``), locates line starts,
CHROM and POS with vectorised numpy on the byte buffer, and writes only the header and the records whose POS lies
inside one of the regions to a plain-text VCF that cyvcf2 then reads. Every record is counted, selected or not.

What is checked on records outside the regions: that POS is a positive integer after a tab-terminated CHROM (an
error names the line). Their other columns are not parsed, so a malformed INFO or sample column there goes unseen —
the same as an indexed read, which never looks at them.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

from hpdgenomics.errors import InputError
from hpdgenomics.genome.builds import normalise_contig
from hpdgenomics.readers.small_variants import vcf_inflate

_CHROM_WINDOW = 32  # CHROM names up to 31 bytes are found vectorised; longer ones take the per-line path
_POS_WINDOW = 12  # up to 11 digits


@dataclass
class ScanResult:
    """What the scan saw: every record counted, and the line number of each record written out (in order)."""

    records: int = 0
    selected_lines: list[int] = field(default_factory=list)
    contigs: set[str] = field(default_factory=set)  # CHROM values seen, as spelled in the file
    last_pos: dict[str, tuple[int, int]] = field(default_factory=dict)  # CHROM -> (largest POS, its line)

    @property
    def selected(self) -> int:
        return len(self.selected_lines)


def scan_vcf(path: str | Path, header_lines: int, regions: Sequence[tuple[str, int, int]], out: IO[bytes],
             *, columns: int | None = None, threads: int = 1) -> ScanResult:
    """Copy the header and the records inside ``regions`` from ``path`` to ``out``; count every record.

    ``regions`` are (normalised contig, 1-based start, 1-based inclusive end); a record is selected when its POS lies
    in one of them (any CHROM spelling: ``chr7``, ``7``). ``header_lines`` is the number of lines up to and including
    ``#CHROM`` (from :func:`.vcf_header.inspect_vcf`); a UTF-8 byte-order mark before it is dropped.
    ``columns``, when given, is the number of tab-separated columns every record must have.

    Raises :class:`VcfShapeError` for a blank line, a line with another column count, or a POS that is not an
    integer from 1 to 999,999,999 (htslib wraps larger ones), and :class:`InputError` for corrupt compressed data.
    """
    import numpy as np  # the VCF path already needs numpy (cyvcf2); keep it out of module import time

    path = Path(path)
    lookup = _RegionLookup(regions)
    shape = _Shape(path, None if columns is None else columns - 1)
    result = ScanResult()
    line = 0  # lines consumed before the current chunk
    carry = b""
    header_left = header_lines
    for number, chunk in enumerate(vcf_inflate.decompressed_chunks(path, threads)):
        if number == 0 and chunk.startswith(_BOM):
            chunk = chunk[len(_BOM):]
        if header_left:
            chunk = carry + chunk
            carry = b""
            at = 0
            while header_left:
                end = chunk.find(b"\n", at)
                if end < 0:
                    break
                at = end + 1
                header_left -= 1
                line += 1
            out.write(chunk[:at])
            chunk = chunk[at:]
            if header_left:
                carry = chunk
                continue
        first = chunk.find(b"\n")
        if first < 0:
            carry += chunk
            continue
        # The line that straddles the previous chunk and this one is handled on its own.
        _one_line(carry + chunk[: first + 1], line + 1, shape, lookup, result, out)
        line += 1
        last = chunk.rfind(b"\n")
        if last > first:
            line = _scan_block(np, chunk, first + 1, last + 1, line, shape, lookup, result, out)
        carry = chunk[last + 1:]
    if header_left:
        raise InputError(path, "the file ends inside the VCF header")
    if carry:
        _one_line(carry, line + 1, shape, lookup, result, out)
    return result


_BOM = b"\xef\xbb\xbf"
_MAX_POS = 999_999_999


@dataclass(frozen=True)
class _Shape:
    """What every data line must look like."""

    path: Path
    tabs: int | None  # tabs per line (columns - 1), or None when any count is accepted

    def refuse(self, line: int | None, what: str) -> VcfShapeError:
        return VcfShapeError(self.path, what, line=line)


def _note_position(result: ScanResult, chrom: bytes, pos: int, line: int) -> None:
    name = chrom.decode("utf-8", "replace")
    result.contigs.add(name)
    known = result.last_pos.get(name)
    if known is None or pos > known[0]:
        result.last_pos[name] = (pos, line)


class VcfShapeError(InputError):
    """A data line does not have the shape of a VCF record (column count, POS, blank line)."""


class _RegionLookup:
    """Regions per normalised contig as sorted, merged start/end arrays; CHROM spellings resolved once."""

    def __init__(self, regions: Sequence[tuple[str, int, int]]) -> None:
        import numpy as np

        by_contig: dict[str, list[tuple[int, int]]] = {}
        for chrom, start, end in regions:
            by_contig.setdefault(normalise_contig(chrom), []).append((int(start), int(end)))
        self._arrays: dict[str, tuple[Any, Any]] = {}
        for contig, spans in by_contig.items():
            spans.sort()
            merged: list[list[int]] = []
            for start, end in spans:
                if merged and start <= merged[-1][1] + 1:
                    merged[-1][1] = max(merged[-1][1], end)
                else:
                    merged.append([start, end])
            self._arrays[contig] = (np.array([s for s, _ in merged], dtype=np.int64),
                                    np.array([e for _, e in merged], dtype=np.int64))
        self._spelling: dict[bytes, tuple[Any, Any] | None] = {}

    def for_chrom(self, chrom: bytes) -> tuple[Any, Any] | None:
        if chrom not in self._spelling:
            name = chrom.decode("utf-8", "replace")
            self._spelling[chrom] = self._arrays.get(normalise_contig(name))
        return self._spelling[chrom]

    def contains(self, chrom: bytes, pos: int) -> bool:
        arrays = self.for_chrom(chrom)
        if arrays is None:
            return False
        import numpy as np

        i = int(np.searchsorted(arrays[0], pos, side="right")) - 1
        return i >= 0 and pos <= int(arrays[1][i])


def _one_line(raw: bytes, number: int, shape: _Shape, lookup: _RegionLookup, result: ScanResult,
              out: IO[bytes]) -> None:
    """The slow path for one line (chunk boundaries, long CHROM names, anything the vectorised path refused)."""
    text = raw.rstrip(b"\r\n")
    if not text:
        raise shape.refuse(number, "empty line in the VCF body: every line after #CHROM must be a record")
    parts = text.split(b"\t", 2)
    if len(parts) < 3 or not parts[1].isdigit() or parts[1].startswith(b"0") or not 0 < int(parts[1]) <= _MAX_POS:
        shown = text[:60].decode("utf-8", "replace")
        raise shape.refuse(number, f"not a VCF record: expected CHROM<tab>POS<tab>... with POS from 1 to "
                           f"{_MAX_POS:,}, got {shown!r}")
    tabs = text.count(b"\t")
    if shape.tabs is not None and tabs != shape.tabs:
        raise shape.refuse(number, f"{tabs + 1} columns where the #CHROM line has {shape.tabs + 1}")
    result.records += 1
    pos = int(parts[1])
    _note_position(result, parts[0], pos, number)
    if lookup.contains(parts[0], pos):
        out.write(text + b"\n")
        result.selected_lines.append(number)


def _scan_block(np: Any, chunk: bytes, begin: int, end: int, line: int, shape: _Shape, lookup: _RegionLookup,
                result: ScanResult, out: IO[bytes]) -> int:
    """Scan complete lines chunk[begin:end] (end is just past a newline); return the line count after them."""
    if len(chunk) < _CHROM_WINDOW + _POS_WINDOW:  # too short for one window (a small last chunk): line by line
        while begin < end:
            stop = chunk.index(b"\n", begin) + 1
            line += 1
            _one_line(chunk[begin:stop], line, shape, lookup, result, out)
            begin = stop
        return line
    data = np.frombuffer(chunk, dtype=np.uint8)
    ends = np.flatnonzero(data[begin:end] == 10) + begin  # index of each line's newline
    starts = np.empty_like(ends)
    starts[0] = begin
    starts[1:] = ends[:-1] + 1
    lengths = ends - starts
    count = len(starts)
    # Fixed-width windows at each line start (CHROM) and after the first tab (POS), gathered as whole rows through
    # a stride-1 view of opaque W-byte items: far cheaper than gathering byte by byte. Lines too close to the end
    # of the buffer for a full window take the per-line path.
    chrom_items = np.ndarray((len(chunk) - _CHROM_WINDOW + 1,), dtype=f"V{_CHROM_WINDOW}", buffer=chunk, strides=(1,))
    fits = starts + _CHROM_WINDOW + _POS_WINDOW <= len(chunk)
    safe_starts = np.where(fits, starts, 0)
    window = chrom_items[safe_starts].view(np.uint8).reshape(count, _CHROM_WINDOW)
    offsets = np.arange(_CHROM_WINDOW)
    tabs = (window == 9) & (offsets < lengths[:, None])
    has_tab = tabs.any(axis=1)
    tab = tabs.argmax(axis=1)
    pos_items = np.ndarray((len(chunk) - _POS_WINDOW + 1,), dtype=f"V{_POS_WINDOW}", buffer=chunk, strides=(1,))
    digits = pos_items[safe_starts + tab + 1].view(np.uint8).reshape(count, _POS_WINDOW).astype(np.int64) - 48
    is_digit = (digits >= 0) & (digits <= 9)
    ndigits = np.where(is_digit.all(axis=1), _POS_WINDOW, is_digit.argmin(axis=1))
    terminator = digits[np.arange(count), np.minimum(ndigits, _POS_WINDOW - 1)] + 48
    good = fits & has_tab & (tab > 0) & (ndigits > 0) & (ndigits < _POS_WINDOW) & (terminator == 9)
    good &= tab + 1 + ndigits < lengths
    power = (ndigits[:, None] - 1 - np.arange(_POS_WINDOW))
    weights = np.where(power >= 0, 10 ** np.clip(power, 0, 18), 0)
    pos = (np.where(is_digit, digits, 0) * weights).sum(axis=1)
    good &= (pos > 0) & (pos <= _MAX_POS) & (digits[:, 0] != 0)
    blank = (lengths == 0) | ((lengths == 1) & (data[starts] == 13))
    if blank.any():
        k = int(np.flatnonzero(blank)[0])
        raise shape.refuse(line + k + 1, "empty line in the VCF body: every line after #CHROM must be a record")
    if shape.tabs is not None and int(np.count_nonzero(data[begin:end] == 9)) != shape.tabs * count:
        tab_counts = np.add.reduceat((data[begin:end] == 9).astype(np.int64), starts - begin)
        k = int(np.flatnonzero(tab_counts != shape.tabs)[0])
        raise shape.refuse(line + k + 1, f"{int(tab_counts[k]) + 1} columns where the #CHROM line has "
                           f"{shape.tabs + 1}")
    # Group consecutive lines with the same CHROM bytes (a sorted VCF has a handful of runs per chunk). A refused
    # line (and the line after it) starts a run of its own, so every run is all good or a single refused line.
    masked = np.where(offsets < tab[:, None], window, 0).astype(np.uint8)
    keys = np.ascontiguousarray(masked).view(np.uint64)
    change = ~good
    if count > 1:
        change[1:] |= (keys[1:] != keys[:-1]).any(axis=1) | ~good[:-1]
    change[0] = True
    selected = np.zeros(count, dtype=bool)
    run_starts = np.flatnonzero(change)
    run_ends = np.append(run_starts[1:], count)
    for a, b in zip(run_starts.tolist(), run_ends.tolist(), strict=True):
        if not good[a]:
            continue  # refused lines are handled one by one below
        chrom = chunk[int(starts[a]): int(starts[a] + tab[a])]
        p = pos[a:b]
        top = int(p.argmax())
        _note_position(result, chrom, int(p[top]), line + a + top + 1)
        arrays = lookup.for_chrom(chrom)
        if arrays is None:
            continue
        i = np.searchsorted(arrays[0], p, side="right") - 1
        selected[a:b] = (i >= 0) & (p <= arrays[1][np.maximum(i, 0)])
    refused = ~good
    result.records += int(np.count_nonzero(good))
    # Selected lines are written, and refused lines handled on the per-line path, in file order.
    for k in np.flatnonzero(refused | selected).tolist():
        if refused[k]:
            _one_line(chunk[int(starts[k]): int(ends[k]) + 1], line + k + 1, shape, lookup, result, out)
        else:
            out.write(chunk[int(starts[k]): int(ends[k]) + 1])
            result.selected_lines.append(line + k + 1)
    return line + count
