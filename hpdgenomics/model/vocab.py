"""Controlled vocabularies shared by every reader and by the rules engine.

Sequence Ontology (SO) consequence terms and MAF ``Variant_Classification`` values are both mapped onto one small
set of consequence classes, so that a VCF annotated by VEP and a MAF written by vcf2maf or cBioPortal give the same
answer to the same rule. The SO → MAF mapping follows vcf2maf's ``GetVariantClassification``.
"""

from __future__ import annotations

from enum import Enum


class ConsequenceClass(str, Enum):
    """What a small variant does to the protein, as far as rules care."""

    MISSENSE = "missense"
    NONSENSE = "nonsense"
    FRAMESHIFT = "frameshift"
    SPLICE_SITE = "splice_site"
    INFRAME_DELETION = "inframe_deletion"
    INFRAME_INSERTION = "inframe_insertion"
    PROTEIN_ALTERING = "protein_altering"  # in-frame delins / complex changes (VEP protein_altering_variant)
    START_LOST = "start_lost"
    STOP_LOST = "stop_lost"
    SYNONYMOUS = "synonymous"
    SPLICE_REGION = "splice_region"
    NON_CODING = "non_coding"  # UTR, intron, up/downstream, intergenic, non-coding transcript
    # A change inside the coding sequence whose residues could not be determined (annotated from transcript models
    # without a reference FASTA). Deliberately outside NON_SYNONYMOUS and every rule class: it matches no rule and
    # leaves its gene not fully assessed.
    CODING_UNDETERMINED = "coding_undetermined"


# Classes grouped the way rules name them. "truncating" follows the usual loss-of-function convention
# (OncoKB "Truncating Mutations"): nonsense, frameshift and canonical splice-site changes.
TRUNCATING = frozenset({ConsequenceClass.NONSENSE, ConsequenceClass.FRAMESHIFT, ConsequenceClass.SPLICE_SITE})
INFRAME = frozenset(
    {ConsequenceClass.INFRAME_DELETION, ConsequenceClass.INFRAME_INSERTION, ConsequenceClass.PROTEIN_ALTERING}
)
NON_SYNONYMOUS = frozenset(
    TRUNCATING
    | INFRAME
    | {ConsequenceClass.MISSENSE, ConsequenceClass.START_LOST, ConsequenceClass.STOP_LOST}
)

