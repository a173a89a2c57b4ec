"""The stand-in applies a token's marketplace rules (ti.xti, ti.ili) as a configured Pandium would:
hidden tiles, groups configured on it (Python and CLI), allowed_installs, external integrations."""

from __future__ import annotations

import io
import re
from typing import Any

import httpx
import pytest

from pandium_embed import MarketplaceView, PandiumConfig, PandiumUser, install_url, marketplace_url, mint_token
from pandium_embed.cli import main
from pandium_embed.mock import ExternalIntegration, MockPandium
from pandium_embed.mock.view_rules import BAD_EXTERNAL, BAD_GROUPS
from tests.support.asgi import quiet_httpx
from tests.support.mock import page_data

pytestmark = pytest.mark.anyio

SECRET = "view-rules-shared-secret-0123456789abcdefgh"
BASE = "http://localhost"
CRM = ExternalIntegration("legacy-crm", "Legacy CRM", url="https://crm.example.test/?a=1&b=2")
GROUPS = {"gold": ["1", "2", "3"], "free": [1, "legacy-crm"], "partners": ["2", "3", "4"]}


def stand_in(**options: Any) -> MockPandium:
    return MockPandium(org="acme", secret=SECRET, **{"groups": GROUPS, "external_integrations": [CRM], **options})


def config() -> PandiumConfig:
    return PandiumConfig("acme", SECRET, marketplace_base_url=BASE, install_base_url=BASE, connect_base_url=BASE)


async def get(app: Any, url: str, **kwargs: Any) -> httpx.Response:
    with quiet_httpx():
        async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url=BASE) as http:
            return await http.request(kwargs.pop("method", "GET"), url, **kwargs)


async def tiles(app: Any, user: PandiumUser) -> list[str]:
    page = await get(app, marketplace_url(config(), mint_token(config(), user)))
    assert page.status_code == 200
    return re.findall(r'data-testid="integration" data-integration-id="([^"]+)"', page.text)


async def save(app: Any, user: PandiumUser, integration_id: str) -> httpx.Response:
    """Open the install-only page and report its Save, as the page script does; the server's answer."""
    page = await get(app, install_url(config(), integration_id, mint_token(config(), user)))
    assert page.status_code == 200, page.text
    tenant = page_data(page.text)["integrations"][0]["tenant"]
    return await get(app, f"/__mock__/tenants/{tenant['id']}/created", method="POST", json={})


async def test_without_rules_everyone_sees_every_tile_and_the_external_one() -> None:
    assert await tiles(stand_in(), PandiumUser("u")) == ["1", "2", "3", "4", "legacy-crm"]


async def test_hidden_integrations_are_absent_strings_or_integers() -> None:
    user = PandiumUser("u", view=MarketplaceView(hidden_integrations=["2", 4, "legacy-crm"]))
    assert await tiles(stand_in(), user) == ["1", "3"]


@pytest.mark.parametrize(
    ("view", "expected"),
    [
        (MarketplaceView(user_tier="gold"), ["1", "2", "3"]),
        (MarketplaceView(user_group="free"), ["1", "legacy-crm"]),
        (MarketplaceView(user_group="partners", user_tier="gold"), ["2", "3"]),
        (MarketplaceView(user_tier="gold", hidden_integrations=["3"]), ["1", "2"]),
        # A group the stand-in was not told about is ignored, as before groups could be configured.
        (MarketplaceView(user_tier="platinum"), ["1", "2", "3", "4", "legacy-crm"]),
        (MarketplaceView(user_tier="platinum", user_group="free"), ["1", "legacy-crm"]),
    ],
)
async def test_a_group_sees_the_integrations_configured_for_it(view: MarketplaceView, expected: list[str]) -> None:
    assert await tiles(stand_in(), PandiumUser("u", view=view)) == expected


async def test_an_external_integration_in_ili_is_installed_with_an_open_link() -> None:
    user = PandiumUser("u", installed_integrations=["legacy-crm"])
    page = await get(stand_in(), marketplace_url(config(), mint_token(config(), user)))
    card = page.text.split('data-integration-id="legacy-crm"')[1].split("</article>")[0]
    assert 'data-testid="installed"' in card
    assert 'data-testid="open" href="https://crm.example.test/?a=1&amp;b=2"' in card
    assert 'rel="noopener noreferrer"' in card and "learn-more" not in card
    other = await get(stand_in(), marketplace_url(config(), mint_token(config(), PandiumUser("v"))))
    card = other.text.split('data-integration-id="legacy-crm"')[1].split("</article>")[0]
    assert 'data-testid="installed"' not in card and 'data-testid="learn-more"' in card


async def test_a_hidden_integrations_install_page_is_refused() -> None:
    app = stand_in()
    user = PandiumUser("u", view=MarketplaceView(hidden_integrations=["2"]))
    page = await get(app, install_url(config(), "2", mint_token(config(), user)))
    assert page.status_code == 403 and 'data-reason="not-in-view"' in page.text
    grouped = PandiumUser("g", view=MarketplaceView(user_tier="gold"))
    page = await get(app, install_url(config(), "4", mint_token(config(), grouped)))
    assert page.status_code == 403 and 'data-reason="not-in-view"' in page.text
    assert [record.reason for record in app.rejected] == ["not-in-view", "not-in-view"]


