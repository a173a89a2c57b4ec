"""The ``pandium_mock`` pytest fixture: a real uvicorn server on a loopback port."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from pandium_embed import PandiumConfig, PandiumUser, marketplace_url, mint_token
from pandium_embed.mock import Integration, MockPandium
from pandium_embed.mock.mock_server import MockPandiumServer
from tests.support.asgi import quiet_httpx


def get(url: str) -> httpx.Response:
    with quiet_httpx():
        return httpx.get(url)


def test_fixture_serves_a_mock_that_a_config_reaches_unchanged(pandium_mock: MockPandiumServer) -> None:
    assert pandium_mock.url.startswith("http://localhost:")
    assert pandium_mock.origin == pandium_mock.url
    assert isinstance(pandium_mock.app, MockPandium)
    config = pandium_mock.config()
    assert (config.org, config.origins) == ("acme", (pandium_mock.origin,))
    assert config.hosts.marketplace == config.hosts.install == config.hosts.connect == pandium_mock.url

    response = get(marketplace_url(config, mint_token(config, PandiumUser("user-1", display_name="Ann"))))

    assert response.status_code == 200
    [record] = pandium_mock.accepted
    assert (record.flow, record.claims["sub"]) == ("marketplace", "user-1")
    assert pandium_mock.rejected == []
    records = get(f"{pandium_mock.url}/__mock__/records").json()
    assert records["accepted"][0]["claims"]["ti"] == {"udn": "Ann"}


def test_fixture_records_rejections(pandium_mock: MockPandiumServer) -> None:
    stranger = PandiumConfig(
        "acme", "a-secret-the-mock-does-not-know-0123456789", marketplace_base_url=pandium_mock.url
    )
    response = get(marketplace_url(stranger, mint_token(stranger, PandiumUser("u"))))
    assert response.status_code == 401
    assert [r.reason for r in pandium_mock.rejected] == ["bad-signature"]
    assert pandium_mock.accepted == []


def test_parent_origin_registered_after_start(pandium_mock: MockPandiumServer) -> None:
    config = pandium_mock.config()

    def frame_ancestors() -> str:
        response = get(marketplace_url(config, mint_token(config, PandiumUser("u"))))
        policy = response.headers["content-security-policy"]
        return policy.split("frame-ancestors ", 1)[1]

    assert frame_ancestors() == "'none'"
    assert pandium_mock.add_parent_origin("http://127.0.0.1:8123/") == "http://127.0.0.1:8123"
    assert frame_ancestors() == "http://127.0.0.1:8123"


def test_config_overrides(pandium_mock: MockPandiumServer) -> None:
    config = pandium_mock.config(connectors=pandium_mock.connectors, prefix="/integrations")
    assert dict(config.connectors) == {"hubspot": "HubSpot"}
    assert config.prefix == "/integrations"
    assert config.hosts.connect == pandium_mock.url


class TestOptions:
    @pytest.fixture
    def pandium_mock_options(self) -> dict[str, Any]:
        return {
            "org": "globex",
            "integrations": [Integration("9", "Zendesk")],
            "parent_origins": ["http://127.0.0.1:9"],
        }

    def test_options_reach_the_mock(self, pandium_mock: MockPandiumServer) -> None:
        assert pandium_mock.org == "globex"
        assert pandium_mock.app.parent_origins == ("http://127.0.0.1:9",)
        config = pandium_mock.config()
        response = get(marketplace_url(config, mint_token(config, PandiumUser("u"))))
        assert 'id="integration-9"' in response.text and "HubSpot" not in response.text


def test_server_stops_cleanly() -> None:
    secret = "fixture-test-secret-0123456789abcdefgh"
    with MockPandiumServer(secret=secret) as server:
        url = server.url
        assert get(f"{url}/__mock__/records").status_code == 200
        assert secret not in repr(server) and url in repr(server)
    with pytest.raises(httpx.ConnectError):
        get(f"{url}/__mock__/records")
