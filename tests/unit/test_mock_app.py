"""MockPandium as an ASGI app, driven through Starlette's TestClient with an injected clock."""

from __future__ import annotations

import hashlib
import html
import json
import logging
from collections.abc import Iterator
from typing import Any

import httpx
import httpx2
import pytest
from starlette.testclient import TestClient

from pandium_embed import PandiumConfig, PandiumUser, connect_url, install_url, marketplace_url, mint_token
from pandium_embed.mock import (
    DEFAULT_CONNECTORS,
    DEFAULT_INTEGRATIONS,
    PAGE_REASONS,
    Connector,
    Integration,
    MockPandium,
)
from pandium_embed.mock.app import (
    BAD_CONNECTOR,
    BAD_INTEGRATION,
    BAD_ORG,
    BAD_PARENT_ORIGIN,
    BAD_SKEW,
    MISSING_SECRET,
)
from tests.support.asgi import quiet_httpx, sync_client
from tests.support.mock import forge, load_success_example, page_data, shape

# Buttons are served disabled until the page script has attached their handlers.
BUTTON = '<button type="button" disabled data-until-script'
SECRET = "app-tests-shared-secret-0123456789abcdef"
OTHER_SECRET = "not-the-shared-secret-0123456789abcdef"
NOW = 1_700_000_000
BASE = "http://localhost:9999"
PARENT = "http://127.0.0.1:8000"
USER = PandiumUser("user-1", display_name="Ann Example", email="ann@example.com")
AUTH_XTI = {"connector_name": "hubspot", "integration_name": "HubSpot Sync", "token": "host-api-credential"}


class Clock:
    def __init__(self, now: float) -> None:
        self.now = now

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def clock() -> Clock:
    return Clock(NOW)


@pytest.fixture
def mock(clock: Clock) -> MockPandium:
    return MockPandium(org="acme", secret=SECRET, parent_origins=[PARENT], clock=clock)


@pytest.fixture
def config() -> PandiumConfig:
    return PandiumConfig(
        "acme",
        SECRET,
        marketplace_base_url=BASE,
        install_base_url=BASE,
        connect_base_url=BASE,
        connectors={"hubspot": "HubSpot Sync"},
    )


@pytest.fixture
def client(mock: MockPandium) -> Iterator[TestClient]:
    with quiet_httpx(), sync_client(mock, base_url=BASE) as client:
        yield client


def mint(config: PandiumConfig, user: PandiumUser = USER, **options: Any) -> str:
    options.setdefault("now", NOW)
    return mint_token(config, user, **options)


def claims(**changes: Any) -> dict[str, Any]:
    value: dict[str, Any] = {"iat": NOW, "jti": "jti-forged", "sub": "user-1"}
    value.update(changes)
    return value


def csp(response: httpx2.Response) -> dict[str, str]:
    directives = [part.strip() for part in response.headers["content-security-policy"].split(";")]
    return {name: rest for name, _, rest in (d.partition(" ") for d in directives)}


# -- hostile tokens through the page ---------------------------------------------------------------

# (case, token factory, clock offset, expected reason)
PAGE_REJECTIONS: list[tuple[str, Any, int, str]] = [
    ("bad signature", lambda c: mint(c.replace_secret), 0, "bad-signature"),
    (
        "alg none",
        lambda c: forge(claims(), secret=SECRET, header=b'{"alg":"none","typ":"JWT"}').rsplit(".", 1)[0] + ".",
        0,
        "bad-alg",
    ),
    (
        "alg HS512",
        lambda c: forge(claims(), secret=SECRET, header=b'{"alg":"HS512","typ":"JWT"}', digest=hashlib.sha512),
        0,
        "bad-alg",
    ),
    (
        "header reordered",
        lambda c: forge(claims(), secret=SECRET, header=b'{"typ":"JWT","alg":"HS256"}'),
        0,
        "bad-header",
    ),
    ("older than 60 s", lambda c: mint(c.config), 61, "expired"),
    ("iat in the future", lambda c: mint(c.config, now=NOW + 6), 0, "future-iat"),
    ("exp passed", lambda c: forge(claims(exp=NOW - 30), secret=SECRET), 0, "past-exp"),
    ("nbf in the future", lambda c: forge(claims(nbf=NOW + 30), secret=SECRET), 0, "future-nbf"),
    ("missing sub", lambda c: forge({"iat": NOW, "jti": "j"}, secret=SECRET), 0, "missing-sub"),
    ("not three parts", lambda c: "abc.def", 0, "malformed"),
    ("bad base64", lambda c: "e$J.abc.def", 0, "bad-encoding"),
    ("bad JSON", lambda c: forge({}, secret=SECRET, payload=b"{oops"), 0, "bad-json"),
    ("ti wrong types", lambda c: forge(claims(ti={"udn": 5, "ili": "1"}), secret=SECRET), 0, "bad-ti"),
]


