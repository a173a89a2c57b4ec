"""Framework tests run on asyncio through anyio's plugin, like the unit tests."""

from __future__ import annotations

import pytest


@pytest.fixture
def anyio_backend() -> str:
    return "asyncio"
