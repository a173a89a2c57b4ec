"""The README is a pitch, an install line, one example and links: short, and every code block in it is
a docs file that a test runs (docs/examples/, docs/recipes/), byte for byte."""

from __future__ import annotations

import re
import shlex
import subprocess
import tomllib

from tests.support.docs import EXAMPLES, README, RECIPES, ROOT, code_blocks

JS_EXAMPLES = ROOT / "js" / "examples"

MAX_README_BYTES = 12 * 1024


def readme() -> str:
    return README.read_text(encoding="utf-8")


def docs_files() -> dict[str, str]:
    return {
        f"{path.parent.name}/{path.name}": path.read_text(encoding="utf-8")
        for folder in (EXAMPLES, RECIPES, JS_EXAMPLES)
        for path in folder.iterdir()
        if path.is_file()
    }


def test_the_readme_is_short() -> None:
    assert len(README.read_bytes()) <= MAX_README_BYTES


def test_every_readme_code_block_is_a_tested_docs_file() -> None:
    files = docs_files()
    blocks = code_blocks(readme())
    assert len(blocks) >= 5
    for language, text in blocks:
        assert text in files.values(), f"a ```{language} block in README.md is not a file a test runs:\n{text}"


def test_the_quick_start_shows_the_session_order_for_fastapi_and_starlette() -> None:
    shown = [text for _, text in code_blocks(readme())]
    for path in (
        EXAMPLES / "quickstart_fastapi.py",
        EXAMPLES / "quickstart_starlette.py",
        JS_EXAMPLES / "script-tag.html",
        EXAMPLES / "quickstart.sh",
    ):
        assert path.read_text(encoding="utf-8") in shown, path.name


def test_the_install_line_is_the_one_the_quick_start_runs() -> None:
    install = (EXAMPLES / "install.sh").read_text(encoding="utf-8").strip()
    assert (EXAMPLES / "quickstart.sh").read_text(encoding="utf-8").startswith(install + " ")


def test_every_user_extra_is_named_and_explained() -> None:
    extras = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]["optional-dependencies"]
    # Every published extra is for users' apps (the project's own sets are dependency groups).
    for extra in extras:
        assert re.search(rf"^- `\[{extra}\]` \(", readme(), re.MULTILINE), f"README does not explain [{extra}]"


def test_the_links_point_at_files_that_exist() -> None:
    for target in re.findall(r"\]\(((?!https?://)[^)#]+)", readme()):
        assert (ROOT / target).exists(), target


def test_contributing_holds_the_two_commands() -> None:
    contributing = readme().split("\n## Contributing\n", 1)[1]
    assert "make demo" in contributing and "make test" in contributing
    assert "make demo" not in readme().split("\n## Contributing\n", 1)[0]


def test_the_readme_shows_one_screenshot_the_script_writes() -> None:
    shown = re.findall(r"\(docs/screenshots/([\w-]+)\.png\)", readme())
    assert shown == ["marketplace"]
    script = (ROOT / "demo" / "screenshots.py").read_text(encoding="utf-8")
    assert '"marketplace.png"' in script or '"marketplace"' in script
    assert (ROOT / "docs" / "screenshots" / "marketplace.png").stat().st_size > 10_000


def test_the_contributing_commands_are_make_targets_that_set_themselves_up() -> None:
    lines = (EXAMPLES / "contributing.sh").read_text(encoding="utf-8").splitlines()
    targets = [shlex.split(line, comments=True) for line in lines]
    assert [argv[:2] for argv in targets] == [["make", "demo"], ["make", "test"]]
    for argv in targets:
        # A dry run: the target exists, and its recipe starts from the set-up (the venv stamp).
        plan = subprocess.run([*argv, "-n", "-B"], cwd=ROOT, capture_output=True, text=True, timeout=60)
        assert plan.returncode == 0, plan.stderr
        assert "-m venv" in plan.stdout