class _Configs:
    def __init__(self, config: PandiumConfig) -> None:
        self.config = config
        self.replace_secret = PandiumConfig("acme", OTHER_SECRET)


@pytest.mark.parametrize(
    ("factory", "offset", "expected"), [r[1:] for r in PAGE_REJECTIONS], ids=[r[0] for r in PAGE_REJECTIONS]
)
@pytest.mark.parametrize("path", ["/acme", "/acme/tenants/create/1", "/acme/hubspot/auth"])
def test_each_rejection_renders_its_reason_and_is_recorded(
    client: TestClient,
    mock: MockPandium,
    clock: Clock,
    config: PandiumConfig,
    path: str,
    factory: Any,
    offset: int,
    expected: str,
) -> None:
    token = factory(_Configs(config))
    clock.now = NOW + offset
    response = client.get(path, params={"tenant": token})

    assert response.status_code == 401
    assert f'<code id="reason">{expected}</code>' in response.text
    assert f'<p id="reason-message">{html.escape(PAGE_REASONS[expected])}</p>' in response.text
    assert page_data(response.text) == {"page": "error", "parentOrigins": [PARENT], "reason": expected}
    assert token not in response.text and SECRET not in response.text
    assert mock.accepted == []
    [record] = mock.rejected
    assert (record.reason, record.message, record.path, record.at) == (
        expected,
        PAGE_REASONS[expected],
        path,
        NOW + offset,
    )


def test_a_replayed_token_is_refused_the_second_time(
    client: TestClient, mock: MockPandium, config: PandiumConfig
) -> None:
    url = marketplace_url(config, mint(config))
    assert (client.get(url)).status_code == 200
    again = client.get(url)
    assert again.status_code == 401 and '<code id="reason">replayed</code>' in again.text
    assert [r.reason for r in mock.rejected] == ["replayed"]
    assert len(mock.accepted) == 1


@pytest.mark.parametrize(
    ("query", "expected"),
    [("", "missing-token"), ("?tenant=", "missing-token"), ("?tenant=a&tenant=b", "duplicate-token")],
)
def test_missing_or_duplicate_token(client: TestClient, mock: MockPandium, query: str, expected: str) -> None:
    response = client.get("/acme" + query)
    assert response.status_code == 401
    assert mock.rejected[-1].reason == expected


def test_the_clock_decides_expiry(client: TestClient, clock: Clock, config: PandiumConfig) -> None:
    clock.now = NOW + 60
    assert (client.get(marketplace_url(config, mint(config)))).status_code == 200
    clock.now = NOW + 61
    assert (client.get(marketplace_url(config, mint(config)))).status_code == 401


# -- acceptance through the real URL builders ------------------------------------------------------


@pytest.mark.parametrize("flow", ["marketplace", "install", "connect"])
def test_accepts_tokens_from_a_config_pointed_at_it(
    client: TestClient, mock: MockPandium, config: PandiumConfig, flow: str
) -> None:
    if flow == "marketplace":
        token = mint(config)
        url = marketplace_url(config, token)
    elif flow == "install":
        token = mint(config)
        url = install_url(config, "2", token)
    else:
        token = mint(config, xti=AUTH_XTI)
        url = connect_url(config, "hubspot", token)
    response = client.get(url)

    assert response.status_code == 200, response.text
    assert response.headers["content-type"].startswith("text/html")
    assert response.headers["cache-control"] == "no-store"
    assert response.headers["referrer-policy"] == "no-referrer"
    assert mock.rejected == []
    [record] = mock.accepted
    assert record.flow == flow
    assert record.path == httpx.URL(url).path
    assert record.claims["sub"] == "user-1" and record.claims["ti"]["udn"] == "Ann Example"
    assert record.at == NOW
    assert token not in response.text and SECRET not in response.text
    assert "Ann Example" in response.text


