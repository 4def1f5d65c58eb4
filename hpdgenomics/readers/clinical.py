"""Clinical sheets: one row per sample with its tumour type, TMB, MSI, purity and clinical values.

Accepted: cBioPortal clinical files (``data_clinical_sample.txt`` / ``data_clinical_patient.txt``, with their four
``#`` metadata lines) and plain TSV or CSV sheets with a header. Column names are matched case- and
punctuation-insensitively against the aliases below; unknown columns are kept out of the report. A sample listed
twice is an error unless both rows are identical (cBioPortal exports sometimes repeat a row), which is counted.
"""

from __future__ import annotations

import csv
import re
from dataclasses import dataclass, field
from pathlib import Path

from hpdgenomics.errors import InputError
from hpdgenomics.model.qc import ReadTally
from hpdgenomics.readers.text import open_text

# Tool field → column-name aliases (compared after lower-casing and dropping everything but letters and digits).
ALIASES: dict[str, tuple[str, ...]] = {
    "sample": ("sampleid", "sample", "tumorsamplebarcode", "tumoursamplebarcode", "id", "samplename"),
    "patient": ("patientid", "patient", "subjectid", "caseid"),
    "tumour_type": ("oncotreecode", "oncotree", "tumourtype", "tumortype", "oncotreecodes"),
    "tmb": ("tmbnonsynonymous", "tmb", "tmbmutmb", "tumormutationalburden", "tumourmutationalburden"),
    "msi_status": ("msitype", "msistatus", "msi", "mmrstatus"),
    "msi_score": ("msiscore", "msisensorscore", "msisensor"),
    "purity": ("tumorpurity", "tumourpurity", "purity", "cellularity"),
    "ploidy": ("ploidy", "tumorploidy", "tumourploidy"),
    "age": ("age", "currentage", "ageatdiagnosis", "ageatsequencing", "agecurrent"),
    "metastatic_sites": ("metastaticsites", "nummetastaticsites", "numberofmetastaticsites", "metastaticsitecount"),
    "liver_metastases": ("livermetastases", "livermetastasis", "livermets"),
    "ldh": ("ldh", "serumldh", "ldhvalue"),
    "ldh_uln": ("ldhuln", "ldhupperlimit", "ldhupperlimitnormal"),
    "ldh_above_uln": ("ldhaboveuln", "ldhelevated", "ldhhigh", "elevatedldh"),
    "ecog": ("ecog", "ecogps", "ecogperformancestatus", "performancestatus"),
    "prior_radiotherapy": ("priorradiotherapy", "priorrt", "previousradiotherapy", "priorradiation",
                           "previousradiation"),
    "nlr": ("nlr", "neutrophillymphocyteratio", "neutrophiltolymphocyteratio"),
    "rmh_score": ("rmhscore", "rmh", "royalmarsdenscore"),
    # Specimen facts the board report shows (never read by a rule).
    "specimen_id": ("specimenid", "specimen", "accession", "accessionnumber", "specimenaccession"),
    "collection_date": ("collectiondate", "datecollected", "specimencollectiondate", "samplecollectiondate",
                        "dateofcollection"),
    "assay": ("genepanel", "assay", "sequencingassay", "panelname"),
    "sample_type": ("sampletype", "specimentype"),
    "sample_coverage": ("samplecoverage", "meancoverage", "meandepth", "meantargetcoverage"),
}
SPECIMEN_FIELDS = ("patient", "specimen_id", "collection_date", "assay", "sample_type", "sample_coverage")
CLINICAL_FIELDS = ("age", "metastatic_sites", "liver_metastases", "ldh", "ldh_uln", "ldh_above_uln", "ecog",
                   "prior_radiotherapy", "nlr", "rmh_score")
MISSING = frozenset({"", "na", "n/a", "nan", "none", "null", "unknown", "not available", "[not available]",
                     "[unknown]", "do not report", "-"})
SKIP_DUPLICATE = "identical duplicate row"
SKIP_BLANK = "blank row"


@dataclass
class ClinicalSheet:
    """A clinical sheet: per sample (or patient), tool field → value, plus the columns they came from."""

    path: Path
    key: str  # "sample" or "patient": what the rows are about
    rows: dict[str, dict[str, str]]
    columns: dict[str, str]  # tool field → the sheet's column name
    tally: ReadTally
    lines: dict[str, int] = field(default_factory=dict)  # identifier → line of its row, for error messages

    def get(self, identifier: str) -> dict[str, str] | None:
        return self.rows.get(identifier)


