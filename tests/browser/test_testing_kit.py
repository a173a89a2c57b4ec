"""pandium_embed.testing: the page objects against MockPandium, restyled pages included, and the sample
host app's suites (pytest-playwright, a bare sync_playwright() script) run as a user runs them."""

from __future__ import annotations

import json
import os
import re
import socket
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Page
from starlette.types import ASGIApp, Message, Receive, Scope, Send

import pandium_embed.testing
from examples.sample_host.app import create_app
from pandium_embed import PandiumConfig
from pandium_embed.background_server import BackgroundServer
from pandium_embed.mock import MockPandium
from pandium_embed.mock.mock_server import MockPandiumServer
from pandium_embed.testing import NO_EVENT, NOT_THIS_INTEGRATION, WRONG_PAGE, NoPandiumEvent, PandiumFrame
from pandium_embed.testing.chromium import CHROMIUM_ARGS

ROOT = Path(__file__).resolve().parents[2]
SAMPLE = ROOT / "examples" / "sample_host"
NODE_SUITE = SAMPLE / "node"
NODE_BIN = ROOT / "node_modules" / ".bin"
SECRET = "testing-kit-shared-secret-0123456789abcdef"

# A restyle: other words on every button and label, no classes, no stylesheet. Element ids stay, because
# the stand-in's own script uses them; the page objects must not (checked below).
RESTYLE = [
    (rb' class="[^"]*"', b""),
    (rb'<link rel="stylesheet"[^>]*>', b""),
    (rb">Save<", b">Speichern<"),
    (rb">Cancel<", b">Abbrechen<"),
    (rb">Install<", b">Installieren<"),
    (rb">Approve<", b">Zulassen<"),
    (rb">Deny<", b">Ablehnen<"),
    (rb">Connect ", b">Verbinden mit "),
    (rb"Signed in as", b"Angemeldet als"),
    (rb'aria-label="[^"]*"', b""),
]


class Restyled:
    """MockPandium with every HTML page rewritten by RESTYLE."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        start: Message = {}

        async def rewrite(message: Message) -> None:
            nonlocal start
            if message["type"] == "http.response.start":
                start = message
                return
            body: bytes = message.get("body", b"")
            headers = dict(start.get("headers", []))
            if headers.get(b"content-type", b"").startswith(b"text/html"):
                for pattern, replacement in RESTYLE:
                    body = re.sub(pattern, replacement, body)
                headers[b"content-length"] = str(len(body)).encode()
            await send({**start, "headers": list(headers.items())})
            await send({**message, "body": body})

        await self.app(scope, receive, rewrite)


@pytest.fixture
def restyled_app() -> Iterator[str]:
    """The sample host app framing a restyled MockPandium; yields the app's URL."""
    mock = MockPandium(org="acme", secret=SECRET)
    with BackgroundServer(Restyled(mock), url_host="localhost") as pandium:
        config = PandiumConfig(
            "acme",
            SECRET,
            marketplace_base_url=pandium.url,
            install_base_url=pandium.url,
            connect_base_url=pandium.url,
            connectors=mock.connector_integrations,
        )
        with BackgroundServer(create_app(config)) as app:
            mock.add_parent_origin(app.origin)
            yield app.url


@pytest.fixture
def app_url(pandium_mock: MockPandiumServer) -> Iterator[str]:
    with BackgroundServer(create_app(pandium_mock.config(connectors=pandium_mock.connectors))) as app:
        pandium_mock.add_parent_origin(app.origin)
        yield app.url


def test_the_page_objects_survive_a_restyle(page: Page, restyled_app: str) -> None:
    pandium = PandiumFrame(page)
    page.goto(f"{restyled_app}/integrations")
    assert pandium.showing() == "marketplace"
    assert "Installieren" in pandium.frame.locator("body").inner_text()  # the restyle is really there
    assert pandium.signed_in_as() == "Ann Example"

    pandium.install(2)
    assert pandium.save()["tenant"]["integration"]["name"] == "Salesforce"
    pandium.install("3")
    assert pandium.cancel()["tenant"]["integration"]["name"] == "NetSuite"

    page.goto(f"{restyled_app}/connect/hubspot")
    approved = pandium.connect(approve=True)
    assert approved is not None and approved["tenant"]["integration"]["name"] == "HubSpot"
    page.goto(f"{restyled_app}/connect/hubspot")
    assert pandium.connect(approve=False) is None


def test_the_page_objects_select_by_data_attributes_only() -> None:
    for source in (Path(pandium_embed.testing.__file__), ROOT / "js" / "testing" / "index.ts"):
        text = source.read_text(encoding="utf-8")
        assert not re.search(r"get_?[bB]y_?(Role|Text|Label|Title|Placeholder)", text), source
        selectors = re.findall(r"""locator\((['"`])(.*?)\1""", text)
        assert all(not selector.startswith(("#", ".")) for _, selector in selectors), (source, selectors)


