"""Small-variant readers: VCF (annotated by VEP, snpEff or bcftools csq, or not) and MAF (GDC, cBioPortal)."""
