"""MockPandium's notifications: tenant_created from its pages, tenant_archived from its API, any event on
demand, each posted to a real receiver on loopback and readable by the library's own parser."""

from __future__ import annotations

import asyncio
import json
import socket
import threading
from collections.abc import Iterator
from typing import Any

import pytest
from starlette.routing import Mount, Route
from starlette.testclient import TestClient
from starlette.types import Receive, Scope, Send

from pandium_embed import PandiumConfig, PandiumUser, marketplace_url, mint_token
from pandium_embed.background_server import BackgroundServer
from pandium_embed.mock import MockPandium
from pandium_embed.mock.mock_server import MockPandiumServer
from pandium_embed.mock.notifications import BAD_NOTIFICATIONS_URL
from pandium_embed.webhooks import parse_webhook
from tests.support.asgi import quiet_httpx, sync_client
from tests.support.mock import page_data

SECRET = "notifications-test-shared-secret-0123456789"
API_KEY = "notifications-test-api-key"
NOW = 1_764_410_400.25  # 2025-11-29T10:00:00.250Z
BASE = "http://localhost:9999"


class Receiver:
    """An ASGI app that records each POSTed JSON body and answers ``status``."""

    def __init__(self) -> None:
        self.bodies: list[dict[str, Any]] = []
        self.content_types: list[str] = []
        self.status = 204
        self._lock = threading.Lock()

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        body = b""
        more = True
        while more:
            message = await receive()
            body += message.get("body", b"")
            more = message.get("more_body", False)
        headers = dict(scope["headers"])
        with self._lock:
            self.bodies.append(json.loads(body))
            self.content_types.append(headers.get(b"content-type", b"").decode())
        await send({"type": "http.response.start", "status": self.status, "headers": []})
        await send({"type": "http.response.body", "body": b""})


@pytest.fixture
def receiver() -> Iterator[tuple[Receiver, str]]:
    app = Receiver()
    with BackgroundServer(app) as server:
        yield app, f"{server.url}/pandium/webhooks/receiver-secret-0123456789abcdefghijkl"


def build_mock(url: str | None) -> MockPandium:
    return MockPandium(org="acme", secret=SECRET, api_key=API_KEY, notifications_url=url, clock=lambda: NOW)


def offered_tenant(mock: MockPandium, client: TestClient) -> dict[str, Any]:
    """The first tenant the marketplace page offers (what its Save button creates)."""
    config = PandiumConfig("acme", SECRET, marketplace_base_url=BASE)
    page = client.get(marketplace_url(config, mint_token(config, PandiumUser("user-1"), now=NOW)))
    tenant: dict[str, Any] = page_data(page.text)["integrations"][0]["tenant"]
    return tenant


def test_saving_on_a_page_sends_tenant_created_once(receiver: tuple[Receiver, str]) -> None:
    received, url = receiver
    mock = build_mock(url)
    with quiet_httpx(), sync_client(mock, base_url=BASE) as client:
        tenant = offered_tenant(mock, client)
        first = client.post(f"/__mock__/tenants/{tenant['id']}/created", json={})
        again = client.post(f"/__mock__/tenants/{tenant['id']}/created", json={})
    assert first.json() == {"created": True, "notified": 204}
    assert again.json() == {"created": False, "notified": None}
    assert received.bodies == [
        {
            "event_type": "tenant_created",
            "environment": "acme",
            "account_id": 1,
            "account_name": "acme",
            "timestamp": "2025-11-29T10:00:00.250Z",
            "tenant_id": tenant["id"],
            "tenant_name": tenant["name"],
            "integration_id": tenant["integration"]["id"],
            "integration_name": tenant["integration"]["name"],
        }
    ]
    assert received.content_types == ["application/json"]
    event = parse_webhook(received.bodies[0])
    assert (event.event_type, event.tenant_id) == ("tenant_created", str(tenant["id"]))
    (sent,) = mock.notifications
    assert (sent.event_type, sent.status, sent.delivered) == ("tenant_created", 204, True)


