"""Input formats by name: how each is recognised from its header, and which reader reads it.

As CNVkit's ``tabio`` does, a file's format is found from its header when the user does not force one
(``--cn-format``). Supporting a new caller is one reader module under ``readers/copy_number/`` and one line in
:data:`FORMATS`. Detection looks at the column names after lower-casing and dropping everything but letters and
digits (``loc.start`` → ``locstart``), skipping ``@`` lines (GATK's SAM header) and reading a ``#``-prefixed
header line (legacy PURPLE) as a header. Formats are tried in order, the most specific first; ``seg`` and
``cna`` are the fallbacks of ``--seg`` and ``--cna``.

A reader's :class:`~hpdgenomics.errors.InputError` is re-raised with the format the file was read as, so that a
file detected wrongly says so ("read as FACETS cncf: …").
"""

from __future__ import annotations

import importlib
import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from hpdgenomics.errors import InputError, OptionError
from hpdgenomics.readers.text import open_text


@dataclass(frozen=True)
class Format:
    """One input format: its name, what it holds, the header keys that identify it, and its reader."""

    name: str
    label: str
    holds: str  # "segments", "discrete" (gene-level calls) or "purity" (per-sample fits)
    needs: frozenset[str]  # every one of these header keys must be present …
    any_of: frozenset[str] = frozenset()  # … and at least one of these, when given
    reader: str = ""  # "module:function" under hpdgenomics.readers

    def matches(self, keys: set[str]) -> bool:
        return self.needs <= keys and (not self.any_of or bool(self.any_of & keys))

    def load(self) -> Callable[..., Any]:
        module, function = self.reader.split(":")
        return getattr(importlib.import_module(f"hpdgenomics.readers.{module}"), function)


def _f(name: str, label: str, holds: str, needs: str, reader: str, any_of: str = "") -> Format:
    return Format(name, label, holds, frozenset(needs.split()), frozenset(any_of.split()), reader)


FORMATS: tuple[Format, ...] = (
    _f("gatk_seg", "GATK ModelSegments/CallCopyRatioSegments .seg", "segments",
       "contig start end numpointscopyratio", "copy_number.gatk:read_gatk_seg"),
    _f("battenberg", "Battenberg subclones.txt", "segments", "startpos endpos nmaj1a nmin1a frac1a",
       "copy_number.battenberg:read_battenberg"),
    _f("ascat", "ASCAT segments", "segments", "startpos endpos nmajor nminor", "copy_number.ascat:read_ascat"),
    _f("pcgr", "PCGR v2 allele-specific CNA", "segments", "chromosome start end nmajor nminor",
       "copy_number.pcgr:read_pcgr"),
    _f("purple", "PURPLE purple.cnv.somatic.tsv", "segments",
       "chromosome start end copynumber minorallelecopynumber majorallelecopynumber", "copy_number.purple:read_purple"),
    _f("purple_legacy", "PURPLE v2 .purple.cnv", "segments", "chromosome start end copynumber actualbaf",
       "copy_number.purple:read_purple"),
    _f("facets", "FACETS cncf", "segments", "chrom tcnem", "copy_number.facets:read_facets", any_of="locstart start"),
    _f("titan", "TitanCNA segments", "segments", "titancall copynumber minorcn majorcn",
       "copy_number.titan:read_titan"),
    _f("cns", "CNVkit .cns/.cnr", "segments", "chromosome start end log2", "copy_number.segments:read_cnvkit"),
    _f("purple_purity", "PURPLE purple.purity.tsv", "purity", "purity ploidy wholegenomeduplication msstatus",
       "copy_number.purity:read_purity_table"),
    _f("ascat_summary", "ASCAT per-sample summary", "purity", "name barcodetumour purity ploidy",
       "copy_number.purity:read_purity_table"),
    _f("absolute_table", "ABSOLUTE purity/ploidy table", "purity", "array sample purity ploidy genomedoublings",
       "copy_number.purity:read_purity_table"),
    _f("battenberg_rho_psi", "Battenberg rho_and_psi.txt", "purity", "rho psi", "copy_number.purity:read_purity_table"),
    _f("purity_table", "purity table (sample, purity, ploidy)", "purity", "purity ploidy",
       "copy_number.purity:read_purity_table"),
    _f("seg", "SEG (IGV/DNAcopy)", "segments", "", "copy_number.segments:read_seg"),
    _f("cna", "discrete CNA (cBioPortal/GISTIC matrix or long table)", "discrete", "",
       "copy_number.cna:read_discrete_cna", any_of="hugosymbol genesymbol gene hugo"),
)
BY_NAME = {f.name: f for f in FORMATS}
# What each input option falls back to when no specific format matches.
FALLBACK = {"seg": "seg", "cns": "cns", "cna": "cna", "purity": "purity_table"}


def copy_number_formats() -> list[str]:
    """The names ``--cn-format`` accepts: every format that holds copy number (not the purity tables)."""
    return [f.name for f in FORMATS if f.holds != "purity"]


def header_keys(path: Path) -> set[str]:
    """The header's column names as keys: after ``@`` lines; a ``#``-prefixed line counts when it has tabs and
    is the last one before the data (legacy PURPLE), otherwise ``#`` lines are comments."""
    last_comment = None
    with open_text(path) as handle:
        for line in handle:
            if line.startswith("@"):
                continue
            if line.startswith("#"):
                last_comment = line
                continue
            names = line.rstrip("\r\n").split("\t")
            if last_comment is not None and "\t" in last_comment and len(last_comment.split("\t")) >= len(names):
                names = last_comment.rstrip("\r\n").split("\t")
            return {re.sub(r"[^a-z0-9]", "", n.lower()) for n in names}
    return set()


def detect(path: str | Path, given_as: str, forced: str | None = None) -> Format:
    """The format of ``path``: ``forced`` when given (a registry name), else the first whose header keys match,
    else the fallback of the option the file was given with (``seg``, ``cns``, ``cna`` or ``purity``)."""
    if forced is not None:
        if forced not in BY_NAME:
            raise OptionError(f"unknown copy-number format {forced!r}; known: {', '.join(BY_NAME)}")
        return BY_NAME[forced]
    keys = header_keys(Path(path))
    wanted = "purity" if given_as == "purity" else None
    for candidate in FORMATS:
        if not candidate.needs or (wanted and candidate.holds != "purity"):
            continue
        if wanted is None and candidate.holds == "purity":
            continue
        if candidate.matches(keys):
            return candidate
    return BY_NAME[FALLBACK.get(given_as, given_as)]


def read(fmt: Format, path: str | Path, *, announce: bool = True, **options: Any) -> Any:
    """Read ``path`` with ``fmt``'s reader; its input errors name the format the file was read as (``announce``
    False: the option the file came with already says it, e.g. ``--seg`` read as SEG)."""
    reader = fmt.load()
    if fmt.holds == "purity":
        options = {"fmt": fmt.name, **{k: v for k, v in options.items() if k == "sample"}}
    try:
        return reader(path, **options)
    except InputError as exc:
        if not announce or exc.detail.startswith("read as "):
            raise
        raise type(exc)(exc.path, f"read as {fmt.label}: {exc.detail}", line=exc.line) from exc

