"""Structural variants and fusions: cBioPortal SV tables, fusion lists and fusion-caller outputs.

Accepted layouts (told apart by their columns):

* cBioPortal structural variants (``data_sv.txt``): ``Sample_Id``, ``Site1_Hugo_Symbol``, ``Site2_Hugo_Symbol``,
  optional ``Site1/2_Chromosome``/``_Position``, ``Class``, ``Event_Info``, ``SV_Status``, ``Site2_Effect_On_Frame``;
* a fusion list (cBioPortal's older fusion file, the OncoKB annotator's): ``Tumor_Sample_Barcode`` and ``Fusion``
  written ``GENEA-GENEB`` (a trailing " fusion" is dropped) or ``GENE-intragenic``;
* a gene-pair table: ``Tumor_Sample_Barcode``, ``GeneA``, ``GeneB`` and optional ``Sv_Type``;
* one tumour's fusion-caller output (STAR-Fusion/Arriba style): ``FusionGene`` (or ``#FusionName``) written
  ``GENEA--GENEB``, with optional ``LeftBreakpoint``/``RightBreakpoint`` (``chrom:pos``); the sample is named by
  the caller (``sample``).

A row naming two different genes is a *fusion*; a row naming one gene (intragenic, or the same gene twice) is a
*rearrangement* and never matches a fusion rule. Germline rows (``SV_Status``) are skipped and counted.
"""

from __future__ import annotations

import csv
import re
from dataclasses import dataclass, field
from pathlib import Path

from hpdgenomics.errors import InputError, SampleSelectionError
from hpdgenomics.genome.builds import normalise_contig
from hpdgenomics.model.alterations import Rearrangement
from hpdgenomics.model.qc import ReadTally
from hpdgenomics.readers.text import open_text

SKIP_GERMLINE = "germline (SV_Status)"
SKIP_NO_GENE = "no gene named"
SKIP_UNSPLIT = "fusion name not splittable into two known genes"
_STRONG_SPLIT = re.compile(r"\s*(?:--|::)\s*")
# Event text naming the fusion the caller called, e.g. "Transcript fusion (TMPRSS2-ERG)", "{ABCG1:TMPRSS2}".
_EVENT_FUSION = re.compile(
    r"\((?P<a>[A-Za-z0-9.]+)-(?P<b>[A-Za-z0-9.]+)\)|\{(?P<c>[A-Za-z0-9.]+):(?P<d>[A-Za-z0-9.]+)\}")
_BREAKPOINT = re.compile(r"^(?:chr)?(?P<chrom>[0-9XYMT]+):(?P<pos>[0-9]+)")


@dataclass
class StructuralFile:
    """The rearrangements of every sample in one file, in file order."""

    path: Path
    layout: str  # "cbioportal_sv" | "fusion_list" | "gene_pairs" | "fusion_caller"
    samples: dict[str, list[Rearrangement]] = field(default_factory=dict)
    tallies: dict[str, ReadTally] = field(default_factory=dict)


def _key(name: str) -> str:
    return re.sub(r"[^a-z0-9]", "", name.lower())


def read_structural_variants(path: str | Path, *, sample: str | None = None,
                             sample_id: str | None = None) -> StructuralFile:
    """Read a structural-variant or fusion file. ``sample`` keeps one sample of a multi-sample file;
    ``sample_id`` names the tumour of a one-sample fusion-caller output (default: the file name)."""
    path = Path(path)
    with open_text(path) as handle:
        lines = [line.rstrip("\n") for line in handle]
    while lines and not lines[-1].strip():
        lines.pop()
    comments = 0
    while comments < len(lines) and lines[comments].startswith("#") and not _is_header(lines[comments]):
        comments += 1
    if comments >= len(lines):
        raise InputError(path, "the structural-variant file is empty (no header line)")
    rows = list(csv.reader(lines[comments:], delimiter="\t"))
    header = [h.strip().lstrip("#") for h in rows[0]]
    columns = {_key(h): i for i, h in enumerate(header)}
    layout = _layout(path, columns, comments + 1)
    result = StructuralFile(path, layout)
    one_sample = sample_id or path.name.split(".")[0]
    for number, cells in enumerate(rows[1:], start=comments + 2):
        if not any(cell.strip() for cell in cells):
            continue
        if len(cells) < len(header) and len(cells) != len(header) - 1:  # a trailing empty column may be cut off
            raise InputError(path, f"expected {len(header)} tab-separated fields as in the header, found "
                             f"{len(cells)}", line=number)
        value = {name: (cells[i].strip() if i < len(cells) else "") for name, i in columns.items()}
        barcode = one_sample if layout == "fusion_caller" else (value.get("sampleid") or value.get(
            "tumorsamplebarcode") or "")
        if not barcode:
            raise InputError(path, "a row has no sample id", line=number)
        if sample is not None and barcode != sample:
            continue
        tally = result.tallies.setdefault(barcode, ReadTally(str(path), f"structural-variant rows of {barcode}"))
        result.samples.setdefault(barcode, [])
        if value.get("svstatus", "").lower() == "germline":
            tally.skip(SKIP_GERMLINE)
            continue
        rearrangement = _row(layout, value, f"{path.name}:{number}")
        if rearrangement is None:
            tally.skip(SKIP_UNSPLIT if layout in ("fusion_list", "fusion_caller") else SKIP_NO_GENE)
            continue
        tally.keep()
        result.samples[barcode].append(rearrangement)
    if sample is not None and sample not in result.samples:
        raise SampleSelectionError(path, f"sample {sample!r} is not in the structural-variant file")
    return result


