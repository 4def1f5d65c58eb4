"""What we know about the tumour sample and the files it came from."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class InputFile:
    """One input file with its format and checksum, as recorded in every report."""

    path: str
    format: str
    sha256: str


@dataclass(frozen=True, slots=True)
class Sample:
    """The tumour sample a report is about."""

    id: str
    tumour_type: str | None = None  # today's OncoTree code (a retired code given by the user is mapped)
    genome_build: str | None = None  # "GRCh37" / "GRCh38", or None when it could not be told
    genome_build_basis: str | None = None  # how the build was decided, in words
    purity: float | None = None
    ploidy: float | None = None
    tumour_type_note: str | None = None  # how a retired code was read, or why a sheet's code was not used
