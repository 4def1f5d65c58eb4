#!/usr/bin/env python3
"""Generate the compact reference tables bundled in ``hpdgenomics/data/`` from public sources.

Sources (see ``../shared/refdata-src/PROVENANCE.md``): UCSC refGene snapshots, the MANE Select list and its UTR
intervals, UCSC cytobands, and the GRCh37/GRCh38 assembly reports shipped by bioutils. Outputs, per build:

- ``genes.<build>.tsv.gz``   every coding gene, one transcript each (MANE Select where it exists)
- ``cytobands.<build>.tsv.gz`` chromosome bands
- ``contigs.<build>.tsv``    main chromosome lengths, RefSeq accessions and UCSC names (for build detection)

plus ``hotspots.cancerhotspots_v2.tsv.gz``, the Cancer Hotspots v2 residues (Chang 2018) checked against the bundled
transcripts (see :func:`read_hotspots`), and ``liftover.GRCh37_to_GRCh38.tsv.gz``, the UCSC hg19→hg38 chain as ungapped
aligned blocks between main chromosomes (each row: GRCh37 chrom, start, end; GRCh38 chrom, start, strand), the
OncoTree tables (``oncotree.tsv``, ``oncotree_retired.tsv``: see ``build_oncotree.py``, which this script runs),

and ``MANIFEST.json`` naming every source with its sha256 and every output with its sha256 and row count.
Output is deterministic: rerunning on the same sources gives byte-identical files.

    python scripts/build_refdata.py --src ../shared/refdata-src --out hpdgenomics/data
"""

from __future__ import annotations

import argparse
import gzip
import hashlib
import io
import json
from collections import defaultdict
from collections.abc import Iterable
from pathlib import Path

BUILDS = {"GRCh37": ("hg19", "GRCh37.p13"), "GRCh38": ("hg38", "GRCh38.p14")}
MAIN_CONTIGS = [str(n) for n in range(1, 23)] + ["X", "Y", "MT"]
CONTIG_ORDER = {name: rank for rank, name in enumerate(MAIN_CONTIGS)}
SOURCES = {
    "refgene/hg19.refGene.txt.gz": ("UCSC refGene via GitHub vladsavelyev/bed_annotation @ 3c3edae",
                                    "NCBI RefSeq via UCSC, no usage restrictions"),
    "refgene/hg38.refGene.txt.gz": ("UCSC refGene via GitHub vladsavelyev/bed_annotation @ 3c3edae",
                                    "NCBI RefSeq via UCSC, no usage restrictions"),
    "mane/transcript.txt": ("MANE Select list via GitHub pzweuj/ManeSelectBed (GENCODE release 50)",
                            "MANE/GENCODE data unrestricted; repository MIT"),
    "mane/Gencode.GRCh37.utr5.bed.gz": ("MANE Select UTRs via GitHub pzweuj/ManeSelectBed", "as above"),
    "mane/Gencode.GRCh37.utr3.bed.gz": ("MANE Select UTRs via GitHub pzweuj/ManeSelectBed", "as above"),
    "mane/Gencode.GRCh38.utr5.bed.gz": ("MANE Select UTRs via GitHub pzweuj/ManeSelectBed", "as above"),
    "mane/Gencode.GRCh38.utr3.bed.gz": ("MANE Select UTRs via GitHub pzweuj/ManeSelectBed", "as above"),
    "cytoband/chromosome.band.hg19.txt": ("UCSC cytoBand via Debian package circos 0.69.9", "UCSC data; GPL-2+"),
    "cytoband/chromosome.band.hg38.txt": ("UCSC cytoBand via Debian package circos 0.69.9", "UCSC data; GPL-2+"),
    "assemblies/GRCh37.p13.json.gz": ("Assembly report from PyPI bioutils 0.6.2", "Apache-2.0"),
    "assemblies/GRCh38.p14.json.gz": ("Assembly report from PyPI bioutils 0.6.2", "Apache-2.0"),
    "chain/hg19ToHg38.over.chain.gz": ("UCSC liftOver chain via GitHub broadinstitute/SpliceAI-lookup @ d204c34",
                                       "UCSC liftOver files freely usable"),
    "cancerhotspots/v2_multi_type_residue.txt": (
        "Cancer Hotspots v2 via GitHub cBioPortal/cancerhotspots @ 8c79cc6; Chang MT et al. Cancer Discov "
        "2018;8(2):174-183, PMID 29247016, doi:10.1158/2159-8290.CD-17-0321",
        "published result of the paper (cited); repository code AGPL-3.0, only a derived table is shipped"),
}
HOTSPOT_COLUMNS = ("gene", "kind", "start", "end", "ref", "variants", "tumours", "transcript", "transcript_check")
GENE_COLUMNS = ("gene", "chrom", "start", "end", "strand", "transcript", "mane", "cds_start", "cds_end",
                "exon_starts", "exon_ends", "gene_start", "gene_end")


