"""The docs' examples (docs/examples/) run as written: the quick starts, the mint-only snippet, the mock
command line, a user's own pytest test and the events body."""

from __future__ import annotations

import base64
import io
import json
import shlex
import subprocess
from pathlib import Path
from typing import Any

import httpx
import jwt
import pytest
from itsdangerous import TimestampSigner
from starlette.applications import Starlette
from starlette.requests import Request

from pandium_embed import ConnectedTenant, PandiumConfig, PandiumMiddleware, PandiumUser
from pandium_embed.cli import main
from pandium_embed.mock import MockPandium
from tests.support.docs import EXAMPLES, run_file

pytest_plugins = ["pytester"]

SECRET = "docs-examples-secret-0123456789abcdefghij"
SESSION_KEY = "docs-examples-session-key"
ENV = {"PANDIUM_ORG": "acme", "PANDIUM_SHARED_SECRET": SECRET, "SESSION_SECRET_KEY": SESSION_KEY}
MARKETPLACE = "https://imp.sandbox.pandium.com/acme?tenant="
QUICK_STARTS = ["quickstart_fastapi.py", "quickstart_starlette.py"]


def session_cookie(data: dict[str, Any]) -> str:
    """A cookie exactly as Starlette's SessionMiddleware signs it: what the app's login view leaves."""
    payload = base64.b64encode(json.dumps(data).encode("utf-8"))
    return TimestampSigner(SESSION_KEY).sign(payload).decode("utf-8")


