#!/usr/bin/env python3
"""Write deterministic synthetic inputs at real scale into bench/data/ (gitignored) for the benchmarks.

    python bench/generate.py [--seed 20261202] [--only vcf,maf,seg] [--vcf-records 5000000] ...

Writes, all on GRCh38 with ``chr`` contig names:

* ``big.vcf.gz`` (+ ``.tbi``): a tumour/normal somatic VCF, Mutect2-like (FILTER values, INFO, FORMAT
  GT:AD:AF:DP:F1R2:F2R1:FAD:SB), annotated with VEP CSQ strings (the Format of test_data/vcf/luad_mutect2_vep.vcf,
  1-6 transcripts per record), bgzipped and tabix-indexed; ``big_unindexed.vcf.gz`` is a byte copy without index;
* ``cohort.maf.gz``: a GDC somatic MAF with the 114 columns of the GDC MAF specification (the protected MAF's 118
  columns less vcf_info, vcf_format, vcf_tumor_gt and vcf_normal_gt), 10,000 samples, gzipped;
* ``cohort.seg``: a SEG file (ID, chrom, loc.start, loc.end, num.mark, seg.mean) of the same 10,000 samples,
  200-400 segments each;
* ``genes.bed``: the rule genes' spans (padded like the tool's region reads), for ``bcftools view -R/-T``;
* ``manifest.json``: parameters, sizes and the planted events the benchmark checks for.

Records are spread over the genome by chromosome length; a share of them (``--vcf-gene-share``, ``--maf-gene-share``)
is placed inside the rule genes (the genes the tool reads), and known hotspots are planted so that a run can be
checked for finding them. Everything is streamed in batches, so memory stays bounded. Output depends only on the
seed and the parameters (the compressed bytes also on the bgzip/pigz version).
"""

from __future__ import annotations

import argparse
import gzip
import json
import os
import shutil
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from typing import IO

import numpy as np

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from hpdgenomics.engine import load_rules  # noqa: E402
from hpdgenomics.genome._data import read_table  # noqa: E402
from hpdgenomics.genome.builds import contig_lengths  # noqa: E402
from hpdgenomics.genome.reference import load_genes  # noqa: E402

DATA = REPO / "bench" / "data"
BUILD = "GRCh38"
CHROMS = [str(i) for i in range(1, 23)] + ["X", "Y"]
REGION_PADDING = 100  # as hpdgenomics.api.REGION_PADDING: the BED covers what the tool reads by region
BASES = "ACGT"
AMINO = ["Ala", "Arg", "Asn", "Asp", "Cys", "Gln", "Glu", "Gly", "His", "Ile", "Leu", "Lys", "Met", "Phe", "Pro",
         "Ser", "Thr", "Trp", "Tyr", "Val"]
ONE = dict(zip(AMINO, "ARNDCQEGHILKMFPSTWYV", strict=True))
CODON = ["gCt", "cGt", "aAc", "gAc", "tGc", "cAg", "gAg", "gGc", "cAc", "aTc", "cTg", "aAg", "aTg", "tTc", "cCc",
         "aGc", "aCc", "tGg", "tAc", "gTg"]

# The VEP CSQ field list of test_data/vcf/luad_mutect2_vep.vcf.
CSQ_FIELDS = ("Allele|Consequence|IMPACT|SYMBOL|Gene|Feature_type|Feature|BIOTYPE|EXON|INTRON|HGVSc|HGVSp|"
              "cDNA_position|CDS_position|Protein_position|Amino_acids|Codons|Existing_variation|DISTANCE|STRAND|FLAGS|PICK|"
              "SYMBOL_SOURCE|HGNC_ID|CANONICAL|MANE_SELECT|ENSP|ALLELE_NUM")


@dataclass(frozen=True)
class Hotspot:
    gene: str
    chrom: str
    pos: int  # 1-based, GRCh38
    ref: str
    alt: str
    hgvsp: str  # three-letter, without 'p.'
    short: str  # one-letter, without 'p.'
    consequence: str
    maf_class: str
    filter: str = "PASS"
    maf_samples: int = 0  # how many MAF samples carry it


