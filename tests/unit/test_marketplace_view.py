"""MarketplaceView: the marketplace rules Pandium's "Customizing the JWT" page names, typed and checked
when the token is minted, written into ti.xti beside PandiumUser.extra."""

from __future__ import annotations

from typing import Any

import jwt
import pytest

from pandium_embed import MarketplaceView, PandiumConfig, PandiumUser, mint_token
from pandium_embed import tokens as tokens_module

SECRET = "view-test-secret-0123456789abcdefghij"
CONFIG = PandiumConfig("acme", SECRET)
NOW = 1_700_000_000


def xti_of(user: PandiumUser, **kwargs: Any) -> Any:
    token = mint_token(CONFIG, user, now=NOW, jti="jti-1", **kwargs)
    claims = jwt.decode(token, SECRET, algorithms=["HS256"], options={"verify_iat": False})
    return claims.get("ti", {}).get("xti")


def test_the_rules_go_into_xti_beside_extra() -> None:
    view = MarketplaceView(hidden_integrations=["3", 4], user_group="partners", user_tier="gold", allowed_installs=2)
    user = PandiumUser("u-1", view=view, extra={"region": "eu"})
    assert xti_of(user) == {
        "region": "eu",
        "hidden_integrations": ["3", 4],
        "user_group": "partners",
        "user_tier": "gold",
        "allowed_installs": 2,
    }


def test_unset_rules_are_left_out_and_zero_installs_is_a_rule() -> None:
    assert xti_of(PandiumUser("u-1", view=MarketplaceView())) is None
    assert xti_of(PandiumUser("u-1", view=MarketplaceView(allowed_installs=0))) == {"allowed_installs": 0}


def test_the_rules_sit_beside_a_flows_own_xti() -> None:
    user = PandiumUser("u-1", view=MarketplaceView(user_tier="gold"))
    assert xti_of(user, xti={"connector_name": "hubspot"}) == {"connector_name": "hubspot", "user_tier": "gold"}


@pytest.mark.parametrize("where", ["extra", "xti"])
def test_a_rule_set_twice_is_an_error_not_a_silent_overwrite(where: str) -> None:
    view = MarketplaceView(user_tier="gold", allowed_installs=1)
    extra = {"user_tier": "silver"} if where == "extra" else None
    xti = {"allowed_installs": 5} if where == "xti" else None
    with pytest.raises(ValueError, match=r"set both in PandiumUser\.view") as raised:
        mint_token(CONFIG, PandiumUser("u-1", view=view, extra=extra), xti=xti, now=NOW)
    assert ("user_tier" if where == "extra" else "allowed_installs") in str(raised.value)


@pytest.mark.parametrize(
    ("view", "message"),
    [
        (MarketplaceView(hidden_integrations="12"), tokens_module.HIDDEN_NOT_A_LIST),
        (MarketplaceView(hidden_integrations=[-1]), tokens_module.BAD_HIDDEN),
        (MarketplaceView(hidden_integrations=["1", ""]), tokens_module.BAD_HIDDEN),
        (MarketplaceView(hidden_integrations=[True]), tokens_module.BAD_HIDDEN),
        (MarketplaceView(hidden_integrations=[1.5]), tokens_module.BAD_HIDDEN),  # type: ignore[list-item]
        (MarketplaceView(hidden_integrations=[None]), tokens_module.BAD_HIDDEN),  # type: ignore[list-item]
        (MarketplaceView(user_group=""), tokens_module.BAD_GROUP),
        (MarketplaceView(user_tier=3), tokens_module.BAD_GROUP),  # type: ignore[arg-type]
        (MarketplaceView(allowed_installs=-1), tokens_module.BAD_ALLOWED_INSTALLS),
        (MarketplaceView(allowed_installs=True), tokens_module.BAD_ALLOWED_INSTALLS),
        (MarketplaceView(allowed_installs="2"), tokens_module.BAD_ALLOWED_INSTALLS),  # type: ignore[arg-type]
        (MarketplaceView(allowed_installs=1.0), tokens_module.BAD_ALLOWED_INSTALLS),  # type: ignore[arg-type]
    ],
)
def test_bad_rules_are_refused_at_mint_with_a_message_naming_the_rule(view: MarketplaceView, message: str) -> None:
    with pytest.raises(ValueError) as raised:
        mint_token(CONFIG, PandiumUser("u-1", view=view), now=NOW)
    assert str(raised.value).startswith(message.split("{")[0])


def test_a_view_that_is_not_a_marketplace_view_is_refused() -> None:
    user = PandiumUser("u-1", view={"user_tier": "gold"})  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="must be a MarketplaceView"):
        mint_token(CONFIG, user, now=NOW)


def test_messages_never_echo_a_string_the_host_passed() -> None:
    with pytest.raises(ValueError) as raised:
        mint_token(CONFIG, PandiumUser("u-1", view=MarketplaceView(hidden_integrations="secret-ish")), now=NOW)
    assert "secret-ish" not in str(raised.value)


def test_the_documented_names_are_the_xti_keys_written() -> None:
    everything = MarketplaceView(hidden_integrations=[1], user_group="g", user_tier="t", allowed_installs=1)
    assert tuple(everything.as_xti()) == tokens_module.VIEW_RULES
