"""A new user's first hour, as the README tells it: the wheel installed into a fresh virtualenv, the
quick start saved as app.py, the shell steps run as written (pip install, secrets, ``pandium-embed mock``,
the export line, uvicorn), and the marketplace checked in Chromium inside the user's own FastAPI page.

Only the ports change (8000 and 8001 may be taken on a shared machine), and the package name becomes the
built wheel. The user signs in through the quick start's development sign-in (DEV_SIGN_IN=1 in the script).
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from tests.support.docs import EXAMPLES, ROOT

ROOT_PYTHON = sys.executable
START_TIMEOUT = 300  # pip install into a fresh venv on a busy machine
TIMEOUT_MS = 20_000


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def wait_for_port(port: int, process: subprocess.Popen[bytes], log: Path) -> None:
    deadline = time.monotonic() + START_TIMEOUT
    while time.monotonic() < deadline:
        assert process.poll() is None, f"the quick start exited early:\n{log.read_text(errors='replace')}"
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            return
        except OSError:
            time.sleep(0.5)
    raise AssertionError(f"the app did not start on {port}:\n{log.read_text(errors='replace')}")


@pytest.fixture
def wheel(tmp_path: Path) -> Path:
    out = tmp_path / "dist"
    subprocess.run(
        [ROOT_PYTHON, "-m", "build", "--wheel", "--outdir", str(out), str(ROOT)],
        check=True,
        capture_output=True,
        timeout=600,
    )
    (built,) = out.glob("pandium_embed-*.whl")
    return built


@pytest.fixture
def quick_start(tmp_path: Path, wheel: Path) -> Iterator[tuple[int, str, Path]]:
    """Runs docs/examples/quickstart.sh in a fresh venv; yields (app port, the script as run, its log)."""
    subprocess.run([ROOT_PYTHON, "-m", "venv", str(tmp_path / "venv")], check=True, timeout=300)
    work = tmp_path / "work"
    work.mkdir()
    app_source = (EXAMPLES / "quickstart_fastapi.py").read_text(encoding="utf-8")
    (work / "app.py").write_text(app_source, encoding="utf-8")

    app_port, mock_port = free_port(), free_port()
    written = (EXAMPLES / "quickstart.sh").read_text(encoding="utf-8")
    assert 'pip install "pandium-embed[mock]"' in written
    script = (
        written.replace('"pandium-embed[mock]"', f'"{wheel}[mock]"')
        .replace("8001", str(mock_port))
        .replace("8000", str(app_port))
    )
    env = {key: value for key, value in os.environ.items() if not key.startswith(("PANDIUM_", "VIRTUAL_ENV"))}
    env["PATH"] = f"{tmp_path / 'venv' / 'bin'}{os.pathsep}{env['PATH']}"
    log = tmp_path / "quickstart.log"
    with log.open("wb") as output:
        # Its own process group: the mock runs in the background of the script, the app in front.
        process = subprocess.Popen(
            ["bash", "-e", "-c", script],
            cwd=work,
            env=env,
            stdout=output,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    try:
        wait_for_port(app_port, process, log)
        yield app_port, script, log
    finally:
        os.killpg(process.pid, signal.SIGTERM)
        process.wait(timeout=30)


def test_from_pip_install_to_the_marketplace_in_your_own_fastapi_page(
    quick_start: tuple[int, str, Path], page: Page
) -> None:
    app_port, script, log = quick_start
    app = f"http://127.0.0.1:{app_port}"
    page.set_default_timeout(TIMEOUT_MS)

    signed_out = page.goto(f"{app}/pandium/marketplace")
    assert signed_out is not None and signed_out.status == 401
    page.goto(f"{app}/dev/sign-in")  # the development sign-in, which opens /integrations
    assert page.url == f"{app}/integrations"
    frame = page.frame_locator("pandium-embed > iframe")
    expect(frame.locator("#viewer")).to_have_text("dev-user", timeout=TIMEOUT_MS)
    expect(frame.get_by_role("button", name="Install HubSpot")).to_be_visible(timeout=TIMEOUT_MS)

    # The export line in the README is the one the installed `pandium-embed mock` printed.
    output = log.read_text(errors="replace")
    [export] = [line for line in script.splitlines() if line.startswith("export PANDIUM_ORG=")]
    assert f"  {export}" in output.splitlines()
    assert "export PANDIUM_CONNECTORS=gwt=GWT" in output
    # It ran from the fresh venv's wheel, not from this checkout.
    assert str(ROOT / "pandium_embed") not in output
