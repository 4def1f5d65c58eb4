"""Capture what htslib prints on the C-level stderr, so that its warnings become QC notes instead of noise.

htslib (inside cyvcf2) writes warnings such as ``[W::vcf_parse] Contig '1' is not defined in the header`` straight
to file descriptor 2, which Python cannot intercept; we point the descriptor at a temporary file while reading.
"""

from __future__ import annotations

import contextlib
import os
import sys
import tempfile
from collections.abc import Iterator


@contextlib.contextmanager
def captured_htslib_messages() -> Iterator[list[str]]:
    """Collect htslib's stderr lines into the yielded list (filled when the block ends)."""
    messages: list[str] = []
    try:
        stderr_fd = sys.stderr.fileno()
    except (AttributeError, OSError, ValueError):  # no real stderr (e.g. some test runners): nothing to capture
        yield messages
        return
    sys.stderr.flush()
    saved = os.dup(stderr_fd)
    with tempfile.TemporaryFile(mode="w+b") as sink:
        os.dup2(sink.fileno(), stderr_fd)
        try:
            yield messages
        finally:
            sys.stderr.flush()
            os.dup2(saved, stderr_fd)
            os.close(saved)
            sink.seek(0)
            text = sink.read().decode("utf-8", "replace")
            messages.extend(line.strip() for line in text.splitlines() if line.strip())


def summarise_messages(messages: list[str], limit: int = 5) -> list[str]:
    """Distinct messages, most frequent first, with their counts (htslib repeats a warning per record)."""
    counts: dict[str, int] = {}
    for message in messages:
        counts[message] = counts.get(message, 0) + 1
    ordered = sorted(counts.items(), key=lambda item: (-item[1], item[0]))
    return [f"htslib: {text}" + (f" (x{n})" if n > 1 else "") for text, n in ordered[:limit]]
