"""Genome builds: contig naming, build names, and deciding the build from the data itself.

GRCh37 and GRCh38 differ in the length of every main chromosome except MT, so the ``##contig`` lengths of a VCF
name its build; for segment files, a position past a chromosome's end in one build rules that build out.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from functools import cache, lru_cache

from hpdgenomics.genome._data import read_table

SUPPORTED_BUILDS = ("GRCh37", "GRCh38")

_BUILD_ALIASES = {
    "grch37": "GRCh37", "37": "GRCh37", "hg19": "GRCh37", "b37": "GRCh37", "grch37-lite": "GRCh37",
    "hs37d5": "GRCh37", "grch37.p13": "GRCh37", "ncbi37": "GRCh37",
    "grch38": "GRCh38", "38": "GRCh38", "hg38": "GRCh38", "grch38.p14": "GRCh38", "grch38.p13": "GRCh38",
    "grch38.d1.vd1": "GRCh38", "ncbi38": "GRCh38",
}
_UNSUPPORTED = {"hg18", "36", "grch36", "ncbi36", "hg17", "35", "t2t", "chm13", "t2t-chm13", "hs1"}


class UnsupportedBuild(ValueError):
    """A build name that is known but not supported (hg18, T2T) or not a build name at all."""


class BuildConflict(ValueError):
    """The data fit neither supported build, or fit different builds in different places."""


def normalise_build_name(name: str) -> str | None:
    """'hg19'/'37'/'GRCh37' → 'GRCh37'; 'hg38'/'38' → 'GRCh38'; '' or 'NA' → None; anything else raises."""
    key = name.strip().lower()
    if key in ("", "na", "n/a", "."):
        return None
    if key in _BUILD_ALIASES:
        return _BUILD_ALIASES[key]
    if key in _UNSUPPORTED:
        raise UnsupportedBuild(f"{name} is not supported; lift the data over to GRCh37 or GRCh38 first")
    raise UnsupportedBuild(f"{name!r} is not a genome build name this tool knows (GRCh37, GRCh38, hg19, hg38)")


@cache
def _contigs(build: str) -> tuple[tuple[str, int, str, str], ...]:
    if build not in SUPPORTED_BUILDS:
        raise UnsupportedBuild(f"{build!r} is not a supported build ({', '.join(SUPPORTED_BUILDS)})")
    return tuple((name, int(length), refseq, ucsc) for name, length, refseq, ucsc in read_table(f"contigs.{build}.tsv"))


@lru_cache(maxsize=1)
def _accessions() -> dict[str, tuple[str, str]]:
    """RefSeq accession (NC_000001.11) → (build, contig name)."""
    return {refseq: (build, name) for build in SUPPORTED_BUILDS for name, _, refseq, _ in _contigs(build)}


def normalise_contig(name: str) -> str:
    """One spelling per chromosome: 'chr1'/'CHR1'/'NC_000001.11' → '1', 'chrM'/'M' → 'MT'; others just stripped."""
    name = name.strip()
    if name.startswith("NC_"):
        known = _accessions().get(name)
        if known:
            return known[1]
    if name[:3].lower() == "chr":
        name = name[3:]
    if name.upper() in ("M", "MT"):
        return "MT"
    return name.upper() if name.upper() in ("X", "Y") else name


def contig_lengths(build: str) -> dict[str, int]:
    """Main chromosome lengths (1–22, X, Y, MT) of a build."""
    return {name: length for name, length, _, _ in _contigs(build)}


def detect_build_from_contig_lengths(lengths: Mapping[str, int]) -> str | None:
    """The build whose main chromosome lengths all match ``lengths`` (normalised names); None if none are given.

    MT has the same length in both builds and is ignored. Raises :class:`BuildConflict` when the main
    chromosomes match different builds or none.
    """
    votes: dict[str, list[str]] = {build: [] for build in SUPPORTED_BUILDS}
    unmatched = []
    for name, length in lengths.items():
        contig = normalise_contig(name)
        if contig == "MT":
            continue
        matches = [b for b in SUPPORTED_BUILDS if contig_lengths(b).get(contig) == length]
        if contig not in contig_lengths(SUPPORTED_BUILDS[0]):
            continue  # decoys, alts and unplaced contigs say nothing here
        if not matches:
            unmatched.append(f"{name}={length}")
        for build in matches:
            votes[build].append(contig)
    matched = [b for b in SUPPORTED_BUILDS if votes[b]]
    if unmatched:
        raise BuildConflict(f"contig lengths match neither GRCh37 nor GRCh38: {', '.join(unmatched[:5])}")
    if len(matched) > 1:
        raise BuildConflict("some contig lengths match GRCh37 (" + ",".join(votes["GRCh37"][:5]) + ") and others "
                            "GRCh38 (" + ",".join(votes["GRCh38"][:5]) + ")")
    return matched[0] if matched else None


def detect_build_from_accessions(names: Iterable[str]) -> str | None:
    """The build named by RefSeq chromosome accessions (NC_000001.10 → GRCh37, .11 → GRCh38), if any."""
    builds = {_accessions()[n][0] for n in names if n in _accessions() and _accessions()[n][1] != "MT"}
    if len(builds) > 1:
        raise BuildConflict("RefSeq accessions of both GRCh37 and GRCh38 are used")
    return builds.pop() if builds else None


def position_beyond_contig(build: str, contig: str, position: int) -> bool:
    """True when ``position`` lies past the end of ``contig`` in ``build`` (unknown contigs: False)."""
    length = contig_lengths(build).get(normalise_contig(contig))
    return length is not None and position > length


def build_from_positions(max_end_by_contig: Mapping[str, int]) -> str | None:
    """For coordinate-only files (segments): the only build in which no position lies past a chromosome's end.

    None when both builds remain possible; :class:`BuildConflict` when neither does.
    """
    possible = [
        build for build in SUPPORTED_BUILDS
        if not any(position_beyond_contig(build, contig, end) for contig, end in max_end_by_contig.items())
    ]
    if not possible:
        raise BuildConflict("positions lie past the end of a chromosome in both GRCh37 and GRCh38")
    return possible[0] if len(possible) == 1 else None


# Assembly pieces that are not main chromosomes but are real contig names (unplaced, alternate, patch, decoy and
# viral sequences of GRCh37/GRCh38 as Ensembl, NCBI and UCSC spell them). Records on them are counted as skipped,
# whereas a name that matches none of these (``chr12q``, ``chr99``) is a malformed file.
_SCAFFOLD_PATTERNS = re.compile(
    r"^(?:"
    # GL000192.1, KI270706v1; UCSC chr1_KI270706v1_random; hg19 chr1_gl000191_random, chr6_cox_hap2
    r"(?:GL|KI|JH|KN|KQ|KV|KZ|ML|MU|KB|KF)\d{6}(?:\.\d+|v\d+)?"
    r"|(?:chr)?(?:\d{1,2}|X|Y|M|Un)_(?:GL|KI|JH|KN|KQ|KV|KZ|ML|MU|KB|KF)\d{6}v\d+(?:_(?:random|alt|fix|decoy))?"
    r"|(?:chr)?(?:\d{1,2}|X|Y|M|Un)_(?:gl\d{6}|[a-z0-9]+_hap\d+)(?:_random)?"
    r"|(?:NT|NW|NC)_\d{6}(?:\.\d+)?"  # RefSeq accessions not among the main chromosomes
    r"|(?:chr)?EBV|hs37d5|NC_007605|HLA-[A-Za-z0-9*:]+|chrUn_[A-Za-z0-9._-]+|[A-Za-z0-9._-]*_decoy"
    r"|phiX174|lambda"
    r")$"
)


@cache
def primary_contigs() -> frozenset[str]:
    """The main chromosomes (1–22, X, Y, MT) of every supported build, normalised names."""
    return frozenset(name for build in SUPPORTED_BUILDS for name in contig_lengths(build))


def contig_kind(name: str) -> str:
    """'primary' (1–24, X, Y, MT in any spelling), 'scaffold' (a real non-primary contig name) or 'unknown'."""
    if normalise_contig(name) in primary_contigs() or normalise_contig(name) in ("23", "24"):
        return "primary"  # 23 and 24: X and Y as array-era files (TCGA, MSK) number them
    return "scaffold" if _SCAFFOLD_PATTERNS.match(name.strip()) else "unknown"


def build_named_in_text(text: str | None) -> str | None:
    """The build named inside a ``##reference``/``##assembly`` value (a path or a name), if one is recognisable."""
    if not text:
        return None
    lowered = text.lower()
    for token, build in (("grch38", "GRCh38"), ("hg38", "GRCh38"), ("grch37", "GRCh37"), ("hg19", "GRCh37"),
                         ("hs37d5", "GRCh37"), ("b37", "GRCh37"), ("human_g1k_v37", "GRCh37")):
        if token in lowered:
            return build
    return None
