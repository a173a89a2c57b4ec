"""`make release-check`: the three artefacts a release publishes, checked as PyPI, npm and a stranger's
machine will see them.

Builds the sdist and the wheel (`python -m build`) and the npm tarball (`npm pack js/`), then:
- lints them: `validate-pyproject`, `twine check --strict`, `check-wheel-contents`, `publint --strict`
  and `attw` (arethetypeswrong), each pinned by the project (pyproject's dev dependencies, the root
  package-lock.json);
- reads what the registries will show: one version everywhere, the project URLs, and a long description
  with no relative link (they are broken on PyPI);
- installs each artefact into an empty environment and imports it: the wheel and the sdist each into a
  new virtualenv, the tarball into an empty npm project (offline: it has no dependencies).

Every problem is printed with what to do; the exit code is 1 if there was any. `--out DIR` keeps the
artefacts; `--skip-install` leaves out the installs (the lints alone take seconds).
"""

from __future__ import annotations

import argparse
import email.parser
import json
import re
import subprocess
import sys
import tarfile
import tempfile
import venv
import zipfile
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
NODE_BIN = ROOT / "node_modules" / ".bin"
TIMEOUT = 600
# A Markdown link or image whose target is not an absolute URL (or an anchor on the same page).
RELATIVE_LINK = re.compile(r"\]\((?!https?://|#|mailto:)([^)\s]+)\)")
# attw: the package is ESM only (`"type": "module"`, no `require` condition), so the CommonJS and
# pre-`exports` (node10) resolutions are not for it; `embed.js` is the classic script for a <script>
# tag (what the middleware serves), not a module to import, so it has no types; nor has its development
# build.
ATTW_OPTIONS = ["--profile", "esm-only", "--exclude-entrypoints", "./embed.js", "./embed.development.js"]


class Failed(Exception):
    """A check that did not pass: the message says what is wrong and what to do."""


def run(command: list[str], cwd: Path, *, what: str, fix: str) -> str:
    done = subprocess.run(command, cwd=cwd, capture_output=True, text=True, timeout=TIMEOUT)
    if done.returncode != 0:
        output = (done.stdout + done.stderr).strip()[-4000:]
        raise Failed(f"{what} failed ({' '.join(command[:3])} ...):\n{output}\n-> {fix}")
    return done.stdout


def python_version() -> str:
    """`__version__` in pandium_embed/version.py: the one place the version of both packages is written."""
    text = (ROOT / "pandium_embed" / "version.py").read_text(encoding="utf-8")
    match = re.search(r'^__version__ = "([^"]+)"$', text, re.MULTILINE)
    if not match:
        raise Failed('pandium_embed/version.py has no `__version__ = "..."` line: hatch reads the version there')
    return match.group(1)


def build_python(out: Path) -> tuple[Path, Path]:
    run(
        [sys.executable, "-m", "build", "--sdist", "--wheel", "--outdir", str(out), str(ROOT)],
        ROOT,
        what="building the sdist and the wheel",
        fix="fix pyproject.toml's build settings",
    )
    (sdist,) = out.glob("*.tar.gz")
    (wheel,) = out.glob("*.whl")
    return sdist, wheel


def pack_npm(package: Path, out: Path) -> Path:
    name = run(
        ["npm", "pack", "--silent", "--pack-destination", str(out), str(package.resolve())],
        ROOT,
        what="npm pack",
        fix="fix js/package.json",
    )
    return out / name.strip().splitlines()[-1]


def lint_pyproject(pyproject: Path) -> None:
    run(
        [sys.executable, "-m", "validate_pyproject", str(pyproject)],
        ROOT,
        what="validate-pyproject",
        fix="fix pyproject.toml where it says (classifiers must be on PyPI's list)",
    )


def lint_python(sdist: Path, wheel: Path) -> None:
    run(
        [sys.executable, "-m", "twine", "check", "--strict", str(sdist), str(wheel)],
        ROOT,
        what="twine check --strict",
        fix="fix the metadata it names (the README that PyPI renders: pyproject's fancy-pypi-readme hook)",
    )
    run(
        [sys.executable, "-m", "check_wheel_contents", str(wheel)],
        ROOT,
        what="check-wheel-contents",
        fix="fix what goes into the wheel ([tool.hatch.build.targets.wheel] in pyproject.toml)",
    )


