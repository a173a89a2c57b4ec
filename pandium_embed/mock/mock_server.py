"""``MockPandiumServer``: a ``MockPandium`` served by uvicorn in a background thread.

What the ``pandium_mock`` fixture gives; usable outside pytest too (scripts, notebooks).
"""

from __future__ import annotations

import asyncio
import secrets
from collections.abc import Coroutine
from concurrent.futures import ThreadPoolExecutor
from types import TracebackType
from typing import Any, TypeVar

from ..background_server import BackgroundServer
from ..config import PandiumConfig
from .app import MockPandium
from .notifications import Notification
from .records import AcceptedToken, RejectedToken
from .scenarios import Scenario

__all__ = ["DEFAULT_ORG", "MockPandiumServer"]

DEFAULT_ORG = "acme"
_T = TypeVar("_T")


def _run(coroutine: Coroutine[Any, Any, _T]) -> _T:
    # On a loop of its own in a worker thread: callable from sync code and from inside a running loop.
    with ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(asyncio.run, coroutine).result()


class MockPandiumServer:
    """``with MockPandiumServer() as mock: mock.config()`` -- a running stand-in on a loopback port.

    The URL uses ``localhost`` so it is a different browser origin from host apps served on
    ``127.0.0.1``: the cross-origin rules in browser tests are the real ones.
    Keyword arguments other than ``org``, ``secret`` and ``api_key`` go to ``MockPandium``; the REST
    API's key (``api_key``, random unless given) is for ``verify_tenant(..., api_key=mock.api_key)``.
    """

    def __init__(
        self,
        *,
        org: str = DEFAULT_ORG,
        secret: str | None = None,
        api_key: str | None = None,
        url_host: str = "localhost",
        **options: Any,
    ) -> None:
        # A fresh 256-bit secret per server: nothing to configure, nothing that could leak elsewhere.
        self._secret = secret if secret is not None else secrets.token_urlsafe(32)
        # Likewise the key of its REST API (GET /v2/tenants/<id>), for verify_tenant(api_key=mock.api_key).
        self.api_key: str = api_key if api_key is not None else secrets.token_urlsafe(24)
        self.app = MockPandium(org=org, secret=self._secret, api_key=self.api_key, **options)
        self._server = BackgroundServer(self.app, url_host=url_host)

    def __repr__(self) -> str:
        # Neither the secret nor the API key.
        return f"MockPandiumServer(url={self.url!r}, app={self.app!r})"

    @property
    def url(self) -> str:
        """The base URL, e.g. ``http://localhost:54321``; the marketplace is ``<url>/<org>``."""
        return self._server.url

    @property
    def origin(self) -> str:
        """The browser origin of the pages: what a host's loader must trust."""
        return self._server.origin

    @property
    def org(self) -> str:
        return self.app.org

    @property
    def connectors(self) -> dict[str, str]:
        """``{connector: integration name}`` of the mock, for ``config(connectors=...)``."""
        return self.app.connector_integrations

    def config(self, **overrides: Any) -> PandiumConfig:
        """A ``PandiumConfig`` whose three base URLs point here, with this mock's org and secret."""
        values: dict[str, Any] = {
            "org": self.app.org,
            "secret": self._secret,
            "marketplace_base_url": self.url,
            "install_base_url": self.url,
            "connect_base_url": self.url,
        }
        values.update(overrides)
        return PandiumConfig(**values)

    def add_parent_origin(self, origin: str) -> str:
        """Allow a host app (usually started after the mock) to frame the pages; returns the origin."""
        return self.app.add_parent_origin(origin)

    @property
    def accepted(self) -> list[AcceptedToken]:
        return self.app.accepted

    @property
    def rejected(self) -> list[RejectedToken]:
        return self.app.rejected

    @property
    def notifications(self) -> list[Notification]:
        """Each notification the mock sent, oldest first (see ``MockPandium(notifications_url=...)``)."""
        return self.app.notifications

    def set_notifications_url(self, url: str | None) -> None:
        """Send notifications to ``url`` (a receiver usually started after the mock); ``None``: none."""
        self.app.notifications_url = url

    def notify(self, event_type: str, **fields: Any) -> Notification | None:
        """Send a notification now, like ``MockPandium.notify`` (``notify("run_failed", tenant_id=3)``),
        from synchronous code; ``None`` without a notifications URL."""
        return _run(self.app.notify(event_type, **fields))

    def redeliver(self, notification: Notification) -> Notification | None:
        """Send ``notification`` again, unchanged, as a sender's retry would."""
        return _run(self.app.redeliver(notification))

    def scenario(self, **fields: Any) -> Scenario:
        """Make the stand-in misbehave until reset: ``mock.scenario(reject="expired", times=1)``.

        The keyword arguments are ``Scenario``'s fields (``pandium_embed.mock.scenarios``); a wrong one
        raises ``ScenarioError`` naming it and listing the fields.
        """
        return self.app.scenario(**fields)

    def reset_scenario(self) -> None:
        """Behave again (the ``pandium_mock`` fixture starts every test with a fresh stand-in)."""
        self.app.reset_scenario()

    def start(self) -> MockPandiumServer:
        self._server.start()
        return self

    def stop(self) -> None:
        self._server.stop()

    def __enter__(self) -> MockPandiumServer:
        return self.start()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.stop()
