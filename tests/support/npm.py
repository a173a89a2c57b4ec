"""The npm package as a frontend team gets it: `npm pack js/`, installed offline into a scratch project
(with React from the npm cache that `make node_modules` filled), bundled there with esbuild."""

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


def react_version() -> str:
    """The React the repository pins for its tests (package.json devDependencies)."""
    manifest = json.loads((ROOT / "package.json").read_text(encoding="utf-8"))
    return str(manifest["devDependencies"]["react"])


def scratch_project(directory: Path) -> Path:
    """A project with the packed tarball and React installed, offline; returns its folder."""
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
    version = react_version()
    run(
        [
            "npm",
            "install",
            "--offline",
            "--no-audit",
            "--no-fund",
            str(tarball),
            f"react@{version}",
            f"react-dom@{version}",
        ],
        project,
    )
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