def code_lines(path: Path) -> list[str]:
    return [line for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


@pytest.mark.parametrize("name", QUICK_STARTS)
@pytest.mark.anyio
async def test_the_quick_start_runs_as_written(name: str, monkeypatch: pytest.MonkeyPatch) -> None:
    assert len(code_lines(EXAMPLES / name)) <= 30
    app = run_file(EXAMPLES / name, monkeypatch, env=ENV).create_app()

    user = {"id": "user-7", "email": "ann@example.test"}
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://app.test") as http:
        anonymous = await http.get("/pandium/marketplace")
        page = await http.get("/integrations")
        loader = await http.get("/pandium/embed.js")
        # Without DEV_SIGN_IN=1 there is no development sign-in at all.
        no_dev_sign_in = await http.get("/dev/sign-in")
        http.cookies.set("session", session_cookie({"user": user}))
        signed_in = await http.get("/pandium/marketplace")

    assert anonymous.status_code == 401
    assert page.status_code == 200 and page.headers["content-type"].startswith("text/html")
    assert '<script src="/pandium/embed.js"></script><pandium-embed view="marketplace">' in page.text
    assert loader.status_code == 200 and '"https://imp.sandbox.pandium.com"' in loader.text
    assert no_dev_sign_in.status_code == 404
    assert signed_in.status_code == 303
    location = signed_in.headers["location"]
    assert location.startswith(MARKETPLACE)
    claims = jwt.decode(location.removeprefix(MARKETPLACE), SECRET, algorithms=["HS256"])
    assert (claims["sub"], claims["ti"]["uem"]) == ("user-7", "ann@example.test")


@pytest.mark.parametrize("name", QUICK_STARTS)
@pytest.mark.anyio
async def test_the_quick_starts_development_sign_in_signs_in_the_sample_user(
    name: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    app = run_file(EXAMPLES / name, monkeypatch, env={**ENV, "DEV_SIGN_IN": "1"}).create_app()
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://app.test") as http:
        signed_in = await http.get("/dev/sign-in")
        minted = await http.get("/pandium/marketplace")
    assert signed_in.status_code == 303 and signed_in.headers["location"] == "/integrations"
    assert minted.status_code == 303
    claims = jwt.decode(minted.headers["location"].removeprefix(MARKETPLACE), SECRET, algorithms=["HS256"])
    assert (claims["sub"], claims["ti"]["uem"]) == ("dev-user", "dev@example.test")


@pytest.mark.parametrize("name", QUICK_STARTS)
@pytest.mark.anyio
async def test_the_quick_start_takes_its_config_from_a_test(name: str, monkeypatch: pytest.MonkeyPatch) -> None:
    # The factory shape: with a config passed (as a test passes pandium_mock.config()) no PANDIUM_*
    # variable is needed, and the app uses that config.
    for key in ("PANDIUM_ORG", "PANDIUM_SHARED_SECRET"):
        monkeypatch.delenv(key, raising=False)
    module = run_file(EXAMPLES / name, monkeypatch, env={"SESSION_SECRET_KEY": SESSION_KEY})
    config = PandiumConfig("globex", SECRET, marketplace_base_url="http://localhost:8001")
    app = module.create_app(config)
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://app.test") as http:
        loader = await http.get("/pandium/embed.js")
    assert loader.status_code == 200 and '"http://localhost:8001"' in loader.text


def test_the_fastapi_quick_start_is_the_readmes_length() -> None:
    # The README promises a short quick start: the app factory and its development sign-in included.
    assert len(code_lines(EXAMPLES / "quickstart_fastapi.py")) <= 25


def test_minting_without_the_middleware_runs_as_written(monkeypatch: pytest.MonkeyPatch) -> None:
    url: str = run_file(EXAMPLES / "mint_without_middleware.py", monkeypatch, env=ENV).url
    assert url.startswith(MARKETPLACE)
    assert jwt.decode(url.removeprefix(MARKETPLACE), SECRET, algorithms=["HS256"])["sub"] == "user-1"


def test_the_mock_command_lines_run_as_written() -> None:
    export_line, mock_line = (EXAMPLES / "mock_cli.sh").read_text(encoding="utf-8").splitlines()
    # The first line makes a secret Pandium-sized or larger.
    made = subprocess.run(["bash", "-c", f'{export_line}\nprintf %s "$PANDIUM_SHARED_SECRET"'], capture_output=True)
    assert made.returncode == 0 and len(made.stdout) >= 32, made.stderr

    argv = shlex.split(mock_line, comments=True)
    assert argv[0] == "pandium-embed"
    # The port as written may be taken on a shared machine; everything else runs as the docs say.
    argv[argv.index("--port") + 1] = "0"
    served: list[Any] = []
    out = io.StringIO()
    code = main(
        argv[1:], environ={"PANDIUM_SHARED_SECRET": SECRET}, serve=lambda app, sock: served.append(app), out=out
    )
    assert code == 0
    [app] = served
    assert isinstance(app, MockPandium) and app.parent_origins == ("http://127.0.0.1:8000",)
    assert "export PANDIUM_ORG=acme PANDIUM_MARKETPLACE_BASE_URL=" in out.getvalue()


def test_the_users_own_mock_test_passes_in_a_fresh_pytest(pytester: pytest.Pytester) -> None:
    # A fresh pytest run in a temporary directory: the fixture must come from the installed plugin.
    pytester.makepyfile(test_user_suite=(EXAMPLES / "test_marketplace_token.py").read_text(encoding="utf-8"))
    result = pytester.runpytest_subprocess("-W", "error", "-p", "no:cacheprovider")
    result.assert_outcomes(passed=1)


@pytest.mark.anyio
async def test_the_documented_events_body_is_accepted() -> None:
    received: list[ConnectedTenant] = []

    def on_connected(request: Request, user: PandiumUser, event: ConnectedTenant) -> None:
        received.append(event)

    app = PandiumMiddleware(
        Starlette(),
        config=PandiumConfig("acme", SECRET, connectors={"gwt": "GWT"}),
        identify=lambda request: PandiumUser("user-7"),
        connector_token=lambda request, user, connector: "crm-token",
        on_connected=on_connected,
    )
    body = (EXAMPLES / "event_body.json").read_bytes()
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://app.test") as http:
        response = await http.post(
            "/pandium/events",
            content=body,
            headers={"content-type": "application/json", "origin": "http://app.test"},
        )
    assert response.status_code == 204, response.text
    [event] = received
    assert (event.kind, event.tenant_id, event.integration_name, event.connector) == (
        "success",
        "11",
        "test-integration",
        "gwt",
    )


def test_the_coop_line_is_what_the_demo_sends() -> None:
    from demo.app import SecurityHeaders

    headers = SecurityHeaders(Starlette(), config=PandiumConfig("acme", SECRET)).headers
    coop = f"Cross-Origin-Opener-Policy: {headers['Cross-Origin-Opener-Policy']}\n"
    assert (EXAMPLES / "coop.txt").read_text(encoding="utf-8") == coop
