"""Discrete copy-number calls: cBioPortal/GISTIC matrices (one column per sample) and the long format.

Values are GISTIC 2.0 / cBioPortal codes: -2 homozygous deletion, -1 hemizygous deletion, 0 neutral, 1 gain,
2 high-level amplification (knowledge file §2). -1.5 is an MSK convention seen in cBioPortal's MSK-IMPACT studies;
its exact meaning is not documented in our sources, so it is read as a (shallow) loss and never as a deep deletion.
``NA`` (or an empty cell) means the gene was not profiled for that sample: it is *not assessed*, never neutral.

Matrix layout: a gene column (``Hugo_Symbol`` or GISTIC's ``Gene Symbol``), optional annotation columns
(``Entrez_Gene_Id``, ``Locus ID``, ``Cytoband``), then one column per sample. Long layout: a sample column
(``Tumor_Sample_Barcode``/``Sample_Id``), ``Hugo_Symbol`` and a value column (``Value``, ``Copy_Number_Alteration``).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from hpdgenomics.errors import InputError, SampleSelectionError
from hpdgenomics.model.alterations import CopyNumberState
from hpdgenomics.model.qc import ReadTally
from hpdgenomics.readers.text import GZIP_MAGIC, first_ragged_line, open_text, table_read_errors

DISCRETE_STATES: dict[str, CopyNumberState] = {
    "-2": CopyNumberState.DEEP_DELETION,
    "-1.5": CopyNumberState.LOSS,
    "-1": CopyNumberState.LOSS,
    "0": CopyNumberState.NEUTRAL,
    "1": CopyNumberState.GAIN,
    "2": CopyNumberState.AMPLIFICATION,
}
# Word calls (OncoKB annotator's individual CNA format and similar sheets).
WORD_STATES: dict[str, CopyNumberState] = {
    "amplification": CopyNumberState.AMPLIFICATION, "amp": CopyNumberState.AMPLIFICATION,
    "gain": CopyNumberState.GAIN,
    "neutral": CopyNumberState.NEUTRAL, "diploid": CopyNumberState.NEUTRAL,
    "loss": CopyNumberState.LOSS, "hetloss": CopyNumberState.LOSS, "shallowdeletion": CopyNumberState.LOSS,
    "deletion": CopyNumberState.DEEP_DELETION, "homdel": CopyNumberState.DEEP_DELETION,
    "deepdeletion": CopyNumberState.DEEP_DELETION, "deepdel": CopyNumberState.DEEP_DELETION,  # SUMMIT "DeepDel"
    "shallowdel": CopyNumberState.LOSS,
}
NOT_PROFILED = frozenset({"", "NA", "NaN", "nan", "N/A", "na", "NULL", "null"})
GENE_COLUMNS = ("hugosymbol", "genesymbol", "gene", "hugo")
ANNOTATION_COLUMNS = frozenset({"entrezgeneid", "locusid", "cytoband", "entrezid", "genepanel"})
SAMPLE_COLUMNS = ("tumorsamplebarcode", "sampleid", "sample", "samples")
VALUE_COLUMNS = ("value", "copynumberalteration", "cna", "alteration", "call", "discretecna")

SKIP_NOT_RULE_GENE = "not in a gene the rules need"
SKIP_NOT_PROFILED = "gene not profiled for this sample (NA)"
SKIP_DUPLICATE = "duplicate gene row for this sample (most extreme call kept)"

_SEVERITY = {CopyNumberState.AMPLIFICATION: 4, CopyNumberState.DEEP_DELETION: 3, CopyNumberState.GAIN: 2,
             CopyNumberState.LOSS: 1, CopyNumberState.NEUTRAL: 0}


@dataclass
class DiscreteSample:
    """One sample's discrete calls for the genes asked for, and which genes it profiled."""

    sample_id: str
    calls: dict[str, tuple[CopyNumberState, str, str]] = field(default_factory=dict)  # gene -> (state, value, where)
    profiled: set[str] = field(default_factory=set)
    not_profiled: set[str] = field(default_factory=set)
    tally: ReadTally | None = None


@dataclass
class DiscreteFile:
    path: Path
    layout: str  # "matrix" or "long"
    samples: dict[str, DiscreteSample]
    genes_in_file: frozenset[str]


