"""The signing floor: ``mint_token`` against a minimal HMAC-SHA256 signer and against PyJWT.

Every signer does the same work per token: take the clock, draw a uuid4 ``jti``, build the same
claims, serialise them as compact JSON and sign.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import jwt

from pandium_embed import mint_token

from . import apps
from .harness import Spread, alternate, calibrate, paired_ratios, quiet_gc

_SECRET = apps.SECRET.encode("utf-8")
_HEADER = base64.urlsafe_b64encode(b'{"alg":"HS256","typ":"JWT"}').rstrip(b"=")


def floor_token(claims: dict[str, Any]) -> str:
    """The least work an HS256 token needs: compact JSON, base64url, one HMAC-SHA256."""
    payload = base64.urlsafe_b64encode(json.dumps(claims, separators=(",", ":")).encode()).rstrip(b"=")
    signing_input = _HEADER + b"." + payload
    signature = base64.urlsafe_b64encode(hmac.digest(_SECRET, signing_input, hashlib.sha256)).rstrip(b"=")
    return (signing_input + b"." + signature).decode("ascii")


def sign_ours() -> str:
    return mint_token(apps.CONFIG, apps.USER)


def sign_floor() -> str:
    return floor_token(apps.docs_claims(apps.USER))


def sign_pyjwt() -> str:
    return jwt.encode(apps.docs_claims(apps.USER), apps.SECRET, algorithm="HS256")


SIGNERS: dict[str, Callable[[], str]] = {"ours": sign_ours, "floor": sign_floor, "pyjwt": sign_pyjwt}


def _batch(sign: Callable[[], str], n: int) -> float:
    with quiet_gc():
        start = time.perf_counter_ns()
        for _ in range(n):
            sign()
        return (time.perf_counter_ns() - start) / 1e9


@dataclass(frozen=True)
class SigningFigures:
    us: dict[str, Spread]
    ours_vs_floor: Spread
    ours_vs_pyjwt: Spread


def check() -> None:
    """All three must produce tokens PyJWT verifies to the same claims (jti and iat aside)."""
    decoded = []
    for sign in SIGNERS.values():
        claims = jwt.decode(sign(), apps.SECRET, algorithms=["HS256"])
        claims.pop("iat"), claims.pop("jti")
        decoded.append(claims)
    if any(claims != decoded[0] for claims in decoded):
        raise AssertionError(f"signers disagree on the claims: {decoded}")


def measure(*, rounds: int = 15, batch_seconds: float = 0.2, max_seconds: float = 30.0) -> SigningFigures:
    check()
    n = calibrate(lambda k: _batch(sign_ours, k), batch_seconds)
    for sign in SIGNERS.values():
        _batch(sign, n)

    def timer(sign: Callable[[], str]) -> Callable[[], float]:
        return lambda: _batch(sign, n) / n * 1e6  # µs per token

    runs = alternate({name: timer(sign) for name, sign in SIGNERS.items()}, rounds, max_seconds=max_seconds)
    return SigningFigures(
        us={name: Spread.of(values) for name, values in runs.items()},
        ours_vs_floor=Spread.of(paired_ratios(runs["ours"], runs["floor"])),
        ours_vs_pyjwt=Spread.of(paired_ratios(runs["ours"], runs["pyjwt"])),
    )


if __name__ == "__main__":
    print(measure(rounds=7))
