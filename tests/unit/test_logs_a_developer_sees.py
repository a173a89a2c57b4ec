"""What a developer sees in the server's log: an unknown route and an unknown connector told apart (in the
answer and the log), WARNING lines that any visitor can cause throttled to one a minute, the logger's
name once under ``logging.basicConfig``, and a configuration error said when the middleware is built, with
only the package's own routes failing closed (under real servers: tests/integration/test_start_up_errors.py)."""

from __future__ import annotations

import logging
from typing import Any

import pytest
from starlette.applications import Starlette

from pandium_embed import PandiumConfig, PandiumMiddleware, PandiumUser
from pandium_embed.options import MISSING_CONNECTOR_TOKEN
from pandium_embed.responses import NOT_FOUND
from pandium_embed.routes import LOG_INTERVAL_SECONDS, UNKNOWN_CONNECTOR, UNKNOWN_ROUTE
from tests.support.asgi import quiet_asgi_client
from tests.support.front_doors import FrontDoor, client

SECRET = "logs-test-secret-0123456789abcdefghijkl"
CONFIG = PandiumConfig("acme", SECRET, connectors={"gwt": "GWT"})
USER = PandiumUser("user-1")
# As fetch() asks: the answer is JSON, whose "message" is the sentence a page would show.
FETCH = {"sec-fetch-mode": "cors", "sec-fetch-site": "same-origin"}


class Clock:
    def __init__(self) -> None:
        self.now = 1_800_000_000.0

    def __call__(self) -> float:
        return self.now


def lines(caplog: pytest.LogCaptureFixture, template: str) -> list[logging.LogRecord]:
    return [record for record in caplog.records if record.msg == template]


@pytest.mark.anyio
async def test_an_unknown_route_and_an_unknown_connector_say_different_things(
    door: FrontDoor, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG, logger="pandium_embed")
    app = door.build(config=CONFIG, user=USER)
    async with client(app) as http:
        route = await http.get("/pandium/marketplce", headers=FETCH)
        connector = await http.get("/pandium/connect/gwtt", headers=FETCH)
        page = await http.get("/pandium/connect/gwtt", headers={"sec-fetch-mode": "navigate"})

    assert route.status_code == connector.status_code == 404
    assert route.json()["error"] == connector.json()["error"] == "not-found"
    assert route.json()["message"] == NOT_FOUND["route"]
    assert connector.json()["message"] == NOT_FOUND["connector"]
    assert NOT_FOUND["route"] != NOT_FOUND["connector"]
    assert NOT_FOUND["connector"] in page.text

    [no_route] = lines(caplog, UNKNOWN_ROUTE)
    assert no_route.levelno == logging.WARNING
    assert no_route.getMessage().startswith("PandiumMiddleware: no route 'marketplce' under /pandium (its routes: ")
    for name in ("marketplace", "install/{integration_id}", "connect/{connector}", "token", "embed.js"):
        assert name in no_route.getMessage()
    [no_connector] = lines(caplog, UNKNOWN_CONNECTOR)  # the second request was within the minute
    assert no_connector.levelno == logging.WARNING
    assert "no connector 'gwtt' in PandiumConfig.connectors (configured: gwt)" in no_connector.getMessage()


@pytest.mark.anyio
async def test_the_lines_any_visitor_can_cause_are_logged_once_a_minute_with_a_count(
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.WARNING, logger="pandium_embed")
    clock = Clock()
    app = PandiumMiddleware(
        Starlette(), config=CONFIG, identify=lambda r: USER, connector_token=lambda *a: "t", clock=clock
    )
    async with client(app) as http:
        for _ in range(5):
            assert (await http.get("/pandium/connect/gwtt")).status_code == 404
        clock.now += LOG_INTERVAL_SECONDS - 1
        await http.get("/pandium/connect/other")
        # A mistyped route is throttled on its own: its first line is not held back by the connectors'.
        await http.get("/pandium/marketplce")
        clock.now += 2
        await http.get("/pandium/connect/gwtt")

    first, second = lines(caplog, UNKNOWN_CONNECTOR)
    assert "(configured: gwt); answered 404." in first.getMessage()
    assert "more like it" not in first.getMessage()
    assert second.getMessage().endswith(f"(5 more like it in the last {LOG_INTERVAL_SECONDS} s were not logged)")
    assert len(lines(caplog, UNKNOWN_ROUTE)) == 1


