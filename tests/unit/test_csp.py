"""csp_directives / csp_header: the sources a page that embeds needs, derived from the config; and the
policy reader doctor checks pages with (CSP Level 3 source matching and fallbacks)."""

from __future__ import annotations

import pytest
from starlette.applications import Starlette

from pandium_embed import PandiumConfig, csp_directives, csp_header
from pandium_embed.csp import effective_sources, parse_policies, policy_allows, source_allows
from tests.support.docs import EXAMPLES, run_file

SECRET = "csp-tests-secret-0123456789abcdefghijklmnop"
PAGE = "https://app.example.com/integrations"


def test_the_sandbox_config_needs_self_and_its_pandium_origins_in_frame_src() -> None:
    directives = csp_directives(PandiumConfig("acme", SECRET, environment="sandbox"))
    assert directives["frame-src"] == ("'self'", "https://imp.sandbox.pandium.com", "https://emp.sandbox.pandium.com")
    assert directives["script-src"] == ("'self'",)
    assert directives["connect-src"] == ("'self'",)
    assert directives["frame-ancestors"] == ("'self'",)


def test_production_lists_its_three_hosts_and_a_stand_in_config_its_own_origin() -> None:
    production = csp_directives(PandiumConfig("acme", SECRET, environment="production"))
    assert production["frame-src"][1:] == (
        "https://imp.pandium.io",
        "https://imp.pandium.com",
        "https://emp.pandium.com",
    )
    stand_in = PandiumConfig(
        "acme",
        SECRET,
        marketplace_base_url="http://localhost:8001",
        install_base_url="http://localhost:8001",
        connect_base_url="http://localhost:8001/",
    )
    assert csp_directives(stand_in)["frame-src"] == ("'self'", "http://localhost:8001")


def test_csp_header_adds_the_needed_sources_to_the_hosts_own_policy() -> None:
    config = PandiumConfig("acme", SECRET)
    header = csp_header(
        config, base={"default-src": ["'none'"], "frame-src": ["'self'"], "frame-ancestors": ["'none'"]}
    )
    [policy] = parse_policies([header])
    assert policy["default-src"] == ("'none'",)
    # 'self' is not repeated; 'none' cannot stay beside a source the embed needs.
    assert policy["frame-src"] == ("'self'", *config.origins)
    assert policy["frame-ancestors"] == ("'self'",)
    assert policy["script-src"] == ("'self'",) and policy["connect-src"] == ("'self'",)


def test_the_demo_sends_the_needed_sources() -> None:
    from demo.app import SecurityHeaders

    config = PandiumConfig("acme", SECRET)
    [policy] = parse_policies([SecurityHeaders(Starlette(), config=config).headers["Content-Security-Policy"]])
    for directive, sources in csp_directives(config).items():
        assert set(sources) <= set(policy[directive]), directive


def test_the_docs_example_adds_the_policy_to_every_response(monkeypatch: pytest.MonkeyPatch) -> None:
    from starlette.responses import PlainTextResponse
    from starlette.routing import Route
    from starlette.testclient import TestClient

    module = run_file(EXAMPLES / "csp.py", monkeypatch, env={"PANDIUM_ORG": "acme", "PANDIUM_SHARED_SECRET": SECRET})
    app = Starlette(routes=[Route("/", lambda request: PlainTextResponse("hi"))], middleware=module.middleware)
    with TestClient(app) as client:
        header = client.get("/").headers["content-security-policy"]
    [policy] = parse_policies([header])
    assert policy["frame-src"] == ("'self'", "https://imp.sandbox.pandium.com", "https://emp.sandbox.pandium.com")
    assert policy["img-src"] == ("'self'", "data:")


@pytest.mark.parametrize(
    ("source", "url", "allowed"),
    [
        ("'self'", "https://app.example.com/pandium/embed.js", True),
        ("'self'", "https://other.example.com/x", False),
        ("'self'", "http://app.example.com/x", False),
        ("'none'", "https://app.example.com/x", False),
        ("*", "https://imp.pandium.io/acme", True),
        ("https:", "https://imp.pandium.io/acme", True),
        ("http:", "https://imp.pandium.io/acme", True),  # an http: source allows the https upgrade
        ("https:", "http://localhost:8001/acme", False),
        ("https://imp.pandium.io", "https://imp.pandium.io/acme", True),
        ("imp.pandium.io", "https://imp.pandium.io/acme", True),  # scheme-less: the page's scheme
        ("https://imp.pandium.io", "https://imp.pandium.com/acme", False),
        ("https://*.pandium.com", "https://emp.sandbox.pandium.com/acme/gwt/auth", True),
        ("https://*.pandium.com", "https://pandium.com/", False),  # the wildcard needs a subdomain
        ("https://imp.pandium.io:443", "https://imp.pandium.io/acme", True),
        ("https://imp.pandium.io:8443", "https://imp.pandium.io/acme", False),
        ("http://localhost:8001", "http://localhost:8001/acme", True),
        ("http://localhost", "http://localhost:8001/acme", False),  # no port: the default port only
        ("http://localhost:*", "http://localhost:8001/acme", True),
        ("https://app.example.com/pandium/", "https://app.example.com/pandium/marketplace", True),
        ("https://app.example.com/other/", "https://app.example.com/pandium/marketplace", False),
        ("'nonce-abc'", "https://app.example.com/pandium/embed.js", False),
    ],
)
def test_a_source_expression_matches_as_browsers_match_it(source: str, url: str, allowed: bool) -> None:
    assert source_allows(source, url, PAGE) is allowed


def test_paths_stop_counting_after_a_redirect() -> None:
    # The frame reaches Pandium by the mint route's redirect: CSP3 ignores the source's path then.
    assert source_allows("https://imp.pandium.io/elsewhere", "https://imp.pandium.io/acme", PAGE, redirected=True)
    assert not source_allows("https://imp.pandium.io/elsewhere", "https://imp.pandium.io/acme", PAGE)


@pytest.mark.parametrize(
    ("header", "directive", "expected"),
    [
        ("default-src 'self'", "frame-src", ("'self'",)),
        ("default-src 'self'; child-src https:", "frame-src", ("https:",)),
        ("child-src https:; frame-src 'none'", "frame-src", ("'none'",)),
        ("script-src 'self'; script-src-elem https:", "script-src-elem", ("https:",)),
        ("default-src 'none'", "frame-ancestors", None),  # frame-ancestors never falls back
        ("img-src 'self'", "connect-src", None),
    ],
)
def test_a_directive_falls_back_as_csp3_says(header: str, directive: str, expected: tuple[str, ...] | None) -> None:
    [policy] = parse_policies([header])
    assert effective_sources(policy, directive) == expected


def test_every_policy_of_a_page_must_allow() -> None:
    # Two headers (or one with a comma) are two policies, each enforced.
    policies = parse_policies(["frame-src 'self' https://imp.pandium.io", "frame-src 'self'"])
    assert len(policies) == 2
    allowed = [policy_allows(policy, "frame-src", "https://imp.pandium.io/acme", PAGE) for policy in policies]
    assert allowed == [True, False]
    assert len(parse_policies(["default-src 'self', frame-src 'none'"])) == 2


def test_a_repeated_directive_is_ignored_as_browsers_do() -> None:
    [policy] = parse_policies(["frame-src 'self'; frame-src *"])
    assert policy["frame-src"] == ("'self'",)
