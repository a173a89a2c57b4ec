"""Installing an integration from the app's pages: saved, or cancelled."""

from __future__ import annotations

from playwright.sync_api import Page, expect

from pandium_embed.testing import PandiumFrame


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
