"""The package's layers, drawn from its imports: they point down, and nothing imports itself in a circle.

Only imports that run when a module is loaded count (module level, outside ``if TYPE_CHECKING``);
an import inside a function is how a lower layer takes something from above on first use.
"""

from __future__ import annotations

import ast
from pathlib import Path

PACKAGE = Path(__file__).resolve().parent.parent / "cognito_spec"

#: Bottom to top.  A module may import from its own layer and the layers below it.
LAYERS = (
    ("errors", "_hypothesis"),
    ("model",),
    ("shapes", "operations"),
    ("patterns",),
    ("codec",),
    ("schema", "validation"),
    ("protocol",),
    ("tokens",),
    ("traffic",),
    ("fixtures",),
    ("probe",),
    ("strategies", "cli", "__main__"),
)


def _name(path: Path) -> str:
    parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _is_module(name: str) -> bool:
    base = PACKAGE.parent / name.replace(".", "/")
    return base.with_suffix(".py").exists() or (base / "__init__.py").exists()


def _imports(path: Path) -> set[str]:
    out: set[str] = set()
    for node in ast.parse(path.read_text(encoding="utf-8")).body:
        if isinstance(node, ast.ImportFrom) and node.module and node.module.startswith("cognito_spec"):
            for alias in node.names:  # ``from pkg import submodule`` imports the submodule
                sub = f"{node.module}.{alias.name}"
                out.add(sub if _is_module(sub) else node.module)
        elif isinstance(node, ast.Import):
            out |= {a.name for a in node.names if a.name.startswith("cognito_spec")}
    return out


GRAPH = {_name(p): _imports(p) for p in PACKAGE.rglob("*.py")}


def _layer(module: str) -> int:
    if module == "cognito_spec":
        return len(LAYERS)  # the root reaches everything lazily; nothing imports it at load time
    top = module.split(".")[1]
    for i, names in enumerate(LAYERS):
        if top in names:
            return i
    raise AssertionError(f"{module} is in no layer: add it to LAYERS")


def test_every_module_is_in_a_layer_and_imports_point_down() -> None:
    upward = sorted(
        (m, o) for m, outs in GRAPH.items() for o in outs if _layer(o) > _layer(m) and not o.startswith(m)
    )
    assert upward == []


def test_no_module_imports_itself_in_a_circle() -> None:
    done: set[str] = set()
    circles: list[list[str]] = []

    def walk(module: str, path: list[str]) -> None:
        for nxt in sorted(GRAPH.get(module, ())):
            if nxt in path:
                circles.append([*path[path.index(nxt) :], nxt])
            elif nxt not in done and nxt in GRAPH:
                walk(nxt, [*path, nxt])
        done.add(module)

    for module in sorted(GRAPH):
        if module not in done:
            walk(module, [module])
    assert circles == []


def test_no_module_outgrows_one_job() -> None:
    """About 600 lines at most, generated files aside (tables and classes of the model: their size is
    the model's; the kinds table of check.py is documentation)."""
    generated = {"cognito_spec.patterns._unicode_tables"} | {
        _name(p) for p in (PACKAGE / "shapes").glob("*.py")
    }
    long = {
        _name(p): n
        for p in PACKAGE.rglob("*.py")
        if (n := len(p.read_text(encoding="utf-8").splitlines())) > 650 and _name(p) not in generated
    }
    assert long == {}
