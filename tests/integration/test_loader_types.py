"""The declarations generated from js/src/ (js/dist/types/) type the element and its events:
js/types-test.ts compiles under --strict against them, and each of its @ts-expect-error lines is a real
error (not a directive TypeScript would ignore)."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
TSC = ROOT / "node_modules" / ".bin" / "tsc"
JS = ROOT / "js"
TYPES = JS / "dist" / "types"
CONFIG = "tsconfig.types-test.json"
TYPE_TESTS = ("types-test.ts", "types-test-react.tsx")
# `// @ts-expect-error`, or `{/* @ts-expect-error */}` inside JSX.
DIRECTIVE = re.compile(r"^\s*(// |\{/\* )@ts-expect-error")


def tsc(*args: str) -> subprocess.CompletedProcess[str]:
    assert TSC.is_file(), "TypeScript is not installed: run `make node_modules` (npm ci) first."
    return subprocess.run([str(TSC), *args], cwd=ROOT, capture_output=True, text=True, timeout=300)


def test_the_type_test_compiles_under_strict() -> None:
    result = tsc("-p", f"js/{CONFIG}")
    assert result.returncode == 0, result.stdout + result.stderr
    assert '"strict": true' in (JS / CONFIG).read_text(encoding="utf-8")
    assert '"./dist/types/index"' in (JS / "types-test.ts").read_text(encoding="utf-8")


def isolated(directory: Path) -> Path:
    """The type tests' set-up in ``directory`` (their tsconfig, resolving React's types from this
    checkout); returns the tsconfig to compile."""
    settings = json.loads((JS / CONFIG).read_text(encoding="utf-8"))
    react = ROOT / "node_modules" / "@types" / "react"
    settings["compilerOptions"]["paths"] = {"react": [str(react / "index.d.ts")], "react/*": [str(react) + "/*"]}
    (directory / CONFIG).write_text(json.dumps(settings), encoding="utf-8")
    for name in TYPE_TESTS:
        shutil.copy(JS / name, directory / name)
    return directory / CONFIG


@pytest.mark.parametrize("name", TYPE_TESTS)
def test_every_expect_error_line_really_errors(tmp_path: Path, name: str) -> None:
    lines = (JS / name).read_text(encoding="utf-8").splitlines()
    directives = [number for number, line in enumerate(lines, start=1) if DIRECTIVE.match(line)]
    assert len(directives) >= 5
    # Without the directives, each line that followed one must fail to compile, and nothing else.
    stripped = [line for line in lines if not DIRECTIVE.match(line)]
    expected = sorted(number - index for index, number in enumerate(directives))
    shutil.copytree(TYPES, tmp_path / "dist" / "types")
    config = isolated(tmp_path)
    (tmp_path / name).write_text("\n".join(stripped) + "\n", encoding="utf-8")
    result = tsc("-p", str(config))
    assert result.returncode != 0
    failing = sorted({int(m) for m in re.findall(re.escape(name) + r"\((\d+),\d+\): error", result.stdout)})
    assert failing == expected, result.stdout
    # The other file, left as it is, still compiles.
    elsewhere = re.findall(r"([\w.-]+\.tsx?)\(\d+,\d+\): error", result.stdout)
    assert set(elsewhere) == {name}, result.stdout


def test_without_the_declarations_the_events_are_untyped(tmp_path: Path) -> None:
    # The positive lines rely on the generated declarations: replace them and they no longer compile.
    (tmp_path / "dist" / "types").mkdir(parents=True)
    (tmp_path / "dist" / "types" / "index.d.ts").write_text(
        "export type PandiumEmbedElement = HTMLElement;\n"
        "export type PandiumErrorDetail = unknown;\nexport type PandiumSuccessDetail = unknown;\n",
        encoding="utf-8",
    )
    result = tsc("-p", str(isolated(tmp_path)))
    assert result.returncode != 0
    assert "Property 'detail' does not exist" in result.stdout or "'detail'" in result.stdout, result.stdout
