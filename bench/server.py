"""uvicorn in a subprocess on a free loopback port, so its memory and CPU are its own."""

from __future__ import annotations

import http.client
import os
import socket
import subprocess
import sys
import time
from pathlib import Path
from types import TracebackType

ROOT = Path(__file__).resolve().parent.parent
START_TIMEOUT = 20.0


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


class UvicornProcess:
    """``with UvicornProcess("bench.apps:http_app") as server: server.port, server.pid``

    Pure-Python uvicorn (h11 + asyncio) chosen explicitly, so the figures do not change with whichever
    optional accelerators happen to be installed.
    """

    def __init__(self, app: str, *, host: str = "127.0.0.1") -> None:
        self.app = app
        self.host = host
        self.port = free_port()
        self._process: subprocess.Popen[bytes] | None = None

    @property
    def pid(self) -> int:
        if self._process is None:
            raise RuntimeError("server not started")
        return self._process.pid

    @property
    def base_url(self) -> str:
        return f"http://{self.host}:{self.port}"

    def start(self) -> UvicornProcess:
        command = [
            sys.executable, "-m", "uvicorn", self.app,
            "--host", self.host, "--port", str(self.port),
            "--http", "h11", "--loop", "asyncio", "--lifespan", "off",
            "--no-access-log", "--log-level", "warning",
        ]  # fmt: skip
        env = dict(os.environ, PYTHONPATH=str(ROOT))
        self._process = subprocess.Popen(command, cwd=ROOT, env=env, stdin=subprocess.DEVNULL)
        deadline = time.monotonic() + START_TIMEOUT
        while True:
            if self._process.poll() is not None:
                raise RuntimeError(f"uvicorn exited with {self._process.returncode} before serving {self.app}")
            try:
                status, _, _ = self.get("/hello")
                if status == 200:
                    return self
            except OSError:
                pass
            if time.monotonic() > deadline:
                self.stop()
                raise RuntimeError(f"uvicorn did not serve {self.app} within {START_TIMEOUT} s")
            time.sleep(0.05)

    def get(self, path: str, headers: dict[str, str] | None = None) -> tuple[int, dict[str, str], bytes]:
        connection = http.client.HTTPConnection(self.host, self.port, timeout=5)
        try:
            connection.request("GET", path, headers=headers or {})
            response = connection.getresponse()
            return response.status, {k.lower(): v for k, v in response.getheaders()}, response.read()
        finally:
            connection.close()

    def rss_kib(self) -> int:
        """Resident memory of the server process (VmRSS, KiB)."""
        for line in Path(f"/proc/{self.pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
        raise RuntimeError("no VmRSS line in /proc/<pid>/status")

    def stop(self) -> None:
        process, self._process = self._process, None
        if process is None or process.poll() is not None:
            return
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=10)

    def __enter__(self) -> UvicornProcess:
        return self.start()

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.stop()
