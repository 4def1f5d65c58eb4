"""Hyperprogression definitions as data: loaded from YAML, checked against a JSON schema, evaluated by named operators.

Three-valued logic: a condition on a missing quantity is unknown; ``all`` is false as soon as one member is false,
``any`` true as soon as one is true; otherwise unknown. A definition is ``not_evaluable`` when a quantity it
``requires`` is missing (with that quantity's reason), or when its condition stays unknown.
"""

from __future__ import annotations

import json
import operator
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any

import jsonschema
import yaml

from hpdgenomics.errors import RuleError
from hpdgenomics.outcomes.growth import Quantities, RecistProgression
from hpdgenomics.readers.safe_yaml import load_yaml

HPD, NO_HPD, NOT_EVALUABLE = "HPD", "no_HPD", "not_evaluable"
OPERATORS: dict[str, Callable[[Any, Any], bool]] = {
    "at_least": operator.ge, "greater_than": operator.gt, "less_than": operator.lt, "at_most": operator.le,
}
SYMBOLS = {"at_least": "≥", "greater_than": ">", "less_than": "<", "at_most": "≤"}


@dataclass(frozen=True)
class Definition:
    """One published definition: its id, citation and condition tree."""

    id: str
    label: str
    summary: str
    citation: str
    verification: str
    source: str
    note: str
    requires: tuple[str, ...]
    condition: Mapping[str, Any]


@dataclass(frozen=True)
class DefinitionSet:
    """Every definition of one file, and the RECIST progression rule used when no response is recorded."""

    path: str
    definitions: tuple[Definition, ...]
    recist: RecistProgression
    recist_verification: str
    recist_note: str


@dataclass(frozen=True)
class Label:
    """One definition's call for one patient."""

    call: str
    reason: str


def bundled_path() -> Path:
    """The definitions shipped with the package."""
    return Path(str(resources.files("hpdgenomics.outcomes") / "definitions.yaml"))


def load_definitions(path: str | Path | None = None) -> DefinitionSet:
    """Read and validate a definitions file (the bundled one by default)."""
    source = Path(path) if path is not None else bundled_path()
    try:
        data = load_yaml(source.read_bytes(), bundled=path is None)
    except OSError as exc:
        raise RuleError(source, f"cannot read: {exc.strerror or exc}") from exc
    except yaml.YAMLError as exc:
        raise RuleError(source, f"not valid YAML: {exc}") from exc
    schema = json.loads((resources.files("hpdgenomics.outcomes") / "definitions_schema.json").read_text("utf-8"))
    try:
        jsonschema.validate(data, schema)
    except jsonschema.ValidationError as exc:
        where = "/".join(str(p) for p in exc.absolute_path) or "top level"
        raise RuleError(source, f"at {where}: {exc.message}") from exc
    ids = [d["id"] for d in data["definitions"]]
    if len(set(ids)) != len(ids):
        raise RuleError(source, f"definition id {next(i for i in ids if ids.count(i) > 1)!r} appears twice")
    recist = data["recist_progression"]
    return DefinitionSet(
        str(source),
        tuple(Definition(d["id"], d["label"], d["summary"], d["citation"], d["verification"], d["source"],
                         d.get("note", ""), tuple(d["requires"]), d["condition"]) for d in data["definitions"]),
        RecistProgression(float(recist["min_percent"]), float(recist["min_mm"]), recist["citation"]),
        recist["verification"], recist.get("note", ""),
    )


def _evaluate(node: Mapping[str, Any], q: Quantities, unknown: list[str]) -> bool | None:
    if "all" in node or "any" in node:
        results = [_evaluate(child, q, unknown) for child in node.get("all", node.get("any", ()))]
        decisive = "all" not in node  # all: one False decides; any: one True
        if decisive in results:
            return decisive
        return None if None in results else not decisive
    name = node["quantity"]
    value = q.get(name)
    if value is None:
        unknown.append(f"{name} unknown ({q.missing.get(name, 'missing')})")
        return None
    if node["op"] == "is_true":
        return bool(value)
    return bool(OPERATORS[node["op"]](value, node["value"]))


def label(definition: Definition, q: Quantities) -> Label:
    """HPD, no_HPD or not_evaluable, with the reason."""
    for name in definition.requires:
        if q.get(name) is None:
            return Label(NOT_EVALUABLE, f"{name}: {q.missing.get(name, 'missing')}")
    unknown: list[str] = []
    result = _evaluate(definition.condition, q, unknown)
    if result is None:
        return Label(NOT_EVALUABLE, "; ".join(dict.fromkeys(unknown)))
    return Label(HPD if result else NO_HPD, describe(definition.condition, q) + (
        f"; RECIST progression {q.recist_basis}" if q.recist_basis and _uses(definition.condition,
                                                                             "recist_progression") else ""))


def _uses(node: Mapping[str, Any], quantity: str) -> bool:
    children: Sequence[Mapping[str, Any]] = node.get("all", node.get("any", ()))
    return node.get("quantity") == quantity or any(_uses(child, quantity) for child in children)


def describe(node: Mapping[str, Any], q: Quantities | None = None) -> str:
    """The condition in words, with the patient's values when ``q`` is given."""
    if "all" in node or "any" in node:
        joiner = " and " if "all" in node else " or "
        parts = [describe(child, q) for child in node.get("all", node.get("any", ()))]
        return "(" + joiner.join(parts) + ")" if len(parts) > 1 else parts[0]
    name = node["quantity"]
    shown = ""
    if q is not None and q.get(name) is not None:
        value = q.get(name)
        shown = f" [{'yes' if value is True else 'no' if value is False else format(value, '.3g')}]"
    if node["op"] == "is_true":
        return f"{name}{shown}"
    return f"{name}{shown} {SYMBOLS[node['op']]} {node['value']:g}"
