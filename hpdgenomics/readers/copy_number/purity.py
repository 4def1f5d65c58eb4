"""What a copy-number caller fitted per sample: purity, ploidy, whole-genome doubling, and (PURPLE) MSI and TMB.

Layouts read, each detected from its header by :mod:`hpdgenomics.readers.registry`:

* PURPLE ``<tumour>.purple.purity.tsv`` (one row): ``purity``, ``ploidy``, ``wholeGenomeDuplication``,
  ``msStatus`` (MSS / MSI / UNKNOWN), ``msIndelsPerMb``, ``tmbPerMb``; the sample is the file-name prefix.
* ASCAT per-sample summaries (``summary.ascatv3TCGA…``: ``name``, ``barcodeTumour``, ``purity``, ``ploidy``, ``WGD``).
* ABSOLUTE (TCGA PanCanAtlas ``TCGA_mastercalls.abs_tables``: ``array``, ``sample``, ``purity``, ``ploidy``,
  ``Genome doublings``); rows whose ``call status`` is not ``called`` have no usable fit and are skipped.
* Battenberg ``<tumour>_rho_and_psi.txt``: rows ASCAT / FRAC_GENOME / REF_SEG with ``rho`` (purity) and ``psi``
  (ploidy); the row marked ``is.best`` TRUE is used, else FRAC_GENOME.
* A plain purity table: ``sample``, ``purity``, ``ploidy`` (a cohort's own table; extra columns ignored).

A sample is looked up by its exact id, then (TCGA barcodes) by the 15-character sample part (``TCGA-XX-XXXX-01``)
so that an aliquot barcode finds its sample's fit. NA or empty cells mean "not fitted".
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

from hpdgenomics.errors import InputError
from hpdgenomics.model.biomarkers import Microsatellites, MsiStatus, TumourMutationalBurden
from hpdgenomics.readers.text import open_text

_NA = {"", "NA", "NaN", "nan", "N/A", "na", "NULL", "null", "."}
_TCGA = re.compile(r"^(TCGA-[A-Z0-9]{2}-[A-Z0-9]{4}-\d{2})", re.IGNORECASE)


@dataclass(frozen=True)
class FittedValues:
    """One sample's fit, with the file and line it came from."""

    purity: float | None = None
    ploidy: float | None = None
    wgd: bool | None = None
    msi: Microsatellites | None = None
    tmb: TumourMutationalBurden | None = None
    source: str = ""  # "tumor_sample.purple.purity.tsv:2"
    caller: str = ""  # "PURPLE", "ASCAT", "ABSOLUTE", "Battenberg", "purity table"


@dataclass
class PurityTable:
    """Fits by sample id (and by TCGA sample code, for aliquot barcodes)."""

    path: Path
    format: str
    rows: dict[str, FittedValues] = field(default_factory=dict)
    skipped: dict[str, int] = field(default_factory=dict)

    def for_sample(self, sample: str) -> FittedValues | None:
        """The fit of ``sample``: by exact id, else by its TCGA sample code."""
        if sample in self.rows:
            return self.rows[sample]
        match = _TCGA.match(sample)
        return self.rows.get(match.group(1).upper()) if match else None


def _rows(path: Path) -> tuple[list[str], list[tuple[int, list[str]]]]:
    with open_text(path) as handle:
        lines = [line.rstrip("\r\n") for line in handle]
    numbered = [(i + 1, line) for i, line in enumerate(lines) if line.strip() and not line.startswith("#")]
    if not numbered:
        raise InputError(path, "the file is empty (expected a tab-separated header line)")
    header = [h.strip().strip('"') for h in numbered[0][1].split("\t")]
    rows = []
    for number, line in numbered[1:]:
        cells = [c.strip().strip('"') for c in line.split("\t")]
        if len(cells) == len(header) + 1:  # R row names
            cells = cells[1:]
        if len(cells) != len(header):
            raise InputError(path, f"expected {len(header)} tab-separated columns like the header, found "
                             f"{len(cells)}", line=number)
        rows.append((number, cells))
    return header, rows


def _key(name: str) -> str:
    return re.sub(r"[^a-z0-9]", "", name.lower())


