"""Checks that a VCF's body agrees with its header, for everything htslib accepts or mends without a word.

htslib (inside cyvcf2) reads lines with extra sample columns silently, wraps positions above 2^31, adds undeclared
INFO/FORMAT keys and contigs to its in-memory header with only a warning, reads an empty line as a record, refuses a
UTF-8 byte-order mark, and stops on a malformed line with a bare error code. The checks here turn each of these into
an :class:`InputError` that names the file, the line and what was expected.

Cost: :func:`scan_body` is one byte-level pass (column counts and POS shape, done in C by ``bytes.count`` and one
regular expression per chunk); :func:`diagnose` reads line by line but runs only once something is known to be wrong.
"""

from __future__ import annotations

import contextlib
import gzip
import re
import shutil
import tempfile
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from hpdgenomics.errors import BuildMismatchError, InputError
from hpdgenomics.genome.builds import SUPPORTED_BUILDS, build_named_in_text, contig_lengths, normalise_contig
from hpdgenomics.readers.text import name_list, open_bytes, open_text

if TYPE_CHECKING:
    from hpdgenomics.readers.small_variants.vcf_types import VcfHeader

# Keys whose values change what is reported: a body that uses one without declaring it is an error, because htslib
# then reads it as text and the annotation or copy number would be lost. Undeclared keys that only feed VAF and
# depth (informational: no rule uses them) and any other undeclared key become QC notes.
USED_INFO = frozenset({"CSQ", "ANN", "BCSQ", "EFF", "SVTYPE", "END", "CN", "FOLD_CHANGE_LOG", "LOG2"})
USED_FORMAT = frozenset({"CN", "SM"})
DEPTH_FORMAT = frozenset({"AF", "AD", "DP", "AU", "CU", "GU", "TU", "TIR", "TAR"})

# 1 .. 999,999,999: longer than any human chromosome and below the 2^31 where htslib's positions wrap around.
_POS = re.compile(r"[1-9][0-9]{0,8}")
_BAD_POS_LINE = re.compile(rb"(?m)^[^\t\n]*\t(?![1-9][0-9]{0,8}\t)")
_BOM = b"\xef\xbb\xbf"
_CHUNK = 1 << 22
_NUMBER = {
    "Integer": re.compile(r"[+-]?[0-9]+|\."),
    "Float": re.compile(r"[+-]?(?:[0-9]+\.?[0-9]*|\.[0-9]+)(?:[eE][+-]?[0-9]+)?|[+-]?(?:inf|infinity|nan)|\.",
                        re.IGNORECASE),
}


def _raw(path: Path) -> Any:
    return open_bytes(path)


def scan_body(header: VcfHeader) -> None:
    """Check every data line has the #CHROM line's number of columns and a POS from 1 to 999,999,999.

    Raises :class:`InputError` naming the first line that breaks this (found by :func:`diagnose`), also when the
    compressed data end early.
    """
    columns = declared(header).columns
    check_count = columns != 9  # a FORMAT column without samples: htslib takes lines with or without it
    expected_tabs = columns - 1
    problem = False
    try:
        with _raw(header.path) as handle:
            rest = _skip_header(handle, header.header_lines)
            while True:
                chunk = handle.read(_CHUNK)
                data = rest + chunk
                if chunk:
                    cut = data.rfind(b"\n") + 1
                    block, rest = data[:cut], data[cut:]
                else:
                    block, rest = (data if data.endswith(b"\n") or not data else data + b"\n"), b""
                if block and ((check_count and block.count(b"\t") != expected_tabs * block.count(b"\n"))
                              or _BAD_POS_LINE.search(block) or b"\n\n" in block or block.startswith(b"\n")):
                    problem = True
                    break
                if not chunk:
                    break
    except (OSError, EOFError, gzip.BadGzipFile) as exc:
        raise InputError(header.path, f"compressed data is corrupt or truncated ({exc})") from exc
    if problem:
        raise diagnose(header) or InputError(header.path, "the VCF body does not match its #CHROM line")