# SO terms from most to least severe (Ensembl's ranking); the first listed term of a record decides its class.
SO_TERM_CLASS: dict[str, ConsequenceClass] = {
    "transcript_ablation": ConsequenceClass.FRAMESHIFT,
    "splice_acceptor_variant": ConsequenceClass.SPLICE_SITE,
    "splice_donor_variant": ConsequenceClass.SPLICE_SITE,
    "stop_gained": ConsequenceClass.NONSENSE,
    "frameshift_variant": ConsequenceClass.FRAMESHIFT,
    "stop_lost": ConsequenceClass.STOP_LOST,
    "start_lost": ConsequenceClass.START_LOST,
    "initiator_codon_variant": ConsequenceClass.START_LOST,
    "transcript_amplification": ConsequenceClass.NON_CODING,
    "feature_elongation": ConsequenceClass.NON_CODING,
    "feature_truncation": ConsequenceClass.NON_CODING,
    "inframe_insertion": ConsequenceClass.INFRAME_INSERTION,
    "disruptive_inframe_insertion": ConsequenceClass.INFRAME_INSERTION,
    "conservative_inframe_insertion": ConsequenceClass.INFRAME_INSERTION,
    "inframe_deletion": ConsequenceClass.INFRAME_DELETION,
    "disruptive_inframe_deletion": ConsequenceClass.INFRAME_DELETION,
    "conservative_inframe_deletion": ConsequenceClass.INFRAME_DELETION,
    "missense_variant": ConsequenceClass.MISSENSE,
    "protein_altering_variant": ConsequenceClass.PROTEIN_ALTERING,
    "splice_donor_5th_base_variant": ConsequenceClass.SPLICE_REGION,
    "splice_region_variant": ConsequenceClass.SPLICE_REGION,
    "splice_donor_region_variant": ConsequenceClass.SPLICE_REGION,
    "splice_polypyrimidine_tract_variant": ConsequenceClass.SPLICE_REGION,
    "incomplete_terminal_codon_variant": ConsequenceClass.SYNONYMOUS,
    "start_retained_variant": ConsequenceClass.SYNONYMOUS,
    "stop_retained_variant": ConsequenceClass.SYNONYMOUS,
    "synonymous_variant": ConsequenceClass.SYNONYMOUS,
    "coding_sequence_variant": ConsequenceClass.NON_CODING,
    "mature_miRNA_variant": ConsequenceClass.NON_CODING,
    "5_prime_UTR_variant": ConsequenceClass.NON_CODING,
    "5_prime_UTR_premature_start_codon_gain_variant": ConsequenceClass.NON_CODING,
    "3_prime_UTR_variant": ConsequenceClass.NON_CODING,
    "non_coding_transcript_exon_variant": ConsequenceClass.NON_CODING,
    "non_coding_exon_variant": ConsequenceClass.NON_CODING,
    "intron_variant": ConsequenceClass.NON_CODING,
    "NMD_transcript_variant": ConsequenceClass.NON_CODING,
    "non_coding_transcript_variant": ConsequenceClass.NON_CODING,
    "upstream_gene_variant": ConsequenceClass.NON_CODING,
    "downstream_gene_variant": ConsequenceClass.NON_CODING,
    "TFBS_ablation": ConsequenceClass.NON_CODING,
    "TFBS_amplification": ConsequenceClass.NON_CODING,
    "TF_binding_site_variant": ConsequenceClass.NON_CODING,
    "regulatory_region_ablation": ConsequenceClass.NON_CODING,
    "regulatory_region_amplification": ConsequenceClass.NON_CODING,
    "regulatory_region_variant": ConsequenceClass.NON_CODING,
    "intergenic_variant": ConsequenceClass.NON_CODING,
    "sequence_feature": ConsequenceClass.NON_CODING,
    "exon_loss_variant": ConsequenceClass.FRAMESHIFT,
    "gene_fusion": ConsequenceClass.NON_CODING,
    "bidirectional_gene_fusion": ConsequenceClass.NON_CODING,
    "structural_interaction_variant": ConsequenceClass.NON_CODING,
    "protein_protein_contact": ConsequenceClass.NON_CODING,
}
SO_SEVERITY: dict[str, int] = {term: rank for rank, term in enumerate(SO_TERM_CLASS)}

# snpEff legacy EFF effect names (SnpEff 3.x) translated to SO terms.
SNPEFF_LEGACY_TO_SO: dict[str, str] = {
    "NON_SYNONYMOUS_CODING": "missense_variant",
    "NON_SYNONYMOUS_START": "missense_variant",
    "SYNONYMOUS_CODING": "synonymous_variant",
    "SYNONYMOUS_STOP": "stop_retained_variant",
    "STOP_GAINED": "stop_gained",
    "STOP_LOST": "stop_lost",
    "START_LOST": "start_lost",
    "FRAME_SHIFT": "frameshift_variant",
    "CODON_DELETION": "inframe_deletion",
    "CODON_INSERTION": "inframe_insertion",
    "CODON_CHANGE_PLUS_CODON_DELETION": "inframe_deletion",
    "CODON_CHANGE_PLUS_CODON_INSERTION": "inframe_insertion",
    "SPLICE_SITE_ACCEPTOR": "splice_acceptor_variant",
    "SPLICE_SITE_DONOR": "splice_donor_variant",
    "SPLICE_SITE_REGION": "splice_region_variant",
    "EXON_DELETED": "exon_loss_variant",
    "UTR_5_PRIME": "5_prime_UTR_variant",
    "UTR_3_PRIME": "3_prime_UTR_variant",
    "INTRON": "intron_variant",
    "UPSTREAM": "upstream_gene_variant",
    "DOWNSTREAM": "downstream_gene_variant",
    "INTERGENIC": "intergenic_variant",
    "EXON": "non_coding_transcript_exon_variant",
}

