"""``pandium-embed doctor``: check a deployment the way a support engineer would.

Reads the configuration the app reads (``PandiumConfig.from_env``), mints and verifies a token locally,
and, when given them, asks the running app (``url``) and the page that embeds (``page``) what a browser
would. Each problem is a ``Finding``: what is wrong (the only part that varies), why it matters, the fix
and the docs section, all fixed text chosen here. Nothing printed ever holds the secret, a token, a
``tenant=`` URL, or the cookies and headers given for a signed-in session.
"""

from __future__ import annotations

import json
import logging
import re
import time
import warnings
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from email.utils import parsedate_to_datetime
from html.parser import HTMLParser
from http.cookiejar import CookieJar, DefaultCookiePolicy
from typing import TYPE_CHECKING, Any, Literal
from urllib.parse import parse_qs, urljoin, urlsplit

from .config import ENVIRONMENTS, SHORT_SECRET, PandiumConfig
from .csp import parse_policies, policy_allows
from .flows import flow_url
from .mock.page_routes import PAGE_REASONS
from .mock.state import RESERVED_PREFIX
from .mock.verify import DEFAULT_MAX_AGE, DEFAULT_SKEW, TokenRejected, verify_token
from .net import is_loopback_host, origin_of
from .responses import ERRORS
from .tokens import PandiumUser, mint_token

if TYPE_CHECKING:
    import httpx

__all__ = ["PROBLEMS", "Finding", "Problem", "diagnose", "format_json", "format_text"]

Severity = Literal["error", "warning", "info", "ok"]
TIMEOUT_SECONDS = 5.0
# A cross-site page trying to mint for the signed-in user, as /token must refuse it.
FOREIGN_ORIGIN = "https://doctor.pandium-embed.invalid"
DOCTOR_USER = PandiumUser("pandium-embed-doctor", display_name="pandium-embed doctor")
# Org names that say "not production" (a sandbox org named like this is expected).
_TEST_LOOKING_ORG = re.compile(r"(sandbox|test|dev|stag|demo|qa|trial|example|local)", re.I)
# The settings the served loader bakes in (loader.browser_settings), as the JSON appears in its body.
_BAKED_SETTINGS = re.compile(r'\{"origins":\[[^\]]*\],"prefix":"[^"]*"\}')
_REFUSAL_REASON = re.compile(r'data-testid="refusal" data-reason="([a-z-]+)"')


@dataclass(frozen=True)
class Problem:
    """What doctor says about one kind of problem: how bad, why it matters, the fix, the docs section."""

    severity: Severity
    why: str
    fix: str
    docs: str


_T = "troubleshooting.md#"
ERROR_PAGE = _T + "a-browser-error-page-in-the-frame"
REFUSED_PAGE = _T + "the-frame-shows-this-page-could-not-be-opened-from-mockpandium"
SESSION_500 = _T + "a-500-and-a-log-line-about-sessionmiddleware"
CONNECTOR_404 = _T + "the-frame-shows-not-found-for-a-connector"
NO_EVENTS = _T + "frames-with-no-events"
NO_ELEMENT = _T + "an-element-that-never-appears"
POPUP = _T + "the-popup-opens-but-no-events-arrive"
SIGNED_OUT = _T + "a-401-after-sign-out"
CSP = "frontend.md#csp-and-coop"
CONFIGURATION = "backend.md#configuration"
MIDDLEWARE = "backend.md#the-middleware-and-its-hooks"
ROUTES = "backend.md#routes"
PROXY = "frameworks.md#behind-a-proxy-or-under-a-sub-path"
STAND_IN = "testing.md#the-stand-in-by-hand"
SECURITY = "security.md#the-mint-routes"
TOKEN = "security.md#the-token"

