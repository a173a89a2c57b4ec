"""The demo's users. Each sees the marketplace differently through its xti view rules."""

from __future__ import annotations

import hmac
from dataclasses import dataclass, field
from typing import Any

from pandium_embed import PandiumUser

DEMO_PASSWORD = "demo"


@dataclass(frozen=True)
class DemoUser:
    username: str
    name: str
    email: str
    role: str
    view_rules: dict[str, Any] = field(default_factory=dict)

    def as_pandium_user(self) -> PandiumUser:
        return PandiumUser(
            f"acme-user-{self.username}",
            display_name=self.name.split()[0],
            full_name=self.name,
            email=self.email,
            extra=self.view_rules,
        )


USERS: dict[str, DemoUser] = {
    user.username: user
    for user in (
        DemoUser("ann", "Ann Admin", "ann@acme.example", "Admin: sees every integration", {"user_tier": "enterprise"}),
        DemoUser(
            "bob",
            "Bob Basic",
            "bob@acme.example",
            "Basic tier: NetSuite is hidden",
            {"user_tier": "basic", "hidden_integrations": ["3"]},
        ),
        DemoUser(
            "cara",
            "Cara Partner",
            "cara@acme.example",
            "Partner group: Salesforce and Shopify hidden",
            {"user_group": "partners", "hidden_integrations": ["2", "4"]},
        ),
    )
}


def authenticate(username: str, password: str) -> DemoUser | None:
    user = USERS.get(username)
    # compare_digest even in a demo: it is the example people copy.
    if user is None or not hmac.compare_digest(password.encode(), DEMO_PASSWORD.encode()):
        return None
    return user