async def test_allowed_installs_refuses_the_install_past_the_limit() -> None:
    app = stand_in()
    limited = PandiumUser("lim", view=MarketplaceView(allowed_installs=2))
    assert (await save(app, limited, "1")).json()["created"] is True
    assert (await save(app, limited, "2")).json()["created"] is True
    # At the limit: the install-only page is refused outright, with a page that says why.
    page = await get(app, install_url(config(), "3", mint_token(config(), limited)))
    assert page.status_code == 403 and 'data-reason="install-limit"' in page.text
    assert "allowed_installs" in page.text
    # Another user is not counted against this one.
    assert (await save(app, PandiumUser("other", view=MarketplaceView(allowed_installs=1)), "3")).status_code == 200


async def test_a_save_past_the_limit_is_refused_by_the_server_and_no_tenant_is_created() -> None:
    # Two pages opened before either was saved: both offered, the second Save is one too many.
    app = stand_in(api_key="the-key")
    limited = PandiumUser("lim", view=MarketplaceView(allowed_installs=1))
    pages = [await get(app, install_url(config(), iid, mint_token(config(), limited))) for iid in ("1", "2")]
    data = [page_data(page.text) for page in pages]
    assert data[0]["installLimit"]["allowed"] == 1 and "allowed_installs" in data[0]["installLimit"]["message"]
    first, second = (entry["integrations"][0]["tenant"]["id"] for entry in data)
    assert (await get(app, f"/__mock__/tenants/{first}/created", method="POST", json={})).status_code == 200
    answer = await get(app, f"/__mock__/tenants/{second}/created", method="POST", json={})
    assert answer.status_code == 409 and answer.json()["reason"] == "install-limit"
    # Not created: Pandium's list of the user's tenants holds the first only.
    listed = await get(app, "/v2/tenants", params={"user_name": "lim"}, headers={"x-api-key": "the-key"})
    assert [tenant["id"] for tenant in listed.json()] == [first]


async def test_archiving_frees_an_install() -> None:
    app = stand_in(api_key="the-key")
    limited = PandiumUser("lim", view=MarketplaceView(allowed_installs=1))
    page = await get(app, install_url(config(), "1", mint_token(config(), limited)))
    tenant = page_data(page.text)["integrations"][0]["tenant"]
    await get(app, f"/__mock__/tenants/{tenant['id']}/created", method="POST", json={})
    refused = await get(app, install_url(config(), "2", mint_token(config(), limited)))
    assert refused.status_code == 403
    archived = await get(app, f"/v2/tenants/{tenant['id']}", method="DELETE", headers={"x-api-key": "the-key"})
    assert archived.status_code == 200 and archived.json()["archived"] is True
    assert (await get(app, install_url(config(), "2", mint_token(config(), limited)))).status_code == 200


async def test_a_rule_in_another_shape_is_ignored() -> None:
    user = PandiumUser("u", extra={"hidden_integrations": "2", "user_tier": 7, "allowed_installs": -1})
    assert await tiles(stand_in(), user) == ["1", "2", "3", "4", "legacy-crm"]


@pytest.mark.parametrize(
    ("options", "message"),
    [
        ({"groups": {"gold": "123"}}, BAD_GROUPS),
        ({"groups": {"": ["1"]}}, BAD_GROUPS),
        ({"groups": {"gold": ["../1"]}}, BAD_GROUPS),
        ({"groups": ["gold"]}, BAD_GROUPS),
        ({"external_integrations": [ExternalIntegration("x", "X", url="javascript:alert(1)")]}, BAD_EXTERNAL),
        ({"external_integrations": [ExternalIntegration("x/y", "X", url="https://x.test/")]}, BAD_EXTERNAL),
        ({"external_integrations": [CRM, CRM]}, BAD_EXTERNAL),
        ({"external_integrations": ["legacy-crm"]}, BAD_EXTERNAL),
    ],
)
def test_bad_configuration_is_a_clear_value_error(options: dict[str, Any], message: str) -> None:
    with pytest.raises(ValueError) as raised:
        stand_in(**options)
    assert str(raised.value).startswith(message.split("{")[0][:60])


async def test_the_cli_configures_groups_and_external_integrations(capsys: pytest.CaptureFixture[str]) -> None:
    served: list[Any] = []

    def serve(app: Any, sock: Any) -> None:
        served.append(app)
        sock.close()

    args = [
        "mock",
        "--port",
        "0",
        "--parent-origin",
        "http://127.0.0.1:8000",
        "--group",
        "gold=1,2",
        "--group",
        "gold=3",
        "--group",
        "free=legacy-crm",
        "--external-integration",
        "legacy-crm=Legacy CRM=https://crm.example.test/?x=1",
    ]
    code = main(args, environ={"PANDIUM_SHARED_SECRET": SECRET}, serve=serve, out=io.StringIO(), err=io.StringIO())
    assert code == 0
    [app] = served
    assert await tiles(app, PandiumUser("g", view=MarketplaceView(user_tier="gold"))) == ["1", "2", "3"]
    assert await tiles(app, PandiumUser("f", view=MarketplaceView(user_group="free"))) == ["legacy-crm"]
    with pytest.raises(SystemExit):
        main([*args[:5], "--group", "gold"], environ={"PANDIUM_SHARED_SECRET": SECRET}, serve=serve)
    assert "--group: expected GROUP=ID[,ID...]" in capsys.readouterr().err