PROBLEMS: Mapping[str, Problem] = {
    # -- configuration
    "config-invalid": Problem(
        "error",
        "PandiumConfig.from_env() raises this at start-up: the app cannot mint any token.",
        "Set the variable the message names, exactly as Pandium issued it.",
        CONFIGURATION,
    ),
    "secret-short": Problem(
        "warning",
        "A short HS256 secret can be brute-forced from one token; Pandium issues longer ones.",
        "Use the full secret Pandium issued for your org (PANDIUM_SHARED_SECRET).",
        CONFIGURATION,
    ),
    "sandbox-with-production-org": Problem(
        "warning",
        "PANDIUM_ENV selects Pandium's hosts and defaults to 'sandbox': a production deployment that "
        "forgot it sends its users to the sandbox, where their integrations do not exist.",
        "Set PANDIUM_ENV=production on production servers (or keep 'sandbox' if this org is a sandbox one).",
        CONFIGURATION,
    ),
    "mixed-environments": Problem(
        "warning",
        "A base URL points at another Pandium environment's host than PANDIUM_ENV: tokens signed for one "
        "environment are refused by the other, and users land on the wrong data.",
        "Unset the PANDIUM_*_BASE_URL override, or set PANDIUM_ENV to the environment it belongs to.",
        CONFIGURATION,
    ),
    "loopback-base-url": Problem(
        "warning",
        "A base URL points at this machine, but no stand-in answers there: every user's browser would "
        "look for Pandium's page on its own machine.",
        "Unset the PANDIUM_*_BASE_URL overrides outside local development, or start the stand-in.",
        STAND_IN,
    ),
    "stand-in": Problem(
        "info",
        "The base URLs point at MockPandium on this machine: right for local development and tests only.",
        "Unset the PANDIUM_*_BASE_URL overrides when deploying.",
        STAND_IN,
    ),
    "connectors-need-hook": Problem(
        "info",
        "Auth-Only tokens carry a credential for your own API, which only the connector_token hook can give; "
        "PandiumMiddleware refuses to start with connectors and without it.",
        "Pass connector_token=(request, user, connector) -> str to PandiumMiddleware.",
        MIDDLEWARE,
    ),
    # -- the token
    "token-rejected-locally": Problem(
        "error",
        "A token minted with this configuration fails the checks Pandium applies, so Pandium would refuse every page.",
        "Check the secret and the server clock; report it if they are right (it is a bug).",
        TOKEN,
    ),
    "clock-skew": Problem(
        "error",
        "Tokens live 60 seconds from their iat: a clock ahead makes them 'from the future', one far behind "
        "makes them expired on arrival, and Pandium refuses them.",
        "Synchronise the server clock (NTP: systemd-timesyncd, chrony).",
        REFUSED_PAGE,
    ),
    # -- Pandium's hosts and the stand-in
    "stand-in-down": Problem(
        "error",
        "The mint route redirects the frame there, and nothing answers: the frame shows the browser's "
        "'This site can't be reached' page.",
        "Start it: pandium-embed mock --parent-origin <your app's origin>, and use the export line it prints.",
        ERROR_PAGE,
    ),
    "pandium-unreachable": Problem(
        "warning",
        "This machine cannot reach Pandium's host. Users' browsers load the frames, so they may still reach "
        "it, but server-side calls (verify_tenant) will fail, and a typo'd host fails for everyone.",
        "Check the PANDIUM_*_BASE_URL overrides and PANDIUM_ENV, and this machine's outbound firewall or proxy.",
        CONFIGURATION,
    ),
    "stand-in-refused": Problem(
        "error",
        "MockPandium verified the token as Pandium would and refused it: the frame shows its refusal page.",
        "Start the app and the stand-in from one shell with the same PANDIUM_SHARED_SECRET and PANDIUM_ORG.",
        REFUSED_PAGE,
    ),
    "parent-not-registered": Problem(
        "error",
        "Pandium's pages (and MockPandium's) may be framed only by the registered parent origin; any other "
        "page shows the browser's 'refused to connect' page in the frame.",
        "Register the origin: --parent-origin for the stand-in (repeatable), or the parent domain in "
        "Pandium's settings for your org. http://127.0.0.1 and http://localhost are different origins.",
        ERROR_PAGE,
    ),
    "register-origin": Problem(
        "info",
        "Pandium lets only the registered parent domain frame its pages, and posts its messages to it.",
        "Register this origin with Pandium as your org's parent domain (the stand-in: --parent-origin).",
        NO_EVENTS,
    ),
    # -- the running app
    "app-unreachable": Problem(
        "error",
        "doctor could not reach the app at --url, so none of its routes could be checked.",
        "Check the URL and that the app is running.",
        ROUTES,
    ),
    "middleware-missing": Problem(
        "error",
        "The mint route is not answered by PandiumMiddleware: every frame shows the app's own 404 (or "
        "whatever the app answers) instead of Pandium's page.",
        "Install PandiumMiddleware (ASGI) or PandiumWSGIMiddleware (WSGI) around the app with this "
        "config's prefix; behind a proxy, forward the prefix to the app (and set its root_path if the proxy "
        "adds a sub-path).",
        MIDDLEWARE,
    ),
    "mint-failed-signed-out": Problem(
        "error",
        "Signed out, the mint route should answer 401 'not-signed-in'; it failed instead, before it could "
        "tell. The commonest cause is the session middleware running inside PandiumMiddleware, so identify "
        "finds no request.session (the server log names it).",
        "Make the session middleware the outer one: list it before PandiumMiddleware in middleware=[...], "
        "or with add_middleware() add PandiumMiddleware first. Otherwise read the server log's line.",
        SESSION_500,
    ),
    "mints-signed-out": Problem(
        "warning",
        "Without a session the mint route minted a token: identify returned a user for an anonymous "
        "request, so anyone can open your users' integration pages.",
        "Make identify return None unless the request is signed in.",
        SECURITY,
    ),
    "own-frame-ancestors": Problem(
        "error",
        "The mint route's own answers (a 401 after sign-out) are framed by your page; with this header "
        "the browser blocks them and the element can never emit pandium:error.",
        "Send frame-ancestors 'self' (or X-Frame-Options: SAMEORIGIN) instead of 'none' / DENY.",
        ERROR_PAGE,
    ),
    "loader-missing": Problem(
        "error",
        "Without the script the <pandium-embed> element is an unknown tag: a blank space, no frame.",
        "Serve the page's <script src> from <prefix>/embed.js under the app's mount point (e.g. "
        "/app/pandium/embed.js when the app is under /app).",
        NO_ELEMENT,
    ),
    "loader-origins-differ": Problem(
        "error",
        "The loader accepts messages only from the origins baked into it: frames on other hosts show but "
        "send no events (and frames on them are not the app's configured Pandium).",
        "Start the app with the same PANDIUM_ENV and PANDIUM_*_BASE_URL settings doctor reads (or run doctor "
        "with the app's).",
        NO_EVENTS,
    ),
    "loader-prefix-differs": Problem(
        "error",
        "The loader opens its frames under the prefix baked into it; a different one means the frames hit "
        "a route that is not the middleware's.",
        "Run doctor with the app's settings, or serve the app at the URL given (a proxy that strips a "
        "sub-path needs the app's root_path).",
        PROXY,
    ),
    "token-route-open": Problem(
        "error",
        "POST <prefix>/token answered a cross-site request: another site could mint tokens for your "
        "signed-in users and open their integration pages.",
        "Let PandiumMiddleware answer <prefix>/token (it refuses cross-site and cross-origin callers), and "
        "never add CORS for it.",
        SECURITY,
    ),
    "token-route-unexpected": Problem(
        "warning",
        "POST <prefix>/token did not answer the middleware's cross-site refusal, so doctor cannot tell "
        "whether it is protected.",
        "Check what answers <prefix>/token in front of the app (a proxy, another middleware).",
        SECURITY,
    ),
    "connector-not-in-app": Problem(
        "error",
        "The running app does not know this connector: <pandium-embed connector=...> shows 'Not found'.",
        "Start the app with the same PANDIUM_CONNECTORS (or PandiumConfig(connectors=...)).",
        CONNECTOR_404,
    ),
    "identify-cannot-see-sign-in": Problem(
        "error",
        "With the signed-in session given, the mint route still answers 401: identify cannot see the "
        "sign-in, so every frame shows 'Sign in required'.",
        "identify must read what a frame's navigation carries: a session cookie (scoped to the whole site), "
        "not an Authorization header; and the session middleware must wrap PandiumMiddleware.",
        SIGNED_OUT,
    ),
    "mint-failed-signed-in": Problem(
        "error",
        "Signed in, the mint route failed (500): a hook raised (identify, or connector_token for a "
        "connector) or returned the wrong type. The frame shows 'Something went wrong'.",
        "Read the server log's pandium_embed line for the failing hook and fix it.",
        SESSION_500,
    ),
    "redirects-elsewhere": Problem(
        "error",
        "The running app sends the frame to another host than the configuration doctor reads: the app "
        "runs with other PANDIUM_ENV or PANDIUM_*_BASE_URL settings.",
        "Start the app and doctor with the same settings.",
        NO_EVENTS,
    ),
    "app-token-rejected": Problem(
        "error",
        "A token the running app minted fails Pandium's checks with the secret doctor reads: the app signs "
        "with another secret, or its clock is off, and Pandium would refuse it.",
        "Give the app the PANDIUM_SHARED_SECRET Pandium issued (no stray whitespace), and sync its clock.",
        REFUSED_PAGE,
    ),
    # -- the page
    "page-unreachable": Problem(
        "error",
        "doctor could not load the page at --page, so its headers and markup could not be checked.",
        "Check the URL and that the app is running.",
        CSP,
    ),
    "page-not-shown": Problem(
        "error",
        "The page did not answer 200, so doctor cannot read what a signed-in user gets.",
        "Pass the signed-in session: --cookie 'name=value' (from the browser's developer tools) or "
        "--header 'Name: value'.",
        SIGNED_OUT,
    ),
    "page-without-loader": Problem(
        "error",
        'The page has no <script src=".../embed.js">: the <pandium-embed> element never becomes one and shows nothing.',
        'Add <script src="<prefix>/embed.js"></script> (under the app\'s mount point) to the page.',
        NO_ELEMENT,
    ),
    "loader-not-seen": Problem(
        "warning",
        "No script on the page looks like the loader (<prefix>/embed.js): unless a bundle of the page "
        "includes the npm package, the <pandium-embed> element never becomes one.",
        'Add <script src="<prefix>/embed.js"></script>, or ignore this if your bundle imports pandium-embed.',
        NO_ELEMENT,
    ),
    "page-without-element": Problem(
        "warning",
        "The page has no <pandium-embed> element in its HTML (one added by script later is fine).",
        'Add <pandium-embed view="marketplace"></pandium-embed> where the integrations go.',
        NO_ELEMENT,
    ),
    "element-unknown-connector": Problem(
        "error",
        "Only connectors in PandiumConfig.connectors can be minted for; the element's frame shows 'Not "
        "found' (pandium:error 404).",
        "Use a configured connector name, or add it to PANDIUM_CONNECTORS (name=Integration Name).",
        CONNECTOR_404,
    ),
    "element-without-origin": Problem(
        "error",
        "A self-hosted element (src=...) with a self-hosted loader trusts no Pandium origin: the frame shows "
        "but no event is ever heard.",
        'Load the loader from <prefix>/embed.js, or give the element origin="..." (PandiumConfig.origins).',
        NO_EVENTS,
    ),
    "csp-frame-src": Problem(
        "error",
        "The page's Content-Security-Policy blocks the frame: the mint route ('self') and Pandium's origins "
        "must both be allowed, as the frame is redirected from one to the other. The frame shows the "
        "browser's blocked-page.",
        "Add them to frame-src (csp_directives(config) lists them).",
        CSP,
    ),
    "csp-script-src": Problem(
        "error",
        "The page's Content-Security-Policy blocks the loader: the element never appears.",
        "Allow the loader's URL in script-src ('self' for <prefix>/embed.js), or give its tag the policy's nonce.",
        CSP,
    ),
    "csp-connect-src": Problem(
        "warning",
        "The page's Content-Security-Policy blocks requests to the prefix: <pandium-embed report> cannot "
        "forward success to <prefix>/events, nor a single-page app call POST <prefix>/token.",
        "Allow 'self' in connect-src (csp_directives(config) lists it).",
        CSP,
    ),
    "coop-same-origin": Problem(
        "error",
        "Cross-Origin-Opener-Policy: same-origin severs a popup from its opener: pop-out mode and Auth-Only "
        "connections open, but no event reaches the page and the window may count as closed at once.",
        "Send Cross-Origin-Opener-Policy: same-origin-allow-popups.",
        POPUP,
    ),
    "coep": Problem(
        "warning",
        "Cross-Origin-Embedder-Policy makes the browser refuse frames whose pages do not opt in; Pandium's "
        "pages are not known to.",
        "Drop Cross-Origin-Embedder-Policy from the page that embeds, unless you have confirmed Pandium's "
        "pages load under it.",
        CSP,
    ),
}