def test_marketplace_shows_who_is_signed_in_and_the_integrations(client: TestClient, config: PandiumConfig) -> None:
    response = client.get(marketplace_url(config, mint(config)))
    assert '<strong id="viewer" data-testid="signed-in-as">Ann Example</strong>' in response.text
    assert "ann@example.com" in response.text
    data = page_data(response.text)
    assert data["page"] == "marketplace" and data["parentOrigins"] == [PARENT]
    assert [(i["id"], i["name"]) for i in data["integrations"]] == [
        ("1", "HubSpot"),
        ("2", "Salesforce"),
        ("3", "NetSuite"),
        ("4", "Shopify"),
    ]
    for integration in DEFAULT_INTEGRATIONS:
        assert f'id="install-{integration.id}" data-testid="install" data-install' in response.text
        assert f'aria-label="Install {integration.name}">Install</button>' in response.text


def test_viewer_falls_back_to_full_name_then_sub(client: TestClient, config: PandiumConfig) -> None:
    named = client.get(marketplace_url(config, mint(config, PandiumUser("u-9", full_name="Full Name"))))
    assert '<strong id="viewer" data-testid="signed-in-as">Full Name</strong>' in named.text
    bare = client.get(marketplace_url(config, mint(config, PandiumUser("u-9"), jti="other")))
    assert '<strong id="viewer" data-testid="signed-in-as">u-9</strong>' in bare.text


def test_marketplace_honours_hidden_and_installed_integrations(client: TestClient, config: PandiumConfig) -> None:
    user = PandiumUser("u", installed_integrations=[2], extra={"hidden_integrations": ["3", 4]})
    response = client.get(marketplace_url(config, mint(config, user)))

    assert [i["id"] for i in page_data(response.text)["integrations"]] == ["1", "2"]
    assert 'id="integration-3"' not in response.text and 'id="integration-4"' not in response.text
    assert '<span class="badge" id="installed-2" data-testid="installed">Installed</span>' in response.text
    assert (
        'id="install-2" data-testid="install" data-install data-integration-id="2"'
        ' aria-label="Install Salesforce" hidden>' in response.text
    )
    assert '<span class="badge" id="installed-1" data-testid="installed" hidden>Installed</span>' in response.text
    assert 'aria-label="Install HubSpot">Install</button>' in response.text


def test_install_and_cancel_payloads(client: TestClient, config: PandiumConfig) -> None:
    response = client.get(install_url(config, "3", mint(config)))
    data = page_data(response.text)
    assert data["page"] == "install" and data["integrationId"] == "3"
    [entry] = data["integrations"]
    assert entry["tenant"]["integration"] == {"id": 3, "name": "NetSuite"}
    assert entry["tenant"]["connected_users"]["pandium"]["email"] == "ann@example.com"
    assert entry["cancelled"] == {"id": None, "integration": {"id": 3, "name": "NetSuite"}}
    assert '<h2 id="install-title">Install NetSuite</h2>' in response.text
    assert f'{BUTTON} class="primary" id="save" data-testid="save">Save</button>' in response.text
    assert f'{BUTTON} class="secondary" id="cancel" data-testid="cancel">Cancel</button>' in response.text


def test_tenant_ids_are_unique_across_pages(client: TestClient, config: PandiumConfig) -> None:
    first = page_data((client.get(marketplace_url(config, mint(config)))).text)
    second = page_data((client.get(install_url(config, "1", mint(config)))).text)
    ids = [i["tenant"]["id"] for i in first["integrations"] + second["integrations"]]
    assert len(ids) == len(set(ids)) == 5


