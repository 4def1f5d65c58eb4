"""Snakemake wrapper: ``hpdgenomics cohort`` over a cBioPortal study folder, a sample sheet or multi-sample files.

Inputs (named): exactly one source, ``study_dir``, ``sample_sheet`` or the files ``maf`` / ``seg`` / ``cna`` /
``sv`` (with an optional ``clinical``). Output: ``directory("cohort")`` (named ``out`` or first). Params:
``tumour_type``, ``extra`` (more options as one string, e.g. ``--skip-missing``), ``hpdgenomics`` (the command).
Threads become ``--jobs``.
"""

import shlex

from snakemake.shell import shell

snakemake = globals()["snakemake"]  # set by Snakemake when it runs a wrapper
INPUTS = ("study_dir", "sample_sheet", "maf", "seg", "cna", "sv", "clinical")

out = snakemake.output.get("out", snakemake.output[0])
args = ["cohort", "--out", str(out), "--force", "-q", "--jobs", str(max(1, snakemake.threads))]
for key, value in snakemake.input.items():
    if key in INPUTS:
        args += [f"--{key.replace('_', '-')}", str(value)]
if snakemake.params.get("tumour_type"):
    args += ["--tumour-type", str(snakemake.params.tumour_type)]
command = " ".join(shlex.quote(a) for a in args)
shell(f"{snakemake.params.get('hpdgenomics', 'hpdgenomics')} {command} {snakemake.params.get('extra', '')} "
      f"{snakemake.log_fmt_shell(stdout=False)}")
