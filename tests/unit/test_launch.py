"""Launch links: launch_url makes <prefix>/launch/<ticket>; opening it mints a fresh token once. The
route's tests take ``door``: they run through PandiumMiddleware (ASGI) and PandiumWSGIMiddleware (WSGI)."""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

import pytest
from itsdangerous import URLSafeTimedSerializer
from starlette.requests import Request

from pandium_embed import MemoryTicketStore, PandiumConfig, PandiumUser, launch_url
from pandium_embed import launch as launch_module
from pandium_embed import options as options_module
from pandium_embed import routes as routes_module
from tests.support.front_doors import FrontDoor, bad_hook, client
from tests.support.launch import (
    ANN,
    BOB,
    CONFIG,
    HOUR,
    LAUNCH_SECRET,
    SECRET,
    T0,
    Clock,
    claims_of,
    link,
    open_at_once,
    open_link,
    reason_of,
    slow_crm_token,
    ticket_of,
)
from tests.support.launch import launch_app as build

pytestmark = pytest.mark.anyio


# --- the link ----------------------------------------------------------------------------------------


def test_launch_url_is_a_path_under_the_prefix_or_absolute_with_base_url() -> None:
    url = link()
    assert url.startswith("/pandium/launch/") and "/" not in ticket_of(url)
    assert link(base_url="https://app.example.com/").startswith("https://app.example.com/pandium/launch/")
    custom = PandiumConfig("acme", SECRET, prefix="/integrations")
    assert launch_url(custom, "u", flow="marketplace", max_age=60, launch_secret=LAUNCH_SECRET).startswith(
        "/integrations/launch/"
    )


def test_each_link_gets_a_unique_ticket_id() -> None:
    assert link() != link()
    assert link(ticket_id="fixed") == link(ticket_id="fixed")


def test_the_ticket_is_signed_with_the_launch_secret_not_pandiums() -> None:
    ticket = ticket_of(link(ticket_id="t-1"))
    serializer = URLSafeTimedSerializer(LAUNCH_SECRET, salt=launch_module.LAUNCH_SALT)
    assert serializer.loads(ticket) == {"s": "user-1", "f": "marketplace", "t": None, "i": "t-1", "a": False, "m": HOUR}
    assert SECRET not in ticket and LAUNCH_SECRET not in ticket


@pytest.mark.parametrize(
    ("sub", "options", "message"),
    [
        ("", {}, launch_module.BAD_SUB),
        (7, {}, launch_module.BAD_SUB),
        ("u", {"flow": "elsewhere"}, launch_module.BAD_FLOW),
        ("u", {"flow": "install"}, launch_module.BAD_INTEGRATION_ID),
        ("u", {"flow": "install", "integration_id": "../x"}, launch_module.BAD_INTEGRATION_ID),
        ("u", {"flow": "install", "integration_id": True}, launch_module.BAD_INTEGRATION_ID),
        ("u", {"flow": "install", "integration_id": -1}, launch_module.BAD_INTEGRATION_ID),
        ("u", {"flow": "connect"}, launch_module.BAD_CONNECTOR),
        ("u", {"flow": "connect", "connector": "nope"}, launch_module.BAD_CONNECTOR),
        ("u", {"flow": "marketplace", "connector": "gwt"}, launch_module.BAD_TARGET),
        ("u", {"flow": "connect", "connector": "gwt", "integration_id": "1"}, launch_module.BAD_TARGET),
        ("u", {"max_age": 0}, "max_age must be a whole number"),
        ("u", {"max_age": True}, "max_age must be a whole number"),
        ("u", {"max_age": 1.5}, "max_age must be a whole number"),
        ("u", {"max_age": launch_module.MAX_LAUNCH_AGE + 1}, "max_age must be a whole number"),
        ("u", {"launch_secret": SECRET}, launch_module.SAME_AS_PANDIUM_SECRET),
        ("u", {"launch_secret": SECRET.encode()}, launch_module.SAME_AS_PANDIUM_SECRET),
        ("u", {"launch_secret": ""}, launch_module.MISSING_LAUNCH_SECRET),
        ("u", {"base_url": "app.example.com"}, launch_module.BAD_BASE_URL),
        ("u", {"base_url": "https://app.example.com#"}, launch_module.BAD_BASE_URL),
        ("u", {"base_url": "https://app.example.com?"}, launch_module.BAD_BASE_URL),
    ],
)
def test_bad_launch_url_arguments_say_what_to_pass(sub: Any, options: dict[str, Any], message: str) -> None:
    values: dict[str, Any] = {"flow": "marketplace", "max_age": HOUR, "launch_secret": LAUNCH_SECRET, **options}
    with pytest.raises(ValueError) as raised:
        launch_url(CONFIG, sub, **values)
    assert message in str(raised.value)
    assert SECRET not in str(raised.value)


