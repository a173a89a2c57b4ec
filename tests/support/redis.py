"""A real redis-server for the store tests (the ``redis_url`` fixture): on a free loopback port, killed after.

Found through $PANDIUM_EMBED_REDIS_SERVER, then PATH (scripts/ensure-redis.sh installs Debian's).
Nothing is persisted (``--save '' --appendonly no``) and nothing listens beyond 127.0.0.1.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager

import pytest

START_TIMEOUT_SECONDS = 10.0
NOT_FOUND = (
    "The Redis store tests need redis-server: run scripts/ensure-redis.sh (Debian/Ubuntu: "
    "sudo apt-get install redis-server), or point PANDIUM_EMBED_REDIS_SERVER at the executable."
)


def redis_server_path() -> str:
    configured = os.environ.get("PANDIUM_EMBED_REDIS_SERVER")
    if configured:
        if os.access(configured, os.X_OK):
            return configured
        pytest.fail(f"PANDIUM_EMBED_REDIS_SERVER={configured} is not an executable file.")
    found = shutil.which("redis-server")
    if found is None:
        pytest.fail(NOT_FOUND)
    return found


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


def _pong(port: int) -> bool:
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=0.5) as connection:
            connection.sendall(b"PING\r\n")
            return connection.recv(64).startswith(b"+PONG")
    except OSError:
        return False


@contextmanager
def running_redis() -> Iterator[str]:
    """A redis-server of its own, as ``redis://127.0.0.1:<port>/0``; killed on exit."""
    executable = redis_server_path()
    port = _free_port()
    with tempfile.TemporaryDirectory(prefix="pandium-embed-redis-") as workdir:
        process = subprocess.Popen(
            [
                executable,
                "--port",
                str(port),
                "--bind",
                "127.0.0.1",
                "--save",
                "",
                "--appendonly",
                "no",
                "--dir",
                workdir,
                "--loglevel",
                "warning",
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
        )
        try:
            deadline = time.monotonic() + START_TIMEOUT_SECONDS
            while not _pong(port):
                if process.poll() is not None or time.monotonic() > deadline:
                    error = (
                        process.stderr.read().decode(errors="replace")
                        if process.stderr and process.poll() is not None
                        else ""
                    )
                    pytest.fail(f"redis-server did not answer PING on 127.0.0.1:{port}. {error}".strip())
                time.sleep(0.02)
            yield f"redis://127.0.0.1:{port}/0"
        finally:
            process.kill()
            process.wait(timeout=10)
            if process.stderr:
                process.stderr.close()
