"""The demo and its Pandium stand-in on free loopback ports, in background threads (tests, screenshots)."""

from __future__ import annotations

import secrets
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import TYPE_CHECKING

from pandium_embed import PandiumConfig
from pandium_embed.background_server import BackgroundServer
from pandium_embed.mock import MockPandium

from .app import create_app
from .users import DEMO_PASSWORD

if TYPE_CHECKING:
    from playwright.sync_api import Page

ORG = "acme"
CONNECTORS = {"hubspot": "HubSpot Contacts Sync"}


@dataclass(frozen=True)
class RunningDemo:
    url: str
    mock: MockPandium
    pandium_origin: str
    # What the app runs with (the shared secret included), e.g. for pandium-embed doctor's environment.
    config: PandiumConfig


def mock_config(secret: str, mock_url: str) -> PandiumConfig:
    """The demo's config when MockPandium stands in for every Pandium host."""
    return PandiumConfig(
        ORG,
        secret,
        marketplace_base_url=mock_url,
        install_base_url=mock_url,
        connect_base_url=mock_url,
        connectors=CONNECTORS,
    )


@contextmanager
def running_demo(*, port: int = 0, mock_port: int = 0) -> Iterator[RunningDemo]:
    """Acme CRM on http://127.0.0.1:<port> and MockPandium on http://localhost:<mock_port>."""
    secret = secrets.token_urlsafe(32)  # a fresh shared secret per run: nothing to leak
    mock = MockPandium(secret=secret, org=ORG)
    with BackgroundServer(mock, url_host="localhost", port=mock_port) as mock_server:
        config = mock_config(secret, mock_server.url)
        app = create_app(config, session_secret=secrets.token_urlsafe(32))
        host = BackgroundServer(app, port=port)
        mock.add_parent_origin(host.origin)  # the port is bound (and known) before the server starts
        with host:
            yield RunningDemo(host.url, mock, mock_server.origin, config)


def sign_in(page: Page, url: str, username: str) -> None:
    """Sign in through the login form, as a person would, and land on the Integrations page."""
    from playwright.sync_api import expect

    page.goto(f"{url}/login")
    page.fill("#username", username)
    page.fill("#password", DEMO_PASSWORD)
    page.click("#sign-in")
    expect(page).to_have_url(f"{url}/integrations")
