"""What the stand-in saw: each accepted token's claims and each refusal's reason, for tests."""

from __future__ import annotations

import copy
import threading
from collections import deque
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

__all__ = ["DEFAULT_RECORD_LIMIT", "AcceptedToken", "Records", "RejectedToken"]

# A long-running CLI mock must not grow without bound; tests see far fewer.
DEFAULT_RECORD_LIMIT = 1000


@dataclass(frozen=True, slots=True)
class AcceptedToken:
    """A page opened with a valid token. ``flow`` is "marketplace", "install" or "connect"."""

    flow: str
    path: str
    claims: Mapping[str, Any]
    at: float

    def as_json(self) -> dict[str, Any]:
        return {"flow": self.flow, "path": self.path, "at": self.at, "claims": copy.deepcopy(dict(self.claims))}


@dataclass(frozen=True, slots=True)
class RejectedToken:
    """A page refused; ``reason`` is a short code, ``message`` its sentence. Never the token itself."""

    flow: str
    path: str
    reason: str
    message: str
    at: float

    def as_json(self) -> dict[str, Any]:
        return {"flow": self.flow, "path": self.path, "at": self.at, "reason": self.reason, "message": self.message}


class Records:
    """Thread-safe: the server thread appends while the test thread reads."""

    def __init__(self, *, limit: int = DEFAULT_RECORD_LIMIT) -> None:
        self._lock = threading.Lock()
        self._accepted: deque[AcceptedToken] = deque(maxlen=limit)
        self._rejected: deque[RejectedToken] = deque(maxlen=limit)

    def accept(self, record: AcceptedToken) -> None:
        with self._lock:
            self._accepted.append(record)

    def reject(self, record: RejectedToken) -> None:
        with self._lock:
            self._rejected.append(record)

    @property
    def accepted(self) -> list[AcceptedToken]:
        with self._lock:
            return list(self._accepted)

    @property
    def rejected(self) -> list[RejectedToken]:
        with self._lock:
            return list(self._rejected)

    def as_json(self) -> dict[str, list[dict[str, Any]]]:
        """``{"accepted": [{flow, path, at, claims}], "rejected": [{flow, path, at, reason, message}]}``"""
        with self._lock:
            return {
                "accepted": [record.as_json() for record in self._accepted],
                "rejected": [record.as_json() for record in self._rejected],
            }

    def clear(self) -> None:
        with self._lock:
            self._accepted.clear()
            self._rejected.clear()
