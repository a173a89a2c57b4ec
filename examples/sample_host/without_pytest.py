"""The same kit without pytest: MockPandium, the app and Chromium started by hand with sync_playwright()."""

from __future__ import annotations

from playwright.sync_api import sync_playwright

from examples.sample_host.app import create_app
from pandium_embed.mock.mock_server import MockPandiumServer
from pandium_embed.testing import PandiumFrame
from pandium_embed.testing.chromium import CHROMIUM_ARGS, chromium_path
from pandium_embed.testing.server import BackgroundServer


def main() -> None:
    with MockPandiumServer() as mock, BackgroundServer(create_app(mock.config())) as app:
        mock.add_parent_origin(app.origin)
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=chromium_path(), args=CHROMIUM_ARGS)
            page = browser.new_page()
            pandium = PandiumFrame(page)
            page.goto(f"{app.url}/integrations")
            pandium.install("3")
            saved = pandium.save()
            print("Installed", saved["tenant"]["integration"]["name"], "for", pandium.signed_in_as())
            browser.close()


if __name__ == "__main__":
    main()
