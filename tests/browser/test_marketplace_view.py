"""MarketplaceView in Chromium: the host mints each user's rules into ti.xti, the stand-in (configured
with groups and an external integration, as a Pandium org would be) shows each user their marketplace.

The host (http://127.0.0.1:<port>) runs the real PandiumMiddleware; who is signed in is a cookie the
test sets. The stand-in is on http://localhost:<port>.
"""

from __future__ import annotations

import html
from collections.abc import Iterator

import pytest
from playwright.sync_api import FrameLocator, Page
from starlette.requests import Request
from starlette.responses import HTMLResponse, Response
from starlette.routing import Route, Router

from pandium_embed import MarketplaceView, PandiumMiddleware, PandiumUser
from pandium_embed.background_server import BackgroundServer
from pandium_embed.mock import ExternalIntegration
from pandium_embed.mock.mock_server import MockPandiumServer

LEGACY_CRM = ExternalIntegration("legacy-crm", "Legacy CRM", url="https://crm.example.test/open?from=pandium")
GROUPS = {"partners": ["1", "2"], "gold": ["1", "2", "3"], "free": ["1", "legacy-crm"]}
USERS = {
    "hider": PandiumUser("hider", view=MarketplaceView(hidden_integrations=["2", 4])),
    "gold": PandiumUser("gold", view=MarketplaceView(user_tier="gold")),
    "free": PandiumUser("free", view=MarketplaceView(user_tier="free"), installed_integrations=["legacy-crm"]),
    "partner": PandiumUser("partner", view=MarketplaceView(user_group="partners", user_tier="gold")),
    "limited": PandiumUser("limited", view=MarketplaceView(allowed_installs=1)),
}
PAGE = (
    '<!doctype html><html><head><meta charset="utf-8"><title>Host</title><script>window.__messages = [];'
    'addEventListener("message", function (e) { window.__messages.push(e.data); });</script></head>'
    '<body><iframe id="pandium" src="{src}" width="960" height="720"></iframe></body></html>'
)


async def host_page(request: Request) -> Response:
    return HTMLResponse(PAGE.replace("{src}", html.escape(request.query_params.get("src", "/pandium/marketplace"))))


def identify(request: Request) -> PandiumUser | None:
    return USERS.get(request.cookies.get("who", ""))


@pytest.fixture
def stand_in() -> Iterator[MockPandiumServer]:
    with MockPandiumServer(groups=GROUPS, external_integrations=[LEGACY_CRM]) as mock:
        yield mock


@pytest.fixture
def host(stand_in: MockPandiumServer) -> Iterator[str]:
    app = PandiumMiddleware(Router(routes=[Route("/", host_page)]), config=stand_in.config(), identify=identify)
    with BackgroundServer(app) as server:
        stand_in.add_parent_origin(server.origin)
        yield server.url


def open_as(page: Page, host: str, who: str, src: str = "/pandium/marketplace") -> FrameLocator:
    page.context.add_cookies([{"name": "who", "value": who, "url": host}])
    page.set_default_timeout(15_000)
    page.goto(f"{host}/?src={src}")
    frame = page.frame_locator("#pandium")
    frame.locator('[data-testid="pandium-page"]').wait_for()
    return frame


def tiles(frame: FrameLocator) -> list[str | None]:
    cards = frame.locator('[data-testid="integration"]')
    return [cards.nth(index).get_attribute("data-integration-id") for index in range(cards.count())]


def test_a_hidden_tile_is_absent(page: Page, host: str) -> None:
    frame = open_as(page, host, "hider")
    assert tiles(frame) == ["1", "3", "legacy-crm"]
    assert frame.get_by_role("button", name="Install Salesforce").count() == 0


@pytest.mark.parametrize(
    ("who", "expected"),
    [("gold", ["1", "2", "3"]), ("free", ["1", "legacy-crm"]), ("partner", ["1", "2"])],
)
def test_a_group_sees_its_own_tiles(page: Page, host: str, who: str, expected: list[str]) -> None:
    assert tiles(open_as(page, host, who)) == expected


def test_an_external_integration_the_user_has_shows_installed_with_an_open_link(page: Page, host: str) -> None:
    frame = open_as(page, host, "free")
    card = frame.locator('[data-integration-id="legacy-crm"]')
    assert card.get_by_test_id("installed").is_visible()
    link = card.get_by_role("link", name="Open Legacy CRM")
    assert link.get_attribute("href") == LEGACY_CRM.url
    assert link.get_attribute("rel") == "noopener noreferrer"
    # Someone without it in ti.ili sees no badge, only a link to learn more.
    other = open_as(page, host, "hider").locator('[data-integration-id="legacy-crm"]')
    assert other.get_by_test_id("installed").count() == 0
    assert other.get_by_test_id("learn-more").get_attribute("href") == LEGACY_CRM.url


def test_an_install_past_allowed_installs_is_refused(page: Page, host: str, stand_in: MockPandiumServer) -> None:
    frame = open_as(page, host, "limited")
    frame.get_by_role("button", name="Install HubSpot").click()
    frame.locator("#save").click()
    frame.locator('[data-testid="status"][data-outcome="saved"]').wait_for()

    frame.get_by_role("button", name="Install Salesforce").click()
    frame.locator("#save").click()
    status = frame.locator('[data-testid="status"][data-outcome="refused"]')
    status.wait_for()
    assert "allowed_installs" in status.inner_text() and "1" in status.inner_text()
    saved = page.evaluate("window.__messages.filter((m) => m && m.message === 'pandium-save-sync')")
    assert [message["tenant"]["integration"]["name"] for message in saved] == ["HubSpot"]
    assert frame.locator("#installed-2").is_hidden()

    # The install-only page of another integration is refused outright, with a page that says why.
    refused = open_as(page, host, "limited", "/pandium/install/3")
    refusal = refused.get_by_test_id("refusal")
    assert refusal.get_attribute("data-reason") == "install-limit"
    assert "allowed_installs" in refusal.inner_text()
    assert stand_in.rejected[-1].reason == "install-limit"
