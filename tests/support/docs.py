"""The docs' code: every block on the site and in the README is a file under docs/ that a test runs."""

from __future__ import annotations

import importlib.util
import re
import sys
from pathlib import Path
from types import ModuleType

import pytest

from pandium_embed.mock.mock_server import MockPandiumServer

ROOT = Path(__file__).resolve().parents[2]
DOCS = ROOT / "docs"
EXAMPLES = DOCS / "examples"
RECIPES = DOCS / "recipes"
README = ROOT / "README.md"


def example(name: str) -> str:
    """The text of docs/examples/<name>, as the docs page includes it."""
    return (EXAMPLES / name).read_text(encoding="utf-8")


# Fenced blocks in Markdown: ```lang\n...```, also indented (inside a content tab).
FENCE = re.compile(r"^[ \t]*```([\w+-]*)\n(.*?)^[ \t]*```", re.DOTALL | re.MULTILINE)


def run_file(
    path: Path,
    monkeypatch: pytest.MonkeyPatch,
    *,
    env: dict[str, str] | None = None,
    modules: dict[str, ModuleType] | None = None,
) -> ModuleType:
    """Run a docs file afresh as a module, as a reader would, with ``env`` set and ``modules`` importable."""
    for key, value in (env or {}).items():
        monkeypatch.setenv(key, value)
    for name, module in (modules or {}).items():
        monkeypatch.setitem(sys.modules, name, module)
    spec = importlib.util.spec_from_file_location(f"pandium_docs_{path.parent.name}_{path.stem}", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    # Registered while the test runs: frameworks look their app's module up by name.
    monkeypatch.setitem(sys.modules, spec.name, module)
    spec.loader.exec_module(module)
    return module


def code_blocks(markdown: str) -> list[tuple[str, str]]:
    """``(language, text)`` of each fenced block."""
    return [(match.group(1), match.group(2)) for match in FENCE.finditer(markdown)]


def mock_environment(mock: MockPandiumServer, secret: str) -> dict[str, str]:
    """The environment an example reads (``PandiumConfig.from_env()``, the REST API's key and URL),
    pointed at a running stand-in signed with ``secret``."""
    return {
        "PANDIUM_ORG": mock.org,
        "PANDIUM_SHARED_SECRET": secret,
        "PANDIUM_MARKETPLACE_BASE_URL": mock.url,
        "PANDIUM_INSTALL_BASE_URL": mock.url,
        "PANDIUM_CONNECT_BASE_URL": mock.url,
        "PANDIUM_API_KEY": mock.api_key,
        "PANDIUM_API_URL": mock.url,
    }
