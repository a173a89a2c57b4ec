"""A host app for the pop-out and report tests: the real ``PandiumMiddleware`` (with an
``on_connected`` hook that collects what the loader reports) in front of the real ``MockPandium``
on another origin; or the same pages as a Flask app behind ``PandiumWSGIMiddleware``."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field

from flask import Flask, abort
from flask import Response as FlaskResponse
from playwright.sync_api import Page

from pandium_embed import ConnectedTenant, PandiumMiddleware, PandiumUser
from pandium_embed.background_server import BackgroundServer
from pandium_embed.mock.mock_server import MockPandiumServer
from pandium_embed.wsgi import PandiumWSGIMiddleware
from tests.support.loader_bed import RECORDER_JS, HostPages, connector_token
from tests.support.mock import USER
from tests.support.page import wait_for_events
from tests.support.wsgi import BackgroundWSGIServer

# on_connected raises for this integration's tenants: the middleware answers 500.
BROKEN_INTEGRATION = "NetSuite"
TIMEOUT_MS = 15_000


@dataclass
class Reports:
    """What ``on_connected`` received, as ``(user sub, event)``; the hook runs in a worker thread."""

    received: list[tuple[str, ConnectedTenant]] = field(default_factory=list)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def hook(self, request: object, user: PandiumUser, event: ConnectedTenant) -> None:
        if event.integration_name == BROKEN_INTEGRATION:
            raise RuntimeError("the host's database is down")
        with self._lock:
            self.received.append((user.sub, event))

    def wait_for(self, count: int, timeout: float = TIMEOUT_MS / 1000) -> list[tuple[str, ConnectedTenant]]:
        """Wait until at least ``count`` reports arrived (a positive condition, polled)."""
        deadline = time.monotonic() + timeout
        while True:
            with self._lock:
                if len(self.received) >= count:
                    return list(self.received)
            assert time.monotonic() < deadline, f"{count} report(s) expected, got {self.received!r}"
            time.sleep(0.02)


@dataclass
class MockHost:
    server: BackgroundServer | BackgroundWSGIServer
    pages: HostPages
    mock: MockPandiumServer
    reports: Reports

    def open(self, page: Page, body: str, *, sized: tuple[str, ...] = ()) -> None:
        """Serve a host page (recorder + loader in <head>, so the script runs before the markup); then
        wait until each element id in ``sized`` has sized its frame (its Pandium page is up)."""
        name = f"p{len(self.pages.pages)}"
        self.pages.pages[name] = (
            "<!doctype html><html lang=en><head><meta charset=utf-8><title>host</title>"
            '<script src="/recorder.js"></script><script src="/pandium/embed.js"></script>'
            f"</head><body>{body}</body></html>",
            {},
        )
        page.set_default_timeout(TIMEOUT_MS)
        page.goto(f"{self.server.url}/p/{name}")
        for element_id in sized:
            wait_for_events(page, "resize", target=element_id)


def base_urls(url: str) -> dict[str, str]:
    """PandiumConfig's three base URL settings, all ``url``."""
    return {f"{flow}_base_url": url for flow in ("marketplace", "install", "connect")}


@contextmanager
def mock_host(
    mock: MockPandiumServer, *, registered: bool = True, pandium_url: str | None = None
) -> Iterator[MockHost]:
    """``registered=False`` leaves the host's origin out of the mock's parent origins: its frames load
    (a refused frame is still a load) and never hear a message, like an origin Pandium does not know."""
    pages = HostPages()
    reports = Reports()
    # pandium_url: the mock reached another way (through a proxy), as the host's config and loader see it.
    config = mock.config(connectors=mock.connectors, **(base_urls(pandium_url) if pandium_url else {}))
    app = PandiumMiddleware(
        pages, config=config, identify=lambda request: USER, connector_token=connector_token, on_connected=reports.hook
    )
    with BackgroundServer(app) as server:
        if registered:
            mock.add_parent_origin(server.origin)
        yield MockHost(server, pages, mock, reports)


def flask_pages(pages: HostPages) -> Flask:
    """HostPages' pages (and the event recorder) as Flask views."""
    app = Flask("flask_host")

    @app.get("/recorder.js")
    def recorder() -> FlaskResponse:
        return FlaskResponse(RECORDER_JS, mimetype="text/javascript")

    @app.get("/favicon.ico")
    def favicon() -> FlaskResponse:
        return FlaskResponse(status=204)

    @app.get("/p/<name>")
    def page(name: str) -> FlaskResponse:
        if name not in pages.pages:
            abort(404)
        body, headers = pages.pages[name]
        return FlaskResponse(body, mimetype="text/html", headers=headers)

    return app


@contextmanager
def flask_mock_host(mock: MockPandiumServer) -> Iterator[MockHost]:
    """mock_host with a Flask host app: PandiumWSGIMiddleware installed as the Flask recipe does."""
    pages = HostPages()
    reports = Reports()
    app = flask_pages(pages)
    app.wsgi_app = PandiumWSGIMiddleware(  # type: ignore[method-assign]
        app.wsgi_app,
        config=mock.config(connectors=mock.connectors),
        identify=lambda request: USER,
        connector_token=connector_token,
        on_connected=reports.hook,
    )
    with BackgroundWSGIServer(app) as server:
        mock.add_parent_origin(server.origin)
        yield MockHost(server, pages, mock, reports)
