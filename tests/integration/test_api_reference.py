"""The API reference covers both packages: every public Python name has a `:::` entry in docs/reference.md
(rendered by mkdocstrings), and every export of every npm entry point is on the JavaScript pages that
TypeDoc writes into docs/js-reference/ from the declarations the package ships (`make reference`)."""

from __future__ import annotations

import importlib
import json
import re
import subprocess
from pathlib import Path
from typing import Any

from tests.support.docs import DOCS, ROOT

TYPEDOC = ROOT / "typedoc"
JS_REFERENCE = DOCS / "js-reference"
PYTHON_REFERENCE = DOCS / "reference.md"
# The modules a user imports from: every name in their __all__ is public API.
PUBLIC_MODULES = [
    "pandium_embed",
    "pandium_embed.api",
    "pandium_embed.mock",
    "pandium_embed.schema",
    "pandium_embed.sessions",
    "pandium_embed.testing",
    "pandium_embed.wsgi",
]
# Public names that live in a module of their own, named by the docs pages.
PUBLIC_NAMES = [
    "pandium_embed.loader.browser_settings",
    "pandium_embed.telemetry.Telemetry",
    "pandium_embed.mock.mock_server.MockPandiumServer",
    "pandium_embed.mock.pytest_plugin.pandium_mock",
    "pandium_embed.mock.pytest_plugin.pandium_mock_options",
    "pandium_embed.testing.chromium.chromium_path",
    "pandium_embed.testing.server.BackgroundServer",
]


def run(command: list[str], cwd: Path) -> str:
    done = subprocess.run(command, cwd=cwd, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, f"{' '.join(command)} failed:\n{done.stdout[-3000:]}\n{done.stderr[-3000:]}"
    return done.stdout


def typedoc_options() -> dict[str, Any]:
    """typedoc/typedoc.json, whose `//` comment lines JSON does not allow."""
    text = (TYPEDOC / "typedoc.json").read_text(encoding="utf-8")
    options: dict[str, Any] = json.loads(
        "\n".join(line for line in text.splitlines() if not line.strip().startswith("//"))
    )
    return options


def js_exports() -> dict[str, list[str]]:
    """Entry point (`pandium-embed/react`) -> the names it exports, as TypeScript's checker reads them."""
    assert (TYPEDOC / "node_modules" / "typescript").is_dir(), "run `make node_modules` (npm ci) first"
    exported: dict[str, list[str]] = json.loads(run(["node", "exports.mjs"], TYPEDOC))
    return exported


def files(directory: Path) -> dict[str, bytes]:
    return {path.relative_to(directory).as_posix(): path.read_bytes() for path in directory.rglob("*.md")}


def test_the_js_reference_is_a_fresh_typedoc_run_over_the_shipped_declarations(tmp_path: Path) -> None:
    run(
        [str(TYPEDOC / "node_modules" / ".bin" / "typedoc"), "--options", "typedoc.json", "--out", str(tmp_path)],
        TYPEDOC,
    )
    fresh, committed = files(tmp_path), files(JS_REFERENCE)
    assert sorted(fresh) == sorted(committed), (
        "docs/js-reference/ has other pages than TypeDoc writes: run `make reference`"
    )
    stale = [name for name in fresh if fresh[name] != committed[name]]
    assert stale == [], f"docs/js-reference/ is not TypeDoc's output for js/dist/types ({stale}): run `make reference`"


def test_typedoc_reads_every_entry_point_of_the_package_and_nothing_else() -> None:
    manifest = json.loads((ROOT / "js" / "package.json").read_text(encoding="utf-8"))
    shipped = {
        (ROOT / "js" / target["types"]).resolve() for target in manifest["exports"].values() if isinstance(target, dict)
    }
    assert {(TYPEDOC / entry).resolve() for entry in typedoc_options()["entryPoints"]} == shipped


def test_every_js_export_is_in_the_reference() -> None:
    exported = js_exports()
    assert set(exported) == {"pandium-embed", "pandium-embed/pure", "pandium-embed/react", "pandium-embed/testing"}
    nav = (ROOT / "mkdocs.yml").read_text(encoding="utf-8")
    for module, names in exported.items():
        assert len(names) >= 3, module
        page = JS_REFERENCE / f"{module}.md"
        assert f"js-reference/{module}.md" in nav, f"mkdocs.yml's nav does not list docs/js-reference/{module}.md"
        text = page.read_text(encoding="utf-8")
        assert text.startswith(f"# {module}\n"), page
        for name in names:
            # TypeDoc's heading for the name (a call has parentheses), after the anchor links point at
            # (numbered when a heading before it has the same slug).
            anchor = rf'<a id="{re.escape(name.lower())}(-\d+)?"></a>'
            shown = re.escape(name.replace("_", "\\_"))
            heading = re.compile(rf"^{anchor}\n\n#+ {shown}(\(\))?$", re.MULTILINE)
            assert heading.search(text), f"{module}: `{name}` is exported but not in docs/js-reference/{module}.md"


def documented_python() -> list[str]:
    return re.findall(r"^::: ([\w.]+)$", PYTHON_REFERENCE.read_text(encoding="utf-8"), re.MULTILINE)


def resolve(dotted: str) -> object:
    """The object a `::: a.b.C` line documents: the longest importable module, then attributes."""
    parts = dotted.split(".")
    for split in range(len(parts) - 1, 0, -1):
        try:
            found: object = importlib.import_module(".".join(parts[:split]))
        except ModuleNotFoundError:
            continue
        for attribute in parts[split:]:
            found = getattr(found, attribute)
        return found
    raise AssertionError(f"{dotted} names no importable module")


def test_every_public_python_name_is_in_the_reference() -> None:
    entries = documented_python()
    objects = [resolve(entry) for entry in entries]
    public = [f"{module}.{name}" for module in PUBLIC_MODULES for name in importlib.import_module(module).__all__]
    missing = []
    for dotted in [*public, *PUBLIC_NAMES]:
        # Listed under its own name, or under a name that is the same object (a re-export).
        target = resolve(dotted)
        if dotted not in entries and not any(documented is target for documented in objects):
            missing.append(dotted)
    assert missing == [], f"public names missing from docs/reference.md: {missing}"
    assert "pandium_embed.loader.browser_settings" in entries


def test_the_python_reference_points_at_the_javascript_one() -> None:
    assert "](js-reference/index.md)" in PYTHON_REFERENCE.read_text(encoding="utf-8")
