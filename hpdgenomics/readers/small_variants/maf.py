"""Somatic small variants from a MAF: GDC MAF (``#version`` lines, gzipped or not) and cBioPortal MAF.

Only the columns needed are read (a GDC MAF has over 100). Several samples per file: each becomes its own
:class:`MafSample` with its own tally. Germline rows are excluded unless asked for, and counted either way.
"""

from __future__ import annotations

import csv
from pathlib import Path
from typing import Any

from hpdgenomics.errors import BuildMismatchError, InputError, SampleSelectionError
from hpdgenomics.genome.builds import (
    SUPPORTED_BUILDS,
    UnsupportedBuild,
    contig_kind,
    contig_lengths,
    normalise_build_name,
    normalise_contig,
)
from hpdgenomics.model.qc import ReadTally, TmbCount
from hpdgenomics.model.vocab import NON_SYNONYMOUS, class_of_maf_classification
from hpdgenomics.readers.small_variants.maf_columns import (
    HG18,
    centre_protein_columns,
    is_hg18,
    note_columns_and_build,
)
from hpdgenomics.readers.small_variants.maf_records import (
    OPTIONAL,
    PROTEIN_COLUMNS,
    REQUIRED,
    SKIP_BLANK,
    SKIP_FILTERED,
    SKIP_GERMLINE,
    SKIP_NOT_RULE_GENE,
    SKIP_UNKNOWN_CLASS,
    MafChoice,
    MafResult,
    MafSample,
    kept_variant,
)
from hpdgenomics.readers.small_variants.maf_records import int_value as _int
from hpdgenomics.readers.text import GZIP_MAGIC, first_ragged_line, name_list, not_utf8, open_text

__all__ = ["OPTIONAL", "PROTEIN_COLUMNS", "REQUIRED", "SKIP_BLANK", "SKIP_FILTERED", "SKIP_GERMLINE",
           "SKIP_NOT_RULE_GENE", "SKIP_UNKNOWN_CLASS", "MafChoice", "MafResult", "MafSample", "kept_variant",
           "read_maf"]


def read_maf(
    path: str | Path,
    *,
    sample: str | None = None,
    include_germline: bool = False,
    include_filtered: bool = False,
    genes: frozenset[str] | None = None,
    tmb: TmbCount | None = None,
    declared_build: str | None = None,
) -> MafResult:
    """Read a MAF; with ``sample`` only that Tumor_Sample_Barcode is returned (absent → SampleSelectionError).

    ``tmb`` (its regions; counts start at 0) asks for every sample's TMB count: non-synonymous rows (any gene),
    not Germline, FILTER PASS, inside the regions when given, whatever ``include_*`` keep for the rules.
    ``declared_build`` (the user's) is what positions are checked against when the file names no NCBI_Build.
    """
    path = Path(path)
    comment_lines, header = _header(path)
    canonical = _resolve_columns(path, header, comment_lines + 1)
    from hpdgenomics.readers.small_variants.maf_stream import (
        read_streamed,  # the fast path; None leaves the file to the one below
    )

    choice = MafChoice(sample=sample, include_germline=include_germline, include_filtered=include_filtered,
                       genes=genes, tmb=tmb, declared_build=declared_build)
    result = read_streamed(path, comment_lines, header, canonical, choice)
    if result is None:
        result = _read_carefully(path, comment_lines, header, canonical, sample=sample,
                                 include_germline=include_germline, include_filtered=include_filtered, genes=genes,
                                 tmb=tmb, declared_build=declared_build)
    note_columns_and_build(result, canonical)
    return result