def _key(name: str) -> str:
    return re.sub(r"[^a-z0-9]", "", name.strip().lower())


def read_clinical(path: str | Path) -> ClinicalSheet:
    """Read a clinical sheet keyed by sample id (or by patient id when it has no sample column)."""
    path = Path(path)
    with open_text(path) as handle:
        lines = handle.read().split("\n")
    while lines and not lines[-1].strip():  # the final newline (and trailing blank lines) end the file, not rows
        lines.pop()
    comments = 0
    while comments < len(lines) and lines[comments].startswith("#"):
        comments += 1
    if comments >= len(lines) or not lines[comments].strip():
        raise InputError(path, "the clinical sheet is empty (no header line)", line=comments + 1)
    header_line = lines[comments]
    delimiter = "\t" if "\t" in header_line else "," if "," in header_line else None
    if delimiter is None:
        raise InputError(path, "the header is neither tab- nor comma-separated; expected columns such as SAMPLE_ID, "
                         "ONCOTREE_CODE, TMB_NONSYNONYMOUS", line=comments + 1)
    rows = list(csv.reader(lines[comments:], delimiter=delimiter))
    header = [name.strip() for name in rows[0]]
    columns = _resolve(path, header, comments + 1)
    key = "sample" if "sample" in columns else "patient"
    index = {name: header.index(column) for name, column in columns.items()}
    tally = ReadTally(str(path), "clinical rows")
    sheet = ClinicalSheet(path, key, {}, columns, tally)
    first_line = sheet.lines
    for offset, cells in enumerate(rows[1:], start=comments + 2):
        if not any(cell.strip() for cell in cells):
            tally.skip(SKIP_BLANK)
            continue
        if len(cells) != len(header):
            raise InputError(path, f"expected {len(header)} {'tab' if delimiter == chr(9) else 'comma'}-separated "
                             f"fields as in the header, found {len(cells)}", line=offset)
        values = {name: _clean(cells[i]) for name, i in index.items()}
        identifier = values.pop(key)
        if not identifier:
            raise InputError(path, f"empty {columns[key]}", line=offset)
        if identifier in sheet.rows:
            if sheet.rows[identifier] == values:
                tally.skip(SKIP_DUPLICATE)
                continue
            raise InputError(path, f"{columns[key]} {identifier!r} is listed twice with different values (first on "
                             f"line {first_line[identifier]})", line=offset)
        sheet.rows[identifier] = values
        first_line[identifier] = offset
        tally.keep()
    return sheet


def _resolve(path: Path, header: list[str], line: int) -> dict[str, str]:
    by_key: dict[str, str] = {}
    for name in header:
        by_key.setdefault(_key(name), name)
    columns = {}
    for name, aliases in ALIASES.items():
        column = next((by_key[a] for a in aliases if a in by_key), None)
        if column is not None:
            columns[name] = column
    if "sample" not in columns and "patient" not in columns:
        raise InputError(path, "no sample column: expected one of SAMPLE_ID, sample, Tumor_Sample_Barcode "
                         f"(found: {', '.join(header[:12])})", line=line)
    return columns


def _clean(value: str) -> str:
    value = value.strip()
    return "" if value.lower() in MISSING else value


def join_patients(samples: ClinicalSheet, patients: ClinicalSheet) -> ClinicalSheet:
    """The sample sheet with each sample's patient values filled in through its patient id (a sample's own value
    wins), as cBioPortal joins ``data_clinical_patient.txt`` to ``data_clinical_sample.txt``."""
    if patients.key != "patient":
        raise InputError(patients.path, "expected a patient sheet keyed by PATIENT_ID (it has a sample column)")
    columns = dict(samples.columns)
    rows: dict[str, dict[str, str]] = {}
    for sample, row in samples.rows.items():
        merged = dict(row)
        patient_row = patients.get(row.get("patient") or "") or {}
        for name, value in patient_row.items():
            if value and not merged.get(name):
                merged[name] = value
                columns.setdefault(name, patients.columns.get(name, name))
        rows[sample] = merged
    return ClinicalSheet(samples.path, samples.key, rows, columns, samples.tally, dict(samples.lines))
