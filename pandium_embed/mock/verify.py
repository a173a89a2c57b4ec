"""Verify a Pandium tenant token the way Pandium documents it, written by hand.

Deliberately independent of ``pandium_embed.tokens`` (no joserfc, no shared constants): the stand-in
is a second implementation, so a bug in our signer shows up as a rejection here instead of being
mirrored. Every rejection carries a short machine code and a fixed sentence; neither ever contains
the token, a claim value or the secret.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import heapq
import hmac
import json
import math
import re
from collections.abc import Mapping
from typing import Any, TypeGuard

from ..validate import is_positive_int, secret_bytes

__all__ = [
    "DEFAULT_MAX_AGE",
    "DEFAULT_REPLAY_MEMORY",
    "DEFAULT_SKEW",
    "REASONS",
    "JtiMemory",
    "TokenRejected",
    "verify_token",
]

DEFAULT_MAX_AGE = 60
DEFAULT_SKEW = 5.0
# Accepted jtis are kept until iat + 60 s, when their token is refused as expired anyway, so this bounds
# how many tokens may be accepted per minute, far above what one developer or test run mints.
DEFAULT_REPLAY_MEMORY = 10_000

# Pandium compares the header byte for byte; key order and whitespace matter.
EXPECTED_HEADER = b'{"alg":"HS256","typ":"JWT"}'
MAX_TOKEN_LENGTH = 16 * 1024

_B64URL = re.compile(r"[A-Za-z0-9_-]*")
_TI_STRINGS = ("udn", "ufn", "uem", "aid", "adn")

# code -> sentence. The code is what tests and the records endpoint compare; the sentence is for
# the developer looking at the error page.
REASONS: Mapping[str, str] = {
    "missing-token": "The page was opened without a ?tenant= token.",
    "malformed": "The token is not three dot-separated segments (header.payload.signature).",
    "bad-encoding": "A token segment is not unpadded base64url.",
    "bad-json": "The token header or payload is not a JSON object.",
    "bad-alg": "The token's alg is not HS256; Pandium refuses 'none' and every other algorithm.",
    "bad-header": 'The token header is not exactly {"alg":"HS256","typ":"JWT"}.',
    "bad-signature": "The token's signature does not match the shared secret.",
    "bad-iat": "The token's iat is missing or not integer epoch seconds.",
    "expired": "The token is more than 60 seconds old: mint a fresh one each time the page opens.",
    "future-iat": "The token's iat is in the future, beyond the allowed clock skew: check the server clock.",
    "bad-exp": "The token's exp is not a number of epoch seconds.",
    "past-exp": "The token's exp has passed (beyond the allowed clock skew): mint a fresh one.",
    "bad-nbf": "The token's nbf is not a number of epoch seconds.",
    "future-nbf": "The token's nbf is in the future, beyond the allowed clock skew: check the server clock.",
    "bad-jti": "The token's jti is missing or not a non-empty string.",
    "replayed": "This token's jti was already used: tokens are single use.",
    "replay-memory-full": "Too many tokens were accepted in the last minute to remember them all; try again shortly.",
    "missing-sub": "The token's sub is missing or not a non-empty string: it must identify the user.",
    "bad-ti": (
        "The token's ti is not an object of the documented types "
        "(udn, ufn, uem, aid, adn strings; ili a list of ids; xti an object)."
    ),
}


class TokenRejected(Exception):
    """A token failed verification; ``reason`` is one of ``REASONS``."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason
        self.message = REASONS[reason]

    @property
    def code(self) -> str:
        """The same as ``reason`` (its name before the stand-in's refusals shared one)."""
        return self.reason

    def __repr__(self) -> str:
        return f"TokenRejected({self.reason!r})"

    def __str__(self) -> str:
        return f"{self.reason}: {self.message}"


class JtiMemory:
    """The jtis already accepted, each forgotten once its token is too old to be accepted again.

    Bounded: when full of still-live jtis, new tokens are refused (fail closed) rather than
    forgetting a live jti, which would let that token be replayed.
    """

    def __init__(self, *, max_entries: int = DEFAULT_REPLAY_MEMORY) -> None:
        if not is_positive_int(max_entries):
            raise ValueError("JtiMemory max_entries must be a positive integer.")
        self._max_entries = max_entries
        self._expiry: dict[str, float] = {}
        self._heap: list[tuple[float, str]] = []

    def __len__(self) -> int:
        return len(self._expiry)

    def __contains__(self, jti: object) -> bool:
        return jti in self._expiry

    def remember(self, jti: str, *, until: float, now: float) -> None:
        """Record ``jti`` as used; raise ``TokenRejected`` if it was, or if memory is full."""
        self._forget_expired(now)
        if jti in self._expiry:
            raise TokenRejected("replayed")
        if len(self._expiry) >= self._max_entries:
            raise TokenRejected("replay-memory-full")
        self._expiry[jti] = until
        heapq.heappush(self._heap, (until, jti))

    def _forget_expired(self, now: float) -> None:
        while self._heap and self._heap[0][0] < now:
            _, jti = heapq.heappop(self._heap)
            self._expiry.pop(jti, None)