def test_a_short_launch_secret_warns() -> None:
    with pytest.warns(UserWarning, match="shorter than 32 bytes"):
        launch_url(CONFIG, "u", flow="marketplace", max_age=60, launch_secret="short")


# --- opening it ----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("options", "location"),
    [
        ({"flow": "marketplace"}, "https://imp.sandbox.pandium.com/acme?tenant="),
        ({"flow": "install", "integration_id": 42}, "https://imp.sandbox.pandium.com/acme/tenants/create/42?tenant="),
        ({"flow": "connect", "connector": "gwt"}, "https://emp.sandbox.pandium.com/acme/gwt/auth?tenant="),
    ],
)
async def test_opening_a_link_mints_a_fresh_token_at_that_moment(
    door: FrontDoor, options: dict[str, Any], location: str
) -> None:
    clock = Clock()
    url = link(**options)
    clock.now = T0 + 1800  # opened half an hour later
    response = await open_link(build(door=door, clock=clock), url)
    assert response.status_code == 303
    assert response.headers["location"].startswith(location)
    assert response.headers["cache-control"] == "no-store"
    assert response.headers["referrer-policy"] == "no-referrer"
    claims = claims_of(response)
    assert (claims["sub"], claims["iat"]) == ("user-1", int(T0 + 1800))
    if options["flow"] == "connect":
        assert claims["ti"]["xti"]["token"] == "crm-user-1"


async def test_a_link_works_once_and_is_refused_after(door: FrontDoor) -> None:
    app = build(door=door)
    url = link()
    first = await open_link(app, url)
    second = await open_link(app, url)
    assert first.status_code == 303
    assert second.status_code == 410
    assert reason_of(second) == "link-used"
    assert "location" not in second.headers


async def test_fetch_callers_get_the_refusal_as_json(door: FrontDoor) -> None:
    app = build(door=door)
    url = link()
    await open_link(app, url)
    response = await open_link(app, url, headers={"sec-fetch-mode": "cors"})
    assert response.status_code == 410
    assert response.json()["error"] == "link-used"


async def test_a_link_expires_after_its_max_age_on_the_injected_clock(door: FrontDoor) -> None:
    clock = Clock()
    url = link(max_age=600)
    clock.now = T0 + 600  # exactly max_age old: still good
    assert (await open_link(build(door=door, clock=clock), url)).status_code == 303
    url = link(max_age=600)
    clock.now = T0 + 601
    response = await open_link(build(door=door, clock=clock), url)
    assert response.status_code == 410
    assert reason_of(response) == "link-expired"


async def test_an_expired_link_is_refused_even_if_never_used_and_by_another_instance(door: FrontDoor) -> None:
    clock = Clock(T0 + 2 * HOUR)
    response = await open_link(build(door=door, clock=clock), link(max_age=HOUR))
    assert (response.status_code, reason_of(response)) == (410, "link-expired")


