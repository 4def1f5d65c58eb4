"""Loading rule files: safe YAML, JSON Schema validation with file and rule id in every error, one hash per run."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Mapping, Sequence
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import Any

from hpdgenomics.engine.matchers import compile_biomarker, compile_matcher
from hpdgenomics.engine.rules import (
    CancellingAlteration,
    ClinicalTest,
    Evidence,
    EvidenceCount,
    Qualifier,
    Rule,
    RuleFile,
    RuleSet,
    Therapy,
)
from hpdgenomics.errors import RuleError
from hpdgenomics.significance import COUNTING_CLASSES

SCHEMA_VERSION = 1


def bundled_rules_dir() -> Path:
    """The rules shipped with the package (inside the wheel), or the repository's ``rules/`` in a source checkout."""
    packaged = Path(str(resources.files("hpdgenomics"))) / "rules"
    if (packaged / "schema.json").exists():
        return packaged
    return Path(__file__).resolve().parents[2] / "rules"


def bundled_rule_files() -> list[Path]:
    """The bundled rule files, in name order."""
    return sorted(bundled_rules_dir().glob("*.yaml"))


VALIDATED_FILE = "VALIDATED.json"


@lru_cache(maxsize=1)
def _schema_bytes() -> bytes:
    return (bundled_rules_dir() / "schema.json").read_bytes()


@lru_cache(maxsize=1)
def _already_validated() -> frozenset[str]:
    """sha256 of the bundled rule files that ``scripts/validate_bundled_rules.py`` validated against this schema.

    A bundled file whose bytes hash to one of these was checked against the same schema when it was committed
    (``tests/test_rules.py`` keeps the record current), so its JSON Schema pass can be skipped at start-up. Any
    other bytes — an edited installation, every user file — are validated in full.
    """
    path = bundled_rules_dir() / VALIDATED_FILE
    try:
        record = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return frozenset()
    if record.get("schema_sha256") != hashlib.sha256(_schema_bytes()).hexdigest():
        return frozenset()
    return frozenset(record.get("files", {}).values())


def validation_record() -> dict[str, Any]:
    """Validate every bundled rule file and return the record written to ``rules/VALIDATED.json``."""
    files = {}
    for path in bundled_rule_files():
        data = path.read_bytes()
        parse_rule_file(path, data, trusted=False)
        files[path.name] = hashlib.sha256(data).hexdigest()
    return {"schema_sha256": hashlib.sha256(_schema_bytes()).hexdigest(), "files": files}


@lru_cache(maxsize=1)
def _validator() -> Any:
    import jsonschema  # imported here: validation is the only user

    schema = json.loads(_schema_bytes().decode("utf-8"))
    return jsonschema.Draft202012Validator(schema)


def load_rules(extra_files: Sequence[str | Path] = (), *, include_bundled: bool = True) -> RuleSet:
    """Load the bundled rules and then ``extra_files``; a later rule with an existing id replaces it.

    Raises :class:`RuleError` naming the file (and rule id) of the first problem found.
    """
    paths = [(path, True) for path in bundled_rule_files()] if include_bundled else []
    paths += [(Path(path), False) for path in extra_files]
    rules: dict[str, Rule] = {}
    files = []
    digest = hashlib.sha256()
    for path, bundled in paths:
        data = _read_bytes(path)
        files.append(RuleFile(path=path.name if bundled else str(path), sha256=hashlib.sha256(data).hexdigest(),
                              bundled=bundled))
        digest.update(path.name.encode() + b"\0" + data + b"\0")
        loaded = parse_rule_file(path, data, trusted=bundled)
        seen_here: set[str] = set()
        for rule in loaded:
            if rule.id in seen_here:
                raise RuleError(path, "rule id is used twice in this file", rule_id=rule.id)
            if rule.id in rules and bundled:
                raise RuleError(path, f"rule id is already defined in {rules[rule.id].source_file}", rule_id=rule.id)
            seen_here.add(rule.id)
            rules[rule.id] = rule  # a user file overrides a bundled rule of the same id, on purpose
    return RuleSet(rules=tuple(rules.values()), version=rules_version(), sha256=digest.hexdigest(), files=tuple(files))


def rules_version() -> str:
    """The version of the bundled rule set (``rules/VERSION``)."""
    return (bundled_rules_dir() / "VERSION").read_text(encoding="utf-8").strip()


