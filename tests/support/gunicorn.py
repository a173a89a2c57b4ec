"""A real gunicorn serving a WSGI app in a subprocess, on a loopback socket bound here first.

The socket is bound before gunicorn starts and handed over as ``--bind fd://N``, so the port is known
and nothing can take it in between. Readiness is an answered HTTP request; stopping is gunicorn's own
graceful shutdown (SIGTERM), then SIGKILL if it hangs.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path
from typing import IO

import httpx

# Generous: gunicorn imports the app (Django, Flask) in a fresh interpreter on a possibly busy machine.
START_TIMEOUT_SECONDS = 60.0


@contextmanager
def gunicorn(app: str, *, chdir: Path, env: Mapping[str, str], python_path: Path | None = None) -> Iterator[str]:
    """``with gunicorn("module:app", chdir=..., env=...) as url``: ``url`` is ``http://127.0.0.1:<port>``.

    ``env`` is added to this process's environment; ``python_path`` (e.g. the repository root, for a
    test settings module) is put in front of ``PYTHONPATH``.
    """
    listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    listener.bind(("127.0.0.1", 0))
    listener.set_inheritable(True)
    url = f"http://127.0.0.1:{listener.getsockname()[1]}"
    environment = {**os.environ, **env}
    if python_path is not None:
        environment["PYTHONPATH"] = os.pathsep.join(filter(None, [str(python_path), environment.get("PYTHONPATH")]))
    command = [
        sys.executable,
        "-m",
        "gunicorn",
        "--bind",
        f"fd://{listener.fileno()}",
        "--workers",
        "1",
        "--threads",
        "4",
        "--chdir",
        str(chdir),
        "--log-level",
        "warning",
        app,
    ]
    with tempfile.TemporaryFile() as log:
        process = subprocess.Popen(command, env=environment, pass_fds=(listener.fileno(),), stdout=log, stderr=log)
        try:
            _wait_until_answering(url, process, log)
            yield url
        finally:
            process.terminate()
            try:
                process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
            listener.close()


def _wait_until_answering(url: str, process: subprocess.Popen[bytes], log: IO[bytes]) -> None:
    deadline = time.monotonic() + START_TIMEOUT_SECONDS
    while True:
        if process.poll() is not None:
            log.seek(0)
            raise RuntimeError(f"gunicorn exited with {process.returncode}:\n{log.read().decode(errors='replace')}")
        try:
            httpx.get(url + "/", timeout=2)
            return
        except httpx.TransportError:
            if time.monotonic() > deadline:
                raise RuntimeError(f"gunicorn did not answer on {url} within {START_TIMEOUT_SECONDS:.0f} s") from None
            time.sleep(0.1)
