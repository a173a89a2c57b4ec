"""The stand-in's notifications: Pandium's webhooks, posted to the URL the mock is configured with.

Shaped as Pandium documents them: ``POST`` with a JSON body holding ``event_type``, ``environment``,
``account_id``, ``account_name`` and ``timestamp`` (RFC 3339, UTC). Pandium does not document the
fields of each event; the mock adds ``tenant_id``, ``tenant_name``, ``integration_id`` and
``integration_name`` to tenant events (and ``run_id``, ``message`` to ``run_failed``), which is what
``WebhookEvent.tenant_id`` reads. Deliveries are made once, never retried by themselves (Pandium's
retries are not documented either); ``redeliver`` sends one again, as a sender's retry would.
"""

from __future__ import annotations

import asyncio
import json
import threading
import urllib.error
import urllib.request
from collections import deque
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from ..net import is_loopback_host

__all__ = ["Notification", "Notifier", "check_notifications_url"]

DELIVERY_TIMEOUT_SECONDS = 10.0
BAD_NOTIFICATIONS_URL = (
    "MockPandium notifications_url must be an http(s) URL like http://127.0.0.1:8000/pandium/webhooks/<secret> "
    "(http only on loopback)."
)


@dataclass(frozen=True, slots=True)
class Notification:
    """One delivery: the payload as sent, the receiver's HTTP status (``None`` if it could not be
    reached; ``error`` then names the failure's class), and when (the mock's clock)."""

    event_type: str
    payload: Mapping[str, Any]
    status: int | None
    at: float
    error: str | None = None

    @property
    def delivered(self) -> bool:
        return self.status is not None and 200 <= self.status < 300

    def as_json(self) -> dict[str, Any]:
        # The URL is left out: it carries the receiver's secret.
        return {
            "event_type": self.event_type,
            "payload": dict(self.payload),
            "status": self.status,
            "error": self.error,
            "at": self.at,
        }


def check_notifications_url(value: Any) -> str:
    from urllib.parse import urlsplit

    if not isinstance(value, str):
        raise ValueError(BAD_NOTIFICATIONS_URL)
    try:
        parts = urlsplit(value)
        host = parts.hostname or ""
    except ValueError:
        raise ValueError(BAD_NOTIFICATIONS_URL) from None
    secure = parts.scheme == "https" or (parts.scheme == "http" and is_loopback_host(host))
    if not host or not secure or any(ord(char) < 0x21 for char in value):
        raise ValueError(BAD_NOTIFICATIONS_URL)
    return value


class Notifier:
    """Posts notifications for one org and remembers each delivery (bounded, thread-safe)."""

    def __init__(
        self,
        *,
        url: str | None,
        org: str,
        account_id: int,
        clock: Callable[[], float],
        limit: int = 1000,
    ) -> None:
        self.url = url
        self._org = org
        self._account_id = account_id
        self._clock = clock
        self._lock = threading.Lock()
        self._sent: deque[Notification] = deque(maxlen=limit)

    @property
    def url(self) -> str | None:
        return self._url

    @url.setter
    def url(self, url: str | None) -> None:
        # One assignment: a delivery in the server's thread sees the old URL or the new one.
        self._url = None if url is None else check_notifications_url(url)

    @property
    def sent(self) -> list[Notification]:
        with self._lock:
            return list(self._sent)

    def clear(self) -> None:
        with self._lock:
            self._sent.clear()

    def payload(self, event_type: str, fields: Mapping[str, Any]) -> dict[str, Any]:
        timestamp = datetime.fromtimestamp(self._clock(), UTC).isoformat(timespec="milliseconds")
        return {
            "event_type": event_type,
            # Pandium: "the namespace/environment where the event occurred"; tenants carry the org as namespace.
            "environment": self._org,
            "account_id": self._account_id,
            "account_name": self._org,
            "timestamp": timestamp.replace("+00:00", "Z"),
            **fields,
        }

    async def send(self, payload: Mapping[str, Any]) -> Notification | None:
        """Post ``payload`` to the URL; ``None`` when the mock has no notifications URL."""
        url = self._url
        if url is None:
            return None
        body = json.dumps(dict(payload), separators=(",", ":"), ensure_ascii=False).encode("utf-8")
        status, error = await asyncio.to_thread(_post, url, body)
        notification = Notification(
            event_type=str(payload["event_type"]), payload=dict(payload), status=status, error=error, at=self._clock()
        )
        with self._lock:
            self._sent.append(notification)
        return notification


class _NoRedirects(urllib.request.HTTPRedirectHandler):
    # A receiver that redirects has answered 3xx: record that, like Pandium's sender would see it.
    def redirect_request(self, *args: Any, **kwargs: Any) -> None:
        return None


_OPENER = urllib.request.build_opener(_NoRedirects)


def _post(url: str, body: bytes) -> tuple[int | None, str | None]:
    """POST ``body`` as JSON; (status, None), or (None, the failure's class name) when unreachable.

    The standard library's client, because it logs nothing: the URL holds the receiver's secret.
    """
    # S310: the URL is checked to be http(s) when it is set (check_notifications_url), never file: or other.
    request = urllib.request.Request(url, data=body, method="POST", headers={"Content-Type": "application/json"})  # noqa: S310
    try:
        with _OPENER.open(request, timeout=DELIVERY_TIMEOUT_SECONDS) as response:
            status: int = response.status
            return status, None
    except urllib.error.HTTPError as answered:
        answered.close()
        return answered.code, None
    except (OSError, ValueError) as failure:
        return None, type(failure).__name__
