"""``python -m hpdgenomics`` runs the command line."""

from hpdgenomics.cli import main

main()
