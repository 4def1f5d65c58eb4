"""The result of annotating one sample: one JSON-shaped document that every output is rendered from.

The document is plain data (dicts, lists, strings, numbers) so that the JSON file *is* the result: the TSV, and
later the HTML report, can be rendered from a report read back from disk exactly as from one just computed.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any

REPORT_SCHEMA_VERSION = "1.0"
DISCLAIMER = (
    "For research and clinical decision support only; not a diagnosis. Findings must be interpreted by qualified "
    "professionals together with the patient's clinical data. A gene or alteration listed as not assessed was not "
    "examined by the inputs and is not negative."
)


@dataclass(frozen=True)
class SampleReport:
    """One sample's complete, schema-versioned result (see ``report/schema/report.schema.json``)."""

    document: Mapping[str, Any]

    @property
    def sample_id(self) -> str:
        return str(self.document["sample"]["id"])

    @property
    def hpd_level(self) -> str:
        return str(self.document["hpd_risk"]["level"])

    @property
    def findings(self) -> list[Mapping[str, Any]]:
        return list(self.document["findings"])

    @property
    def not_assessed(self) -> list[Mapping[str, Any]]:
        return list(self.document["not_assessed"])

    def to_json(self, *, indent: int | None = 2) -> str:
        """The JSON text written to ``SAMPLE.hpd.json`` (stable key order, UTF-8, trailing newline).

        ``indent=None`` writes one compact line: the standard library's C encoder handles only that, and it is
        about ten times faster than indented output (cohorts write thousands of reports).
        """
        separators = (",", ":") if indent is None else None
        return json.dumps(self.document, indent=indent, separators=separators, ensure_ascii=False,
                          allow_nan=False) + "\n"

    @classmethod
    def from_json(cls, path: str | Path) -> SampleReport:
        """Read a report written earlier (it is validated against the schema)."""
        document = json.loads(Path(path).read_text(encoding="utf-8"))
        validate_document(document)
        return cls(document)


def report_schema() -> dict[str, Any]:
    """The JSON Schema of the report document."""
    text = (resources.files("hpdgenomics.report") / "schema" / "report.schema.json").read_text(encoding="utf-8")
    schema: dict[str, Any] = json.loads(text)
    return schema


def validate_document(document: Mapping[str, Any]) -> None:
    """Raise ``jsonschema.ValidationError`` when ``document`` breaks the report schema."""
    import jsonschema  # imported here: only validation needs it

    jsonschema.Draft202012Validator(report_schema()).validate(document)