def test_only_offered_tenants_are_created_and_only_by_the_mocks_own_pages(receiver: tuple[Receiver, str]) -> None:
    received, url = receiver
    mock = build_mock(url)
    with quiet_httpx(), sync_client(mock, base_url=BASE) as client:
        tenant = offered_tenant(mock, client)
        unknown = client.post("/__mock__/tenants/999/created", json={})
        cross_site = client.post(
            f"/__mock__/tenants/{tenant['id']}/created", json={}, headers={"sec-fetch-site": "cross-site"}
        )
    assert (unknown.status_code, cross_site.status_code) == (404, 403)
    assert received.bodies == []


def test_archiving_through_the_api_sends_tenant_archived_once(receiver: tuple[Receiver, str]) -> None:
    received, url = receiver
    mock = build_mock(url)
    key = {"x-api-key": API_KEY}
    with quiet_httpx(), sync_client(mock, base_url=BASE) as client:
        tenant = offered_tenant(mock, client)
        path = f"/v2/tenants/{tenant['id']}"
        no_key = client.request("PATCH", path, json={"archived": True})
        bad = client.request("PATCH", path, json={"archived": "yes"}, headers=key)
        paused = client.request("PATCH", path, json={"paused": True}, headers=key)
        archived = client.request("PATCH", path, json={"archived": True}, headers=key)
        again = client.request("PATCH", path, json={"archived": True}, headers=key)
        read = client.get(path, headers=key)
    assert (no_key.status_code, bad.status_code, paused.status_code) == (401, 422, 200)
    assert archived.json()["archived"] is True and archived.json()["paused"] is True
    assert again.status_code == 200 and read.json()["archived"] is True
    assert [body["event_type"] for body in received.bodies] == ["tenant_archived"]
    assert received.bodies[0]["tenant_id"] == tenant["id"]


def test_run_failed_and_any_event_on_demand(receiver: tuple[Receiver, str]) -> None:
    received, url = receiver
    mock = build_mock(url)
    with quiet_httpx(), sync_client(mock, base_url=BASE) as client:
        tenant = offered_tenant(mock, client)
        failed = client.post("/__mock__/notifications", json={"event_type": "run_failed", "tenant_id": tenant["id"]})
        unknown = client.post("/__mock__/notifications", json={"event_type": "tenant_paused", "reason": "billing"})
        bad = client.post("/__mock__/notifications", json={"event_type": "no spaces"})
    assert (failed.status_code, unknown.status_code, bad.status_code) == (200, 200, 400)
    assert failed.json()["status"] == 204 and "url" not in failed.json()
    run_failed, paused = received.bodies
    assert (run_failed["event_type"], run_failed["tenant_id"], run_failed["run_id"]) == ("run_failed", tenant["id"], 1)
    assert run_failed["integration_name"] == tenant["integration"]["name"]
    assert (paused["event_type"], paused["reason"]) == ("tenant_paused", "billing")
    assert parse_webhook(paused).known is False


def test_a_redelivery_is_the_same_payload_and_a_failed_answer_is_recorded(receiver: tuple[Receiver, str]) -> None:
    received, url = receiver
    received.status = 500
    mock = build_mock(url)
    first = asyncio.run(mock.run_failed(7, message="Timeout"))
    received.status = 200
    assert first is not None and (first.status, first.delivered) == (500, False)
    retry = asyncio.run(mock.redeliver(first))
    assert retry is not None and retry.delivered
    assert received.bodies[0] == received.bodies[1]
    assert parse_webhook(received.bodies[0]).delivery_id == parse_webhook(received.bodies[1]).delivery_id
    records = mock.records()["notifications"]
    assert [item["status"] for item in records] == [500, 200]
    assert all("url" not in item and "receiver-secret" not in json.dumps(item) for item in records)


def test_an_unreachable_receiver_is_recorded_by_the_failures_class_only() -> None:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    mock = build_mock(f"http://127.0.0.1:{port}/pandium/webhooks/unreachable-secret-0123456789abcdefgh")
    sent = asyncio.run(mock.notify("run_failed", tenant_id=1))
    assert sent is not None and (sent.status, sent.error) == (None, "URLError")


