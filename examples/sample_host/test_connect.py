"""Connecting an account on the Auth-Only page: approved, denied by the user, denied by the provider."""

from __future__ import annotations

from playwright.sync_api import Page, expect

from pandium_embed.mock.mock_server import MockPandiumServer
from pandium_embed.testing import PandiumFrame


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
