"""MockPandium's token verifier, against hostile tokens: every rejection with its reason, and acceptance of
what ``mint_token`` signs. Tokens are forged by hand here, independently of both signer and verifier."""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Callable
from typing import Any

import pytest

from pandium_embed import PandiumConfig, PandiumUser, mint_token
from pandium_embed.mock import REASONS, JtiMemory, TokenRejected, verify_token
from pandium_embed.tokens import build_claims
from tests.support.mock import HS256_HEADER, b64
from tests.support.mock import forge as _forge

SECRET = "verify-tests-secret-0123456789abcdef"
NOW = 1_700_000_000
NONE_HEADER = b'{"alg":"none","typ":"JWT"}'
CLAIMS: dict[str, Any] = {"iat": NOW, "jti": "jti-1", "sub": "user-1", "ti": {"udn": "Ann"}}


def forge(claims: dict[str, Any] | None = None, *, secret: str = SECRET, **options: Any) -> str:
    return _forge(claims or CLAIMS, secret=secret, **options)


def with_claims(**changes: Any) -> dict[str, Any]:
    claims = dict(CLAIMS)
    for key, value in changes.items():
        if value is _DROP:
            claims.pop(key, None)
        else:
            claims[key] = value
    return claims


_DROP = object()


def reason(token: str | None, *, now: float = NOW, jtis: JtiMemory | None = None) -> str:
    with pytest.raises(TokenRejected) as caught:
        verify_token(token, secret=SECRET, now=now, jtis=jtis)
    return caught.value.code


def swap_signature(token: str, signature: str) -> str:
    head, body, _ = token.split(".")
    return f"{head}.{body}.{signature}"


