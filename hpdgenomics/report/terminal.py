"""Text from the inputs made safe for a terminal: control characters and bidirectional overrides escaped.

A sample id or a file value can hold an escape sequence (``\\x1b[31m`` recolours the terminal, others retitle the
window or worse) or U+202E RIGHT-TO-LEFT OVERRIDE, which makes ``gpj.exe`` look like ``exe.jpg``. Every line the
command line prints goes through :func:`terminal_safe`; reports and tables keep the text as it was (JSON escapes it
anyway, and the TSV writers neutralise only what spreadsheets would execute).
"""

from __future__ import annotations

import re

# C0 controls but tab and newline, DEL, C1 controls, and the Unicode bidirectional and invisible format controls.
_UNSAFE = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u061c\u200b-\u200f\u202a-\u202e\u2060-\u2064\u2066-\u2069\ufeff]")


def terminal_safe(text: str) -> str:
    """``text`` with every unsafe character written as a Python escape (``\\x1b``, ``\\u202e``)."""
    return _UNSAFE.sub(_escape, text)


def _escape(match: re.Match[str]) -> str:
    code = ord(match.group())
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"
