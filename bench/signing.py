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
from .harness import Batch, Paired, alternate, batch_size, paired, quiet_gc, timed, variant, warm_up

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


def batch_of(sign: Callable[[], str]) -> Batch:
    def batch(n: int) -> tuple[int, int]:
        def body() -> None:
            for _ in range(n):
                sign()

        with quiet_gc():
            return timed(body)

    return batch


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
    batches = {name: batch_of(sign) for name, sign in SIGNERS.items()}
    n = batch_size(batches["ours"], batch_seconds)
    warm_up(list(batches.values()), n)
    # µs per token
    variants = {name: variant(batch, n, scale=1e-3) for name, batch in batches.items()}
    runs = alternate(variants, rounds, max_seconds=max_seconds)
    return SigningFigures(
        ours_vs_floor=paired(runs["ours"], runs["floor"]),
        ours_vs_pyjwt=paired(runs["ours"], runs["pyjwt"]),
    )


if __name__ == "__main__":
    print(measure())
