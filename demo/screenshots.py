"""Regenerate the README's screenshots from the running demo: `make screenshots`.

Drives the real demo and stand-in in headless Chromium, so the pictures show what the code does now.
"""

from __future__ import annotations

import sys
from pathlib import Path

from playwright.sync_api import ViewportSize, expect, sync_playwright

from pandium_embed.testing.chromium import CHROMIUM_ARGS, chromium_path

from .serve import running_demo, sign_in

OUT = Path(__file__).resolve().parent.parent / "docs" / "screenshots"
VIEWPORT: ViewportSize = {"width": 1360, "height": 860}


def main() -> int:
    OUT.mkdir(parents=True, exist_ok=True)
    with running_demo() as demo, sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=chromium_path(), args=CHROMIUM_ARGS)
        page = browser.new_page(viewport=VIEWPORT)
        sign_in(page, demo.url, "ann")
        marketplace = page.frame_locator("pandium-embed#marketplace iframe")
        expect(marketplace.get_by_text("Shopify").first).to_be_visible()
        expect(page.locator("#event-log li[data-type='pandium:resize']").first).to_be_visible()
        page.wait_for_timeout(300)  # let the last resize settle before the picture
        page.screenshot(path=OUT / "marketplace.png")

        page.click("a[href='/connections']")
        page.click("button[data-connect='hubspot']")
        frame = page.frame_locator(".tile[data-connector='hubspot'] pandium-embed iframe")
        with page.expect_popup() as popup_info:
            frame.get_by_role("button", name="Connect HubSpot").click()
        popup = popup_info.value
        popup.set_viewport_size({"width": 520, "height": 560})
        expect(popup.get_by_role("button", name="Approve")).to_be_visible()
        popup.screenshot(path=OUT / "auth-only-popup.png")
        popup.get_by_role("button", name="Approve").click()

        expect(page.locator("#event-log li[data-type='pandium:success']")).to_have_count(1)
        expect(page.locator(".tile[data-connector='hubspot'] [data-status]")).to_contain_text("Connected")
        page.wait_for_timeout(300)
        page.screenshot(path=OUT / "event-panel.png")
        browser.close()
    for name in ("marketplace", "auth-only-popup", "event-panel"):
        print(OUT / f"{name}.png")
    return 0


if __name__ == "__main__":
    sys.exit(main())
