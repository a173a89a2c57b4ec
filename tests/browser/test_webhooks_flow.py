"""End to end: Save on MockPandium's page (localhost) creates the tenant, the mock posts tenant_created to
the host's webhook route (127.0.0.1), the loader reports the same save, and the host ends with one
connection record, its owner confirmed through the mock's REST API with the user's sub."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import pytest
from playwright.sync_api import Page
from starlette.requests import Request

from pandium_embed import ConnectedTenant, PandiumMiddleware, PandiumUser
from pandium_embed.api import verify_tenant
from pandium_embed.background_server import BackgroundServer
from pandium_embed.mock.mock_server import MockPandiumServer
from pandium_embed.webhooks import WebhookEvent, webhook_url
from tests.support.loader_bed import HostPages, connector_token
from tests.support.mock import USER
from tests.support.mock_host import TIMEOUT_MS
from tests.support.page import approve_auth_only, install, wait_for_events

WEBHOOK_SECRET = "browser-webhook-secret-0123456789abcdefghijk"


@dataclass
class Connections:
    """The host's connection records (tenant id -> owner and who told us), written from two hooks."""

    records: dict[str, dict[str, Any]] = field(default_factory=dict)
    webhooks: list[WebhookEvent] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def record(self, tenant_id: str, *, seen_by: str, sub: str | None = None) -> None:
        with self.lock:
            record = self.records.setdefault(tenant_id, {"sub": None, "seen_by": set()})
            record["seen_by"].add(seen_by)
            if sub is not None:
                record["sub"] = sub

    def wait_for_both(self, timeout: float = TIMEOUT_MS / 1000) -> dict[str, dict[str, Any]]:
        deadline = time.monotonic() + timeout
        while True:
            with self.lock:
                if self.records and all(r["seen_by"] == {"pandium", "browser"} for r in self.records.values()):
                    return {key: dict(value) for key, value in self.records.items()}
            assert time.monotonic() < deadline, f"both sides expected, got {self.records!r}"
            time.sleep(0.02)


@dataclass
class WebhookHost:
    server: BackgroundServer
    pages: HostPages
    connections: Connections

    def open(self, page: Page, body: str) -> None:
        self.pages.pages["p"] = (
            "<!doctype html><html lang=en><head><meta charset=utf-8><title>host</title>"
            '<script src="/recorder.js"></script><script src="/pandium/embed.js"></script>'
            f"</head><body>{body}</body></html>",
            {},
        )
        page.set_default_timeout(TIMEOUT_MS)
        page.goto(f"{self.server.url}/p/p")


@pytest.fixture
def webhook_host(pandium_mock: MockPandiumServer) -> Iterator[WebhookHost]:
    connections = Connections()

    async def on_webhook(request: Request, event: WebhookEvent) -> None:
        with connections.lock:
            connections.webhooks.append(event)
        if event.event_type == "tenant_created" and event.tenant_id is not None:
            connections.record(event.tenant_id, seen_by="pandium")

    async def on_connected(request: Request, user: PandiumUser, event: ConnectedTenant) -> None:
        tenant = await verify_tenant(
            event.tenant_id, sub=user.sub, api_key=pandium_mock.api_key, base_url=pandium_mock.url
        )
        if tenant is not None:
            connections.record(event.tenant_id, seen_by="browser", sub=user.sub)

    pages = HostPages()
    config = pandium_mock.config(connectors=pandium_mock.connectors)
    app = PandiumMiddleware(
        pages,
        config=config,
        identify=lambda request: USER,
        connector_token=connector_token,
        on_connected=on_connected,
        webhook_secret=WEBHOOK_SECRET,
        on_webhook=on_webhook,
    )
    with BackgroundServer(app) as server:
        pandium_mock.add_parent_origin(server.origin)
        pandium_mock.set_notifications_url(webhook_url(server.url, config, WEBHOOK_SECRET))
        yield WebhookHost(server, pages, connections)


def test_saving_an_install_sends_tenant_created_and_ends_in_one_verified_connection(
    page: Page, webhook_host: WebhookHost, pandium_mock: MockPandiumServer
) -> None:
    webhook_host.open(page, '<pandium-embed id="m" view="marketplace" report></pandium-embed>')
    wait_for_events(page, "resize", target="m")
    install(page, "m", "Salesforce")
    [saved] = wait_for_events(page, "save-sync", target="m")
    tenant_id = str(saved["detail"]["tenant"]["id"])

    assert webhook_host.connections.wait_for_both() == {tenant_id: {"sub": USER.sub, "seen_by": {"pandium", "browser"}}}
    [sent] = [n for n in pandium_mock.notifications if n.event_type == "tenant_created"]
    assert (sent.status, sent.payload["tenant_id"], sent.payload["integration_name"]) == (
        200,
        saved["detail"]["tenant"]["id"],
        "Salesforce",
    )
    [event] = webhook_host.connections.webhooks
    assert (event.event_type, event.tenant_id, event.account_name) == ("tenant_created", tenant_id, pandium_mock.org)


def test_an_auth_only_connection_sends_tenant_created_too(
    page: Page, webhook_host: WebhookHost, pandium_mock: MockPandiumServer
) -> None:
    webhook_host.open(page, '<pandium-embed id="c" connector="hubspot" report></pandium-embed>')
    wait_for_events(page, "load", target="c")
    approve_auth_only(page, page.frame_locator("#c > iframe"))
    [success] = wait_for_events(page, "success", target="c")
    tenant_id = str(success["detail"]["tenant"]["id"])
    assert webhook_host.connections.wait_for_both() == {tenant_id: {"sub": USER.sub, "seen_by": {"pandium", "browser"}}}
    assert [n.event_type for n in pandium_mock.notifications] == ["tenant_created"]