@dataclass(frozen=True)
class Finding:
    """One result: ``code`` names a ``PROBLEMS`` entry (or a passed check, severity ``ok``); ``what``
    says what doctor saw, and never holds a secret, a token, a ``tenant=`` URL or a session cookie."""

    code: str
    what: str
    passed: bool = False

    @property
    def severity(self) -> Severity:
        return "ok" if self.passed else PROBLEMS[self.code].severity

    def as_dict(self) -> dict[str, Any]:
        if self.passed:
            return {"code": self.code, "severity": "ok", "what": self.what}
        problem = PROBLEMS[self.code]
        return {
            "code": self.code,
            "severity": problem.severity,
            "what": self.what,
            "why": problem.why,
            "fix": problem.fix,
            "docs": problem.docs,
        }


@dataclass
class _Report:
    findings: list[Finding] = field(default_factory=list)

    def problem(self, code: str, what: str) -> None:
        self.findings.append(Finding(code, what))

    def ok(self, check: str, what: str) -> None:
        self.findings.append(Finding(check, what, passed=True))


@dataclass
class _Probe:
    """What the network checks learned, for the checks after them."""

    stand_in: bool = False
    pandium_date: float | None = None
    app_date: float | None = None
    pandium_reached: bool = False
    # Where the app actually serves the loader and the mint routes (from --url), for the page's CSP.
    app_origin: str | None = None