def lint_npm(tarball: Path) -> None:
    run(
        [str(NODE_BIN / "publint"), "run", "--strict", str(tarball)],
        ROOT,
        what="publint",
        fix="fix js/package.json (files, exports) as it says",
    )
    run(
        [str(NODE_BIN / "attw"), str(tarball), "--no-emoji", "--no-color", *ATTW_OPTIONS],
        ROOT,
        what="arethetypeswrong (attw)",
        fix="make each export's types resolve (relative imports in js/src name their .js file), then `make js`",
    )


def wheel_metadata(wheel: Path) -> email.message.Message:
    with zipfile.ZipFile(wheel) as archive:
        (name,) = [name for name in archive.namelist() if name.endswith(".dist-info/METADATA")]
        return email.parser.Parser().parsestr(archive.read(name).decode("utf-8"))


def check_python_metadata(wheel: Path, version: str) -> None:
    metadata = wheel_metadata(wheel)
    if metadata["Version"] != version:
        raise Failed(f"the wheel is version {metadata['Version']}, pandium_embed.__version__ is {version}")
    urls = {value.split(",", 1)[0].strip().lower() for value in metadata.get_all("Project-URL") or []}
    missing = {"documentation", "source", "changelog", "issues"} - urls
    if missing:
        raise Failed(f"the wheel's metadata has no project URL for {sorted(missing)}: add them to [project.urls]")
    classifiers = set(metadata.get_all("Classifier") or [])
    if "Typing :: Typed" not in classifiers:
        raise Failed("the wheel's metadata lacks the `Typing :: Typed` classifier")
    description = metadata.get_payload()
    if not isinstance(description, str):
        raise Failed("the wheel's metadata has no README text (a multipart payload): check [project] readme")
    relative = RELATIVE_LINK.findall(description)
    if relative:
        raise Failed(
            f"the README that PyPI shows has relative links, broken there: {relative}\n"
            "-> add a substitution to [tool.hatch.metadata.hooks.fancy-pypi-readme] in pyproject.toml"
        )


def check_npm_manifest(tarball: Path, version: str) -> None:
    with tarfile.open(tarball) as archive:
        names = set(archive.getnames())
        member = archive.extractfile("package/package.json")
        if member is None:
            raise Failed("the npm tarball has no package/package.json: check js/package.json's files")
        manifest = json.load(member)
        readme = archive.extractfile("package/README.md")
        readme_text = readme.read().decode("utf-8") if readme else ""
    if manifest["version"] != version:
        raise Failed(f"js/package.json is version {manifest['version']}, pandium_embed.__version__ is {version}")
    missing = [field for field in ("repository", "homepage", "bugs", "keywords", "engines") if not manifest.get(field)]
    if missing:
        raise Failed(f"js/package.json has no {missing}: npm's page needs them")
    if "package/LICENSE" not in names or not readme_text:
        raise Failed("the npm tarball has no LICENSE or README.md: list them in js/package.json's files")
    relative = RELATIVE_LINK.findall(readme_text)
    if relative:
        raise Failed(f"js/README.md has relative links, broken on npm's page: {relative}")


def install_python(artefact: Path, work: Path, version: str) -> None:
    """``artefact`` (wheel or sdist) into a new virtualenv, imported from there, not from this checkout."""
    environment = work / f"venv-{artefact.suffix.strip('.')}"
    venv.create(environment, with_pip=True)
    python = environment / "bin" / "python"
    run(
        [str(python), "-m", "pip", "install", "--quiet", f"{artefact}[mock]"],
        work,
        what=f"pip install {artefact.name} into an empty virtualenv",
        fix="fix the dependencies or the build it names",
    )
    probe = (
        "import pathlib, pandium_embed, pandium_embed.mock, pandium_embed.loader as loader;"
        "assert 'site-packages' in pandium_embed.__file__, pandium_embed.__file__;"
        "assert (pathlib.Path(pandium_embed.__file__).parent / 'py.typed').is_file(), 'no py.typed';"
        "assert '__PANDIUM_EMBED_CONFIG__' in loader.loader_source(), 'no loader';"
        "print(pandium_embed.__version__)"
    )
    imported = run(
        [str(python), "-c", probe], work, what=f"importing {artefact.name}", fix="ship the files it names"
    ).strip()
    if imported != version:
        raise Failed(f"{artefact.name} installed version {imported}, expected {version}")
    run(
        [str(environment / "bin" / "pandium-embed"), "--help"],
        work,
        what=f"the pandium-embed command from {artefact.name}",
        fix="fix [project.scripts]",
    )