REJECTIONS: list[tuple[str, Callable[[], str | None], str]] = [
    # malformed
    ("no token", lambda: None, "missing-token"),
    ("empty token", lambda: "", "missing-token"),
    ("two parts", lambda: ".".join(forge().split(".")[:2]), "malformed"),
    ("four parts", lambda: forge() + ".x", "malformed"),
    ("one part", lambda: "eyJhbGciOiJIUzI1NiJ9", "malformed"),
    ("huge token", lambda: "a." * 9000 + "a", "malformed"),
    ("header not base64url", lambda: "!!!." + forge().split(".", 1)[1], "bad-encoding"),
    ("padded header", lambda: b64(HS256_HEADER) + "=." + forge().split(".", 1)[1], "bad-encoding"),
    ("standard base64 alphabet", lambda: swap_signature(forge(), "ab+/"), "bad-encoding"),
    ("impossible length", lambda: swap_signature(forge(), "abcde"), "bad-encoding"),
    ("header not JSON", lambda: forge(header=b"not json"), "bad-json"),
    ("header a JSON array", lambda: forge(header=b'["HS256"]'), "bad-json"),
    ("payload not JSON", lambda: forge(payload=b"{nope"), "bad-json"),
    ("payload a JSON list", lambda: forge(payload=b"[1,2]"), "bad-json"),
    ("payload not UTF-8", lambda: forge(payload=b'{"sub":"\xff"}'), "bad-json"),
    # algorithm and header
    ("alg none, no signature", lambda: swap_signature(forge(header=NONE_HEADER), ""), "bad-alg"),
    ("alg none, HS256 signature", lambda: forge(header=NONE_HEADER), "bad-alg"),
    ("alg HS512", lambda: forge(header=b'{"alg":"HS512","typ":"JWT"}', digest=hashlib.sha512), "bad-alg"),
    ("alg HS384", lambda: forge(header=b'{"alg":"HS384","typ":"JWT"}', digest=hashlib.sha384), "bad-alg"),
    ("alg RS256", lambda: forge(header=b'{"alg":"RS256","typ":"JWT"}'), "bad-alg"),
    ("alg lower case", lambda: forge(header=b'{"alg":"hs256","typ":"JWT"}'), "bad-alg"),
    ("alg missing", lambda: forge(header=b'{"typ":"JWT"}'), "bad-alg"),
    ("header keys reordered", lambda: forge(header=b'{"typ":"JWT","alg":"HS256"}'), "bad-header"),
    ("header with spaces", lambda: forge(header=b'{"alg": "HS256", "typ": "JWT"}'), "bad-header"),
    ("header without typ", lambda: forge(header=b'{"alg":"HS256"}'), "bad-header"),
    ("header with kid", lambda: forge(header=b'{"alg":"HS256","typ":"JWT","kid":"1"}'), "bad-header"),
    ("typ lower case", lambda: forge(header=b'{"alg":"HS256","typ":"jwt"}'), "bad-header"),
    # signature
    ("other secret", lambda: forge(secret="some-other-secret-0123456789abcdef"), "bad-signature"),
    ("empty signature", lambda: swap_signature(forge(), ""), "bad-signature"),
    ("truncated signature", lambda: swap_signature(forge(), forge().split(".")[2][:-4]), "bad-signature"),
    (
        "payload swapped after signing",
        lambda: f"{forge().split('.')[0]}.{b64(json.dumps(with_claims(sub='admin')).encode())}.{forge().split('.')[2]}",
        "bad-signature",
    ),
    # iat
    ("iat missing", lambda: forge(with_claims(iat=_DROP)), "bad-iat"),
    ("iat a string", lambda: forge(with_claims(iat=str(NOW))), "bad-iat"),
    ("iat a float", lambda: forge(with_claims(iat=NOW + 0.5)), "bad-iat"),
    ("iat a boolean", lambda: forge(with_claims(iat=True)), "bad-iat"),
    ("61 s old", lambda: forge(with_claims(iat=NOW - 61)), "expired"),
    ("a day old", lambda: forge(with_claims(iat=NOW - 86_400)), "expired"),
    ("6 s in the future", lambda: forge(with_claims(iat=NOW + 6)), "future-iat"),
    ("an hour in the future", lambda: forge(with_claims(iat=NOW + 3600)), "future-iat"),
    # exp and nbf, when present: numbers, with the same clock skew as iat
    ("exp passed", lambda: forge(with_claims(exp=NOW - 6)), "past-exp"),
    ("exp passed long ago", lambda: forge(with_claims(exp=NOW - 86_400)), "past-exp"),
    ("exp exactly skew ago", lambda: forge(with_claims(exp=NOW - 5)), "past-exp"),
    ("exp a string", lambda: forge(with_claims(exp=str(NOW + 30))), "bad-exp"),
    ("exp a boolean", lambda: forge(with_claims(exp=True)), "bad-exp"),
    ("exp null", lambda: forge(with_claims(exp=None)), "bad-exp"),
    ("exp NaN", lambda: forge(payload=b'{"iat":%d,"jti":"j","sub":"u","exp":NaN}' % NOW), "bad-exp"),
    ("nbf -Infinity", lambda: forge(payload=b'{"iat":%d,"jti":"j","sub":"u","nbf":-Infinity}' % NOW), "bad-nbf"),
    ("nbf in the future", lambda: forge(with_claims(nbf=NOW + 6)), "future-nbf"),
    ("nbf an hour ahead", lambda: forge(with_claims(nbf=NOW + 3600)), "future-nbf"),
    ("nbf a string", lambda: forge(with_claims(nbf="now")), "bad-nbf"),
    ("nbf a list", lambda: forge(with_claims(nbf=[NOW])), "bad-nbf"),
    # jti, sub, ti
    ("jti missing", lambda: forge(with_claims(jti=_DROP)), "bad-jti"),
    ("jti empty", lambda: forge(with_claims(jti="")), "bad-jti"),
    ("jti a number", lambda: forge(with_claims(jti=7)), "bad-jti"),
    ("sub missing", lambda: forge(with_claims(sub=_DROP)), "missing-sub"),
    ("sub empty", lambda: forge(with_claims(sub="")), "missing-sub"),
    ("sub blank", lambda: forge(with_claims(sub="   ")), "missing-sub"),
    ("sub a number", lambda: forge(with_claims(sub=42)), "missing-sub"),
    ("sub null", lambda: forge(with_claims(sub=None)), "missing-sub"),
    ("ti a list", lambda: forge(with_claims(ti=["Ann"])), "bad-ti"),
    ("ti a string", lambda: forge(with_claims(ti="Ann")), "bad-ti"),
    ("udn a number", lambda: forge(with_claims(ti={"udn": 5})), "bad-ti"),
    ("uem null", lambda: forge(with_claims(ti={"uem": None})), "bad-ti"),
    ("aid an object", lambda: forge(with_claims(ti={"aid": {"id": 1}})), "bad-ti"),
    ("ili a string", lambda: forge(with_claims(ti={"ili": "1,2"})), "bad-ti"),
    ("ili holding an object", lambda: forge(with_claims(ti={"ili": [1, {"id": 2}]})), "bad-ti"),
    ("ili holding a boolean", lambda: forge(with_claims(ti={"ili": [True]})), "bad-ti"),
    ("xti a list", lambda: forge(with_claims(ti={"xti": ["hidden"]})), "bad-ti"),
]


