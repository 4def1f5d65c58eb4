"""Outcomes: label hyperprogression from tumour measurements (``hpd-label``) and test genomic features against
outcome in a cohort (``associate``). Depends on the model, the report writers and the cohort outputs, never the
other way round. scipy and lifelines (the ``outcomes`` extra) are imported only by the statistics."""

from __future__ import annotations

from hpdgenomics.outcomes.associate import AssociateOptions, AssociationResult, associate
from hpdgenomics.outcomes.labelling import LabelOptions, LabelResult, label_patients

__all__ = ["AssociateOptions", "AssociationResult", "LabelOptions", "LabelResult", "associate", "label_patients",
           "run_associate", "run_hpd_label"]


def run_hpd_label(options: LabelOptions) -> LabelResult:
    """Label every patient and write hpd_labels.tsv/json/html (all or none)."""
    from hpdgenomics.outcomes.label_outputs import write_label_outputs

    result = label_patients(options)
    write_label_outputs(result)
    return result


def run_associate(options: AssociateOptions) -> AssociationResult:
    """Test every feature against every outcome and write associations.tsv/json/html (all or none)."""
    from hpdgenomics.outcomes.assoc_outputs import write_association_outputs

    result = associate(options)
    write_association_outputs(result)
    return result
