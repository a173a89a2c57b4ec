"""Calling ASGI apps in-process: the wrapped app, the middleware factory and the clients.

Async tests use :func:`asgi_client` (httpx.ASGITransport); sync tests use Starlette's ``TestClient``,
which runs the app on an event loop of its own, so it works whatever loop the main thread holds.
"""

from __future__ import annotations

import contextlib
import logging
from collections.abc import AsyncIterator, Callable, Iterator
from typing import Any
from urllib.parse import unquote

import httpx
from starlette.requests import Request
from starlette.testclient import TestClient
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from pandium_embed import PandiumConfig, PandiumMiddleware, PandiumUser

APP_URL = "http://app.test"


async def bare_app(scope: Scope, receive: Receive, send: Send) -> None:
    """The wrapped app: answers 200 with the path, so a pass-through is visible."""
    if scope["type"] == "lifespan":
        message = await receive()
        await send({"type": f"{message['type']}.complete"})
        return
    await send({"type": "http.response.start", "status": 200, "headers": [(b"content-type", b"text/plain")]})
    await send({"type": "http.response.body", "body": f"app:{scope['path']}".encode()})


def crm_token(request: Request, user: PandiumUser, connector: str) -> str:
    """The host app's own API credential for ``user`` (what an Auth-Only connection carries)."""
    return f"crm-{user.sub}"


def pandium_app(
    app: Any = bare_app,
    *,
    config: PandiumConfig,
    user: PandiumUser | None,
    identify: Callable[[Request], Any] | None = None,
    connector_token: Callable[..., Any] | None = crm_token,
    **options: Any,
) -> PandiumMiddleware:
    """``PandiumMiddleware`` in front of ``app``, with ``user`` signed in (``None``: nobody)."""

    async def signed_in(request: Request) -> PandiumUser | None:
        return user

    return PandiumMiddleware(
        app, config=config, identify=identify or signed_in, connector_token=connector_token, **options
    )


def asgi_client(app: Any, *, base_url: str = APP_URL, root_path: str = "") -> httpx.AsyncClient:
    """An httpx client that calls ``app`` in-process; it does not follow redirects."""
    return httpx.AsyncClient(transport=httpx.ASGITransport(app=app, root_path=root_path), base_url=base_url)


@contextlib.asynccontextmanager
async def quiet_asgi_client(app: Any, *, base_url: str = APP_URL) -> AsyncIterator[httpx.AsyncClient]:
    """:func:`asgi_client` with httpx's request log off, for paths that carry a credential (a webhook
    secret), which the suite's log guard rightly refuses to see logged."""
    with quiet_httpx():
        async with asgi_client(app, base_url=base_url) as client:
            yield client


def sync_client(app: ASGIApp, *, base_url: str = APP_URL, root_path: str = "") -> TestClient:
    """Starlette's sync client for ``app``; like :func:`asgi_client` it does not follow redirects.
    Used in a ``with`` block it also runs the app's lifespan."""
    return TestClient(app, base_url=base_url, root_path=root_path, follow_redirects=False)


@contextlib.contextmanager
def quiet_httpx() -> Iterator[None]:
    """httpx (and httpx2, under Starlette's TestClient) logs every request URL at INFO, and the
    stand-in's URLs carry ``?tenant=<token>``: the suite's log guard rightly fails on that. It is the
    test client talking, not the product, so the client is kept quiet instead. (httpcore, under httpx
    on real connections, logs the response headers, Location included.)"""
    loggers = [logging.getLogger(name) for name in ("httpx", "httpx2", "httpcore")]
    previous = [logger.level for logger in loggers]
    for logger in loggers:
        logger.setLevel(logging.WARNING)
    try:
        yield
    finally:
        for logger, level in zip(loggers, previous, strict=True):
            logger.setLevel(level)


async def raw_asgi(app: Any, method: str, raw_path: str, headers: list[tuple[bytes, bytes]] | None = None) -> Message:
    """Call the app with a path exactly as a server would decode it (httpx would normalise '..');
    returns the response start message, its headers as a lower-case dict."""
    scope = {
        "type": "http",
        "asgi": {"version": "3.0"},
        "http_version": "1.1",
        "method": method,
        "scheme": "http",
        "path": unquote(raw_path),
        "raw_path": raw_path.encode(),
        "root_path": "",
        "query_string": b"",
        "headers": headers or [(b"host", b"app.test")],
        "client": ("127.0.0.1", 5000),
        "server": ("app.test", 80),
    }
    sent: list[Message] = []

    async def receive() -> Message:
        return {"type": "http.request", "body": b"", "more_body": False}

    async def send(message: Message) -> None:
        sent.append(message)

    await app(scope, receive, send)
    start = sent[0]
    start["headers"] = {k.decode().lower(): v.decode() for k, v in start["headers"]}
    return start
