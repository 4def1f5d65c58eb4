"""The fast path for large MAFs: stream only the needed columns with pyarrow, count every row vectorised, and build
variants only for the rows that are kept.

A TCGA-scale MAF (millions of rows, 114 columns) is mostly rows outside the genes a run needs. Here a worker thread
decompresses the file once (ISA-L when ``isal`` is installed) into chunks of a few megabytes; pyarrow's CSV reader
parses each chunk, projected to the needed columns, on the calling thread meanwhile; and each batch is reduced to
per-sample counts per skip reason with numpy. Only kept rows become Python objects. Memory stays bounded by the
chunks in flight plus what is kept.

:func:`read_streamed` returns None whenever the file needs the careful path of :mod:`.maf`
(a ragged or blank line, a value its checks refuse, a build problem, anything pyarrow does not accept): that path
then reads the file again and raises the exact message, naming the line. For files it accepts, the result equals the
careful path's (tests compare the two on every MAF fixture).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from hpdgenomics.errors import SampleSelectionError
from hpdgenomics.genome import builds as genome_builds
from hpdgenomics.model.qc import ReadTally, TmbCount
from hpdgenomics.model.vocab import NON_SYNONYMOUS, class_of_maf_classification
from hpdgenomics.readers.small_variants import maf_records
from hpdgenomics.readers.small_variants.maf_inflate import CHUNK_BYTES, Refused, TextChunks
from hpdgenomics.readers.small_variants.maf_records import MafChoice, MafResult

# Reason codes, in the order the careful path checks them (see maf._read_row).
KEPT, BLANK, GERMLINE, FILTERED, UNKNOWN_CLASS, NOT_RULE_GENE = range(6)
# Columns read as dictionaries: few distinct values, so per-value work is done once per batch.
_DICTIONARY = ("Hugo_Symbol", "Tumor_Sample_Barcode", "Variant_Classification", "Mutation_Status", "FILTER",
               "NCBI_Build", "Chromosome")
_POSITIONS = ("Start_Position", "End_Position")
_COUNTS = ("t_alt_count", "t_ref_count", "t_depth")


def read_streamed(path: Path, comment_lines: int, header: list[str], columns: dict[str, str],
                  choice: MafChoice) -> MafResult | None:
    """Read ``path`` like :func:`.maf.read_maf`, or return None to leave it to the careful path.

    ``header`` is the header line's column names and ``columns`` the canonical → file spelling map of the columns
    to read (from ``maf._resolve_columns``).
    """
    try:
        import numpy as np
        import pyarrow as pa
        from pyarrow import csv as pacsv
    except ImportError:  # pragma: no cover - pyarrow is a declared dependency
        return None
    try:
        return _read(np, pa, pacsv, path, comment_lines, header, columns, choice.sample, choice.include_germline,
                     choice.include_filtered, choice.genes, choice.tmb, choice.declared_build)
    except (Refused, pa.ArrowException, UnicodeDecodeError, OSError, EOFError, ValueError):
        return None


def _read(np: Any, pa: Any, pacsv: Any, path: Path, comment_lines: int, header: list[str], columns: dict[str, str],
          sample: str | None, include_germline: bool, include_filtered: bool,
          genes: frozenset[str] | None, tmb: TmbCount | None, declared_build: str | None) -> MafResult:
    position = {name: header.index(spelling) for name, spelling in columns.items()}
    names = [f"c{i}" for i in range(len(header))]  # positional names: header spellings may repeat or be odd
    wanted = {name: names[i] for name, i in position.items()}
    types = {wanted[name]: pa.dictionary(pa.int32(), pa.string()) if name in _DICTIONARY else pa.string()
             for name in wanted}
    read_options = pacsv.ReadOptions(column_names=names, use_threads=False, block_size=2 * CHUNK_BYTES)
    parse_options = pacsv.ParseOptions(delimiter="\t", quote_char=False, escape_char=False, double_quote=False,
                                       newlines_in_values=False, ignore_empty_lines=False)
    convert_options = pacsv.ConvertOptions(include_columns=list(wanted.values()), column_types=types,
                                           strings_can_be_null=False, quoted_strings_can_be_null=False,
                                           null_values=[], true_values=[], false_values=[])
    protein_columns = [c for c in maf_records.PROTEIN_COLUMNS if c in columns]
    state = _State(np, path, sample, include_germline, include_filtered, genes, tmb)
    state.declared_build = declared_build
    first_data_line = comment_lines + 2
    row = 0
    with TextChunks(path, comment_lines + 1) as chunks:
        for chunk in chunks:
            # One parse per chunk on this thread (pyarrow releases the GIL) while the reader thread inflates the next.
            parsed = pacsv.read_csv(pa.py_buffer(chunk), read_options=read_options, parse_options=parse_options,
                                    convert_options=convert_options)
            for batch in parsed.to_batches():
                if not batch.num_rows:
                    continue
                table = {name: batch.column(wanted[name]) for name in wanted}
                state.batch(np, pa, table, row, first_data_line, protein_columns)
                row += batch.num_rows
    return state.finish(protein_columns)


class _State:
    """Counts per sample and reason, the kept rows' variants, and what the whole-file checks need."""

    def __init__(self, np: Any, path: Path, sample: str | None, include_germline: bool, include_filtered: bool,
                 genes: frozenset[str] | None, tmb: TmbCount | None = None) -> None:
        self.path = path
        self.tmb = tmb  # a template: its regions; one count per sample is kept in tmb_counts
        self.declared_build: str | None = None
        self.tmb_counts = np.zeros(0, dtype=np.int64)
        self._nonsyn_cache: dict[str, bool] = {}
        self.sample = sample
        self.include_germline = include_germline
        self.include_filtered = include_filtered
        self.genes = genes
        self.codes: dict[str, int] = {}  # barcode -> code, in order of first appearance
        self.counts = np.zeros((0, 6), dtype=np.int64)
        self.variants: dict[int, list[Any]] = {}
        self.unknown_notes: dict[int, list[str]] = {}
        self.other_rows = 0
        self.builds: list[str] = []
        self.max_position: dict[str, int] = {}  # normalised contig -> largest End (or Start) position
        self._class_cache: dict[str, bool] = {}
        self._contig_cache: dict[str, str] = {}

    # -- one batch -------------------------------------------------------------------------------------------

    def batch(self, np: Any, pa: Any, table: dict[str, Any], row: int, first_data_line: int,
              protein_columns: list[str]) -> None:
        n = len(table["Tumor_Sample_Barcode"])
        barcode_values, barcode_index = _dictionary(np, table["Tumor_Sample_Barcode"])
        local = np.array([self._code(v) for v in barcode_values], dtype=np.int64)
        if len(self.codes) > len(self.counts):
            self.counts = np.vstack([self.counts, np.zeros((len(self.codes) - len(self.counts), 6), np.int64)])
        sample_codes = local[barcode_index]
        self._check(np, pa, table, n)
        gene_values, gene_index = _dictionary(np, table["Hugo_Symbol"])
        gene_stripped = [g.strip() for g in gene_values]
        class_values, class_index = _dictionary(np, table["Variant_Classification"])
        blank = (np.array([not g for g in gene_stripped], dtype=bool)[gene_index]
                 & np.array([not v for v in barcode_values], dtype=bool)[barcode_index]
                 & np.array([not v for v in class_values], dtype=bool)[class_index])
        reason = np.full(n, KEPT, dtype=np.int64)
        decided = blank.copy()
        reason[blank] = BLANK
        if "Mutation_Status" in table and not self.include_germline:
            values, index = _dictionary(np, table["Mutation_Status"])
            germline = np.array([v.strip().lower() == "germline" for v in values], dtype=bool)[index] & ~decided
            reason[germline] = GERMLINE
            decided |= germline
        if "FILTER" in table and not self.include_filtered:
            values, index = _dictionary(np, table["FILTER"])
            failing = np.array([(v.strip() or "PASS") not in ("PASS", ".") for v in values], dtype=bool)[index]
            failing &= ~decided
            reason[failing] = FILTERED
            decided |= failing
        unknown_value = np.array([self._unknown(v) for v in class_values], dtype=bool)
        unknown = unknown_value[class_index] & ~decided
        reason[unknown] = UNKNOWN_CLASS
        decided |= unknown
        if self.genes is not None:
            outside = np.array([g not in self.genes for g in gene_stripped], dtype=bool)[gene_index] & ~decided
            reason[outside] = NOT_RULE_GENE
            decided |= outside
        if self.sample is not None:
            wanted_code = self.codes.get(self.sample)
            mine = sample_codes == wanted_code if wanted_code is not None else np.zeros(n, dtype=bool)
            self.other_rows += int(n - np.count_nonzero(mine))
        else:
            mine = np.ones(n, dtype=bool)
        np.add.at(self.counts, (sample_codes[mine], reason[mine]), 1)
        if self.tmb is not None:
            self._count_tmb(np, table, n, sample_codes, class_values, class_index, blank, mine)
        for k in np.flatnonzero(unknown & mine).tolist():
            value = class_values[class_index[k]]
            notes = self.unknown_notes.setdefault(int(sample_codes[k]), [])
            note = f"unrecognised Variant_Classification {value!r}"
            if note not in notes and len(notes) < 20:
                notes.append(note)
        kept = np.flatnonzero((reason == KEPT) & mine)
        if len(kept):
            self._keep(pa, table, kept, sample_codes, row, first_data_line, protein_columns)

    def _count_tmb(self, np: Any, table: dict[str, Any], n: int, sample_codes: Any, class_values: list[str],
                   class_index: Any, blank: Any, mine: Any) -> None:
        """Per sample: non-synonymous rows, somatic (not Germline), FILTER PASS, inside the panel regions."""
        if len(self.tmb_counts) < len(self.codes):
            self.tmb_counts = np.concatenate([self.tmb_counts, np.zeros(len(self.codes) - len(self.tmb_counts),
                                                                        np.int64)])
        nonsyn = np.array([self._nonsynonymous(v) for v in class_values], dtype=bool)[class_index] & ~blank & mine
        if "Mutation_Status" in table:
            values, index = _dictionary(np, table["Mutation_Status"])
            nonsyn &= ~np.array([v.strip().lower() == "germline" for v in values], dtype=bool)[index]
        if "FILTER" in table:
            values, index = _dictionary(np, table["FILTER"])
            nonsyn &= np.array([(v.strip() or "PASS") in ("PASS", ".") for v in values], dtype=bool)[index]
        assert self.tmb is not None
        if self.tmb.regions is not None:
            if "Chromosome" not in table or "Start_Position" not in table:
                raise Refused  # the careful path counts row by row (and finds no position to place)
            chroms = table["Chromosome"].to_pylist()
            starts = table["Start_Position"].to_pylist()
            for k in np.flatnonzero(nonsyn).tolist():
                position = starts[k].strip()
                nonsyn[k] = position.isdigit() and self.tmb.inside(chroms[k].strip(), int(position))
        np.add.at(self.tmb_counts, sample_codes[nonsyn], 1)

    def _nonsynonymous(self, value: str) -> bool:
        known = self._nonsyn_cache.get(value)
        if known is None:
            known = self._nonsyn_cache[value] = class_of_maf_classification(value) in NON_SYNONYMOUS
        return known

    def _code(self, barcode: str) -> int:
        code = self.codes.get(barcode)
        if code is None:
            code = self.codes[barcode] = len(self.codes)
        return code

    def _unknown(self, value: str) -> bool:
        known = self._class_cache.get(value)
        if known is None:
            known = self._class_cache[value] = class_of_maf_classification(value) is None
        return known

    def _keep(self, pa: Any, table: dict[str, Any], kept: Any, sample_codes: Any, row: int, first_data_line: int,
              protein_columns: list[str]) -> None:
        indices = pa.array(kept)
        names = list(table)
        rows = pa.table([table[name].take(indices) for name in names], names=names).to_pylist()
        for offset, record in enumerate(rows):
            k = int(kept[offset])
            where = f"{self.path.name}:{first_data_line + row + k}"
            variant = maf_records.kept_variant(record, where, protein_columns)
            self.variants.setdefault(int(sample_codes[k]), []).append(variant)

    # -- the checks of maf._check_rows and maf._build, as detection only ----------------------------------------

    def _check(self, np: Any, pa: Any, table: dict[str, Any], n: int) -> None:
        import pyarrow.compute as pc

        numbers = {}
        for name in (*_POSITIONS, *_COUNTS):
            if name not in table:
                continue
            column = table[name]
            simple = pc.utf8_is_digit(column)  # all digits, not empty
            if name in _POSITIONS:
                simple = pc.and_(simple, pc.invert(pc.starts_with(column, "0")))
            simple_np = simple.to_numpy(zero_copy_only=False)
            values = np.full(n, -1, dtype=np.int64)
            if simple_np.all():
                values = pc.cast(column, pa.int64()).to_numpy(zero_copy_only=False)
            else:
                text = column.to_pylist()
                for k in np.flatnonzero(simple_np).tolist():
                    values[k] = int(text[k])
                for k in np.flatnonzero(~simple_np).tolist():
                    values[k] = _odd_number(name, text[k])
            numbers[name] = values
        if "Start_Position" in numbers and "End_Position" in numbers:
            start, end = numbers["Start_Position"], numbers["End_Position"]
            if ((start >= 0) & (end >= 0) & (end < start)).any():
                raise Refused
        if "NCBI_Build" in table:
            for value in _dictionary(np, table["NCBI_Build"])[0]:
                if not value.strip():
                    continue
                try:
                    build = genome_builds.normalise_build_name(value)
                except genome_builds.UnsupportedBuild as exc:
                    raise Refused from exc
                if build and self.builds and build not in self.builds:
                    raise Refused
                if build and not self.builds:
                    self.builds.append(build)
        if "Chromosome" not in table:
            return
        values, index = _dictionary(np, table["Chromosome"])
        contigs = []
        for value in values:
            name = value.strip()
            if name not in self._contig_cache:
                if name and genome_builds.contig_kind(name) == "unknown":
                    raise Refused
                self._contig_cache[name] = genome_builds.normalise_contig(name)
            contigs.append(self._contig_cache[name])
        ends = numbers.get("End_Position", numbers.get("Start_Position"))
        if ends is None:
            return
        if not len(values):
            return
        top = np.full(len(values), -1, dtype=np.int64)
        np.maximum.at(top, index, ends)
        for contig, value in zip(contigs, top.tolist(), strict=True):
            if value > self.max_position.get(contig, -1):
                self.max_position[contig] = value

    # -- the result ----------------------------------------------------------------------------------------------

    def finish(self, protein_columns: list[str]) -> MafResult:
        build = self.builds[0] if self.builds else None
        checked = build or self.declared_build  # the user's build when the file names none
        builds = [checked] if checked else list(genome_builds.SUPPORTED_BUILDS)
        for contig, position in self.max_position.items():
            limit = max(genome_builds.contig_lengths(b).get(contig, 0) for b in builds) or None
            if limit is not None and position > limit:
                raise Refused  # the careful path names the row and says which build
        in_file = [barcode for barcode in self.codes if barcode]
        if self.sample is not None and self.sample not in self.codes:
            shown = ", ".join(in_file[:10]) + (" …" if len(in_file) > 10 else "")
            raise SampleSelectionError(self.path, f"sample {self.sample!r} is not in Tumor_Sample_Barcode "
                                       f"({len(in_file)} samples: {shown or 'none'})")
        reasons = {BLANK: maf_records.SKIP_BLANK, GERMLINE: maf_records.SKIP_GERMLINE,
                   FILTERED: maf_records.SKIP_FILTERED, UNKNOWN_CLASS: maf_records.SKIP_UNKNOWN_CLASS,
                   NOT_RULE_GENE: maf_records.SKIP_NOT_RULE_GENE}
        result = maf_records.MafResult(path=self.path, samples={}, build=build,
                                       protein_column=protein_columns[0] if protein_columns else None)
        for barcode, code in self.codes.items():
            if self.sample is not None and barcode != self.sample:
                continue
            counts = self.counts[code].tolist()
            tally = ReadTally(path=str(self.path), unit=f"MAF rows of sample {barcode}" if barcode else "MAF rows")
            tally.read = int(sum(counts))
            tally.kept = int(counts[KEPT])
            for reason, text in reasons.items():
                if counts[reason]:
                    tally.skipped[text] = int(counts[reason])
            tally.notes.extend(self.unknown_notes.get(code, []))
            if self.other_rows:
                tally.notes.append(f"{self.other_rows} rows of other samples in this file were not read for it")
            count = None
            if self.tmb is not None:
                counted = int(self.tmb_counts[code]) if code < len(self.tmb_counts) else 0
                count = TmbCount(regions=self.tmb.regions, counted=counted)
            result.samples[barcode] = maf_records.MafSample(barcode, variants=self.variants.get(code, []), tally=tally,
                                                            tmb=count)
        return result


def _dictionary(np: Any, column: Any) -> tuple[list[str], Any]:
    """A dictionary column's distinct values (as text) and each row's index into them."""
    return column.dictionary.to_pylist(), column.indices.to_numpy(zero_copy_only=False)


_MISSING_NUMBER = frozenset({"", "NA", ".", "NaN", "nan", "N/A"})


def _odd_number(name: str, text: str) -> int:
    """A value that is not plain digits: missing (-1), a padded or '12.0'-style number, or refused."""
    import re

    value = text.strip()
    if value in _MISSING_NUMBER:
        return -1
    pattern = r"[1-9][0-9]*" if name in _POSITIONS else r"[0-9]+(?:\.0*)?"
    if not re.fullmatch(pattern, value):
        raise Refused
    return int(float(value))