def _read_carefully(
    path: Path, comment_lines: int, header: list[str], canonical: dict[str, str], *, sample: str | None,
    include_germline: bool, include_filtered: bool, genes: frozenset[str] | None, tmb: TmbCount | None = None,
    declared_build: str | None = None,
) -> MafResult:
    """Read with pandas, row by row: slower, and the path that names the line of anything malformed."""
    ragged = first_ragged_line(path, comment_lines + 1, len(header))
    if ragged is not None:
        raise InputError(path, f"expected {len(header)} tab-separated columns like the header (line "
                         f"{comment_lines + 1}); this row has a different number", line=ragged)
    frame = _read_frame(path, comment_lines, canonical)
    samples_in_file = list(dict.fromkeys(frame["Tumor_Sample_Barcode"]))
    samples_in_file = [s for s in samples_in_file if s]
    if sample is not None and sample not in samples_in_file:
        shown = name_list(samples_in_file)
        raise SampleSelectionError(path, f"sample {sample!r} is not in Tumor_Sample_Barcode "
                                   f"({len(samples_in_file)} samples: {shown or 'none'})")
    protein_columns = [c for c in PROTEIN_COLUMNS if c in frame.columns]
    result = MafResult(path=path, samples={}, build=_build(path, frame, comment_lines),
                       protein_column=protein_columns[0] if protein_columns else None)
    if result.build == HG18:
        _check_rows(path, frame, None, comment_lines + 2)  # numbers and contigs; no hg18 lengths are bundled
    elif result.build is not None:
        _check_rows(path, frame, result.build, comment_lines + 2, "the build NCBI_Build names")
    else:
        _check_rows(path, frame, declared_build, comment_lines + 2, "the build declared with --build")
    first_data_line = comment_lines + 2
    other_rows = 0
    for offset, row in enumerate(frame.itertuples(index=False)):
        record = row._asdict()
        barcode = record["Tumor_Sample_Barcode"]
        if sample is not None and barcode != sample:
            other_rows += 1
            continue
        target = result.samples.setdefault(barcode, MafSample(barcode))
        if target.tally is None:
            target.tally = ReadTally(path=str(path), unit=f"MAF rows of sample {barcode}" if barcode else "MAF rows")
            if tmb is not None:
                target.tmb = TmbCount(regions=tmb.regions)
        if target.tmb is not None and _counts_for_tmb(record, target.tmb):
            target.tmb.counted += 1
        _read_row(record, f"{path.name}:{first_data_line + offset}", target, protein_columns,
                  include_germline, include_filtered, genes)
    for maf_sample in result.samples.values():
        if maf_sample.tally is not None and other_rows:
            maf_sample.tally.notes.append(f"{other_rows} rows of other samples in this file were not read for it")
    return result


def _read_row(
    record: dict[str, Any], where: str, target: MafSample, protein_columns: list[str],
    include_germline: bool, include_filtered: bool, genes: frozenset[str] | None,
) -> None:
    tally = target.tally
    assert tally is not None
    gene = (record["Hugo_Symbol"] or "").strip()
    if not gene and not record["Tumor_Sample_Barcode"] and not record["Variant_Classification"]:
        tally.skip(SKIP_BLANK)
        return
    status = (record.get("Mutation_Status") or "").strip().lower()
    if status == "germline" and not include_germline:
        tally.skip(SKIP_GERMLINE)
        return
    filter_value = (record.get("FILTER") or "PASS").strip() or "PASS"
    if not include_filtered and filter_value not in ("PASS", "."):
        tally.skip(SKIP_FILTERED)
        return
    consequence = class_of_maf_classification(record["Variant_Classification"] or "")
    if consequence is None:
        tally.skip(SKIP_UNKNOWN_CLASS)
        note = f"unrecognised Variant_Classification {record['Variant_Classification']!r}"
        if note not in tally.notes and len(tally.notes) < 20:
            tally.notes.append(note)
        return
    if genes is not None and gene not in genes:
        tally.skip(SKIP_NOT_RULE_GENE)
        return
    tally.keep()
    target.variants.append(kept_variant(record, where, protein_columns))


