"""A configuration error is said at start-up under uvicorn's and gunicorn's default logging (no log
configuration at all), before any request, and the app's own routes keep working: the quick start run
with PANDIUM_CONNECTORS set and no connector_token hook."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx
import pytest

from pandium_embed.options import MISSING_CONNECTOR_TOKEN
from tests.support.docs import EXAMPLES

SECRET = "start-up-test-secret-0123456789abcdefghij"

# The quick start (an app factory) run the way its page says, with PANDIUM_CONNECTORS set and no hook.
ENV = {
    "PANDIUM_ORG": "acme",
    "PANDIUM_SHARED_SECRET": SECRET,
    "SESSION_SECRET_KEY": "logs-test-session-key",
    "PANDIUM_CONNECTORS": "gwt=GWT",
}
SERVERS = {
    # Each with its own default logging: no --log-config, no logging set up by the app.
    "uvicorn": ["-m", "uvicorn", "--factory", "app:create_app", "--fd", "{fd}"],
    "gunicorn": ["-m", "gunicorn", "-k", "uvicorn.workers.UvicornWorker", "--bind", "fd://{fd}", "app:create_app()"],
}
START_TIMEOUT = 60.0


@contextmanager
def serve_quick_start(server: str, folder: Path) -> Iterator[tuple[str, Path]]:
    """The quick start saved as app.py under ``server``; yields its URL and the file its output goes to."""
    (folder / "app.py").write_text((EXAMPLES / "quickstart_fastapi.py").read_text(encoding="utf-8"), encoding="utf-8")
    listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    listener.bind(("127.0.0.1", 0))
    listener.set_inheritable(True)
    url = f"http://127.0.0.1:{listener.getsockname()[1]}"
    env = {key: value for key, value in os.environ.items() if not key.startswith("PANDIUM_")} | ENV
    command = [sys.executable, *(part.format(fd=listener.fileno()) for part in SERVERS[server])]
    log = folder / "server.log"
    with log.open("wb") as output:
        process = subprocess.Popen(
            command, cwd=folder, env=env, stdout=output, stderr=subprocess.STDOUT, pass_fds=(listener.fileno(),)
        )
    try:
        yield url, log
    finally:
        process.terminate()
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        listener.close()


def wait_for_text(log: Path, text: str) -> str:
    deadline = time.monotonic() + START_TIMEOUT
    while True:
        output = log.read_text(errors="replace")
        if text in output:
            return output
        assert time.monotonic() < deadline, f"{text!r} never appeared in the server's output:\n{output}"
        time.sleep(0.1)


@pytest.mark.parametrize("server", sorted(SERVERS))
def test_the_error_is_in_the_servers_default_output_at_start_up(server: str, tmp_path: Path) -> None:
    with serve_quick_start(server, tmp_path) as (url, log):
        started = wait_for_text(log, "Application startup complete")
        # Before any request: the start-up output names the hook to pass.
        assert MISSING_CONNECTOR_TOKEN.format(door="PandiumMiddleware") in started
        assert "lifespan' protocol appears unsupported" not in started
        with httpx.Client(base_url=url, timeout=10) as http:
            page = http.get("/integrations")
            minted = http.get("/pandium/marketplace")
    assert page.status_code == 200 and "<pandium-embed" in page.text
    assert minted.status_code == 500
