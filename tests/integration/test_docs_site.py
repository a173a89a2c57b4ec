"""The docs site (mkdocs.yml, docs/): it builds with --strict and no warnings, and every code block on it
is a file under docs/examples/ or docs/recipes/ that a test runs, pulled in by pymdownx.snippets."""

from __future__ import annotations

import html
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from pandium_embed.responses import ERRORS
from tests.support.docs import DOCS, EXAMPLES, README, RECIPES, ROOT, code_blocks

# Written by `make bench` (bench/report.py): its one block lists the Makefile's bench commands.
GENERATED_PAGES = {"BENCHMARKS.md"}
# docs/examples/, docs/recipes/, or files the repository's own tests run: the sample host app
# (examples/sample_host/) and the loader's examples (js/examples/).
SNIPPET = re.compile(r'^--8<-- "((?:examples|recipes|js/examples)/[\w./-]+)"$')
PAGES = sorted(path for path in DOCS.glob("*.md"))


def included_files() -> dict[str, list[str]]:
    """docs file (relative to docs/) -> the pages that include it."""
    found: dict[str, list[str]] = {}
    for page in PAGES:
        for _, text in code_blocks(page.read_text(encoding="utf-8")):
            for line in text.splitlines():
                match = SNIPPET.match(line.strip())
                if match:
                    found.setdefault(match.group(1), []).append(page.name)
    return found


def shown_files() -> list[Path]:
    return sorted(path for folder in (EXAMPLES, RECIPES) for path in folder.iterdir() if path.is_file())


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("site")
    result = subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "--strict", "--site-dir", str(out)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
        env={**os.environ, "NO_MKDOCS_2_WARNING": "1"},
    )
    assert result.returncode == 0, result.stdout + result.stderr
    # Zero warnings, not only zero errors (--strict turns mkdocs' own warnings into errors; this also
    # catches what plugins print).
    assert "WARNING" not in result.stdout + result.stderr, result.stderr
    return out


@pytest.mark.parametrize("page", [page.name for page in PAGES if page.name not in GENERATED_PAGES])
def test_every_code_block_on_the_site_is_a_tested_file(page: str) -> None:
    blocks = code_blocks((DOCS / page).read_text(encoding="utf-8"))
    for language, text in blocks:
        lines = [line.strip() for line in text.splitlines()]
        assert len(lines) == 1 and SNIPPET.match(lines[0]), (
            f"{page}: a ```{language} block must be one --8<-- line naming a file in docs/examples/ "
            f"or docs/recipes/ that a test runs, not pasted code:\n{text}"
        )
        included = SNIPPET.match(lines[0]).group(1)  # type: ignore[union-attr]
        assert (DOCS / included).is_file() or (ROOT / included).is_file(), included


@pytest.mark.parametrize("path", shown_files(), ids=lambda path: f"{path.parent.name}/{path.name}")
def test_every_docs_file_is_shown_and_run_by_a_test(path: Path) -> None:
    relative = f"{path.parent.name}/{path.name}"
    in_readme = any(text == path.read_text(encoding="utf-8") for _, text in code_blocks(README.read_text("utf-8")))
    assert relative in included_files() or in_readme, f"{relative} is shown on no page and not in the README"
    tests = ROOT / "tests"
    users = [
        test
        for test in tests.rglob("*.py")
        if test.name != Path(__file__).name and path.name in test.read_text(encoding="utf-8")
    ]
    users += [test for test in tests.rglob("*.py") if f'load_recipe("{path.stem}"' in test.read_text(encoding="utf-8")]
    assert users, f"no test names docs/{relative}"


def test_the_nav_lists_every_page() -> None:
    config = (ROOT / "mkdocs.yml").read_text(encoding="utf-8")
    nav = config.split("\nnav:\n", 1)[1].split("\n\n", 1)[0]
    listed = set(re.findall(r"^  - [^:]+: ([\w.-]+\.md)$", nav, re.MULTILINE))
    assert listed == {page.name for page in PAGES}


