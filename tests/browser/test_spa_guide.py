"""The single-page-app guide (docs/single-page-apps.md) as a frontend team follows it: each app under
docs/examples/spa/ built and served by its real toolchain (Vite with React, Vue and Svelte; Next.js with
the App Router) from the packed npm tarball, in front of the quick start's backend (docs/examples/
quickstart_fastapi.py, with its development sign-in) and MockPandium, and driven in Chromium.

Vite apps run both ways the guide shows: the dev server (React under <StrictMode>, whose second render
and second effects must mint nothing) and the production build under `vite preview`; each is built once
per session. In every case: signed in through the proxied development sign-in, each element mints once,
its frame shows the stand-in's page, and a save arrives in the app as an event."""

from __future__ import annotations

import re
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from playwright.sync_api import Page, expect

from pandium_embed.background_server import BackgroundServer
from pandium_embed.mock.mock_server import MockPandiumServer
from tests.support.docs import EXAMPLES, run_file
from tests.support.page import frame
from tests.support.spa import Workspace, serve, tool

TIMEOUT_MS = 30_000
VITE_APPS = ["vite-react", "vite-vue", "vite-svelte"]
MISMATCH = "does not match the recipient window's origin"


@pytest.fixture(scope="session")
def spa_stand_in() -> Iterator[MockPandiumServer]:
    """One stand-in for the session's apps: each test counts the mints it adds."""
    with MockPandiumServer() as stand_in:
        yield stand_in


@pytest.fixture(scope="session")
def spa_backend(spa_stand_in: MockPandiumServer) -> Iterator[BackgroundServer]:
    """The quick start's app.py with its development sign-in on, configured for the stand-in."""
    env = {"SESSION_SECRET_KEY": "spa-guide-session-key", "DEV_SIGN_IN": "1"}
    with pytest.MonkeyPatch.context() as patch:
        quick_start = run_file(EXAMPLES / "quickstart_fastapi.py", patch, env=env)
        app = quick_start.create_app(spa_stand_in.config())
    with BackgroundServer(app) as server:
        yield server


@pytest.fixture(scope="session")
def workspace() -> Iterator[Workspace]:
    made = Workspace()
    yield made
    made.remove()


def app_env(stand_in: MockPandiumServer, backend: BackgroundServer) -> dict[str, str]:
    """What the guide's files read: the backend's URL (proxy, rewrites) and the trusted Pandium origins."""
    origins = " ".join(stand_in.config().origins)
    return {"BACKEND_URL": backend.url, "VITE_PANDIUM_ORIGINS": origins, "NEXT_PUBLIC_PANDIUM_ORIGINS": origins}


@pytest.fixture(scope="session")
def built(workspace: Workspace, spa_stand_in: MockPandiumServer, spa_backend: BackgroundServer) -> dict[str, Path]:
    """Each app's production build, made once per session (on first use)."""
    return {}


def build_once(name: str, built: dict[str, Path], workspace: Workspace, env: dict[str, str]) -> Path:
    if name not in built:
        project = workspace.app(name)
        tool(project, ["next", "build"] if name == "next" else ["vite", "build"], env)
        built[name] = project
    return built[name]


def wait_until_answering(url: str) -> None:
    """A server that printed its URL may still be starting: wait for its first answer (any status)."""
    for _ in range(600):
        try:
            httpx.get(url, timeout=5)
            return
        except httpx.TransportError:
            time.sleep(0.1)
    raise AssertionError(f"{url} never answered")


def sign_in_and_save(page: Page, url: str, stand_in: MockPandiumServer) -> list[str]:
    """Open the app through the proxied development sign-in, check one mint per element and that a save
    arrives in the app; returns the console messages the page logged."""
    console: list[str] = []
    page.on("console", lambda message: console.append(f"{message.type}: {message.text}"))
    page.on("pageerror", lambda error: console.append(f"pageerror: {error}"))
    page.set_default_timeout(TIMEOUT_MS)
    expect.set_options(timeout=TIMEOUT_MS)
    before = len(stand_in.accepted)
    stand_in.add_parent_origin(url)

    page.goto(f"{url}/dev/sign-in")  # the backend's, through the proxy: the cookie is the page's
    assert page.url == f"{url}/integrations"
    marketplace, install = frame(page, "marketplace"), frame(page, "install")
    expect(marketplace.locator("#viewer")).to_have_text("dev-user")
    expect(install.locator("#install-title")).to_have_text("Install Salesforce")
    # One mint per element: no second render, effect or reload minted again.
    assert sorted(record.flow for record in stand_in.accepted[before:]) == ["install", "marketplace"]

    marketplace.get_by_role("button", name="Install HubSpot").click()
    marketplace.locator("#save").click()
    # Tenant ids count up across the session's stand-in: one id, then two.
    expect(page.locator("#saved")).to_have_text(re.compile(r"^Saved tenant \d+$"))
    install.get_by_role("button", name="Save").click()
    expect(page.locator("#saved")).to_have_text(re.compile(r"^Saved tenant \d+, \d+$"))
    assert len(stand_in.accepted) == before + 2
    assert [line for line in console if MISMATCH in line or line.startswith("pageerror")] == []
    return console


@pytest.mark.parametrize("name", VITE_APPS)
def test_a_vite_app_on_its_dev_server(
    page: Page, name: str, workspace: Workspace, spa_stand_in: MockPandiumServer, spa_backend: BackgroundServer
) -> None:
    project = workspace.app(name)
    with serve(project, ["vite", "--port", "0", "--host", "localhost"], app_env(spa_stand_in, spa_backend)) as url:
        # The first request waits for Vite's dependency scan, so the page loads once, with no reload.
        wait_until_answering(url)
        httpx.get(f"{url}/", timeout=60)
        sign_in_and_save(page, url, spa_stand_in)


@pytest.mark.parametrize("name", VITE_APPS)
def test_a_vite_apps_production_build(
    page: Page,
    name: str,
    built: dict[str, Path],
    workspace: Workspace,
    spa_stand_in: MockPandiumServer,
    spa_backend: BackgroundServer,
) -> None:
    env = app_env(spa_stand_in, spa_backend)
    project = build_once(name, built, workspace, env)
    assert (project / "dist" / "index.html").is_file()
    with serve(project, ["vite", "preview", "--port", "0", "--host", "localhost"], env) as url:
        wait_until_answering(url)
        sign_in_and_save(page, url, spa_stand_in)


def test_a_next_app_router_app(
    page: Page,
    built: dict[str, Path],
    workspace: Workspace,
    spa_stand_in: MockPandiumServer,
    spa_backend: BackgroundServer,
) -> None:
    env = app_env(spa_stand_in, spa_backend)
    project = build_once("next", built, workspace, env)
    with serve(project, ["next", "start", "-p", "0", "-H", "localhost"], env) as url:
        wait_until_answering(url)
        sign_in_and_save(page, url, spa_stand_in)
        # Server-rendered: the element is in the HTML before any script runs, and hydrates without a second mint.
        html = httpx.get(f"{url}/integrations", timeout=30).text
        assert '<pandium-embed id="marketplace" view="marketplace"' in html
