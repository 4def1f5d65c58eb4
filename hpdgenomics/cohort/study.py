"""A cBioPortal study folder, read through its ``meta_*.txt`` files.

Each meta file is a list of ``key: value`` lines naming one data file (``data_filename``) and what it holds
(``genetic_alteration_type`` and ``datatype``). This module decides which files a cohort run reads — the mutations
(MAF), one copy-number profile (discrete CNA, else segments), structural variants, the sample and patient clinical
sheets and the gene panel matrix — and says in :attr:`Study.notes` what it did not use and why. It reads no data file
itself.

A data file named by a meta file but absent from the folder is an error (the study is incomplete: a truncated
download or a copy that left a file out), unless the caller passes ``skip_missing``; then the profile is left out
and the note says so. Data files that no meta file names are not read (cBioPortal would not load them either).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

from hpdgenomics.errors import InputError
from hpdgenomics.readers.text import open_text

# cBioPortal's reference_genome(_id) values → the builds hpdgenomics knows.
GENOME_BUILDS = {"hg19": "GRCh37", "grch37": "GRCh37", "hg38": "GRCh38", "grch38": "GRCh38"}
# (genetic_alteration_type, datatype) → the kind of input hpdgenomics reads from it.
KINDS: dict[tuple[str, str], str] = {
    ("MUTATION_EXTENDED", "MAF"): "maf",
    ("COPY_NUMBER_ALTERATION", "DISCRETE"): "cna",
    ("COPY_NUMBER_ALTERATION", "DISCRETE_LONG"): "cna",
    ("COPY_NUMBER_ALTERATION", "SEG"): "seg",
    ("STRUCTURAL_VARIANT", "SV"): "sv",
    ("FUSION", "FUSION"): "sv",  # the older cBioPortal fusion file (Tumor_Sample_Barcode, Fusion)
    ("CLINICAL", "SAMPLE_ATTRIBUTES"): "clinical_sample",
    ("CLINICAL", "PATIENT_ATTRIBUTES"): "clinical_patient",
    ("GENE_PANEL_MATRIX", "GENE_PANEL_MATRIX"): "panel_matrix",
}
WHAT = {
    "maf": "mutation (MAF)", "cna": "discrete copy-number", "seg": "copy-number segment (SEG)",
    "sv": "structural-variant", "clinical_sample": "sample clinical", "clinical_patient": "patient clinical",
    "panel_matrix": "gene panel matrix",
}
_KEY = re.compile(r"^([A-Za-z0-9_.-]+)\s*:\s?(.*)$")


@dataclass(frozen=True)
class StudyFile:
    """One profile of the study: its meta file, its data file, and what the meta file says about it."""

    kind: str  # maf | cna | seg | sv | clinical_sample | clinical_patient | panel_matrix
    meta: Path
    data: Path
    stable_id: str | None = None
    datatype: str = ""
    build: str | None = None  # from reference_genome_id (segments)
    gene_panel: str | None = None  # a meta-level gene_panel: every sample of this profile used that panel


@dataclass(frozen=True)
class Study:
    """What a cohort run reads from a study folder."""

    folder: Path
    identifier: str | None
    name: str | None
    build: str | None  # meta_study.txt reference_genome, if given
    files: dict[str, StudyFile] = field(default_factory=dict)  # kind → the file used
    notes: tuple[str, ...] = ()  # profiles and files not used, and why

    def get(self, kind: str) -> StudyFile | None:
        return self.files.get(kind)

    @property
    def copy_number(self) -> StudyFile | None:
        """The copy-number profile used: discrete calls when the study has them, else segments."""
        return self.files.get("cna") or self.files.get("seg")


def read_meta(path: Path) -> dict[str, tuple[str, int]]:
    """A meta file's ``key: value`` lines (key → value and line); blank lines and ``#`` comments are skipped."""
    values: dict[str, tuple[str, int]] = {}
    with open_text(path) as handle:
        for number, raw in enumerate(handle, start=1):
            line = raw.rstrip("\r\n")
            if not line.strip() or line.lstrip().startswith("#"):
                continue
            match = _KEY.match(line)
            if match is None:
                raise InputError(path, f"expected a 'key: value' line, found {line[:60]!r}", line=number)
            key, value = match.group(1), match.group(2).strip()
            if key in values and values[key][0] != value:
                raise InputError(path, f"{key} is given twice with different values (first on line "
                                 f"{values[key][1]})", line=number)
            values[key] = (value, number)
    return values


