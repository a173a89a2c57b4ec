"""Audit records: who opened which Pandium page as whom, and every refusal (``on_mint=``).

``PandiumMiddleware(..., on_mint=hook)`` calls ``hook(request, user, record)`` after every token it
mints (``MintRecord``) and for every mint route it refuses (``RefusalRecord``; ``user`` is ``None``
when nobody was identified). This is the place to write an audit log. A record holds identifiers
only: never the token, the ``tenant=`` URL, a launch ticket or a secret, so it can be logged as is
(``dataclasses.asdict(record)``).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal, TypeAlias

__all__ = ["AuditRecord", "MintRecord", "RefusalRecord"]

Flow = Literal["marketplace", "install", "connect"]


@dataclass(frozen=True, slots=True)
class MintRecord:
    """A token was minted and is about to be answered.

    ``route`` is the route's template (``"/install/{integration_id}"``, ``"/launch/{ticket}"``, never
    the path itself); ``target`` the integration id (install) or connector (connect); ``jti`` and
    ``iat`` the token's claims, to match Pandium's own logs; ``sub`` and ``auditable_id`` (``ti.aid``,
    the person acting for the user, e.g. a support admin; ``None`` if unset) say as whom.
    """

    route: str
    flow: Flow
    target: str | None
    sub: str
    auditable_id: str | None
    jti: str
    iat: int
    outcome: Literal["minted"] = "minted"


@dataclass(frozen=True, slots=True)
class RefusalRecord:
    """A mint route answered an error instead of a token.

    ``reason`` is the machine-readable reason the response carries (``"not-signed-in"``,
    ``"cross-site"``, ``"link-used"``, ...) and ``status`` its HTTP status. ``flow`` and ``target``
    are set once the request named a valid one; ``sub`` and ``auditable_id`` once a user was
    identified. ``at`` is the middleware's clock (epoch seconds).
    """

    route: str
    reason: str
    status: int
    at: float
    flow: Flow | None = None
    target: str | None = None
    sub: str | None = None
    auditable_id: str | None = None
    outcome: Literal["refused"] = "refused"


AuditRecord: TypeAlias = MintRecord | RefusalRecord