def test_events_are_returned_in_order_and_each_once(page: Page, app_url: str) -> None:
    pandium = PandiumFrame(page)
    page.goto(f"{app_url}/integrations")
    pandium.install("1")
    pandium.frame.locator('[data-testid="save"]').click()
    pandium.install("2")
    pandium.frame.locator('[data-testid="save"]').click()

    first = pandium.wait_for_event("pandium:save-sync")
    second = pandium.wait_for_event("pandium:save-sync")
    assert [first["tenant"]["integration"]["id"], second["tenant"]["integration"]["id"]] == [1, 2]
    assert pandium.events("pandium:save-sync") == [first, second]
    assert pandium.wait_for_event("pandium:load") == {}


def test_clear_failures(page: Page, app_url: str, pandium_mock: MockPandiumServer) -> None:
    pandium = PandiumFrame(page, timeout_ms=2_000)
    page.goto(f"{app_url}/integrations/2")
    with pytest.raises(AssertionError) as wrong_integration:
        pandium.install("1")
    assert str(wrong_integration.value) == NOT_THIS_INTEGRATION.format(shown="2", wanted="1")

    page.goto(f"{app_url}/connect/hubspot")
    with pytest.raises(AssertionError) as wrong_page:
        pandium.install("1")
    assert str(wrong_page.value) == WRONG_PAGE.format(shown="auth", wanted="the marketplace or an install-only page")

    pandium_mock.scenario(silent=True)
    page.goto(f"{app_url}/integrations/2")
    pandium.install("2")
    with pytest.raises(NoPandiumEvent) as silent:
        pandium.save()
    assert str(silent.value) == NO_EVENT.format(name="pandium:save-sync", seconds=2, seen="pandium:load")


def run(*args: str, timeout: float = 300) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, *args], cwd=ROOT, capture_output=True, text=True, timeout=timeout, env=dict(os.environ)
    )


def test_the_sample_host_suite_passes_under_pytest_playwright(tmp_path: Path) -> None:
    # Its own pytest (its pytest.ini, pytest-playwright's `page`), as a user's suite runs.
    result = run(
        "-m",
        "pytest",
        "-c",
        str(SAMPLE / "pytest.ini"),
        str(SAMPLE),
        "-p",
        "no:cacheprovider",
        "--output",
        str(tmp_path / "test-results"),
        "-q",
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert re.search(r"\b9 passed\b", result.stdout), result.stdout


def test_the_bare_sync_playwright_script_runs() -> None:
    result = run("-m", "examples.sample_host.without_pytest", timeout=120)
    assert result.returncode == 0, result.stdout + result.stderr
    assert result.stdout == "Installed NetSuite for Ann Example\n"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def test_the_sample_host_node_suite_passes_under_playwright_test(tmp_path: Path) -> None:
    # playwright.config.ts starts `pandium-embed mock` and the app as web servers on the ports given.
    assert (NODE_BIN / "playwright").is_file(), "@playwright/test is not installed: run `make node_modules`."
    env = {
        **os.environ,
        "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ.get('PATH', '')}",
        "CI": "1",
        "PANDIUM_MOCK_PORT": str(free_port()),
        "APP_PORT": str(free_port()),
    }
    command = [str(NODE_BIN / "playwright"), "test", "-c", str(NODE_SUITE / "playwright.config.ts")]
    result = subprocess.run(
        [*command, "--reporter=line", "--output", str(tmp_path / "test-results")],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=600,
        env=env,
    )
    assert result.returncode == 0, result.stdout[-4000:] + result.stderr[-4000:]
    assert re.search(r"\b8 passed\b", result.stdout), result.stdout[-4000:]


def test_the_node_suite_and_page_objects_type_check() -> None:
    result = subprocess.run(
        [str(NODE_BIN / "tsc"), "-p", str(NODE_SUITE / "tsconfig.json")],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    config = json.loads((NODE_SUITE / "tsconfig.json").read_text(encoding="utf-8"))
    assert config["compilerOptions"]["strict"] is True
    # The page objects come from the package (its exports map and generated declarations, checked too),
    # as in a user's project: no spec reaches into js/.
    assert config["compilerOptions"]["skipLibCheck"] is False
    for spec in NODE_SUITE.glob("*.spec.ts"):
        assert 'from "pandium-embed/testing";' in spec.read_text(encoding="utf-8"), spec.name
        assert "js/" not in spec.read_text(encoding="utf-8"), spec.name


def test_the_node_recipe_launches_chromium_as_the_python_suite_does() -> None:
    recipe = (NODE_SUITE / "playwright.config.ts").read_text(encoding="utf-8")
    [args] = re.findall(r"args: (\[.*?\])", recipe)
    assert json.loads(args) == CHROMIUM_ARGS
    assert 'process.env.PANDIUM_EMBED_CHROMIUM ?? "/usr/bin/chromium"' in recipe
