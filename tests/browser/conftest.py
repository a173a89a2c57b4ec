"""Browser test set-up: Debian's Chromium driven by Playwright, servers on two loopback origins."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, BrowserContext, Page, sync_playwright

from pandium_embed.mock.mock_server import MockPandiumServer
from pandium_embed.testing.chromium import CHROMIUM_ARGS, chromium_path
from tests.support.loader_bed import LoaderEnv, running_env
from tests.support.mock_host import MockHost, flask_mock_host, mock_host


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    here = Path(__file__).parent

    def in_browser_suite(item: pytest.Item) -> bool:
        return here in Path(str(item.fspath)).parents

    for item in items:
        if in_browser_suite(item):
            item.add_marker(pytest.mark.browser)
    # Playwright's sync API keeps an asyncio loop running on the main thread for as long as the
    # session-wide browser lives; async tests collected after it would fail to start their own loop.
    # So the browser suite runs last (a stable sort keeps every other order as collected).
    items.sort(key=in_browser_suite)


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=chromium_path(), args=CHROMIUM_ARGS, headless=True)
        yield browser
        browser.close()


@pytest.fixture
def context(browser: Browser) -> Iterator[BrowserContext]:
    context = browser.new_context()
    yield context
    context.close()


@pytest.fixture
def page(context: BrowserContext) -> Iterator[Page]:
    page = context.new_page()
    yield page
    page.close()


@pytest.fixture(scope="module")
def env() -> Iterator[LoaderEnv]:
    """The loader test bed (host app and fake Pandium on two origins), one per test module."""
    with running_env() as env:
        yield env


@pytest.fixture
def signed_in(env: LoaderEnv, page: Page) -> Page:
    env.sign_in(page.context)
    return page


@pytest.fixture
def host(pandium_mock: MockPandiumServer) -> Iterator[MockHost]:
    """The real PandiumMiddleware in front of a host page app, framing the real MockPandium.
    (test_mock_pages.py overrides it with a smaller host of its own.)"""
    with mock_host(pandium_mock) as host:
        yield host


@pytest.fixture(params=["asgi", "flask"])
def any_host(request: pytest.FixtureRequest, pandium_mock: MockPandiumServer) -> Iterator[MockHost]:
    """``host``, and the same pages as a Flask app behind PandiumWSGIMiddleware (the WSGI front door)."""
    serve = mock_host if request.param == "asgi" else flask_mock_host
    with serve(pandium_mock) as host:
        yield host