def main(argv: Iterable[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--src", type=Path, default=Path(__file__).resolve().parents[2] / "shared" / "refdata-src")
    parser.add_argument("--out", type=Path, default=Path(__file__).resolve().parents[1] / "hpdgenomics" / "data")
    args = parser.parse_args(list(argv) if argv is not None else None)
    build_all(args.src, args.out)


def build_all(src: Path, out: Path) -> dict[str, object]:
    """Write every table and the manifest; return the manifest."""
    out.mkdir(parents=True, exist_ok=True)
    mane = read_mane(src / "mane" / "transcript.txt")
    outputs = []
    bundled: dict[str, list[dict[str, object]]] = {}
    for build, (ucsc, assembly) in BUILDS.items():
        cds = mane_cds(src / "mane" / f"Gencode.{build}.utr5.bed.gz", src / "mane" / f"Gencode.{build}.utr3.bed.gz")
        genes = choose_transcripts(read_refgene(src / "refgene" / f"{ucsc}.refGene.txt.gz"), mane, cds)
        bundled[build] = [dict(zip(GENE_COLUMNS, row, strict=True)) for row in genes]
        outputs.append(write_gz(out / f"genes.{build}.tsv.gz", GENE_COLUMNS, genes))
        outputs.append(write_gz(out / f"cytobands.{build}.tsv.gz", ("chrom", "start", "end", "band", "stain"),
                                read_cytobands(src / "cytoband" / f"chromosome.band.{ucsc}.txt")))
        outputs.append(write_plain(out / f"contigs.{build}.tsv", ("name", "length", "refseq", "ucsc"),
                                   read_contigs(src / "assemblies" / f"{assembly}.json.gz")))
    hotspots, checks = read_hotspots(src / "cancerhotspots" / "v2_multi_type_residue.txt",
                                     src / "mane" / "transcript.txt", bundled)
    outputs.append({**write_gz(out / "hotspots.cancerhotspots_v2.tsv.gz", HOTSPOT_COLUMNS, hotspots),
                    "checks": checks})
    outputs.append(write_gz(out / "liftover.GRCh37_to_GRCh38.tsv.gz",
                            ("chrom", "start", "end", "to_chrom", "to_start", "to_strand"),
                            read_chain(src / "chain" / "hg19ToHg38.over.chain.gz")))
    oncotree_sources, oncotree_outputs = _oncotree(src / "oncotree", out)
    manifest = {
        "generator": "scripts/build_refdata.py",
        "description": "Reference tables bundled with hpdgenomics; coordinates are 0-based, half-open.",
        "sources": [
            {"path": path, "origin": origin, "licence": licence, "sha256": sha256(src / path)}
            for path, (origin, licence) in SOURCES.items()
        ] + oncotree_sources,
        "outputs": outputs + oncotree_outputs,
    }
    (out / "MANIFEST.json").write_text(json.dumps(manifest, indent=2) + "\n", encoding="utf-8")
    return manifest


def _oncotree(src: Path, out: Path) -> tuple[list[dict[str, object]], list[dict[str, object]]]:
    """The OncoTree tables, written by ``build_oncotree.py`` (the script beside this one)."""
    import importlib.util
    spec = importlib.util.spec_from_file_location("build_oncotree", Path(__file__).with_name("build_oncotree.py"))
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module.build(src, out)  # type: ignore[no-any-return]


def read_hotspots(
    path: Path, mane_path: Path, bundled: dict[str, list[dict[str, object]]]
) -> tuple[list[list[object]], dict[str, int]]:
    """Cancer Hotspots v2 rows as (gene, kind, start, end, ref, variants, tumours, transcript, transcript_check).

    ``kind`` is ``residue`` (one amino acid, ``variants`` the observed alternative residues), ``indel`` (an in-frame
    indel range) or ``splice``. Each residue is checked against the transcript the package bundles for its gene:
    ``same`` when the table's Ensembl transcript is the MANE twin of the bundled RefSeq transcript in both builds
    (same numbering), ``differs`` when it is another transcript (numbering may differ: matched only when the
    variant's own reference residue agrees), ``beyond`` when the residue lies past the bundled protein's end, and
    ``no_mane`` when the bundled transcript has no MANE twin. The reference amino acid itself cannot be read here
    (no genome sequence is bundled); it is checked against each variant's reference residue when matching.
    """
    ensembl_of = {}
    for line in mane_path.read_text(encoding="utf-8").splitlines():
        if line.startswith("#") or not line.strip():
            continue
        _gene, refseq, ensembl = line.split("\t")[:3]
        ensembl_of[refseq.split(".")[0]] = ensembl.split(".")[0]
    genes = {build: {str(g["gene"]): g for g in rows} for build, rows in bundled.items()}
    rows: list[list[object]] = []
    checks = {"rows_read": 0, "same": 0, "differs": 0, "beyond": 0, "no_mane": 0, "gene_not_bundled": 0}
    with path.open(encoding="utf-8") as handle:
        header = handle.readline().rstrip("\n").split("\t")
        for line in handle:
            record = dict(zip(header, line.rstrip("\n").split("\t"), strict=False))
            checks["rows_read"] += 1
            row = _hotspot_row(record)
            gene, transcript = str(row[0]), str(row[7])
            if not all(gene in genes[build] for build in genes):
                checks["gene_not_bundled"] += 1
                row.append("gene_not_bundled")
                rows.append(row)
                continue
            check = "same"
            for build in genes:
                chosen = genes[build][gene]
                twin = ensembl_of.get(str(chosen["transcript"]))
                if twin is None:
                    check = "no_mane"
                elif twin != transcript and check == "same":
                    check = "differs"
                if int(str(row[3])) > _protein_length(chosen):
                    check = "beyond"
            checks[check] += 1
            row.append(check)
            rows.append(row)
    rows.sort(key=lambda r: (str(r[0]), int(str(r[2])), str(r[1])))
    return rows, checks


def _hotspot_row(record: dict[str, str]) -> list[object]:
    residue = record["Residue"]
    variants = [part.split(":")[0] for part in record["Variant_Amino_Acid"].split("|") if part]
    if residue.endswith(" sp"):
        kind, start, end, ref, alts = "splice", int(residue[1:-3]), int(residue[1:-3]), "", ""
    elif "-" in residue or record.get("Indel_Size"):
        first, _, last = record["Amino_Acid_Position"].partition("-")
        kind, start, end, ref, alts = "indel", int(first), int(last or first), "", ""
    else:
        ref = record["Reference_Amino_Acid"].split(":")[0]
        start = end = int(record["Amino_Acid_Position"])
        kind, alts = "residue", ",".join(sorted(a for a in variants if a != ref))
    return [record["Hugo_Symbol"], kind, start, end, ref, alts, int(record["Tumor_Count"] or 0),
            record["Transcript_Id"].split(".")[0]]


def _protein_length(gene: dict[str, object]) -> int:
    """Codons in the bundled transcript's coding sequence, stop codon excluded."""
    starts = [int(x) for x in str(gene["exon_starts"]).split(",") if x]
    ends = [int(x) for x in str(gene["exon_ends"]).split(",") if x]
    cds_start, cds_end = int(str(gene["cds_start"])), int(str(gene["cds_end"]))
    coding = sum(max(0, min(e, cds_end) - max(s, cds_start)) for s, e in zip(starts, ends, strict=True))
    return coding // 3 - 1


def normalise_chrom(name: str) -> str | None:
    """'chr7' → '7', 'chrM' → 'MT'; None for alt, random, unplaced and fix contigs."""
    name = name.removeprefix("chr")
    name = "MT" if name == "M" else name
    return name if name in CONTIG_ORDER else None


def read_mane(path: Path) -> dict[str, str]:
    """Gene symbol → MANE Select RefSeq id without version."""
    mane = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.startswith("#") or not line.strip():
            continue
        symbol, refseq = line.split("\t")[:2]
        mane[symbol] = refseq.split(".")[0]
    return mane


def mane_cds(utr5: Path, utr3: Path) -> dict[str, tuple[str, int, int]]:
    """Gene symbol → (chrom, cds_start, cds_end) of its MANE transcript, from where its UTRs stop.

    The UTR files are 1-based. On the + strand the CDS starts where the last 5' UTR piece ends and ends before the
    first 3' UTR piece; on the − strand the roles swap.
    """
    pieces: dict[str, dict[str, list[tuple[int, int]]]] = defaultdict(lambda: {"5": [], "3": []})
    strands: dict[str, tuple[str, str]] = {}
    for kind, path in (("5", utr5), ("3", utr3)):
        with gzip.open(path, "rt", encoding="utf-8") as handle:
            for line in handle:
                if line.startswith("#"):
                    continue
                chrom, start, end, _, symbol, _, _, strand = line.rstrip("\n").split("\t")[:8]
                pieces[symbol][kind].append((int(start), int(end)))
                strands[symbol] = (chrom, strand)
    cds = {}
    for symbol, parts in pieces.items():
        chrom, strand = strands[symbol]
        five, three = parts["5"], parts["3"]
        if not five or not three or normalise_chrom(chrom) is None:
            continue
        if strand == "+":
            cds[symbol] = (normalise_chrom(chrom) or "", max(e for _, e in five), min(s for s, _ in three) - 1)
        else:
            cds[symbol] = (normalise_chrom(chrom) or "", max(e for _, e in three), min(s for s, _ in five) - 1)
    return cds


def read_refgene(path: Path) -> dict[str, list[dict[str, object]]]:
    """Coding refGene transcripts on main chromosomes, grouped by gene symbol."""
    by_gene: dict[str, list[dict[str, object]]] = defaultdict(list)
    with gzip.open(path, "rt", encoding="utf-8") as handle:
        for line in handle:
            f = line.rstrip("\n").split("\t")
            chrom = normalise_chrom(f[2])
            cds_start, cds_end = int(f[6]), int(f[7])
            if chrom is None or cds_start >= cds_end or not f[1].startswith("NM_"):
                continue
            by_gene[f[12]].append({
                "transcript": f[1], "chrom": chrom, "strand": f[3], "start": int(f[4]), "end": int(f[5]),
                "cds_start": cds_start, "cds_end": cds_end,
                "exon_starts": f[9].rstrip(","), "exon_ends": f[10].rstrip(","),
            })
    return by_gene


def _cds_length(tx: dict[str, object]) -> int:
    starts = [int(x) for x in str(tx["exon_starts"]).split(",")]
    ends = [int(x) for x in str(tx["exon_ends"]).split(",")]
    lo, hi = int(tx["cds_start"]), int(tx["cds_end"])  # type: ignore[call-overload]
    return sum(max(0, min(e, hi) - max(s, lo)) for s, e in zip(starts, ends, strict=True))


def _nm_number(tx: dict[str, object]) -> int:
    return int(str(tx["transcript"]).removeprefix("NM_"))


def choose_transcripts(
    by_gene: dict[str, list[dict[str, object]]], mane: dict[str, str], cds: dict[str, tuple[str, int, int]]
) -> list[list[object]]:
    """One row per gene: the MANE NM, else the refGene transcript with the MANE CDS, else the longest CDS."""
    rows = []
    for symbol, transcripts in by_gene.items():
        # PAR genes appear on X and Y: prefer X, then the lowest chromosome, so the choice is stable.
        transcripts = sorted(transcripts, key=lambda t: (t["chrom"] == "Y", CONTIG_ORDER[str(t["chrom"])],
                                                         _nm_number(t), t["start"]))
        chosen, is_mane = None, False
        if symbol in mane:
            chosen = next((t for t in transcripts if t["transcript"] == mane[symbol]), None)
            if chosen is None and symbol in cds:
                chrom, start, end = cds[symbol]
                chosen = next((t for t in transcripts if (t["chrom"], t["cds_start"], t["cds_end"]) ==
                               (chrom, start, end)), None)
            is_mane = chosen is not None
        if chosen is None:
            chosen = max(transcripts, key=lambda t: (_cds_length(t), -_nm_number(t)))
        same_chrom = [t for t in transcripts if t["chrom"] == chosen["chrom"]]
        gene_start = min(int(t["start"]) for t in same_chrom)  # type: ignore[call-overload]
        gene_end = max(int(t["end"]) for t in same_chrom)  # type: ignore[call-overload]
        rows.append([symbol, chosen["chrom"], chosen["start"], chosen["end"], chosen["strand"],
                     chosen["transcript"], int(is_mane), chosen["cds_start"], chosen["cds_end"],
                     chosen["exon_starts"], chosen["exon_ends"], gene_start, gene_end])
    rows.sort(key=lambda r: (CONTIG_ORDER[str(r[1])], r[2], r[0]))
    return rows


def read_cytobands(path: Path) -> list[list[object]]:
    rows = []
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.startswith("#") or not line.strip():
            continue
        chrom, start, end, band, stain = line.split("\t")[:5]
        name = normalise_chrom(chrom)
        if name is not None:
            rows.append([name, int(start), int(end), band, stain])
    rows.sort(key=lambda r: (CONTIG_ORDER[str(r[0])], r[1]))
    return rows


def read_contigs(path: Path) -> list[list[object]]:
    with gzip.open(path, "rt", encoding="utf-8") as handle:
        assembly = json.load(handle)
    rows = []
    for seq in assembly["sequences"]:
        if seq["name"] in CONTIG_ORDER and seq.get("sequence_role") == "assembled-molecule":
            ucsc = next((a for a in seq.get("aliases", []) if a.startswith("chr")), f"chr{seq['name']}")
            rows.append([seq["name"], seq["length"], seq.get("refseq_ac") or "", ucsc])
    rows.sort(key=lambda r: CONTIG_ORDER[str(r[0])])
    return rows


def read_chain(path: Path) -> list[list[object]]:
    """Ungapped blocks of a UCSC chain file between main chromosomes, sorted by source position.

    Chain format: a ``chain`` header (score, tName, tSize, tStrand, tStart, tEnd, qName, qSize, qStrand, qStart,
    qEnd, id), then lines ``size dt dq`` (the last just ``size``). On a ``-`` query strand qStart counts from the
    end of the query chromosome; the block is stored with its query start in that reverse frame and strand ``-``.
    """
    blocks: list[list[object]] = []
    with gzip.open(path, "rt", encoding="utf-8") as handle:
        keep = False
        t_pos = q_pos = 0
        t_chrom = q_chrom = q_strand = ""
        for line in handle:
            fields = line.split()
            if not fields:
                continue
            if fields[0] == "chain":
                t_chrom, q_chrom = normalise_chrom(fields[2]), normalise_chrom(fields[7])
                keep = t_chrom is not None and q_chrom is not None and fields[4] == "+"
                t_pos, q_strand, q_pos = int(fields[5]), fields[9], int(fields[10])
                continue
            size = int(fields[0])
            if keep:
                blocks.append([t_chrom, t_pos, t_pos + size, q_chrom, q_pos, q_strand])
            t_pos += size
            q_pos += size
            if len(fields) == 3:
                t_pos += int(fields[1])
                q_pos += int(fields[2])
    blocks.sort(key=lambda b: (CONTIG_ORDER[str(b[0])], b[1]))
    return blocks


def _tsv(columns: Iterable[str], rows: list[list[object]]) -> bytes:
    text = io.StringIO()
    text.write("\t".join(columns) + "\n")
    for row in rows:
        text.write("\t".join(str(v) for v in row) + "\n")
    return text.getvalue().encode("utf-8")


def write_gz(path: Path, columns: Iterable[str], rows: list[list[object]]) -> dict[str, object]:
    buffer = io.BytesIO()
    with gzip.GzipFile(filename="", mode="wb", fileobj=buffer, mtime=0, compresslevel=9) as handle:
        handle.write(_tsv(columns, rows))
    path.write_bytes(buffer.getvalue())
    return {"name": path.name, "rows": len(rows), "sha256": sha256(path)}


def write_plain(path: Path, columns: Iterable[str], rows: list[list[object]]) -> dict[str, object]:
    path.write_bytes(_tsv(columns, rows))
    return {"name": path.name, "rows": len(rows), "sha256": sha256(path)}


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


if __name__ == "__main__":
    main()
