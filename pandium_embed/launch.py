"""Launch links: ``<prefix>/launch/<ticket>`` opens a Pandium flow later (an email, a chat message).

A ticket is signed and time-limited with itsdangerous under its own secret and salt (never Pandium's
shared secret). It is **not** a Pandium token: opening the link makes the middleware mint a fresh
60-second token at that moment. But it is a credential, single use, and never logged.

The ticket carries ``sub``, the flow and its target, a unique id and the ``alone`` flag. By default the
link only works for the signed-in user it was made for (a link that works after login); with
``alone=True`` it acts on its own, for a user the middleware builds with its ``user_for_sub`` hook.
"""

from __future__ import annotations

import time
import uuid
import warnings
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, TypeGuard

from itsdangerous import BadSignature, SignatureExpired, TimestampSigner, URLSafeTimedSerializer

from .config import RECOMMENDED_SECRET_BYTES, PandiumConfig
from .flows import Flow, TargetRefused, check_target, is_flow
from .responses import Refused
from .validate import is_positive_int, secret_bytes

__all__ = [
    "LAUNCH_SALT",
    "MAX_LAUNCH_AGE",
    "LaunchTicket",
    "launch_url",
    "read_ticket",
]

# The salt separates these signatures from anything else signed with the same secret.
LAUNCH_SALT = "pandium-embed.launch"
MAX_LAUNCH_AGE = 30 * 24 * 3600
# Longer is not a ticket we made: refuse before any work.
MAX_TICKET_LENGTH = 2048

MISSING_LAUNCH_SECRET = (
    "Launch links need launch_secret: a random secret of their own (e.g. secrets.token_urlsafe(32)), "
    "shared by every instance of the app."
)
SAME_AS_PANDIUM_SECRET = (
    "launch_secret must not be the Pandium shared secret: launch links are signed with a secret of their own."
)
SHORT_LAUNCH_SECRET = "launch_secret is shorter than {n} bytes; use secrets.token_urlsafe(32)."
BAD_SUB = "launch_url sub must be a non-empty string: the id of the user in your system."
BAD_FLOW = 'launch_url flow must be "marketplace", "install" or "connect".'
BAD_INTEGRATION_ID = 'launch_url flow="install" needs integration_id: 1-128 letters, digits, "-" or "_".'
BAD_CONNECTOR = 'launch_url flow="connect" needs connector: one of config.connectors.'
BAD_TARGET = 'launch_url takes integration_id only with flow="install" and connector only with flow="connect".'
BAD_MAX_AGE = "launch_url max_age must be a whole number of seconds from 1 to {max} (30 days)."
BAD_BASE_URL = "launch_url base_url must be an absolute http(s) URL like https://app.example.com."


@dataclass(frozen=True, slots=True)
class LaunchTicket:
    """What a valid ticket says. ``target`` is the integration id (install) or connector (connect)."""

    sub: str
    flow: Flow
    target: str | None
    ticket_id: str
    alone: bool
    issued_at: float
    max_age: int

    @property
    def expires_at(self) -> float:
        return self.issued_at + self.max_age


def _secret_bytes(launch_secret: Any, config: PandiumConfig | None) -> bytes:
    if not launch_secret or not isinstance(launch_secret, (str, bytes)):
        raise ValueError(MISSING_LAUNCH_SECRET)
    secret = secret_bytes(launch_secret)
    if config is not None and secret == secret_bytes(config.secret):
        raise ValueError(SAME_AS_PANDIUM_SECRET)
    return secret


def check_launch_secret(launch_secret: Any, config: PandiumConfig) -> bytes:
    """Validate a launch secret against ``config`` (raises ``ValueError``, warns when short)."""
    secret = _secret_bytes(launch_secret, config)
    if len(secret) < RECOMMENDED_SECRET_BYTES:
        warnings.warn(SHORT_LAUNCH_SECRET.format(n=RECOMMENDED_SECRET_BYTES), UserWarning, stacklevel=3)
    return secret


