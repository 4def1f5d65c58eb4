"""Typed errors raised by the library; only the CLI turns them into messages and exit codes."""

from __future__ import annotations

from pathlib import Path


class HpdError(Exception):
    """Base class of every error the library raises on purpose."""


class InputError(HpdError):
    """A file could not be read or does not hold what was expected.

    The message names the file and, where it applies, the line (or record) and what was expected,
    so the user can fix the input without reading our code.
    """

    def __init__(self, path: str | Path | None, message: str, line: int | None = None) -> None:
        self.path = str(path) if path is not None else None
        self.line = line
        self.detail = message
        where = self.path or "<input>"
        if line is not None:
            where = f"{where}, line {line}"
        super().__init__(f"{where}: {message}")


class SampleSelectionError(InputError):
    """The requested sample is not in the file, or the file holds several and none was chosen."""


class BuildMismatchError(InputError):
    """The genome build declared by the user contradicts the data (or the data contradicts itself)."""


class RuleError(HpdError):
    """A rule file is malformed or a rule breaks the schema."""

    def __init__(self, path: str | Path, message: str, rule_id: str | None = None) -> None:
        self.path = str(path)
        self.rule_id = rule_id
        where = f"{self.path}" + (f" (rule {rule_id})" if rule_id else "")
        super().__init__(f"{where}: {message}")


class OutputError(HpdError):
    """An output could not be written (it exists and --force was not given, or the folder is unusable)."""


class OptionError(HpdError):
    """Options that cannot work together, or an option value the tool does not know (a usage error)."""