# bcftools csq consequence names that are not SO terms (bcftools writes short names).
BCSQ_TO_SO: dict[str, str] = {
    "missense": "missense_variant",
    "synonymous": "synonymous_variant",
    "stop_gained": "stop_gained",
    "stop_lost": "stop_lost",
    "start_lost": "start_lost",
    "stop_retained": "stop_retained_variant",
    "frameshift": "frameshift_variant",
    "inframe_deletion": "inframe_deletion",
    "inframe_insertion": "inframe_insertion",
    "inframe_altering": "protein_altering_variant",
    "splice_acceptor": "splice_acceptor_variant",
    "splice_donor": "splice_donor_variant",
    "splice_region": "splice_region_variant",
    "coding_sequence": "coding_sequence_variant",
    "5_prime_utr": "5_prime_UTR_variant",
    "3_prime_utr": "3_prime_UTR_variant",
    "intron": "intron_variant",
    "non_coding": "non_coding_transcript_variant",
    "start_retained": "start_retained_variant",
}

# MAF Variant_Classification → class (GDC MAF specification and cBioPortal's accepted values).
MAF_CLASS: dict[str, ConsequenceClass] = {
    "Missense_Mutation": ConsequenceClass.MISSENSE,
    "Nonsense_Mutation": ConsequenceClass.NONSENSE,
    "Frame_Shift_Del": ConsequenceClass.FRAMESHIFT,
    "Frame_Shift_Ins": ConsequenceClass.FRAMESHIFT,
    "Splice_Site": ConsequenceClass.SPLICE_SITE,
    "In_Frame_Del": ConsequenceClass.INFRAME_DELETION,
    "In_Frame_Ins": ConsequenceClass.INFRAME_INSERTION,
    "Translation_Start_Site": ConsequenceClass.START_LOST,
    "Nonstop_Mutation": ConsequenceClass.STOP_LOST,
    "Silent": ConsequenceClass.SYNONYMOUS,
    "Splice_Region": ConsequenceClass.SPLICE_REGION,
    "3'UTR": ConsequenceClass.NON_CODING,
    "5'UTR": ConsequenceClass.NON_CODING,
    "3'Flank": ConsequenceClass.NON_CODING,
    "5'Flank": ConsequenceClass.NON_CODING,
    "Intron": ConsequenceClass.NON_CODING,
    "IGR": ConsequenceClass.NON_CODING,
    "RNA": ConsequenceClass.NON_CODING,
    "lincRNA": ConsequenceClass.NON_CODING,
    "Targeted_Region": ConsequenceClass.NON_CODING,
    "De_novo_Start_InFrame": ConsequenceClass.NON_CODING,
    "De_novo_Start_OutOfFrame": ConsequenceClass.NON_CODING,
    "Unknown": ConsequenceClass.NON_CODING,
}
MAF_CLASS_CASEFOLD: dict[str, ConsequenceClass] = {key.casefold(): value for key, value in MAF_CLASS.items()}


def most_severe_term(terms: list[str] | tuple[str, ...]) -> str | None:
    """Return the most severe SO term of ``terms`` (unknown terms rank last), or None when empty."""
    known = [term for term in terms if term]
    if not known:
        return None
    return min(known, key=lambda term: SO_SEVERITY.get(term, len(SO_SEVERITY)))


def class_of_so_terms(terms: list[str] | tuple[str, ...]) -> ConsequenceClass:
    """Map a set of SO terms (one annotation may carry several, joined by ``&``) to one class."""
    term = most_severe_term(terms)
    if term is None:
        return ConsequenceClass.NON_CODING
    return SO_TERM_CLASS.get(term, ConsequenceClass.NON_CODING)


def class_of_maf_classification(value: str) -> ConsequenceClass | None:
    """Map a MAF ``Variant_Classification`` to a class; None when the value is not a known classification."""
    return MAF_CLASS_CASEFOLD.get(value.strip().casefold())
