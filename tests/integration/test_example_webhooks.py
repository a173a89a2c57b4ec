"""docs/examples/webhooks_audit_tracing.py, run as written against MockPandium (its pages, its REST API
and its notifications) and a real redis-server: one connection record per tenant in either order."""

from __future__ import annotations

import json
import logging
import uuid
from collections.abc import Iterator
from types import ModuleType
from typing import Any

import httpx
import pytest
from starlette.requests import Request

from pandium_embed import PandiumConfig, PandiumUser, marketplace_url, mint_token
from pandium_embed.mock.mock_server import MockPandiumServer
from tests.support.asgi import bare_app, quiet_asgi_client, quiet_httpx
from tests.support.docs import EXAMPLES, mock_environment, run_file
from tests.support.mock import page_data

SECRET = "readme-webhooks-secret-0123456789abcdefghij"
WEBHOOK_SECRET = "readme-webhook-path-secret-0123456789abcdefgh"
OLD_WEBHOOK_SECRET = "readme-webhook-old-secret-0123456789abcdefghi"
SIGNED_IN = "x-signed-in-as"


def identify(request: Request) -> PandiumUser | None:
    sub = request.headers.get(SIGNED_IN)
    return PandiumUser(sub) if sub else None


@pytest.fixture
def example(monkeypatch: pytest.MonkeyPatch, redis_url: str) -> Iterator[dict[str, Any]]:
    """The example executed with its environment: a running MockPandium and the host app."""
    with MockPandiumServer(secret=SECRET) as mock:
        environment = {
            **mock_environment(mock, SECRET),
            "PANDIUM_WEBHOOK_SECRET": f"{OLD_WEBHOOK_SECRET},{WEBHOOK_SECRET}",
            "REDIS_URL": redis_url,
        }
        yourapp = ModuleType("yourapp")  # what the example imports from the reader's own app
        yourapp.app = bare_app  # type: ignore[attr-defined]
        yourapp.identify = identify  # type: ignore[attr-defined]
        module = run_file(
            EXAMPLES / "webhooks_audit_tracing.py", monkeypatch, env=environment, modules={"yourapp": yourapp}
        )
        namespace: dict[str, Any] = dict(vars(module))
        # Each test run gets keys of its own in the shared redis-server.
        namespace["app"]._routes.ticket_store._delivery_key_prefix = f"test:{uuid.uuid4().hex}:"
        namespace["mock"] = mock
        yield namespace


def offered_tenant(config: PandiumConfig, sub: str) -> dict[str, Any]:
    with quiet_httpx():
        page = httpx.get(marketplace_url(config, mint_token(config, PandiumUser(sub))))
    tenant: dict[str, Any] = page_data(page.text)["integrations"][0]["tenant"]
    return tenant


async def report(app: Any, tenant: dict[str, Any], sub: str) -> httpx.Response:
    headers = {"content-type": "application/json", "origin": "http://app.test", SIGNED_IN: sub}
    body = json.dumps({"type": "pandium-save-sync", "tenant": tenant})
    async with quiet_asgi_client(app) as http:
        return await http.post("/pandium/events", content=body, headers=headers)


async def notify(app: Any, mock: MockPandiumServer, tenant: dict[str, Any], secret: str = WEBHOOK_SECRET) -> Any:
    """Pandium's tenant_created for ``tenant``, as the mock builds it, posted to the app."""
    from pandium_embed.mock.notifications import Notifier

    payload = Notifier(url=None, org=mock.org, account_id=1, clock=lambda: 1_764_410_400.0).payload(
        "tenant_created", {"tenant_id": tenant["id"], "tenant_name": tenant["name"]}
    )
    async with quiet_asgi_client(app) as http:
        return await http.post(f"/pandium/webhooks/{secret}", json=payload)


@pytest.mark.anyio
@pytest.mark.parametrize("webhook_first", [True, False], ids=["webhook first", "browser first"])
async def test_a_webhook_and_a_browser_report_make_one_connection_in_either_order(
    example: dict[str, Any], webhook_first: bool
) -> None:
    app, mock, connections = example["app"], example["mock"], example["connections"]
    try:
        tenant = offered_tenant(example["config"], "user-7")
        if webhook_first:
            assert (await notify(app, mock, tenant)).status_code == 200
            assert connections == {str(tenant["id"]): {"sub": None, "seen_by": {"pandium"}}}
            assert (await report(app, tenant, "user-7")).status_code == 204
        else:
            assert (await report(app, tenant, "user-7")).status_code == 204
            assert (await notify(app, mock, tenant, OLD_WEBHOOK_SECRET)).status_code == 200
        # Someone else reporting the same tenant, and Pandium's retry, change nothing.
        assert (await report(app, tenant, "user-8")).status_code == 204
        assert (await notify(app, mock, tenant)).json() == {"delivery": "duplicate"}
        assert connections == {str(tenant["id"]): {"sub": "user-7", "seen_by": {"pandium", "browser"}}}
    finally:
        await app._routes.ticket_store._client.aclose()


@pytest.mark.anyio
async def test_the_audit_log_gets_every_mint_as_plain_identifiers(
    example: dict[str, Any], caplog: pytest.LogCaptureFixture
) -> None:
    app = example["app"]
    try:
        with caplog.at_level(logging.INFO, logger="audit"):
            async with quiet_asgi_client(app) as http:
                await http.get("/pandium/install/42", headers={SIGNED_IN: "user-7"})
                await http.get("/pandium/marketplace")
    finally:
        await app._routes.ticket_store._client.aclose()
    minted, refused = [record.getMessage() for record in caplog.records if record.name == "audit"]
    assert "'outcome': 'minted'" in minted and "'target': '42'" in minted and "'sub': 'user-7'" in minted
    assert "'reason': 'not-signed-in'" in refused