# GRCh38 positions of well-known hotspots (the first six as in test_data/vcf/luad_mutect2_vep.vcf).
HOTSPOTS = (
    Hotspot("KRAS", "12", 25245351, "C", "A", "Gly12Cys", "G12C", "missense_variant", "Missense_Mutation",
            maf_samples=250),
    Hotspot("EGFR", "7", 55191822, "T", "G", "Leu858Arg", "L858R", "missense_variant", "Missense_Mutation",
            maf_samples=150),
    Hotspot("TP53", "17", 7673802, "C", "T", "Arg273His", "R273H", "missense_variant", "Missense_Mutation",
            maf_samples=300),
    Hotspot("STK11", "19", 1207022, "C", "T", "Gln37Ter", "Q37*", "stop_gained", "Nonsense_Mutation",
            maf_samples=60),
    Hotspot("KEAP1", "19", 10492170, "AG", "A", "Ala414ProfsTer5", "A414Pfs*5", "frameshift_variant",
            "Frame_Shift_Del", maf_samples=40),
    Hotspot("DNMT3A", "2", 25234373, "C", "T", "Arg882His", "R882H", "missense_variant", "Missense_Mutation",
            maf_samples=80),
    Hotspot("BRAF", "7", 140753336, "A", "T", "Val600Glu", "V600E", "missense_variant", "Missense_Mutation",
            maf_samples=200),
    Hotspot("PIK3CA", "3", 179234297, "A", "G", "His1047Arg", "H1047R", "missense_variant", "Missense_Mutation",
            maf_samples=180),
    # Planted with a failing FILTER: a correct run must not report it.
    Hotspot("AKT1", "14", 104780214, "C", "T", "Glu17Lys", "E17K", "missense_variant", "Missense_Mutation",
            filter="weak_evidence", maf_samples=50),
)
# Copy-number events planted in the SEG: gene -> (samples, seg.mean). log2 2.0 is 8 copies at purity 1, ploidy 2,
# above the default amplification cut-off of 6 copies; background segments stay within |seg.mean| <= 1.
SEG_AMPLIFICATIONS = {"MDM2": (150, 2.0), "CDK4": (80, 1.9), "EGFR": (100, 2.2), "MDM4": (60, 1.8)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seed", type=int, default=20261202)
    parser.add_argument("--only", default="vcf,maf,seg", help="comma-separated: vcf, maf, seg")
    parser.add_argument("--out", type=Path, default=DATA)
    parser.add_argument("--vcf-records", type=int, default=5_000_000)
    parser.add_argument("--vcf-gene-share", type=float, default=0.005,
                        help="share of VCF records placed inside rule genes (default 0.5%%)")
    parser.add_argument("--maf-rows", type=int, default=3_600_000)
    parser.add_argument("--maf-gene-share", type=float, default=0.008)
    parser.add_argument("--samples", type=int, default=10_000)
    parser.add_argument("--seg-min", type=int, default=200)
    parser.add_argument("--seg-max", type=int, default=400)
    args = parser.parse_args()
    args.out.mkdir(parents=True, exist_ok=True)
    wanted = set(args.only.split(","))
    genes = sorted(load_rules().genes())
    table = load_genes(BUILD)
    manifest_path = args.out / "manifest.json"
    manifest = json.loads(manifest_path.read_text()) if manifest_path.exists() else {}
    manifest.update({"seed": args.seed, "build": BUILD, "rule_genes": genes})
    write_bed(args.out / "genes.bed", genes, table)
    barcodes = sample_barcodes(args.samples)
    if "vcf" in wanted:
        manifest["vcf"] = write_vcf(args, genes, table)
    if "maf" in wanted:
        manifest["maf"] = write_maf(args, genes, table, barcodes)
    if "seg" in wanted:
        manifest["seg"] = write_seg(args, table, barcodes)
    manifest_path.write_text(json.dumps(manifest, indent=2) + "\n")
    for path in sorted(args.out.iterdir()):
        print(f"{path.name:32s} {path.stat().st_size / 2**20:10.1f} MiB")


# ------------------------------------------------------------------------------------------------------ shared


def write_bed(path: Path, genes: list[str], table) -> None:
    """The rule genes' merged spans, padded, in BED (0-based) with chr names, sorted as in the VCF."""
    regions = table.regions(genes, padding=REGION_PADDING)
    order = {c: i for i, c in enumerate(CHROMS)}
    regions.sort(key=lambda r: (order.get(r[0], 99), r[1]))
    path.write_text("".join(f"chr{c}\t{s}\t{e}\n" for c, s, e in regions))


def gene_spans() -> dict[str, tuple[np.ndarray, np.ndarray, list[str]]]:
    """Per chromosome: sorted gene starts, ends (0-based half-open) and symbols of every coding gene."""
    rows: dict[str, list[tuple[int, int, str]]] = {}
    for row in read_table(f"genes.{BUILD}.tsv.gz"):
        rows.setdefault(row[1], []).append((int(row[11]), int(row[12]), row[0]))
    spans = {}
    for chrom, items in rows.items():
        items.sort()
        spans[chrom] = (np.array([i[0] for i in items]), np.array([i[1] for i in items]), [i[2] for i in items])
    return spans


def sample_barcodes(count: int) -> list[str]:
    """TCGA-like tumour aliquot barcodes, deterministic."""
    centres = ["05", "38", "44", "49", "50", "55", "64", "67", "73", "75", "78", "86", "91", "95", "97", "99"]
    return [f"TCGA-{centres[i % len(centres)]}-{1000 + i:04d}-01A-11D-A{i % 997:03d}-08" for i in range(count)]


def _uuid(rng: np.random.Generator) -> str:
    h = rng.bytes(16).hex()
    return f"{h[:8]}-{h[8:12]}-{h[12:16]}-{h[16:20]}-{h[20:]}"


class _Compressed:
    """A text sink piped through bgzip/pigz (threaded, from Debian) or, without them, Python's compressors."""

    def __init__(self, path: Path, kind: str) -> None:
        self.path = path
        self._proc: subprocess.Popen[bytes] | None = None
        self._file: IO[bytes]
        tool = {"bgzip": ["bgzip", "-@", "2", "-c"], "gzip": ["pigz", "-6", "-p", "2", "-c"]}[kind]
        if shutil.which(tool[0]):
            self._out = path.open("wb")
            self._proc = subprocess.Popen(tool, stdin=subprocess.PIPE, stdout=self._out)
            assert self._proc.stdin is not None
            self._file = self._proc.stdin
        elif kind == "bgzip":
            from pysam.libcbgzf import BGZFile

            self._file = BGZFile(str(path), "wb")
        else:
            self._file = gzip.open(path, "wb", compresslevel=6)  # noqa: SIM115 - closed in close()

    def write(self, text: str) -> None:
        self._file.write(text.encode())

    def close(self) -> None:
        self._file.close()
        if self._proc is not None:
            if self._proc.wait() != 0:
                raise SystemExit(f"compressor failed for {self.path}")
            self._out.close()


# ---------------------------------------------------------------------------------------------------------- VCF


class _GeneAnnotation:
    """Synthetic but consistent VEP identifiers for one gene: Ensembl gene, transcripts, proteins."""

    def __init__(self, symbol: str, index: int, strand: str, refseq: str | None, rng: np.random.Generator) -> None:
        self.symbol = symbol
        self.ensg = f"ENSG{index:011d}"
        self.strand = "1" if strand == "+" else "-1"
        self.hgnc = f"HGNC:{1000 + index}"
        count = int(rng.integers(1, 9))
        self.transcripts = [(f"ENST{index * 10 + k:011d}.{1 + k % 5}", f"ENSP{index * 10 + k:011d}.{1 + k % 3}")
                            for k in range(count)]
        self.mane = f"{refseq}.{1 + index % 7}" if refseq else ""
        self.exons = int(rng.integers(3, 30))


def _csq_entry(alt: str, consequence: str, impact: str, gene: _GeneAnnotation, k: int, protein: tuple[int, int, int],
               pick: bool, alt_num: int, distance: str = "") -> str:
    enst, ensp = gene.transcripts[k]
    coding = impact in ("HIGH", "MODERATE", "LOW") and consequence not in ("splice_region_variant",)
    aa_pos, ref_aa, alt_aa = protein
    if coding:
        exon = f"{1 + aa_pos % gene.exons}/{gene.exons}"
        cds = aa_pos * 3 - 1
        if consequence == "synonymous_variant":
            hgvsp, amino = f"{ensp}:p.{AMINO[ref_aa]}{aa_pos}=", ONE[AMINO[ref_aa]]
        elif consequence == "stop_gained":
            hgvsp, amino = f"{ensp}:p.{AMINO[ref_aa]}{aa_pos}Ter", f"{ONE[AMINO[ref_aa]]}/*"
        elif consequence == "frameshift_variant":
            hgvsp, amino = f"{ensp}:p.{AMINO[ref_aa]}{aa_pos}{AMINO[alt_aa]}fsTer{5 + aa_pos % 20}", \
                f"{ONE[AMINO[ref_aa]]}/X"
        else:
            hgvsp, amino = f"{ensp}:p.{AMINO[ref_aa]}{aa_pos}{AMINO[alt_aa]}", \
                f"{ONE[AMINO[ref_aa]]}/{ONE[AMINO[alt_aa]]}"
        fields = [exon, "", f"{enst}:c.{cds}N>{alt[:1]}", hgvsp, str(cds + 180), str(cds), str(aa_pos), amino,
                  f"{CODON[ref_aa]}/{CODON[alt_aa]}"]
    elif consequence == "intron_variant":
        intron = f"{1 + aa_pos % gene.exons}/{gene.exons}"
        fields = ["", intron, f"{enst}:c.{aa_pos * 3}+{17 + aa_pos % 300}N>{alt[:1]}", "", "", "", "", "", ""]
    else:
        fields = ["", "", "", "", "", "", "", "", ""]
    mane = gene.mane if k == 0 else ""
    return "|".join([
        alt, consequence, impact, gene.symbol, gene.ensg, "Transcript", enst, "protein_coding", *fields, "", distance,
        gene.strand, "", "1" if pick else "", "HGNC", gene.hgnc, "YES" if k == 0 else "", mane,
        ensp, str(alt_num),
    ])


_CODING = [("missense_variant", "MODERATE", 0.62), ("synonymous_variant", "LOW", 0.28), ("stop_gained", "HIGH", 0.05),
           ("splice_region_variant", "LOW", 0.05)]
_FILTERS = [("PASS", 0.55), ("weak_evidence", 0.20), ("germline", 0.07), ("strand_bias", 0.04),
            ("clustered_events", 0.04), ("normal_artifact", 0.03), ("weak_evidence;strand_bias", 0.03),
            ("haplotype", 0.02), ("slippage", 0.01), ("base_qual", 0.01)]


def _vcf_header(samples: tuple[str, str]) -> str:
    lengths = contig_lengths(BUILD)
    filters = [
        ("PASS", "All filters passed"), ("weak_evidence", "Mutation does not meet likelihood threshold"),
        ("germline", "Evidence indicates this site is germline, not somatic"),
        ("strand_bias", "Evidence for alt allele comes from one read direction only"),
        ("clustered_events", "Clustered events observed in the tumor"), ("normal_artifact", "artifact_in_normal"),
        ("haplotype", "Variant near filtered variant on same haplotype."),
        ("slippage", "Site filtered due to contraction of short tandem repeat region"),
        ("base_qual", "alt median base quality"),
        ("multiallelic", "Site filtered because too many alt alleles pass tumor LOD"),
    ]
    lines = ["##fileformat=VCFv4.2"]
    lines += [f'##FILTER=<ID={name},Description="{text}">' for name, text in filters]
    lines += [
        '##FORMAT=<ID=AD,Number=R,Type=Integer,Description="Allelic depths for the ref and alt alleles in the order '
        'listed">',
        '##FORMAT=<ID=AF,Number=A,Type=Float,Description="Allele fractions of alternate alleles in the tumor">',
        '##FORMAT=<ID=DP,Number=1,Type=Integer,Description="Approximate read depth">',
        '##FORMAT=<ID=F1R2,Number=R,Type=Integer,Description="Count of reads in F1R2 pair orientation supporting '
        'each allele">',
        '##FORMAT=<ID=F2R1,Number=R,Type=Integer,Description="Count of reads in F2R1 pair orientation supporting '
        'each allele">',
        '##FORMAT=<ID=FAD,Number=R,Type=Integer,Description="Count of fragments supporting each allele.">',
        '##FORMAT=<ID=GT,Number=1,Type=String,Description="Genotype">',
        '##FORMAT=<ID=SB,Number=4,Type=Integer,Description="Per-sample component statistics which comprise the '
        'Fisher\'s Exact Test to detect strand bias.">',
        '##INFO=<ID=AS_FilterStatus,Number=A,Type=String,Description="Filter status for each allele">',
        '##INFO=<ID=AS_SB_TABLE,Number=1,Type=String,Description="Allele-specific forward/reverse read counts">',
        '##INFO=<ID=DP,Number=1,Type=Integer,Description="Approximate read depth">',
        '##INFO=<ID=ECNT,Number=1,Type=Integer,Description="Number of events in this haplotype">',
        '##INFO=<ID=GERMQ,Number=1,Type=Integer,Description="Phred-scaled quality that alt alleles are not germline '
        'variants">',
        '##INFO=<ID=MBQ,Number=R,Type=Integer,Description="median base quality by allele">',
        '##INFO=<ID=MFRL,Number=R,Type=Integer,Description="median fragment length by allele">',
        '##INFO=<ID=MMQ,Number=R,Type=Integer,Description="median mapping quality by allele">',
        '##INFO=<ID=MPOS,Number=A,Type=Integer,Description="median distance from end of read">',
        '##INFO=<ID=NALOD,Number=A,Type=Float,Description="Negative log 10 odds of artifact in normal">',
        '##INFO=<ID=NLOD,Number=A,Type=Float,Description="Normal log 10 likelihood ratio of diploid het or hom alt '
        'genotypes">',
        '##INFO=<ID=POPAF,Number=A,Type=Float,Description="negative log 10 population allele frequencies of alt '
        'alleles">',
        '##INFO=<ID=TLOD,Number=A,Type=Float,Description="Log 10 likelihood ratio score of variant existing versus '
        'not existing">',
        f'##INFO=<ID=CSQ,Number=.,Type=String,Description="Consequence annotations from Ensembl VEP. Format: '
        f'{CSQ_FIELDS}">',
        '##GATKCommandLine=<ID=Mutect2,CommandLine="Mutect2 --output somatic.vcf.gz (synthetic)",Version="4.5.0.0">',
        f"##normal_sample={samples[0]}",
        f"##tumor_sample={samples[1]}",
        "##source=Mutect2",
        '##VEP="v110" cache="homo_sapiens_merged/110_GRCh38" (synthetic benchmark data)',
    ]
    lines += [f"##contig=<ID=chr{c},length={lengths[c]}>" for c in [*CHROMS, "MT"]]
    lines.append("##reference=file:///ref/Homo_sapiens_assembly38.fasta")
    lines.append("\t".join(["#CHROM", "POS", "ID", "REF", "ALT", "QUAL", "FILTER", "INFO", "FORMAT", *samples]))
    return "\n".join(lines) + "\n"


def write_vcf(args: argparse.Namespace, genes: list[str], table) -> dict:
    started = time.perf_counter()
    rng = np.random.default_rng(args.seed)
    lengths = contig_lengths(BUILD)
    total = sum(lengths[c] for c in CHROMS)
    n_gene = round(args.vcf_records * args.vcf_gene_share)
    n_background = args.vcf_records - n_gene - len(HOTSPOTS)
    per_chrom = rng.multinomial(n_background, [lengths[c] / total for c in CHROMS])
    rule = [table.get(g) for g in genes]
    weights = np.array([g.gene_end - g.gene_start for g in rule], dtype=float)
    gene_pick = rng.choice(len(rule), size=n_gene, p=weights / weights.sum())
    spans = gene_spans()
    refseq = {row[0]: row[5] for row in read_table(f"genes.{BUILD}.tsv.gz")}
    strands = {row[0]: row[4] for row in read_table(f"genes.{BUILD}.tsv.gz")}
    index = {symbol: i for i, symbol in enumerate(sorted(refseq))}
    annotations: dict[str, _GeneAnnotation] = {}

    def annotation(symbol: str) -> _GeneAnnotation:
        if symbol not in annotations:
            seeded = np.random.default_rng(args.seed + index[symbol])
            annotations[symbol] = _GeneAnnotation(symbol, index[symbol], strands[symbol], refseq[symbol], seeded)
        return annotations[symbol]

    path = args.out / "big.vcf.gz"
    sink = _Compressed(path, "bgzip")
    samples = ("NORMAL_SYN1", "TUMOR_SYN1")
    sink.write(_vcf_header(samples))
    filter_names = [f for f, _ in _FILTERS]
    filter_p = np.array([p for _, p in _FILTERS])
    filter_p /= filter_p.sum()
    coding_p = np.array([p for *_, p in _CODING])
    in_genes = 0
    for ci, chrom in enumerate(CHROMS):
        length = lengths[chrom]
        background = rng.integers(1, length, size=per_chrom[ci])
        own = [i for i, g in enumerate(rule) if g.chrom == chrom]
        chosen = gene_pick[np.isin(gene_pick, own)] if own else np.array([], dtype=int)
        genic = np.array([rng.integers(rule[i].gene_start + 1, rule[i].gene_end + 1) for i in chosen], dtype=np.int64)
        # Half of the rule-gene records lie in exons (somatic calls concentrate there in captured data).
        exonic = rng.random(len(chosen)) < 0.5
        for j in np.flatnonzero(exonic):
            exons = rule[chosen[j]].exons
            start, end = exons[int(rng.integers(0, len(exons)))]
            genic[j] = int(rng.integers(start + 1, end + 1))
        hot = [h for h in HOTSPOTS if h.chrom == chrom]
        positions = np.concatenate([background, genic, np.array([h.pos for h in hot], dtype=np.int64)])
        hot_flag = np.concatenate([np.zeros(len(background) + len(genic), bool), np.ones(len(hot), bool)])
        exon_flag = np.concatenate([np.zeros(len(background), bool), exonic, np.zeros(len(hot), bool)])
        order = np.argsort(positions, kind="stable")
        positions, hot_flag, exon_flag = positions[order], hot_flag[order], exon_flag[order]
        hot_by_pos = {h.pos: h for h in hot}
        starts, ends, symbols = spans.get(chrom, (np.array([0]), np.array([0]), [""]))
        slot = np.searchsorted(starts, positions, side="right") - 1
        inside = (slot >= 0) & (positions <= ends[np.clip(slot, 0, None)])
        for g in (rule[i] for i in own):
            in_genes += int(np.count_nonzero((positions > g.gene_start) & (positions <= g.gene_end)))
        batch = []
        n = len(positions)
        kind = rng.random(n)
        filt = rng.choice(len(filter_names), size=n, p=filter_p)
        depth = rng.integers(20, 400, size=n)
        vaf = rng.beta(2, 6, size=n)
        ntx = rng.integers(1, 11, size=n)
        coding = rng.choice(len(_CODING), size=n, p=coding_p)
        genic_coding = rng.random(n) < 0.15
        aa = rng.integers(1, 1200, size=n)
        ref_aa = rng.integers(0, 20, size=n)
        alt_aa = (ref_aa + rng.integers(1, 20, size=n)) % 20
        bases = rng.integers(0, 4, size=(n, 5))
        misc = rng.integers(0, 1000, size=(n, 8))
        for i in range(n):
            pos = int(positions[i])
            if hot_flag[i]:
                h = hot_by_pos[pos]
                ref, alts, flt = h.ref, [h.alt], h.filter
            else:
                b = bases[i]
                ref = BASES[b[0]]
                k = kind[i]
                if k < 0.88:
                    alts = [BASES[(b[0] + 1 + b[1] % 3) % 4]]
                elif k < 0.94:
                    ref = ref + "".join(BASES[x] for x in b[2:2 + 1 + b[1] % 3])
                    alts = [ref[0]]
                elif k < 0.995:
                    alts = [ref + "".join(BASES[x] for x in b[2:2 + 1 + b[1] % 3])]
                else:
                    alts = [BASES[(b[0] + 1) % 4], BASES[(b[0] + 2) % 4]]
                flt = "multiallelic" if len(alts) > 1 else filter_names[filt[i]]
            dp = int(depth[i])
            af = [round(float(vaf[i]), 3)] + ([round(float(vaf[i]) / 3, 3)] if len(alts) > 1 else [])
            alt_reads = [max(1, int(dp * a)) for a in af]
            ref_reads = max(0, dp - sum(alt_reads))
            normal = int(dp * 0.8) + 5
            m = misc[i]
            # --- CSQ
            s = slot[i]
            if hot_flag[i]:
                h = hot_by_pos[pos]
                gene = annotation(h.gene)
                impact = "HIGH" if h.consequence in ("stop_gained", "frameshift_variant") else "MODERATE"
                aa_pos = int("".join(ch for ch in h.hgvsp if ch.isdigit())[:4] or 1)
                ref_index = AMINO.index(h.hgvsp[:3])
                tail = h.hgvsp[3:].lstrip("0123456789")
                alt_index = AMINO.index(tail[:3]) if tail[:3] in AMINO else (ref_index + 1) % 20
                entries = [_csq_entry(_vep_allele(ref, h.alt), h.consequence, impact, gene, 0,
                                      (aa_pos, ref_index, alt_index), True, 1)]
                entries[0] = entries[0].replace(
                    f"p.{AMINO[ref_index]}{aa_pos}Ter", f"p.{h.hgvsp}").replace(
                    f"p.{AMINO[ref_index]}{aa_pos}{AMINO[alt_index]}fsTer{5 + aa_pos % 20}", f"p.{h.hgvsp}")
                for k in range(1, len(gene.transcripts)):
                    entries.append(_csq_entry(_vep_allele(ref, h.alt), h.consequence, impact, gene, k,
                                              (aa_pos - 40 * k if aa_pos > 40 * k else aa_pos, ref_index, alt_index),
                                              False, 1))
            elif inside[i]:
                gene = annotation(symbols[s])
                coding_record = exon_flag[i] or genic_coding[i]
                entries = []
                for a, alt in enumerate(alts, start=1):
                    allele = _vep_allele(ref, alt)
                    if coding_record and len(ref) != len(alt):
                        cons, impact = ("frameshift_variant", "HIGH") if (len(ref) - len(alt)) % 3 else \
                            ("inframe_deletion" if len(ref) > len(alt) else "inframe_insertion", "MODERATE")
                    elif coding_record:
                        cons, impact, _ = _CODING[coding[i]]
                    else:
                        cons, impact = "intron_variant", "MODIFIER"
                    for k in range(min(int(ntx[i]), len(gene.transcripts))):
                        entries.append(_csq_entry(allele, cons, impact, gene, k, (int(aa[i]), int(ref_aa[i]),
                                                                                  int(alt_aa[i])), k == 0, a))
                    if ntx[i] > len(gene.transcripts) and s + 1 < len(symbols):
                        neighbour = annotation(symbols[s + 1])
                        entries.append(_csq_entry(allele, "upstream_gene_variant", "MODIFIER", neighbour, 0,
                                                  (1, 0, 0), False, a, distance=str(100 + int(m[7]) * 4)))
            else:
                entries = [f"{_vep_allele(ref, alt)}|intergenic_variant|MODIFIER|||||||||||||||||||||||||{a}"
                           for a, alt in enumerate(alts, start=1)]
            info = (f"AS_FilterStatus={'SITE' if flt == 'PASS' else flt.split(';')[0]};"
                    f"AS_SB_TABLE={ref_reads // 2},{ref_reads - ref_reads // 2}|{alt_reads[0] // 2},"
                    f"{alt_reads[0] - alt_reads[0] // 2};DP={dp + normal};ECNT={1 + m[0] % 4};GERMQ={m[1] % 94};"
                    f"MBQ=20,{20 + m[2] % 20};MFRL={150 + m[3] % 200},{150 + m[4] % 200};MMQ=60,60;"
                    f"MPOS={m[5] % 50};NALOD={m[6] / 400:.3f};NLOD={m[7] / 60:.2f};POPAF={m[0] / 150:.2f};"
                    f"TLOD={4 + m[1] / 7:.2f};CSQ={','.join(entries)}")
            ad_t = ",".join(map(str, [ref_reads, *alt_reads]))
            ad_n = ",".join([str(normal)] + ["0"] * len(alts))
            af_t = ",".join(map(str, af))
            zeros = ",".join(["0"] * len(alts))
            line = (f"chr{chrom}\t{pos}\t.\t{ref}\t{','.join(alts)}\t.\t{flt}\t{info}\tGT:AD:AF:DP:F1R2:F2R1:FAD:SB\t"
                    f"0/0:{ad_n}:{0.004 + m[2] / 50000:.3f}:{normal}:{normal // 2},{zeros}:{normal - normal // 2},"
                    f"{zeros}:{normal},{zeros}:{normal // 4},{normal // 4},{normal // 4},{normal - 3 * (normal // 4)}"
                    f"\t{'0/1' if len(alts) == 1 else '0/1/2'}:{ad_t}:{af_t}:{dp}:{ref_reads // 2},{alt_reads[0] // 2}"
                    f"{',0' if len(alts) > 1 else ''}:{ref_reads - ref_reads // 2},{alt_reads[0] - alt_reads[0] // 2}"
                    f"{',0' if len(alts) > 1 else ''}:{ad_t}:{ref_reads // 2},{ref_reads - ref_reads // 2},"
                    f"{alt_reads[0] // 2},{alt_reads[0] - alt_reads[0] // 2}\n")
            batch.append(line)
            if len(batch) >= 20000:
                sink.write("".join(batch))
                batch = []
        sink.write("".join(batch))
        print(f"  VCF chr{chrom}: {n} records ({time.perf_counter() - started:.0f} s)", file=sys.stderr)
    sink.close()
    _index(path)
    unindexed = args.out / "big_unindexed.vcf.gz"
    shutil.copyfile(path, unindexed)
    return {
        "file": path.name, "unindexed": unindexed.name, "records": args.vcf_records, "rule_gene_records": n_gene,
        "records_inside_rule_gene_spans": in_genes, "gene_share": args.vcf_gene_share,
        "tumour_sample": samples[1],
        "hotspots": [{"gene": h.gene, "chrom": h.chrom, "pos": h.pos, "ref": h.ref, "alt": h.alt,
                      "protein_change": f"p.{h.short}", "filter": h.filter} for h in HOTSPOTS],
        "bytes": path.stat().st_size, "seconds": round(time.perf_counter() - started, 1),
    }


def _vep_allele(ref: str, alt: str) -> str:
    """VEP's allele string: the ALT without the shared first base for indels, '-' for a deletion."""
    if len(ref) != len(alt) and ref[0] == alt[0]:
        return alt[1:] or "-"
    return alt


def _index(path: Path) -> None:
    if shutil.which("tabix"):
        subprocess.run(["tabix", "-f", "-p", "vcf", str(path)], check=True)
    else:
        import pysam

        pysam.tabix_index(str(path), preset="vcf", force=True)


# ---------------------------------------------------------------------------------------------------------- MAF

# The 114 columns of a GDC somatic MAF: the protected MAF's 118 columns (GDC MAF Format, "List of Columns") without
# vcf_info, vcf_format, vcf_tumor_gt and vcf_normal_gt, which the somatic MAF removes.
MAF_COLUMNS = (
    "Hugo_Symbol", "Entrez_Gene_Id", "Center", "NCBI_Build", "Chromosome", "Start_Position", "End_Position", "Strand",
    "Variant_Classification", "Variant_Type", "Reference_Allele", "Tumor_Seq_Allele1", "Tumor_Seq_Allele2",
    "dbSNP_RS", "dbSNP_Val_Status", "Tumor_Sample_Barcode", "Matched_Norm_Sample_Barcode", "Match_Norm_Seq_Allele1",
    "Match_Norm_Seq_Allele2", "Tumor_Validation_Allele1", "Tumor_Validation_Allele2", "Match_Norm_Validation_Allele1",
    "Match_Norm_Validation_Allele2", "Verification_Status", "Validation_Status", "Mutation_Status",
    "Sequencing_Phase", "Sequence_Source", "Validation_Method", "Score", "BAM_File", "Sequencer",
    "Tumor_Sample_UUID", "Matched_Norm_Sample_UUID", "HGVSc", "HGVSp", "HGVSp_Short", "Transcript_ID", "Exon_Number",
    "t_depth", "t_ref_count", "t_alt_count", "n_depth", "n_ref_count", "n_alt_count", "all_effects", "Allele", "Gene",
    "Feature", "Feature_type", "Consequence", "cDNA_position", "CDS_position", "Protein_position", "Amino_acids",
    "Codons", "Existing_variation", "ALLELE_NUM", "DISTANCE", "TRANSCRIPT_STRAND", "SYMBOL", "SYMBOL_SOURCE",
    "HGNC_ID", "BIOTYPE", "CANONICAL", "CCDS", "ENSP", "SWISSPROT", "TREMBL", "UNIPARC", "RefSeq", "SIFT", "PolyPhen",
    "EXON", "INTRON", "DOMAINS", "GMAF", "AFR_MAF", "AMR_MAF", "ASN_MAF", "EAS_MAF", "EUR_MAF", "SAS_MAF", "AA_MAF",
    "EA_MAF", "CLIN_SIG", "SOMATIC", "PUBMED", "MOTIF_NAME", "MOTIF_POS", "HIGH_INF_POS", "MOTIF_SCORE_CHANGE",
    "IMPACT", "PICK", "VARIANT_CLASS", "TSL", "HGVS_OFFSET", "PHENO", "MINIMISED", "ExAC_AF", "ExAC_AF_AFR",
    "ExAC_AF_AMR", "ExAC_AF_EAS", "ExAC_AF_FIN", "ExAC_AF_NFE", "ExAC_AF_OTH", "ExAC_AF_SAS", "GENE_PHENO", "FILTER",
    "src_vcf_id", "tumor_bam_uuid", "normal_bam_uuid", "GDC_Validation_Status", "GDC_Valid_Somatic",
)
assert len(MAF_COLUMNS) == 114

_MAF_CLASSES = [
    ("Missense_Mutation", "missense_variant", "MODERATE", 0.55), ("Silent", "synonymous_variant", "LOW", 0.2),
    ("Nonsense_Mutation", "stop_gained", "HIGH", 0.05), ("Frame_Shift_Del", "frameshift_variant", "HIGH", 0.03),
    ("Frame_Shift_Ins", "frameshift_variant", "HIGH", 0.015), ("Splice_Site", "splice_acceptor_variant", "HIGH", 0.02),
    ("3'UTR", "3_prime_UTR_variant", "MODIFIER", 0.04), ("5'UTR", "5_prime_UTR_variant", "MODIFIER", 0.015),
    ("Intron", "intron_variant", "MODIFIER", 0.03), ("In_Frame_Del", "inframe_deletion", "MODERATE", 0.01),
    ("RNA", "non_coding_transcript_exon_variant", "MODIFIER", 0.02),
    ("3'Flank", "downstream_gene_variant", "MODIFIER", 0.01), ("5'Flank", "upstream_gene_variant", "MODIFIER", 0.005),
    ("Translation_Start_Site", "start_lost", "HIGH", 0.002), ("Nonstop_Mutation", "stop_lost", "HIGH", 0.001),
]
_MAF_FILTERS = [("PASS", 0.82), ("wga", 0.04), ("common_in_exac", 0.04), ("oxog", 0.03), ("StrandBias", 0.02),
                ("nonpreferredpair", 0.03), ("ndp", 0.02)]


def write_maf(args: argparse.Namespace, genes: list[str], table, barcodes: list[str]) -> dict:
    started = time.perf_counter()
    rng = np.random.default_rng(args.seed + 1)
    lengths = contig_lengths(BUILD)
    spans = gene_spans()
    all_genes = [(c, int(s), int(e), sym) for c, (st, en, syms) in spans.items() if c in lengths
                 for s, e, sym in zip(st, en, syms, strict=True)]
    glen = np.array([e - s for _, s, e, _ in all_genes], dtype=float)
    gene_p = glen / glen.sum()
    rule = [table.get(g) for g in genes]
    rule_p = np.array([g.cds_end - g.cds_start + 1000 for g in rule], dtype=float)
    rule_p /= rule_p.sum()
    samples = len(barcodes)
    # Rows per sample: heavy-tailed (a few hypermutated tumours), summing to the requested total.
    raw = rng.lognormal(5.0, 1.2, size=samples)
    carriers: dict[int, list[Hotspot]] = {}
    for h in HOTSPOTS:
        for s in rng.choice(samples, size=min(h.maf_samples, samples // 4), replace=False):
            carriers.setdefault(int(s), []).append(h)
    background_rows = args.maf_rows - sum(len(v) for v in carriers.values())
    per_sample = np.floor(raw / raw.sum() * background_rows).astype(int)
    per_sample[: background_rows - per_sample.sum()] += 1
    class_p = np.array([c[3] for c in _MAF_CLASSES])
    class_p /= class_p.sum()
    filter_p = np.array([f[1] for f in _MAF_FILTERS])
    filter_p /= filter_p.sum()
    entrez = {sym: 1000 + i for i, (_, _, _, sym) in enumerate(sorted(all_genes, key=lambda g: g[3]))}
    path = args.out / "cohort.maf.gz"
    sink = _Compressed(path, "gzip")
    sink.write("#version gdc-1.0.0\n#filedate 20261202\n#annotation.spec gdc-1.0.1-public (synthetic benchmark "
               "data)\n" + "\t".join(MAF_COLUMNS) + "\n")
    rule_rows = 0
    batch: list[str] = []
    for s, barcode in enumerate(barcodes):
        normal = barcode[:12] + "-10A-01D-" + barcode[-7:]
        ids = [_uuid(rng) for _ in range(5)]
        n = int(per_sample[s])
        in_rule = rng.random(n) < args.maf_gene_share
        rule_rows += int(in_rule.sum())
        picks = rng.choice(len(all_genes), size=n, p=gene_p)
        rpicks = rng.choice(len(rule), size=n, p=rule_p)
        classes = rng.choice(len(_MAF_CLASSES), size=n, p=class_p)
        filters = rng.choice(len(_MAF_FILTERS), size=n, p=filter_p)
        frac = rng.random(n)
        nums = rng.integers(0, 10000, size=(n, 6))
        rows = []
        for i in range(n):
            if in_rule[i]:
                g = rule[rpicks[i]]
                chrom, start, end, symbol = g.chrom, g.gene_start, g.gene_end, g.symbol
            else:
                chrom, start, end, symbol = all_genes[picks[i]]
            pos = start + 1 + int(frac[i] * (end - start - 1))
            rows.append((chrom, pos, symbol, _MAF_CLASSES[classes[i]], _MAF_FILTERS[filters[i]][0], nums[i], None))
        for h in carriers.get(s, []):
            rows.append((h.chrom, h.pos, h.gene, next(c for c in _MAF_CLASSES if c[0] == h.maf_class),
                         "wga" if h.filter != "PASS" else "PASS", nums[0] if n else np.arange(6), h))
        order = {c: k for k, c in enumerate(CHROMS)}
        rows.sort(key=lambda r: (order.get(r[0], 99), r[1]))
        for chrom, pos, symbol, klass, flt, num, h in rows:
            batch.append(_maf_row(chrom, pos, symbol, klass, flt, num, h, barcode, normal, ids, entrez.get(symbol, 0)))
        if len(batch) >= 20000:
            sink.write("".join(batch))
            batch = []
        if s % 1000 == 999:
            print(f"  MAF: {s + 1} samples ({time.perf_counter() - started:.0f} s)", file=sys.stderr)
    sink.write("".join(batch))
    sink.close()
    return {
        "file": path.name, "rows": args.maf_rows, "samples": samples, "columns": len(MAF_COLUMNS),
        "rule_gene_rows": rule_rows, "gene_share": args.maf_gene_share,
        "hotspots": [{"gene": h.gene, "protein_change": f"p.{h.short}", "samples": h.maf_samples,
                      "filter": "PASS" if h.filter == "PASS" else "wga"} for h in HOTSPOTS],
        "bytes": path.stat().st_size, "seconds": round(time.perf_counter() - started, 1),
    }


def _maf_row(chrom: str, pos: int, symbol: str, klass: tuple, flt: str, num: np.ndarray, hot: Hotspot | None,
             barcode: str, normal: str, ids: list[str], entrez: int) -> str:
    vc, consequence, impact, _ = klass
    a, b, c, d, e, f = (int(x) for x in num)
    if hot is not None:
        ref, alt = (hot.ref[1:], "-") if len(hot.ref) > len(hot.alt) else (hot.ref, hot.alt)
        pos_out = pos + (1 if len(hot.ref) > len(hot.alt) else 0)
        vtype = "DEL" if alt == "-" else "SNP"
        aa_pos = int("".join(ch for ch in hot.short if ch.isdigit())[:4] or 1)
        hgvsp, short = f"p.{hot.hgvsp}", f"p.{hot.short}"
        amino = f"{hot.short[0]}/{hot.short[-1]}"
    else:
        ref = BASES[a % 4]
        pos_out = pos
        if vc in ("Frame_Shift_Del", "In_Frame_Del"):
            ref, alt, vtype = ref + BASES[b % 4] * (1 + (vc == "In_Frame_Del") * 2), "-", "DEL"
        elif vc == "Frame_Shift_Ins":
            ref, alt, vtype = "-", BASES[b % 4], "INS"
        else:
            alt, vtype = BASES[(a + 1 + b % 3) % 4], "SNP"
        aa_pos = 1 + c % 1500
        r, s = AMINO[d % 20], AMINO[(d + 1 + e % 19) % 20]
        if vc == "Missense_Mutation":
            hgvsp, short, amino = f"p.{r}{aa_pos}{s}", f"p.{ONE[r]}{aa_pos}{ONE[s]}", f"{ONE[r]}/{ONE[s]}"
        elif vc == "Silent":
            hgvsp, short, amino = f"p.{r}{aa_pos}=", f"p.{ONE[r]}{aa_pos}=", ONE[r]
        elif vc == "Nonsense_Mutation":
            hgvsp, short, amino = f"p.{r}{aa_pos}Ter", f"p.{ONE[r]}{aa_pos}*", f"{ONE[r]}/*"
        elif vc.startswith("Frame_Shift"):
            hgvsp, short, amino = f"p.{r}{aa_pos}{s}fsTer{3 + e % 30}", f"p.{ONE[r]}{aa_pos}{ONE[s]}fs*{3 + e % 30}", \
                f"{ONE[r]}/X"
        elif vc == "In_Frame_Del":
            hgvsp, short, amino = f"p.{r}{aa_pos}del", f"p.{ONE[r]}{aa_pos}del", f"{ONE[r]}/-"
        else:
            hgvsp, short, amino = "", "", ""
    end = pos_out + max(len(ref), 1) - 1 if ref != "-" else pos_out + 1
    gene_index = entrez
    enst, ensp = f"ENST{gene_index * 10:011d}", f"ENSP{gene_index * 10:011d}"
    t_depth = 20 + a % 300
    t_alt = max(3, int(t_depth * (0.05 + (b % 60) / 100)))
    n_depth = 15 + c % 200
    cds = aa_pos * 3 - 1
    hgvsc = f"c.{cds}{ref if ref != '-' else ''}>{alt}" if vtype == "SNP" else f"c.{cds}del" if vtype == "DEL" \
        else f"c.{cds}_{cds + 1}ins{alt}"
    exons = 3 + gene_index % 25
    exon = f"{1 + aa_pos % exons}/{exons}" if hgvsp else ""
    effects = ";".join(
        f"{symbol},{consequence},{short[2:] if short else ''},ENST{gene_index * 10 + k:011d},"
        f"{f'NM_{gene_index:06d}.{1 + k}' if k == 0 else ''},{hgvsc},{impact},{'YES' if k == 0 else ''},"
        f"{'deleterious(0.01)' if vc == 'Missense_Mutation' else ''},"
        f"{'probably_damaging(0.998)' if vc == 'Missense_Mutation' else ''},1"
        for k in range(1 + d % 4)
    ) + ";"
    values = [
        symbol, str(entrez), "BI", BUILD, f"chr{chrom}", str(pos_out), str(end), "+", vc, vtype, ref, ref, alt,
        "novel" if e % 5 else f"rs{1000000 + a * 37 + b}", "", barcode, normal, ref, ref, "", "", "", "", "", "",
        "Somatic", "", "WXS", "", "", "", "Illumina HiSeq 2000", ids[0], ids[1], hgvsc, f"{ensp}.1:{hgvsp}" if hgvsp
        else "", short, enst, exon, str(t_depth), str(t_depth - t_alt), str(t_alt), str(n_depth), "", "", effects,
        alt, f"ENSG{gene_index:011d}", enst, "Transcript", consequence, f"{cds + 150}/{cds + 2000}" if hgvsp else "",
        f"{cds}/{cds + 1500}" if hgvsp else "", f"{aa_pos}/{aa_pos + 500}" if hgvsp else "", amino,
        f"{CODON[d % 20]}/{CODON[(d + 3) % 20]}" if hgvsp else "", "" if e % 5 else f"rs{1000000 + a * 37 + b}",
        "1", "", "1", symbol, "HGNC", f"HGNC:{gene_index}", "protein_coding", "YES", f"CCDS{gene_index}.1", f"{ensp}.1",
        f"P{gene_index:05d}", "", f"UPI{gene_index:010X}", f"NM_{gene_index:06d}.1",
        "deleterious(0.01)" if vc == "Missense_Mutation" else "",
        "probably_damaging(0.998)" if vc == "Missense_Mutation" else "", exon, "",
        f"Pfam_domain:PF{d:05d},PROSITE_profiles:PS{e:05d},Superfamily_domains:SSF{f:05d}" if hgvsp else "",
        "", "", "", "", "", "", "", "", "", "", "", "", "", "", "", "", impact, "1",
        "SNV" if vtype == "SNP" else "deletion" if vtype == "DEL" else "insertion", "1", "", "", "1",
        *(f"{f / 1e6:.6f}" if f % 3 == 0 else "" for _ in range(8)), "1" if d % 2 else "", flt, ids[2], ids[3],
        ids[4], "Unknown", "FALSE",
    ]
    return "\t".join(values) + "\n"


# ---------------------------------------------------------------------------------------------------------- SEG


def write_seg(args: argparse.Namespace, table, barcodes: list[str]) -> dict:
    started = time.perf_counter()
    rng = np.random.default_rng(args.seed + 2)
    lengths = contig_lengths(BUILD)
    sizes = np.array([lengths[c] for c in CHROMS], dtype=float)
    planted: dict[str, list[str]] = {}
    carriers: dict[int, list[tuple[str, float]]] = {}
    for gene, (count, value) in SEG_AMPLIFICATIONS.items():
        pool = np.arange(len(barcodes))
        if gene == "CDK4":  # co-amplified with MDM2 in part of the MDM2 samples (12q13-15)
            pool = np.array(sorted(i for i, events in carriers.items() if any(g == "MDM2" for g, _ in events)))
        chosen = sorted(int(s) for s in rng.choice(pool, size=min(count, len(pool) // 2), replace=False))
        planted[gene] = [barcodes[s] for s in chosen]
        for s in chosen:
            carriers.setdefault(s, []).append((gene, value))
    path = args.out / "cohort.seg"
    rows = 0
    with path.open("w") as out:
        out.write("ID\tchrom\tloc.start\tloc.end\tnum.mark\tseg.mean\n")
        for s, barcode in enumerate(barcodes):
            total = int(rng.integers(args.seg_min, args.seg_max + 1))
            per = np.maximum(1, rng.multinomial(total - len(CHROMS), sizes / sizes.sum()) + 1)
            focal = {}
            for gene, value in carriers.get(s, []):
                g = table.get(gene)
                focal.setdefault(g.chrom, []).append((g.gene_start - 60_000, g.gene_end + 60_000, value))
            lines = []
            for ci, chrom in enumerate(CHROMS):
                first, last = 10_001, lengths[chrom] - 10_000
                cuts = np.sort(rng.integers(first + 1, last, size=per[ci] - 1))
                bounds = [first, *cuts.tolist(), last]
                arm = float(rng.normal(0, 0.25))
                segs = []
                for k in range(len(bounds) - 1):
                    value = float(np.clip(arm + rng.normal(0, 0.12), -1.0, 1.0)) if rng.random() < 0.3 else \
                        float(np.clip(rng.normal(0, 0.05), -1.0, 1.0))
                    segs.append([bounds[k] + (k > 0), bounds[k + 1], value])
                for start, end, value in focal.get(chrom, []):
                    segs = _insert_focal(segs, start, end, value)
                for start, end, value in segs:
                    marks = max(3, (end - start) // 12_000)
                    lines.append(f"{barcode}\tchr{chrom}\t{start}\t{end}\t{marks}\t{value:.4f}\n")
            rows += len(lines)
            out.write("".join(lines))
    return {"file": path.name, "samples": len(barcodes), "segments": rows, "planted_amplifications": {
        gene: {"samples": len(names), "seg_mean": SEG_AMPLIFICATIONS[gene][1], "first": names[:3]}
        for gene, names in planted.items()}, "planted_samples": planted,
        "bytes": path.stat().st_size, "seconds": round(time.perf_counter() - started, 1)}


def _insert_focal(segs: list[list], start: int, end: int, value: float) -> list[list]:
    """Cut [start, end] (1-based closed) out of the segments and give it ``value``."""
    out = []
    for s, e, v in segs:
        if e < start or s > end:
            out.append([s, e, v])
            continue
        if s < start:
            out.append([s, start - 1, v])
        if e > end:
            out.append([end + 1, e, v])
    out.append([start, end, value])
    out.sort()
    return out


if __name__ == "__main__":
    os.environ.setdefault("PYTHONHASHSEED", "0")
    main()