def read_study(folder: str | Path, *, skip_missing: bool = False) -> Study:
    """Read the meta files of a cBioPortal study folder and choose the data files a cohort run reads.

    Raises:
        InputError: the folder has no meta files, a meta file is malformed or names no data file, a data file is
            missing (unless ``skip_missing``), or the study has two profiles of a kind hpdgenomics reads once.
    """
    folder = Path(folder)
    if not folder.is_dir():
        raise InputError(folder, "not a folder: expected a cBioPortal study folder with meta_*.txt files")
    metas = sorted(folder.glob("meta_*.txt"))
    if not metas:
        raise InputError(folder, "no meta_*.txt files: not a cBioPortal study folder (expected meta_study.txt and "
                         "one meta file per data file)")
    identifier = name = build = None
    chosen: dict[str, StudyFile] = {}
    notes: list[str] = []
    named: set[str] = set()
    for meta in metas:
        values = read_meta(meta)
        if "genetic_alteration_type" not in values:
            if meta.name == "meta_study.txt" or "type_of_cancer" in values:
                identifier = _value(values, "cancer_study_identifier")
                name = _value(values, "name")
                build = _build(meta, values, "reference_genome")
                continue
            raise InputError(meta, "no genetic_alteration_type line: expected a cBioPortal meta file "
                             "(genetic_alteration_type, datatype, data_filename)")
        study_file = _study_file(folder, meta, values, skip_missing, notes, named)
        if study_file is None:
            continue
        earlier = chosen.get(study_file.kind)
        if earlier is not None:
            raise InputError(meta, f"a second {WHAT[study_file.kind]} profile (the first is {earlier.meta.name}); "
                             "hpdgenomics reads one of each kind per study")
        chosen[study_file.kind] = study_file
    if "cna" in chosen and "seg" in chosen:
        notes.append(f"{chosen['seg'].data.name} ({chosen['seg'].meta.name}) not used: the discrete copy-number "
                     f"calls of {chosen['cna'].data.name} are the study's own calls, and one copy-number input is "
                     "read per sample")
        del chosen["seg"]
    if not any(kind in chosen for kind in ("maf", "cna", "seg", "sv")):
        raise InputError(folder, "the study has no mutation, copy-number or structural-variant data file to read "
                         f"(meta files: {', '.join(m.name for m in metas)})")
    notes += _unnamed_files(folder, named)
    return Study(folder, identifier, name, build, chosen, tuple(notes))


def _study_file(folder: Path, meta: Path, values: dict[str, tuple[str, int]], skip_missing: bool,
                notes: list[str], named: set[str]) -> StudyFile | None:
    alteration = _value(values, "genetic_alteration_type") or ""
    datatype = _value(values, "datatype") or ""
    filename = _value(values, "data_filename")
    if filename:
        named.add(filename)
    kind = KINDS.get((alteration.upper(), datatype.upper()))
    if kind is None:
        notes.append(f"{meta.name} ({alteration} {datatype}) not used: hpdgenomics reads mutations, discrete "
                     "copy number, segments, structural variants, clinical attributes and the gene panel matrix")
        return None
    if not filename:
        raise InputError(meta, f"no data_filename line: expected the name of the {WHAT[kind]} data file")
    data = folder / filename
    if not data.is_file():
        line = values["data_filename"][1]
        if not skip_missing:
            raise InputError(meta, f"data_filename {filename} names {data}, which does not exist; expected the "
                             f"{WHAT[kind]} data file of this study (give --skip-missing to go on without it)",
                             line=line)
        notes.append(f"{meta.name} names {filename}, which is missing from the study folder: that profile was left "
                     "out (--skip-missing)")
        return None
    build = _build(meta, values, "reference_genome_id") if kind == "seg" else None
    return StudyFile(kind=kind, meta=meta, data=data, stable_id=_value(values, "stable_id"), datatype=datatype,
                     build=build, gene_panel=_value(values, "gene_panel"))


def _value(values: dict[str, tuple[str, int]], key: str) -> str | None:
    entry = values.get(key)
    return entry[0] or None if entry else None


def _build(meta: Path, values: dict[str, tuple[str, int]], key: str) -> str | None:
    entry = values.get(key)
    if entry is None or not entry[0]:
        return None
    build = GENOME_BUILDS.get(entry[0].strip().lower())
    if build is None:
        raise InputError(meta, f"{key} {entry[0]!r} is not a genome build hpdgenomics knows (expected hg19 or hg38)",
                         line=entry[1])
    return build


def is_panel_definition(path: Path) -> bool:
    """A gene panel definition file by cBioPortal's naming (``data_gene_panel_<ID>.txt``), not the matrix."""
    return path.name.startswith("data_gene_panel_") and path.name != "data_gene_panel_matrix.txt"


def _unnamed_files(folder: Path, named: set[str]) -> list[str]:
    """Data files in the folder that no meta file names (gene panel definitions are read apart)."""
    unnamed = [p.name for p in sorted(folder.glob("data_*"))
               if p.is_file() and p.name not in named and not is_panel_definition(p)]
    if not unnamed:
        return []
    return [f"not read (no meta file names them): {', '.join(unnamed)}"]


def read_sequenced_case_list(folder: Path) -> tuple[Path, list[str]] | None:
    """The samples of the study's ``case_lists/cases_sequenced.txt`` (cBioPortal: samples with mutation data), or
    None when the folder has no such list."""
    path = folder / "case_lists" / "cases_sequenced.txt"
    if not path.is_file():
        return None
    values = read_meta(path)
    if "case_list_ids" not in values:
        raise InputError(path, "no case_list_ids: line (the tab-separated sample ids of the case list)")
    return path, [sample for sample in values["case_list_ids"][0].split() if sample]
