// nf-core-style module: hpdgenomics annotate for one tumour (e.g. after nf-core/sarek's VEP step).
// UNTESTED HERE: Nextflow cannot be installed on this project's machines (see README.md beside this file).
process HPDGENOMICS_ANNOTATE {
    tag "$meta.id"
    label 'process_single'

    conda "${moduleDir}/environment.yml"

    input:
    tuple val(meta), path(vcf), path(copy_number)   // copy_number: a CNVkit .cns/.cnr, or [] for none
    val formats                                       // e.g. ['json', 'html', 'vcf']

    output:
    tuple val(meta), path("hpdgenomics/*.hpd.json"),   emit: json, optional: true
    tuple val(meta), path("hpdgenomics/*.hpd.tsv"),    emit: tsv,  optional: true
    tuple val(meta), path("hpdgenomics/*.hpd.html"),   emit: html, optional: true
    tuple val(meta), path("hpdgenomics/*.hpd.vcf.gz*"), emit: vcf, optional: true
    path "versions.yml",                               emit: versions

    when:
    task.ext.when == null || task.ext.when

    script:
    def args = task.ext.args ?: ''
    def cns = copy_number ? "--cns ${copy_number}" : ''
    def tumour_type = meta.tumour_type ? "--tumour-type ${meta.tumour_type}" : ''
    def format_args = formats.collect { "--format ${it}" }.join(' ')
    """
    hpdgenomics annotate \\
        --vcf ${vcf} \\
        ${cns} \\
        --sample-id ${meta.id} \\
        ${tumour_type} \\
        ${format_args} \\
        --out hpdgenomics \\
        ${args}

    cat <<-END_VERSIONS > versions.yml
    "${task.process}":
        hpdgenomics: \$(hpdgenomics --version | sed 's/.* //')
    END_VERSIONS
    """

    stub:
    """
    mkdir -p hpdgenomics
    touch hpdgenomics/${meta.id}.hpd.json
    cat <<-END_VERSIONS > versions.yml
    "${task.process}":
        hpdgenomics: stub
    END_VERSIONS
    """
}
