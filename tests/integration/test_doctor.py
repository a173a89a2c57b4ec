"""``pandium-embed doctor`` against real servers on loopback: the demo with its stand-in, and one
deliberately broken set-up per troubleshooting symptom, each producing its finding (a healthy set-up
none). Every run's output, text and JSON, is checked for the secret, tokens, ``tenant=`` URLs and the
session cookie given."""

from __future__ import annotations

import io
import json
import re
import secrets
import shlex
import socket
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

import httpx
import pytest
from markdown.extensions.toc import slugify  # type: ignore[import-untyped]
from starlette.applications import Starlette
from starlette.middleware.sessions import SessionMiddleware
from starlette.requests import Request
from starlette.responses import HTMLResponse, JSONResponse, Response
from starlette.routing import Mount, Route
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from demo.serve import running_demo
from demo.users import DEMO_PASSWORD, USERS
from pandium_embed import PandiumConfig, PandiumMiddleware, PandiumUser, csp_header
from pandium_embed.background_server import BackgroundServer
from pandium_embed.cli import main
from pandium_embed.config import BAD_PREFIX, SECRET_WITH_WHITESPACE
from pandium_embed.doctor import PROBLEMS, Finding, diagnose, format_json, format_text
from pandium_embed.loader import loader_source
from pandium_embed.mock.mock_server import MockPandiumServer
from tests.support.docs import DOCS, EXAMPLES, mock_environment
from tests.support.log_guard import leaks_in

SECRET = "doctor-tests-secret-0123456789abcdefghijk"
OTHER_SECRET = "doctor-tests-other-secret-0123456789abcd"
GOOD_PAGE = '<!doctype html><script src="/pandium/embed.js"></script><pandium-embed view="marketplace"></pandium-embed>'
MOUNT = "/app"
# A self-hosted copy of the loader; {pandium} is replaced by the origin of the app's Pandium.
SELF_HOSTED = '<script src="/static/pandium-embed.js"></script><pandium-embed src="/pandium/marketplace">'
SELF_HOSTED_WITH_ORIGIN = SELF_HOSTED.replace("<pandium-embed ", '<pandium-embed origin="{pandium}" ')


# --- running doctor ----------------------------------------------------------------------------------


@dataclass
class Run:
    findings: list[Finding]
    text: str
    json: dict[str, Any]

    def codes(self, *severities: str) -> set[str]:
        wanted = severities or ("error", "warning", "info")
        return {finding.code for finding in self.findings if finding.severity in wanted}

    @property
    def problems(self) -> set[str]:
        """Errors and warnings: what a healthy set-up has none of."""
        return self.codes("error", "warning")


def doctor(environ: dict[str, str], *, watched: tuple[str, ...] = (), **options: Any) -> Run:
    """diagnose() and both outputs; fails if either shows a secret, a token, a tenant= URL or ``watched``."""
    findings = diagnose(environ, **options)
    text, as_json = format_text(findings), format_json(findings)
    secret = environ.get("PANDIUM_SHARED_SECRET", "")
    assert not leaks_in([text, as_json], [s for s in (secret, *watched) if len(s) >= 8]), text
    return Run(findings, text, json.loads(as_json))


def closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


# --- a host app with knobs to break it ---------------------------------------------------------------


class AddHeaders:
    """Adds headers to every response, as a host's own security middleware does."""

    def __init__(self, app: ASGIApp, headers: dict[str, str]) -> None:
        self.app, self.headers = app, headers

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                message["headers"] = [
                    *message["headers"],
                    *((name.lower().encode(), value.encode()) for name, value in self.headers.items()),
                ]
            await send(message)

        await self.app(scope, receive, send_with_headers)