# --- configuration -------------------------------------------------------------------------------------


def check_config(environ: Mapping[str, str], report: _Report, *, prefix: str | None = None) -> PandiumConfig | None:
    """The config ``from_env`` builds (its error otherwise), and the warnings it does not raise. ``prefix``:
    the app's, which the environment does not hold (``PandiumConfig(prefix=...)``)."""
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        try:
            config = PandiumConfig.from_env(environ, **({} if prefix is None else {"prefix": prefix}))
        except ValueError as error:
            # The messages name the setting and never its value (tests/unit/test_config.py).
            report.problem("config-invalid", str(error))
            return None
    short = SHORT_SECRET.split("{", 1)[0]
    if any(str(warning.message).startswith(short) for warning in caught):
        report.problem("secret-short", "PANDIUM_SHARED_SECRET is shorter than the recommended 32 bytes.")
    origins = ", ".join(config.origins)
    report.ok(
        "config",
        f"PandiumConfig.from_env(): org {config.org!r}, environment {config.environment!r}, "
        f"Pandium at {origins}, prefix {config.prefix!r}.",
    )
    hosts = {flow: getattr(config.hosts, flow) for flow in ("marketplace", "install", "connect")}
    loopback = any(is_loopback_host(urlsplit(url).hostname or "") for url in hosts.values())
    if (
        config.environment != "production"
        and not loopback
        and not environ.get("PANDIUM_ENV")
        and not _TEST_LOOKING_ORG.search(config.org)
    ):
        report.problem(
            "sandbox-with-production-org",
            f"PANDIUM_ENV is not set, so environment is 'sandbox', for org {config.org!r}, whose name does not "
            "look like a test org.",
        )
    for flow, url in hosts.items():
        for name, preset in ENVIRONMENTS.items():
            if (
                name != config.environment
                and url == getattr(preset, flow)
                and url != getattr(ENVIRONMENTS[config.environment], flow)
            ):
                report.problem(
                    "mixed-environments",
                    f"the {flow} base URL is {url}, a host of environment {name!r}, while PANDIUM_ENV is "
                    f"{config.environment!r}.",
                )
    if config.connectors:
        report.problem(
            "connectors-need-hook",
            f"PANDIUM_CONNECTORS names {', '.join(sorted(config.connectors))}: the middleware needs a "
            "connector_token hook for them.",
        )
    return config


def check_token(config: PandiumConfig, now: float, report: _Report) -> None:
    """Mint as the middleware does and verify as MockPandium does (same rules as Pandium's)."""
    tokens = {"marketplace": mint_token(config, DOCTOR_USER, now=now)}
    for connector, integration in config.connectors.items():
        xti = {"connector_name": connector, "integration_name": integration, "token": "doctor"}
        tokens[f"connect/{connector}"] = mint_token(config, DOCTOR_USER, xti=xti, now=now)
    for name, token in tokens.items():
        try:
            verify_token(token, secret=config.secret, now=now)
            flow_url(config, "connect" if "/" in name else "marketplace", name.partition("/")[2] or None, token)
        except TokenRejected as rejected:
            report.problem("token-rejected-locally", f"a {name} token minted here: {rejected}")
            return
        except ValueError as error:
            report.problem("token-rejected-locally", f"a {name} token minted here: {error}")
            return
    report.ok("token", "a token minted with this configuration passes Pandium's checks (MockPandium's verifier).")


# --- HTTP ----------------------------------------------------------------------------------------------


def _date_of(response: httpx.Response) -> float | None:
    value = response.headers.get("date")
    if not value:
        return None
    try:
        return parsedate_to_datetime(value).timestamp()
    except (TypeError, ValueError):
        return None


def _ours(response: httpx.Response) -> str | None:
    """The reason of a refusal the middleware answered (its JSON error body and mint headers), else None."""
    if response.headers.get("cache-control") != "no-store":
        return None
    try:
        body = response.json()
    except ValueError:
        return None
    if not isinstance(body, dict) or not {"error", "status"} <= set(body):
        return None
    reason = body["error"]
    if reason not in ERRORS or ERRORS[reason][0] != response.status_code:
        return None
    return str(reason)


def _describe(response: httpx.Response) -> str:
    kind = response.headers.get("content-type", "no content type").split(";")[0]
    return f"{response.status_code} ({kind})"


def _safe_url(url: str) -> str:
    """A URL without its query and fragment, for a finding (a Location may carry ?tenant=)."""
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}{parts.path}"


