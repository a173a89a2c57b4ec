"""What the registries show and a release needs: one version for both packages (written once, in
pandium_embed/version.py), a changelog entry for it, one repository and docs address everywhere, package
pages whose links work where they are read (PyPI, npm), and the files a stranger looks for first."""

from __future__ import annotations

import json
import re
import subprocess
import sys
import tomllib
from typing import Any

import pandium_embed
from tests.support.docs import DOCS, ROOT, code_blocks

PYPROJECT: dict[str, Any] = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
URLS: dict[str, str] = PYPROJECT["project"]["urls"]
REPOSITORY = URLS["Source"]
DOCS_SITE = URLS["Documentation"]
NPM_MANIFEST: dict[str, Any] = json.loads((ROOT / "js" / "package.json").read_text(encoding="utf-8"))
NPM_README = ROOT / "js" / "README.md"
# Files whose text a test runs: what the npm README's code blocks must be copies of.
TESTED_JS_FILES = [*(ROOT / "js" / "examples").iterdir(), *(ROOT / "examples" / "sample_host" / "node").glob("*.ts")]
ABSOLUTE = re.compile(r"\]\(([^)\s]+)\)")


def text(name: str) -> str:
    return (ROOT / name).read_text(encoding="utf-8")


def test_both_packages_have_the_one_version() -> None:
    assert PYPROJECT["tool"]["hatch"]["version"]["path"] == "pandium_embed/version.py"
    assert "version" in PYPROJECT["project"]["dynamic"]
    assert NPM_MANIFEST["version"] == pandium_embed.__version__, (
        "js/package.json's version must equal pandium_embed.__version__ (the one place it is written)"
    )


def test_the_changelog_top_entry_is_the_current_version() -> None:
    changelog = text("CHANGELOG.md")
    assert "[Keep a Changelog](https://keepachangelog.com/" in changelog
    releases = re.findall(r"^## \[([^\]]+)\](?: - (\d{4}-\d{2}-\d{2}))?$", changelog, re.MULTILINE)
    assert releases, "CHANGELOG.md has no `## [version] - date` entries"
    # An [Unreleased] section may sit above it; the first released entry is the version being shipped.
    released = [(version, date) for version, date in releases if version != "Unreleased"]
    assert released[0] == (pandium_embed.__version__, released[0][1]) and released[0][1], released[0]
    assert f"[{pandium_embed.__version__}]: {REPOSITORY}/releases/tag/v{pandium_embed.__version__}" in changelog
    for section in re.findall(r"^### (.+)$", changelog, re.MULTILINE):
        assert section in {"Added", "Changed", "Deprecated", "Removed", "Fixed", "Security"}, section


def test_one_repository_and_docs_address_everywhere() -> None:
    assert REPOSITORY.startswith("https://github.com/") and DOCS_SITE.startswith("https://")
    assert set(URLS) >= {"Documentation", "Source", "Changelog", "Issues"}
    assert URLS["Issues"] == f"{REPOSITORY}/issues"
    assert URLS["Changelog"] == f"{REPOSITORY}/blob/main/CHANGELOG.md"
    assert NPM_MANIFEST["repository"]["url"] == f"git+{REPOSITORY}.git"
    assert NPM_MANIFEST["repository"]["directory"] == "js"
    assert NPM_MANIFEST["bugs"]["url"] == URLS["Issues"]
    assert NPM_MANIFEST["homepage"] == DOCS_SITE
    mkdocs = text("mkdocs.yml")
    assert f"\nsite_url: {DOCS_SITE}\n" in mkdocs and f"\nrepo_url: {REPOSITORY}\n" in mkdocs
    assert f"{REPOSITORY}/security/advisories/new" in text("SECURITY.md")
    # Every address of the project's own that a page names is one of these.
    for name in ("README.md", "CHANGELOG.md", "SECURITY.md", "CONTRIBUTING.md", "js/README.md", "pyproject.toml"):
        for url in re.findall(r"https://[\w.-]*pandium-embed[\w./#-]*", text(name)):
            assert url.startswith(
                (
                    REPOSITORY,
                    DOCS_SITE,
                    "https://raw.githubusercontent.com/pandium-embed/pandium-embed/",
                    "https://pypi.org/project/pandium-embed/",
                )
            ), (name, url)


def test_the_metadata_says_what_pypi_lists() -> None:
    classifiers = PYPROJECT["project"]["classifiers"]
    assert "Typing :: Typed" in classifiers and "License :: " not in " ".join(classifiers)  # license = "MIT" (PEP 639)
    floor = re.fullmatch(r">=3\.(\d+)", PYPROJECT["project"]["requires-python"])
    assert floor
    listed = sorted(
        int(c.rsplit(".", 1)[1]) for c in classifiers if re.fullmatch(r"Programming Language :: Python :: 3\.\d+", c)
    )
    assert listed[0] == int(floor.group(1)), "the lowest Python classifier is requires-python's floor"
    assert {"Framework :: FastAPI", "Framework :: Django", "Framework :: Flask"} <= set(classifiers)