@pytest.mark.parametrize(("build", "expected"), [row[1:] for row in REJECTIONS], ids=[row[0] for row in REJECTIONS])
def test_rejects_with_its_reason(build: Callable[[], str | None], expected: str) -> None:
    assert reason(build(), jtis=JtiMemory()) == expected


def test_every_reason_is_a_kebab_code_with_a_sentence() -> None:
    for code, sentence in REASONS.items():
        assert re.fullmatch(r"[a-z]+(-[a-z]+)*", code)
        assert sentence[0].isupper() and sentence.endswith(".")


def test_rejection_repr_and_str_carry_the_reason_not_the_token() -> None:
    token = forge(secret="some-other-secret-0123456789abcdef")
    with pytest.raises(TokenRejected) as caught:
        verify_token(token, secret=SECRET, now=NOW)
    assert repr(caught.value) == "TokenRejected('bad-signature')"
    assert str(caught.value) == f"bad-signature: {REASONS['bad-signature']}"
    for text in (repr(caught.value), str(caught.value), caught.value.message):
        assert token not in text and token.split(".")[1] not in text and SECRET not in text


def test_accepts_a_valid_forged_token_and_returns_its_claims() -> None:
    assert verify_token(forge(), secret=SECRET, now=NOW) == CLAIMS


@pytest.mark.parametrize("age", [0, 1, 59, 60])
def test_accepts_tokens_up_to_60_seconds_old(age: int) -> None:
    assert verify_token(forge(), secret=SECRET, now=NOW + age)["sub"] == "user-1"


@pytest.mark.parametrize("ahead", [1, 5])
def test_accepts_iat_within_the_clock_skew(ahead: int) -> None:
    assert verify_token(forge(), secret=SECRET, now=NOW - ahead)["iat"] == NOW


def test_skew_is_configurable() -> None:
    with pytest.raises(TokenRejected, match="future-iat"):
        verify_token(forge(), secret=SECRET, now=NOW - 2, skew=1)
    assert verify_token(forge(), secret=SECRET, now=NOW - 2, skew=2)["sub"] == "user-1"


@pytest.mark.parametrize(
    "changes",
    [
        {"exp": NOW + 60},
        {"exp": NOW + 0.5},
        {"exp": NOW - 4},  # within the clock skew
        {"nbf": NOW},
        {"nbf": NOW - 30},
        {"nbf": NOW + 5},  # within the clock skew
        {"nbf": NOW - 1.5, "exp": NOW + 59.5},
    ],
)
def test_a_current_exp_and_nbf_are_accepted(changes: dict[str, Any]) -> None:
    assert verify_token(forge(with_claims(**changes)), secret=SECRET, now=NOW)["sub"] == "user-1"


def test_exp_and_nbf_use_the_configured_skew() -> None:
    with pytest.raises(TokenRejected, match="past-exp"):
        verify_token(forge(with_claims(exp=NOW)), secret=SECRET, now=NOW, skew=0)
    with pytest.raises(TokenRejected, match="future-nbf"):
        verify_token(forge(with_claims(nbf=NOW + 1)), secret=SECRET, now=NOW, skew=0)
    assert verify_token(forge(with_claims(exp=NOW - 9, nbf=NOW + 9)), secret=SECRET, now=NOW, skew=10)


def test_a_token_refused_for_exp_or_nbf_does_not_use_up_its_jti() -> None:
    jtis = JtiMemory()
    assert reason(forge(with_claims(nbf=NOW + 30)), jtis=jtis) == "future-nbf"
    assert reason(forge(with_claims(exp=NOW - 30)), jtis=jtis) == "past-exp"
    assert verify_token(forge(), secret=SECRET, now=NOW, jtis=jtis)["jti"] == "jti-1"


def test_secret_may_be_bytes() -> None:
    assert verify_token(forge(), secret=SECRET.encode(), now=NOW)["sub"] == "user-1"


