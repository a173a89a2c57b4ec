"""Fixtures of the sample host app's suite: the app running against the ``pandium_mock`` stand-in."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from examples.sample_host.app import create_app
from pandium_embed.mock.mock_server import MockPandiumServer
from pandium_embed.testing.chromium import CHROMIUM_ARGS, chromium_path
from pandium_embed.testing.server import BackgroundServer


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args: dict[str, Any]) -> dict[str, Any]:
    # Only for machines where Playwright cannot download its own browser: use the system's Chromium.
    return {**browser_type_launch_args, "executable_path": chromium_path(), "args": CHROMIUM_ARGS}


@pytest.fixture
def app_url(pandium_mock: MockPandiumServer) -> Iterator[str]:
    """The app, configured against the stand-in, served on http://127.0.0.1:<free port>."""
    app = create_app(pandium_mock.config(connectors=pandium_mock.connectors))
    with BackgroundServer(app) as server:
        pandium_mock.add_parent_origin(server.origin)
        yield server.url
