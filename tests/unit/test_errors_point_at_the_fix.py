"""Mistakes a newcomer makes get a log line that names the fix: the session middleware inside ours, a
connector that is not configured."""

from __future__ import annotations

import logging
from typing import Any

import pytest
from fastapi import FastAPI
from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.middleware.sessions import SessionMiddleware
from starlette.requests import Request

from pandium_embed import PandiumConfig, PandiumMiddleware, PandiumUser
from pandium_embed.routes import MIDDLEWARE_ORDER, UNKNOWN_CONNECTOR
from tests.support.asgi import APP_URL, asgi_client, pandium_app
from tests.support.docs import EXAMPLES

pytestmark = pytest.mark.anyio

SESSION_KEY = "errors-test-session-key"
CONFIG = PandiumConfig("acme", "errors-test-secret-0123456789abcdefghij", connectors={"gwt": "GWT"})
SESSION_ORDER = MIDDLEWARE_ORDER.format(
    method="GET", route="/marketplace", attribute="session", middleware="SessionMiddleware"
)


def build(*, config: PandiumConfig = CONFIG, identify: Any = None) -> PandiumMiddleware:
    return pandium_app(config=config, user=PandiumUser("user-1"), identify=identify)


async def request(app: Any, method: str, path: str, body: Any = None) -> Any:
    # As the app's own page sends it: POST /token answers only same-origin callers.
    async with asgi_client(app) as http:
        return await http.request(method, path, json=body, headers={"origin": APP_URL})


def reads_session(request: Request) -> PandiumUser | None:
    user_id = request.session.get("user_id")
    return PandiumUser(user_id) if user_id else None


async def reads_session_async(request: Request) -> PandiumUser | None:
    return reads_session(request)


def session_inside_starlette(identify: Any) -> Any:
    # The wrong order: PandiumMiddleware listed first is the outer one, so the session is not there yet.
    return Starlette(
        middleware=[
            Middleware(PandiumMiddleware, config=CONFIG, identify=identify, connector_token=lambda *a: "t"),
            Middleware(SessionMiddleware, secret_key=SESSION_KEY),
        ]
    )


def session_inside_fastapi(identify: Any) -> Any:
    # The wrong order with add_middleware(): each call wraps the ones before it.
    app = FastAPI()
    app.add_middleware(SessionMiddleware, secret_key=SESSION_KEY)
    app.add_middleware(PandiumMiddleware, config=CONFIG, identify=identify, connector_token=lambda *a: "t")
    return app


def error_lines(caplog: pytest.LogCaptureFixture) -> list[logging.LogRecord]:
    return [record for record in caplog.records if record.name == "pandium_embed" and record.levelno >= logging.ERROR]


@pytest.mark.parametrize("identify", [reads_session, reads_session_async], ids=["sync", "async"])
@pytest.mark.parametrize("make_app", [session_inside_starlette, session_inside_fastapi], ids=["starlette", "fastapi"])
async def test_session_middleware_inside_ours_logs_which_must_wrap_which(
    make_app: Any, identify: Any, caplog: pytest.LogCaptureFixture
) -> None:
    response = await request(make_app(identify), "GET", "/pandium/marketplace")

    assert response.status_code == 500
    assert response.json()["error"] == "server-error"
    assert "Session" not in response.text
    [record] = error_lines(caplog)
    assert record.getMessage() == SESSION_ORDER
    assert "SessionMiddleware must be outside PandiumMiddleware" in record.getMessage()
    # One line: not Starlette's misleading "must be installed" traceback.
    assert record.exc_info is None


async def test_the_right_order_mints(caplog: pytest.LogCaptureFixture) -> None:
    app = PandiumMiddleware(Starlette(), config=CONFIG, identify=reads_session, connector_token=lambda *a: "t")
    app_with_session = SessionMiddleware(app, secret_key=SESSION_KEY)
    response = await request(app_with_session, "GET", "/pandium/marketplace")
    assert response.status_code == 401  # no one signed in, but no failure either
    assert error_lines(caplog) == []