def test_a_jti_is_single_use() -> None:
    jtis = JtiMemory()
    token = forge()
    verify_token(token, secret=SECRET, now=NOW, jtis=jtis)
    assert reason(token, now=NOW + 1, jtis=jtis) == "replayed"
    # A different token with the same jti is a replay too: the memory is keyed on jti, not on text.
    assert reason(forge(with_claims(ti={"udn": "Bob"})), now=NOW + 1, jtis=jtis) == "replayed"


def test_a_rejected_token_does_not_use_up_its_jti() -> None:
    jtis = JtiMemory()
    assert reason(forge(with_claims(sub="")), jtis=jtis) == "missing-sub"
    assert reason(forge(secret="some-other-secret-0123456789abcdef"), jtis=jtis) == "bad-signature"
    assert verify_token(forge(), secret=SECRET, now=NOW, jtis=jtis)["jti"] == "jti-1"


def test_a_replay_after_the_token_expired_is_refused_as_expired() -> None:
    jtis = JtiMemory()
    token = forge()
    verify_token(token, secret=SECRET, now=NOW, jtis=jtis)
    assert reason(token, now=NOW + 60, jtis=jtis) == "replayed"
    assert reason(token, now=NOW + 61, jtis=jtis) == "expired"


def test_jti_memory_forgets_jtis_once_their_tokens_are_too_old() -> None:
    memory = JtiMemory(max_entries=2)
    memory.remember("a", until=100, now=40)
    memory.remember("b", until=130, now=70)
    assert len(memory) == 2 and "a" in memory
    with pytest.raises(TokenRejected, match="replay-memory-full"):
        memory.remember("c", until=150, now=90)
    memory.remember("c", until=160, now=101)  # "a" expired at 100: room again
    assert "a" not in memory and "b" in memory and "c" in memory
    with pytest.raises(TokenRejected, match="replayed"):
        memory.remember("b", until=170, now=130)


@pytest.mark.parametrize("bad", [0, -1, True, 2.5])
def test_jti_memory_size_must_be_a_positive_integer(bad: Any) -> None:
    with pytest.raises(ValueError, match="positive integer"):
        JtiMemory(max_entries=bad)


def test_full_memory_refuses_through_verify_token() -> None:
    jtis = JtiMemory(max_entries=1)
    verify_token(forge(), secret=SECRET, now=NOW, jtis=jtis)
    assert reason(forge(with_claims(jti="jti-2")), now=NOW + 1, jtis=jtis) == "replay-memory-full"


# -- cross-check with our signer -----------------------------------------------------------------

FULL_USER = PandiumUser(
    "user-42",
    display_name="Ann Example",
    full_name="Ann Q. Example",
    email="ann@example.com",
    installed_integrations=["2", 7],
    auditable_id="admin-1",
    auditable_display_name="Admin One",
    extra={"hidden_integrations": ["3"], "user_tier": "gold", "ünïcode": "✓"},
    external_id="ext-9",
    meta={"plan": "pro", "seats": [1, 2]},
)


@pytest.mark.parametrize(
    "user",
    [PandiumUser("minimal"), FULL_USER, PandiumUser("<script>alert(1)</script>", display_name="</script>")],
    ids=["minimal", "every field", "markup"],
)
def test_accepts_what_mint_token_signs(user: PandiumUser) -> None:
    config = PandiumConfig("acme", SECRET)
    xti = {"connector_name": "hubspot", "integration_name": "HubSpot", "token": "api-credential"}
    token = mint_token(config, user, xti=xti, now=NOW, jti="fixed-jti")
    claims = verify_token(token, secret=SECRET, now=NOW + 30, jtis=JtiMemory())
    assert claims == build_claims(user, iat=NOW, jti="fixed-jti", xti=xti)


def test_rejects_what_mint_token_signs_with_another_secret() -> None:
    config = PandiumConfig("acme", "a-different-shared-secret-0123456789")
    assert reason(mint_token(config, PandiumUser("u"), now=NOW)) == "bad-signature"


def test_accepts_mint_token_with_a_float_clock() -> None:
    config = PandiumConfig("acme", SECRET)
    token = mint_token(config, PandiumUser("u"), now=NOW + 0.9)
    assert verify_token(token, secret=SECRET, now=NOW + 0.9)["iat"] == NOW
