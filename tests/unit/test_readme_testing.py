"""The README's testing section shows files the suite runs: each block is its file, byte for byte."""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
README = ROOT / "README.md"
# Run by tests/browser/test_testing_kit.py: the Python files by the sample host's own pytest, the
# TypeScript ones by @playwright/test.
SHOWN = {
    "examples/sample_host/conftest.py": "python",
    "examples/sample_host/test_install.py": "python",
    "examples/sample_host/test_failures.py": "python",
    "examples/sample_host/node/playwright.config.ts": "ts",
    "examples/sample_host/node/failures.spec.ts": "ts",
}
BLOCK = re.compile(r"<!-- file:(\S+) -->\n```(\w+)\n(.*?)```\n<!-- /file -->", re.DOTALL)


def test_each_file_block_is_its_file() -> None:
    blocks = BLOCK.findall(README.read_text(encoding="utf-8"))
    assert {path: language for path, language, _ in blocks} == SHOWN
    for path, _, body in blocks:
        assert body == (ROOT / path).read_text(encoding="utf-8"), path


def test_the_blocks_sit_in_the_testing_section() -> None:
    text = README.read_text(encoding="utf-8")
    section = text.split("\n## Testing your integration with MockPandium\n", 1)[1].split("\n## ", 1)[0]
    for path in SHOWN:
        assert f"<!-- file:{path} -->" in section


def test_every_scenario_field_is_in_the_table() -> None:
    from pandium_embed.mock.scenarios import FIELDS

    text = README.read_text(encoding="utf-8")
    for field in FIELDS:
        assert re.search(rf"^\| `{field}=", text, re.MULTILINE), field
