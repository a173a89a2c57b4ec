"""Suite-wide fixtures and the log guard.

The guard: every log record emitted while a test runs (at any level, from any logger) and every span
ended meanwhile (its name, attributes, events and status) is checked when that test ends; a leak of a
token, a ``tenant=`` URL, a shared secret or a webhook path's secret fails the test that caused it.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.support.front_doors import FRONT_DOORS, FrontDoor
from tests.support.log_guard import (
    SPANS,
    WATCHED_SECRETS,
    RecordEverything,
    leaks_in,
    record_spans,
    span_texts,
    watch_config_secrets,
)
from tests.support.redis import running_redis

# Test modules build their configs at import, during collection, before any fixture runs: the
# secret watch spans the session, from configure to unconfigure, and is undone at the end.
_session_patches = pytest.MonkeyPatch()


def pytest_configure(config: pytest.Config) -> None:
    watch_config_secrets(_session_patches)
    record_spans()


def pytest_unconfigure(config: pytest.Config) -> None:
    _session_patches.undo()


# Fixtures that start a server or a toolchain (redis-server, a served stand-in, a scratch npm project):
# a test that uses one is an integration test wherever it lives (tests/integration holds the files that
# are nothing else), and `make check` leaves it out.
SERVER_FIXTURES = {"redis_url", "pandium_mock", "npm_project", "npm_project_react_18"}


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        if item.path.parent.name == "integration" or SERVER_FIXTURES & set(getattr(item, "fixturenames", ())):
            item.add_marker(pytest.mark.integration)


@pytest.fixture(autouse=True)
def no_secrets_in_logs() -> Iterator[None]:
    handler = RecordEverything()
    SPANS.clear()
    root = logging.getLogger()
    previous_level = root.level
    root.addHandler(handler)
    root.setLevel(logging.DEBUG)
    try:
        yield
    finally:
        root.removeHandler(handler)
        root.setLevel(previous_level)
    leaked = leaks_in(handler.texts, WATCHED_SECRETS)
    assert not leaked, f"{len(leaked)} log record(s) carried a token, a tenant= URL or a secret"
    leaky_spans = [span.name for span in SPANS.get_finished_spans() if leaks_in(span_texts(span), WATCHED_SECRETS)]
    assert not leaky_spans, f"span(s) {leaky_spans} carried a token, a tenant= URL or a secret"


@pytest.fixture
def anyio_backend() -> str:
    """Async tests run on asyncio through anyio's pytest plugin."""
    return "asyncio"


@pytest.fixture(scope="session")
def redis_url() -> Iterator[str]:
    """``redis://127.0.0.1:<port>/0`` of a redis-server started for this test session."""
    with running_redis() as url:
        yield url


@pytest.fixture(params=FRONT_DOORS, ids=lambda door: door.name)
def door(request: pytest.FixtureRequest) -> FrontDoor:
    """Each front door to the routes in turn: PandiumMiddleware (ASGI), PandiumWSGIMiddleware (WSGI)."""
    front_door: FrontDoor = request.param
    return front_door


@pytest.fixture(scope="session")
def npm_project(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A scratch project with the packed npm package (js/), React and @playwright/test installed offline
    from the repository's node_modules (tests/support/npm.py)."""
    from tests.support.npm import scratch_project

    return scratch_project(tmp_path_factory.mktemp("npm"))


@pytest.fixture(scope="session")
def npm_project_react_18(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The same with React 18, the oldest the React component supports."""
    from tests.support.npm import REACT_18, scratch_project

    return scratch_project(tmp_path_factory.mktemp("npm18"), react=REACT_18)