@dataclass(frozen=True)
class Declared:
    """What the header lines declare, as the checks need it (raw contig names, value types)."""

    columns: int
    contigs: frozenset[str]
    info_types: dict[str, str]
    format_types: dict[str, str]


_DEFINITION = re.compile(r"^##(INFO|FORMAT|contig)=<(.*)>\s*$")


def declared(header: VcfHeader) -> Declared:
    """Read the header lines again for the declarations :class:`VcfHeader` does not keep."""
    contigs: set[str] = set()
    types: dict[str, dict[str, str]] = {"INFO": {}, "FORMAT": {}}
    columns = 8
    with open_text(header.path) as handle:
        for number, line in enumerate(handle, start=1):
            if number > header.header_lines:
                break
            if line.startswith("#CHROM"):
                columns = len(line.rstrip("\n").split("\t"))
                break
            match = _DEFINITION.match(line)
            if not match:
                continue
            ident = re.search(r"(?:^|,)ID=([^,>]+)", match.group(2))
            if ident is None:
                continue
            if match.group(1) == "contig":
                contigs.add(ident.group(1))
            else:
                kind = re.search(r"(?:^|,)Type=([A-Za-z]+)", match.group(2))
                types[match.group(1)][ident.group(1)] = kind.group(1) if kind else "String"
    return Declared(columns=columns, contigs=frozenset(contigs), info_types=types["INFO"],
                    format_types=types["FORMAT"])


def _skip_header(handle: Any, header_lines: int) -> bytes:
    """Read past ``header_lines`` lines; return what was read after them."""
    seen = 0
    buffer = b""
    while True:
        chunk = handle.read(_CHUNK)
        if not chunk:
            return b""
        buffer += chunk
        start = 0
        while seen < header_lines:
            found = buffer.find(b"\n", start)
            if found < 0:
                break
            seen += 1
            start = found + 1
        buffer = buffer[start:]
        if seen >= header_lines:
            return buffer


def diagnose(header: VcfHeader) -> InputError | None:
    """Read the body line by line and describe the first line that does not fit the header; None if all fit."""
    rules = _Rules(header)
    try:
        with open_text(header.path) as handle:
            for number, line in enumerate(handle, start=1):
                if number <= header.header_lines:
                    continue
                problem = rules.problem(line.rstrip("\n"))
                if problem is not None:
                    error_type, message = problem
                    return error_type(header.path, message, line=number)
    except InputError as exc:
        return exc
    return None


