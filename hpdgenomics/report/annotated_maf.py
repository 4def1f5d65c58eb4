"""``--format maf``: the input MAF back, every row in its order with every input column as it was, plus columns.

As the OncoKB annotator does, the input is copied byte for byte (comment lines, the header, each row and its line
ending) and columns are appended: the ``HPD_*`` columns (:data:`HPD_COLUMNS`) and cBioPortal's custom driver
columns ``cbp_driver`` / ``cbp_driver_annotation`` / ``cbp_driver_tiers`` (cBioPortal's MAF format; added only
when the input does not already carry them, whose values are then kept as they are). A row is tied to its findings
by the record each finding names (``variant.source``: the MAF's file name and line), so rows the rules never saw
(another gene, a germline or filtered row, a sample not reported) get empty cells, and the file loads into
cBioPortal, R or pandas exactly as the input did.

``cbp_driver`` is ``Putative_Driver`` for a row that matched an HPD, ICI-resistance or targetable rule and empty
otherwise: hpdgenomics never calls a variant a passenger. OncoKB annotator columns in the input (``ONCOGENIC``,
``HIGHEST_LEVEL`` …) stay where they are; ``HPD_THERAPY_LEVEL`` beside them is this tool's level, from its rules.
"""

from __future__ import annotations

import gzip
from collections.abc import Iterator, Mapping, Sequence
from pathlib import Path
from typing import Any

from hpdgenomics.errors import OutputError
from hpdgenomics.report.document import SampleReport

HPD_COLUMNS = ("HPD_SAMPLE_LEVEL", "HPD_RULE", "HPD_CATEGORY", "HPD_CLASS", "HPD_ALTERATION", "HPD_STRENGTH",
               "HPD_THERAPY_LEVEL")
CBP_COLUMNS = ("cbp_driver", "cbp_driver_annotation", "cbp_driver_tiers")
DRIVER_CATEGORIES = ("hpd_risk", "targetable", "ici_resistance")  # a match in one of these makes a putative driver
TIERS = {"hpd_risk": "HPD-linked", "targetable": "Targetable", "ici_resistance": "ICI resistance"}
STRENGTHS = ("strong", "moderate", "emerging")
THERAPY_LEVELS = ("1", "2", "3A", "3B", "4", "R1", "R2")
CBP_ANNOTATION_MAX = 80  # cBioPortal's limits for the driver annotation and tier label
CBP_TIER_MAX = 50
BOM = b"\xef\xbb\xbf"
_STRIP_SUFFIXES = (".gz", ".maf", ".vcf", ".txt", ".tsv")


def input_of(reports: Sequence[SampleReport], kind: str) -> Path:
    """The one input file of ``kind`` (``maf`` or ``vcf``) that ``reports`` were read from."""
    paths = {str(i["path"]) for r in reports for i in r.document.get("inputs", ()) if i.get("format") == kind}
    if not paths:
        raise OutputError(f"--format {kind} writes the {kind.upper()} input back annotated: give a --{kind} input")
    if len(paths) > 1:
        raise OutputError(f"--format {kind}: the reports come from several {kind.upper()} files ({', '.join(paths)})")
    path = Path(paths.pop())
    if not path.is_file():
        raise OutputError(f"--format {kind}: the input {path} is no longer there to be written back")
    return path


def annotated_name(path: Path, fmt: str) -> str:
    """``data_mutations.txt`` → ``data_mutations.hpd.maf`` (``.maf.gz`` when the input was gzipped)."""
    name = path.name
    gzipped = name.endswith(".gz")
    for suffix in _STRIP_SUFFIXES:
        if name.lower().endswith(suffix):
            name = name[: -len(suffix)]
    return f"{name}.hpd.{fmt}" + (".gz" if gzipped else "")


def _best(values: Sequence[str], order: Sequence[str]) -> str:
    ranked = [v for v in values if v in order]
    return min(ranked, key=order.index) if ranked else ""


