"""verify_tenant against MockPandium's REST API, served for real over HTTP by the pandium_mock fixture."""

from __future__ import annotations

import builtins
import json
import logging
from typing import Any

import httpx
import pytest
from starlette.requests import Request

from pandium_embed import ConnectedTenant, PandiumMiddleware, PandiumUser, connect_url, marketplace_url, mint_token
from pandium_embed import api as api_module
from pandium_embed.api import PandiumAPIError, verify_tenant
from pandium_embed.background_server import BackgroundServer
from pandium_embed.mock import MockPandium
from pandium_embed.mock.mock_server import MockPandiumServer
from tests.support.asgi import quiet_httpx
from tests.support.mock import USER as ANN
from tests.support.mock import load_success_example, page_data, shape

pytestmark = pytest.mark.anyio


OWNED_BY_ANN = {"id": 7, "connected_users": {"pandium": {"username": "user-1"}}}


async def offered_tenant(mock: MockPandiumServer, user: PandiumUser = ANN) -> dict[str, Any]:
    """Open the mock's Auth-Only page with a fresh token; the tenant its pandium-success will carry."""
    config = mock.config(connectors=mock.connectors)
    token = mint_token(config, user, xti={"connector_name": "hubspot", "integration_name": "HubSpot", "token": "crm"})
    with quiet_httpx():
        async with httpx.AsyncClient() as http:
            page = await http.get(connect_url(config, "hubspot", token))
    assert page.status_code == 200
    success: dict[str, Any] = page_data(page.text)["success"]
    return success


async def test_a_tenant_the_mock_created_is_found_with_pandiums_tenant_object(pandium_mock: MockPandiumServer) -> None:
    tenant = (await offered_tenant(pandium_mock))["tenant"]
    found = await verify_tenant(tenant["id"], api_key=pandium_mock.api_key, sub=ANN.sub, base_url=pandium_mock.url)
    assert found == tenant
    assert shape(found) == shape(load_success_example()["tenant"])


async def test_string_ids_and_a_shared_client_work_too(pandium_mock: MockPandiumServer) -> None:
    tenant = (await offered_tenant(pandium_mock))["tenant"]
    async with httpx.AsyncClient() as client:
        found = await verify_tenant(
            str(tenant["id"]), api_key=pandium_mock.api_key, sub=ANN.sub, base_url=pandium_mock.url, client=client
        )
    assert found is not None and found["id"] == tenant["id"]


async def test_marketplace_tenants_are_found_as_well(pandium_mock: MockPandiumServer) -> None:
    config = pandium_mock.config()
    with quiet_httpx():
        async with httpx.AsyncClient() as http:
            page = await http.get(marketplace_url(config, mint_token(config, ANN)))
    offered = [entry["tenant"] for entry in page_data(page.text)["integrations"]]
    assert len(offered) == 4
    for tenant in offered:
        found = await verify_tenant(tenant["id"], api_key=pandium_mock.api_key, sub=ANN.sub, base_url=pandium_mock.url)
        assert found is not None and found["integration"] == tenant["integration"]


async def test_another_users_tenant_is_none_as_if_it_did_not_exist(pandium_mock: MockPandiumServer) -> None:
    # Tenant ids are small sequential integers: a signed-in user can report someone else's.
    tenant = (await offered_tenant(pandium_mock))["tenant"]
    for sub in ("user-2", "user-1 ", "user-", "user-10", "ann@example.test"):
        assert (
            await verify_tenant(tenant["id"], api_key=pandium_mock.api_key, sub=sub, base_url=pandium_mock.url) is None
        )
    assert await verify_tenant(tenant["id"], api_key=pandium_mock.api_key, sub="user-1", base_url=pandium_mock.url)


async def test_ownership_is_compared_case_insensitively(pandium_mock: MockPandiumServer) -> None:
    # The mock, like Pandium's Keycloak, stores the username lower-cased: "Ann.Example" is "ann.example".
    tenant = (await offered_tenant(pandium_mock, PandiumUser("Ann.Example")))["tenant"]
    assert tenant["connected_users"]["pandium"]["username"] == "ann.example"
    for sub in ("Ann.Example", "ann.example", "ANN.EXAMPLE"):
        found = await verify_tenant(tenant["id"], api_key=pandium_mock.api_key, sub=sub, base_url=pandium_mock.url)
        assert found == tenant


@pytest.mark.parametrize(
    ("owner", "other"),
    [
        ("kate", "\u212aate"),  # KELVIN SIGN lower-cases to "k"
        ("\u212aate", "kate"),
        ("\u03c3", "\u03a3"),  # σ and Σ
        ("\u01c6", "\u01c5"),  # ǆ and ǅ
        ("stra\u00dfe", "strasse"),  # ß case-folds to "ss"
    ],
)
async def test_subs_that_differ_beyond_ascii_case_are_different_users(
    pandium_mock: MockPandiumServer, owner: str, other: str
) -> None:
    tenant = (await offered_tenant(pandium_mock, PandiumUser(owner)))["tenant"]
    mine = await verify_tenant(tenant["id"], api_key=pandium_mock.api_key, sub=owner, base_url=pandium_mock.url)
    theirs = await verify_tenant(tenant["id"], api_key=pandium_mock.api_key, sub=other, base_url=pandium_mock.url)
    assert mine == tenant
    assert theirs is None


