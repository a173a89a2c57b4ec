"""on_mint(request, user, record): a frozen record after every mint and for every refusal of a mint route,
never carrying the token, the tenant= URL, a launch ticket or a secret."""

from __future__ import annotations

import dataclasses
import json
import logging
from typing import Any

import pytest
from starlette.requests import Request

from pandium_embed import PandiumUser, launch_url
from pandium_embed.audit import AuditRecord, MintRecord, RefusalRecord
from tests.support.asgi import quiet_asgi_client
from tests.support.front_doors import bad_hook
from tests.support.log_guard import leaks_in
from tests.unit.test_middleware import CONFIG, SECRET, build

pytestmark = pytest.mark.anyio

NOW = 1_700_000_000.5
LAUNCH_SECRET = "audit-launch-secret-0123456789abcdefghijkl"
ADMIN_AS_ANN = PandiumUser("user-1", display_name="Ann", auditable_id="admin-7", auditable_display_name="Support")
SAME_ORIGIN = {"origin": "http://app.test", "sec-fetch-site": "same-origin"}


class Audit:
    def __init__(self) -> None:
        self.calls: list[tuple[str, str | None, AuditRecord]] = []

    async def __call__(self, request: Request, user: PandiumUser | None, record: AuditRecord) -> None:
        self.calls.append((request.method, None if user is None else user.sub, record))

    @property
    def records(self) -> list[AuditRecord]:
        return [record for _, _, record in self.calls]


def audited(audit: Audit, **options: Any) -> Any:
    options.setdefault("user", ADMIN_AS_ANN)
    return build(on_mint=audit, clock=lambda: NOW, new_jti=lambda: "jti-1", launch_secret=LAUNCH_SECRET, **options)


def link(**options: Any) -> str:
    options.setdefault("flow", "marketplace")
    return launch_url(CONFIG, "user-1", max_age=3600, launch_secret=LAUNCH_SECRET, now=NOW, **options)


@pytest.mark.parametrize(
    ("method", "path", "body", "route", "flow", "target"),
    [
        ("GET", "/pandium/marketplace", None, "/marketplace", "marketplace", None),
        ("GET", "/pandium/install/42", None, "/install/{integration_id}", "install", "42"),
        ("GET", "/pandium/connect/gwt", None, "/connect/{connector}", "connect", "gwt"),
        ("POST", "/pandium/token", {"flow": "install", "integration_id": 7}, "/token", "install", "7"),
    ],
)
async def test_every_mint_is_recorded_with_who_what_and_the_tokens_ids(
    method: str, path: str, body: Any, route: str, flow: Any, target: str | None
) -> None:
    audit = Audit()
    async with quiet_asgi_client(audited(audit)) as http:
        response = await http.request(method, path, json=body, headers=SAME_ORIGIN)
    assert response.status_code in (200, 303)
    assert audit.calls == [
        (
            method,
            "user-1",
            MintRecord(
                route=route, flow=flow, target=target, sub="user-1", auditable_id="admin-7", jti="jti-1", iat=int(NOW)
            ),
        )
    ]


async def test_a_launch_link_mint_is_recorded_under_the_launch_route_template() -> None:
    audit = Audit()
    async with quiet_asgi_client(audited(audit)) as http:
        response = await http.get(link(flow="install", integration_id="42"), headers={"sec-fetch-mode": "navigate"})
    assert response.status_code == 303
    (record,) = audit.records
    assert isinstance(record, MintRecord)
    assert (record.route, record.flow, record.target) == ("/launch/{ticket}", "install", "42")