def _b64decode(segment: str) -> bytes:
    if not _B64URL.fullmatch(segment) or len(segment) % 4 == 1:
        raise TokenRejected("bad-encoding")
    try:
        data = base64.urlsafe_b64decode(segment + "=" * (-len(segment) % 4))
    except (binascii.Error, ValueError):
        raise TokenRejected("bad-encoding") from None
    # Only the canonical encoding is accepted: otherwise one token would have several spellings
    # (stray low bits in the last character) that a replay check keyed on text would miss.
    if base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii") != segment:
        raise TokenRejected("bad-encoding")
    return data


def _json_object(data: bytes) -> dict[str, Any]:
    try:
        value = json.loads(data.decode("utf-8"))
    except (UnicodeDecodeError, ValueError, RecursionError):
        raise TokenRejected("bad-json") from None
    if not isinstance(value, dict):
        raise TokenRejected("bad-json")
    return value


def _is_int(value: object) -> TypeGuard[int]:
    return isinstance(value, int) and not isinstance(value, bool)


def _is_number(value: object) -> TypeGuard[int | float]:
    return _is_int(value) or (isinstance(value, float) and math.isfinite(value))


def _check_ti(ti: object) -> None:
    if not isinstance(ti, dict):
        raise TokenRejected("bad-ti")
    for key in _TI_STRINGS:
        if key in ti and not isinstance(ti[key], str):
            raise TokenRejected("bad-ti")
    if "ili" in ti:
        ili = ti["ili"]
        if not isinstance(ili, list) or not all(isinstance(item, str) or _is_int(item) for item in ili):
            raise TokenRejected("bad-ti")
    if "xti" in ti and not isinstance(ti["xti"], dict):
        raise TokenRejected("bad-ti")


def verify_token(
    token: str | None,
    *,
    secret: str | bytes,
    now: float,
    jtis: JtiMemory | None = None,
    max_age: int = DEFAULT_MAX_AGE,
    skew: float = DEFAULT_SKEW,
) -> dict[str, Any]:
    """The claims of ``token`` if Pandium would accept it at time ``now``; else ``TokenRejected``.

    Checks, in order: three segments; header decodes; ``alg`` is HS256; the header is byte-exact;
    the HMAC-SHA256 signature (constant-time compare); the payload is a JSON object; ``iat`` is
    integer seconds, at most ``max_age`` old and at most ``skew`` in the future; ``exp``, if present,
    a number that ``now`` has not reached by ``skew`` or more; ``nbf``, if present, a number at most
    ``skew`` in the future; ``jti``; ``sub``;
    ``ti`` types; and last, with ``jtis`` given, that the jti was never accepted before (it is then
    remembered, so only tokens that pass every other check use up their jti).
    """
    if not token:
        raise TokenRejected("missing-token")
    if len(token) > MAX_TOKEN_LENGTH:
        raise TokenRejected("malformed")
    parts = token.split(".")
    if len(parts) != 3:
        raise TokenRejected("malformed")
    header_segment, payload_segment, signature_segment = parts

    header_bytes = _b64decode(header_segment)
    header = _json_object(header_bytes)
    # alg first, so "none" and HS512 get their own reason rather than a generic header mismatch.
    if header.get("alg") != "HS256":
        raise TokenRejected("bad-alg")
    if header_bytes != EXPECTED_HEADER:
        raise TokenRejected("bad-header")

    key = secret_bytes(secret)
    signing_input = f"{header_segment}.{payload_segment}".encode("ascii")
    expected = hmac.new(key, signing_input, hashlib.sha256).digest()
    if not hmac.compare_digest(expected, _b64decode(signature_segment)):
        raise TokenRejected("bad-signature")

    claims = _json_object(_b64decode(payload_segment))
    iat = claims.get("iat")
    if not _is_int(iat):
        raise TokenRejected("bad-iat")
    if now - iat > max_age:
        raise TokenRejected("expired")
    if iat - now > skew:
        raise TokenRejected("future-iat")
    # Optional registered claims (RFC 7519): mint_token sets neither, but a token that carries them
    # must honour them. Same skew as iat, as JWT libraries apply their leeway to both.
    if "exp" in claims:
        exp = claims["exp"]
        if not _is_number(exp):
            raise TokenRejected("bad-exp")
        if now - exp >= skew:
            raise TokenRejected("past-exp")
    if "nbf" in claims:
        nbf = claims["nbf"]
        if not _is_number(nbf):
            raise TokenRejected("bad-nbf")
        if nbf - now > skew:
            raise TokenRejected("future-nbf")
    jti = claims.get("jti")
    if not isinstance(jti, str) or not jti:
        raise TokenRejected("bad-jti")
    sub = claims.get("sub")
    if not isinstance(sub, str) or not sub.strip():
        raise TokenRejected("missing-sub")
    if "ti" in claims:
        _check_ti(claims["ti"])
    if jtis is not None:
        # After iat + max_age the token is refused as expired anyway, so the jti can be forgotten.
        jtis.remember(jti, until=iat + max_age, now=now)
    return claims