class OpenTokenRoute:
    """A hand-written POST <prefix>/token in front of the middleware that answers anyone."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http" and scope["path"].endswith("/pandium/token"):
            await JSONResponse({"url": "https://example.invalid/"})(scope, receive, send)
            return
        await self.app(scope, receive, send)


@dataclass(frozen=True)
class Setup:
    """A host app (PandiumMiddleware, sessions, a page) and a stand-in; each field breaks one thing."""

    register_parent: bool = True
    stand_in_running: bool = True
    stand_in_org: str = "acme"
    app_secret: str = SECRET
    app_base_url: str | None = None  # the app's Pandium, if not the stand-in
    app_connectors: dict[str, str] | None = None
    env: dict[str, str] = field(default_factory=dict)  # what doctor's environment changes
    session_inside: bool = False
    identify_reads_authorization: bool = False
    middleware: bool = True
    token_route_open: bool = False
    page: str = GOOD_PAGE
    page_headers: dict[str, str] | None = None  # default: csp_header(config) and a popup-friendly COOP
    every_response: dict[str, str] = field(default_factory=dict)
    mount: str = ""
    prefix: str = "/pandium"
    # /static/pandium-embed.js: a self-hosted copy of the loader, as built (no settings baked in).
    static_loader: bool = False


@dataclass
class Running:
    env: dict[str, str]
    url: str
    page: str
    cookie: str


def _host_app(setup: Setup, config: PandiumConfig) -> ASGIApp:
    page_headers = (
        setup.page_headers
        if setup.page_headers is not None
        else {
            "Content-Security-Policy": csp_header(config, base={"default-src": ["'self'"]}),
            "Cross-Origin-Opener-Policy": "same-origin-allow-popups",
        }
    )

    async def login(request: Request) -> Response:
        request.session["user"] = "ann"
        return Response(status_code=204)

    async def page(request: Request) -> Response:
        if "user" not in request.session:
            return Response(status_code=303, headers={"location": "/login"})
        return HTMLResponse(setup.page.replace("{pandium}", config.origins[0]), headers=page_headers)

    def identify(request: Request) -> PandiumUser | None:
        if setup.identify_reads_authorization:
            return PandiumUser("ann") if request.headers.get("authorization") else None
        user = request.session.get("user")
        return PandiumUser(user) if user else None

    async def static_loader(request: Request) -> Response:
        return Response(loader_source(), media_type="text/javascript")

    routes = [Route("/login", login), Route("/integrations", page)]
    if setup.static_loader:
        routes.append(Route("/static/pandium-embed.js", static_loader))
    app: ASGIApp = Starlette(routes=routes)
    if setup.session_inside:
        app = SessionMiddleware(app, secret_key="doctor-tests-session-key")
    if setup.middleware:
        app = PandiumMiddleware(app, config=config, identify=identify, connector_token=lambda r, u, c: "crm-token")
    if not setup.session_inside:
        app = SessionMiddleware(app, secret_key="doctor-tests-session-key")
    if setup.token_route_open:
        app = OpenTokenRoute(app)
    if setup.every_response:
        app = AddHeaders(app, setup.every_response)
    if setup.mount:
        app = Starlette(routes=[Mount(setup.mount, app=app)])
    return app


@contextmanager
def running(setup: Setup = Setup()) -> Iterator[Running]:
    """The set-up served on loopback: the host on 127.0.0.1, the stand-in on localhost."""
    with MockPandiumServer(org=setup.stand_in_org, secret=SECRET) as mock:
        env = {**mock_environment(mock, SECRET), "PANDIUM_CONNECTORS": "hubspot=HubSpot"}
        if not setup.stand_in_running:
            gone = f"http://localhost:{closed_port()}"
            env |= {f"PANDIUM_{flow}_BASE_URL": gone for flow in ("MARKETPLACE", "INSTALL", "CONNECT")}
        base = setup.app_base_url or env["PANDIUM_MARKETPLACE_BASE_URL"]
        config = PandiumConfig(
            "acme",
            setup.app_secret,
            marketplace_base_url=base,
            install_base_url=base,
            connect_base_url=base,
            connectors=setup.app_connectors if setup.app_connectors is not None else {"hubspot": "HubSpot"},
            prefix=setup.prefix,
        )
        host = BackgroundServer(_host_app(setup, config))
        if setup.register_parent:
            mock.add_parent_origin(host.origin)
        with host:
            url = host.url + setup.mount
            login = httpx.get(url + "/login")
            assert login.status_code == 204
            cookie = f"session={login.cookies['session']}"
            yield Running({**env, **setup.env}, url, url + "/integrations", cookie)


def check(setup: Setup, *, signed_in: bool = True, **options: Any) -> Run:
    with running(setup) as app:
        cookies = [app.cookie] if signed_in else []
        return doctor(app.env, url=app.url, page=app.page, cookies=cookies, watched=(app.cookie,), **options)


# --- the done-when: no middleware, and the demo -------------------------------------------------------


def test_an_app_without_the_middleware_fails_and_names_it() -> None:
    with running(Setup(middleware=False)) as app:
        out = io.StringIO()
        code = main(["doctor", "--url", app.url], environ=app.env, out=out)
    assert code == 1
    assert "middleware-missing" in out.getvalue() and "PandiumMiddleware" in out.getvalue()


def _demo_session(url: str) -> str:
    username = next(iter(USERS))
    response = httpx.post(url + "/login", data={"username": username, "password": DEMO_PASSWORD})
    assert response.status_code == 303
    return f"session={response.cookies['session']}"


def _environment_of(config: PandiumConfig) -> dict[str, str]:
    return {
        "PANDIUM_ORG": config.org,
        "PANDIUM_SHARED_SECRET": str(config.secret),
        "PANDIUM_MARKETPLACE_BASE_URL": config.hosts.marketplace,
        "PANDIUM_INSTALL_BASE_URL": config.hosts.install,
        "PANDIUM_CONNECT_BASE_URL": config.hosts.connect,
        "PANDIUM_CONNECTORS": ",".join(f"{name}={system}" for name, system in config.connectors.items()),
    }


def test_the_demo_is_healthy_from_the_command_line_and_with_its_page() -> None:
    with running_demo() as demo:
        env = _environment_of(demo.config)
        out = io.StringIO()
        code = main(["doctor", "--url", demo.url], environ=env, out=out)
        cookie = _demo_session(demo.url)
        run = doctor(env, url=demo.url, page=demo.url + "/integrations", cookies=[cookie], watched=(cookie,))
    assert code == 0, out.getvalue()
    assert run.problems == set(), run.text
    passed = run.codes("ok")
    assert {"middleware", "loader", "token-route", "csp", "stand-in-accepts", "parent-registered", "clock"} <= passed
    assert "app-mints" in passed and run.json["ok"] is True


def test_the_docs_command_line_runs_against_the_demo() -> None:
    [comment, line] = (EXAMPLES / "doctor.sh").read_text(encoding="utf-8").splitlines()
    assert comment.startswith("#")
    with running_demo() as demo:
        session = _demo_session(demo.url).removeprefix("session=")
        # The port as written may be taken on a shared machine; everything else runs as the docs say.
        argv = shlex.split(line.replace("http://127.0.0.1:8000", demo.url).replace("$SESSION", session))
        out = io.StringIO()
        code = main(argv[1:], environ=_environment_of(demo.config), out=out)
    assert argv[0] == "pandium-embed"
    assert code == 0, out.getvalue()
    assert "ok       app-mints" in out.getvalue()
    assert not leaks_in([out.getvalue()], [session, str(demo.config.secret)]), out.getvalue()


def test_a_healthy_set_up_has_no_problem() -> None:
    run = check(Setup())
    assert run.problems == set(), run.text
    # The signed-in Auth-Only mint worked, so the connector_token hook is known to be there.
    assert {"stand-in"} == run.codes("info")
    signed_out = check(Setup(), signed_in=False)
    assert "connectors-need-hook" in signed_out.codes("info")


# --- one broken set-up per troubleshooting symptom ----------------------------------------------------

# (symptom's section, set-up, the finding it must produce)
BROKEN: list[tuple[str, Setup, str]] = [
    # A browser error page in the frame: its four causes.
    ("a-browser-error-page-in-the-frame", Setup(stand_in_running=False), "stand-in-down"),
    ("a-browser-error-page-in-the-frame", Setup(register_parent=False), "parent-not-registered"),
    (
        "a-browser-error-page-in-the-frame",
        Setup(every_response={"Content-Security-Policy": "frame-ancestors 'none'"}),
        "own-frame-ancestors",
    ),
    ("a-browser-error-page-in-the-frame", Setup(every_response={"X-Frame-Options": "DENY"}), "own-frame-ancestors"),
    (
        "a-browser-error-page-in-the-frame",
        Setup(page_headers={"Content-Security-Policy": "default-src 'self'"}),
        "csp-frame-src",
    ),
    # MockPandium's refusal page: another secret, another org.
    (
        "the-frame-shows-this-page-could-not-be-opened-from-mockpandium",
        Setup(env={"PANDIUM_SHARED_SECRET": OTHER_SECRET}),
        "stand-in-refused",
    ),
    (
        "the-frame-shows-this-page-could-not-be-opened-from-mockpandium",
        Setup(app_secret=OTHER_SECRET),
        "app-token-rejected",
    ),
    (
        "the-frame-shows-this-page-could-not-be-opened-from-mockpandium",
        Setup(stand_in_org="globex"),
        "stand-in-refused",
    ),
    # The session middleware inside ours.
    ("a-500-and-a-log-line-about-sessionmiddleware", Setup(session_inside=True), "mint-failed-signed-out"),
    # A connector the app does not know, or the page's typo.
    ("the-frame-shows-not-found-for-a-connector", Setup(app_connectors={}), "connector-not-in-app"),
    (
        "the-frame-shows-not-found-for-a-connector",
        Setup(page=GOOD_PAGE.replace('view="marketplace"', 'connector="hubspt"')),
        "element-unknown-connector",
    ),
    # Frames with no events: the app trusts other origins; a self-hosted element without origin.
    ("frames-with-no-events", Setup(app_base_url="http://127.0.0.1:9"), "loader-origins-differ"),
    (
        "frames-with-no-events",
        Setup(page=SELF_HOSTED, static_loader=True),
        "element-without-origin",
    ),
    # An element that never appears: the script path misses the mount point; no script; CSP blocks it.
    (
        "an-element-that-never-appears",
        Setup(mount=MOUNT),
        "loader-missing",
    ),
    ("an-element-that-never-appears", Setup(page='<pandium-embed view="marketplace">'), "page-without-loader"),
    (
        "an-element-that-never-appears",
        Setup(page_headers={"Content-Security-Policy": "script-src https://cdn.example.com; frame-src *"}),
        "csp-script-src",
    ),
    # The popup opens, but no events arrive.
    (
        "the-popup-opens-but-no-events-arrive",
        Setup(page_headers={"Cross-Origin-Opener-Policy": "same-origin"}),
        "coop-same-origin",
    ),
    # A 401 while signed in: identify reads what a frame's navigation never carries.
    ("a-401-after-sign-out", Setup(identify_reads_authorization=True), "identify-cannot-see-sign-in"),
]


@pytest.mark.parametrize(("section", "setup", "code"), BROKEN, ids=[f"{s}:{c}" for s, _, c in BROKEN])
def test_each_broken_set_up_produces_its_finding(section: str, setup: Setup, code: str) -> None:
    run = check(setup)
    assert code in run.codes(), run.text
    finding = next(finding for finding in run.json["findings"] if finding["code"] == code)
    assert finding["severity"] == "error"
    assert {"what", "why", "fix", "docs"} <= set(finding)
    # Errors fail the run, for CI.
    assert run.json["ok"] is False
    # The symptom's entry on the troubleshooting page names the finding that confirms it.
    assert section in {anchor for _, anchor in _troubleshooting_mentions().get(code, [])}


def test_the_stand_in_refusal_names_the_reason() -> None:
    assert "bad-signature" in check(Setup(env={"PANDIUM_SHARED_SECRET": OTHER_SECRET})).text
    assert "unknown-org" in check(Setup(stand_in_org="globex")).text


def test_a_mount_point_script_under_the_root_is_named_with_its_url() -> None:
    run = check(Setup(mount=MOUNT))
    [finding] = [f for f in run.findings if f.code == "loader-missing"]
    # The page at /app/integrations asks the root's /pandium/embed.js, which nothing serves.
    assert re.search(r"GET http://127\.0\.0\.1:\d+/pandium/embed\.js answered 404", finding.what), finding.what
    # Under the mount point, the app itself is fine.
    assert "middleware-missing" not in run.codes()


def test_an_app_with_its_own_prefix_is_checked_under_it() -> None:
    prefix = "/integrations/pandium"
    setup = Setup(prefix=prefix, page=GOOD_PAGE.replace("/pandium/embed.js", f"{prefix}/embed.js"))
    with running(setup) as app:
        # The environment holds no prefix: without --prefix, doctor asks /pandium and says so.
        without = doctor(app.env, url=app.url, watched=(app.cookie,))
        out = io.StringIO()
        argv = ["doctor", "--url", app.url, "--page", app.page, "--cookie", app.cookie, "--prefix", prefix]
        code = main(argv, environ=app.env, out=out)
        bad = io.StringIO()
        bad_code = main(["doctor", "--url", app.url, "--prefix", "integrations/"], environ=app.env, out=bad)
    assert "middleware-missing" in without.codes() and "pass --prefix" in without.text
    assert code == 0, out.getvalue()
    assert f"ok       middleware: PandiumMiddleware answers at {app.url}{prefix}" in out.getvalue()
    # The prefix is validated as PandiumConfig validates it.
    assert bad_code == 1 and "config-invalid" in bad.getvalue()
    assert BAD_PREFIX.split("{")[0].split(":")[0] in bad.getvalue()


def test_a_self_hosted_loader_with_origin_attributes_is_healthy() -> None:
    run = check(Setup(static_loader=True, page=SELF_HOSTED_WITH_ORIGIN))
    assert run.problems == set(), run.text
    assert any(f.code == "loader" and "self-hosted copy" in f.what for f in run.findings), run.text


def test_a_page_whose_bundle_may_hold_the_loader_gets_a_warning_not_an_error() -> None:
    run = check(Setup(page='<script type="module" src="/assets/app.js"></script><pandium-embed view="marketplace">'))
    assert "loader-not-seen" in run.codes("warning"), run.text
    assert "page-without-loader" not in run.codes()


def test_a_page_that_needs_a_session_says_so_without_one() -> None:
    run = check(Setup(), signed_in=False)
    assert "page-not-shown" in run.codes()
    assert "identify-cannot-see-sign-in" not in run.codes()


def test_a_token_route_that_answers_another_site_is_an_error() -> None:
    run = check(Setup(token_route_open=True))
    assert "token-route-open" in run.codes(), run.text


def test_a_clock_off_by_two_minutes_is_found_and_the_stand_in_refuses_its_token() -> None:
    with running() as app:
        run = doctor(app.env, clock=lambda: time.time() + 120)
    assert "clock-skew" in run.codes(), run.text
    assert "this machine's clock is 120 s ahead of" in run.text or "ahead of Pandium" in run.text
    assert "future-iat" in run.text


def test_the_page_states_the_origin_to_register_when_pandium_is_not_the_stand_in() -> None:
    # Offline: nothing asks Pandium's real hosts; the page is still read.
    with running() as app:
        env = {key: value for key, value in app.env.items() if not key.endswith("_BASE_URL")}
        run = doctor(env, page=app.page, cookies=[app.cookie], watched=(app.cookie,), offline=True)
    origin = app.url
    assert any(f.code == "register-origin" and origin in f.what for f in run.findings), run.text
    # The page trusts the stand-in's origin (its CSP was made for it), not the sandbox's: said too.
    assert "csp-frame-src" in run.codes()


# --- configuration ------------------------------------------------------------------------------------


def _config_only(environ: dict[str, str]) -> Run:
    return doctor(environ, offline=True)


def test_a_secret_with_a_stray_newline_is_an_error_that_does_not_print_it() -> None:
    run = _config_only({"PANDIUM_ORG": "acme-test", "PANDIUM_SHARED_SECRET": SECRET + "\n"})
    assert run.codes() == {"config-invalid"}
    # PandiumConfig's own message, which names the setting and never the value.
    assert SECRET_WITH_WHITESPACE.split("(")[0] in run.text


@pytest.mark.parametrize(
    ("environ", "code"),
    [
        ({"PANDIUM_SHARED_SECRET": SECRET}, "config-invalid"),  # no org
        ({"PANDIUM_ORG": "acme", "PANDIUM_SHARED_SECRET": SECRET, "PANDIUM_ENV": "prod"}, "config-invalid"),
        (
            {"PANDIUM_ORG": "acme", "PANDIUM_SHARED_SECRET": SECRET, "PANDIUM_MARKETPLACE_BASE_URL": "http://imp.x"},
            "config-invalid",
        ),
        ({"PANDIUM_ORG": "acme", "PANDIUM_SHARED_SECRET": SECRET, "PANDIUM_CONNECTORS": "gwt"}, "config-invalid"),
        ({"PANDIUM_ORG": "acme-test", "PANDIUM_SHARED_SECRET": "short-secret"}, "secret-short"),
        ({"PANDIUM_ORG": "acme", "PANDIUM_SHARED_SECRET": SECRET}, "sandbox-with-production-org"),
        (
            {
                "PANDIUM_ORG": "acme",
                "PANDIUM_SHARED_SECRET": SECRET,
                "PANDIUM_ENV": "production",
                "PANDIUM_CONNECT_BASE_URL": "https://emp.sandbox.pandium.com",
            },
            "mixed-environments",
        ),
        ({"PANDIUM_ORG": "acme-test", "PANDIUM_SHARED_SECRET": SECRET, "PANDIUM_CONNECTORS": "gwt=GWT"}, None),
    ],
)
def test_configuration_findings(environ: dict[str, str], code: str | None) -> None:
    run = _config_only(environ)
    if code is None:
        assert run.problems == set(), run.text
        assert "connectors-need-hook" in run.codes("info")
    else:
        assert code in run.codes(), run.text


def test_a_test_looking_org_or_an_explicit_environment_is_not_warned_about() -> None:
    assert _config_only({"PANDIUM_ORG": "acme-sandbox", "PANDIUM_SHARED_SECRET": SECRET}).problems == set()
    explicit = {"PANDIUM_ORG": "acme", "PANDIUM_SHARED_SECRET": SECRET, "PANDIUM_ENV": "sandbox"}
    assert _config_only(explicit).problems == set()


def test_a_loopback_base_url_that_is_not_the_stand_in_is_a_warning() -> None:
    async def plain(scope: Scope, receive: Receive, send: Send) -> None:
        await Response("an unrelated dev server")(scope, receive, send)

    with BackgroundServer(plain, url_host="localhost") as server:
        base = {f"PANDIUM_{flow}_BASE_URL": server.url for flow in ("MARKETPLACE", "INSTALL", "CONNECT")}
        run = doctor({"PANDIUM_ORG": "acme", "PANDIUM_SHARED_SECRET": SECRET, **base})
    assert "loopback-base-url" in run.codes() and "stand-in" not in run.codes()


def test_pandium_hosts_that_cannot_be_reached_degrade_to_a_warning() -> None:
    # The network is closed here: an httpx transport that refuses every connection stands for it.
    def refuse(request: httpx.Request) -> httpx.Response:
        raise httpx.ConnectError("connection refused", request=request)

    @contextmanager
    def closed_network() -> Iterator[httpx.Client]:
        with httpx.Client(transport=httpx.MockTransport(refuse)) as client:
            yield client

    environ = {"PANDIUM_ORG": "acme-test", "PANDIUM_SHARED_SECRET": SECRET}
    run = doctor(environ, client=closed_network)
    unreachable = [f for f in run.findings if f.code == "pandium-unreachable"]
    assert {f.what.split()[3] for f in unreachable} == {
        "https://imp.sandbox.pandium.com",
        "https://emp.sandbox.pandium.com",
    }
    assert all(f.severity == "warning" for f in unreachable) and run.json["ok"] is True
    assert "clock" not in run.codes("ok")  # no Date header to compare with


def test_a_token_minted_here_is_verified_by_the_stand_ins_rules() -> None:
    run = _config_only({"PANDIUM_ORG": "acme-test", "PANDIUM_SHARED_SECRET": SECRET, "PANDIUM_CONNECTORS": "g=G"})
    assert "token" in run.codes("ok")
    # A clock that is not a whole second (mint_token keeps iat integral) still verifies.
    assert "token" in doctor(
        {"PANDIUM_ORG": "acme-test", "PANDIUM_SHARED_SECRET": SECRET}, offline=True, clock=lambda: 1_700_000_000.7
    ).codes("ok")


# --- the command line ---------------------------------------------------------------------------------


def test_json_output_for_ci_and_the_exit_status() -> None:
    out = io.StringIO()
    code = main(["doctor", "--offline", "--json"], environ={"PANDIUM_SHARED_SECRET": SECRET}, out=out)
    report = json.loads(out.getvalue())
    assert code == 1 and report["ok"] is False
    [finding] = [f for f in report["findings"] if f["severity"] != "ok"]
    assert finding["code"] == "config-invalid" and "PANDIUM_ORG" in finding["what"]
    assert finding["docs"] == "backend.md#configuration"
    healthy = io.StringIO()
    environ = {"PANDIUM_ORG": "acme-test", "PANDIUM_SHARED_SECRET": SECRET}
    assert main(["doctor", "--offline", "--json"], environ=environ, out=healthy) == 0


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["doctor", "--url", "127.0.0.1:8000"], "--url and --page take an http:// or https:// URL"),
        (["doctor", "--offline", "--header", "no colon"], "--header takes 'Name: value'"),
    ],
)
def test_bad_arguments_say_what_to_pass(argv: list[str], message: str, capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exit_info:
        main(argv, environ={})
    assert exit_info.value.code == 2
    assert message in capsys.readouterr().err


# --- the docs -----------------------------------------------------------------------------------------


def _anchors(page: str) -> set[str]:
    text = (DOCS / page).read_text(encoding="utf-8")
    return {slugify(re.sub(r"[`*]", "", title), "-") for title in re.findall(r"^#{1,6} (.+)$", text, re.MULTILINE)}


@pytest.mark.parametrize("code", sorted(PROBLEMS))
def test_every_finding_points_at_a_real_docs_section(code: str) -> None:
    page, _, anchor = PROBLEMS[code].docs.partition("#")
    assert anchor in _anchors(page), PROBLEMS[code].docs


def _troubleshooting_mentions() -> dict[str, list[tuple[str, str]]]:
    """finding code -> (section title, anchor) of each troubleshooting entry whose text names it."""
    text = (DOCS / "troubleshooting.md").read_text(encoding="utf-8")
    found: dict[str, list[tuple[str, str]]] = {}
    for title, body in re.findall(r"^## (.+?)\n(.*?)(?=^## |\Z)", text, re.MULTILINE | re.DOTALL):
        for code in re.findall(r"`([a-z]+(?:-[a-z]+)+)`", body):
            if code in PROBLEMS:
                found.setdefault(code, []).append((title, slugify(re.sub(r"[`*]", "", title), "-")))
    return found


def test_each_symptom_points_at_doctor_and_every_code_it_names_exists() -> None:
    text = (DOCS / "troubleshooting.md").read_text(encoding="utf-8")
    entries = dict(re.findall(r"^## (.+?)\n(.*?)(?=^## |\Z)", text, re.MULTILINE | re.DOTALL))
    entries.pop("Check a deployment: `pandium-embed doctor`")
    for title, body in entries.items():
        confirm = body.split("**How to confirm.**", 1)[1]
        assert "`pandium-embed doctor" in confirm, title
        named = [code for code in re.findall(r"`([a-z]+(?:-[a-z]+)+)`", confirm) if "-" in code]
        assert named, title
        for code in named:
            assert code in PROBLEMS or code in {"same-origin-allow-popups", "pandium-embed"}, (title, code)
    # Every finding a broken set-up above produces is named on the page.
    mentioned = _troubleshooting_mentions()
    assert {code for _, _, code in BROKEN} <= set(mentioned)


def test_findings_never_echo_the_session_given() -> None:
    secret_header = "Bearer " + secrets.token_urlsafe(24)
    with running(Setup(identify_reads_authorization=True)) as app:
        run = doctor(
            app.env,
            url=app.url,
            page=app.page,
            cookies=[app.cookie],
            headers=[f"Authorization: {secret_header}"],
            watched=(app.cookie, secret_header),
        )
    # With the header a signed-in mint works: the app minted a token, and no output shows it.
    assert "app-mints" in run.codes("ok"), run.text
