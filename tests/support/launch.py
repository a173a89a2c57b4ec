"""Launch links under test: one config, two users, an injectable clock, the link and its opening."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable
from typing import Any

import httpx
import jwt
from starlette.requests import Request

from pandium_embed import MemoryTicketStore, PandiumConfig, PandiumUser, launch_url
from pandium_embed.stores import TicketStore
from tests.support.asgi import crm_token
from tests.support.front_doors import FRONT_DOORS, FrontDoor, client

SECRET = "launch-test-pandium-secret-0123456789abcdef"
LAUNCH_SECRET = "launch-test-link-secret-0123456789abcdefgh"
CONFIG = PandiumConfig("acme", SECRET, connectors={"gwt": "GWT Integration"})
ANN = PandiumUser("user-1", display_name="Ann")
BOB = PandiumUser("user-2", display_name="Bob")
T0 = 1_700_000_000.0
HOUR = 3600
NAVIGATE = {"sec-fetch-mode": "navigate", "sec-fetch-dest": "document", "sec-fetch-site": "none"}


class Clock:
    """One injectable clock for the link's signing, its age check, and the ticket store."""

    def __init__(self, now: float = T0) -> None:
        self.now = now

    def __call__(self) -> float:
        return self.now


def launch_app(
    *,
    user: PandiumUser | None = ANN,
    clock: Callable[[], float] | None = None,
    store: TicketStore | None = None,
    user_for_sub: Callable[..., Any] | None = None,
    config: PandiumConfig = CONFIG,
    connector_token: Callable[..., Any] = crm_token,
    door: FrontDoor = FRONT_DOORS[0],
    **options: Any,
) -> Any:
    """``door``'s middleware with launch links on, ``user`` signed in, one clock for everything
    (``options``: the middleware's others, such as ``on_mint`` or ``telemetry``)."""
    clock = clock or Clock()
    return door.build(
        config=config,
        user=user,
        connector_token=connector_token,
        launch_secret=LAUNCH_SECRET,
        ticket_store=store if store is not None else MemoryTicketStore(clock=clock),
        user_for_sub=user_for_sub,
        clock=clock,
        **options,
    )


def link(sub: str = "user-1", *, now: float = T0, max_age: int = HOUR, **options: Any) -> str:
    options.setdefault("flow", "marketplace")
    return launch_url(CONFIG, sub, max_age=max_age, launch_secret=LAUNCH_SECRET, now=now, **options)


async def open_link(app: Any, url: str, headers: dict[str, str] | None = None) -> httpx.Response:
    """Open ``url`` as a browser navigation would (or with ``headers``)."""
    async with client(app) as http:
        return await http.get(url, headers=headers if headers is not None else NAVIGATE)


def claims_of(response: httpx.Response) -> dict[str, Any]:
    token = response.headers["location"].partition("?tenant=")[2]
    claims: dict[str, Any] = jwt.decode(token, SECRET, algorithms=["HS256"], options={"verify_iat": False})
    return claims


def reason_of(response: httpx.Response) -> str:
    """The reason an HTML error page carries on <html> (what the loader and people read)."""
    assert response.headers["content-type"].startswith("text/html")
    assert "Traceback" not in response.text
    return response.text.split('data-pandium-reason="', 1)[1].split('"', 1)[0]


def ticket_of(url: str) -> str:
    return url.rsplit("/", 1)[1]


async def open_at_once(apps: list[Any], url: str, times: int) -> list[httpx.Response]:
    """``times`` requests for ``url`` in flight together, spread over ``apps`` (one instance each)."""
    return await asyncio.gather(*(open_link(apps[i % len(apps)], url) for i in range(times)))


def slow_crm_token(request: Request, user: PandiumUser, connector: str) -> str:
    # A sync hook runs in a worker thread: the 30 requests really overlap between mint and claim.
    time.sleep(0.01)
    return "crm"