def _row_cells(findings: Sequence[Mapping[str, Any]], level: str, add_cbp: bool) -> list[str]:
    """The appended cells of one row."""
    if not findings:
        return [level, *[""] * (len(HPD_COLUMNS) - 1), *([""] * len(CBP_COLUMNS) if add_cbp else [])]
    variant = findings[0].get("variant") or {}
    therapy = [str(t["level"]) for f in findings for t in f.get("therapies") or () if t.get("usable", True)]
    cells = [
        level,
        ";".join(f["rule_id"] for f in findings),
        ";".join(f["category"] for f in findings),
        str(variant.get("consequence_class") or ""),
        str(variant.get("protein_change") or findings[0].get("alteration") or ""),
        _best([str(f.get("strength") or "") for f in findings], STRENGTHS),
        _best(therapy, THERAPY_LEVELS),
    ]
    if add_cbp:
        drivers = [f for f in findings if f["category"] in DRIVER_CATEGORIES]
        tiers = list(dict.fromkeys(TIERS[f["category"]] for f in drivers))
        annotation = "hpdgenomics: " + ", ".join(dict.fromkeys(f["rule_id"] for f in drivers))
        if len(annotation) > CBP_ANNOTATION_MAX:
            annotation = annotation[: CBP_ANNOTATION_MAX - 1] + "…"
        cells += ["Putative_Driver" if drivers else "", annotation if drivers else "",
                  "; ".join(tiers)[:CBP_TIER_MAX]]
    return [" ".join(c.split()) for c in cells]  # no tab or line break inside a cell


def _findings_by_line(reports: Sequence[SampleReport], file_name: str) -> dict[int, list[Mapping[str, Any]]]:
    by_line: dict[int, list[Mapping[str, Any]]] = {}
    for report in reports:
        for finding in report.findings:
            source = str((finding.get("variant") or {}).get("source") or "")
            name, _, line = source.rpartition(":")
            if name == file_name and line.isdigit():
                by_line.setdefault(int(line), []).append(finding)
    return by_line


def _levels_by_sample(reports: Sequence[SampleReport]) -> dict[str, str]:
    levels = {r.sample_id: r.hpd_level for r in reports}
    for report in reports:  # a report renamed with --sample-id still names the barcode it was read as
        picked = (report.document.get("parameters") or {}).get("sample")
        if picked:
            levels.setdefault(str(picked), report.hpd_level)
    return levels


def _gzipped(path: Path) -> bool:
    with path.open("rb") as probe:
        return probe.read(2) == b"\x1f\x8b"


def _lines(path: Path) -> Iterator[bytes]:
    with (gzip.open(path, "rb") if _gzipped(path) else path.open("rb")) as handle:
        yield from handle


def _split_ending(line: bytes) -> tuple[bytes, bytes]:
    body = line.rstrip(b"\r\n")
    return body, line[len(body):]


def render_annotated_maf(reports: Sequence[SampleReport], path: Path) -> bytes:
    """The annotated copy of the MAF at ``path`` (gzipped when the input is), from the reports read from it."""
    by_line = _findings_by_line(reports, path.name)
    levels = _levels_by_sample(reports)
    out: list[bytes] = []
    header: list[str] | None = None
    barcode = 0
    add_cbp = True
    for number, line in enumerate(_lines(path), start=1):
        body, ending = _split_ending(line)
        if header is None:
            if body.removeprefix(BOM).startswith(b"#"):  # the readers drop a byte-order mark before '#' lines too
                out.append(line)
                continue
            text = body.decode("utf-8-sig")
            header = [c.strip() for c in text.split("\t")]
            taken = [c for c in HPD_COLUMNS if c in header]
            if taken:
                raise OutputError(f"{path} already has the column {taken[0]} (an annotated MAF?): annotate the "
                                  "original MAF")
            add_cbp = not any(c in header for c in CBP_COLUMNS)
            barcode = next((i for i, c in enumerate(header) if c.casefold() == "tumor_sample_barcode"), -1)
            added = [*HPD_COLUMNS, *(CBP_COLUMNS if add_cbp else ())]
            out.append(body + ("\t" + "\t".join(added)).encode() + (ending or b"\n"))
            continue
        if not body.strip():
            out.append(line)  # a blank line stays a blank line
            continue
        fields = body.split(b"\t")
        sample = fields[barcode].decode("utf-8", "replace").strip() if 0 <= barcode < len(fields) else ""
        cells = _row_cells(by_line.get(number, ()), levels.get(sample, ""), add_cbp)
        out.append(body + ("\t" + "\t".join(cells)).encode() + (ending or b"\n"))
    if header is None:
        raise OutputError(f"{path} has no MAF header line to write back")
    data = b"".join(out)
    return gzip.compress(data, mtime=0) if _gzipped(path) else data


def annotated_maf_files(reports: Sequence[SampleReport], out_dir: Path) -> dict[Path, bytes]:
    """``--format maf``: one annotated MAF for the input the reports came from, ``OUT/<input>.hpd.maf``."""
    path = input_of(reports, "maf")
    return {out_dir / annotated_name(path, "maf"): render_annotated_maf(reports, path)}
