"""Request guards for the routes under the prefix: the method, where the request comes from, and the
JSON body. Each raises ``Refused`` with the reason the route answers. They read only what both front
doors (ASGI and WSGI) give alike: the method, the headers, the scheme, and a body reader."""

from __future__ import annotations

import json
from collections.abc import Awaitable, Callable
from typing import Any

from .net import origin_of
from .responses import Headers, Refused

__all__ = [
    "allow",
    "read_json_body",
    "refuse_cross_site",
    "refuse_cross_site_unless_a_navigation",
    "require_same_origin",
    "too_large",
]


def allow(method: str, allowed: tuple[str, ...]) -> None:
    if method not in allowed:
        raise Refused("method-not-allowed", headers={"Allow": ", ".join(allowed)})


def refuse_cross_site(headers: Headers) -> None:
    # Browsers send Sec-Fetch-Site on every request; "cross-site" means another site is trying to
    # mint a token for our signed-in user (a framed or linked attack). Same-site and none are fine.
    if headers.get("sec-fetch-site") == "cross-site":
        raise Refused("cross-site")


def refuse_cross_site_unless_a_navigation(headers: Headers) -> None:
    # A link clicked in a webmail is a cross-site navigation, and that is what launch links are for;
    # a cross-site frame, fetch or image is not.
    if headers.get("sec-fetch-site") == "cross-site" and headers.get("sec-fetch-dest", "document") != "document":
        raise Refused("cross-site")


def _own_origin(scheme: str, headers: Headers) -> str | None:
    host = headers.get("host")
    if not host:
        return None
    try:
        return origin_of(f"{scheme}://{host}")
    except ValueError:
        return None


def require_same_origin(scheme: str, headers: Headers) -> None:
    # Only this app's own pages may call. Browsers send Origin on every POST fetch; behind a
    # TLS-terminating proxy the request's scheme may be "http" while the page is https, which is why
    # Sec-Fetch-Site: same-origin (set by the browser, not by page scripts) is accepted as well.
    if headers.get("sec-fetch-site") == "same-origin":
        return
    origin = headers.get("origin")
    own = _own_origin(scheme, headers)
    if origin is None or own is None or origin == "null":
        raise Refused("cross-origin")
    try:
        same = origin_of(origin) == own
    except ValueError:
        same = False
    if not same:
        raise Refused("cross-origin")


def too_large(limit: int) -> Refused:
    return Refused("too-large", f"The request body is over {limit} bytes.")


async def read_json_body(read: Callable[[int], Awaitable[bytes]], headers: Headers, *, limit: int) -> Any:
    """The whole body, at most ``limit`` bytes, parsed as JSON. ``read(limit)`` is the front door's:
    it returns the body or raises ``too_large(limit)`` once it is over ``limit``."""
    content_type = headers.get("content-type", "").split(";", 1)[0].strip().lower()
    # Requiring JSON also forces a CORS preflight for any cross-origin caller.
    if content_type != "application/json":
        raise Refused("unsupported-media-type")
    declared = headers.get("content-length")
    if declared is not None:
        # isdigit() alone accepts '²' and other Unicode digits, which int() then refuses.
        if not (declared.isascii() and declared.isdigit()):
            raise Refused("bad-request", "The Content-Length header is not a number.")
        if int(declared) > limit:
            raise too_large(limit)
    raw = await read(limit)
    try:
        return json.loads(raw)
    except ValueError:
        raise Refused("bad-request", "The request body is not valid JSON.") from None
    except RecursionError:
        raise Refused("bad-request", "The request body nests objects or arrays too deeply.") from None
