"""The single-page-app guide's apps (docs/examples/spa/) as a frontend team has them: each app's folder
copied into a scratch workspace with the packed npm package (`npm pack js/`) unpacked as its
node_modules/pandium-embed, built and served by its real toolchain (Vite, Next.js).

The toolchains are the repository's own devDependencies, pinned in package.json and package-lock.json and
installed by `npm ci` (`make node_modules`): nothing is installed here, nothing read from npm's cache.
The workspace is a folder under the repository's build/ (ignored by git), so Node, Vite and Turbopack
resolve every other package from the repository's node_modules, as they would from an app's own.
"""

from __future__ import annotations

import os
import re
import shutil
import signal
import subprocess
import tarfile
import tempfile
import time
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path

from tests.support.npm import ROOT, run

SPA_EXAMPLES = ROOT / "docs" / "examples" / "spa"
BIN = ROOT / "node_modules" / ".bin"
START_TIMEOUT = 120.0
# What Vite and Next.js print once they listen: "Local:   http://localhost:5173/".
LOCAL_URL = re.compile(r"Local:\s+(http://localhost:\d+)")
# Nothing phones home: Next.js's telemetry is off (the network is closed anyway).
QUIET = {"NEXT_TELEMETRY_DISABLED": "1", "VITE_CONFIG_NATIVE_IGNORE_WARNING": "true", "NO_COLOR": "1"}


class Workspace:
    """A scratch folder under build/ holding the packed tarball and the apps copied next to it."""

    def __init__(self) -> None:
        assert (BIN / "vite").is_file(), "Vite is not installed: run `make node_modules` (npm ci) first."
        parent = ROOT / "build"
        parent.mkdir(exist_ok=True)
        self.folder = Path(tempfile.mkdtemp(prefix="spa-", dir=parent))
        packed = run(["npm", "pack", "--silent", "--pack-destination", str(self.folder), str(ROOT / "js")], ROOT)
        self.tarball = self.folder / packed.strip().splitlines()[-1]

    def app(self, name: str) -> Path:
        """docs/examples/spa/<name> copied into the workspace, the tarball unpacked into its node_modules."""
        project = self.folder / name
        if not project.exists():
            shutil.copytree(SPA_EXAMPLES / name, project)
            package = project / "node_modules" / "pandium-embed"
            package.mkdir(parents=True)
            with tarfile.open(self.tarball) as archive:
                for member in archive.getmembers():
                    member.name = member.name.removeprefix("package/")
                    archive.extract(member, package, filter="data")
        return project

    def remove(self) -> None:
        shutil.rmtree(self.folder, ignore_errors=True)


def tool(project: Path, command: list[str], env: Mapping[str, str]) -> str:
    """Run one of the toolchains' commands (``["vite", "build"]``) in ``project``; returns its output."""
    done = subprocess.run(
        [str(BIN / command[0]), *command[1:]],
        cwd=project,
        env={**os.environ, **QUIET, **env},
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert done.returncode == 0, f"{' '.join(command)} failed:\n{done.stdout[-4000:]}\n{done.stderr[-4000:]}"
    return done.stdout + done.stderr


@contextmanager
def serve(project: Path, command: list[str], env: Mapping[str, str]) -> Iterator[str]:
    """Start a toolchain's server (asked for a free port: ``--port 0``) and yield the URL it prints."""
    log = tempfile.TemporaryFile()  # noqa: SIM115 - closed in the finally below, once the server it logs for stops
    # Its own process group: Next.js starts a server process of its own, stopped with it.
    process = subprocess.Popen(
        [str(BIN / command[0]), *command[1:]],
        cwd=project,
        env={**os.environ, **QUIET, **env},
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    try:
        deadline = time.monotonic() + START_TIMEOUT
        while True:
            log.seek(0)
            output = log.read().decode(errors="replace")
            found = LOCAL_URL.search(output)
            if found:
                break
            assert process.poll() is None, f"{' '.join(command)} exited:\n{output}"
            assert time.monotonic() < deadline, f"{' '.join(command)} printed no URL:\n{output}"
            time.sleep(0.1)
        yield found[1]
    finally:
        try:
            os.killpg(process.pid, signal.SIGTERM)
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()
        except ProcessLookupError:
            pass
        log.close()