@pytest.mark.parametrize(
    ("options", "method", "path", "headers", "expected"),
    [
        (
            {"user": None},
            "GET",
            "/pandium/marketplace",
            {},
            RefusalRecord(route="/marketplace", reason="not-signed-in", status=401, at=NOW, flow="marketplace"),
        ),
        (
            {},
            "GET",
            "/pandium/install/42",
            {"sec-fetch-site": "cross-site"},
            RefusalRecord(
                route="/install/{integration_id}", reason="cross-site", status=403, at=NOW, flow="install", target="42"
            ),
        ),
        (
            {},
            "POST",
            "/pandium/marketplace",
            {},
            RefusalRecord(route="/marketplace", reason="method-not-allowed", status=405, at=NOW, flow="marketplace"),
        ),
        (
            {},
            "GET",
            "/pandium/connect/not-configured",
            {},
            RefusalRecord(route="/connect/{connector}", reason="not-found", status=404, at=NOW, flow="connect"),
        ),
        (
            {},
            "POST",
            "/pandium/token",
            {**SAME_ORIGIN, "content-type": "text/plain"},
            RefusalRecord(route="/token", reason="unsupported-media-type", status=415, at=NOW),
        ),
        (
            {"connector_token": lambda request, user, connector: ""},
            "GET",
            "/pandium/connect/gwt",
            {},
            RefusalRecord(
                route="/connect/{connector}",
                reason="server-error",
                status=500,
                at=NOW,
                flow="connect",
                target="gwt",
                sub="user-1",
                auditable_id="admin-7",
            ),
        ),
    ],
)
async def test_every_refusal_of_a_mint_route_is_recorded(
    options: dict[str, Any], method: str, path: str, headers: dict[str, str], expected: RefusalRecord
) -> None:
    audit = Audit()
    async with quiet_asgi_client(audited(audit, **options)) as http:
        response = await http.request(method, path, headers=headers)
    assert response.status_code == expected.status
    assert audit.records == [expected]


async def test_launch_refusals_are_recorded_without_the_ticket() -> None:
    audit = Audit()
    url = link()
    async with quiet_asgi_client(audited(audit)) as http:
        first = await http.get(url)
        used = await http.get(url)
        tampered = await http.get(url[:-3] + "abc")
    assert (first.status_code, used.status_code, tampered.status_code) == (303, 410, 400)
    refusals = [record for record in audit.records if isinstance(record, RefusalRecord)]
    assert [(record.route, record.reason, record.status) for record in refusals] == [
        ("/launch/{ticket}", "link-used", 410),
        ("/launch/{ticket}", "link-invalid", 400),
    ]
    assert refusals[0].sub == "user-1" and refusals[1].sub is None


async def test_other_routes_are_not_mints_and_are_not_audited() -> None:
    audit = Audit()
    async with quiet_asgi_client(audited(audit)) as http:
        await http.get("/pandium/embed.js")
        await http.get("/pandium/nothing-here")
        await http.get("/elsewhere")
    assert audit.calls == []


async def test_records_carry_no_token_url_ticket_or_secret() -> None:
    audit = Audit()
    url = link(flow="connect", connector="gwt")
    async with quiet_asgi_client(audited(audit)) as http:
        minted = await http.get("/pandium/connect/gwt")
        launched = await http.get(url)
        await http.get(url)
    token = minted.headers["location"].partition("?tenant=")[2]
    texts = [repr(record) for record in audit.records]
    texts += [json.dumps(dataclasses.asdict(record)) for record in audit.records]
    assert len(audit.records) == 3 and launched.status_code == 303
    assert leaks_in(texts, [SECRET, LAUNCH_SECRET, token, url.rsplit("/", 1)[1], "crm-token-for"]) == []


async def test_a_failing_audit_hook_withholds_the_token(caplog: pytest.LogCaptureFixture) -> None:
    def broken(request: Request, user: PandiumUser | None, record: AuditRecord) -> None:
        raise OSError("audit log unavailable")

    with caplog.at_level(logging.ERROR, logger="pandium_embed"):
        async with quiet_asgi_client(build(on_mint=broken)) as http:
            response = await http.get("/pandium/marketplace")
    assert response.status_code == 500 and "location" not in response.headers


async def test_a_sync_audit_hook_works_too() -> None:
    seen: list[AuditRecord] = []
    app = build(on_mint=lambda request, user, record: seen.append(record))
    async with quiet_asgi_client(app) as http:
        await http.get("/pandium/marketplace")
    assert [record.outcome for record in seen] == ["minted"]


def test_records_are_frozen() -> None:
    record = MintRecord(
        route="/marketplace", flow="marketplace", target=None, sub="u", auditable_id=None, jti="j", iat=1
    )
    with pytest.raises(dataclasses.FrozenInstanceError):
        record.sub = "someone-else"  # type: ignore[misc]


def test_bad_on_mint_says_what_to_pass() -> None:
    with pytest.raises(ValueError) as raised:
        build(on_mint="not callable")
    assert str(raised.value) == bad_hook("PandiumMiddleware", "on_mint")
