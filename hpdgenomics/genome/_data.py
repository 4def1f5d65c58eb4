"""Access to the generated tables in ``hpdgenomics/data`` (see ``scripts/build_refdata.py`` and MANIFEST.json)."""

from __future__ import annotations

import gzip
import io
from collections.abc import Iterator
from importlib import resources


def read_table(name: str) -> Iterator[list[str]]:
    """Rows of a bundled tab-separated table (gzipped or not), header line skipped."""
    data = (resources.files("hpdgenomics.data") / name).read_bytes()
    if name.endswith(".gz"):
        data = gzip.decompress(data)
    lines = io.StringIO(data.decode("utf-8"))
    next(lines)
    for line in lines:
        yield line.rstrip("\n").split("\t")