def _frame_blocked(response: httpx.Response, page_origin: str, url: str) -> str | None:
    """What in ``response``'s headers stops ``page_origin`` from framing it, if anything."""
    xfo = response.headers.get("x-frame-options", "").strip().lower()
    if xfo == "deny" or (xfo == "sameorigin" and origin_of(url) != page_origin):
        return f"X-Frame-Options: {xfo.upper()}"
    for policy in parse_policies(response.headers.get_list("content-security-policy")):
        if not policy_allows(policy, "frame-ancestors", page_origin + "/", url):
            return "Content-Security-Policy: frame-ancestors " + " ".join(policy["frame-ancestors"])
    return None


# --- Pandium's hosts -----------------------------------------------------------------------------------


def check_pandium(
    config: PandiumConfig, http: httpx.Client, now: float, parent: str | None, probe: _Probe, report: _Report
) -> None:
    """Whether each Pandium origin answers; the stand-in's verdict on a token minted here; its Date."""
    import httpx

    loopback = [origin for origin in config.origins if is_loopback_host(urlsplit(origin).hostname or "")]
    for origin in config.origins:
        try:
            response = http.get(origin + "/")
        except httpx.HTTPError as error:
            code = "stand-in-down" if origin in loopback else "pandium-unreachable"
            report.problem(code, f"nothing answers at {origin} ({type(error).__name__}).")
            continue
        probe.pandium_reached = True
        probe.pandium_date = probe.pandium_date or _date_of(response)
        if origin in loopback:
            try:
                records = http.get(origin + RESERVED_PREFIX + "/records")
                probe.stand_in = probe.stand_in or (records.status_code == 200 and "accepted" in records.json())
            except (httpx.HTTPError, ValueError):
                pass
        report.ok("reachable", f"{origin} answers.")
    if loopback and not probe.stand_in and probe.pandium_reached:
        report.problem("loopback-base-url", f"{', '.join(loopback)} answers, but not as MockPandium.")
    if probe.stand_in:
        report.problem("stand-in", f"MockPandium answers at {config.hosts.marketplace}.")
        token = mint_token(config, DOCTOR_USER, now=now)
        _visit_stand_in(http, flow_url(config, "marketplace", None, token), "a token minted here", parent, report)


def _visit_stand_in(http: httpx.Client, url: str, whose: str, parent: str | None, report: _Report) -> None:
    """Open a stand-in page as the frame would (uses the token up) and read its verdict and framing."""
    import httpx

    try:
        response = http.get(url, headers={"sec-fetch-dest": "iframe", "sec-fetch-mode": "navigate"})
    except httpx.HTTPError as error:
        report.problem("stand-in-down", f"the stand-in's page did not answer ({type(error).__name__}).")
        return
    refusal = _REFUSAL_REASON.search(response.text)
    if refusal is not None:
        reason = refusal.group(1)
        report.problem(
            "stand-in-refused", f"MockPandium refused {whose}: {reason}: {PAGE_REASONS.get(reason, '')}".rstrip(": ")
        )
        return
    if response.status_code != 200:
        report.problem("stand-in-refused", f"MockPandium answered {whose} with {_describe(response)}.")
        return
    report.ok("stand-in-accepts", f"MockPandium accepts {whose}.")
    if parent is not None:
        blocked = _frame_blocked(response, parent, url)
        if blocked is not None:
            report.problem("parent-not-registered", f"MockPandium's page may not be framed by {parent} ({blocked}).")
        else:
            report.ok("parent-registered", f"MockPandium's pages may be framed by {parent}.")


def check_clock(now: float, probe: _Probe, report: _Report) -> None:
    """The minting clock (the app's Date, else this machine's) against Pandium's Date header."""
    if probe.pandium_date is None:
        return
    subject = "the app's clock" if probe.app_date is not None else "this machine's clock"
    minting = probe.app_date if probe.app_date is not None else now
    offset = minting - probe.pandium_date
    # Date headers have whole seconds: a second either way is the headers' rounding, not skew.
    if offset > DEFAULT_SKEW + 1 or offset < -(DEFAULT_MAX_AGE / 2):
        direction = "ahead of" if offset > 0 else "behind"
        report.problem("clock-skew", f"{subject} is {abs(offset):.0f} s {direction} Pandium's (its Date header).")
    else:
        report.ok("clock", f"{subject} agrees with Pandium's Date header ({offset:+.0f} s).")


# --- the running app -----------------------------------------------------------------------------------


def _baked_settings(body: str) -> dict[str, Any] | None:
    match = _BAKED_SETTINGS.search(body)
    if match is None:
        return None
    value = json.loads(match.group(0))
    return value if isinstance(value, dict) else None


def check_loader(config: PandiumConfig, http: httpx.Client, url: str, report: _Report) -> bool:
    """The loader at ``url``: served, and baked with this config's origins and the expected prefix. True
    for the middleware's copy; False for a self-hosted copy (no settings baked in) or none."""
    import httpx

    try:
        response = http.get(url)
    except httpx.HTTPError as error:
        report.problem("loader-missing", f"GET {url} failed ({type(error).__name__}).")
        return False
    script = response.status_code == 200 and "javascript" in response.headers.get("content-type", "")
    settings = _baked_settings(response.text) if script else None
    if script and settings is None:
        # A copy from the npm package or js/dist: its elements need origin="..." (or configure()).
        report.ok("loader", f"{url} serves a self-hosted copy of the loader (no settings baked in).")
        return False
    if settings is None:
        report.problem("loader-missing", f"GET {url} answered {_describe(response)}, not the loader.")
        return False
    if set(settings["origins"]) != set(config.origins):
        report.problem(
            "loader-origins-differ",
            f"the loader at {url} trusts {' '.join(settings['origins'])}; this configuration's Pandium is at "
            f"{' '.join(config.origins)}.",
        )
    expected_prefix = urlsplit(url).path.removesuffix("/embed.js")
    if settings["prefix"] != expected_prefix:
        report.problem(
            "loader-prefix-differs",
            f"the loader at {url} opens frames under {settings['prefix']!r}, not {expected_prefix!r}.",
        )
    else:
        report.ok("loader", f"{url} serves the loader for this configuration.")
    return True


