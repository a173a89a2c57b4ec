"""The quick start's app.py under pytest: the pandium_mock fixture hands create_app() the stand-in's config."""

import httpx

from pandium_embed.testing.server import BackgroundServer

from app import create_app


def test_the_dev_sign_in_opens_the_marketplace(pandium_mock, monkeypatch):
    monkeypatch.setenv("SESSION_SECRET_KEY", "test-only-session-key")
    monkeypatch.setenv("DEV_SIGN_IN", "1")  # the development sign-in, for this test only
    with BackgroundServer(create_app(pandium_mock.config())) as server:
        pandium_mock.add_parent_origin(server.origin)
        with httpx.Client(base_url=server.url) as http:
            assert http.get("/pandium/marketplace").status_code == 401  # not signed in yet
            http.get("/dev/sign-in")  # keeps the session cookie
            marketplace = http.get("/pandium/marketplace", follow_redirects=True)
    assert marketplace.url.host == "localhost" and "dev@example.test" in marketplace.text
    assert pandium_mock.accepted[-1].claims["sub"] == "dev-user"