@pytest.mark.parametrize(
    "tenant",
    [
        {"id": 7},
        {"id": 7, "connected_users": {}},
        {"id": 7, "connected_users": {"pandium": {"username": None}}},
        {"id": 7, "connected_users": {"pandium": "user-1"}},
        {"id": 7, "connected_users": [{"username": "user-1"}]},
        # Only Pandium's own user links a tenant to your user; another system's account proves nothing.
        {"id": 7, "connected_users": {"hubspot": {"username": "user-1"}}},
    ],
)
async def test_a_tenant_without_pandiums_username_is_nobodys(tenant: dict[str, Any]) -> None:
    async with httpx.AsyncClient(transport=transport(200, json.dumps(tenant).encode())) as client:
        assert await verify_tenant(7, api_key="k", sub="user-1", client=client) is None


async def test_an_unknown_tenant_is_none(pandium_mock: MockPandiumServer) -> None:
    await offered_tenant(pandium_mock)
    assert await verify_tenant(987654, api_key=pandium_mock.api_key, sub=ANN.sub, base_url=pandium_mock.url) is None


@pytest.mark.parametrize("key", ["wrong-key", "x"])
async def test_a_wrong_key_raises_without_the_key_in_the_message(pandium_mock: MockPandiumServer, key: str) -> None:
    tenant = (await offered_tenant(pandium_mock))["tenant"]
    with pytest.raises(PandiumAPIError) as raised:
        await verify_tenant(
            tenant["id"], api_key=key + pandium_mock.api_key[:4], sub=ANN.sub, base_url=pandium_mock.url
        )
    assert raised.value.status == 401
    assert "check the API key" in str(raised.value)
    assert pandium_mock.api_key[:4] not in str(raised.value) and key not in str(raised.value)


async def test_the_mock_refuses_a_missing_key_and_every_key_without_one_configured() -> None:
    with MockPandiumServer(api_key="the-right-key") as mock:
        tenant = (await offered_tenant(mock))["tenant"]
        async with httpx.AsyncClient(base_url=mock.url) as http:
            missing = await http.get(f"/v2/tenants/{tenant['id']}")
            right = await http.get(f"/v2/tenants/{tenant['id']}", headers={"x-api-key": "the-right-key"})
        assert (missing.status_code, right.status_code) == (401, 200)
    app = MockPandium(org="acme", secret="s" * 32)
    with BackgroundServer(app) as server:
        async with httpx.AsyncClient(base_url=server.url) as http:
            response = await http.get("/v2/tenants/1", headers={"x-api-key": ""})
        assert response.status_code == 401
    assert "the-right-key" not in repr(mock) and "the-right-key" not in repr(mock.app)


async def test_a_browser_report_from_the_mock_page_verifies_end_to_end(pandium_mock: MockPandiumServer) -> None:
    """What the loader posts (the page's pandium-success) reaches on_connected; the hook verifies it."""
    success = await offered_tenant(pandium_mock)
    verified: list[tuple[ConnectedTenant, dict[str, Any] | None]] = []

    async def on_connected(request: Request, user: PandiumUser, event: ConnectedTenant) -> None:
        tenant = await verify_tenant(
            event.tenant_id, api_key=pandium_mock.api_key, sub=ANN.sub, base_url=pandium_mock.url
        )
        verified.append((event, tenant))

    app = PandiumMiddleware(
        lambda scope, receive, send: None,  # type: ignore[arg-type, return-value]
        config=pandium_mock.config(connectors=pandium_mock.connectors),
        identify=lambda request: ANN,
        connector_token=lambda request, user, connector: "crm",
        on_connected=on_connected,
    )
    body = {
        "type": "pandium-success",
        "tenant": success["tenant"],
        "webhook_url": success["webhook_url"],
        "connector": "hubspot",
    }
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://app.test") as http:
        response = await http.post(
            "/pandium/events",
            content=json.dumps(body),
            headers={"content-type": "application/json", "origin": "http://app.test"},
        )
    assert response.status_code == 204
    event, tenant = verified[0]
    assert event.webhook_url == success["webhook_url"]
    assert event.webhook_url is not None and event.webhook_url.startswith(f"{pandium_mock.url}/__mock__/webhooks/")
    assert tenant is not None and str(tenant["id"]) == event.tenant_id and tenant["integration"]["name"] == "HubSpot"