def tampered_links() -> list[str]:
    good = link(ticket_id="t-1")
    ticket = ticket_of(good)
    payload, timestamp, signature = ticket.rsplit(".", 2)
    flipped = signature[:-1] + ("A" if signature[-1] != "A" else "B")
    forged_payload = ticket_of(link("user-2", ticket_id="t-1")).rsplit(".", 2)[0]
    other_secret = launch_url(CONFIG, "user-1", flow="marketplace", max_age=HOUR, launch_secret="x" * 40, now=T0)
    # Signed with the right secret but another salt, e.g. a value some other part of the app signs.
    other_salt = URLSafeTimedSerializer(LAUNCH_SECRET, salt="session").dumps(
        {"s": "user-1", "f": "marketplace", "t": None, "i": "z", "a": False, "m": HOUR}
    )
    unsigned_age = URLSafeTimedSerializer(LAUNCH_SECRET, salt=launch_module.LAUNCH_SALT).dumps(
        {"s": "user-1", "m": "forever"}
    )
    return [
        f"/pandium/launch/{payload}.{timestamp}.{flipped}",
        f"/pandium/launch/{forged_payload}.{timestamp}.{signature}",
        f"/pandium/launch/{payload}.{timestamp}",
        f"/pandium/launch/{ticket_of(other_secret)}",
        f"/pandium/launch/{other_salt}",
        f"/pandium/launch/{unsigned_age}",
        "/pandium/launch/not-a-ticket",
        "/pandium/launch/" + "a" * 5000,
        "/pandium/launch/%00",
    ]


@pytest.mark.parametrize("url", tampered_links())
async def test_tampered_or_foreign_tickets_are_400_with_a_clear_page(door: FrontDoor, url: str) -> None:
    response = await open_link(build(door=door), url)
    assert response.status_code == 400
    assert reason_of(response) == "link-invalid"
    assert "This link is not valid" in response.text


async def test_an_empty_ticket_or_a_nested_path_is_refused(door: FrontDoor) -> None:
    app = build(door=door)
    assert (await open_link(app, "/pandium/launch/")).status_code == 400
    assert (await open_link(app, link() + "/extra")).status_code == 400


async def test_a_link_for_a_connector_no_longer_configured_is_404(door: FrontDoor) -> None:
    url = link(flow="connect", connector="gwt")
    app = build(door=door, config=PandiumConfig("acme", SECRET))
    response = await open_link(app, url)
    assert response.status_code == 404


# --- claimed only once the redirect is ready --------------------------------------------------------------


async def test_a_connector_token_failure_answers_500_and_the_retry_still_works(door: FrontDoor) -> None:
    calls: list[str] = []

    def flaky(request: Request, user: PandiumUser, connector: str) -> str:
        calls.append(connector)
        if len(calls) == 1:
            raise RuntimeError("database blip")
        return "crm-after-retry"

    app = build(door=door, connector_token=flaky)
    url = link(flow="connect", connector="gwt")
    failed = await open_link(app, url)
    retried = await open_link(app, url)
    assert (failed.status_code, reason_of(failed)) == (500, "server-error")
    assert retried.status_code == 303
    assert claims_of(retried)["ti"]["xti"]["token"] == "crm-after-retry"
    again = await open_link(app, url)
    assert (again.status_code, reason_of(again)) == (410, "link-used")


async def test_an_alone_link_whose_claims_are_too_large_is_not_used_up(door: FrontDoor) -> None:
    oversized = {"notes": "x" * CONFIG.max_url_length}
    users = {"user-9": PandiumUser("user-9", extra=oversized)}

    def user_for_sub(sub: str) -> PandiumUser | None:
        return users.get(sub)

    app = build(door=door, user=None, user_for_sub=user_for_sub)
    url = link("user-9", alone=True)
    too_large = await open_link(app, url)
    users["user-9"] = PandiumUser("user-9")  # the account's data trimmed
    retried = await open_link(app, url)
    assert (too_large.status_code, reason_of(too_large)) == (500, "server-error")
    assert retried.status_code == 303


class FlakyAudit:
    """An ``on_mint`` hook whose audit database is down for the first ``failures`` calls."""

    def __init__(self, failures: int = 1) -> None:
        self.failures = failures
        self.records: list[Any] = []

    def __call__(self, request: Request, user: PandiumUser | None, record: Any) -> None:
        if self.failures:
            self.failures -= 1
            raise OSError("audit database unavailable")
        self.records.append(record)


async def test_a_failing_audit_hook_answers_500_and_leaves_the_link_usable(door: FrontDoor) -> None:
    audit = FlakyAudit()
    app = build(door=door, on_mint=audit)
    url = link()
    failed = await open_link(app, url)
    retried = await open_link(app, url)
    again = await open_link(app, url)
    assert (failed.status_code, reason_of(failed)) == (500, "server-error")
    assert "location" not in failed.headers
    assert retried.status_code == 303
    assert (again.status_code, reason_of(again)) == (410, "link-used")
    # The audit holds the one delivered token, then the refusal of the used link: nothing for the failure.
    assert [record.outcome for record in audit.records] == ["minted", "refused"]
    assert audit.records[0].jti == claims_of(retried)["jti"]
    assert audit.records[1].reason == "link-used"


