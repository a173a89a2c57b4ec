"""Pandium's notifications (``POST <prefix>/webhooks/<secret>``): typed events, delivery ids, secrets.

Pandium sends every notification of an org to one URL, as ``POST`` with a JSON body, and expects a
2xx answer. Documented: the event types (``KNOWN_EVENT_TYPES``) and five fields every payload has::

    {"event_type": "tenant_created", "environment": "acme", "account_id": 12,
     "account_name": "Acme", "timestamp": "2026-11-29T10:00:00Z", ...}

Each event type also carries fields of its own (``EVENT_FIELDS``: ``integration_id`` on every
integration event, ``tenant_id`` on the tenant and run events, the run's links on ``run_failed``).
Not documented: a signature (there is none that we know of) and retries. So the five common fields are
parsed strictly; the per-event ones are typed attributes when they have the documented type (else
``None``: a refused notification may never be sent again, so one is never refused over them); every field beyond the
common five stays in ``data`` as sent; an event type we do not know is delivered as it is; and the
credential is a secret in the URL path (``webhook_url``), compared in constant time.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import math
import re
import secrets
from collections.abc import Awaitable, Callable, Iterable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from types import MappingProxyType
from typing import Any, Literal

from .config import RECOMMENDED_SECRET_BYTES, PandiumConfig
from .responses import Refused
from .stores import DeliveryStore
from .validate import secret_bytes, segment_id

__all__ = [
    "DELIVERY_LEASE_SECONDS",
    "DELIVERY_MEMORY_SECONDS",
    "EVENT_FIELDS",
    "KNOWN_EVENT_TYPES",
    "MAX_WEBHOOK_BODY_SIZE",
    "MAX_WEBHOOK_DEPTH",
    "DeliveryOutcome",
    "WebhookEvent",
    "WebhookRejected",
    "check_webhook_secrets",
    "deliver",
    "delivery_id",
    "parse_webhook",
    "webhook_url",
]

KNOWN_EVENT_TYPES = (
    "integration_created",
    "tenant_created",
    "tenant_archived",
    "partner_integration_updated",
    "run_failed",
)
# Pandium's payloads are a few hundred bytes; 64 KiB leaves room for anything they may add.
MAX_WEBHOOK_BODY_SIZE = 64 * 1024
MAX_NAME_LENGTH = 256
# Objects and arrays inside one another, the body itself counting as one. Pandium's payloads are flat;
# the bound is ours, far below where json.loads or hashing the body (delivery_id) would recurse too deep.
MAX_WEBHOOK_DEPTH = 32
# How long a delivery stays claimed while its hook runs: after a crash, a retry is handled again after
# this. A hook that runs longer may see a concurrent retry run too.
DELIVERY_LEASE_SECONDS = 300
# How long a handled delivery is remembered, so that a retry is acknowledged without the hook.
DELIVERY_MEMORY_SECONDS = 7 * 24 * 3600
COMMON_FIELDS = frozenset({"event_type", "environment", "account_id", "account_name", "timestamp"})
# The fields Pandium's notifications page documents for each event type, beside the common five.
_INTEGRATION = ("integration_id", "integration_name")
_TENANT = ("tenant_id", "tenant_name", *_INTEGRATION)
EVENT_FIELDS: Mapping[str, tuple[str, ...]] = MappingProxyType(
    {
        "integration_created": _INTEGRATION,
        "tenant_created": _TENANT,
        "tenant_archived": _TENANT,
        "partner_integration_updated": (*_INTEGRATION, "partner_id", "partner_name"),
        "run_failed": (
            "run_id",
            "run_status",
            "admin_link",
            "api_link",
            "api_status_link",
            "api_triggers_link",
            *_TENANT,
        ),
    }
)
# How each documented field is read: ids (integers in Pandium's documentation) become plain-id strings,
# fit for an API path; names and statuses are short strings; links are http(s) URLs.
_ID_FIELDS = frozenset({"integration_id", "tenant_id", "partner_id", "run_id"})
_LINK_FIELDS = frozenset({"admin_link", "api_link", "api_status_link", "api_triggers_link"})
MAX_LINK_LENGTH = 2048

# Event types end up in span attributes and metric labels: plain words only, bounded.
_EVENT_TYPE = re.compile(r"[A-Za-z0-9_.:-]{1,64}")
# RFC 3339 with its time zone: ISO 8601 allows more shapes (weeks, no zone) that are not a UTC timestamp.
_RFC3339 = re.compile(r"\d{4}-\d{2}-\d{2}[Tt ]\d{2}:\d{2}:\d{2}(\.\d{1,9})?([Zz]|[+-]\d{2}:\d{2})")
# JSON's \uXXXX escapes can spell half of a surrogate pair, which no UTF-8 text holds.
_LONE_SURROGATE = re.compile(r"[\ud800-\udfff]")
# A secret in a URL path: characters no proxy, framework or log line rewrites.
_SECRET_CHARACTERS = re.compile(r"[A-Za-z0-9_-]+")

NOT_AN_OBJECT = 'A Pandium notification must be a JSON object like {"event_type": "tenant_created", ...}.'
TOO_DEEP = f"A Pandium notification nests deeper than {MAX_WEBHOOK_DEPTH} levels of objects and arrays."
NOT_FINITE = (
    "A Pandium notification holds a number too large for a float (like 1e999) or NaN/Infinity, "
    "which JSON does not have: every number must be finite."
)
NOT_TEXT = (
    "A Pandium notification holds a lone surrogate (a \\ud800-\\udfff escape without its pair): "
    "its strings must be Unicode text."
)
BAD_EVENT_TYPE = 'The "event_type" field must be 1-64 letters, digits, "_", ".", ":" or "-".'
BAD_ENVIRONMENT = 'The "environment" field must be a non-empty string of at most 256 characters.'
BAD_ACCOUNT_ID = 'The "account_id" field must be an integer.'
BAD_ACCOUNT_NAME = 'The "account_name" field must be a non-empty string of at most 256 characters.'
BAD_TIMESTAMP = (
    'The "timestamp" field must be an RFC 3339 date and time with its time zone, like "2026-01-31T09:30:00Z".'
)

MISSING_WEBHOOK_SECRET = (
    "webhook_secret must be a random string of at least {n} characters from A-Z, a-z, 0-9, '-' and '_' "
    "(secrets.token_urlsafe(32)), or a non-empty list of them while you rotate."
)
WEBHOOK_SECRET_IS_PANDIUM_SECRET = (
    "webhook_secret must not be the Pandium shared secret: it travels in a URL, the shared secret never does."
)
WEBHOOK_SECRET_IS_LAUNCH_SECRET = "webhook_secret must not be the launch_secret: give each its own random value."


class WebhookRejected(Refused):
    """The notification is not one we can read (a 400); ``detail`` names the field (never its value)."""

    def __init__(self, detail: str) -> None:
        super().__init__("bad-request", detail)


@dataclass(frozen=True, slots=True)
class WebhookEvent:
    """One notification from Pandium.

    ``event_type``, ``environment`` (the namespace the event happened in), ``account_id``,
    ``account_name`` (your Pandium organisation) and ``timestamp`` (timezone-aware, UTC) are the
    fields every notification has, checked. The fields Pandium documents per event type
    (``EVENT_FIELDS``) are attributes too: ids (``tenant_id``, ``integration_id``, ``run_id``,
    ``partner_id``) as plain-id strings, names and ``run_status`` as strings, the ``run_failed``
    links as http(s) URLs; each is ``None`` when the notification does not carry it or carries it in
    another shape. ``data`` holds every field beyond the common five as sent (unknown ones included):
    read those defensively. An ``event_type`` outside ``KNOWN_EVENT_TYPES`` is delivered too (``known``
    is then ``False``): Pandium may add events. ``delivery_id`` identifies the delivery (a hash of its
    content): a retry of the same notification has the same one.
    """

    event_type: str
    environment: str
    account_id: int
    account_name: str
    timestamp: datetime
    data: Mapping[str, Any]
    delivery_id: str
    tenant_id: str | None = None
    tenant_name: str | None = None
    integration_id: str | None = None
    integration_name: str | None = None
    partner_id: str | None = None
    partner_name: str | None = None
    run_id: str | None = None
    run_status: str | None = None
    admin_link: str | None = None
    api_link: str | None = None
    api_status_link: str | None = None
    api_triggers_link: str | None = None

    @property
    def known(self) -> bool:
        return self.event_type in KNOWN_EVENT_TYPES

    @property
    def documented_fields(self) -> tuple[str, ...]:
        """The per-event fields Pandium documents for this event type (empty for an unknown type)."""
        return EVENT_FIELDS.get(self.event_type, ())


def _event_field(name: str, value: Any) -> str | None:
    """A documented per-event field in its documented shape, else ``None`` (never a refusal)."""
    if name in _ID_FIELDS:
        return segment_id(value)
    if not isinstance(value, str) or not value:
        return None
    if name in _LINK_FIELDS:
        ok = len(value) <= MAX_LINK_LENGTH and value.isascii() and value.startswith(("https://", "http://"))
        return value if ok and value.isprintable() and " " not in value else None
    return value if len(value) <= MAX_NAME_LENGTH else None


_EVENT_ATTRIBUTES = tuple(dict.fromkeys(name for names in EVENT_FIELDS.values() for name in names))


def _name(value: Any, message: str) -> str:
    if not isinstance(value, str) or not value or len(value) > MAX_NAME_LENGTH:
        raise WebhookRejected(message)
    return value


def _timestamp(value: Any) -> datetime:
    if not isinstance(value, str) or not _RFC3339.fullmatch(value):
        raise WebhookRejected(BAD_TIMESTAMP)
    try:
        # The pattern leaves only digits and separators: upper() just normalises "t" and "z".
        parsed = datetime.fromisoformat(value.upper())
    except ValueError:  # the right shape, an impossible date (February 30th)
        raise WebhookRejected(BAD_TIMESTAMP) from None
    return parsed.astimezone(UTC)


def delivery_id(value: Any) -> str:
    """The idempotency key of a notification: SHA-256 of its JSON in canonical form (sorted keys, no
    spaces), so a retry that re-serialises the same content has the same key."""
    canonical = json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


def _check_json(value: Any) -> None:
    """Refuse what valid JSON can hold (or Python's parser lets through) but a notification cannot:
    nesting deeper than ``MAX_WEBHOOK_DEPTH``, lone surrogates (in keys or values), and numbers that are
    not finite (``1e999`` parses as infinity; ``NaN`` and ``Infinity`` are not JSON at all). Iterative,
    so it never recurses."""
    pending: list[tuple[Any, int]] = [(value, 1)]
    while pending:
        item, depth = pending.pop()
        if isinstance(item, str):
            if not item.isascii() and _LONE_SURROGATE.search(item):
                raise WebhookRejected(NOT_TEXT)
        elif isinstance(item, float):
            if not math.isfinite(item):
                raise WebhookRejected(NOT_FINITE)
        elif isinstance(item, (dict, list)):
            if depth > MAX_WEBHOOK_DEPTH:
                raise WebhookRejected(TOO_DEEP)
            if isinstance(item, dict):
                pending.extend((key, depth) for key in item)
                pending.extend((child, depth + 1) for child in item.values())
            else:
                pending.extend((child, depth + 1) for child in item)


def parse_webhook(value: Any) -> WebhookEvent:
    """Validate the JSON of a notification into a ``WebhookEvent`` (raises ``WebhookRejected``)."""
    if not isinstance(value, dict):
        raise WebhookRejected(NOT_AN_OBJECT)
    _check_json(value)
    event_type = value.get("event_type")
    if not isinstance(event_type, str) or not _EVENT_TYPE.fullmatch(event_type):
        raise WebhookRejected(BAD_EVENT_TYPE)
    environment = _name(value.get("environment"), BAD_ENVIRONMENT)
    account_id = value.get("account_id")
    if isinstance(account_id, bool) or not isinstance(account_id, int):
        raise WebhookRejected(BAD_ACCOUNT_ID)
    account_name = _name(value.get("account_name"), BAD_ACCOUNT_NAME)
    timestamp = _timestamp(value.get("timestamp"))
    return WebhookEvent(
        event_type=event_type,
        environment=environment,
        account_id=account_id,
        account_name=account_name,
        timestamp=timestamp,
        data=MappingProxyType({key: item for key, item in value.items() if key not in COMMON_FIELDS}),
        delivery_id=delivery_id(value),
        # Read by name whatever the event type: an id field means the same thing on every event.
        **{name: _event_field(name, value.get(name)) for name in _EVENT_ATTRIBUTES},
    )


def check_webhook_secrets(
    value: Any, config: PandiumConfig, *, launch_secret: bytes | None = None
) -> tuple[bytes, ...]:
    """``webhook_secret`` (one string, or several while rotating) as the digests the route compares."""
    candidates = [value] if isinstance(value, str) else value
    if not isinstance(candidates, (list, tuple)) or not candidates:
        raise ValueError(MISSING_WEBHOOK_SECRET.format(n=RECOMMENDED_SECRET_BYTES))
    pandium = secret_bytes(config.secret)
    digests = []
    for secret in candidates:
        if (
            not isinstance(secret, str)
            or len(secret) < RECOMMENDED_SECRET_BYTES
            or not _SECRET_CHARACTERS.fullmatch(secret)
        ):
            raise ValueError(MISSING_WEBHOOK_SECRET.format(n=RECOMMENDED_SECRET_BYTES))
        encoded = secret.encode("ascii")
        if encoded == pandium:
            raise ValueError(WEBHOOK_SECRET_IS_PANDIUM_SECRET)
        if launch_secret is not None and encoded == launch_secret:
            raise ValueError(WEBHOOK_SECRET_IS_LAUNCH_SECRET)
        digests.append(_digest(secret))
    return tuple(digests)


def _digest(value: str) -> bytes:
    # Comparing fixed-length digests hides the secret's length as well as its content.
    return hashlib.sha256(value.encode("utf-8", "surrogateescape")).digest()


def secret_matches(candidate: str, digests: Iterable[bytes]) -> bool:
    """Whether ``candidate`` is one of the secrets, in time that does not depend on which one or where
    they differ (every secret is compared, even after a match)."""
    given = _digest(candidate)
    matched = False
    for digest in digests:
        matched |= hmac.compare_digest(given, digest)
    return matched


def webhook_url(base_url: str, config: PandiumConfig, secret: str) -> str:
    """The URL to give Pandium (Settings > Notifications & Webhooks): ``<base_url><prefix>/webhooks/<secret>``.

    ``base_url`` is your app's public origin, like ``https://app.example.com``.
    """
    return f"{base_url.rstrip('/')}{config.prefix}/webhooks/{secret}"


# "delivered": the hook ran and returned. "duplicate": handled before, the hook was not called again.
# "in-progress": the same delivery is being handled right now (elsewhere): ask the sender to retry later.
DeliveryOutcome = Literal["delivered", "duplicate", "in-progress"]


async def deliver(
    event: WebhookEvent,
    run_hook: Callable[[WebhookEvent], Awaitable[Any]],
    *,
    store: DeliveryStore,
    now: Callable[[], float],
) -> DeliveryOutcome:
    """Hand ``event`` to the hook unless its delivery was handled already.

    The delivery is claimed before the hook runs and remembered as done only after it returns; if
    the hook raises (or the request is cancelled) the claim is dropped and the exception propagates,
    so the answer is an error and the sender's retry is handled afresh: nothing lost, nothing twice.
    """
    # This attempt's own claim: if the hook outlives its lease and another instance claims the delivery,
    # this one's failure must not drop that claim (nor a "done" it recorded).
    owner = secrets.token_hex(16)
    state = await store.begin_delivery(event.delivery_id, now() + DELIVERY_LEASE_SECONDS, owner=owner)
    if state == "done":
        return "duplicate"
    if state == "in-progress":
        return "in-progress"
    try:
        await run_hook(event)
    except BaseException:
        await store.abandon_delivery(event.delivery_id, owner=owner)
        raise
    await store.finish_delivery(event.delivery_id, now() + DELIVERY_MEMORY_SECONDS, owner=owner)
    return "delivered"
