"""`make release-check` (scripts/release_check.py) fails on a broken artefact: each test breaks a copy
of one the way a release could go wrong and runs the release check's own step on it. The whole check on
the real artefacts runs in `make test` (after pytest), not here: it builds and installs for minutes."""

from __future__ import annotations

import base64
import hashlib
import json
import re
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from scripts import release_check
from scripts.release_check import Failed

ROOT = Path(__file__).resolve().parents[2]
JS = ROOT / "js"
CHECK_WHEEL_CONTENTS = [sys.executable, "-m", "check_wheel_contents"]


def npm_copy(tmp_path: Path) -> Path:
    """The npm package's shipped files, copied to break them."""
    package = tmp_path / "package"
    package.mkdir()
    for name in ("package.json", "README.md", "LICENSE"):
        shutil.copy(JS / name, package / name)
    shutil.copytree(JS / "dist", package / "dist")
    return package


def pack(package: Path, tmp_path: Path) -> Path:
    out = tmp_path / "out"
    out.mkdir(exist_ok=True)
    return release_check.pack_npm(package, out)


def test_the_real_tarball_passes_the_npm_lints(tmp_path: Path) -> None:
    # The control for the tests below: the same steps on the unbroken package.
    tarball = pack(JS, tmp_path)
    release_check.lint_npm(tarball)
    release_check.check_npm_manifest(tarball, release_check.python_version())


def test_a_tarball_that_leaves_out_the_declarations_fails_publint(tmp_path: Path) -> None:
    package = npm_copy(tmp_path)
    manifest = json.loads((package / "package.json").read_text(encoding="utf-8"))
    manifest["files"].remove("dist/types")
    (package / "package.json").write_text(json.dumps(manifest), encoding="utf-8")
    with pytest.raises(Failed, match="publint") as failed:
        release_check.lint_npm(pack(package, tmp_path))
    assert "types" in str(failed.value)


def test_declarations_with_extensionless_imports_fail_arethetypeswrong(tmp_path: Path) -> None:
    # What the package shipped before: `from "./config"` does not resolve under moduleResolution node16.
    package = npm_copy(tmp_path)
    index = package / "dist" / "types" / "pure.d.ts"  # the main entry's exports (index.d.ts re-exports them)
    text = index.read_text(encoding="utf-8")
    assert '"./config.js"' in text
    index.write_text(text.replace('"./config.js"', '"./config"'), encoding="utf-8")
    with pytest.raises(Failed, match="arethetypeswrong") as failed:
        release_check.lint_npm(pack(package, tmp_path))
    assert "Internal resolution error" in str(failed.value)


def test_a_tarball_whose_version_is_not_the_python_one_fails(tmp_path: Path) -> None:
    package = npm_copy(tmp_path)
    manifest = json.loads((package / "package.json").read_text(encoding="utf-8"))
    manifest["version"] = "9.9.9"
    (package / "package.json").write_text(json.dumps(manifest), encoding="utf-8")
    with pytest.raises(Failed, match=re.escape("9.9.9")):
        release_check.check_npm_manifest(pack(package, tmp_path), release_check.python_version())


def test_a_tarball_without_license_or_with_relative_readme_links_fails(tmp_path: Path) -> None:
    package = npm_copy(tmp_path)
    (package / "LICENSE").unlink()
    manifest = json.loads((package / "package.json").read_text(encoding="utf-8"))
    manifest["files"].remove("LICENSE")
    (package / "package.json").write_text(json.dumps(manifest), encoding="utf-8")
    with pytest.raises(Failed, match="LICENSE"):
        release_check.check_npm_manifest(pack(package, tmp_path), release_check.python_version())
    shutil.copy(JS / "LICENSE", package / "LICENSE")
    (package / "README.md").write_text("# pandium-embed\n\nSee [the guide](../docs/frontend.md).\n", encoding="utf-8")
    with pytest.raises(Failed, match="relative links"):
        release_check.check_npm_manifest(pack(package, tmp_path), release_check.python_version())


def record_line(name: str, data: bytes) -> str:
    digest = base64.urlsafe_b64encode(hashlib.sha256(data).digest()).rstrip(b"=").decode()
    return f"{name},sha256={digest},{len(data)}"


def wheel(tmp_path: Path, files: dict[str, bytes], description: str) -> Path:
    """A small wheel written by hand, with a valid RECORD, to break one thing at a time."""
    info = "pandium_embed-0.1.0.dist-info"
    metadata = (
        "Metadata-Version: 2.4\nName: pandium-embed\nVersion: 0.1.0\nSummary: test\n"
        "Project-URL: Documentation, https://example.org/docs\nProject-URL: Source, https://example.org/src\n"
        "Project-URL: Changelog, https://example.org/changes\nProject-URL: Issues, https://example.org/issues\n"
        "Classifier: Typing :: Typed\nDescription-Content-Type: text/markdown\n\n" + description
    )
    contents = {
        **files,
        f"{info}/METADATA": metadata.encode(),
        f"{info}/WHEEL": b"Wheel-Version: 1.0\nGenerator: test\nRoot-Is-Purelib: true\nTag: py3-none-any\n",
    }
    record = "\n".join([*(record_line(name, data) for name, data in contents.items()), f"{info}/RECORD,,"]) + "\n"
    path = tmp_path / "pandium_embed-0.1.0-py3-none-any.whl"
    with zipfile.ZipFile(path, "w") as archive:
        for name, data in {**contents, f"{info}/RECORD": record.encode()}.items():
            archive.writestr(name, data)
    return path


def test_a_wheel_with_bytecode_in_it_fails_check_wheel_contents(tmp_path: Path) -> None:
    good = {"pandium_embed/__init__.py": b'__version__ = "0.1.0"\n'}
    # The control: the same wheel without the stray bytecode passes.
    release_check.run(
        [*CHECK_WHEEL_CONTENTS, str(wheel(tmp_path, good, "# pandium-embed\n"))], ROOT, what="control", fix=""
    )
    broken = wheel(tmp_path, {**good, "pandium_embed/__init__.cpython-311.pyc": b"\0"}, "# pandium-embed\n")
    with pytest.raises(Failed, match="check-wheel-contents"):
        release_check.lint_python(broken, broken)


def test_a_readme_with_relative_links_fails_the_metadata_check(tmp_path: Path) -> None:
    files = {"pandium_embed/__init__.py": b'__version__ = "0.1.0"\n'}
    release_check.check_python_metadata(
        wheel(tmp_path, files, "See [the guide](https://pandium-embed.github.io/pandium-embed/).\n"), "0.1.0"
    )
    broken = wheel(tmp_path, files, "![the demo](docs/screenshots/marketplace.png)\n")
    with pytest.raises(Failed, match=r"relative links.*docs/screenshots/marketplace\.png"):
        release_check.check_python_metadata(broken, "0.1.0")


def test_make_test_runs_the_release_check() -> None:
    plan = subprocess.run(["make", "-n", "-B", "test"], cwd=ROOT, capture_output=True, text=True, timeout=60)
    assert plan.returncode == 0, plan.stderr
    assert "make release-check" in plan.stdout or "release_check.py" in plan.stdout
    release = subprocess.run(["make", "-n", "release-check"], cwd=ROOT, capture_output=True, text=True, timeout=60)
    assert "scripts/release_check.py" in release.stdout