async def test_thirty_simultaneous_opens_on_one_instance_give_exactly_one_303(door: FrontDoor) -> None:
    responses = await open_at_once(
        [build(door=door, connector_token=slow_crm_token)], link(flow="connect", connector="gwt"), 30
    )
    statuses = sorted(response.status_code for response in responses)
    assert statuses == [303] + [410] * 29
    assert {reason_of(response) for response in responses if response.status_code == 410} == {"link-used"}


# --- who may open it -------------------------------------------------------------------------------------


async def test_a_link_for_ann_is_refused_to_bob_and_stays_usable_for_ann(door: FrontDoor) -> None:
    store = MemoryTicketStore(clock=Clock())
    url = link("user-1")
    as_bob = await open_link(build(door=door, user=BOB, store=store), url)
    assert as_bob.status_code == 403
    assert reason_of(as_bob) == "wrong-user"
    as_ann = await open_link(build(door=door, user=ANN, store=store), url)
    assert as_ann.status_code == 303
    assert claims_of(as_ann)["sub"] == "user-1"


async def test_a_link_opened_before_login_is_401_and_works_after_login(door: FrontDoor) -> None:
    store = MemoryTicketStore(clock=Clock())
    url = link()
    anonymous = await open_link(build(door=door, user=None, store=store), url)
    assert (anonymous.status_code, reason_of(anonymous)) == (401, "not-signed-in")
    assert (await open_link(build(door=door, user=ANN, store=store), url)).status_code == 303


async def sub_lookup_async(sub: str) -> PandiumUser | None:
    return PandiumUser(sub, display_name=f"looked-up {sub}") if sub.startswith("user-") else None


def sub_lookup_sync(sub: str) -> PandiumUser | None:
    return PandiumUser(sub, display_name=f"looked-up {sub}") if sub.startswith("user-") else None


@pytest.mark.parametrize("user_for_sub", [sub_lookup_async, sub_lookup_sync])
async def test_an_alone_link_works_without_a_session_through_user_for_sub(
    door: FrontDoor, user_for_sub: Callable[..., Any]
) -> None:
    app = build(door=door, user=None, user_for_sub=user_for_sub)
    url = link("user-9", alone=True, flow="connect", connector="gwt")
    response = await open_link(app, url)
    assert response.status_code == 303
    claims = claims_of(response)
    assert (claims["sub"], claims["ti"]["udn"], claims["ti"]["xti"]["token"]) == (
        "user-9",
        "looked-up user-9",
        "crm-user-9",
    )
    again = await open_link(app, url)
    assert (again.status_code, reason_of(again)) == (410, "link-used")


async def test_an_alone_link_ignores_whoever_is_signed_in(door: FrontDoor) -> None:
    response = await open_link(build(door=door, user=BOB, user_for_sub=sub_lookup_async), link("user-1", alone=True))
    assert claims_of(response)["sub"] == "user-1"


async def test_an_alone_link_for_an_unknown_account_is_403(door: FrontDoor) -> None:
    response = await open_link(build(door=door, user=None, user_for_sub=sub_lookup_async), link("gone", alone=True))
    assert response.status_code == 403
    assert "no longer exists" in response.text


async def test_a_session_link_never_uses_user_for_sub(door: FrontDoor) -> None:
    looked_up: list[str] = []

    def user_for_sub(sub: str) -> PandiumUser:
        looked_up.append(sub)
        return PandiumUser(sub)

    response = await open_link(build(door=door, user=None, user_for_sub=user_for_sub), link("user-1"))
    assert response.status_code == 401
    assert looked_up == []


async def test_an_alone_link_without_user_for_sub_falls_back_to_the_session(
    door: FrontDoor, caplog: pytest.LogCaptureFixture
) -> None:
    store = MemoryTicketStore(clock=Clock())
    url = link("user-1", alone=True)
    with caplog.at_level(logging.WARNING, logger="pandium_embed"):
        anonymous = await open_link(build(door=door, user=None, store=store), url)
    assert anonymous.status_code == 401
    assert routes_module.ALONE_WITHOUT_USER_FOR_SUB in caplog.text
    assert (await open_link(build(door=door, user=ANN, store=store), url)).status_code == 303