def test_the_site_shows_the_included_code_and_the_api(site: Path) -> None:
    # The snippets were expanded (a comment is one highlighted token, so it survives as text).
    started = html.unescape((site / "getting-started" / "index.html").read_text(encoding="utf-8"))
    assert "# add_middleware() wraps what is already there" in started
    assert "--8&lt;--" not in (site / "getting-started" / "index.html").read_text(encoding="utf-8")
    frameworks = html.unescape((site / "frameworks" / "index.html").read_text(encoding="utf-8"))
    assert "Litestar runs its middleware only for its own routes" in frameworks
    reference = (site / "reference" / "index.html").read_text(encoding="utf-8")
    for name in (
        "pandium_embed.PandiumMiddleware",
        "pandium_embed.PandiumConfig.from_env",
        "pandium_embed.api.verify_tenant",
        "pandium_embed.mock.mock_server.MockPandiumServer",
        "pandium_embed.mock.pytest_plugin.pandium_mock",
        "pandium_embed.testing.server.BackgroundServer",
    ):
        assert f'id="{name}"' in reference, name
    # The docstrings themselves, not only the headings.
    assert "returns the signed-in" in html.unescape(reference)
    assert 'id="pandium_embed.loader.browser_settings"' in reference
    # The JavaScript reference (TypeDoc's pages), with its anchors and the declarations' comments.
    element = html.unescape((site / "js-reference" / "pandium-embed" / "index.html").read_text(encoding="utf-8"))
    pure = html.unescape((site / "js-reference" / "pandium-embed" / "pure" / "index.html").read_text(encoding="utf-8"))
    # The main entry re-exports pandium-embed/pure's names; their comments are on pure's page.
    assert 'id="configure"' in element and 'href="pure/#configure"' in element
    assert 'id="configure"' in pure and "Set the trusted Pandium origins" in pure
    react = (site / "js-reference" / "pandium-embed" / "react" / "index.html").read_text(encoding="utf-8")
    assert 'id="usepandiumpopup"' in react
    # TypeDoc escapes `<` CommonMark's way (`PandiumCallback\<PandiumLoadDetail\>`): read as an escape
    # (pymdownx.escapeall), not shown as a stray backslash.
    assert "&lt;" in react and "\\&lt;" not in react


def test_the_site_reads_the_same_offline(site: Path) -> None:
    # No web fonts from a CDN (theme.font: false): every page renders with the system's fonts offline.
    for page in site.rglob("*.html"):
        text = page.read_text(encoding="utf-8")
        assert "fonts.googleapis.com" not in text and "fonts.gstatic.com" not in text, page


def test_the_errors_table_matches_the_middlewares_answers() -> None:
    text = (DOCS / "backend.md").read_text(encoding="utf-8")
    section = text.split("## Errors", 1)[1].split("\n## ", 1)[0]
    rows = re.findall(r"^\| `(\d{3})` \| `([a-z-]+)` \|", section, re.MULTILINE)
    assert len(rows) >= 8
    for status, reason in rows:
        assert ERRORS[reason][0] == int(status), reason


def test_each_troubleshooting_entry_says_what_why_fix_and_how_to_confirm() -> None:
    text = (DOCS / "troubleshooting.md").read_text(encoding="utf-8")
    entries = dict(re.findall(r"^## (.+?)\n(.*?)(?=^## |\Z)", text, re.MULTILINE | re.DOTALL))
    # The first section is the command that confirms them, not a symptom.
    entries.pop("Check a deployment: `pandium-embed doctor`")
    # The symptoms a newcomer met, each keyed by what they see.
    for symptom in (
        "A browser error page in the frame",
        "A 500 and a log line about `SessionMiddleware`",
        "Frames with no events",
        "An element that never appears",
        "The popup opens, but no events arrive",
        "A 401 after sign-out",
    ):
        assert symptom in entries, symptom
    for title, body in entries.items():
        labels = re.findall(r"^\*\*(What you see|Why|The fix|How to confirm)\.\*\*", body, re.MULTILINE)
        assert labels == ["What you see", "Why", "The fix", "How to confirm"], title
