"""The npm package as a frontend team gets it: `npm pack js/`, installed into a scratch project (with
React and @playwright/test from the npm cache that `make node_modules` filled), bundled there with esbuild."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
ESBUILD = ROOT / "node_modules" / ".bin" / "esbuild"
TIMEOUT = 300


def run(command: list[str], cwd: Path) -> str:
    done = subprocess.run(command, cwd=cwd, capture_output=True, text=True, timeout=TIMEOUT)
    assert done.returncode == 0, f"{' '.join(command)} failed:\n{done.stdout[-3000:]}\n{done.stderr[-3000:]}"
    return done.stdout


# The oldest React the component supports (js/package.json: "react": ">=18"). Not a devDependency of the
# repository, whose own React is 19 (react-dom 18 refuses it as a peer): fetched from the npm registry
# the first time, from npm's cache after.
REACT_18 = "18.3.1"


def dev_version(package: str) -> str:
    """The version of ``package`` the repository pins for its tests (package.json devDependencies)."""
    manifest = json.loads((ROOT / "package.json").read_text(encoding="utf-8"))
    return str(manifest["devDependencies"][package])


def scratch_project(directory: Path, *, react: str | None = None) -> Path:
    """A project with the packed tarball installed, as a user's app has it; returns its folder.

    By default with the repository's React and @playwright/test (for ``pandium-embed/testing``), offline
    from the npm cache that `make node_modules` filled; ``react="18.3.1"`` installs that React instead."""
    assert ESBUILD.is_file(), "esbuild is not installed: run `make node_modules` (npm ci) first."
    directory.mkdir(parents=True, exist_ok=True)
    tarball = (
        directory
        / run(["npm", "pack", "--silent", "--pack-destination", str(directory), str(ROOT / "js")], ROOT)
        .strip()
        .splitlines()[-1]
    )
    project = directory / "app"
    project.mkdir()
    (project / "package.json").write_text('{"name": "scratch-app", "private": true}\n', encoding="utf-8")
    if react is None:
        version = dev_version("react")
        packages = [f"react@{version}", f"react-dom@{version}", f"@playwright/test@{dev_version('@playwright/test')}"]
        network = "--offline"
    else:
        packages, network = [f"react@{react}", f"react-dom@{react}"], "--prefer-offline"
    run(["npm", "install", network, "--no-audit", "--no-fund", str(tarball), *packages], project)
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
