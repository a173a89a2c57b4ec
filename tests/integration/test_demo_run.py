"""`make demo` (python -m demo): both servers answer on two origins, and Ctrl-C stops both cleanly."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


def answers(url: str) -> int | None:
    try:
        with urllib.request.urlopen(url, timeout=2) as response:  # noqa: S310 - the test's own http://127.0.0.1 URL
            status: int = response.status
            return status
    except urllib.error.HTTPError as error:
        return error.code
    except OSError:
        return None


def wait_until(condition: Callable[[], bool], timeout: float = 20.0) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.1)


def run_demo(port: int, mock_port: int, extra_env: dict[str, str]) -> subprocess.Popen[str]:
    env = {key: value for key, value in os.environ.items() if not key.startswith("PANDIUM_")}
    env.update(extra_env)
    return subprocess.Popen(
        [sys.executable, "-m", "demo", "--port", str(port), "--mock-port", str(mock_port)],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def stop(demo: subprocess.Popen[str]) -> tuple[str, str]:
    demo.send_signal(signal.SIGINT)
    try:
        return demo.communicate(timeout=20)
    finally:
        if demo.poll() is None:
            demo.kill()
            demo.communicate()


def loader_text(port: int) -> str:
    with urllib.request.urlopen(f"http://127.0.0.1:{port}/pandium/embed.js", timeout=2) as loader:
        text: str = loader.read().decode()
        return text


def test_the_demo_serves_both_origins_and_stops_on_ctrl_c() -> None:
    port, mock_port = free_port(), free_port()
    demo = run_demo(port, mock_port, {})
    try:
        wait_until(lambda: answers(f"http://127.0.0.1:{port}/login") == 200)
        assert answers(f"http://localhost:{mock_port}/__mock__/records") == 200
        assert f'"origins":["http://localhost:{mock_port}"]' in loader_text(port)
    finally:
        stdout, stderr = stop(demo)
    assert demo.returncode == 0, stderr
    assert f"http://127.0.0.1:{port}" in stdout and "password 'demo'" in stdout
    assert "Traceback" not in stderr
    assert answers(f"http://127.0.0.1:{port}/login") is None
    assert answers(f"http://localhost:{mock_port}/__mock__/records") is None


def test_with_pandium_credentials_the_demo_uses_pandium_and_starts_no_stand_in() -> None:
    port, mock_port = free_port(), free_port()
    secret = "demo-run-test-secret-0123456789abcdefgh"
    demo = run_demo(port, mock_port, {"PANDIUM_ORG": "acme", "PANDIUM_SHARED_SECRET": secret, "PANDIUM_ENV": "sandbox"})
    try:
        wait_until(lambda: answers(f"http://127.0.0.1:{port}/login") == 200)
        assert '"origins":["https://imp.sandbox.pandium.com","https://emp.sandbox.pandium.com"]' in loader_text(port)
        assert answers(f"http://localhost:{mock_port}/__mock__/records") is None
    finally:
        stdout, stderr = stop(demo)
    assert demo.returncode == 0, stderr
    assert "MockPandium" not in stdout and "sandbox" in stdout
    assert secret not in stdout + stderr
