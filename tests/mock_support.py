"""Helpers shared by the MockPandium tests: hand-forged tokens, the page's data block, payload shapes."""

from __future__ import annotations

import asyncio
import base64
import contextlib
import hashlib
import hmac
import json
import logging
import re
from collections.abc import AsyncIterator, Callable, Iterator, Mapping
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from types import TracebackType
from typing import Any

import httpx
from starlette.types import ASGIApp

from pandium_embed import PandiumUser

# A copy of shared/pandium-success.example.json (Pandium's documented pandium-success payload),
# kept in the repo so the suite needs nothing outside it.
# Every claim set, so the pandium-success payload has a value wherever Pandium's example has one.
USER = PandiumUser(
    "user-1",
    display_name="Ann Example",
    full_name="Ann Q. Example",
    email="ann@example.com",
    installed_integrations=["4"],
    auditable_id="admin-7",
    auditable_display_name="Support Admin",
)
SUCCESS_EXAMPLE = Path(__file__).parent / "fixtures" / "pandium-success.example.json"

HS256_HEADER = b'{"alg":"HS256","typ":"JWT"}'
_DATA_BLOCK = re.compile(r'<script type="application/json" id="pandium-mock-data">(.*?)</script>', re.S)
_STATUS_KEY = re.compile(r"[A-Z0-9_]+_(AUTH_STATUS|LAST_CHANGE)")


def b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def forge(
    claims: Mapping[str, Any],
    *,
    secret: str,
    header: bytes = HS256_HEADER,
    payload: bytes | None = None,
    digest: Callable[..., Any] = hashlib.sha256,
) -> str:
    """A compact JWS built by hand: any header, any payload bytes, HMAC with any digest."""
    body = payload if payload is not None else json.dumps(claims, separators=(",", ":")).encode()
    signing_input = f"{b64(header)}.{b64(body)}"
    signature = hmac.new(secret.encode(), signing_input.encode(), digest).digest()
    return f"{signing_input}.{b64(signature)}"


def page_data(body: str) -> dict[str, Any]:
    """The JSON a MockPandium page hands its script."""
    match = _DATA_BLOCK.search(body)
    assert match is not None, "no pandium-mock-data block in the page"
    value = json.loads(match.group(1))
    assert isinstance(value, dict)
    return value


def load_success_example() -> dict[str, Any]:
    value = json.loads(SUCCESS_EXAMPLE.read_text(encoding="utf-8"))
    assert isinstance(value, dict)
    return value


def shape(value: Any, path: str = "") -> Any:
    """Keys and JSON types of ``value``, recursively. ``status.auth`` holds one key pair per connected
    system (``<SYSTEM>_AUTH_STATUS``, ``<SYSTEM>_LAST_CHANGE``), so there only the suffixes count."""
    if isinstance(value, dict):
        if path.endswith(".status.auth"):
            return sorted(
                _STATUS_KEY.fullmatch(key).group(1) if _STATUS_KEY.fullmatch(key) else key  # type: ignore[union-attr]
                for key in value
            )
        return {key: shape(item, f"{path}.{key}") for key, item in value.items()}
    if isinstance(value, list):
        return [shape(item, path) for item in value]
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "bool"
    return type(value).__name__


@contextlib.contextmanager
def quiet_httpx() -> Iterator[None]:
    """httpx logs every request URL at INFO, and the stand-in's URLs carry ``?tenant=<token>``: the
    suite's log guard (tests/conftest.py) rightly fails on that. It is the test client talking, not
    the product, so the client is kept quiet instead."""
    # httpcore (under httpx, on real connections) logs the response headers, Location included.
    loggers = [logging.getLogger(name) for name in ("httpx", "httpcore")]
    previous = [logger.level for logger in loggers]
    for logger in loggers:
        logger.setLevel(logging.WARNING)
    try:
        yield
    finally:
        for logger, level in zip(loggers, previous, strict=True):
            logger.setLevel(level)


@contextlib.asynccontextmanager
async def asgi_client(app: ASGIApp, base_url: str) -> AsyncIterator[httpx.AsyncClient]:
    """An httpx client that calls ``app`` in-process (ASGITransport), without request logging."""
    with quiet_httpx():
        async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url=base_url) as client:
            yield client


class AsgiClient:
    """Requests to ``app`` through httpx.ASGITransport, each on an event loop of its own in a worker
    thread: the browser tests' Playwright (sync API) keeps a loop running in the main thread for the
    rest of the session, so tests collected after them cannot run a loop there."""

    def __init__(self, app: ASGIApp, base_url: str) -> None:
        self.app = app
        self.base_url = base_url

    def request(self, method: str, url: str, **options: Any) -> httpx.Response:
        async def send() -> httpx.Response:
            async with asgi_client(self.app, self.base_url) as client:
                return await client.request(method, url, **options)

        with ThreadPoolExecutor(max_workers=1) as pool:
            return pool.submit(asyncio.run, send()).result()

    def get(self, url: str, **options: Any) -> httpx.Response:
        return self.request("GET", url, **options)

    def post(self, url: str, **options: Any) -> httpx.Response:
        return self.request("POST", url, **options)

    def delete(self, url: str, **options: Any) -> httpx.Response:
        return self.request("DELETE", url, **options)

    def __enter__(self) -> AsgiClient:
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, traceback: TracebackType | None
    ) -> None:
        return None
