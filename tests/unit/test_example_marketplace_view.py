"""docs/examples/marketplace_view.py, run as written: identify() turns an account into a user whose
token carries its plan's rules in ti.xti, beside extra, and its legacy integrations in ti.ili."""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any

import jwt
import pytest

from pandium_embed import PandiumConfig, mint_token
from tests.support.docs import EXAMPLES, run_file

SECRET = "view-example-shared-secret-0123456789abcdef"


def account(plan: str, **changes: Any) -> SimpleNamespace:
    values = {
        "id": "acct-9",
        "email": "ops@example.test",
        "legacy_integrations": ["legacy-crm"],
        "plan": plan,
        "blocked_integrations": [4],
        "region": "eu",
        **changes,
    }
    return SimpleNamespace(**values)


def claims_for(identify: Any, value: Any) -> dict[str, Any] | None:
    user = identify(SimpleNamespace(state=SimpleNamespace(account=value)))
    if user is None:
        return None
    token = mint_token(PandiumConfig("acme", SECRET), user)
    decoded: dict[str, Any] = jwt.decode(token, SECRET, algorithms=["HS256"], options={"verify_iat": False})
    return decoded


@pytest.mark.parametrize(("plan", "installs"), [("free", 1), ("pro", 5)])
def test_a_plans_rules_go_into_xti_beside_extra(monkeypatch: pytest.MonkeyPatch, plan: str, installs: int) -> None:
    identify = run_file(EXAMPLES / "marketplace_view.py", monkeypatch).identify
    claims = claims_for(identify, account(plan))
    assert claims is not None
    assert claims["ti"]["xti"] == {
        "region": "eu",
        "hidden_integrations": [4],
        "user_tier": plan,
        "allowed_installs": installs,
    }
    assert claims["ti"]["ili"] == ["legacy-crm"]


def test_no_limit_and_nothing_hidden_leave_the_rules_out(monkeypatch: pytest.MonkeyPatch) -> None:
    identify = run_file(EXAMPLES / "marketplace_view.py", monkeypatch).identify
    claims = claims_for(identify, account("enterprise", blocked_integrations=[]))
    assert claims is not None and claims["ti"]["xti"] == {"region": "eu", "user_tier": "enterprise"}
    assert claims_for(identify, None) is None


def test_a_bad_rule_from_the_account_is_refused_at_mint(monkeypatch: pytest.MonkeyPatch) -> None:
    identify = run_file(EXAMPLES / "marketplace_view.py", monkeypatch).identify
    with pytest.raises(ValueError, match=r"MarketplaceView\.hidden_integrations"):
        claims_for(identify, account("pro", blocked_integrations=[-4]))