class _Rules:
    """What the header says a data line must look like."""

    def __init__(self, header: VcfHeader) -> None:
        facts = declared(header)
        self.header = header
        self.columns = facts.columns
        self.declared_contigs = facts.contigs
        self.info_types = facts.info_types
        self.format_types = facts.format_types
        self.limits = _Limits(header)

    def problem(self, line: str) -> tuple[type[InputError], str] | None:
        header = self.header
        if not line.strip():
            return InputError, "empty line: expected a VCF record (tab-separated CHROM POS ID REF ALT …)"
        fields = line.split("\t")
        if len(fields) == 1 and " " in line:
            return InputError, "the columns are separated by spaces: a VCF record must be tab-separated"
        if len(fields) != self.columns and not (self.columns == 9 and len(fields) == 8):
            samples = f", FORMAT and {len(header.samples)} sample(s): {name_list(header.samples)}" \
                if header.samples else ""
            return InputError, (f"{len(fields)} tab-separated columns, but the #CHROM line (line "
                                f"{header.header_lines}) has {self.columns} (8 fixed columns{samples})")
        chrom, pos, _, ref = fields[:4]
        if not chrom or chrom != chrom.strip():
            return InputError, f"CHROM {chrom!r}: expected a contig name without spaces"
        if self.declared_contigs and chrom not in self.declared_contigs:
            shown = ", ".join(sorted(self.declared_contigs)[:8]) + (" …" if len(self.declared_contigs) > 8 else "")
            return InputError, (f"contig {chrom!r} is not declared in the header (##contig lines: {shown}); the header "
                                "and the body disagree")
        if not _POS.fullmatch(pos):
            return InputError, f"POS {pos!r}: expected a whole number from 1 to 999,999,999"
        if not ref.strip():
            return InputError, "REF is empty: expected the reference base(s)"
        past = self.limits.problem(chrom, int(pos), f"POS {pos}")
        if past is not None:
            return past
        problem = self._info(fields[7])
        if problem is None and len(fields) > 9:
            problem = self._format(fields[8], fields[9:])
        return None if problem is None else (InputError, problem)

    def _info(self, info: str) -> str | None:
        if info == ".":
            return None
        for item in info.split(";"):
            key, _, value = item.partition("=")
            if key in USED_INFO and key not in self.info_types:
                return f"INFO/{key} is used but not declared in the header (no ##INFO=<ID={key},...> line)"
            kind = self.info_types.get(key)
            if kind in _NUMBER and value:
                bad = next((v for v in value.split(",") if not _NUMBER[kind].fullmatch(v)), None)
                if bad is not None:
                    return f"INFO/{key} value {bad!r}: the header declares it {kind}"
        return None

    def _format(self, keys_text: str, samples: list[str]) -> str | None:
        keys = keys_text.split(":")
        for key in keys:
            if key in USED_FORMAT and key not in self.format_types:
                return f"FORMAT/{key} is used but not declared in the header (no ##FORMAT=<ID={key},...> line)"
        for name, column in zip(self.header.samples, samples, strict=False):
            for key, value in zip(keys, column.split(":"), strict=False):
                kind = self.format_types.get(key)
                if kind in _NUMBER:
                    bad = next((v for v in value.split(",") if not _NUMBER[kind].fullmatch(v)), None)
                    if bad is not None:
                        return f"FORMAT/{key} of sample {name} is {bad!r}: the header declares it {kind}"
        return None


class _Limits:
    """Where each contig ends: its ##contig length, else the build named by ##reference, else either build."""

    def __init__(self, header: VcfHeader) -> None:
        self.header = header
        self.declared = header.declared_build is not None and not header.contig_lengths
        self.build = (header.declared_build or build_named_in_text(header.reference)) if not header.contig_lengths \
            else None
        self.cache: dict[str, int | None] = {}

    def limit(self, chrom: str) -> int | None:
        if chrom not in self.cache:
            name = normalise_contig(chrom)
            if self.header.contig_lengths:
                self.cache[chrom] = self.header.contig_lengths.get(name)
            elif self.build is not None:
                self.cache[chrom] = contig_lengths(self.build).get(name)
            else:
                lengths = [contig_lengths(b).get(name) for b in SUPPORTED_BUILDS]
                self.cache[chrom] = max(lengths) if all(lengths) else None  # type: ignore[type-var]
        return self.cache[chrom]

    def problem(self, chrom: str, position: int, what: str) -> tuple[type[InputError], str] | None:
        limit = self.limit(chrom)
        if limit is None or position <= limit:
            return None
        if self.header.contig_lengths:
            return InputError, (f"{what} lies past the end of contig {chrom} ({limit:,} bp in its ##contig line); "
                                "the header and the body disagree")
        if self.build is not None:
            named = "the build declared with --build" if self.declared else "the build named by ##reference"
            return BuildMismatchError, (f"{what} lies past the end of chromosome {normalise_contig(chrom)} in "
                                        f"{self.build} ({limit:,} bp), {named}: is the file from another genome "
                                        "build?")
        return InputError, (f"{what} lies past the end of chromosome {normalise_contig(chrom)} in both GRCh37 and "
                            f"GRCh38 (at most {limit:,} bp)")