def check_app(
    config: PandiumConfig,
    http: httpx.Client,
    url: str,
    session: Mapping[str, str],
    now: float,
    probe: _Probe,
    report: _Report,
) -> None:
    """The mint routes, the loader and /token of the app at ``url``, signed out and (with ``session``)
    signed in."""
    import httpx

    base = url.rstrip("/") + config.prefix
    as_json = {"accept": "application/json"}
    mint = base + "/marketplace"
    probe.app_origin = origin_of(url)
    try:
        response = http.get(mint, headers=as_json)
    except httpx.HTTPError as error:
        report.problem("app-unreachable", f"GET {mint} failed ({type(error).__name__}).")
        return
    probe.app_date = _date_of(response)
    reason = _ours(response)
    if reason is None and response.status_code == 303:
        report.problem("mints-signed-out", f"GET {mint} without a session answered 303 (a token).")
    elif reason is None:
        report.problem(
            "middleware-missing",
            f"GET {mint} answered {_describe(response)}, not PandiumMiddleware's 401 'not-signed-in': no "
            f"PandiumMiddleware answers at the prefix {config.prefix!r} (another prefix? pass --prefix).",
        )
        return
    elif reason == "server-error":
        report.problem("mint-failed-signed-out", f"GET {mint} without a session answered 500.")
    elif reason != "not-signed-in":
        report.problem("middleware-missing", f"GET {mint} answered the middleware's {reason!r}, not 'not-signed-in'.")
    else:
        report.ok("middleware", f"PandiumMiddleware answers at {base} (401 signed out).")
    blocked = _frame_blocked(response, probe.app_origin, mint)
    if blocked is not None:
        report.problem("own-frame-ancestors", f"GET {mint} is sent with {blocked}.")

    check_loader(config, http, base + "/embed.js", report)
    _check_token_route(http, base + "/token", session, report)
    for connector in sorted(config.connectors):
        connect = f"{base}/connect/{connector}"
        try:
            answer = http.get(connect, headers=as_json)
        except httpx.HTTPError:
            continue
        if _ours(answer) == "not-found":
            what = f"GET {connect} answered 404: the app has no connector {connector!r}."
            report.problem("connector-not-in-app", what)
    if session:
        _check_signed_in(config, http, base, session, now, report)


def _check_token_route(http: httpx.Client, url: str, session: Mapping[str, str], report: _Report) -> None:
    import httpx

    headers = {
        **session,
        "content-type": "application/json",
        "accept": "application/json",
        "origin": FOREIGN_ORIGIN,
        "sec-fetch-site": "cross-site",
        "sec-fetch-mode": "cors",
    }
    try:
        response = http.post(url, content=b'{"flow":"marketplace"}', headers=headers)
    except httpx.HTTPError as error:
        report.problem("token-route-unexpected", f"POST {url} failed ({type(error).__name__}).")
        return
    open_cors = response.headers.get("access-control-allow-origin") in (FOREIGN_ORIGIN, "*")
    if response.is_success or (open_cors and response.headers.get("access-control-allow-credentials") == "true"):
        report.problem("token-route-open", f"POST {url} from {FOREIGN_ORIGIN} answered {_describe(response)}.")
    elif _ours(response) in ("cross-site", "cross-origin"):
        report.ok("token-route", f"POST {url} refuses a cross-site request.")
    else:
        report.problem("token-route-unexpected", f"POST {url} from another site answered {_describe(response)}.")


def _check_signed_in(
    config: PandiumConfig, http: httpx.Client, base: str, session: Mapping[str, str], now: float, report: _Report
) -> None:
    import httpx

    routes = [("marketplace", base + "/marketplace")]
    routes += [(f"connect/{name}", f"{base}/connect/{name}") for name in sorted(config.connectors)]
    for name, route in routes:
        try:
            response = http.get(route, headers={**session, "accept": "application/json"})
        except httpx.HTTPError as error:
            report.problem("app-unreachable", f"GET {route} failed ({type(error).__name__}).")
            continue
        reason = _ours(response)
        if reason == "not-signed-in":
            report.problem("identify-cannot-see-sign-in", f"GET {route} with the session given answered 401.")
            continue
        if reason == "server-error":
            report.problem("mint-failed-signed-in", f"GET {route} with the session given answered 500.")
            continue
        location = response.headers.get("location", "")
        if response.status_code != 303 or not location:
            continue
        flow = name.partition("/")[0]
        expected = origin_of(getattr(config.hosts, flow))
        if origin_of(location) != expected:
            report.problem("redirects-elsewhere", f"GET {route} redirects to {origin_of(location)}, not {expected}.")
            continue
        token = (parse_qs(urlsplit(location).query).get("tenant") or [""])[0]
        try:
            verify_token(token, secret=config.secret, now=now)
        except TokenRejected as rejected:
            report.problem("app-token-rejected", f"the token GET {route} minted: {rejected}")
            continue
        report.ok("app-mints", f"GET {route} signed in mints a token Pandium's checks accept.")


# --- the page ------------------------------------------------------------------------------------------


