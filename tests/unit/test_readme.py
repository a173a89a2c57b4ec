"""The README's quick starts are code a new user pastes: run them exactly as written."""

from __future__ import annotations

import base64
import json
import re
from typing import Any

import jwt
import pytest
from itsdangerous import TimestampSigner
from starlette.middleware.sessions import SessionMiddleware

from tests.support.asgi import asgi_client
from tests.support.readme import README, python_block_after

pytest_plugins = ["pytester"]

SECRET = "readme-test-secret-0123456789abcdefghij"
SESSION_KEY = "session-signing-key"


def session_cookie(data: dict[str, Any]) -> str:
    """A cookie exactly as Starlette's SessionMiddleware signs it."""
    payload = base64.b64encode(json.dumps(data).encode("utf-8"))
    return TimestampSigner(SESSION_KEY).sign(payload).decode("utf-8")


@pytest.mark.anyio
async def test_the_backend_quick_start_runs_as_written(monkeypatch: pytest.MonkeyPatch) -> None:
    snippet = python_block_after("## Quick start: backend")
    assert len(snippet.strip().splitlines()) <= 15
    monkeypatch.setenv("PANDIUM_ORG", "acme")
    monkeypatch.setenv("PANDIUM_SHARED_SECRET", SECRET)
    namespace: dict[str, Any] = {}
    exec(compile(snippet, str(README), "exec"), namespace)
    app = SessionMiddleware(namespace["app"], secret_key=SESSION_KEY)

    user = {"id": "user-7", "name": "Ann", "email": "ann@example.test"}
    async with asgi_client(app) as http:
        anonymous = await http.get("/pandium/marketplace")
        http.cookies.set("session", session_cookie({"user": user}))
        signed_in = await http.get("/pandium/marketplace")

    assert anonymous.status_code == 401
    assert signed_in.status_code == 303
    location = signed_in.headers["location"]
    assert location.startswith("https://imp.sandbox.pandium.com/acme?tenant=")
    claims = jwt.decode(location.split("tenant=")[1], SECRET, algorithms=["HS256"])
    assert (claims["sub"], claims["ti"]["udn"], claims["ti"]["uem"]) == ("user-7", "Ann", "ann@example.test")


def test_the_mint_without_middleware_snippet_runs_as_written() -> None:
    from pandium_embed import PandiumConfig, PandiumUser

    config = PandiumConfig("acme", SECRET)
    namespace: dict[str, Any] = {"config": config, "PandiumUser": PandiumUser}
    exec(compile(python_block_after("To mint without the middleware"), str(README), "exec"), namespace)
    url: str = namespace["url"]
    assert url.startswith("https://imp.sandbox.pandium.com/acme?tenant=")
    assert jwt.decode(url.split("tenant=")[1], SECRET, algorithms=["HS256"])["sub"] == "user-1"


def test_the_readme_shows_the_screenshots_the_script_writes() -> None:
    text = README.read_text(encoding="utf-8")
    script = (README.parent / "demo" / "screenshots.py").read_text(encoding="utf-8")
    shown = re.findall(r"\(docs/screenshots/([\w-]+)\.png\)", text)
    assert shown == ["marketplace", "auth-only-popup", "event-panel"]
    for name in shown:
        assert f'"{name}.png"' in script or f'"{name}"' in script
        assert (README.parent / "docs" / "screenshots" / f"{name}.png").stat().st_size > 10_000


def test_the_mock_fixture_example_passes_as_a_users_own_test(pytester: pytest.Pytester) -> None:
    # A fresh pytest run in a temporary directory: the fixture must come from the installed plugin.
    pytester.makepyfile(test_user_suite=python_block_after("## Testing your integration with MockPandium"))
    result = pytester.runpytest_subprocess("-W", "error", "-p", "no:cacheprovider")
    result.assert_outcomes(passed=1)
