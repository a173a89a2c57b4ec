"""The sample host app's integration tests: only pandium_embed.testing and the pandium_mock fixture."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from pandium_embed.mock.harness import MockPandiumServer
from pandium_embed.testing import NoPandiumEvent, PandiumFrame


def test_install_then_save(page: Page, app_url: str) -> None:
    pandium = PandiumFrame(page)
    page.goto(f"{app_url}/integrations")
    assert pandium.signed_in_as() == "Ann Example"

    pandium.install("1")
    saved = pandium.save()

    assert saved["tenant"]["integration"] == {"id": 1, "name": "HubSpot"}
    expect(page.get_by_role("status")).to_have_text("HubSpot is connected.")


def test_install_then_cancel(page: Page, app_url: str) -> None:
    pandium = PandiumFrame(page)
    page.goto(f"{app_url}/integrations/2")

    pandium.install("2")
    cancelled = pandium.cancel()

    assert cancelled["tenant"]["integration"]["name"] == "Salesforce"
    expect(page.get_by_role("status")).to_have_text("Nothing was installed.")


def test_auth_only_approve(page: Page, app_url: str) -> None:
    pandium = PandiumFrame(page)
    page.goto(f"{app_url}/connect/hubspot")
    connected = pandium.connect(approve=True)

    assert connected is not None
    assert connected["webhook_url"].startswith("http")
    assert connected["tenant"]["integration"]["name"] == "HubSpot"
    expect(page.get_by_role("status")).to_have_text("Your account is connected.")


def test_auth_only_deny(page: Page, app_url: str) -> None:
    pandium = PandiumFrame(page)
    page.goto(f"{app_url}/connect/hubspot")

    assert pandium.connect(approve=False) is None
    assert pandium.events("pandium:success") == []


def test_the_provider_denies_consent(page: Page, app_url: str, pandium_mock: MockPandiumServer) -> None:
    pandium_mock.scenario(deny_consent=True)
    pandium = PandiumFrame(page)
    page.goto(f"{app_url}/connect/hubspot")

    assert pandium.connect(approve=True) is None


def test_a_rejected_token(page: Page, app_url: str, pandium_mock: MockPandiumServer) -> None:
    pandium_mock.scenario(reject="expired", times=1)
    pandium = PandiumFrame(page)
    page.goto(f"{app_url}/integrations")

    assert pandium.refusal() == "expired"
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
