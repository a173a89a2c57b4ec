"""Answers the middleware gives under its prefix: redirects, JSON, and error pages.

An ``Answer`` is a plain value (status, header lines, body) that each front door writes its own way:
the ASGI door as ``http.response.start`` and ``http.response.body`` messages, the WSGI door through
``start_response``. Every error is a fixed sentence chosen here; nothing from the request, the user,
the token or the secret is ever put into a body.
"""

from __future__ import annotations

import html
import json
from collections.abc import Mapping
from typing import Any, NamedTuple, Protocol, overload


class Headers(Protocol):
    """Request headers looked up by name, case-insensitively: Starlette's ``Headers`` (ASGI) and
    Werkzeug's ``EnvironHeaders`` (WSGI) both are."""

    @overload
    def get(self, key: str) -> str | None: ...
    @overload
    def get(self, key: str, default: str) -> str: ...


RawHeaders = list[tuple[bytes, bytes]]


class Answer(NamedTuple):
    """What a door sends back: the status, the header lines (lower-case names, latin-1 bytes, as ASGI
    carries them) and the whole body."""

    status: int
    headers: RawHeaders
    body: bytes = b""


# Minting answers must never be cached or leak the tenant URL through a Referer.
MINT_HEADERS: Mapping[str, str] = {
    "Cache-Control": "no-store",
    "Referrer-Policy": "no-referrer",
    "X-Content-Type-Options": "nosniff",
}
_MINT_LINES: RawHeaders = [
    (name.lower().encode("latin-1"), value.encode("latin-1")) for name, value in MINT_HEADERS.items()
]
_NO_BODY = (204, 304)


def answer(status: int, headers: Mapping[str, str], body: bytes = b"", media_type: str | None = None) -> Answer:
    """An ``Answer`` with ``headers``, the body's length (none for 204 and 304) and its media type."""
    lines = [(name.lower().encode("latin-1"), value.encode("latin-1")) for name, value in headers.items()]
    if status not in _NO_BODY:
        lines.append((b"content-length", str(len(body)).encode("latin-1")))
    if media_type is not None:
        lines.append((b"content-type", media_type.encode("latin-1")))
    return Answer(status, lines, body)


# reason -> (status, title, what to do). The reason is machine-readable: the loader turns it into
# `pandium:error {status, reason}`; the sentence is for the person reading the page or the log.
ERRORS: Mapping[str, tuple[int, str, str]] = {
    "not-signed-in": (401, "Sign in required", "Sign in to the app, then reload this page."),
    "cross-site": (
        403,
        "Cross-site request refused",
        "Integration pages can only be opened from this app's own pages.",
    ),
    "cross-origin": (
        403,
        "Cross-origin request refused",
        "Only this app's own pages (same origin) may call this route.",
    ),
    "not-found": (404, "Not found", "There is no such integration page. Check the link or the connector name."),
    "wrong-user": (
        403,
        "This link is for another account",
        "Sign in with the account this link was sent to, then open the link again.",
    ),
    "link-invalid": (400, "Invalid link", "This link is not valid. Ask for a new one."),
    "link-expired": (410, "Link expired", "This link has expired. Ask for a new one."),
    "link-used": (410, "Link already used", "This link has already been used. Ask for a new one."),
    "method-not-allowed": (405, "Method not allowed", "Use the method listed in the Allow header."),
    "bad-request": (400, "Bad request", "The request was not understood."),
    "unsupported-media-type": (
        415,
        "Unsupported media type",
        'Send the request body as JSON with "Content-Type: application/json".',
    ),
    "too-large": (413, "Request too large", "The request body is over the size limit."),
    "delivery-in-progress": (
        503,
        "Delivery in progress",
        "This notification is being handled right now; send it again after Retry-After seconds.",
    ),
    "server-error": (
        500,
        "Something went wrong",
        "The integration page could not be opened. Try again; if it keeps happening, contact support.",
    ),
}


# What a 404 says, by what was not found (the route, or a mint route's target as ``check_target``
# names it): a mistyped URL and a mistyped connector point at different fixes.
NOT_FOUND: Mapping[str, str] = {
    "route": "There is no such page under this app's integration routes. Check the link.",
    "connector": "There is no such connector. Check the connector name the page asks for.",
    "integration_id": "There is no such integration. Check the integration id the page asks for.",
}


class Refused(Exception):
    """Ends a request under the prefix with ``ERRORS[reason]``; ``detail`` replaces the generic
    sentence when it says more (it never holds a value from the request)."""

    def __init__(self, reason: str, detail: str | None = None, headers: Mapping[str, str] | None = None) -> None:
        super().__init__(reason)
        self.reason = reason
        self.detail = detail
        self.headers = headers


def wants_html(headers: Headers) -> bool:
    """A browser navigation (the iframe or a link) gets an HTML page; fetch() and API clients get JSON."""
    mode = headers.get("sec-fetch-mode")
    if mode is not None:
        return mode == "navigate"
    return "text/html" in headers.get("accept", "")


def error_response(
    reason: str,
    *,
    as_html: bool,
    detail: str | None = None,
    extra_headers: Mapping[str, str] | None = None,
) -> Answer:
    """The error ``reason`` as an HTML page or JSON; ``detail`` replaces the default sentence."""
    status, title, sentence = ERRORS[reason]
    message = detail or sentence
    headers = dict(MINT_HEADERS)
    if extra_headers:
        headers.update(extra_headers)
    if as_html:
        # The status and reason ride on <html> so the loader, reading this same-origin page from its
        # iframe, can emit pandium:error without any script here (hosts run strict CSPs).
        body = (
            "<!doctype html>\n"
            f'<html lang="en" data-pandium-status="{status}" data-pandium-reason="{html.escape(reason)}">'
            '<head><meta charset="utf-8"><meta name="robots" content="noindex">'
            '<meta name="viewport" content="width=device-width, initial-scale=1">'
            f"<title>{html.escape(title)}</title></head>"
            f"<body><h1>{html.escape(title)}</h1><p>{html.escape(message)}</p></body></html>\n"
        )
        return answer(status, headers, body.encode("utf-8"), "text/html; charset=utf-8")
    payload = {"error": reason, "status": status, "message": message}
    return json_response(payload, status=status, headers=headers)


def json_response(payload: Any, *, status: int = 200, headers: Mapping[str, str] | None = None) -> Answer:
    body = json.dumps(payload, separators=(",", ":"), ensure_ascii=False).encode("utf-8")
    return answer(status, headers or MINT_HEADERS, body, "application/json")


def redirect_response(url: str) -> Answer:
    """303 to Pandium: the iframe follows it with GET, and nothing caches it."""
    return Answer(303, [*_MINT_LINES, (b"location", url.encode("latin-1")), (b"content-length", b"0")])
