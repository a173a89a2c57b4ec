"""The Frontend page's three ways in are the files in js/examples/ that the browser tests run
(tests/browser/test_npm_examples.py, test_npm_react.py), included byte for byte."""

from __future__ import annotations

import re

import pytest

from tests.support.docs import DOCS, ROOT

INCLUDE = re.compile(r'^```(\w+)\n--8<-- "js/examples/(\S+)"\n```$', re.MULTILINE)


@pytest.mark.parametrize(
    ("language", "example"), [("html", "script-tag.html"), ("js", "bundled.js"), ("jsx", "react.jsx")]
)
def test_each_way_in_is_an_example_the_tests_run(language: str, example: str) -> None:
    included = INCLUDE.findall((DOCS / "frontend.md").read_text(encoding="utf-8"))
    assert (language, example) in included
    # Found in the repository, not shadowed by a file of the same name under docs/.
    assert (ROOT / "js" / "examples" / example).is_file()
    assert not (DOCS / "js" / "examples" / example).exists()
    assert example in (ROOT / "tests" / "browser" / "test_npm_examples.py").read_text(encoding="utf-8") + (
        ROOT / "tests" / "browser" / "test_npm_react.py"
    ).read_text(encoding="utf-8")
