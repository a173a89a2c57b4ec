"""The npm package as a frontend team gets it: `npm pack js/`, installed into a scratch project together
with React and @playwright/test packed from the repository's own node_modules (what `npm ci` put there),
bundled there with esbuild. The install is offline and needs nothing in npm's cache: a new machine with
an empty cache passes as a used one does."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
NODE_MODULES = ROOT / "node_modules"
ESBUILD = NODE_MODULES / ".bin" / "esbuild"
TIMEOUT = 300


def run(command: list[str], cwd: Path) -> str:
    done = subprocess.run(command, cwd=cwd, capture_output=True, text=True, timeout=TIMEOUT)
    assert done.returncode == 0, f"{' '.join(command)} failed:\n{done.stdout[-3000:]}\n{done.stderr[-3000:]}"
    return done.stdout


def dev_version(package: str) -> str:
    """The version of ``package`` the repository pins for its tests (package.json devDependencies)."""
    manifest = json.loads((ROOT / "package.json").read_text(encoding="utf-8"))
    return str(manifest["devDependencies"][package])


# The oldest React the component supports (js/package.json: "react": ">=18"), beside the repository's own
# React 19: package.json installs it under the aliases react-18 and react-dom-18 ("npm:react@18.3.1"), the
# scratch project installs it as plain react and react-dom.
REACT_18 = dev_version("react-18").rpartition("@")[2]
# The packages each scratch project gets, as folders under node_modules.
REACT_PACKAGES = {None: ["react", "react-dom", "@playwright/test"], REACT_18: ["react-18", "react-dom-18"]}


def installed_closure(names: list[str]) -> list[Path]:
    """The folders of ``names`` in the repository's node_modules and of everything they depend on,
    found as Node finds them (a package's own node_modules first, then each one up to the root's)."""
    found: dict[Path, None] = {}
    pending = [(NODE_MODULES / name, True) for name in names]
    while pending:
        folder, required = pending.pop()
        if folder in found:
            continue
        if not (folder / "package.json").is_file():
            assert not required, f"{folder} is not installed: run `make node_modules` (npm ci) first."
            continue
        found[folder] = None
        manifest = json.loads((folder / "package.json").read_text(encoding="utf-8"))
        optional = manifest.get("optionalDependencies", {})
        for dependency in {**manifest.get("dependencies", {}), **optional}:
            bases = [folder, *(parent for parent in folder.parents if parent.is_relative_to(ROOT))]
            place = next((base for base in bases if (base / "node_modules" / dependency).is_dir()), ROOT)
            pending.append((place / "node_modules" / dependency, dependency not in optional))
    return list(found)


def scratch_project(directory: Path, *, react: str | None = None) -> Path:
    """A project with the packed tarball installed, as a user's app has it; returns its folder.

    By default with the repository's React and @playwright/test (for ``pandium-embed/testing``);
    ``react=REACT_18`` installs React 18 instead. Each comes packed from the repository's node_modules
    with everything it depends on, and npm installs offline: nothing is fetched, nothing read from a cache."""
    assert ESBUILD.is_file(), "esbuild is not installed: run `make node_modules` (npm ci) first."
    directory.mkdir(parents=True, exist_ok=True)
    folders = [ROOT / "js", *installed_closure(REACT_PACKAGES[react])]
    packed = run(
        ["npm", "pack", "--silent", "--ignore-scripts", "--pack-destination", str(directory), *map(str, folders)],
        ROOT,
    )
    tarballs = [str(directory / name) for name in packed.split()]
    assert len(tarballs) == len(folders), packed
    project = directory / "app"
    project.mkdir()
    (project / "package.json").write_text('{"name": "scratch-app", "private": true}\n', encoding="utf-8")
    run(["npm", "install", "--offline", "--no-audit", "--no-fund", *tarballs], project)
    return project


def bundle(
    project: Path, entry: Path, name: str, *, beside: dict[str, Path] | None = None, node: bool = False
) -> bytes:
    """``entry`` (JS or JSX) bundled for the browser against the scratch project's node_modules, as a
    development build: React's StrictMode checks (double render, double effects) run only there.
    ``beside`` copies more files into the project under the given names, for ``entry`` to import;
    ``node`` bundles for Node instead, importing the installed packages (run it with ``node <name>``)."""
    for target, origin in {entry.name: entry, **(beside or {})}.items():
        (project / target).write_bytes(origin.read_bytes())
    source = project / entry.name
    out = project / name
    run(
        [
            str(ESBUILD),
            str(source),
            "--bundle",
            "--format=esm",
            "--jsx=automatic",
            '--define:process.env.NODE_ENV="development"',
            f"--outfile={out}",
            "--log-level=warning",
            *(["--platform=node", "--packages=external"] if node else []),
        ],
        project,
    )
    return out.read_bytes()
