"""The declarations generated from js/src/ (js/dist/types/) type the element and its events:
js/types-test.ts compiles under --strict against them, and each of its @ts-expect-error lines is a real
error (not a directive TypeScript would ignore)."""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
TSC = ROOT / "node_modules" / ".bin" / "tsc"
JS = ROOT / "js"
TYPES = JS / "dist" / "types"
CONFIG = "tsconfig.types-test.json"
DIRECTIVE = "// @ts-expect-error"


def tsc(*args: str) -> subprocess.CompletedProcess[str]:
    assert TSC.is_file(), "TypeScript is not installed: run `make node_modules` (npm ci) first."
    return subprocess.run([str(TSC), *args], cwd=ROOT, capture_output=True, text=True, timeout=300)


def test_the_type_test_compiles_under_strict() -> None:
    result = tsc("-p", f"js/{CONFIG}")
    assert result.returncode == 0, result.stdout + result.stderr
    assert '"strict": true' in (JS / CONFIG).read_text(encoding="utf-8")
    assert '"./dist/types/index"' in (JS / "types-test.ts").read_text(encoding="utf-8")


def test_every_expect_error_line_really_errors(tmp_path: Path) -> None:
    lines = (JS / "types-test.ts").read_text(encoding="utf-8").splitlines()
    directives = [number for number, line in enumerate(lines, start=1) if line.strip().startswith(DIRECTIVE)]
    assert len(directives) >= 5
    # Without the directives, each line that followed one must fail to compile, and nothing else.
    stripped = [line for line in lines if not line.strip().startswith(DIRECTIVE)]
    expected = sorted(number - index for index, number in enumerate(directives))
    shutil.copytree(TYPES, tmp_path / "dist" / "types")
    shutil.copy(JS / CONFIG, tmp_path / CONFIG)
    (tmp_path / "types-test.ts").write_text("\n".join(stripped) + "\n", encoding="utf-8")
    result = tsc("-p", str(tmp_path / CONFIG))
    assert result.returncode != 0
    failing = sorted({int(m) for m in re.findall(r"types-test\.ts\((\d+),\d+\): error", result.stdout)})
    assert failing == expected, result.stdout


def test_without_the_declarations_the_events_are_untyped(tmp_path: Path) -> None:
    # The positive lines rely on the generated declarations: replace them and they no longer compile.
    shutil.copy(JS / "types-test.ts", tmp_path / "types-test.ts")
    (tmp_path / "dist" / "types").mkdir(parents=True)
    (tmp_path / "dist" / "types" / "index.d.ts").write_text(
        "export type PandiumEmbedElement = HTMLElement;\n"
        "export type PandiumErrorDetail = unknown;\nexport type PandiumSuccessDetail = unknown;\n",
        encoding="utf-8",
    )
    shutil.copy(JS / CONFIG, tmp_path / CONFIG)
    result = tsc("-p", str(tmp_path / CONFIG))
    assert result.returncode != 0
    assert "Property 'detail' does not exist" in result.stdout or "'detail'" in result.stdout, result.stdout