async def test_authentication_middleware_inside_ours_names_it(caplog: pytest.LogCaptureFixture) -> None:
    def reads_user(request: Request) -> PandiumUser | None:
        return PandiumUser(request.user.identity) if request.user.is_authenticated else None

    response = await request(build(identify=reads_user), "POST", "/pandium/token", {"flow": "marketplace"})

    assert response.status_code == 500
    [record] = error_lines(caplog)
    assert record.getMessage() == MIDDLEWARE_ORDER.format(
        method="POST", route="/token", attribute="user", middleware="AuthenticationMiddleware"
    )


@pytest.mark.parametrize(
    "failure",
    [AssertionError("something else"), KeyError("session"), KeyError("user_id")],
    ids=["other assertion", "a session key", "other key"],
)
async def test_other_hook_failures_keep_the_traceback(failure: Exception, caplog: pytest.LogCaptureFixture) -> None:
    def fails(request: Request) -> PandiumUser | None:
        raise failure

    # Only Starlette's own assertion names a missing middleware; a KeyError is the app's own data.
    app = SessionMiddleware(build(identify=fails), secret_key=SESSION_KEY)
    assert (await request(app, "GET", "/pandium/marketplace")).status_code == 500
    [record] = error_lines(caplog)
    assert record.getMessage() == "PandiumMiddleware: GET /marketplace failed; answered 500"
    assert record.exc_info is not None


# --- a connector that is not configured ---------------------------------------------------------------------


def unknown_connector_lines(caplog: pytest.LogCaptureFixture) -> list[logging.LogRecord]:
    return [record for record in caplog.records if record.msg == UNKNOWN_CONNECTOR]


@pytest.mark.parametrize(
    ("method", "path", "body"),
    [("GET", "/pandium/connect/gtw", None), ("POST", "/pandium/token", {"flow": "connect", "connector": "gtw"})],
    ids=["route", "token"],
)
async def test_an_unknown_connector_is_logged_at_warning_with_the_configured_names(
    method: str, path: str, body: Any, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO, logger="pandium_embed")
    config = PandiumConfig("acme", CONFIG.secret, connectors={"gwt": "GWT", "hubspot": "HubSpot Sync"})

    response = await request(build(config=config), method, path, body)

    assert response.status_code == 404
    [record] = unknown_connector_lines(caplog)
    assert record.levelno == logging.WARNING
    assert record.getMessage().startswith(
        "PandiumMiddleware: no connector 'gtw' in PandiumConfig.connectors (configured: gwt, hubspot); answered 404."
    )
    assert "PANDIUM_CONNECTORS=" in record.getMessage()


async def test_without_connectors_the_line_says_none(caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.INFO, logger="pandium_embed")
    app = PandiumMiddleware(Starlette(), config=PandiumConfig("acme", CONFIG.secret), identify=lambda r: None)
    assert (await request(app, "GET", "/pandium/connect/gwt")).status_code == 404
    [record] = unknown_connector_lines(caplog)
    assert "(configured: none)" in record.getMessage()


async def test_a_configured_connector_and_other_404s_log_nothing(caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG, logger="pandium_embed")
    app = build()
    assert (await request(app, "GET", "/pandium/connect/gwt")).status_code == 303
    assert (await request(app, "GET", "/pandium/nope")).status_code == 404
    assert unknown_connector_lines(caplog) == []


async def test_a_long_connector_name_is_cut_short(caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.INFO, logger="pandium_embed")
    assert (await request(build(), "GET", "/pandium/connect/" + "x" * 5000)).status_code == 404
    [record] = unknown_connector_lines(caplog)
    assert len(record.getMessage()) < 400


def test_the_troubleshooting_page_quotes_the_line_as_logged() -> None:
    assert (EXAMPLES / "session_order.log").read_text(encoding="utf-8") == SESSION_ORDER + "\n"