def watch(records: Iterable[tuple[Any, str]], header: VcfHeader, *, stream: bool) -> Iterator[tuple[Any, str]]:
    """Pass records through, raising when a position lies past the end of its contig (see :class:`_Limits`)."""
    limits = _Limits(header)
    cache = limits.cache
    for record, where in records:
        chrom = record.CHROM
        limit = cache[chrom] if chrom in cache else limits.limit(chrom)
        if limit is not None and limit < record.POS:
            problem = limits.problem(chrom, record.POS, f"POS {record.POS}")
            assert problem is not None
            error_type, message = problem
            line = int(where.rsplit(":", 1)[1]) if stream else None
            raise error_type(header.path, message if stream else f"record {chrom}:{record.POS}: {message}", line=line)
        yield record, where


def check_live_header(vcf: Any, header: VcfHeader) -> list[str]:
    """After reading: contigs and keys htslib had to add to its header because the body used them undeclared.

    An undeclared contig (when the header declares contigs) or an undeclared key this package reads raises
    :class:`InputError` at the first line using it; other undeclared keys are returned as QC notes.
    """
    facts = declared(header)
    added_contigs, added_keys = [], []
    for record in vcf.header_iter():
        kind = record.type
        ident = record.info().get("ID")
        if kind == "CONTIG" and facts.contigs and ident not in facts.contigs:
            added_contigs.append(ident)
        elif kind == "INFO" and ident not in facts.info_types:
            added_keys.append(("INFO", ident))
        elif kind == "FORMAT" and ident not in facts.format_types:
            added_keys.append(("FORMAT", ident))
    used = [(k, i) for k, i in added_keys if i in (USED_INFO if k == "INFO" else USED_FORMAT)]
    if added_contigs or used:
        raise diagnose(header) or InputError(
            header.path, "the body uses " + ", ".join(added_contigs + [f"{k}/{i}" for k, i in used])
            + " without declaring it in the header")
    return [f"{kind}/{ident} is used in the body but not declared in the header, so "
            + ("VAF and depth were not read from it" if kind == "FORMAT" and ident in DEPTH_FORMAT
               else "it was read as text (hpdgenomics does not use it)")
            for kind, ident in added_keys]


@contextlib.contextmanager
def htslib_source(header: VcfHeader) -> Iterator[str]:
    """A path htslib can open: the file itself, or a temporary copy without its UTF-8 byte-order mark."""
    with _raw(header.path) as handle:
        bom = handle.read(3) == _BOM
        if not bom:
            yield str(header.path)
            return
        with tempfile.NamedTemporaryFile("wb", prefix="hpdgenomics-", suffix=".vcf") as copy:
            shutil.copyfileobj(handle, copy)
            copy.flush()
            yield copy.name


def header_problems(path: Path, columns: list[str], line: int) -> None:
    """Sample names on the #CHROM line must be present, distinct, and come after a FORMAT column."""
    if len(columns) > 8 and columns[8] != "FORMAT":
        raise InputError(path, f"the 9th column of the #CHROM line is {columns[8]!r}: expected FORMAT before the "
                         "sample columns", line=line)
    samples = columns[9:]
    if any(not s.strip() for s in samples):
        raise InputError(path, "the #CHROM line has an empty sample name (a stray tab at the end of the line?)",
                         line=line)
    seen: set[str] = set()
    for name in samples:
        if name in seen:
            raise InputError(path, f"sample name {name!r} appears twice on the #CHROM line: sample names must be "
                             "distinct", line=line)
        seen.add(name)


def check_ends(header: VcfHeader, ends: Iterable[tuple[str, int, int]]) -> None:
    """Copy-number records: (contig, END, line) must not lie past the contig's end (see :class:`_Limits`)."""
    limits = _Limits(header)
    for chrom, end, line in ends:
        problem = limits.problem(chrom, end, f"INFO/END {end}")
        if problem is not None:
            error_type, message = problem
            raise error_type(header.path, message, line=line)
