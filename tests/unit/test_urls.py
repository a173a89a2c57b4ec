from __future__ import annotations

from typing import Any

import pytest

from pandium_embed import PandiumConfig, connect_url, install_url, marketplace_url
from pandium_embed import urls as urls_module

SECRET = "url-test-secret-0123456789abcdefghijk"
TOKEN = "aaa.bbb.ccc"


@pytest.mark.parametrize(
    ("environment", "marketplace", "install", "connect"),
    [
        (
            "production",
            "https://imp.pandium.io/acme?tenant=aaa.bbb.ccc",
            "https://imp.pandium.com/acme/tenants/create/42?tenant=aaa.bbb.ccc",
            "https://emp.pandium.com/acme/gwt/auth?tenant=aaa.bbb.ccc",
        ),
        (
            "sandbox",
            "https://imp.sandbox.pandium.com/acme?tenant=aaa.bbb.ccc",
            "https://imp.sandbox.pandium.com/acme/tenants/create/42?tenant=aaa.bbb.ccc",
            "https://emp.sandbox.pandium.com/acme/gwt/auth?tenant=aaa.bbb.ccc",
        ),
    ],
)
def test_flow_urls_per_environment(environment: str, marketplace: str, install: str, connect: str) -> None:
    config = PandiumConfig("acme", SECRET, environment)
    assert marketplace_url(config, TOKEN) == marketplace
    assert install_url(config, "42", TOKEN) == install
    assert install_url(config, 42, TOKEN) == install
    assert connect_url(config, "gwt", TOKEN) == connect


def test_a_base_url_with_only_a_trailing_slash_gives_one_slash() -> None:
    config = PandiumConfig("acme", SECRET, marketplace_base_url="http://localhost:8001/")
    assert marketplace_url(config, TOKEN) == "http://localhost:8001/acme?tenant=aaa.bbb.ccc"


@pytest.mark.parametrize(
    ("segment", "encoded"),
    [("a/b", "a%2Fb"), ("a?b#c", "a%3Fb%23c"), ("sp ace", "sp%20ace"), ("é", "%C3%A9"), ("a\\b", "a%5Cb")],
)
def test_every_path_segment_is_percent_encoded(segment: str, encoded: str) -> None:
    config = PandiumConfig("acme", SECRET)
    assert connect_url(config, segment, TOKEN) == f"https://emp.sandbox.pandium.com/acme/{encoded}/auth?tenant={TOKEN}"
    assert install_url(config, segment, TOKEN).endswith(f"/tenants/create/{encoded}?tenant={TOKEN}")


@pytest.mark.parametrize("segment", ["", ".", "..", None, 4.2])
def test_segments_a_browser_would_resolve_or_cannot_encode_are_refused(segment: Any) -> None:
    config = PandiumConfig("acme", SECRET)
    with pytest.raises(ValueError, match="integration_id"):
        install_url(config, segment, TOKEN)


def test_a_url_over_the_limit_is_refused_naming_flow_and_size() -> None:
    config = PandiumConfig("acme", SECRET, max_url_length=60)
    token = "t" * 30
    expected = len(f"https://emp.sandbox.pandium.com/acme/gwt/auth?tenant={token}")
    with pytest.raises(ValueError) as caught:
        connect_url(config, "gwt", token)
    assert str(caught.value) == urls_module.URL_TOO_LONG.format(flow="connect", size=expected, limit=60)
    assert token not in str(caught.value)
