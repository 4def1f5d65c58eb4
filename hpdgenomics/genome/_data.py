"""Access to the generated tables in ``hpdgenomics/data`` (see ``scripts/build_refdata.py`` and MANIFEST.json)."""

from __future__ import annotations

import gzip
from collections.abc import Iterator
from importlib import resources


def read_table(name: str) -> Iterator[list[str]]:
    """Rows of a bundled tab-separated table (gzipped or not), header line skipped."""
    for line in read_lines(name):
        yield line.split("\t")


def read_lines(name: str) -> list[str]:
    """The data lines of a bundled table, unsplit and without newlines (header line skipped)."""
    data = (resources.files("hpdgenomics.data") / name).read_bytes()
    if name.endswith(".gz"):
        data = gzip.decompress(data)
    return data.decode("utf-8").splitlines()[1:]
