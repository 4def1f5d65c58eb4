"""Validate the bundled rule files against rules/schema.json and record their sha256 in rules/VALIDATED.json.

    python scripts/validate_bundled_rules.py

At load time a bundled file whose bytes match the record skips its JSON Schema pass (start-up time); any other bytes
are validated in full. tests/test_rules.py fails when the record is not current, so run this after editing a rule.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]


def main() -> None:
    sys.path.insert(0, str(REPO))
    from hpdgenomics.engine.loader import VALIDATED_FILE, bundled_rules_dir, validation_record

    record = validation_record()
    target = bundled_rules_dir() / VALIDATED_FILE
    target.write_text(json.dumps(record, indent=2, sort_keys=True) + "\n", encoding="utf-8")
    print(f"validated {len(record['files'])} rule files; wrote {target}", file=sys.stderr)


if __name__ == "__main__":
    main()