def _counts_for_tmb(record: dict[str, Any], tmb: TmbCount) -> bool:
    """A non-synonymous, somatic, PASS row inside the TMB regions (any gene)."""
    if (record.get("Mutation_Status") or "").strip().lower() == "germline":
        return False
    if ((record.get("FILTER") or "PASS").strip() or "PASS") not in ("PASS", "."):
        return False
    if class_of_maf_classification(record["Variant_Classification"] or "") not in NON_SYNONYMOUS:
        return False
    chrom = (record.get("Chromosome") or "").strip()
    return tmb.inside(normalise_contig(chrom), _int(record.get("Start_Position")))


def _header(path: Path) -> tuple[int, list[str]]:
    """Count the leading '#' lines and return the column names of the header line after them."""
    with open_text(path) as handle:
        comment_lines = 0
        for line in handle:
            if line.startswith("#"):
                comment_lines += 1
                continue
            if not line.strip():
                raise InputError(path, "expected the MAF header line, found an empty line", line=comment_lines + 1)
            return comment_lines, [name.strip() for name in line.rstrip("\n").split("\t")]
    raise InputError(path, "the MAF is empty (no header line)")


def _resolve_columns(path: Path, header: list[str], line: int) -> dict[str, str]:
    """Map canonical column names to the file's spelling (column names are matched case-insensitively)."""
    by_fold = {name.casefold(): name for name in header}
    wanted = {name.casefold() for name in (*REQUIRED, *OPTIONAL)}
    repeated = [name for name in dict.fromkeys(header) if name.casefold() in wanted
                and sum(h.casefold() == name.casefold() for h in header) > 1]
    if repeated:
        raise InputError(path, f"column {repeated[0]} appears more than once in the MAF header", line=line)
    missing = [name for name in REQUIRED if name.casefold() not in by_fold]
    if missing:
        if len(header) == 1 and ("," in header[0] or " " in header[0]):
            raise InputError(path, "the MAF header is not tab-separated", line=line)
        raise InputError(path, "missing required MAF column(s): " + ", ".join(missing)
                         + f" (found: {', '.join(header[:12])}{' …' if len(header) > 12 else ''})", line=line)
    resolved = {name: by_fold[name.casefold()] for name in (*REQUIRED, *OPTIONAL) if name.casefold() in by_fold}
    resolved.update(centre_protein_columns(header))
    return resolved


def _read_frame(path: Path, comment_lines: int, columns: dict[str, str]) -> Any:
    import pandas as pd  # imported here: only the MAF path needs pandas, and it costs start-up time

    with path.open("rb") as probe:
        compression = "gzip" if probe.read(2) == GZIP_MAGIC else None
    wanted = set(columns.values())
    try:
        frame = pd.read_csv(
            path, sep="\t", skiprows=comment_lines, usecols=lambda c: c.strip() in wanted, dtype=str,
            keep_default_na=False, na_values=[], quoting=csv.QUOTE_NONE, compression=compression,
            skip_blank_lines=False, encoding="utf-8-sig", engine="c",
        )
    except UnicodeDecodeError as exc:  # a ValueError too: before the generic message, which has no line
        raise not_utf8(path, exc) from exc
    except (pd.errors.ParserError, ValueError, EOFError, OSError) as exc:
        raise InputError(path, f"cannot be read as a tab-separated MAF: {exc}") from exc
    frame.columns = [c.strip() for c in frame.columns]
    frame = frame.rename(columns={spelling: name for name, spelling in columns.items()})
    return frame.fillna("")


def _build(path: Path, frame: Any, comment_lines: int) -> str | None:
    if "NCBI_Build" not in frame.columns:
        return None
    builds: set[str] = set()
    for offset, value in enumerate(frame["NCBI_Build"]):
        if not value.strip():
            continue
        if is_hg18(value):
            build: str | None = HG18
        else:
            build = _supported_build(path, value, comment_lines + 2 + offset)
        if build and builds and build not in builds:
            raise BuildMismatchError(path, f"the MAF mixes genome builds in NCBI_Build: {value!r} here, "
                                     f"{next(iter(builds))} on the rows before", line=comment_lines + 2 + offset)
        if build:
            builds.add(build)
    return builds.pop() if builds else None


