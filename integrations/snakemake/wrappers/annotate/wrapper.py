"""Snakemake wrapper: ``hpdgenomics annotate`` for one tumour.

Inputs (named): any of ``vcf``, ``maf``, ``seg``, ``cns``, ``cna``, ``cnv_vcf``, ``sv``, ``clinical``,
``panel_bed``, ``reference_fasta`` (each becomes the option of that name). Outputs (named by format): any of
``json``, ``tsv``, ``html``, ``md`` (``<sample>.hpd.<format>``), ``maf``, ``vcf`` (the input written back
annotated), all in one folder. Params: ``sample_id`` (default: the ``sample`` wildcard), ``tumour_type``,
``extra`` (more options, as one string), ``hpdgenomics`` (the command; default ``hpdgenomics``).
"""

import shlex
from pathlib import Path

from snakemake.shell import shell

snakemake = globals()["snakemake"]  # set by Snakemake when it runs a wrapper
INPUTS = ("vcf", "maf", "seg", "cns", "cna", "cnv_vcf", "sv", "clinical", "panel_bed", "reference_fasta")
FORMATS = ("json", "tsv", "html", "md", "maf", "vcf")

outputs = {key: value for key, value in snakemake.output.items() if key in FORMATS}
if not outputs:
    raise ValueError(f"name the outputs by format ({', '.join(FORMATS)}), e.g. json='reports/{{sample}}.hpd.json'")
folders = {str(Path(path).parent) for path in outputs.values()}
if len(folders) != 1:
    raise ValueError(f"all outputs of hpdgenomics annotate go to one folder; got {sorted(folders)}")
args = [snakemake.params.get("hpdgenomics", "hpdgenomics"), "annotate", "--out", folders.pop(), "--force", "-q"]
for key, value in snakemake.input.items():
    if key in INPUTS:
        args += [f"--{key.replace('_', '-')}", str(value)]
sample_id = snakemake.params.get("sample_id") or snakemake.wildcards.get("sample")
if sample_id:
    args += ["--sample-id", str(sample_id)]
if snakemake.params.get("tumour_type"):
    args += ["--tumour-type", str(snakemake.params.tumour_type)]
for fmt in outputs:
    args += ["--format", fmt]
command = " ".join(shlex.quote(a) for a in args[1:])
shell(f"{args[0]} {command} {snakemake.params.get('extra', '')} {snakemake.log_fmt_shell(stdout=False)}")
missing = [path for path in outputs.values() if not Path(path).exists()]
if missing:
    raise FileNotFoundError(f"hpdgenomics annotate did not write {missing[0]}: check that the outputs are named "
                            "<sample id>.hpd.<format> (or <input>.hpd.maf / .hpd.vcf.gz)")
