"""Bundled reference data and genome-build logic: genes, cytobands, contigs, OncoTree (no network, ever)."""