def read_discrete_cna(path: str | Path, *, sample: str | None = None,
                      genes: frozenset[str] | None = None) -> DiscreteFile:
    """Read a discrete CNA matrix or long table; keep calls for ``genes`` (all genes when None)."""
    path = Path(path)
    comments, header = _header(path)
    keys = [_key(h) for h in header]
    gene_column = next((header[keys.index(k)] for k in GENE_COLUMNS if k in keys), None)
    if gene_column is None:
        raise InputError(path, f"no gene column: expected Hugo_Symbol or Gene Symbol; the header has "
                         f"{', '.join(header[:10])}" + (" (is the file tab-separated?)" if len(header) == 1 else ""),
                         line=comments + 1)
    sample_column = next((header[keys.index(k)] for k in SAMPLE_COLUMNS if k in keys), None)
    value_column = next((header[keys.index(k)] for k in VALUE_COLUMNS if k in keys), None)
    others = [h for h in header if h not in (gene_column, sample_column) and _key(h) not in ANNOTATION_COLUMNS]
    if sample_column and not value_column and not others:
        raise InputError(path, f"a long-format table (columns {gene_column} and {sample_column}) needs a value "
                         "column (Value, Copy_Number_Alteration, CNA, Alteration or Call)", line=comments + 1)
    ragged = first_ragged_line(path, comments + 1, len(header))
    if ragged is not None:
        raise InputError(path, f"expected {len(header)} tab-separated columns like the header (line {comments + 1}); "
                         "this row has a different number", line=ragged)
    frame = _read(path, comments)
    if sample_column and value_column:
        return _long(path, frame, comments, gene_column, sample_column, value_column, sample, genes)
    return _matrix(path, frame, comments, header, gene_column, sample, genes)


def _key(name: str) -> str:
    return re.sub(r"[^a-z0-9]", "", name.lower())


def _header(path: Path) -> tuple[int, list[str]]:
    comments = 0
    with open_text(path) as handle:
        for line in handle:
            if line.startswith("#"):
                comments += 1
                continue
            if "\x00" in line:  # pandas drops NUL bytes from names, so the columns would not match (fuzzing find)
                raise InputError(path, "the header line holds a NUL byte (is this a text table?)", line=comments + 1)
            return comments, [h.strip() for h in line.rstrip("\n").split("\t")]
    raise InputError(path, "the file is empty (expected a tab-separated header line)")


def _read(path: Path, comments: int) -> pd.DataFrame:
    with path.open("rb") as probe:
        compression = "gzip" if probe.read(2) == GZIP_MAGIC else None
    with table_read_errors(path):
        frame = pd.read_csv(path, sep="\t", skiprows=comments, dtype=str, keep_default_na=False,
                            compression=compression, encoding="utf-8-sig", engine="c")
    frame.columns = [c.strip() for c in frame.columns]
    if frame.empty:
        raise InputError(path, "the file has a header but no data rows")
    return frame


def _state(path: Path, value: str, line: int, seen: dict[str, CopyNumberState | None]) -> CopyNumberState | None:
    """The state of one cell; None when not profiled; an unknown value is an error naming the line.

    ``seen`` remembers the values of this file already parsed: a table holds a handful of distinct values.
    """
    if value in seen:
        return seen[value]
    state = _parse_state(path, value, line)
    seen[value] = state
    return state


def _parse_state(path: Path, value: str, line: int) -> CopyNumberState | None:
    value = value.strip()
    if value in NOT_PROFILED:
        return None
    state = DISCRETE_STATES.get(value)
    if state is None:
        try:
            state = DISCRETE_STATES.get(f"{float(value):g}")
        except ValueError:
            state = WORD_STATES.get(_key(value))
    if state is None:
        raise InputError(path, f"unexpected copy-number value {value!r}: expected -2, -1.5, -1, 0, 1, 2, NA "
                         "or a word call (Amplification, Gain, Loss, Deletion)", line=line)
    return state


