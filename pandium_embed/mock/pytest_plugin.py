"""pytest plugin (pytest11 entry point): the ``pandium_mock`` fixture.

    def test_marketplace(pandium_mock):
        host = start_host_app(config=pandium_mock.config())
        pandium_mock.add_parent_origin(host.origin)
        ...
        assert pandium_mock.accepted[-1].claims["sub"] == "user-1"

Each test gets a fresh stand-in, so a scenario (``pandium_mock.scenario(reject="expired", times=1)``)
never carries over to the next test. Override ``pandium_mock_options`` in a conftest to pass
``MockPandium`` arguments (integrations, connectors, parent_origins, clock, ...).
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from .mock_server import MockPandiumServer

__all__ = ["pandium_mock", "pandium_mock_options"]


@pytest.fixture
def pandium_mock_options() -> dict[str, Any]:
    """Keyword arguments for ``MockPandiumServer`` / ``MockPandium``; empty means the defaults."""
    return {}


@pytest.fixture
def pandium_mock(pandium_mock_options: dict[str, Any]) -> Iterator[MockPandiumServer]:
    """A running ``MockPandium`` on ``http://localhost:<free port>``, stopped after the test."""
    with MockPandiumServer(**pandium_mock_options) as server:
        yield server
