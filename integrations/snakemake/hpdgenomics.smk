# hpdgenomics rules for Snakemake: include this file from a workflow and give its inputs through config.
#
#   include: "path/to/integrations/snakemake/hpdgenomics.smk"
#
# config:
#   hpdgenomics_samples: {SAMPLE: {vcf: ..., cns: ..., tumour_type: LUAD}, ...}   # one tumour each (any input kind)
#   hpdgenomics_cohort: {study_dir: ...} | {sample_sheet: ...} | {maf: ..., clinical: ...}
#   hpdgenomics_formats: [json, html]          # per-sample formats (default json, tsv, html)
#   hpdgenomics: "hpdgenomics"                 # the command (e.g. "python -m hpdgenomics")
#
# Targets: hpdgenomics/reports/{sample}.hpd.{format} and the folder hpdgenomics/cohort/.

from pathlib import Path as _HpdPath

# current_basedir: the folder of this file while it is parsed, wherever the including workflow lives.
HPD_WRAPPERS = f"file:{_HpdPath(str(workflow.current_basedir))}/wrappers"
HPD_SAMPLES = config.get("hpdgenomics_samples", {})
HPD_FORMATS = list(config.get("hpdgenomics_formats", ["json", "tsv", "html"]))
HPD_INPUT_KINDS = ("vcf", "maf", "seg", "cns", "cna", "cnv_vcf", "sv", "clinical", "panel_bed", "reference_fasta")


def hpd_sample_inputs(wildcards):
    """The named inputs of one sample from config (only the input kinds hpdgenomics annotate reads)."""
    entry = HPD_SAMPLES[wildcards.sample]
    return {kind: entry[kind] for kind in HPD_INPUT_KINDS if entry.get(kind)}


rule hpdgenomics_annotate:
    input:
        unpack(hpd_sample_inputs),
    output:
        **{fmt: f"hpdgenomics/reports/{{sample}}.hpd.{fmt}" for fmt in HPD_FORMATS},
    params:
        tumour_type=lambda wildcards: HPD_SAMPLES[wildcards.sample].get("tumour_type", ""),
        extra=config.get("hpdgenomics_extra", ""),
        hpdgenomics=config.get("hpdgenomics", "hpdgenomics"),
    log:
        "hpdgenomics/logs/{sample}.annotate.log",
    wildcard_constraints:
        sample="[^/]+",
    wrapper:
        f"{HPD_WRAPPERS}/annotate"


rule hpdgenomics_cohort:
    input:
        **config.get("hpdgenomics_cohort", {}),
    output:
        out=directory("hpdgenomics/cohort"),
    params:
        tumour_type=config.get("hpdgenomics_cohort_tumour_type", ""),
        extra=config.get("hpdgenomics_cohort_extra", ""),
        hpdgenomics=config.get("hpdgenomics", "hpdgenomics"),
    log:
        "hpdgenomics/logs/cohort.log",
    threads: 2
    wrapper:
        f"{HPD_WRAPPERS}/cohort"