# -- page-level refusals ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("path", "expected"),
    [
        ("/globex", "unknown-org"),
        ("/globex/tenants/create/1", "unknown-org"),
        ("/acme/tenants/create/99", "unknown-integration"),
        ("/acme/salesforce/auth", "unknown-connector"),
        ("/globex/hubspot/auth", "unknown-org"),
    ],
)
def test_unknown_pages_are_404_and_keep_the_token_usable(
    client: TestClient, mock: MockPandium, config: PandiumConfig, path: str, expected: str
) -> None:
    token = mint(config, xti=AUTH_XTI)
    response = client.get(path, params={"tenant": token})
    assert response.status_code == 404
    assert f'<code id="reason">{expected}</code>' in response.text
    assert mock.rejected[-1].reason == expected
    # Refused before verification: the jti is not used up.
    assert (client.get("/acme/hubspot/auth", params={"tenant": token})).status_code == 200


@pytest.mark.parametrize(
    ("xti", "expected"),
    [
        (None, "missing-auth-info"),
        ({"connector_name": "hubspot", "integration_name": "HubSpot"}, "missing-auth-info"),
        ({"connector_name": "hubspot", "integration_name": "", "token": "t"}, "missing-auth-info"),
        ({"connector_name": "hubspot", "integration_name": "HubSpot", "token": 5}, "missing-auth-info"),
        ({"connector_name": "gwt", "integration_name": "HubSpot", "token": "t"}, "wrong-connector"),
    ],
)
def test_auth_only_needs_the_connector_fields_in_xti(
    client: TestClient, mock: MockPandium, config: PandiumConfig, xti: dict[str, Any] | None, expected: str
) -> None:
    response = client.get("/acme/hubspot/auth", params={"tenant": mint(config, xti=xti)})
    assert response.status_code == 401
    assert mock.rejected[-1].reason == expected


def test_wrong_method_and_unknown_paths(client: TestClient) -> None:
    assert (client.post("/acme")).status_code == 405
    assert (client.get("/acme/tenants/create")).status_code == 404
    assert (client.get("/acme/")).status_code == 404


# -- the Auth-Only success payload ---------------------------------------------------------------


def test_auth_page_success_message_has_the_documented_shape(client: TestClient, config: PandiumConfig) -> None:
    # The sub of the JWT example in Pandium's "Customizing the JWT" doc; its tenant's username is that sub.
    user = PandiumUser(
        "test-pandium-com",
        display_name="Pandium Test",
        full_name="Important Person",
        email="test@pandium.com",
        installed_integrations=["some-int"],
        auditable_id="1800",
        auditable_display_name="Auditable Person",
        extra={"extraProp": "extra value", "extraList": ["one", "listVal"]},
    )
    response = client.get(connect_url(config, "hubspot", mint(config, user, xti=AUTH_XTI)))
    data = page_data(response.text)
    success = data["success"]

    assert shape(success) == shape(load_success_example())
    assert success["message"] == "pandium-success"
    assert success["webhook_url"].startswith(f"{BASE}/__mock__/webhooks/")
    tenant = success["tenant"]
    assert tenant["integration"] == {"id": 1, "name": "HubSpot Sync"}
    assert tenant["namespace"] == "acme" and tenant["status"]["tenant_id"] == tenant["id"]
    assert tenant["status"]["auth"]["connected"] is True
    assert tenant["status"]["auth"]["HUBSPOT_AUTH_STATUS"] == "Connected"
    pandium = tenant["connected_users"]["pandium"]
    assert pandium["email"] == "test@pandium.com" and pandium["username"] == "test-pandium-com"
    assert pandium["realm_id"] == "acme" and pandium["created_timestamp"] == NOW * 1000
    assert pandium["attributes"]["jwt"] == {
        "display_name": "Pandium Test",
        "full_name": "Important Person",
        "external_integrations": "some-int",
        "auditable_uid": "1800",
        "auditable_display_name": "Auditable Person",
        "extra_tenant_info": json.dumps({**user.extra, **AUTH_XTI}, separators=(",", ":")),  # type: ignore[dict-item]
        "namespace": "acme",
        "keycloak_uri": pandium["attributes"]["jwt"]["keycloak_uri"],
    }
    assert json.loads(pandium["attributes"]["jwt"]["extra_tenant_info"])["token"] == "host-api-credential"
    assert data["system"] == "HubSpot"
    assert data["consentUrl"] == f"/__mock__/consent/hubspot?state={data['state']}"
    assert f'{BUTTON} class="primary" id="connect" data-testid="connect">Connect HubSpot</button>' in response.text