def pypi_readme() -> str:
    """The README that PyPI shows, as hatch-fancy-pypi-readme writes it into the package's metadata."""
    done = subprocess.run(
        [sys.executable, "-m", "hatch_fancy_pypi_readme", "pyproject.toml"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 0, done.stderr
    return done.stdout


def test_the_readme_on_pypi_has_only_absolute_links_that_point_at_real_pages() -> None:
    readme = pypi_readme()
    links = ABSOLUTE.findall(readme)
    assert len(links) >= 10
    for link in links:
        assert link.startswith("https://"), f"a relative link is broken on PyPI: {link}"
        if link.startswith(DOCS_SITE) and link != DOCS_SITE:
            page = link.removeprefix(DOCS_SITE).split("#")[0].rstrip("/")
            assert (DOCS / f"{page}.md").is_file() or (DOCS / page / "index.md").is_file(), f"{link}: no such page"
        elif link.startswith("https://raw.githubusercontent.com/pandium-embed/pandium-embed/main/"):
            assert (ROOT / link.split("/main/", 1)[1]).is_file(), link
        elif link.startswith(f"{REPOSITORY}/blob/main/"):
            assert (ROOT / link.split("/blob/main/", 1)[1]).exists(), link
    # The same README otherwise: every relative link of README.md became one absolute one.
    assert len(links) == len(ABSOLUTE.findall(text("README.md")))
    assert (
        "](https://raw.githubusercontent.com/pandium-embed/pandium-embed/main/docs/screenshots/marketplace.png)"
        in readme
    )


def test_the_npm_package_has_license_and_its_page_fields() -> None:
    assert (ROOT / "js" / "LICENSE").read_bytes() == (ROOT / "LICENSE").read_bytes()
    assert "LICENSE" in NPM_MANIFEST["files"] and "README.md" in NPM_MANIFEST["files"]
    assert NPM_MANIFEST["license"] == PYPROJECT["project"]["license"]
    assert "pandium" in NPM_MANIFEST["keywords"]
    assert re.fullmatch(r">=\d+", NPM_MANIFEST["engines"]["node"])


def test_the_npm_readme_is_for_users_and_its_code_is_tested_files() -> None:
    readme = NPM_README.read_text(encoding="utf-8")
    tested = {path.read_text(encoding="utf-8") for path in TESTED_JS_FILES}
    blocks = code_blocks(readme)
    assert [language for language, _ in blocks] == ["js", "html", "jsx", "ts"]
    for language, block in blocks:
        assert block in tested, f"a ```{language} block in js/README.md is not a file a test runs:\n{block}"
    # What a user needs, each named; links work on npm's page (absolute), and the docs are linked.
    for needed in ("npm install pandium-embed", "configure(", "pandium-embed/react", "pandium-embed/testing"):
        assert needed in readme, needed
    assert all(link.startswith("https://") for link in ABSOLUTE.findall(readme))
    assert f"]({DOCS_SITE}js-reference/)" in readme
    # Contributor notes live in CONTRIBUTING.md, not on the package's page.
    assert "make js" not in readme and "make js" in text("CONTRIBUTING.md")


def test_security_says_how_to_report_what_is_in_scope_and_which_versions_get_fixes() -> None:
    security = text("SECURITY.md")
    headings = re.findall(r"^## (.+)$", security, re.MULTILINE)
    assert headings == ["Reporting a vulnerability", "In scope", "Out of scope", "Supported versions"]
    minor = ".".join(pandium_embed.__version__.split(".")[:2])
    assert re.search(rf"^\| {re.escape(minor)}\.x \| yes \|$", security, re.MULTILINE), "the current version gets fixes"


def test_contributing_names_real_make_targets_the_js_build_and_one_test() -> None:
    contributing = text("CONTRIBUTING.md")
    targets = re.findall(r"^\| `make ([\w-]+)`(?:, `make ([\w-]+)`)? \|", contributing, re.MULTILINE)
    names = {name for pair in targets for name in pair if name}
    assert {"test", "demo", "js", "reference", "docs", "release-check"} <= names
    for name in names:
        plan = subprocess.run(["make", "-n", name], cwd=ROOT, capture_output=True, text=True, timeout=60)
        assert plan.returncode == 0, f"CONTRIBUTING.md names `make {name}`, which the Makefile does not have"
    assert "js/dist/" in contributing and "make js" in contributing
    one_test = re.search(r"`(\.venv/bin/python -m pytest tests/[\w/]+\.py[^`]*)`", contributing)
    assert one_test and (ROOT / one_test.group(1).split()[3]).is_file()
    # The README sends contributors there.
    assert "](CONTRIBUTING.md)" in text("README.md")
