from __future__ import annotations

import base64
import json
import math
import uuid
from typing import Any

import jwt
import pytest
from joserfc.jwk import OctKey

from pandium_embed import PandiumConfig, PandiumUser, mint_token
from pandium_embed import tokens as tokens_module

SECRET = "token-test-secret-0123456789abcdefgh"
CONFIG = PandiumConfig("acme", SECRET)
NOW = 1_700_000_000
JTI = "7d1c5c1e-0000-4000-8000-000000000001"


def decode(token: str, secret: str = SECRET) -> dict[str, Any]:
    """Verify with PyJWT: an implementation independent of the one that signed."""
    claims: dict[str, Any] = jwt.decode(
        token, secret, algorithms=["HS256"], options={"verify_iat": False, "require": ["iat", "jti", "sub"]}
    )
    return claims


def segment(token: str, index: int) -> bytes:
    part = token.split(".")[index]
    return base64.urlsafe_b64decode(part + "=" * (-len(part) % 4))


def test_a_full_user_maps_to_pandiums_compact_claims() -> None:
    user = PandiumUser(
        "user-1",
        display_name="Ann",
        full_name="Ann Lee",
        email="ann@example.test",
        installed_integrations=["legacy-1", 7],
        auditable_id="aud-9",
        auditable_display_name="Auditor",
        extra={"user_tier": "gold", "hidden_integrations": [3]},
        external_id="ext-1",
        meta={"plan": "pro"},
    )
    token = mint_token(CONFIG, user, now=NOW, jti=JTI)
    assert decode(token) == {
        "iat": NOW,
        "jti": JTI,
        "sub": "user-1",
        "external_id": "ext-1",
        "meta": {"plan": "pro"},
        "ti": {
            "udn": "Ann",
            "ufn": "Ann Lee",
            "uem": "ann@example.test",
            "ili": ["legacy-1", 7],
            "aid": "aud-9",
            "adn": "Auditor",
            "xti": {"user_tier": "gold", "hidden_integrations": [3]},
        },
    }


def test_unset_fields_are_left_out() -> None:
    assert decode(mint_token(CONFIG, PandiumUser("u"), now=NOW, jti=JTI)) == {"iat": NOW, "jti": JTI, "sub": "u"}


def test_the_header_is_exactly_pandiums_and_the_payload_is_compact() -> None:
    token = mint_token(CONFIG, PandiumUser("u", display_name="Zoë"), now=NOW, jti=JTI)
    assert segment(token, 0) == b'{"alg":"HS256","typ":"JWT"}'
    payload = segment(token, 1)
    assert b" " not in payload
    assert json.loads(payload)["ti"]["udn"] == "Zoë"


def test_golden_token_is_stable_for_a_fixed_clock_and_jti() -> None:
    first = mint_token(CONFIG, PandiumUser("u"), now=NOW, jti=JTI)
    assert first == mint_token(CONFIG, PandiumUser("u"), now=NOW, jti=JTI)
    assert first == jwt.encode({"iat": NOW, "jti": JTI, "sub": "u"}, SECRET, algorithm="HS256", headers={"typ": "JWT"})


def test_a_token_signed_with_another_secret_does_not_verify() -> None:
    token = mint_token(CONFIG, PandiumUser("u"))
    with pytest.raises(jwt.InvalidSignatureError):
        decode(token, secret="another-secret-0123456789abcdefghijkl")


def test_iat_is_whole_seconds_and_jti_a_fresh_uuid4_by_default() -> None:
    first = decode(mint_token(CONFIG, PandiumUser("u"), now=NOW + 0.9))
    second = decode(mint_token(CONFIG, PandiumUser("u")))
    assert first["iat"] == NOW and isinstance(first["iat"], int)
    assert uuid.UUID(first["jti"]).version == 4
    assert first["jti"] != second["jti"]


def test_the_flows_xti_is_merged_over_the_users_extra() -> None:
    user = PandiumUser("u", extra={"user_group": "a", "token": "from-extra"})
    claims = decode(mint_token(CONFIG, user, xti={"token": "from-flow", "connector_name": "gwt"}))
    assert claims["ti"]["xti"] == {"user_group": "a", "token": "from-flow", "connector_name": "gwt"}