@pytest.mark.anyio
async def test_a_credential_in_a_path_never_reaches_the_no_route_line(caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG, logger="pandium_embed")
    app = PandiumMiddleware(
        Starlette(),
        config=CONFIG,
        identify=lambda r: USER,
        connector_token=lambda *a: "t",
        webhook_secret="webhook-secret-0123456789abcdefghijklmnop",
        on_webhook=lambda request, event: None,
    )
    # A client that logs no URLs of its own (httpx would log the credential paths at INFO).
    async with quiet_asgi_client(app) as http:
        # Launch links are off: the ticket after /launch/ is not a route, and not logged either.
        assert (await http.get("/pandium/launch/ticket-abcdef0123456789")).status_code == 404
        # A wrong webhook secret is a plain 404 with no line at all (no oracle, nothing kept).
        assert (await http.post("/pandium/webhooks/wrong-secret-0123456789", json={})).status_code == 404
    [launch] = lines(caplog, UNKNOWN_ROUTE)
    assert "'launch'" in launch.getMessage()
    ours = "\n".join(record.getMessage() for record in caplog.records if record.name == "pandium_embed")
    assert "ticket-abcdef" not in ours and "wrong-secret" not in ours


@pytest.mark.anyio
async def test_under_basic_config_the_logger_name_appears_once(caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG, logger="pandium_embed")

    def fails(request: Any) -> PandiumUser | None:
        raise RuntimeError("the database is down")

    app = PandiumMiddleware(Starlette(), config=CONFIG, identify=fails, connector_token=lambda *a: "t")
    async with client(app) as http:
        await http.get("/pandium/connect/gwtt")
        await http.get("/pandium/marketplce")
        await http.get("/pandium/marketplace")
    PandiumMiddleware(Starlette(), config=CONFIG, identify=fails)  # connectors without connector_token
    # logging.basicConfig()'s format: "LEVEL:name:message".
    formatter = logging.Formatter(logging.BASIC_FORMAT)
    ours = [formatter.format(record).splitlines()[0] for record in caplog.records if record.name == "pandium_embed"]
    assert len(ours) == 4, ours
    for line in ours:
        assert line.count("pandium_embed") == 1, line


# --- a configuration error: said at start-up, only the package's routes fail ----------------------------


def test_connectors_without_a_connector_token_hook_are_said_when_the_middleware_is_built(
    door: FrontDoor, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG, logger="pandium_embed")
    door.build(config=CONFIG, user=USER, connector_token=None)
    [record] = [record for record in caplog.records if record.levelno >= logging.ERROR]
    assert record.name == "pandium_embed"
    # Named by the door in use.
    assert record.getMessage().startswith(MISSING_CONNECTOR_TOKEN.format(door=door.door_name))
    assert "every route under /pandium answers 500; the rest of the app is served as usual" in record.getMessage()


@pytest.mark.anyio
async def test_with_that_error_only_the_packages_routes_fail_closed(door: FrontDoor) -> None:
    app = door.build(config=CONFIG, user=USER, connector_token=None)
    async with client(app) as http:
        minted = await http.get("/pandium/marketplace")
        connect = await http.get("/pandium/connect/gwt")
        loader = await http.get("/pandium/embed.js")
        elsewhere = await http.get("/login")
    assert minted.status_code == connect.status_code == loader.status_code == 500
    assert "location" not in minted.headers and "location" not in connect.headers
    assert minted.json()["error"] == "server-error"
    assert elsewhere.status_code == 200 and elsewhere.text == "app:/login"
