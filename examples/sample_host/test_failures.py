"""When Pandium misbehaves: scenarios make the stand-in refuse, fail, stay silent or be slow."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from pandium_embed.mock.mock_server import MockPandiumServer
from pandium_embed.testing import NoPandiumEvent, PandiumFrame


def test_a_rejected_token(page: Page, app_url: str, pandium_mock: MockPandiumServer) -> None:
    pandium_mock.scenario(reject="expired", times=1)
    pandium = PandiumFrame(page)
    page.goto(f"{app_url}/integrations")

    assert pandium.refusal() == "expired"
    # Pandium's refusal page is on Pandium's origin: the element can tell it loaded, not that it refused.
    assert pandium.wait_for_event("pandium:load") == {}
    assert pandium.events("pandium:error") == []
    pandium.element.evaluate("(element) => element.reload()")  # a fresh token: the scenario is used up
    assert pandium.showing() == "marketplace"


def test_a_silent_page(page: Page, app_url: str, pandium_mock: MockPandiumServer) -> None:
    pandium_mock.scenario(silent=True)
    pandium = PandiumFrame(page, timeout_ms=3_000)
    page.goto(f"{app_url}/integrations/1")

    pandium.install("1")
    with pytest.raises(NoPandiumEvent):
        pandium.save()
    expect(page.get_by_role("status")).to_have_text("")


def test_pandium_answers_503(page: Page, app_url: str, pandium_mock: MockPandiumServer) -> None:
    pandium_mock.scenario(status=503)
    pandium = PandiumFrame(page)
    page.goto(f"{app_url}/integrations")

    assert pandium.refusal() == "server-error"


def test_pandium_is_too_slow(page: Page, app_url: str, pandium_mock: MockPandiumServer) -> None:
    pandium_mock.scenario(delay=6)
    pandium = PandiumFrame(page)
    page.goto(f"{app_url}/integrations?timeout=2000")

    assert pandium.wait_for_event("pandium:error") == {"status": 0, "reason": "timeout"}
    expect(page.get_by_role("status")).to_have_text("Integrations are unavailable (timeout).")
