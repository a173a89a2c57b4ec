from __future__ import annotations

import warnings
from typing import Any

import pytest

from pandium_embed import ENVIRONMENTS, PandiumConfig
from pandium_embed import config as config_module
from pandium_embed.tokens import signing_key

SECRET = "config-test-secret-0123456789abcdef"


def make(**overrides: Any) -> PandiumConfig:
    values: dict[str, Any] = {"org": "acme", "secret": SECRET}
    values.update(overrides)
    return PandiumConfig(**values)


@pytest.mark.parametrize(
    ("environment", "marketplace", "install", "connect"),
    [
        ("production", "https://imp.pandium.io", "https://imp.pandium.com", "https://emp.pandium.com"),
        (
            "sandbox",
            "https://imp.sandbox.pandium.com",
            "https://imp.sandbox.pandium.com",
            "https://emp.sandbox.pandium.com",
        ),
        ("demo", "https://imp.demo.pandium.com", "https://imp.demo.pandium.com", "https://emp.demo.pandium.com"),
    ],
)
def test_each_environment_has_a_preset_for_every_flow(
    environment: str, marketplace: str, install: str, connect: str
) -> None:
    hosts = make(environment=environment).hosts
    assert (hosts.marketplace, hosts.install, hosts.connect) == (marketplace, install, connect)


def test_sandbox_is_the_default_environment() -> None:
    assert make().hosts == ENVIRONMENTS["sandbox"]


def test_base_url_overrides_win_one_by_one_and_lose_a_trailing_slash() -> None:
    config = make(
        environment="sandbox",
        marketplace_base_url="https://imp.example.test/",
        connect_base_url="http://localhost:8001",
    )
    assert config.hosts.marketplace == "https://imp.example.test"
    assert config.hosts.install == "https://imp.sandbox.pandium.com"
    assert config.hosts.connect == "http://localhost:8001"


@pytest.mark.parametrize(
    "url", ["http://localhost:8001", "http://127.0.0.1:9", "http://[::1]:8001", "http://127.8.0.1"]
)
def test_plain_http_is_allowed_on_loopback(url: str) -> None:
    assert make(marketplace_base_url=url).hosts.marketplace == url


@pytest.mark.parametrize(
    "url",
    [
        "http://imp.example.test",
        "ftp://imp.example.test",
        "https://",
        "imp.example.test",
        "https://imp.example.test/?x=1",
        "https://imp.example.test/#top",
        "https://user:pw@imp.example.test",
        "https://imp.example.test\\@evil.test",
        "http://localhost.evil.test",
        # An empty query or fragment would put the token after it (https://imp.pandium.io#/acme?tenant=...).
        "https://imp.example.test?",
        "https://imp.example.test#",
        "https://imp.example.test/?",
        "https://imp.example.test/#",
        "https://imp.example.test:0",
        "http://localhost:0",
        "https://imp.example.test:",
    ],
)
def test_base_urls_must_be_https_outside_loopback(url: str) -> None:
    with pytest.raises(ValueError) as caught:
        make(install_base_url=url)
    assert str(caught.value) == config_module.BAD_BASE_URL.format(setting=INSTALL_SETTING)


INSTALL_SETTING = "PandiumConfig install_base_url (PANDIUM_INSTALL_BASE_URL)"
MARKETPLACE_SETTING = "PandiumConfig marketplace_base_url (PANDIUM_MARKETPLACE_BASE_URL)"
DIRTY_URLS = [
    "https://imp.pandium.io\r",  # an .env file with Windows line endings
    "https://imp.pandium.io\n",
    "https://imp.pandium.io\r\nX-Injected: 1",
    "https://imp.pandium.io\t",
    " https://imp.pandium.io",
    "https://imp.pandium.io ",
    "https://imp .pandium.io",
    "https://imp.pandium.io\x00",
    "https://imp.pandium.io\x7f",
    "https://imp.pan\tdium.io",
    "https://例え.jp",
    "https://imp.pandium.io\u2028",
    "https://ímp.pandium.io",
]


@pytest.mark.parametrize("url", DIRTY_URLS)
def test_control_characters_whitespace_and_non_ascii_are_refused_without_echoing_the_value(url: str) -> None:
    with pytest.raises(ValueError) as caught:
        make(install_base_url=url)
    assert str(caught.value) == config_module.BASE_URL_UNSAFE_CHARACTERS.format(setting=INSTALL_SETTING)