def _matrix(path: Path, frame: pd.DataFrame, comments: int, header: list[str], gene_column: str,
            sample: str | None, genes: frozenset[str] | None) -> DiscreteFile:
    # pandas renames repeated columns ("S1.1"), so duplicates are looked for in the header as written.
    written = [c for c in header if c != gene_column and _key(c) not in ANNOTATION_COLUMNS]
    duplicated = pd.Index(written)[pd.Index(written).duplicated()]
    if len(duplicated):
        raise InputError(path, f"sample column {duplicated[0]!r} appears more than once", line=comments + 1)
    sample_columns = [c for c in frame.columns if c != gene_column and _key(c) not in ANNOTATION_COLUMNS]
    if not sample_columns:
        raise InputError(path, "the matrix has no sample columns", line=comments + 1)
    if sample is not None:
        if sample not in sample_columns:
            raise SampleSelectionError(path, f"sample {sample!r} is not a column of the matrix "
                                       f"({len(sample_columns)} samples: {', '.join(sample_columns[:10])} …)")
        sample_columns = [sample]
    first_line = comments + 2
    symbols = frame[gene_column].str.strip()
    wanted = symbols.isin(genes) if genes is not None else pd.Series(True, index=frame.index)
    result = DiscreteFile(path, "matrix", {}, frozenset(symbols))
    rows = wanted.to_numpy().nonzero()[0]
    # One numpy block of the rule genes' cells: indexing pandas cell by cell costs ~10 µs a cell (seconds for a
    # 2,000-sample study), the plain array a fraction of that.
    row_symbols = symbols.to_numpy()[rows].tolist()
    row_lines = (first_line + rows).tolist()
    block = frame[sample_columns].to_numpy(dtype=object)[rows]
    outside = int((~wanted).sum())
    seen: dict[str, CopyNumberState | None] = {}
    for j, column in enumerate(sample_columns):
        tally = ReadTally(str(path), "CNA matrix cells (gene rows)")
        one = DiscreteSample(column, tally=tally)
        if outside:
            tally.skipped[SKIP_NOT_RULE_GENE] = outside
        tally.read = outside
        for symbol, value, line in zip(row_symbols, block[:, j].tolist(), row_lines, strict=True):
            _add(one, path, symbol, value, line, seen)
        result.samples[column] = one
    return result


def _long(path: Path, frame: pd.DataFrame, comments: int, gene_column: str, sample_column: str,
          value_column: str, sample: str | None, genes: frozenset[str] | None) -> DiscreteFile:
    first_line = comments + 2
    samples = frame[sample_column].str.strip()
    order = list(dict.fromkeys(samples))
    if sample is not None:
        if sample not in order:
            raise SampleSelectionError(path, f"sample {sample!r} is not in column {sample_column} "
                                       f"({len(order)} samples: {', '.join(order[:10])} …)")
        order = [sample]
    symbols = frame[gene_column].str.strip()
    result = DiscreteFile(path, "long", {}, frozenset(symbols))
    for name in order:
        result.samples[name] = DiscreteSample(name, tally=ReadTally(str(path), "CNA rows"))
    sample_values, symbol_values = samples.to_numpy(), symbols.to_numpy()
    value_values = frame[value_column].to_numpy()
    seen: dict[str, CopyNumberState | None] = {}
    for index in (samples.isin(order)).to_numpy().nonzero()[0].tolist():
        one = result.samples[sample_values[index]]
        if genes is not None and symbol_values[index] not in genes:
            assert one.tally is not None
            one.tally.skip(SKIP_NOT_RULE_GENE)
            continue
        _add(one, path, symbol_values[index], value_values[index], first_line + index, seen)
    return result


def _add(one: DiscreteSample, path: Path, gene: str, value: str, line: int,
         seen: dict[str, CopyNumberState | None]) -> None:
    tally = one.tally
    assert tally is not None
    state = _state(path, value, line, seen)
    if state is None:
        one.not_profiled.add(gene)
        tally.skip(SKIP_NOT_PROFILED)
        return
    one.profiled.add(gene)
    previous = one.calls.get(gene)
    if previous is not None:
        tally.skip(SKIP_DUPLICATE)
        if _SEVERITY[state] <= _SEVERITY[previous[0]]:
            return
    else:
        tally.keep()
    one.calls[gene] = (state, value.strip(), f"{path.name}:{line}")