# --- the route's other refusals -------------------------------------------------------------------------


async def test_without_a_launch_secret_the_route_does_not_exist(door: FrontDoor) -> None:
    app = door.middleware(door.bare_app, config=PandiumConfig("acme", SECRET), identify=lambda request: ANN)
    response = await open_link(app, link())
    assert response.status_code == 404


@pytest.mark.parametrize("method", ["POST", "HEAD", "DELETE"])
async def test_only_get_opens_a_link(door: FrontDoor, method: str) -> None:
    app = build(door=door)
    url = link()
    async with client(app) as http:
        response = await http.request(method, url)
    assert response.status_code == 405
    assert response.headers["allow"] == "GET"
    assert (await open_link(app, url)).status_code == 303  # not used up


async def test_a_link_clicked_in_a_webmail_is_a_cross_site_navigation_and_works(door: FrontDoor) -> None:
    headers = {"sec-fetch-site": "cross-site", "sec-fetch-mode": "navigate", "sec-fetch-dest": "document"}
    assert (await open_link(build(door=door), link(), headers=headers)).status_code == 303


@pytest.mark.parametrize("dest", ["iframe", "image", "empty"])
async def test_a_cross_site_frame_or_fetch_of_a_link_is_refused(door: FrontDoor, dest: str) -> None:
    headers = {"sec-fetch-site": "cross-site", "sec-fetch-dest": dest}
    response = await open_link(build(door=door), link(), headers=headers)
    assert response.status_code == 403


async def test_no_log_record_carries_the_ticket(door: FrontDoor, caplog: pytest.LogCaptureFixture) -> None:
    def failing(request: Request, user: PandiumUser, connector: str) -> str:
        raise RuntimeError("CRM down")

    url = link(flow="connect", connector="gwt")
    with caplog.at_level(logging.DEBUG):
        response = await open_link(build(door=door, connector_token=failing), url)
    assert response.status_code == 500
    # The test's own HTTP client logs the URL it requests; every other record is the product's.
    texts = [
        record.getMessage() + (record.exc_text or "")
        for record in caplog.records
        if not record.name.startswith(("httpx", "httpcore"))
    ]
    assert any("/launch/<ticket>" in text for text in texts)
    ticket = ticket_of(url)
    assert not [text for text in texts if ticket[:20] in text or ticket[-20:] in text]
    assert ticket not in response.text


@pytest.mark.parametrize("raw", ["..", "%2e%2e", "%C3%A9", "a.b.c.d", "a%2Fb", "%5C", "%00"])
async def test_a_raw_ticket_with_encoded_characters_never_500s(door: FrontDoor, raw: str) -> None:
    start = await door.raw(build(door=door), "GET", "/pandium/launch/" + raw)
    assert start["status"] == 400


# --- construction ----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("options", "message"),
    [
        ({"launch_secret": SECRET}, launch_module.SAME_AS_PANDIUM_SECRET),
        ({"launch_secret": ""}, launch_module.MISSING_LAUNCH_SECRET),
        ({"launch_secret": 12}, launch_module.MISSING_LAUNCH_SECRET),
        ({"ticket_store": MemoryTicketStore()}, options_module.LAUNCH_OPTIONS_WITHOUT_SECRET),
        ({"user_for_sub": sub_lookup_sync}, options_module.LAUNCH_OPTIONS_WITHOUT_SECRET),
        ({"launch_secret": LAUNCH_SECRET, "user_for_sub": "no"}, "user_for_sub"),
        ({"launch_secret": LAUNCH_SECRET, "ticket_store": object()}, options_module.BAD_TICKET_STORE),
    ],
)
def test_bad_launch_options_are_refused_at_construction(door: FrontDoor, options: dict[str, Any], message: str) -> None:
    with pytest.raises(ValueError) as raised:
        door.middleware(door.bare_app, config=PandiumConfig("acme", SECRET), identify=lambda request: ANN, **options)
    expected = bad_hook(door.door_name, message) if message == "user_for_sub" else message.format(door=door.door_name)
    assert str(raised.value) == expected
