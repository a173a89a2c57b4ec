"""The README's three ways into the frontend are the files in js/examples/ that the browser tests run
(tests/browser/test_npm_examples.py, test_npm_react.py), byte for byte."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
SECTION = "## Frontend: the `<pandium-embed>` element"


def frontend_blocks() -> dict[str, str]:
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    section = text.split(SECTION, 1)[1].split("\n## ", 1)[0]
    blocks: dict[str, str] = {}
    for language, body in re.findall(r"```(\w+)\n(.*?)```", section, re.DOTALL):
        blocks.setdefault(language, body)
    return blocks


@pytest.mark.parametrize(
    ("language", "example"), [("html", "script-tag.html"), ("js", "bundled.js"), ("jsx", "react.jsx")]
)
def test_each_way_in_is_an_example_the_tests_run(language: str, example: str) -> None:
    assert frontend_blocks()[language] == (ROOT / "js" / "examples" / example).read_text(encoding="utf-8")
    assert example in (ROOT / "tests" / "browser" / "test_npm_examples.py").read_text(encoding="utf-8") + (
        ROOT / "tests" / "browser" / "test_npm_react.py"
    ).read_text(encoding="utf-8")