def install_npm(tarball: Path, work: Path, version: str) -> None:
    """The tarball into an empty npm project, then imported by Node as a user's server code would."""
    project = work / "npm-app"
    project.mkdir()
    (project / "package.json").write_text('{"name": "release-check", "private": true, "type": "module"}\n')
    # Offline: the package has no dependencies (its peers are optional), so nothing comes from a registry.
    run(
        ["npm", "install", "--offline", "--no-audit", "--no-fund", str(tarball)],
        project,
        what="npm install of the tarball into an empty project",
        fix="the package must install with no registry: no dependencies",
    )
    probe = (
        "const m = await import('pandium-embed');"
        "if (typeof m.configure != 'function') throw new Error('pandium-embed exports no configure()');"
        "const { createRequire } = await import('node:module');"
        "const pkg = createRequire(import.meta.url)('pandium-embed/package.json');"
        "for (const subpath of ['pandium-embed/pure', 'pandium-embed/react', 'pandium-embed/testing',"
        " 'pandium-embed/embed.js', 'pandium-embed/embed.development.js'])"
        "  import.meta.resolve(subpath);"
        "console.log(pkg.version);"
    )
    imported = run(
        ["node", "--input-type=module", "-e", probe],
        project,
        what="importing pandium-embed in Node",
        fix="fix js/package.json's exports or the module's top level",
    ).strip()
    if imported != version:
        raise Failed(f"the npm tarball installed version {imported}, expected {version}")


def release_check(out: Path, *, install: bool = True, package: Path = ROOT / "js") -> list[str]:
    """Every check, in order; the problems found (empty when the release is good)."""
    problems: list[str] = []

    def step(name: str, check: Callable[[], object]) -> None:
        try:
            check()
        except Failed as problem:
            problems.append(str(problem))
            print(f"FAIL  {name}", flush=True)
        else:
            print(f"ok    {name}", flush=True)

    version = python_version()
    sdist, wheel = build_python(out)
    tarball = pack_npm(package, out)
    print(f"built {sdist.name}, {wheel.name}, {tarball.name}", flush=True)
    step("validate-pyproject", lambda: lint_pyproject(ROOT / "pyproject.toml"))
    step("twine check --strict, check-wheel-contents", lambda: lint_python(sdist, wheel))
    step(
        "wheel metadata: version, project URLs, classifiers, README links",
        lambda: check_python_metadata(wheel, version),
    )
    step("publint, attw", lambda: lint_npm(tarball))
    step("npm manifest: version, fields, LICENSE, README links", lambda: check_npm_manifest(tarball, version))
    if install:
        with tempfile.TemporaryDirectory(prefix="release-check-") as scratch:
            work = Path(scratch)
            step("the wheel in an empty virtualenv", lambda: install_python(wheel, work, version))
            step("the sdist in an empty virtualenv", lambda: install_python(sdist, work, version))
            step("the npm tarball in an empty project", lambda: install_npm(tarball, work, version))
    return problems


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n", 1)[0])
    parser.add_argument("--out", type=Path, help="keep the artefacts in this folder (default: a temporary one)")
    parser.add_argument("--skip-install", action="store_true", help="lint only; install nothing")
    options = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="release-") as scratch:
        out = options.out or Path(scratch)
        out.mkdir(parents=True, exist_ok=True)
        try:
            problems = release_check(out, install=not options.skip_install)
        except Failed as failure:
            problems = [str(failure)]
    for problem in problems:
        print(f"\n{problem}", file=sys.stderr)
    print("release check: " + ("passed" if not problems else f"{len(problems)} problem(s)"))
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