class _ClockedSigner(TimestampSigner):
    """itsdangerous reads the time through ``get_timestamp()``: this signer reads an injected clock, so
    the timestamp signed in and the age checked against are both the injectable one."""

    def __init__(self, *args: Any, clock: Callable[[], float], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._clock = clock

    def get_timestamp(self) -> int:
        return int(self._clock())


def _serializer(secret: bytes, clock: Callable[[], float]) -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(secret, salt=LAUNCH_SALT, signer=_ClockedSigner, signer_kwargs={"clock": clock})


_TARGET_MESSAGES = {"flow": BAD_FLOW, "integration_id": BAD_INTEGRATION_ID, "connector": BAD_CONNECTOR}


def _target(config: PandiumConfig, flow: Any, integration_id: Any, connector: Any) -> str | None:
    if not is_flow(flow):
        raise ValueError(BAD_FLOW)
    if (integration_id is not None and flow != "install") or (connector is not None and flow != "connect"):
        raise ValueError(BAD_TARGET)
    try:
        return check_target(config, flow, integration_id if flow == "install" else connector)[1]
    except TargetRefused as refused:
        raise ValueError(_TARGET_MESSAGES[refused.reason]) from None


def launch_url(
    config: PandiumConfig,
    sub: str,
    *,
    flow: Flow,
    max_age: int,
    launch_secret: str | bytes,
    integration_id: str | int | None = None,
    connector: str | None = None,
    alone: bool = False,
    base_url: str | None = None,
    now: float | None = None,
    ticket_id: str | None = None,
) -> str:
    """``<prefix>/launch/<ticket>``: a link that opens ``flow`` for user ``sub`` once, within ``max_age``
    seconds.

    ``flow="install"`` needs ``integration_id``; ``flow="connect"`` a configured ``connector``.
    ``alone=False`` (default): it works only for the signed-in user ``sub`` (after login if need be).
    ``alone=True``: it works without a session (email links); the middleware then needs ``user_for_sub``.
    ``base_url`` (``https://app.example.com``) makes it absolute, for emails. ``launch_secret`` is the
    middleware's, never Pandium's shared secret. ``now`` and ``ticket_id`` are for tests.
    """
    secret = check_launch_secret(launch_secret, config)
    if not isinstance(sub, str) or not sub:
        raise ValueError(BAD_SUB)
    target = _target(config, flow, integration_id, connector)
    if not _is_max_age(max_age):
        raise ValueError(BAD_MAX_AGE.format(max=MAX_LAUNCH_AGE))
    prefix = config.prefix
    if base_url is not None:
        if (
            not isinstance(base_url, str)
            or not base_url.startswith(("https://", "http://"))
            or "?" in base_url
            or "#" in base_url
        ):
            raise ValueError(BAD_BASE_URL)
        prefix = base_url.rstrip("/") + prefix
    issued = time.time() if now is None else now
    payload = {
        "s": sub,
        "f": flow,
        "t": target,
        "i": ticket_id or uuid.uuid4().hex,
        "a": bool(alone),
        "m": max_age,
    }
    ticket = _serializer(secret, lambda: issued).dumps(payload)
    return f"{prefix}/launch/{ticket}"


def _is_max_age(value: Any) -> TypeGuard[int]:
    return is_positive_int(value) and value <= MAX_LAUNCH_AGE


def read_ticket(ticket: str, *, launch_secret: bytes, now: Callable[[], float]) -> LaunchTicket:
    """The ticket's contents if its signature is ours and it is within its own ``max_age``.

    Raises ``Refused("link-invalid")`` or ``Refused("link-expired")``; never says why in
    more detail (the page shown to the browser must not help anyone forge one).
    """
    if not ticket or len(ticket) > MAX_TICKET_LENGTH:
        raise Refused("link-invalid")
    serializer = _serializer(launch_secret, now)
    try:
        # First the signature alone, to learn the max_age the link was made with; then itsdangerous
        # checks the age against it (same clock).
        payload = serializer.loads(ticket)
        max_age = payload.get("m") if isinstance(payload, dict) else None
        if not _is_max_age(max_age):
            raise Refused("link-invalid")
        payload, signed_at = serializer.loads(ticket, max_age=max_age, return_timestamp=True)
    except SignatureExpired:
        raise Refused("link-expired") from None
    except BadSignature:
        raise Refused("link-invalid") from None
    sub, flow, target, ticket_id, alone = (payload.get(key) for key in ("s", "f", "t", "i", "a"))
    if (
        not isinstance(sub, str)
        or not sub
        or not is_flow(flow)
        or not (target is None or isinstance(target, str))
        or not isinstance(ticket_id, str)
        or not ticket_id
        or not isinstance(alone, bool)
    ):
        raise Refused("link-invalid")
    return LaunchTicket(
        sub=sub,
        flow=flow,
        target=target,
        ticket_id=ticket_id,
        alone=alone,
        issued_at=signed_at.timestamp(),
        max_age=max_age,
    )