def test_the_key_is_imported_once_per_config_not_per_token(monkeypatch: pytest.MonkeyPatch) -> None:
    config = PandiumConfig("acme", SECRET)
    imports: list[object] = []
    original = OctKey.import_key

    def counting_import(*args: Any, **kwargs: Any) -> OctKey:
        imports.append(args)
        return original(*args, **kwargs)

    monkeypatch.setattr(OctKey, "import_key", counting_import)
    for _ in range(3):
        mint_token(config, PandiumUser("u"))
    assert len(imports) == 1
    mint_token(PandiumConfig("acme", SECRET), PandiumUser("u"))
    assert len(imports) == 2


class Opaque:
    pass


@pytest.mark.parametrize(
    ("user", "xti", "field"),
    [
        (PandiumUser(""), None, "PandiumUser.sub"),
        (PandiumUser("   "), None, "PandiumUser.sub"),
        (PandiumUser(42), None, "PandiumUser.sub"),  # type: ignore[arg-type]
        (PandiumUser("u", meta={"x": math.nan}), None, "PandiumUser.meta['x']"),
        (PandiumUser("u", meta=[math.inf]), None, "PandiumUser.meta[0]"),
        (PandiumUser("u", extra={"when": {1, 2}}), None, "PandiumUser.extra/xti['when']"),
        (PandiumUser("u", extra={1: "x"}), None, "PandiumUser.extra/xti key"),  # type: ignore[dict-item]
        (PandiumUser("u", display_name=b"Ann"), None, "PandiumUser.display_name"),  # type: ignore[arg-type]
        (PandiumUser("u", email="\ud800@x"), None, "PandiumUser.email"),
        (PandiumUser("u", external_id=Opaque()), None, "PandiumUser.external_id"),  # type: ignore[arg-type]
        (PandiumUser("u", installed_integrations="abc"), None, "PandiumUser.installed_integrations"),
        (PandiumUser("u"), {"token": -math.inf}, "PandiumUser.extra/xti['token']"),
        (PandiumUser("u"), ["not", "a", "mapping"], "xti"),
    ],
)
def test_values_a_token_cannot_carry_raise_a_value_error_naming_the_field(
    user: PandiumUser, xti: Any, field: str
) -> None:
    with pytest.raises(ValueError) as caught:
        mint_token(CONFIG, user, xti=xti)
    assert field in str(caught.value)


def test_error_messages_name_the_field_but_never_the_value() -> None:
    credential = "crm-credential-do-not-log"
    with pytest.raises(ValueError) as caught:
        mint_token(CONFIG, PandiumUser("u"), xti={"token": credential, "bad": {1, 2}})
    assert credential not in str(caught.value)


def test_self_referencing_or_absurdly_deep_values_are_refused_cleanly() -> None:
    loop: dict[str, Any] = {}
    loop["self"] = loop
    with pytest.raises(ValueError, match="nested more than"):
        mint_token(CONFIG, PandiumUser("u", meta=loop))
    deep: Any = "leaf"
    for _ in range(100):
        deep = [deep]
    with pytest.raises(ValueError, match=r"PandiumUser\.meta"):
        mint_token(CONFIG, PandiumUser("u", meta=deep))


@pytest.mark.parametrize(("now", "jti"), [("soon", None), (math.nan, None), (True, None), (None, ""), (None, 5)])
def test_bad_now_or_jti_are_refused(now: Any, jti: Any) -> None:
    with pytest.raises(ValueError, match="mint_token"):
        mint_token(CONFIG, PandiumUser("u"), now=now, jti=jti)


def test_a_token_longer_than_the_url_limit_is_refused_naming_the_size() -> None:
    config = PandiumConfig("acme", SECRET, max_url_length=300)
    with pytest.raises(ValueError, match=r"would be \d+ bytes, over max_url_length=300") as caught:
        mint_token(config, PandiumUser("u", meta="m" * 400))
    assert "eyJ" not in str(caught.value)


def test_the_sample_success_message_round_trips_through_a_token() -> None:
    # Pandium's Auth-Only xti (connector_name, integration_name, token) as in its documented example.
    xti = {"extraProp": "extra value", "connector_name": "test-connector", "integration_name": "t", "token": "x"}
    assert decode(mint_token(CONFIG, PandiumUser("u"), xti=xti))["ti"]["xti"] == xti


def test_header_constant_matches_what_is_signed() -> None:
    token = mint_token(CONFIG, PandiumUser("u"))
    assert segment(token, 0) == tokens_module.HEADER_JSON