# --- failures other than 404 ---------------------------------------------------------------------------


def transport(status: int, content: bytes = b"{}") -> httpx.MockTransport:
    seen: list[httpx.Request] = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        return httpx.Response(status, content=content, headers={"content-type": "application/json"})

    mock = httpx.MockTransport(handler)
    mock.seen = seen  # type: ignore[attr-defined]
    return mock


async def test_it_calls_pandiums_production_and_sandbox_hosts_with_the_key_header() -> None:
    for environment, host in [("production", "https://api.pandium.io"), ("sandbox", "https://api.sandbox.pandium.com")]:
        mock = transport(200, json.dumps(OWNED_BY_ANN).encode())
        async with httpx.AsyncClient(transport=mock) as client:
            found = await verify_tenant(7, api_key="k-123", sub="user-1", environment=environment, client=client)
        assert found == OWNED_BY_ANN
        request: httpx.Request = mock.seen[0]  # type: ignore[attr-defined]
        assert str(request.url) == f"{host}/v2/tenants/7"
        assert request.headers["x-api-key"] == "k-123"


@pytest.mark.parametrize(
    ("status", "content", "message"),
    [
        (500, b"{}", "answered 500"),
        (403, b"{}", "may not read tenants"),
        (302, b"{}", "answered 302"),
        (200, b"[1]", "other than a JSON object"),
        (200, b"not json", "other than a JSON object"),
    ],
)
async def test_other_answers_raise_a_clear_error_without_the_key(status: int, content: bytes, message: str) -> None:
    async with httpx.AsyncClient(transport=transport(status, content)) as client:
        with pytest.raises(PandiumAPIError) as raised:
            await verify_tenant("11", api_key="secret-api-key", sub="user-1", client=client)
    assert message in str(raised.value) and "secret-api-key" not in str(raised.value)
    assert raised.value.status == status


async def test_an_unreachable_api_raises_a_clear_error_without_the_key(caplog: pytest.LogCaptureFixture) -> None:
    def refuse(request: httpx.Request) -> httpx.Response:
        raise httpx.ConnectError(f"cannot connect, headers were {dict(request.headers)}", request=request)

    async with httpx.AsyncClient(transport=httpx.MockTransport(refuse)) as client:
        with pytest.raises(PandiumAPIError) as raised:
            await verify_tenant("11", api_key="secret-api-key", sub="user-1", client=client)
    assert str(raised.value) == api_module.API_UNREACHABLE.format(kind="ConnectError")
    assert raised.value.status is None and raised.value.__cause__ is None and raised.value.__suppress_context__


@pytest.mark.parametrize(
    ("tenant_id", "options", "message"),
    [
        ("../admin", {}, api_module.BAD_TENANT_ID),
        ("1/2", {}, api_module.BAD_TENANT_ID),
        (True, {}, api_module.BAD_TENANT_ID),
        (-3, {}, api_module.BAD_TENANT_ID),
        ("11", {"api_key": ""}, api_module.MISSING_API_KEY),
        ("11", {"sub": ""}, api_module.MISSING_SUB),
        ("11", {"sub": 7}, api_module.MISSING_SUB),
        ("11", {"environment": "demo"}, "no URL for environment 'demo'"),
        ("11", {"base_url": "http://api.example.test"}, "must be an https:// URL"),
    ],
)
async def test_bad_arguments_are_value_errors_before_any_request(
    tenant_id: Any, options: dict[str, Any], message: str
) -> None:
    mock = transport(200)
    async with httpx.AsyncClient(transport=mock) as client:
        with pytest.raises(ValueError) as raised:
            await verify_tenant(tenant_id, **{"api_key": "k", "sub": "user-1", "client": client, **options})
    assert message in str(raised.value)
    assert mock.seen == []  # type: ignore[attr-defined]


async def test_without_httpx_it_says_which_extra_to_install(monkeypatch: pytest.MonkeyPatch) -> None:
    real_import = builtins.__import__

    def no_httpx(name: str, *args: Any, **kwargs: Any) -> Any:
        if name == "httpx":
            raise ImportError("No module named 'httpx'")
        return real_import(name, *args, **kwargs)

    monkeypatch.setattr(builtins, "__import__", no_httpx)
    with pytest.raises(ImportError) as raised:
        await verify_tenant("11", api_key="k", sub="user-1")
    assert str(raised.value) == api_module.MISSING_HTTPX


def test_importing_the_package_does_not_import_httpx_eagerly() -> None:
    source = api_module.__file__
    assert source is not None
    with open(source, encoding="utf-8") as handle:
        text = handle.read()
    # Only under TYPE_CHECKING or inside the function: runtime deps stay starlette, joserfc, itsdangerous.
    top_level = [line for line in text.splitlines() if line.startswith(("import httpx", "from httpx"))]
    assert top_level == []
    logging.getLogger(__name__).debug("checked %s", source)
