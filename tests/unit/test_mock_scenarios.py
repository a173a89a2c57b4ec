"""Scenarios: the stand-in misbehaves on purpose, set from Python or over HTTP, and behaves again after."""

from __future__ import annotations

import time
from collections.abc import Iterator
from typing import Any

import pytest
from starlette.testclient import TestClient

from pandium_embed import PandiumConfig, PandiumUser, connect_url, install_url, marketplace_url, mint_token
from pandium_embed.mock import PAGE_REASONS, MockPandium, Scenario, ScenarioError
from pandium_embed.mock.app import SCENARIO_NEEDS_JSON, SCENARIO_TOO_LARGE
from pandium_embed.mock.scenarios import (
    BAD_DELAY,
    BAD_FLAG,
    BAD_REJECT,
    BAD_STATUS,
    BAD_TENANT,
    BAD_TIMES,
    NOT_AN_OBJECT,
    UNKNOWN_FIELD,
    parse_scenario,
)
from tests.support.asgi import quiet_httpx, sync_client
from tests.support.mock import page_data

SECRET = "scenario-tests-shared-secret-0123456789ab"
BASE = "http://localhost:9999"
PARENT = "http://127.0.0.1:8000"
API_KEY = "scenario-api-key"
USER = PandiumUser("user-1", display_name="Ann Example")
AUTH_XTI = {"connector_name": "hubspot", "integration_name": "HubSpot", "token": "host-api-credential"}
SCENARIO_URL = "/__mock__/scenario"
JSON = {"Content-Type": "application/json"}


@pytest.fixture
def mock() -> MockPandium:
    return MockPandium(org="acme", secret=SECRET, parent_origins=[PARENT], api_key=API_KEY)


@pytest.fixture
def client(mock: MockPandium) -> Iterator[TestClient]:
    with quiet_httpx(), sync_client(mock, base_url=BASE) as client:
        yield client


CONFIG = PandiumConfig(
    "acme",
    SECRET,
    marketplace_base_url=BASE,
    install_base_url=BASE,
    connect_base_url=BASE,
    connectors={"hubspot": "HubSpot"},
)


def marketplace() -> str:
    return marketplace_url(CONFIG, mint_token(CONFIG, USER))


def install(integration_id: str = "1") -> str:
    return install_url(CONFIG, integration_id, mint_token(CONFIG, USER))


def auth() -> str:
    return connect_url(CONFIG, "hubspot", mint_token(CONFIG, USER, xti=AUTH_XTI))


def test_without_a_scenario_the_pages_behave(client: TestClient, mock: MockPandium) -> None:
    response = client.get(marketplace())
    assert response.status_code == 200
    data = page_data(response.text)
    assert "silent" not in data and "denyConsent" not in data
    assert mock.active_scenario is None


@pytest.mark.parametrize("reason", ["expired", "replayed", "bad-signature", "unknown-org", "missing-auth-info"])
def test_reject_refuses_the_next_token_with_the_reason(client: TestClient, mock: MockPandium, reason: str) -> None:
    mock.scenario(reject=reason, times=1)

    refused = client.get(marketplace())
    assert refused.status_code in (401, 404)
    assert f'data-testid="refusal" data-reason="{reason}"' in refused.text
    assert [(r.reason, r.flow) for r in mock.rejected] == [(reason, "marketplace")]
    # Used up: the next page behaves.
    assert client.get(marketplace()).status_code == 200
    assert mock.active_scenario is None


def test_times_counts_page_loads_and_none_means_until_reset(client: TestClient, mock: MockPandium) -> None:
    mock.scenario(reject="expired", times=2)
    assert [client.get(install()).status_code for _ in range(3)] == [401, 401, 200]

    mock.scenario(reject="expired")
    assert [client.get(install()).status_code for _ in range(3)] == [401, 401, 401]
    mock.reset_scenario()
    assert client.get(install()).status_code == 200


@pytest.mark.parametrize("make_url", [marketplace, install, auth])
def test_status_answers_every_page_with_a_server_error(client: TestClient, mock: MockPandium, make_url: Any) -> None:
    mock.scenario(status=503)
    response = client.get(make_url())
    assert response.status_code == 503
    assert 'data-testid="refusal" data-reason="server-error"' in response.text
    # Not a token refusal: nothing is recorded as one, and no token was accepted either.
    assert mock.rejected == [] and mock.accepted == []


def test_status_and_tenant_apply_to_the_rest_api_while_active(client: TestClient, mock: MockPandium) -> None:
    mock.scenario(tenant={"id": 9001, "name": "custom-tenant"})
    [entry] = page_data(client.get(install("2")).text)["integrations"]
    assert (entry["tenant"]["id"], entry["tenant"]["name"]) == (9001, "custom-tenant")
    assert entry["tenant"]["integration"] == {"id": 2, "name": "Salesforce"}
    served = client.get("/v2/tenants/9001", headers={"X-API-KEY": API_KEY})
    assert served.status_code == 200 and served.json()["name"] == "custom-tenant"

    mock.scenario(status=502)
    failing = client.get("/v2/tenants/9001", headers={"X-API-KEY": API_KEY})
    assert failing.status_code == 502 and "502" in failing.json()["detail"]


def test_a_custom_tenant_reaches_the_auth_only_success_message(client: TestClient, mock: MockPandium) -> None:
    mock.scenario(tenant={"name": "from-the-test", "paused": True})
    success = page_data(client.get(auth()).text)["success"]
    assert success["tenant"]["name"] == "from-the-test" and success["tenant"]["paused"] is True


