"""The package's import graph: no module imports names from a package face (an ``__init__``) it lives
in, and no modules import each other in a circle. Read from the source, every import counted (the ones
inside functions too: a lazy import hides a circle, it does not remove it)."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[2] / "pandium_embed"


def modules() -> dict[str, Path]:
    found = {}
    for path in PACKAGE.rglob("*.py"):
        parts = list(path.relative_to(PACKAGE.parent).with_suffix("").parts)
        if parts[-1] == "__init__":
            parts.pop()
        found[".".join(parts)] = path
    return found


def imports(name: str, path: Path, known: dict[str, Path]) -> set[str]:
    """The package's modules and package faces that ``name`` imports."""
    package = name.split(".") if path.name == "__init__.py" else name.split(".")[:-1]
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom):
            base = package[: len(package) - node.level + 1] if node.level else []
            target = ".".join(base + ([node.module] if node.module else []))
            if target.split(".")[0] != "pandium_embed":
                continue
            for alias in node.names:
                submodule = f"{target}.{alias.name}"
                found.add(submodule if submodule in known else target)
        elif isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names if alias.name.split(".")[0] == "pandium_embed")
    return found


def graph() -> dict[str, set[str]]:
    known = modules()
    return {name: imports(name, path, known) & set(known) for name, path in known.items()}


def faces_imported_from_inside(edges: dict[str, set[str]]) -> list[tuple[str, str]]:
    faces = {name for name, path in modules().items() if path.name == "__init__.py"}
    return sorted(
        (name, target)
        for name, targets in edges.items()
        for target in targets
        if target in faces and name != target and name.startswith(target + ".")
    )


def circles(edges: dict[str, set[str]]) -> list[list[str]]:
    found: list[list[str]] = []
    done: set[str] = set()

    def visit(name: str, path: list[str]) -> None:
        for target in sorted(edges[name]):
            if target in path:
                found.append([*path[path.index(target) :], target])
            elif target not in done:
                visit(target, [*path, target])
        done.add(name)

    for name in sorted(edges):
        if name not in done:
            visit(name, [name])
    return found


def test_no_module_imports_the_face_of_its_own_package() -> None:
    assert faces_imported_from_inside(graph()) == []


def starlette_imports(path: Path) -> set[str]:
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom) and not node.level and (node.module or "").startswith("starlette"):
            found.add(node.module or "")
        elif isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names if alias.name.startswith("starlette"))
    return found


@pytest.mark.parametrize("module", ["routes", "responses", "wsgi"])
def test_the_shared_routes_answer_with_a_value_no_door_has_to_unpack(module: str) -> None:
    # The answer is responses.Answer (status, header lines, body), which each door writes its own way;
    # no Starlette Response for the WSGI door to take apart.
    assert not {name for name in starlette_imports(PACKAGE / f"{module}.py") if name.startswith("starlette.responses")}


def test_no_modules_import_each_other_in_a_circle() -> None:
    assert circles(graph()) == []


@pytest.mark.parametrize(
    ("edges", "faces", "loops"),
    [
        # What telemetry did: a lazy `from . import __version__`, and the face imports the door.
        (
            {"pandium_embed": {"pandium_embed.asgi"}, "pandium_embed.asgi": {"pandium_embed.telemetry"}}
            | {"pandium_embed.telemetry": {"pandium_embed"}},
            [("pandium_embed.telemetry", "pandium_embed")],
            [["pandium_embed", "pandium_embed.asgi", "pandium_embed.telemetry", "pandium_embed"]],
        ),
        ({"pandium_embed": {"pandium_embed.asgi"}, "pandium_embed.asgi": set()}, [], []),
    ],
)
def test_the_checks_find_a_face_import_and_a_circle(
    edges: dict[str, set[str]], faces: list[tuple[str, str]], loops: list[list[str]]
) -> None:
    assert faces_imported_from_inside(edges) == faces
    assert circles(edges) == loops