def _is_header(line: str) -> bool:
    """STAR-Fusion writes its header as '#FusionName'; other '#' lines are comments."""
    return _key(line.split("\t")[0]) in ("fusionname", "fusiongene")


def _layout(path: Path, columns: dict[str, int], line: int) -> str:
    if {"sampleid", "site1hugosymbol"} <= columns.keys():
        return "cbioportal_sv"
    if {"tumorsamplebarcode", "fusion"} <= columns.keys():
        return "fusion_list"
    if {"tumorsamplebarcode", "genea", "geneb"} <= columns.keys():
        return "gene_pairs"
    if columns.keys() & {"fusiongene", "fusionname"}:
        return "fusion_caller"
    raise InputError(path, "not a structural-variant table: expected Sample_Id + Site1_Hugo_Symbol (cBioPortal), "
                     "Tumor_Sample_Barcode + Fusion, Tumor_Sample_Barcode + GeneA + GeneB, or FusionGene", line=line)


def _row(layout: str, value: dict[str, str], source: str) -> Rearrangement | None:
    if layout == "cbioportal_sv":
        genes = [value.get("site1hugosymbol", ""), value.get("site2hugosymbol", "")]
        event_text = value.get("eventinfo", "")
        intragenic = re.match(r"^\s*([A-Za-z0-9.]+)-intragenic\b", event_text, flags=re.IGNORECASE)
        if intragenic is not None:  # the second site is only where the breakpoint fell, not a partner
            return _make([intragenic[1]], value.get("class", ""), source, description=event_text)
        event = _EVENT_FUSION.search(event_text)
        if event is not None:
            # The breakpoint sites can lie in a neighbouring gene (an ERG breakpoint read in ABL1's region); the
            # caller's event text names the genes actually fused, so it wins when it names two.
            genes = [event["a"] or event["c"], event["b"] or event["d"]]
        frame = value.get("site2effectonframe", "").lower()
        return _make(genes, value.get("class", ""), source, description=value.get("eventinfo", ""),
                     chrom1=value.get("site1chromosome"), pos1=value.get("site1position"),
                     chrom2=value.get("site2chromosome"), pos2=value.get("site2position"),
                     in_frame=True if frame == "in_frame" else False if frame in ("frameshift", "out_of_frame")
                     else None)
    if layout == "fusion_list":
        text = re.sub(r"\s+fusion$", "", value.get("fusion", ""), flags=re.IGNORECASE)
        if text.lower().endswith("-intragenic"):
            return _make([text[: -len("-intragenic")]], "INTRAGENIC", source, description=value.get("fusion", ""))
        return _make(split_fusion_name(text), "FUSION", source, description=value.get("fusion", ""))
    if layout == "gene_pairs":
        return _make([value.get("genea", ""), value.get("geneb", "")], value.get("svtype", ""), source)
    name = value.get("fusiongene") or value.get("fusionname") or ""
    left, right = _breakpoint(value.get("leftbreakpoint", "")), _breakpoint(value.get("rightbreakpoint", ""))
    return _make(split_fusion_name(name), "FUSION", source, description=name,
                 chrom1=left[0], pos1=left[1], chrom2=right[0], pos2=right[1])


def split_fusion_name(text: str) -> list[str]:
    """'EML4--ALK', 'EML4::ALK' → both genes; 'TMPRSS2-ERG' → both; 'NKX2-1-MYC' → split where both sides are
    known gene symbols (some symbols contain '-'); [] when no split gives two known genes."""
    text = text.strip()
    if _STRONG_SPLIT.search(text):
        return [part for part in _STRONG_SPLIT.split(text) if part]
    if text.count("-") == 1:
        return text.split("-")
    if "-" not in text:
        return [text]
    from hpdgenomics.genome.reference import load_genes  # only ambiguous names need the gene table

    known = load_genes("GRCh38")
    pieces = text.split("-")
    splits = [("-".join(pieces[:i]), "-".join(pieces[i:])) for i in range(1, len(pieces))]
    good = [list(pair) for pair in splits if pair[0] in known and pair[1] in known]
    return good[0] if len(good) == 1 else []


def _breakpoint(text: str) -> tuple[str | None, str | None]:
    match = _BREAKPOINT.match(text.strip())
    return (match["chrom"], match["pos"]) if match else (None, None)


def _make(genes: list[str], sv_class: str, source: str, *, description: str = "", chrom1: str | None = None,
          pos1: str | None = None, chrom2: str | None = None, pos2: str | None = None,
          in_frame: bool | None = None) -> Rearrangement | None:
    named = [g.strip() for g in genes if g and g.strip() and g.strip().upper() not in ("NA", "N/A", "-")]
    distinct = tuple(dict.fromkeys(named))
    if not distinct:
        return None
    return Rearrangement(
        genes=distinct, kind="fusion" if len(distinct) > 1 else "rearrangement", sv_class=sv_class.upper(),
        chrom1=normalise_contig(chrom1) if chrom1 else None, pos1=_int(pos1),
        chrom2=normalise_contig(chrom2) if chrom2 else None, pos2=_int(pos2), in_frame=in_frame,
        description=description, source=source,
    )


def _int(text: str | None) -> int | None:
    return int(text) if text and text.isdigit() else None