def test_silent_and_deny_consent_switch_the_page_script(client: TestClient, mock: MockPandium) -> None:
    mock.scenario(silent=True, deny_consent=True)
    data = page_data(client.get(auth()).text)
    assert data["silent"] is True and data["denyConsent"] is True


def test_delay_holds_the_page_back(client: TestClient, mock: MockPandium) -> None:
    mock.scenario(delay=0.3, times=1)
    started = time.monotonic()
    assert client.get(marketplace()).status_code == 200
    # A lower bound only: a busy machine makes it slower, never faster.
    assert time.monotonic() - started >= 0.3


def test_the_scenario_is_a_copy_of_what_was_given(mock: MockPandium) -> None:
    tenant: dict[str, Any] = {"name": "before"}
    scenario = mock.scenario(tenant=tenant)
    tenant["name"] = "after"
    assert scenario.tenant == {"name": "before"}
    assert isinstance(scenario, Scenario)


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"rejct": "expired"}, UNKNOWN_FIELD.format(name="rejct")),
        ({"reject": "nope"}, BAD_REJECT.format(codes=", ".join(sorted(PAGE_REASONS)), value="nope")),
        ({"status": 404}, BAD_STATUS.format(value=404)),
        ({"status": True}, BAD_STATUS.format(value=True)),
        ({"delay": -1}, BAD_DELAY.format(value=-1)),
        ({"delay": 600}, BAD_DELAY.format(value=600)),
        ({"delay": "1"}, BAD_DELAY.format(value="1")),
        ({"silent": "yes"}, BAD_FLAG.format(name="silent", value="yes")),
        ({"deny_consent": 1}, BAD_FLAG.format(name="deny_consent", value=1)),
        ({"tenant": [1]}, BAD_TENANT.format(value=[1])),
        ({"tenant": {"id": float("nan")}}, BAD_TENANT.format(value={"id": float("nan")})),
        ({"times": 0}, BAD_TIMES.format(value=0)),
        ({"times": 1.5}, BAD_TIMES.format(value=1.5)),
    ],
)
def test_a_wrong_field_is_named(fields: dict[str, Any], message: str) -> None:
    with pytest.raises(ScenarioError) as raised:
        parse_scenario(fields, reasons=PAGE_REASONS)
    assert str(raised.value) == message


def test_a_wrong_python_argument_leaves_the_active_scenario_alone(mock: MockPandium) -> None:
    mock.scenario(silent=True)
    with pytest.raises(ValueError, match="status must be"):
        mock.scenario(status=200)
    assert mock.active_scenario == Scenario(silent=True)


def test_over_http_set_read_and_reset(client: TestClient, mock: MockPandium) -> None:
    assert client.get(SCENARIO_URL).json() == {"scenario": None}
    answer = client.post(SCENARIO_URL, json={"reject": "expired", "times": 1})
    assert answer.status_code == 200
    assert answer.json()["scenario"] == Scenario(reject="expired", times=1).as_json()
    assert answer.headers["cache-control"] == "no-store"
    assert mock.active_scenario == Scenario(reject="expired", times=1)
    assert client.get(marketplace()).status_code == 401

    client.post(SCENARIO_URL, json={"silent": True})
    assert client.delete(SCENARIO_URL).status_code == 204
    assert client.get(SCENARIO_URL).json() == {"scenario": None}


@pytest.mark.parametrize(
    ("content", "headers", "status", "detail"),
    [
        (b'{"status": 200}', JSON, 400, BAD_STATUS.format(value=200)),
        (b'{"nope": 1}', JSON, 400, UNKNOWN_FIELD.format(name="nope")),
        (b"[1, 2]", JSON, 400, NOT_AN_OBJECT),
        (b"{not json", JSON, 400, SCENARIO_NEEDS_JSON),
        (b"\xff\xfe", JSON, 400, SCENARIO_NEEDS_JSON),
        # A form post (what a cross-site page can send without a preflight) is refused.
        (b'{"silent": true}', {"Content-Type": "text/plain"}, 415, SCENARIO_NEEDS_JSON),
        (b'{"tenant": {"x": "' + b"a" * 70_000 + b'"}}', JSON, 413, SCENARIO_TOO_LARGE),
    ],
)
def test_over_http_bad_bodies_get_a_clear_4xx(
    client: TestClient, mock: MockPandium, content: bytes, headers: dict[str, str], status: int, detail: str
) -> None:
    response = client.post(SCENARIO_URL, content=content, headers=headers)
    assert (response.status_code, response.json()) == (status, {"detail": detail})
    assert mock.active_scenario is None


def test_each_pandium_mock_fixture_starts_without_a_scenario(pandium_mock: Any) -> None:
    # The fixture is function-scoped: every test gets a fresh stand-in, so no scenario leaks across tests.
    assert pandium_mock.app.active_scenario is None
    pandium_mock.scenario(status=500)
    assert pandium_mock.app.active_scenario == Scenario(status=500)
    pandium_mock.reset_scenario()
    assert pandium_mock.app.active_scenario is None


def test_over_http_a_deeply_nested_body_is_a_4xx_not_a_crash(client: TestClient, mock: MockPandium) -> None:
    # Whether json.loads gives up (RecursionError) depends on the interpreter's recursion limit.
    response = client.post(SCENARIO_URL, content=b"[" * 30_000 + b"]" * 30_000, headers=JSON)
    assert response.status_code == 400
    assert response.json()["detail"] in (SCENARIO_NEEDS_JSON, NOT_AN_OBJECT)
    assert mock.active_scenario is None