def _number(path: Path, value: str, column: str, line: int, *, low: float, high: float) -> float | None:
    if value in _NA:
        return None
    try:
        number = float(value)
    except ValueError:
        raise InputError(path, f"column {column}: expected a number or NA, got {value!r}", line=line) from None
    if not math.isfinite(number) or not low <= number <= high:
        raise InputError(path, f"column {column}: {value} lies outside [{low:g}, {high:g}]", line=line)
    return number


def _flag(path: Path, value: str, column: str, line: int) -> bool | None:
    if value in _NA:
        return None
    word = value.strip().lower().removesuffix("+")  # ASCAT writes "1+" for one or more doublings
    if word in ("true", "yes"):
        return True
    if word in ("false", "no"):
        return False
    try:
        return float(word) >= 1  # ABSOLUTE and ASCAT count genome doublings: one or more is WGD
    except ValueError:
        pass
    raise InputError(path, f"column {column}: expected TRUE/FALSE or a count of genome doublings, got {value!r}",
                     line=line)


def _columns(path: Path, header: list[str], wanted: Mapping[str, tuple[str, ...]], required: tuple[str, ...],
             what: str) -> dict[str, int]:
    keys = [_key(h) for h in header]
    found = {ours: keys.index(k) for ours, names in wanted.items() for k in names if k in keys}
    missing = [r for r in required if r not in found]
    if missing:
        raise InputError(path, f"read as {what}: missing column(s) {', '.join(missing)}; the header has "
                         f"{', '.join(header[:12])}", line=1)
    return found


def _store(table: PurityTable, ids: list[str], fit: FittedValues) -> None:
    for sample in ids:
        if sample and sample not in _NA:
            table.rows.setdefault(sample, fit)
            match = _TCGA.match(sample)
            if match:
                table.rows.setdefault(match.group(1).upper(), fit)


def read_purity_table(path: str | Path, fmt: str = "purity_table", *, sample: str | None = None) -> PurityTable:
    """Read any of the layouts above; ``fmt`` is the registry's name for it. ``sample`` names a one-sample file's
    sample (PURPLE, Battenberg), which is otherwise taken from the file name."""
    path = Path(path)
    header, rows = _rows(path)
    table = PurityTable(path, fmt)
    if fmt == "purple_purity":
        _purple(table, header, rows, sample or _stem(path, ".purple.purity.tsv"))
    elif fmt == "battenberg_rho_psi":
        _battenberg(table, header, rows, sample or _stem(path, "_rho_and_psi.txt"))
    else:
        _generic(table, header, rows, fmt)
    return table


_GENERIC: dict[str, tuple[dict[str, tuple[str, ...]], str]] = {
    "purity_table": ({"sample": ("sample", "sampleid", "tumorsamplebarcode", "id")}, "purity table"),
    "ascat_summary": ({"sample": ("name",), "alias": ("barcodetumour",), "wgd": ("wgd",)}, "ASCAT"),
    "absolute_table": ({"sample": ("sample",), "alias": ("array",), "wgd": ("genomedoublings",),
                        "status": ("callstatus",)}, "ABSOLUTE"),
}


def _generic(table: PurityTable, header: list[str], rows: list[tuple[int, list[str]]], fmt: str) -> None:
    extra, caller = _GENERIC[fmt]
    wanted = {**extra, "purity": ("purity",), "ploidy": ("ploidy",)}
    col = _columns(table.path, header, wanted, ("sample", "purity", "ploidy"), f"{caller} purity/ploidy table")
    for line, cells in rows:
        if "status" in col and cells[col["status"]].lower() != "called":
            reason = f"ABSOLUTE call status {cells[col['status']]!r} (not 'called')"
            table.skipped[reason] = table.skipped.get(reason, 0) + 1
            continue
        fit = FittedValues(
            purity=_number(table.path, cells[col["purity"]], header[col["purity"]], line, low=0, high=1),
            ploidy=_number(table.path, cells[col["ploidy"]], header[col["ploidy"]], line, low=0, high=20),
            wgd=_flag(table.path, cells[col["wgd"]], header[col["wgd"]], line) if "wgd" in col else None,
            source=f"{table.path.name}:{line}", caller=caller)
        if fit.purity == 0:
            fit = FittedValues(None, fit.ploidy, fit.wgd, source=fit.source, caller=caller)
        _store(table, [cells[col["sample"]]] + ([cells[col["alias"]]] if "alias" in col else []), fit)