def test_without_a_notifications_url_nothing_is_sent() -> None:
    mock = build_mock(None)
    with quiet_httpx(), sync_client(mock, base_url=BASE) as client:
        tenant = offered_tenant(mock, client)
        created = client.post(f"/__mock__/tenants/{tenant['id']}/created", json={})
        on_demand = client.post("/__mock__/notifications", json={"event_type": "run_failed"})
    assert created.json() == {"created": True, "notified": None}
    assert on_demand.status_code == 409
    assert asyncio.run(mock.run_failed(1)) is None
    assert mock.notifications == []


@pytest.mark.parametrize(
    "url",
    ["ftp://127.0.0.1/x", "http://app.example.com/pandium/webhooks/x", "https://", "http://127.0.0.1/a b", 42],
)
def test_a_bad_notifications_url_says_what_to_give(url: Any) -> None:
    with pytest.raises(ValueError) as raised:
        build_mock(url)
    assert str(raised.value) == BAD_NOTIFICATIONS_URL


def test_the_pages_may_call_their_own_origin_and_nothing_else() -> None:
    mock = build_mock(None)
    with quiet_httpx(), sync_client(mock, base_url=BASE) as client:
        config = PandiumConfig("acme", SECRET, marketplace_base_url=BASE)
        page = client.get(marketplace_url(config, mint_token(config, PandiumUser("user-1"), now=NOW)))
    policy = page.headers["content-security-policy"]
    assert "connect-src 'self'" in policy and "default-src 'none'" in policy


def test_the_harness_sends_on_demand_and_redelivers_from_sync_code(receiver: tuple[Receiver, str]) -> None:
    received, url = receiver
    with MockPandiumServer(secret=SECRET) as mock:
        assert mock.notify("run_failed", tenant_id=3) is None  # no URL yet: nothing sent
        mock.set_notifications_url(url)
        sent = mock.notify("run_failed", tenant_id=3, message="Timeout")
        assert sent is not None and sent.delivered
        again = mock.redeliver(sent)
        assert again is not None and again.payload == sent.payload
        assert [n.event_type for n in mock.notifications] == ["run_failed", "run_failed"]
    assert received.bodies[0] == received.bodies[1]
    assert (received.bodies[0]["tenant_id"], received.bodies[0]["message"]) == (3, "Timeout")


def reserved_state_changing_routes(mock: MockPandium) -> list[tuple[str, str]]:
    """(method, path template) of every route under /__mock__ that a form or a no-cors fetch could send:
    POST (DELETE, PUT and PATCH are never sent cross-origin without a preflight)."""
    found = []
    for mount in mock._router.routes:
        if isinstance(mount, Mount) and mount.path == "/__mock__":
            for route in mount.routes:
                if isinstance(route, Route) and "POST" in (route.methods or ()):
                    found.append(("POST", "/__mock__" + route.path))
    return found


def test_every_state_changing_mock_route_refuses_a_no_cors_text_plain_post(receiver: tuple[Receiver, str]) -> None:
    received, url = receiver
    mock = build_mock(url)
    forged = json.dumps({"event_type": "tenant_archived", "tenant_id": 1, "scenario": "expired"})
    routes = reserved_state_changing_routes(mock)
    assert {path for _, path in routes} == {
        "/__mock__/scenario",
        "/__mock__/notifications",
        "/__mock__/tenants/{tenant_id}/created",
    }
    with quiet_httpx(), sync_client(mock, base_url=BASE) as client:
        tenant = offered_tenant(mock, client)
        for method, template in routes:
            path = template.replace("{tenant_id}", str(tenant["id"]))
            # What fetch(url, {mode: "no-cors", body}) sends from another site: no preflight, text/plain
            # (and some browsers or a sibling subdomain say same-site, or nothing at all).
            for headers in ({"content-type": "text/plain;charset=UTF-8"}, {}):
                response = client.request(method, path, content=forged, headers=headers)
                assert response.status_code == 415, (path, headers)
                assert "application/json" in response.json()["detail"]
        created = client.post(f"/__mock__/tenants/{tenant['id']}/created", json={})
        scenario = client.get("/__mock__/scenario").json()
    assert [body["event_type"] for body in received.bodies] == ["tenant_created"]
    assert created.json() == {"created": True, "notified": 204}
    assert scenario == {"scenario": None}
