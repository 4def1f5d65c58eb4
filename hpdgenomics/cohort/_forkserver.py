"""Preloaded into the multiprocessing fork server only (never import it elsewhere): the fork server dies with the run
that started it, so that its workers (tied to it in turn) do too; see :mod:`hpdgenomics.cohort.lifeline`."""

from hpdgenomics.cohort.lifeline import die_with_parent

die_with_parent()