_PURPLE_MSI = {"MSS": MsiStatus.STABLE, "MSI": MsiStatus.MSI_HIGH}


def _purple(table: PurityTable, header: list[str], rows: list[tuple[int, list[str]]], sample: str) -> None:
    wanted = {"purity": ("purity",), "ploidy": ("ploidy",), "wgd": ("wholegenomeduplication",),
              "ms_status": ("msstatus",), "ms_score": ("msindelspermb",), "tmb": ("tmbpermb",)}
    col = _columns(table.path, header, wanted, ("purity", "ploidy"), "PURPLE purity file")
    if len(rows) != 1:
        raise InputError(table.path, f"read as PURPLE purity file: expected one data row, found {len(rows)}")
    line, cells = rows[0]
    where = f"{table.path.name}:{line}"
    msi = None
    if "ms_status" in col and cells[col["ms_status"]] not in _NA:
        raw = cells[col["ms_status"]]
        score = _number(table.path, cells[col["ms_score"]], "msIndelsPerMb", line, low=0, high=1e6) \
            if "ms_score" in col else None
        # PURPLE writes MSS, MSI or UNKNOWN; UNKNOWN is a status not determined (no score cut-off applied here).
        msi = Microsatellites(_PURPLE_MSI.get(raw.upper()), f"PURPLE ({where}, msStatus)", score=score, raw=raw)
    tmb = None
    if "tmb" in col and cells[col["tmb"]] not in _NA:
        value = _number(table.path, cells[col["tmb"]], "tmbPerMb", line, low=0, high=1e6)
        if value is not None:
            tmb = TumourMutationalBurden(value, f"PURPLE ({where}, tmbPerMb)",
                                         "PURPLE's genome-wide somatic mutations per megabase, as given by the caller")
    fit = FittedValues(
        purity=_number(table.path, cells[col["purity"]], "purity", line, low=0, high=1),
        ploidy=_number(table.path, cells[col["ploidy"]], "ploidy", line, low=0, high=20),
        wgd=_flag(table.path, cells[col["wgd"]], "wholeGenomeDuplication", line) if "wgd" in col else None,
        msi=msi, tmb=tmb, source=where, caller="PURPLE")
    table.rows[sample] = fit


def _battenberg(table: PurityTable, header: list[str], rows: list[tuple[int, list[str]]], sample: str) -> None:
    col = _columns(table.path, header, {"rho": ("rho",), "psi": ("psi",), "best": ("isbest",)}, ("rho", "psi"),
                   "Battenberg rho_and_psi")
    # The row names (ASCAT, FRAC_GENOME, REF_SEG) are R's: the first cell of a row one longer than the header.
    with open_text(table.path) as handle:
        names = {i + 1: line.split("\t", 1)[0].strip().strip('"') for i, line in enumerate(handle)}
    chosen = next(((ln, c) for ln, c in rows if "best" in col and c[col["best"]].upper() == "TRUE"), None)
    chosen = chosen or next(((ln, c) for ln, c in rows if names.get(ln) == "FRAC_GENOME"), None)
    if chosen is None:
        raise InputError(table.path, "read as Battenberg rho_and_psi: no row marked is.best TRUE and no FRAC_GENOME")
    line, cells = chosen
    table.rows[sample] = FittedValues(
        purity=_number(table.path, cells[col["rho"]], "rho", line, low=0, high=1),
        ploidy=_number(table.path, cells[col["psi"]], "psi", line, low=0, high=20),
        source=f"{table.path.name}:{line}", caller="Battenberg")


def _stem(path: Path, suffix: str) -> str:
    name = path.name.removesuffix(".gz")
    return name[: -len(suffix)] if name.endswith(suffix) and len(name) > len(suffix) else name.split(".")[0]
