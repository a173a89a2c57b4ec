"""The Testing page shows the sample host's files the suite runs (included, so byte for byte), and its
scenario table names every scenario field."""

from __future__ import annotations

import re

from tests.support.docs import DOCS, ROOT

TESTING = DOCS / "testing.md"
# Run by tests/browser/test_testing_kit.py: the Python files by the sample host's own pytest, the
# TypeScript ones by @playwright/test.
SHOWN = {
    "examples/sample_host/conftest.py": "python",
    "examples/sample_host/test_install.py": "python",
    "examples/sample_host/test_failures.py": "python",
    "examples/sample_host/node/playwright.config.ts": "ts",
    "examples/sample_host/node/failures.spec.ts": "ts",
}
INCLUDE = re.compile(r'^```(\w+)\n--8<-- "(examples/sample_host/\S+)"\n```$', re.MULTILINE)


def test_the_testing_page_includes_each_sample_file() -> None:
    included = {path: language for language, path in INCLUDE.findall(TESTING.read_text(encoding="utf-8"))}
    assert included == SHOWN
    for path in SHOWN:
        # Found in the repository, not shadowed by a file of the same name under docs/.
        assert (ROOT / path).is_file() and not (DOCS / path).exists(), path


def test_every_scenario_field_is_in_the_table() -> None:
    from pandium_embed.mock.scenarios import FIELDS

    text = TESTING.read_text(encoding="utf-8")
    for field in FIELDS:
        assert re.search(rf"^\| `{field}=", text, re.MULTILINE), field