def test_the_tenants_username_is_the_tokens_sub_lower_cased_not_the_email(
    client: TestClient, config: PandiumConfig
) -> None:
    user = PandiumUser("User-7", email="ann@example.test")
    success = page_data(client.get(connect_url(config, "hubspot", mint(config, user, xti=AUTH_XTI))).text)["success"]
    assert success["tenant"]["connected_users"]["pandium"]["username"] == "user-7"


def test_consent_popup(client: TestClient, config: PandiumConfig) -> None:
    auth = page_data((client.get(connect_url(config, "hubspot", mint(config, xti=AUTH_XTI)))).text)
    popup = client.get(auth["consentUrl"])
    assert popup.status_code == 200
    assert page_data(popup.text) == {"page": "consent", "parentOrigins": [], "state": auth["state"]}
    assert f'{BUTTON} class="primary" id="approve" data-testid="approve">Approve</button>' in popup.text
    assert f'{BUTTON} class="secondary" id="deny" data-testid="deny">Deny</button>' in popup.text
    # A consent screen is never framed, by anyone.
    assert csp(popup)["frame-ancestors"] == "'none'"


@pytest.mark.parametrize(
    ("path", "status", "expected"),
    [
        ("/__mock__/consent/hubspot", 400, "bad-state"),
        ("/__mock__/consent/hubspot?state=short", 400, "bad-state"),
        ("/__mock__/consent/hubspot?state=" + "%3Cscript%3E" * 3, 400, "bad-state"),
        ("/__mock__/consent/nope?state=" + "a" * 24, 404, "unknown-connector"),
    ],
)
def test_consent_popup_refusals(client: TestClient, mock: MockPandium, path: str, status: int, expected: str) -> None:
    response = client.get(path)
    assert response.status_code == status
    assert mock.rejected[-1].reason == expected
    assert "<script>" not in response.text


# -- headers, escaping, data ---------------------------------------------------------------------


def test_csp_frame_ancestors_lists_the_parent_origins(clock: Clock, config: PandiumConfig) -> None:
    mock = MockPandium(
        org="acme", secret=SECRET, clock=clock, parent_origins=["http://127.0.0.1:8000/", "HTTPS://App.Example.com:443"]
    )
    with quiet_httpx(), sync_client(mock, base_url=BASE) as client:
        ok = client.get(marketplace_url(config, mint(config)))
        refused = client.get("/acme?tenant=nope")
        mock.add_parent_origin("http://localhost:5173")
        later = client.get(marketplace_url(config, mint(config)))

    for response in (ok, refused):
        policy = csp(response)
        assert policy["frame-ancestors"] == "http://127.0.0.1:8000 https://app.example.com"
        assert policy["script-src"] == "'self'" and policy["style-src"] == "'self'"
        assert policy["default-src"] == "'none'"
        assert "unsafe-inline" not in response.headers["content-security-policy"]
        assert page_data(response.text)["parentOrigins"] == ["http://127.0.0.1:8000", "https://app.example.com"]
    assert csp(later)["frame-ancestors"] == "http://127.0.0.1:8000 https://app.example.com http://localhost:5173"
    assert page_data(later.text)["parentOrigins"][-1] == "http://localhost:5173"


def test_without_parent_origins_nobody_may_frame_the_pages(clock: Clock, config: PandiumConfig) -> None:
    mock = MockPandium(org="acme", secret=SECRET, clock=clock)
    with quiet_httpx(), sync_client(mock, base_url=BASE) as client:
        response = client.get(marketplace_url(config, mint(config)))
    assert csp(response)["frame-ancestors"] == "'none'"
    assert page_data(response.text)["parentOrigins"] == []


def test_adding_a_parent_origin_twice_keeps_one() -> None:
    mock = MockPandium(org="acme", secret=SECRET)
    assert mock.add_parent_origin("http://127.0.0.1:8000") == "http://127.0.0.1:8000"
    mock.add_parent_origin("http://127.0.0.1:8000/")
    assert mock.parent_origins == ("http://127.0.0.1:8000",)