def _supported_build(path: Path, value: str, line: int) -> str | None:
    try:
        return normalise_build_name(value)
    except UnsupportedBuild as exc:
        raise BuildMismatchError(path, f"NCBI_Build {value!r} is not supported ({exc})", line=line) from exc


_MISSING_NUMBER = frozenset({"", "NA", ".", "NaN", "nan", "N/A"})


def _check_rows(path: Path, frame: Any, build: str | None, first_line: int,
                named: str = "the build NCBI_Build names") -> None:
    """Positions and read counts must be whole numbers, End_Position not before Start_Position, Chromosome a real
    contig, and positions inside the chromosome of the file's build (or of either build when none is named)."""
    import pandas as pd  # already loaded by _read_frame

    numbers = {}
    for column, pattern, expected in (
        ("Start_Position", r"[1-9][0-9]*", "a whole number from 1 (a 1-based position)"),
        ("End_Position", r"[1-9][0-9]*", "a whole number from 1 (a 1-based position)"),
        ("t_alt_count", r"[0-9]+(?:\.0*)?", "a whole number of reads"),
        ("t_ref_count", r"[0-9]+(?:\.0*)?", "a whole number of reads"),
        ("t_depth", r"[0-9]+(?:\.0*)?", "a whole number of reads"),
    ):
        if column not in frame.columns:
            continue
        text = frame[column].str.strip()
        given = ~text.isin(_MISSING_NUMBER)
        bad = given & ~text.str.fullmatch(pattern)
        if bad.any():
            index = int(bad.to_numpy().nonzero()[0][0])
            raise InputError(path, f"{column} {text.iloc[index]!r}: expected {expected}", line=first_line + index)
        numbers[column] = pd.to_numeric(text.where(given), errors="coerce")
    if "Start_Position" in numbers and "End_Position" in numbers:
        reversed_ = numbers["End_Position"] < numbers["Start_Position"]
        if reversed_.any():
            index = int(reversed_.to_numpy().nonzero()[0][0])
            raise InputError(path, f"End_Position {frame['End_Position'].iloc[index].strip()} lies before "
                             f"Start_Position {frame['Start_Position'].iloc[index].strip()}", line=first_line + index)
    if "Chromosome" not in frame.columns:
        return
    chromosomes = frame["Chromosome"].str.strip()
    for name in chromosomes.unique():
        if name and contig_kind(name) == "unknown":
            index = int((chromosomes == name).to_numpy().nonzero()[0][0])
            raise InputError(path, f"Chromosome {name!r} is neither a GRCh37/GRCh38 chromosome (1-22, X, Y, MT, with "
                             "or without 'chr') nor a known unplaced, alternate or decoy contig",
                             line=first_line + index)
    ends = numbers.get("End_Position", numbers.get("Start_Position"))
    if ends is None:
        return
    builds = [build] if build else list(SUPPORTED_BUILDS)
    normalised = chromosomes.map(normalise_contig)
    limit = normalised.map(lambda c: max(contig_lengths(b).get(c, 0) for b in builds) or None).astype("float64")
    past = ends > limit
    if past.any():
        index = int(past.to_numpy().nonzero()[0][0])
        position = int(ends.iloc[index])
        chrom = normalised.iloc[index]
        if build:
            raise BuildMismatchError(path, f"position {position:,} lies past the end of chromosome {chrom} in {build} "
                                     f"({int(limit.iloc[index]):,} bp), {named}: is the file from another genome "
                                     "build?", line=first_line + index)
        raise InputError(path, f"position {position:,} lies past the end of chromosome {chrom} in both GRCh37 and "
                         f"GRCh38 (at most {int(limit.iloc[index]):,} bp)", line=first_line + index)


