"""PandiumAPI and AsyncPandiumAPI: every method, over HTTP, against the stand-in's REST API.

Each test runs with both clients (``api`` is one or the other behind one calling convention). Tenants
are made as a user makes them: the stand-in's install-only page is opened with a fresh token and its
Save reported, so the REST API serves what the pages created.
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import Callable
from typing import Any

import httpx
import pytest

from pandium_embed import PandiumUser, install_url, mint_token
from pandium_embed import api as api_module
from pandium_embed.api import (
    SYNC_PATHS,
    AsyncPandiumAPI,
    PandiumAPI,
    PandiumAPIError,
    PandiumNotFound,
    PandiumRateLimited,
    PandiumUnauthorised,
    PandiumUnavailable,
)
from pandium_embed.background_server import BackgroundServer
from pandium_embed.mock.api_routes import RATE_LIMIT_RETRY_AFTER
from pandium_embed.mock.mock_server import MockPandiumServer
from tests.support.asgi import quiet_httpx
from tests.support.mock import install

ANN = PandiumUser("ann-1", email="ann@example.test")
BOB = PandiumUser("bob-2")

Call = Callable[..., Any]


def make_api(kind: str, api_key: str, base_url: str, **options: Any) -> Call:
    """``api("tenants", sub=...)``: one call on a fresh PandiumAPI or AsyncPandiumAPI."""

    def call(method: str, *args: Any, **kwargs: Any) -> Any:
        if kind == "sync":
            with PandiumAPI(api_key, base_url=base_url, **options) as client:
                return getattr(client, method)(*args, **kwargs)

        async def run() -> Any:
            async with AsyncPandiumAPI(api_key, base_url=base_url, **options) as client:
                return await getattr(client, method)(*args, **kwargs)

        return asyncio.run(run())

    return call


@pytest.fixture(params=["sync", "async"])
def kind(request: pytest.FixtureRequest) -> str:
    value: str = request.param
    return value


@pytest.fixture
def api(kind: str, pandium_mock: MockPandiumServer) -> Call:
    return make_api(kind, pandium_mock.api_key, pandium_mock.url)


@pytest.fixture
def tenants(pandium_mock: MockPandiumServer) -> dict[str, list[dict[str, Any]]]:
    """Ann has installed integrations 1 and 2, Bob integration 1."""
    return {
        "ann": [install(pandium_mock, ANN, "1"), install(pandium_mock, ANN, "2")],
        "bob": [install(pandium_mock, BOB, "1")],
    }


def ids(items: list[dict[str, Any]]) -> list[Any]:
    return sorted(item["id"] for item in items)


# -- each method -------------------------------------------------------------------------------------


def test_tenants_lists_the_users_own_tenants_only(api: Call, tenants: dict[str, list[dict[str, Any]]]) -> None:
    assert ids(api("tenants", sub=ANN.sub)) == ids(tenants["ann"])
    assert ids(api("tenants", sub=BOB.sub)) == ids(tenants["bob"])
    assert api("tenants", sub="nobody") == []
    listed = api("tenants", sub=ANN.sub)[0]
    assert listed["connected_users"]["pandium"]["username"] == ANN.sub


def test_tenants_leaves_out_a_tenant_a_page_only_offered(api: Call, pandium_mock: MockPandiumServer) -> None:
    config = pandium_mock.config()
    with quiet_httpx():
        httpx.get(install_url(config, "3", mint_token(config, ANN)))  # opened, never saved
    assert api("tenants", sub=ANN.sub) == []


def test_tenant_reads_the_users_tenant(api: Call, tenants: dict[str, list[dict[str, Any]]]) -> None:
    mine = tenants["ann"][0]
    found = api("tenant", mine["id"], sub=ANN.sub)
    assert found["id"] == mine["id"] and found["integration"] == mine["integration"]
    assert api("tenant", str(mine["id"]), sub=ANN.sub.upper())["id"] == mine["id"]


def test_another_users_tenant_is_not_found_exactly_like_a_missing_one(
    api: Call, tenants: dict[str, list[dict[str, Any]]]
) -> None:
    bobs = tenants["bob"][0]["id"]
    errors = []
    for tenant_id in (bobs, 987654):
        with pytest.raises(PandiumNotFound) as raised:
            api("tenant", tenant_id, sub=ANN.sub)
        errors.append((str(raised.value), raised.value.status))
    assert errors[0] == errors[1]
    for method, args in [("sync", ()), ("archive", ()), ("run_status", ("t-1",))]:
        with pytest.raises(PandiumNotFound):
            api(method, bobs, *args, sub=ANN.sub)
    # Nothing happened to Bob's tenant.
    assert api("tenant", bobs, sub=BOB.sub)["archived"] is False


def test_sync_triggers_a_run_and_run_status_reads_it(api: Call, tenants: dict[str, list[dict[str, Any]]]) -> None:
    mine = tenants["ann"][0]["id"]
    trigger = api("sync", mine, sub=ANN.sub)
    assert isinstance(trigger, str) and trigger
    status = api("run_status", mine, trigger, sub=ANN.sub)
    assert status is not None and status["status"] == "completed"
    init = api("sync", mine, sub=ANN.sub, mode="init")
    assert init != trigger
    # No status yet for a trigger Pandium does not know: None, not an error.
    assert api("run_status", mine, "no-such-trigger", sub=ANN.sub) is None


@pytest.mark.parametrize("path", sorted(SYNC_PATHS))
def test_sync_posts_to_the_configured_path(
    kind: str, pandium_mock: MockPandiumServer, tenants: dict[str, list[dict[str, Any]]], path: str
) -> None:
    mine = tenants["ann"][0]["id"]
    api = make_api(kind, pandium_mock.api_key, pandium_mock.url, sync_path=SYNC_PATHS[path])
    trigger = api("sync", mine, sub=ANN.sub)
    assert api("run_status", mine, trigger, sub=ANN.sub) == {"status": "completed"}
    # A template the stand-in does not serve is posted to as given: Pandium's 404 for it.
    elsewhere = make_api(kind, pandium_mock.api_key, pandium_mock.url, sync_path="/v2/tenants/{tenant_id}/nope")
    with pytest.raises(PandiumNotFound, match="POST /v2/tenants/<id>/nope"):
        elsewhere("sync", mine, sub=ANN.sub)


def test_archive_archives_the_users_tenant_and_pandium_notifies(
    api: Call, pandium_mock: MockPandiumServer, tenants: dict[str, list[dict[str, Any]]]
) -> None:
    mine = tenants["ann"][0]["id"]
    archived = api("archive", mine, sub=ANN.sub)
    assert archived["id"] == mine and archived["archived"] is True
    assert api("tenant", mine, sub=ANN.sub)["archived"] is True
    assert ids(api("tenants", sub=ANN.sub)) == [tenants["ann"][1]["id"]]
    assert ids(api("tenants", sub=ANN.sub, archived=True)) == [mine]


def test_archive_all_archives_every_tenant_of_the_user_and_no_one_elses(
    api: Call, tenants: dict[str, list[dict[str, Any]]]
) -> None:
    done = api("archive_all", sub=ANN.sub)
    assert ids(done) == ids(tenants["ann"])
    assert api("tenants", sub=ANN.sub) == []
    assert ids(api("tenants", sub=BOB.sub)) == ids(tenants["bob"])
    # Safe to repeat: nothing left to archive.
    assert api("archive_all", sub=ANN.sub) == []


def test_integrations_lists_the_orgs_integrations(api: Call, pandium_mock: MockPandiumServer) -> None:
    listed = api("integrations")
    assert [(str(item["id"]), item["name"]) for item in listed] == [
        (item.id, item.name) for item in pandium_mock.app.integrations
    ]


def test_tenant_owner_is_pandiums_record_of_the_sub(api: Call, tenants: dict[str, list[dict[str, Any]]]) -> None:
    assert api("tenant_owner", tenants["bob"][0]["id"]) == BOB.sub
    assert api("tenant_owner", 987654) is None


# -- errors, each type ---------------------------------------------------------------------------------

EVERY_METHOD: list[tuple[str, tuple[Any, ...], dict[str, Any]]] = [
    ("tenants", (), {"sub": ANN.sub}),
    ("tenant", (1,), {"sub": ANN.sub}),
    ("tenant_owner", (1,), {}),
    ("sync", (1,), {"sub": ANN.sub}),
    ("run_status", (1, "t-1"), {"sub": ANN.sub}),
    ("archive", (1,), {"sub": ANN.sub}),
    ("archive_all", (), {"sub": ANN.sub}),
    ("integrations", (), {}),
]


@pytest.mark.parametrize(("method", "args", "kwargs"), EVERY_METHOD, ids=[m[0] for m in EVERY_METHOD])
def test_a_wrong_key_is_unauthorised_without_the_key_in_the_error(
    kind: str, pandium_mock: MockPandiumServer, method: str, args: tuple[Any, ...], kwargs: dict[str, Any]
) -> None:
    install(pandium_mock, ANN)
    wrong = "wrong-" + pandium_mock.api_key
    with pytest.raises(PandiumUnauthorised) as raised:
        make_api(kind, wrong, pandium_mock.url)(method, *args, **kwargs)
    assert raised.value.status == 401 and "check the API key" in str(raised.value)
    assert pandium_mock.api_key not in str(raised.value) and wrong not in repr(raised.value)


@pytest.mark.parametrize(("method", "args", "kwargs"), EVERY_METHOD, ids=[m[0] for m in EVERY_METHOD])
def test_a_rate_limit_says_when_to_retry(
    kind: str, pandium_mock: MockPandiumServer, method: str, args: tuple[Any, ...], kwargs: dict[str, Any]
) -> None:
    install(pandium_mock, ANN)
    pandium_mock.scenario(status=429)
    with pytest.raises(PandiumRateLimited) as raised:
        make_api(kind, pandium_mock.api_key, pandium_mock.url)(method, *args, **kwargs)
    assert raised.value.status == 429
    assert raised.value.retry_after == RATE_LIMIT_RETRY_AFTER
    assert f"retry in {RATE_LIMIT_RETRY_AFTER} seconds" in str(raised.value)


@pytest.mark.parametrize(("method", "args", "kwargs"), EVERY_METHOD, ids=[m[0] for m in EVERY_METHOD])
def test_a_failing_pandium_is_unavailable(
    kind: str, pandium_mock: MockPandiumServer, method: str, args: tuple[Any, ...], kwargs: dict[str, Any]
) -> None:
    install(pandium_mock, ANN)
    pandium_mock.scenario(status=503)
    with pytest.raises(PandiumUnavailable) as raised:
        make_api(kind, pandium_mock.api_key, pandium_mock.url)(method, *args, **kwargs)
    assert raised.value.status == 503 and "try again later" in str(raised.value)


def test_an_unreachable_pandium_is_unavailable_with_no_status(kind: str) -> None:
    with BackgroundServer(lambda scope, receive, send: None) as server:  # type: ignore[arg-type, return-value]
        url = server.url
    with pytest.raises(PandiumUnavailable) as raised:
        make_api(kind, "secret-api-key", url)("tenants", sub=ANN.sub)
    assert raised.value.status is None and "secret-api-key" not in str(raised.value)
    assert raised.value.__cause__ is None and raised.value.__suppress_context__


def test_bad_arguments_are_value_errors_before_any_request(kind: str) -> None:
    api = make_api(kind, "k", "http://127.0.0.1:9")
    cases: list[tuple[str, tuple[Any, ...], dict[str, Any], str]] = [
        ("tenant", ("../admin",), {"sub": "a"}, api_module.BAD_TENANT_ID),
        ("tenant", (1,), {"sub": ""}, api_module.MISSING_SUB),
        ("tenants", (), {"sub": None}, api_module.MISSING_SUB),
        ("run_status", (1, "../x"), {"sub": "a"}, api_module.BAD_TRIGGER_ID),
        ("sync", (1,), {"sub": "a", "mode": "full"}, "sync mode must be one of"),
    ]
    for method, args, kwargs, message in cases:
        with pytest.raises(ValueError) as raised:
            api(method, *args, **kwargs)
        assert message in str(raised.value)
    with pytest.raises(ValueError, match="sync_path must be"):
        make_api(kind, "k", "http://127.0.0.1:9", sync_path="/v2/tenants/sync")("integrations")
    with pytest.raises(ValueError, match="needs api_key"):
        make_api(kind, "", "http://127.0.0.1:9")("integrations")


def test_the_key_is_never_in_a_repr() -> None:
    client = PandiumAPI("the-secret-key", environment="production")
    assert "the-secret-key" not in repr(client) and "api.pandium.io" in repr(client)
    client.close()


# -- what the stand-in cannot show: list answers without connected_users, paging, odd answers ---------------


def recording(handler: Callable[[httpx.Request], httpx.Response]) -> tuple[httpx.MockTransport, list[str]]:
    seen: list[str] = []

    def record(request: httpx.Request) -> httpx.Response:
        seen.append(f"{request.method} {request.url.path}?{request.url.query.decode()}")
        return handler(request)

    return httpx.MockTransport(record), seen


def test_a_listed_tenant_without_its_users_is_read_whole_before_it_is_judged() -> None:
    owned = {"id": 5, "archived": False, "connected_users": {"pandium": {"username": "ann-1"}}}

    def handler(request: httpx.Request) -> httpx.Response:
        if request.url.path == "/v2/tenants":
            return httpx.Response(200, json=[{"id": 5}, {"id": 6}, {"id": "../7"}])
        if request.url.path == "/v2/tenants/5":
            return httpx.Response(200, json=owned)
        return httpx.Response(200, json={"id": 6, "connected_users": {"pandium": {"username": "bob-2"}}})

    transport, seen = recording(handler)
    with httpx.Client(transport=transport) as http, PandiumAPI("k", client=http) as api:
        assert api.tenants(sub="ann-1") == [owned]
    assert [line.split("?")[0] for line in seen] == ["GET /v2/tenants", "GET /v2/tenants/5", "GET /v2/tenants/6"]
    assert "user_name=ann-1" in seen[0] and "archived=false" in seen[0]


def test_lists_are_read_page_by_page() -> None:
    pages = {0: [{"id": n} for n in range(api_module.PAGE_SIZE)], api_module.PAGE_SIZE: [{"id": "last"}]}

    def handler(request: httpx.Request) -> httpx.Response:
        return httpx.Response(200, json=pages[int(request.url.params["skip"])])

    transport, seen = recording(handler)
    with httpx.Client(transport=transport) as http, PandiumAPI("k", client=http) as api:
        assert len(api.integrations()) == api_module.PAGE_SIZE + 1
    assert len(seen) == 2


@pytest.mark.parametrize(
    ("status", "headers", "content", "error", "text"),
    [
        (403, {}, b"{}", PandiumUnauthorised, "may not read integrations"),
        (429, {"retry-after": "Wed, 21 Oct 2015 07:28:00 GMT"}, b"", PandiumRateLimited, "retry in 0 seconds"),
        (429, {"retry-after": "soon"}, b"", PandiumRateLimited, "retry later"),
        (502, {}, b"", PandiumUnavailable, "answered 502"),
        (302, {"location": "https://elsewhere.test/"}, b"", PandiumAPIError, "answered 302"),
        (200, {}, b'{"not": "a list"}', PandiumAPIError, "other than a JSON array"),
        (200, {}, b"[1]", PandiumAPIError, "a JSON array of objects"),
        (200, {}, b"[" * 100_000, PandiumAPIError, "other than a JSON array"),
    ],
)
def test_other_answers_are_typed_errors_without_the_key(
    status: int, headers: dict[str, str], content: bytes, error: type[Exception], text: str
) -> None:
    transport = httpx.MockTransport(lambda request: httpx.Response(status, headers=headers, content=content))
    with (
        httpx.Client(transport=transport) as http,
        PandiumAPI("secret-api-key", client=http) as api,
        pytest.raises(error) as raised,
    ):
        api.integrations()
    assert type(raised.value) is error and text in str(raised.value)
    assert "secret-api-key" not in str(raised.value)
    if isinstance(raised.value, PandiumRateLimited) and "0 seconds" in text:
        assert raised.value.retry_after == 0.0


def test_a_sync_answer_without_a_trigger_id_is_an_error() -> None:
    owned = {"id": 5, "connected_users": {"pandium": {"username": "ann-1"}}}

    def handler(request: httpx.Request) -> httpx.Response:
        return httpx.Response(202 if request.method == "POST" else 200, content=json.dumps(owned).encode())

    with (
        httpx.Client(transport=httpx.MockTransport(handler)) as http,
        PandiumAPI("k", client=http) as api,
        pytest.raises(PandiumAPIError, match="no trigger_id"),
    ):
        api.sync(5, sub="ann-1")


def test_a_client_of_the_wrong_kind_is_refused() -> None:
    with httpx.Client() as http, pytest.raises(ValueError, match=r"httpx\.AsyncClient"):
        AsyncPandiumAPI("k", client=http)  # type: ignore[arg-type]