MARKUP = "<img src=x onerror=alert(1)></script><!--"


@pytest.mark.parametrize("flow", ["marketplace", "connect"])
def test_token_fields_holding_markup_are_escaped(
    client: TestClient, mock: MockPandium, config: PandiumConfig, flow: str
) -> None:
    user = PandiumUser(MARKUP, display_name=MARKUP, email=MARKUP, extra={"note": MARKUP})
    if flow == "marketplace":
        url = marketplace_url(config, mint(config, user))
    else:
        url = connect_url(config, "hubspot", mint(config, user, xti={**AUTH_XTI, "integration_name": MARKUP}))
    response = client.get(url)

    assert response.status_code == 200
    assert "<img" not in response.text and "<!--" not in response.text
    assert response.text.count("</script>") == 2  # the data block's and the page script's, nothing else
    assert html.escape(MARKUP) in response.text
    # The data block still carries the exact values to the script.
    data = page_data(response.text)
    if flow == "marketplace":
        assert (
            data["integrations"][0]["tenant"]["connected_users"]["pandium"]["attributes"]["jwt"]["display_name"]
            == MARKUP
        )
    else:
        assert data["success"]["tenant"]["integration"]["name"] == MARKUP


def test_configured_names_are_escaped_too(clock: Clock, config: PandiumConfig) -> None:
    mock = MockPandium(
        org="acme",
        secret=SECRET,
        clock=clock,
        integrations=[Integration("1", "<b>Bold</b>", description="<i>x</i>")],
        connectors=[Connector("hubspot", "<u>Hub</u>")],
    )
    with quiet_httpx(), sync_client(mock, base_url=BASE) as client:
        market = client.get(marketplace_url(config, mint(config)))
        auth = client.get(connect_url(config, "hubspot", mint(config, xti=AUTH_XTI)))
    for response in (market, auth):
        assert "<b>" not in response.text and "<i>" not in response.text and "<u>" not in response.text
    assert "&lt;b&gt;Bold&lt;/b&gt;" in market.text
    assert "Connect &lt;u&gt;Hub&lt;/u&gt;</button>" in auth.text


# -- records and reserved paths ------------------------------------------------------------------


def test_records_endpoint(client: TestClient, mock: MockPandium, config: PandiumConfig) -> None:
    good = mint(config, jti="jti-good")
    bad = mint(PandiumConfig("acme", OTHER_SECRET))
    client.get(marketplace_url(config, good))
    client.get(marketplace_url(config, bad))

    response = client.get("/__mock__/records")
    assert response.status_code == 200
    assert response.headers["cache-control"] == "no-store"
    records = response.json()
    assert records == mock.records()
    [accepted] = records["accepted"]
    assert accepted == {
        "flow": "marketplace",
        "path": "/acme",
        "at": NOW,
        "claims": {
            "iat": NOW,
            "jti": "jti-good",
            "sub": "user-1",
            "ti": {"udn": "Ann Example", "uem": "ann@example.com"},
        },
    }
    assert records["rejected"] == [
        {
            "flow": "marketplace",
            "path": "/acme",
            "at": NOW,
            "reason": "bad-signature",
            "message": PAGE_REASONS["bad-signature"],
        }
    ]
    assert good not in response.text and bad not in response.text and SECRET not in response.text

    assert (client.delete("/__mock__/records")).status_code == 204
    assert (client.get("/__mock__/records")).json() == {"accepted": [], "rejected": [], "notifications": []}
    assert mock.accepted == [] and mock.rejected == []


def test_static_assets(client: TestClient) -> None:
    script = client.get("/__mock__/static/mock.js")
    style = client.get("/__mock__/static/mock.css")
    assert script.status_code == 200 and script.headers["content-type"].startswith("text/javascript")
    assert style.status_code == 200 and style.headers["content-type"].startswith("text/css")
    # The page script never builds markup or code from strings.
    for forbidden in ("innerHTML", "outerHTML", "insertAdjacentHTML", "eval(", "new Function", '"*"', "'*'"):
        assert forbidden not in script.text
    assert (client.get("/__mock__/static/../app.py")).status_code == 404
    assert (client.get("/__mock__/static/other.js")).status_code == 404