class _PageMarkup(HTMLParser):
    """The page's script tags with a src, its <pandium-embed> elements and its <meta> policies."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.scripts: list[dict[str, str]] = []
        self.elements: list[dict[str, str]] = []
        self.meta_policies: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = {name: value or "" for name, value in attrs}
        if tag == "script" and "src" in values:
            self.scripts.append(values)
        elif tag == "pandium-embed":
            self.elements.append(values)
        elif tag == "meta" and values.get("http-equiv", "").lower() == "content-security-policy":
            self.meta_policies.append(values.get("content", ""))


def _is_loader(src: str) -> bool:
    path = urlsplit(src).path
    return path.endswith("/embed.js") or "pandium-embed" in path.rsplit("/", 1)[-1]


def check_page(
    config: PandiumConfig, http: httpx.Client, page: str, session: Mapping[str, str], probe: _Probe, report: _Report
) -> str | None:
    """The page's loader, elements, CSP and COOP; returns its origin (the parent to register)."""
    import httpx

    try:
        response = http.get(page, headers={**session, "accept": "text/html", "sec-fetch-mode": "navigate"})
    except httpx.HTTPError as error:
        report.problem("page-unreachable", f"GET {page} failed ({type(error).__name__}).")
        return None
    parent = origin_of(page)
    if response.status_code != 200:
        where = response.headers.get("location")
        to = f" to {_safe_url(urljoin(page, where))}" if where else ""
        report.problem("page-not-shown", f"GET {page} answered {response.status_code}{to}.")
        return parent
    markup = _PageMarkup()
    markup.feed(response.text)
    loaders = [script for script in markup.scripts if _is_loader(script["src"])]
    served = False
    if not loaders and markup.scripts:
        # Perhaps bundled from the npm package: nothing here can tell.
        report.problem("loader-not-seen", f"{page} has scripts, but none named embed.js or pandium-embed*.js.")
    elif not loaders:
        report.problem("page-without-loader", f"{page} has no loader script.")
    for script in loaders:
        loader_url = urljoin(page, script["src"])
        served = check_loader(config, http, loader_url, report) or served
        _check_csp_for_loader(config, response, markup, page, loader_url, script, report)
    if not markup.elements:
        report.problem("page-without-element", f"{page} has no <pandium-embed> element in its HTML.")
    for element in markup.elements:
        connector = element.get("connector")
        if connector is not None and connector not in config.connectors:
            configured = ", ".join(sorted(config.connectors)) or "none"
            report.problem(
                "element-unknown-connector",
                f'{page} has <pandium-embed connector="{connector[:64]}">; configured: {configured}.',
            )
        if "src" in element and not element.get("origin") and not served:
            report.problem("element-without-origin", f"{page} has a <pandium-embed src=...> without origin.")
    coop = response.headers.get("cross-origin-opener-policy", "").split(";")[0].strip().lower()
    if coop == "same-origin":
        report.problem("coop-same-origin", f"{page} is sent with Cross-Origin-Opener-Policy: same-origin.")
    coep = response.headers.get("cross-origin-embedder-policy", "").split(";")[0].strip().lower()
    if coep in ("require-corp", "credentialless"):
        report.problem("coep", f"{page} is sent with Cross-Origin-Embedder-Policy: {coep}.")
    return parent


def _check_csp_for_loader(
    config: PandiumConfig,
    response: httpx.Response,
    markup: _PageMarkup,
    page: str,
    loader_url: str,
    script: Mapping[str, str],
    report: _Report,
) -> None:
    """The page's policies against what the element needs, the routes being next to the loader."""
    policies = parse_policies([*response.headers.get_list("content-security-policy"), *markup.meta_policies])
    served_path = urlsplit(loader_url).path.endswith("/embed.js")
    prefix_url = loader_url.removesuffix("/embed.js") if served_path else origin_of(page) + config.prefix
    reports = any("report" in element for element in markup.elements)
    failures: dict[str, list[str]] = {}
    for policy in policies:
        script_sources = policy.get("script-src-elem", policy.get("script-src", policy.get("default-src", ())))
        nonce = script.get("nonce")
        if "'strict-dynamic'" in script_sources:
            if not nonce or f"'nonce-{nonce}'" not in script_sources:
                failures.setdefault("csp-script-src", []).append(f"{loader_url} (strict-dynamic, no matching nonce)")
        elif not policy_allows(policy, "script-src-elem", loader_url, page) and not (
            nonce and f"'nonce-{nonce}'" in script_sources
        ):
            failures.setdefault("csp-script-src", []).append(loader_url)
        frames = [(prefix_url + "/marketplace", False)] + [(origin + "/", True) for origin in config.origins]
        for url, redirected in frames:
            if not policy_allows(policy, "frame-src", url, page, redirected=redirected):
                failures.setdefault("csp-frame-src", []).append(url.removesuffix("/"))
        if not policy_allows(policy, "connect-src", prefix_url + "/events", page):
            failures.setdefault("csp-connect-src", []).append(prefix_url)
    for code, blocked in failures.items():
        unique = list(dict.fromkeys(blocked))
        what = f"{page}'s Content-Security-Policy blocks {', '.join(unique)}."
        if code == "csp-connect-src" and reports:
            what += " Its <pandium-embed report> element forwards there."
        report.problem(code, what)
    if policies and not failures:
        report.ok("csp", f"{page}'s Content-Security-Policy allows the loader, the frames and the prefix.")


# --- the whole run -------------------------------------------------------------------------------------


def _session_headers(cookies: Sequence[str], headers: Sequence[str]) -> dict[str, str]:
    """--cookie NAME=VALUE and --header 'Name: value' as request headers (never printed)."""
    values: dict[str, str] = {}
    if cookies:
        values["cookie"] = "; ".join(cookie.strip() for cookie in cookies)
    for header in headers:
        name, _, value = header.partition(":")
        values[name.strip().lower()] = value.strip()
    return values


