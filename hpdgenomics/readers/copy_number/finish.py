"""The last step of every segment reader: contigs spelled one way, overlaps refused, rows counted per sample.

Coordinates are already 0-based half-open here; the readers convert before calling :func:`finish`.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from hpdgenomics.errors import InputError, SampleSelectionError
from hpdgenomics.genome.builds import SUPPORTED_BUILDS, contig_kind, contig_lengths, normalise_contig
from hpdgenomics.model.qc import ReadTally
from hpdgenomics.readers.copy_number.table import (
    REQUIRED,
    SKIP_EMPTY,
    SKIP_NO_VALUE,
    SKIP_UNKNOWN_CONTIG,
    SegmentFile,
    read_columns,
    read_header,
    resolve,
)

UNITS = {"seg": "SEG segments", "cns": "CNVkit segments", "cnr": "CNVkit bins"}
KNOWN_CONTIGS = frozenset(c for build in SUPPORTED_BUILDS for c in contig_lengths(build))
# Array-era SEG files (TCGA Firehose, PLINK-style exports) number X and Y as 23 and 24.
_NUMBERED_SEX = {"23": "X", "24": "Y"}


def finish(path: Path, fmt: str, frame: pd.DataFrame, sample: str | None, *, bins: bool = False,
           unit: str | None = None) -> SegmentFile:
    """The usable rows of ``frame`` as a :class:`SegmentFile`, with every other row counted under its reason."""
    if frame.empty:
        raise InputError(path, "the file has a header but no data rows")
    frame["sample"] = frame["sample"].astype(str)
    empty = frame["sample"] == ""
    if empty.any():
        raise InputError(path, "empty sample id", line=int(frame.loc[empty, "line"].iloc[0]))
    samples = [str(name) for name in pd.unique(frame["sample"])]  # file order, without a Python loop over rows
    if sample is not None:
        if sample not in samples:
            shown = ", ".join(samples[:10]) + (" …" if len(samples) > 10 else "")
            raise SampleSelectionError(path, f"sample {sample!r} is not in the file ({len(samples)} samples: {shown})")
        frame = frame[frame["sample"] == sample]
        samples = [sample]
    notes: list[str] = []
    raw_contigs = frame["chrom"].unique()
    spelling = {c: normalise_contig(_NUMBERED_SEX.get(c, c)) for c in raw_contigs}
    if any(c in _NUMBERED_SEX for c in raw_contigs):
        notes.append("chromosomes 23 and 24 read as X and Y")
    malformed = [c for c in raw_contigs if spelling[c] not in KNOWN_CONTIGS and contig_kind(c) == "unknown"]
    if malformed:
        line = int(frame.loc[frame["chrom"] == malformed[0], "line"].iloc[0])
        raise InputError(path, f"chromosome {malformed[0]!r} is neither a GRCh37/GRCh38 chromosome (1-22, X, Y, MT, "
                         "with or without 'chr'; 23 and 24 for X and Y) nor a known unplaced, alternate or decoy "
                         "contig", line=line)
    codes, uniques = pd.factorize(frame["chrom"])  # map each distinct contig once, not each row
    frame = frame.assign(chrom=pd.Series(np.array([spelling[c] for c in uniques], dtype=object), dtype=frame["chrom"]
                                         .dtype).take(codes).reset_index(drop=True).set_axis(frame.index))
    known = frame["chrom"].isin(KNOWN_CONTIGS)
    if not bins:
        _check_overlaps(path, frame[known & ~frame["empty"]])
    if "empty" not in frame:
        frame = frame.assign(empty=False)
    values = [name for name in ("log2", "cn") if name in frame]
    has_value = frame[values].notna().any(axis=1) & ~frame["empty"]
    tallies = _tallies(path, unit or UNITS.get(fmt, f"{fmt} segments"), frame, samples, known, has_value, notes)
    usable = frame[known & has_value].drop(columns="empty").reset_index(drop=True)
    return SegmentFile(path=path, format=fmt, frame=usable, samples=samples, tallies=tallies,
                       value_columns=tuple(values), bins=bins)


def _check_overlaps(path: Path, frame: pd.DataFrame) -> None:
    """A sample's segments must not overlap: overlapping ones mean the sample is in the file twice (two files
    concatenated, or two runs under one id). One base is tolerated: SEG files whose segments share their boundary
    base (end of one = start of the next, 1-based closed) are common, e.g. TCGA Firehose and aCGH exports."""
    if len(frame) < 2 or not _any_overlap(frame):
        return
    rows = frame.sort_values(["sample", "chrom", "start", "end"], kind="stable")
    reach = rows.groupby(["sample", "chrom"], sort=False)["end"].cummax()
    previous = reach.groupby([rows["sample"], rows["chrom"]], sort=False).shift()
    overlap = previous - rows["start"]
    bad = (overlap > 1).to_numpy()
    if not bad.any():
        return
    here = rows.iloc[int(bad.nonzero()[0][0])]
    group = rows[(rows["sample"] == here["sample"]) & (rows["chrom"] == here["chrom"])]
    other = group[(group["end"] > here["start"] + 1) & (group["line"] != here["line"])].iloc[0]
    raise InputError(path, f"sample {here['sample']}: the segment {here['chrom']}:{here['start'] + 1}-{here['end']} "
                     f"overlaps the one on line {int(other['line'])}; a sample's segments must not overlap (is the "
                     "sample in the file twice?)", line=int(here["line"]))


def _any_overlap(frame: pd.DataFrame) -> bool:
    """Whether :func:`_check_overlaps` would find anything: the same test on integer codes with numpy, so that a
    file of thousands of samples is checked in a fraction of a second (the pandas version then names the line)."""
    sample_codes = pd.factorize(frame["sample"])[0].astype(np.int64)
    chrom_codes = pd.factorize(frame["chrom"])[0].astype(np.int64)
    start, end = frame["start"].to_numpy(np.int64), frame["end"].to_numpy(np.int64)
    group = sample_codes * (int(chrom_codes.max()) + 1) + chrom_codes
    # One integer key per row; a stable sort of it is linear on the usual already-sorted file. Rows with the same
    # start stay in file order rather than by end, which can only flag more, never fewer, than the check itself.
    width = int(max(end.max(), start.max())) + 2
    order = np.argsort(group * width + start, kind="stable")
    group, start, end = group[order], start[order], end[order]
    # A running maximum over all rows is a running maximum per group once each group is lifted above the last.
    lift = group * width
    reach = np.maximum.accumulate(end + lift) - lift
    same = group[1:] == group[:-1]
    return bool((same & (reach[:-1] - start[1:] > 1)).any())


def _tallies(path: Path, unit: str, frame: pd.DataFrame, samples: list[str], known: pd.Series,
             has_value: pd.Series, notes: list[str]) -> dict[str, ReadTally]:
    codes, names = pd.factorize(frame["sample"])
    flags = {"unknown": ~known, "empty": known & frame["empty"], "no_value": known & ~has_value & ~frame["empty"],
             "kept": known & has_value}
    per_sample = {key: np.bincount(codes, weights=value.to_numpy(bool), minlength=len(names)).astype(np.int64)
                  for key, value in flags.items()}
    position = {str(n): i for i, n in enumerate(names)}
    tallies = {}
    for name in samples:
        row = {key: int(values[position[name]]) for key, values in per_sample.items()}
        tally = ReadTally(path=str(path), unit=unit, notes=list(notes))
        tally.read = int(row["unknown"] + row["empty"] + row["no_value"] + row["kept"])
        tally.kept = int(row["kept"])
        if row["unknown"]:
            tally.skipped[SKIP_UNKNOWN_CONTIG] = int(row["unknown"])
        if row["no_value"]:
            tally.skipped[SKIP_NO_VALUE] = int(row["no_value"])
        if row["empty"]:
            tally.skipped[SKIP_EMPTY] = int(row["empty"])
        tallies[name] = tally
    return tallies


def read_segment_table(path: Path, fmt: str, variants: dict[str, tuple[str, ...]], required: tuple[str, ...], *,
                       sample: str | None = None, default_sample: str | None = None, one_based: bool = True,
                       layout: tuple[int, list[str]] | None = None) -> pd.DataFrame:
    """The rows of a caller's segment table with our column names, 0-based half-open, one sample id per row.

    ``variants`` maps our names (sample, chrom, start, end, cn, minor, major, log2, marks, ...) to the file's
    spellings; ``layout`` is (comment lines, header) when the reader found the header itself (GATK's ``@`` lines,
    PURPLE's ``#chromosome``, Battenberg's R row names). A file without a sample column takes ``sample`` (the
    user's) or ``default_sample`` (from the file name). :func:`finish` is still to be called on the result.
    """
    comments, header = layout if layout is not None else read_header(path)
    columns = resolve(path, header, variants, comments + 1, (*REQUIRED, *required))
    frame = read_columns(path, comments, header, columns)
    if "sample" not in frame:
        frame.insert(0, "sample", sample or default_sample or path.name)
    if one_based:
        frame["start"] = frame["start"] - 1
    return frame


def file_stem(path: Path, suffixes: tuple[str, ...]) -> str:
    """The sample name a one-sample file carries in its name: ``tumour.purple.cnv.somatic.tsv`` → ``tumour``."""
    name = path.name.removesuffix(".gz")
    for suffix in suffixes:
        if name.endswith(suffix) and len(name) > len(suffix):
            return name[: -len(suffix)]
    return name.rsplit(".", 1)[0] if "." in name else name
