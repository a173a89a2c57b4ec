"""The signing floor: ``mint_token`` against a minimal HMAC-SHA256 signer and against PyJWT.

Every signer does the same work per token: take the clock, draw a uuid4 ``jti``, build the same
claims, serialise them as compact JSON and sign.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import jwt

from pandium_embed import mint_token

from . import apps
from .harness import Paired, Run, alternate, calibrate, paired, quiet_gc, run_of, timed

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


def _batch(sign: Callable[[], str], n: int) -> tuple[int, int]:
    def body() -> None:
        for _ in range(n):
            sign()

    with quiet_gc():
        return timed(body)


@dataclass(frozen=True)
class SigningFigures:
    ours_vs_floor: Paired  # µs per token, ours / floor
    ours_vs_pyjwt: Paired  # ours / PyJWT


def check() -> None:
    """All three must produce tokens PyJWT verifies to the same claims (jti and iat aside)."""
    decoded = []
    for sign in SIGNERS.values():
        claims = jwt.decode(sign(), apps.SECRET, algorithms=["HS256"])
        claims.pop("iat"), claims.pop("jti")
        decoded.append(claims)
    if any(claims != decoded[0] for claims in decoded):
        raise AssertionError(f"signers disagree on the claims: {decoded}")


def measure(*, rounds: int = 101, batch_seconds: float = 0.005, max_seconds: float = 30.0) -> SigningFigures:
    check()
    n = calibrate(lambda k: _batch(sign_ours, k)[0] / 1e9, batch_seconds)
    for _ in range(20):
        for sign in SIGNERS.values():
            _batch(sign, n)

    def timer(sign: Callable[[], str]) -> Callable[[], Run]:
        def run() -> Run:
            wall, cpu = _batch(sign, n)
            return run_of(wall, cpu, n, scale=1e-3)  # µs per token

        return run

    runs = alternate({name: timer(sign) for name, sign in SIGNERS.items()}, rounds, max_seconds=max_seconds)
    return SigningFigures(
        ours_vs_floor=paired(runs["ours"], runs["floor"]),
        ours_vs_pyjwt=paired(runs["ours"], runs["pyjwt"]),
    )


if __name__ == "__main__":
    print(measure())