# The loggers of httpx (each request's URL at INFO) and httpcore (response headers at DEBUG): doctor's
# requests carry tokens in URLs and the session given, and answers carry Location: ...?tenant= and
# Set-Cookie.
_HTTP_LOGGERS = (
    "httpx",
    "httpcore.connection",
    "httpcore.http11",
    "httpcore.http2",
    "httpcore.proxy",
    "httpcore.socks",
)


class _WithoutCredentials(logging.Filter):
    """Drops the HTTP libraries' records that would show a token, a tenant= URL, the secret or the
    session given; and their response headers altogether (a Set-Cookie there is a session too)."""

    def __init__(self, needles: Sequence[str]) -> None:
        super().__init__()
        self.needles = ["tenant=", *(needle for needle in needles if needle)]

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        return "response_headers" not in message and not any(needle in message for needle in self.needles)


@contextmanager
def _http_logs_without(needles: Sequence[str]) -> Iterator[None]:
    quiet = _WithoutCredentials(needles)
    loggers = [logging.getLogger(name) for name in _HTTP_LOGGERS]
    for logger in loggers:
        logger.addFilter(quiet)
    try:
        yield
    finally:
        for logger in loggers:
            logger.removeFilter(quiet)


@contextmanager
def _client() -> Iterator[httpx.Client]:
    import httpx

    # No cookies kept between requests (a jar whose policy accepts no domain): each check says exactly
    # what it sends, even when the app refreshes its session cookie on every answer. trust_env off: the
    # checks ask exactly the hosts named, not through an HTTP(S)_PROXY meant for other traffic.
    jar = CookieJar(policy=DefaultCookiePolicy(allowed_domains=[]))
    with httpx.Client(timeout=TIMEOUT_SECONDS, follow_redirects=False, trust_env=False, cookies=jar) as http:
        yield http


def diagnose(
    environ: Mapping[str, str],
    *,
    url: str | None = None,
    page: str | None = None,
    prefix: str | None = None,
    cookies: Sequence[str] = (),
    headers: Sequence[str] = (),
    offline: bool = False,
    clock: Callable[[], float] = time.time,
    client: Callable[[], Any] = _client,
) -> list[Finding]:
    """Every finding for the configuration in ``environ`` and, if given, the app at ``url`` and the page
    at ``page``; ``prefix`` is the middleware's, if not the default. ``offline``: contact no Pandium host
    (the app and the page are still asked)."""
    report = _Report()
    config = check_config(environ, report, prefix=prefix)
    if config is None:
        return report.findings
    now = clock()
    check_token(config, now, report)
    session = _session_headers(cookies, headers)
    probe = _Probe()
    if url is None and page is None and offline:
        return report.findings
    secret = config.secret if isinstance(config.secret, str) else config.secret.decode("utf-8", "replace")
    needles = [secret, *session.values(), *(cookie.partition("=")[2] for cookie in cookies)]
    with _http_logs_without(needles), client() as http:
        parent = check_page(config, http, page, session, probe, report) if page else None
        if url is not None:
            check_app(config, http, url, session, now, probe, report)
        parent = parent or probe.app_origin
        if not offline:
            check_pandium(config, http, now, parent, probe, report)
            if session and url is not None and probe.stand_in:
                _visit_with_app_token(config, http, url, session, parent, report)
            check_clock(now, probe, report)
    if parent is not None and not probe.stand_in:
        report.problem(
            "register-origin",
            f"register {parent} as the parent domain of org {config.org!r} (the origin of the page that embeds).",
        )
    findings = report.findings
    if any(finding.code == "app-mints" and "/connect/" in finding.what for finding in findings):
        # The app minted an Auth-Only token signed in: its connector_token hook is there and works.
        findings = [finding for finding in findings if finding.code != "connectors-need-hook"]
    # The page's loader is often the app's own <prefix>/embed.js: say each thing once.
    return list(dict.fromkeys(findings))


def _visit_with_app_token(
    config: PandiumConfig, http: Any, url: str, session: Mapping[str, str], parent: str | None, report: _Report
) -> None:
    """Follow the app's own redirect to the stand-in: its secret and org, not this shell's, are tested."""
    mint = url.rstrip("/") + config.prefix + "/marketplace"
    try:
        response = http.get(mint, headers={**session, "accept": "application/json"})
    except Exception:
        return
    location = response.headers.get("location", "")
    if response.status_code == 303 and origin_of(location) == origin_of(config.hosts.marketplace):
        _visit_stand_in(http, location, "a token the app minted", parent, report)


# --- output --------------------------------------------------------------------------------------------

_LABELS = {"error": "ERROR", "warning": "WARNING", "info": "NOTE", "ok": "ok"}


def format_text(findings: Sequence[Finding]) -> str:
    """For a person: problems first, each with why, fix and docs; then the checks that passed."""
    order = {"error": 0, "warning": 1, "info": 2, "ok": 3}
    lines = []
    for finding in sorted(findings, key=lambda finding: order[finding.severity]):
        if finding.passed:
            lines.append(f"ok       {finding.code}: {finding.what}")
            continue
        problem = PROBLEMS[finding.code]
        lines += [
            f"{_LABELS[problem.severity]:<8} {finding.code}: {finding.what}",
            f"         why: {problem.why}",
            f"         fix: {problem.fix}",
            f"         docs: docs/{problem.docs}",
        ]
    counts = {severity: sum(f.severity == severity for f in findings) for severity in ("error", "warning")}
    lines.append(f"pandium-embed doctor: {counts['error']} error(s), {counts['warning']} warning(s).")
    return "\n".join(lines)


def format_json(findings: Sequence[Finding]) -> str:
    """For CI: ``{"ok": bool, "findings": [...]}``."""
    ok = not any(finding.severity == "error" for finding in findings)
    return json.dumps({"ok": ok, "findings": [finding.as_dict() for finding in findings]}, indent=2)