@pytest.mark.parametrize("url", DIRTY_URLS)
def test_from_env_refuses_a_dirty_base_url_naming_the_variable(url: str) -> None:
    env = {"PANDIUM_ORG": "acme", "PANDIUM_SHARED_SECRET": SECRET, "PANDIUM_MARKETPLACE_BASE_URL": url}
    with pytest.raises(ValueError) as caught:
        PandiumConfig.from_env(env)
    assert str(caught.value) == config_module.BASE_URL_UNSAFE_CHARACTERS.format(setting=MARKETPLACE_SETTING)


@pytest.mark.parametrize(
    "url",
    ["https://imp_x.pandium.io", "https://imp.pandium.io%0d", "https://imp.pandium.io:http", "https://imp..pandium.io"],
)
def test_a_host_or_port_that_is_not_plain_dns_or_an_ip_is_refused(url: str) -> None:
    with pytest.raises(ValueError) as caught:
        make(install_base_url=url)
    assert str(caught.value) == config_module.BAD_BASE_URL.format(setting=INSTALL_SETTING)


@pytest.mark.parametrize(
    "url", ["https://imp.pandium.io/acme", "https://imp.pandium.io/acme/", "http://localhost:8001/pandium-mock"]
)
def test_a_base_url_with_a_path_is_refused(url: str) -> None:
    # The org and the flow's path are appended: https://imp.pandium.io/acme would open .../acme/acme.
    with pytest.raises(ValueError) as caught:
        make(marketplace_base_url=url)
    assert str(caught.value) == config_module.BASE_URL_WITH_PATH.format(setting=MARKETPLACE_SETTING)


@pytest.mark.parametrize(
    "url", ["http://localhost:8001", "http://127.0.0.1:8001", "https://[::1]", "http://a.localhost"]
)
def test_production_refuses_loopback_overrides_left_over_from_local_testing(url: str) -> None:
    with pytest.raises(ValueError) as caught:
        make(environment="production", marketplace_base_url=url)
    assert str(caught.value) == config_module.LOOPBACK_IN_PRODUCTION.format(setting=MARKETPLACE_SETTING)
    for environment in ("sandbox", "demo"):
        assert make(environment=environment, marketplace_base_url=url).hosts.marketplace == url


@pytest.mark.parametrize("dirty", ["\r", "\n", " ", "\t", "\x00"])
def test_a_secret_with_stray_whitespace_or_control_characters_is_refused_without_echoing_it(dirty: str) -> None:
    secret = "s3cret-from-a-crlf-dotenv-file-0123456789"
    for bad in (secret + dirty, dirty + secret, secret[:10] + dirty + secret[10:]):
        with pytest.raises(ValueError) as caught:
            make(secret=bad)
        assert str(caught.value) == config_module.SECRET_WITH_WHITESPACE
        assert secret[:10] not in str(caught.value)
        with pytest.raises(ValueError):
            PandiumConfig.from_env({"PANDIUM_ORG": "acme", "PANDIUM_SHARED_SECRET": bad})
    # A binary key passed as bytes is the caller's decision.
    assert make(secret=(secret + dirty).encode()).secret == (secret + dirty).encode()


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"org": ""}, config_module.MISSING_ORG),
        ({"secret": ""}, config_module.MISSING_SECRET),
        ({"secret": b""}, config_module.MISSING_SECRET),
        ({"org": "acme/../x"}, config_module.BAD_ORG.format(length=9)),
        ({"prefix": "pandium"}, config_module.BAD_PREFIX),
        ({"prefix": "/pandium/"}, config_module.BAD_PREFIX),
        ({"prefix": "/p?x"}, config_module.BAD_PREFIX),
        ({"connectors": {"a/b": "AB"}}, config_module.BAD_CONNECTOR.format(name="a/b")),
        ({"connectors": {"gwt": ""}}, config_module.BAD_CONNECTOR.format(name="gwt")),
        ({"max_url_length": 0}, config_module.BAD_MAX_URL_LENGTH.format(got=0)),
        ({"max_url_length": True}, config_module.BAD_MAX_URL_LENGTH.format(got=True)),
    ],
)
def test_bad_config_says_what_to_set(overrides: dict[str, Any], message: str) -> None:
    with pytest.raises(ValueError) as caught:
        make(**overrides)
    assert str(caught.value) == message


def test_an_unknown_environment_lists_the_known_ones() -> None:
    with pytest.raises(ValueError, match="'production', 'sandbox', 'demo'") as caught:
        make(environment="staging")
    assert "PANDIUM_ENV" in str(caught.value)


def test_the_secret_is_never_in_repr_or_in_an_error() -> None:
    config = make()
    assert SECRET not in repr(config)
    assert SECRET not in str(config)
    with pytest.raises(ValueError) as caught:
        make(environment="nope")
    assert SECRET not in str(caught.value)


