"""docs/examples/pandium_api.py, run as written against the stand-in: a run_failed notification reaches
the user whose tenant failed (tenant to sub through Pandium's API), and deleting an account archives
every tenant of that user and no one else's."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from dataclasses import dataclass, field
from types import ModuleType
from typing import Any

import httpx
import pytest
from starlette.requests import Request
from starlette.responses import Response
from starlette.types import Receive, Scope, Send

from pandium_embed import PandiumMiddleware, PandiumUser, webhook_url
from pandium_embed.api import PandiumAPI
from pandium_embed.background_server import BackgroundServer
from pandium_embed.mock.mock_server import MockPandiumServer
from tests.support.asgi import bare_app
from tests.support.docs import EXAMPLES, mock_environment, run_file
from tests.support.mock import install

SECRET = "recipes-shared-secret-0123456789abcdefghijk"
WEBHOOK_SECRET = "recipes-webhook-path-secret-0123456789abcdef"
ANN = PandiumUser("Ann.Example")  # Pandium keeps subs lower-cased: the recipe must still find Ann
BOB = PandiumUser("bob-2")


@dataclass
class Users:
    """What the example imports as ``yourapp.users``: a user table, by sub."""

    by_sub: dict[str, PandiumUser]
    deleted: list[str] = field(default_factory=list)
    messages: list[tuple[str, str]] = field(default_factory=list)

    def find_by_sub_ignoring_case(self, sub: str) -> PandiumUser | None:
        return next((user for key, user in self.by_sub.items() if key.lower() == sub.lower()), None)

    def delete(self, user: PandiumUser) -> None:
        self.deleted.append(user.sub)
        del self.by_sub[user.sub]


@pytest.fixture
def example(monkeypatch: pytest.MonkeyPatch) -> Iterator[dict[str, Any]]:
    with MockPandiumServer(secret=SECRET) as mock:
        users = Users({ANN.sub: ANN, BOB.sub: BOB})
        yourapp = ModuleType("yourapp")
        yourapp.users = users  # type: ignore[attr-defined]
        yourapp.send_message = lambda user, text: users.messages.append((user.sub, text))  # type: ignore[attr-defined]
        module = run_file(
            EXAMPLES / "pandium_api.py", monkeypatch, env=mock_environment(mock, SECRET), modules={"yourapp": yourapp}
        )
        yield {"module": module, "mock": mock, "users": users}


def test_run_failed_tells_the_user_whose_tenant_failed(example: dict[str, Any]) -> None:
    mock, users, module = example["mock"], example["users"], example["module"]
    anns, bobs = install(mock, ANN, "2"), install(mock, BOB, "1")

    def identify(request: Request) -> PandiumUser | None:
        return None  # Pandium's notifications need no signed-in user

    app = PandiumMiddleware(
        bare_app, config=mock.config(), identify=identify, webhook_secret=WEBHOOK_SECRET, on_webhook=module.on_webhook
    )

    async def host_app(scope: Scope, receive: Receive, send: Send) -> None:
        # The example's client lives in the host's event loop: close it there before the loop ends.
        if scope["type"] == "http" and scope["path"] == "/close-pandium-client":
            await module.pandium.aclose()
            await Response(status_code=204)(scope, receive, send)
            return
        await app(scope, receive, send)

    with BackgroundServer(host_app) as host:
        mock.set_notifications_url(webhook_url(host.url, mock.config(), WEBHOOK_SECRET))
        for tenant_id in (anns["id"], bobs["id"], 987654):
            sent = mock.notify("run_failed", tenant_id=tenant_id)
            assert sent is not None and sent.status == 200
            assert sent.payload["run_status"] == "failed"
        assert httpx.post(f"{host.url}/close-pandium-client").status_code == 204
    assert users.messages == [
        (ANN.sub, "Salesforce stopped syncing. We are looking into it."),
        (BOB.sub, "HubSpot stopped syncing. We are looking into it."),
    ]


def test_deleting_an_account_archives_all_its_tenants_and_no_one_elses(example: dict[str, Any]) -> None:
    mock, users, module = example["mock"], example["users"], example["module"]
    anns = [install(mock, ANN, "1"), install(mock, ANN, "3")]
    bobs = install(mock, BOB, "1")

    async def delete_ann() -> None:
        await module.delete_account(ANN)
        await module.pandium.aclose()

    asyncio.run(delete_ann())
    assert users.deleted == [ANN.sub]
    with PandiumAPI(mock.api_key, base_url=mock.url) as pandium:
        assert [pandium.tenant(tenant["id"], sub=ANN.sub)["archived"] for tenant in anns] == [True, True]
        assert pandium.tenant(bobs["id"], sub=BOB.sub)["archived"] is False
        assert pandium.tenants(sub=ANN.sub) == []
