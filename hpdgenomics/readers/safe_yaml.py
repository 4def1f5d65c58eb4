"""The one YAML loader of the tool: rule files, copy-number thresholds and the curation map all go through it.

On top of PyYAML's safe loader (no Python objects), it refuses what a hostile or mistyped file can use against us:

- a document whose aliases (``*name``) expand to more than :data:`MAX_EXPANDED_NODES` nodes: a few lines of nested
  aliases ("billion laughs") expand to billions of nodes when the document is walked. Aliases themselves stay
  accepted, because the bundled rule files share their evidence lists through anchors; merge keys (``<<``) do not;
- nesting deeper than Python's recursion allows (libyaml's C composer would crash the process on it, so a file not
  bundled with the tool is read with the pure-Python parser);
- a key given twice in one mapping (YAML's last-wins would silently drop the first ``id`` or ``category``);
- an integer of more than :data:`MAX_INT_DIGITS` digits (Python refuses to convert over 4,300, with a ValueError)
  and a float that is not finite (``.inf``, ``.nan``, ``1e400``): see docs/input_rules.md;
- a document larger than :data:`MAX_YAML_BYTES`.

Errors are :class:`UnsafeYamlError`, a ``yaml.MarkedYAMLError``: callers that already turn ``yaml.YAMLError`` into
their own error with the line (``problem_mark``) need no other change.
"""

from __future__ import annotations

import math
from typing import Any

import yaml
from yaml.constructor import ConstructorError

MAX_YAML_BYTES = 1024 * 1024  # the largest bundled rule file is ~35 KB
MAX_INT_DIGITS = 30
MAX_EXPANDED_NODES = 200_000  # the bundled rule files expand to a few thousand nodes each


class UnsafeYamlError(ConstructorError):
    """A YAML document that parses but is refused by the safe loader (alias, duplicate key, huge number …)."""

    def __init__(self, problem: str, mark: Any = None) -> None:
        super().__init__(None, None, problem, mark)


class _Checks:
    """The refusals, mixed into both the pure-Python and the libyaml-based safe loaders."""

    def construct_mapping(self, node: Any, deep: bool = False) -> Any:
        if isinstance(node, yaml.MappingNode):
            seen: dict[Any, Any] = {}
            for key_node, _ in node.value:
                if key_node.tag == "tag:yaml.org,2002:merge":
                    raise UnsafeYamlError("YAML merge keys (<<) are not accepted", key_node.start_mark)
                if isinstance(key_node, yaml.ScalarNode):
                    key = (key_node.tag, key_node.value)
                    if key in seen:
                        raise UnsafeYamlError(f"the key {key_node.value!r} is given twice in this mapping (first on "
                                              f"line {seen[key].line + 1})", key_node.start_mark)
                    seen[key] = key_node.start_mark
        return super().construct_mapping(node, deep=deep)  # type: ignore[misc]

    def construct_yaml_int(self, node: Any) -> int:
        digits = sum(ch.isdigit() for ch in str(node.value))
        if digits > MAX_INT_DIGITS:
            raise UnsafeYamlError(f"an integer of {digits:,} digits (at most {MAX_INT_DIGITS} are accepted)",
                                  node.start_mark)
        return int(super().construct_yaml_int(node))  # type: ignore[misc]

    def construct_yaml_float(self, node: Any) -> float:
        value = float(super().construct_yaml_float(node))  # type: ignore[misc]
        if not math.isfinite(value):
            raise UnsafeYamlError(f"{node.value!r} is not a finite number (infinite, not-a-number and out-of-range "
                                  "values are refused)", node.start_mark)
        return value


class _PythonLoader(_Checks, yaml.SafeLoader):
    pass


class _FastLoader(_Checks, getattr(yaml, "CSafeLoader", yaml.SafeLoader)):  # type: ignore[misc]
    pass


for _loader in (_PythonLoader, _FastLoader):
    _loader.add_constructor("tag:yaml.org,2002:int", _Checks.construct_yaml_int)
    _loader.add_constructor("tag:yaml.org,2002:float", _Checks.construct_yaml_float)


def load_yaml(text: str | bytes, *, bundled: bool = False) -> Any:
    """Parse one YAML document safely (see the module doc); raises ``yaml.YAMLError`` (:class:`UnsafeYamlError`
    for what is refused on purpose, bytes that are not UTF-8 included).

    ``bundled``: a file shipped with the tool, parsed with libyaml (~10x faster; the same checks apply).
    """
    size = len(text.encode("utf-8") if isinstance(text, str) else text)
    if size > MAX_YAML_BYTES:
        raise UnsafeYamlError(f"the YAML document is {size:,} bytes; at most {MAX_YAML_BYTES:,} are accepted")
    if isinstance(text, bytes):
        try:
            text = text.decode("utf-8-sig")
        except UnicodeDecodeError as exc:
            raise UnsafeYamlError(f"the file is not UTF-8 text ({exc.reason} at byte {exc.start})") from exc
    loader = (_FastLoader if bundled else _PythonLoader)(text)
    try:
        try:
            node = loader.get_single_node()
        except RecursionError as exc:
            raise UnsafeYamlError("the YAML document is nested too deeply") from exc
        if node is None:
            return None
        _check_expansion(node)
        return loader.construct_document(node)
    finally:
        loader.dispose()


def _check_expansion(root: Any) -> None:
    """Refuse a node graph (aliases make it a graph) that would expand to more than MAX_EXPANDED_NODES nodes, or
    that contains itself; computed once per distinct node, without recursion."""
    sizes: dict[int, int] = {}
    open_nodes: set[int] = set()
    stack: list[tuple[Any, bool]] = [(root, False)]
    while stack:
        node, children_done = stack.pop()
        key = id(node)
        if key in sizes:
            continue
        children = _children(node)
        if children_done:
            open_nodes.discard(key)
            sizes[key] = 1 + sum(sizes[id(child)] for child in children)
            if sizes[key] > MAX_EXPANDED_NODES:
                raise UnsafeYamlError(f"the YAML aliases expand to more than {MAX_EXPANDED_NODES:,} nodes",
                                      node.start_mark)
            continue
        if key in open_nodes:
            raise UnsafeYamlError("a YAML alias refers to a node that contains it", node.start_mark)
        open_nodes.add(key)
        stack.append((node, True))
        for child in children:
            if id(child) in open_nodes:
                raise UnsafeYamlError("a YAML alias refers to a node that contains it", child.start_mark)
            if id(child) not in sizes:
                stack.append((child, False))


def _children(node: Any) -> list[Any]:
    if isinstance(node, yaml.SequenceNode):
        return list(node.value)
    if isinstance(node, yaml.MappingNode):
        return [part for pair in node.value for part in pair]
    return []
