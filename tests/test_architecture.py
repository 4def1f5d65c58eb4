"""The shape of the package, checked: no import circle, no module over 400 lines, no public function with more than
8 parameters outside the click commands (they build the shared request instead; see docs/architecture.md)."""

from __future__ import annotations

import ast
import importlib
import inspect
import pkgutil
from pathlib import Path

import hpdgenomics

PACKAGE = Path(hpdgenomics.__file__).parent
MAX_LINES = 400
MAX_PARAMETERS = 8
# Modules that another change of this milestone is splitting; an entry must go once its module is short again.
PENDING_SPLIT = {
}


def _module_name(path: Path) -> str:
    parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _modules() -> dict[str, Path]:
    return {_module_name(path): path for path in sorted(PACKAGE.rglob("*.py"))}


def _imports(name: str, path: Path, known: set[str]) -> set[str]:
    """The package modules ``name`` imports, at any depth of its code (function-level imports count too)."""
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        targets: list[str] = []
        if isinstance(node, ast.Import):
            targets = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.split(".")[: len(package.split(".")) - node.level + 1]
                base = ".".join([*anchor, base] if base else anchor)
            targets = [base] + [f"{base}.{alias.name}" for alias in node.names]
        for target in targets:
            while target and target not in known:
                target = target.rpartition(".")[0]
            if target and target != name and not name.startswith(target + "."):
                found.add(target)  # a module importing its own package's __init__ is not a circle of interest
    return found


def _cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected components of more than one module (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    result: list[list[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for other in sorted(graph[node]):
            if other not in index:
                visit(other)
                low[node] = min(low[node], low[other])
            elif other in on_stack:
                low[node] = min(low[node], index[other])
        if low[node] == index[node]:
            component = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                component.append(member)
                if member == node:
                    break
            if len(component) > 1:
                result.append(sorted(component))

    for node in sorted(graph):
        if node not in index:
            visit(node)
    return result


def test_cycle_finder_finds_a_circle() -> None:
    assert _cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c"]]
    assert _cycles({"a": {"b"}, "b": set()}) == []


def test_no_import_circle_inside_the_package() -> None:
    modules = _modules()
    known = set(modules)
    graph = {name: _imports(name, path, known) for name, path in modules.items()}
    assert _cycles(graph) == [], (
        "import circles inside hpdgenomics (imports go one way: model <- genome <- readers <- inputs/engine/copynumber "
        "<- report <- request/api <- cohort <- outcomes <- cli; move the shared types to a module both sides import)")


def test_no_module_over_400_lines() -> None:
    long = {str(path.relative_to(PACKAGE.parent)): count for path in sorted(PACKAGE.rglob("*.py"))
            if (count := len(path.read_text(encoding="utf-8").splitlines())) > MAX_LINES}
    new = {path: count for path, count in long.items() if path not in PENDING_SPLIT}
    assert new == {}, (f"modules over {MAX_LINES} lines (the limit holds for new modules too): split each into "
                       "modules with one job each, e.g. types shared by two modules into a third (see "
                       "docs/architecture.md)")
    done = sorted(set(PENDING_SPLIT) - set(long))
    assert done == [], f"these modules are short now: take them out of PENDING_SPLIT in {Path(__file__).name}"


def _public_functions() -> dict[str, object]:
    functions: dict[str, object] = {}
    for info in pkgutil.walk_packages([str(PACKAGE)], prefix="hpdgenomics."):
        if info.name == "hpdgenomics.cli" or info.name.endswith("__main__"):
            continue  # the click commands take one parameter per option and build the request from them
        module = importlib.import_module(info.name)
        for name, value in vars(module).items():
            if name.startswith("_") or getattr(value, "__module__", None) != module.__name__:
                continue
            if inspect.isfunction(value):
                functions[f"{module.__name__}.{name}"] = value
            elif inspect.isclass(value):
                for attribute, member in vars(value).items():
                    member = member.__func__ if isinstance(member, classmethod | staticmethod) else member
                    if inspect.isfunction(member) and (not attribute.startswith("_") or attribute == "__init__") \
                            and not _generated_init(value, attribute):
                        functions[f"{module.__name__}.{name}.{attribute}"] = member
    return functions


def _generated_init(cls: type, attribute: str) -> bool:
    """A dataclass's own ``__init__`` has a parameter per field: a record, not a call with too many options."""
    return attribute == "__init__" and hasattr(cls, "__dataclass_fields__")


def _parameter_count(function: object) -> int:
    parameters = inspect.signature(function).parameters.values()  # type: ignore[arg-type]
    return sum(1 for p in parameters if p.name not in ("self", "cls"))


def test_no_public_function_takes_more_than_8_parameters() -> None:
    functions = _public_functions()
    assert len(functions) > 100  # the walk found the package
    crowded = {name: count for name, function in functions.items()
               if (count := _parameter_count(function)) > MAX_PARAMETERS}
    assert crowded == {}, (f"public functions with more than {MAX_PARAMETERS} parameters: group them in a dataclass "
                           "(options of a run belong in hpdgenomics.request's AnnotateRequest)")