def test_favicon_is_not_mistaken_for_an_org(client: TestClient, mock: MockPandium) -> None:
    assert (client.get("/favicon.ico")).status_code == 204
    assert mock.rejected == []


def test_logs_name_the_reason_never_the_token(
    client: TestClient, config: PandiumConfig, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO, logger="pandium_embed.mock")
    token = mint(PandiumConfig("acme", OTHER_SECRET))
    client.get(marketplace_url(config, token))
    assert "MockPandium refused the marketplace page: bad-signature" in caplog.messages
    assert not any(token in message or SECRET in message for message in caplog.messages)


# -- construction ----------------------------------------------------------------------------------


def test_repr_never_shows_the_secret() -> None:
    mock = MockPandium(org="acme", secret=SECRET, parent_origins=[PARENT])
    assert SECRET not in repr(mock)
    assert (
        repr(mock) == "MockPandium(org='acme', parent_origins=('http://127.0.0.1:8000',), integrations=4, connectors=1)"
    )


def test_defaults() -> None:
    mock = MockPandium(org="acme", secret=SECRET)
    assert [(i.id, i.name) for i in mock.integrations] == [
        ("1", "HubSpot"),
        ("2", "Salesforce"),
        ("3", "NetSuite"),
        ("4", "Shopify"),
    ]
    assert mock.connectors == DEFAULT_CONNECTORS
    assert mock.connector_integrations == {"hubspot": "HubSpot"}
    assert mock.parent_origins == ()


@pytest.mark.parametrize(
    ("options", "message"),
    [
        ({"org": "__mock__"}, BAD_ORG.format(org="__mock__")),
        ({"org": "a/b"}, BAD_ORG.format(org="a/b")),
        ({"org": ""}, BAD_ORG.format(org="")),
        ({"secret": ""}, MISSING_SECRET),
        ({"secret": None}, MISSING_SECRET),
        ({"parent_origins": ["*"]}, BAD_PARENT_ORIGIN.format(origin="*")),
        ({"parent_origins": ["null"]}, BAD_PARENT_ORIGIN.format(origin="null")),
        ({"parent_origins": ["http://app.test/path"]}, BAD_PARENT_ORIGIN.format(origin="http://app.test/path")),
        ({"parent_origins": ["ftp://app.test"]}, BAD_PARENT_ORIGIN.format(origin="ftp://app.test")),
        ({"parent_origins": ["http://user@app.test"]}, BAD_PARENT_ORIGIN.format(origin="http://user@app.test")),
        ({"parent_origins": ["http://app.test:99999"]}, BAD_PARENT_ORIGIN.format(origin="http://app.test:99999")),
        (
            {"parent_origins": ["http://127.0.0.1:8000?x=1"]},
            BAD_PARENT_ORIGIN.format(origin="http://127.0.0.1:8000?x=1"),
        ),
        (
            {"integrations": [Integration("1", "A"), Integration("1", "B")]},
            BAD_INTEGRATION.format(item=Integration("1", "B")),
        ),
        ({"integrations": [Integration("a b", "A")]}, BAD_INTEGRATION.format(item=Integration("a b", "A"))),
        ({"integrations": ["1"]}, BAD_INTEGRATION.format(item="1")),
        ({"connectors": [Connector("x", "")]}, BAD_CONNECTOR.format(item=Connector("x", ""))),
        ({"connectors": [Connector("../x", "X")]}, BAD_CONNECTOR.format(item=Connector("../x", "X"))),
        ({"skew": -1}, BAD_SKEW.format(skew=-1)),
        ({"skew": float("nan")}, BAD_SKEW.format(skew=float("nan"))),
    ],
)
def test_bad_settings_raise_a_clear_value_error(options: dict[str, Any], message: str) -> None:
    values: dict[str, Any] = {"org": "acme", "secret": SECRET, **options}
    with pytest.raises(ValueError) as caught:
        MockPandium(**values)
    assert str(caught.value) == message
    assert SECRET not in str(caught.value)