def parse_rule_file(path: Path, data: bytes | None = None, *, trusted: bool = False) -> list[Rule]:
    """Validate one rule file and build its rules.

    ``trusted`` (bundled files only) skips the JSON Schema pass when the bytes are recorded as validated in
    ``rules/VALIDATED.json``; the YAML is still parsed safely and the rules still built (which checks them again).
    """
    import yaml  # imported here: only rule loading parses YAML

    from hpdgenomics.readers.safe_yaml import load_yaml

    data = _read_bytes(path) if data is None else data
    try:
        # The safe loaders never construct Python objects from a rule file; libyaml's C one is ~10x faster.
        document = load_yaml(data.decode("utf-8"), bundled=trusted)
    except UnicodeDecodeError as exc:
        raise RuleError(path, f"is not UTF-8 text ({exc.reason})") from exc
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" at line {mark.line + 1}, column {mark.column + 1}" if mark else ""
        raise RuleError(path, f"is not valid YAML{where}: {getattr(exc, 'problem', exc)}") from exc
    if not (trusted and hashlib.sha256(data).hexdigest() in _already_validated()):
        _validate(path, document)
    category = document["category"]
    try:
        return [_rule(item, category, path.name) for item in document["rules"]]
    except ValueError as exc:
        raise RuleError(path, str(exc)) from exc


def _validate(path: Path, document: Any) -> None:
    errors = sorted(_validator().iter_errors(document), key=lambda e: (len(e.path), list(map(str, e.path))))
    if not errors:
        return
    error = errors[0]
    location = list(error.absolute_path)
    rule_id = None
    if len(location) >= 2 and location[0] == "rules" and isinstance(location[1], int):
        item = document["rules"][location[1]]
        rule_id = item.get("id") if isinstance(item, Mapping) else None
        rule_id = rule_id or f"#{location[1] + 1}"
    dotted = ".".join(str(part) for part in location) or "(top level)"
    raise RuleError(path, f"schema error at {dotted}: {error.message}", rule_id=rule_id)


def _rule(item: Mapping[str, Any], category: str, source: str) -> Rule:
    if "biomarker" in item:
        alteration = compile_biomarker(item["biomarker"])
    elif "alteration" in item:
        alteration = compile_matcher(item["alteration"])
    else:
        alteration = None
    kind = "biomarker" if "biomarker" in item else "clinical" if "clinical" in item else "gene"
    if (kind == "clinical") != (category == "clinical_factor"):
        raise ValueError(f"rule {item['id']}: clinical tests belong in clinical_factor files, and clinical_factor "
                         "rules need a clinical test")
    tests = [item["clinical"], *item.get("clinical_fallback", ())] if kind == "clinical" else []
    return Rule(
        id=item["id"],
        category=category,
        title=item["title"],
        gene=item.get("gene"),
        alteration=alteration,
        clinical=tuple(ClinicalTest(t["field"], t["test"], t.get("value"), t.get("other_field")) for t in tests),
        tumour_types=tuple(item["tumour_types"]),
        exclude_tumour_types=tuple(item.get("exclude_tumour_types", ())),
        interpretation=item["interpretation"],
        evidence=_evidence(item["evidence"]),
        source_file=source,
        strength=item.get("strength"),
        strength_reason=item.get("strength_reason"),
        key_event=bool(item.get("key_event", False)),
        therapies=tuple(_therapy(t) for t in item.get("therapies", ())),
        notes=item.get("notes", ""),
        variant_classes=frozenset(item.get("variant_classes", COUNTING_CLASSES)),
        context=tuple(item.get("context", ())),
    )


def _evidence(items: Iterable[Mapping[str, Any]]) -> tuple[Evidence, ...]:
    return tuple(
        Evidence(
            citation=e["citation"], finding=e["finding"], verification=e["verification"], pmid=e.get("pmid"),
            doi=e.get("doi"), knowledge_ref=e.get("knowledge_ref"), hpd_definition=e.get("hpd_definition"),
            count=_count(e.get("count")),
        )
        for e in items
    )


def _count(item: Mapping[str, Any] | None) -> EvidenceCount | None:
    if item is None:
        return None
    return EvidenceCount(events=int(item["events"]), total=int(item["total"]), outcome=str(item["outcome"]))


def _therapy(item: Mapping[str, Any]) -> Therapy:
    return Therapy(
        drugs=tuple(item["drugs"]),
        level=item["level"],
        tumour_types=tuple(item["tumour_types"]),
        exclude_tumour_types=tuple(item.get("exclude_tumour_types", ())),
        note=item.get("note", ""),
        requires=tuple(Qualifier(q["gene"], q["state"], q.get("reason", "")) for q in item.get("requires", ())),
        cancelled_by=tuple(
            CancellingAlteration(c["gene"], compile_matcher(c["alteration"]), c.get("reason", ""))
            for c in item.get("cancelled_by", ())
        ),
        evidence=_evidence(item.get("evidence", ())),
    )


def _read_bytes(path: Path) -> bytes:
    try:
        return path.read_bytes()
    except FileNotFoundError as exc:
        raise RuleError(path, "rule file not found") from exc
    except OSError as exc:
        raise RuleError(path, f"cannot be read: {exc.strerror or exc}") from exc