def test_a_short_secret_warns_once_in_our_words() -> None:
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        PandiumConfig("acme", "short")
    assert [str(w.message) for w in caught] == [config_module.SHORT_SECRET.format(n=32)]


def test_bytes_secrets_are_accepted() -> None:
    assert signing_key(make(secret=SECRET.encode())) is not None


def test_connectors_are_frozen_copies() -> None:
    connectors = {"gwt": "GWT"}
    config = make(connectors=connectors)
    connectors["other"] = "Other"
    assert dict(config.connectors) == {"gwt": "GWT"}
    with pytest.raises(TypeError):
        config.connectors["x"] = "y"  # type: ignore[index]


def test_origins_are_the_distinct_browser_origins_of_the_three_hosts() -> None:
    config = make(
        marketplace_base_url="https://IMP.example.test:443/",
        install_base_url="https://imp.example.test",
        connect_base_url="http://localhost:8001",
    )
    assert config.origins == ("https://imp.example.test", "http://localhost:8001")


def test_from_env_reads_every_variable() -> None:
    config = PandiumConfig.from_env(
        {
            "PANDIUM_ORG": "acme",
            "PANDIUM_SHARED_SECRET": SECRET,
            "PANDIUM_ENV": "production",
            "PANDIUM_MARKETPLACE_BASE_URL": "https://m.example.test",
            "PANDIUM_INSTALL_BASE_URL": "https://i.example.test",
            "PANDIUM_CONNECT_BASE_URL": "https://c.example.test",
        },
        connectors={"gwt": "GWT"},
    )
    assert config.org == "acme" and config.secret == SECRET and config.environment == "production"
    assert (config.hosts.marketplace, config.hosts.install, config.hosts.connect) == (
        "https://m.example.test",
        "https://i.example.test",
        "https://c.example.test",
    )
    assert dict(config.connectors) == {"gwt": "GWT"}


def test_from_env_reads_os_environ_by_default(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PANDIUM_ORG", "envorg")
    monkeypatch.setenv("PANDIUM_SHARED_SECRET", SECRET)
    monkeypatch.delenv("PANDIUM_ENV", raising=False)
    config = PandiumConfig.from_env()
    assert (config.org, config.environment) == ("envorg", "sandbox")


def test_from_env_without_variables_names_them() -> None:
    with pytest.raises(ValueError, match="PANDIUM_ORG"):
        PandiumConfig.from_env({})
    with pytest.raises(ValueError, match="PANDIUM_SHARED_SECRET"):
        PandiumConfig.from_env({"PANDIUM_ORG": "acme"})


def test_from_env_reads_connectors_as_name_equals_integration_pairs() -> None:
    env = {
        "PANDIUM_ORG": "acme",
        "PANDIUM_SHARED_SECRET": SECRET,
        "PANDIUM_CONNECTORS": "hubspot=HubSpot Sync, gwt=GWT",
    }
    assert dict(PandiumConfig.from_env(env).connectors) == {"hubspot": "HubSpot Sync", "gwt": "GWT"}


def test_from_env_explains_a_malformed_connector_list() -> None:
    env = {"PANDIUM_ORG": "acme", "PANDIUM_SHARED_SECRET": SECRET, "PANDIUM_CONNECTORS": "hubspot"}
    with pytest.raises(ValueError) as caught:
        PandiumConfig.from_env(env)
    assert str(caught.value) == config_module.BAD_CONNECTORS_ENV.format(item="hubspot")


@pytest.mark.parametrize(
    "prefix",
    [
        "//evil.com",  # baked into the loader, a module copy would resolve it against another origin
        "//evil.com/pandium",
        "/pandium\r",
        "/pandium\r\nX-Injected: 1",
        "/pan dium",
        "/pandium ",
        "/p\u00e4ndium",
        "/pandium\x00",
        "/a//b",
        "/./pandium",
        "/../pandium",
        "/pandium/..",
        "/p%2fx",
        "/p\\x",
        "/",
        "",
        7,
    ],
)
def test_a_prefix_is_a_plain_path_or_refused_without_echoing_it(prefix: Any) -> None:
    with pytest.raises(ValueError) as caught:
        make(prefix=prefix)
    assert str(caught.value) == config_module.BAD_PREFIX


@pytest.mark.parametrize("prefix", ["/pandium", "/api/v1/pandium", "/integrations", "/p.x", "/~team_a-1"])
def test_plain_path_prefixes_are_accepted(prefix: str) -> None:
    assert make(prefix=prefix).prefix == prefix
