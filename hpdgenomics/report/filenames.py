"""Sample ids become file names: keep them readable but never let them escape the output folder."""

from __future__ import annotations

import hashlib
import re

_UNSAFE = re.compile(r"[^A-Za-z0-9._+-]+")
_MAX_LENGTH = 120
# Names Windows reserves for devices, with or without an extension ("CON", "nul.txt", "COM1").
_RESERVED = re.compile(r"^(?:CON|PRN|AUX|NUL|COM[0-9]|LPT[0-9])(?:\..*)?$", re.IGNORECASE)


def safe_file_stem(sample_id: str) -> str:
    """A file-name stem for ``sample_id``: path separators, control characters, leading dots and dashes, and
    Windows device names (``CON``, ``NUL``, ``COM1`` …) are replaced.

    When anything had to be replaced, a short hash of the original id is appended so that two different ids
    (``a/b`` and ``a_b``) never write to the same file.
    """
    stem = _UNSAFE.sub("_", sample_id).strip("._").lstrip("-") or "sample"
    if _RESERVED.match(stem):
        stem = f"_{stem}"
    if stem != sample_id or len(stem) > _MAX_LENGTH:
        digest = hashlib.sha256(sample_id.encode("utf-8", "surrogatepass")).hexdigest()[:8]
        stem = f"{stem[:_MAX_LENGTH]}_{digest}"
    return stem
