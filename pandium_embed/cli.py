"""``pandium-embed``: command-line tools. One subcommand per tool; ``mock`` serves MockPandium, ``doctor``
checks a deployment.

pandium-embed mock --org acme --parent-origin http://127.0.0.1:8000   # secret from $PANDIUM_SHARED_SECRET
pandium-embed doctor --url http://127.0.0.1:8000 --page http://127.0.0.1:8000/integrations --cookie session=...
"""

from __future__ import annotations

import argparse
import logging
import os
import shlex
import socket
import sys
from collections.abc import Callable, Mapping, Sequence
from typing import TextIO

from starlette.types import ASGIApp

from .config import RECOMMENDED_SECRET_BYTES
from .flows import FLOWS, Flow
from .mock.app import RESERVED_PREFIX, MockPandium
from .mock.catalog import DEFAULT_INTEGRATIONS, Connector, ExternalIntegration, Integration
from .net import is_loopback_host

__all__ = ["build_parser", "main"]

Serve = Callable[[ASGIApp, socket.socket], None]

DEFAULT_MOCK_PORT = 8001
MISSING_SECRET = (
    "no shared secret: set PANDIUM_SHARED_SECRET (preferred: command lines are visible to other "
    "users of this machine) or pass --secret; use the secret your app signs tokens with."
)
BLANK_SECRET = (
    "the shared secret is empty or starts or ends with whitespace (a copy-paste slip?): "
    "give the secret exactly as your app uses it."
)
SHORT_SECRET = (
    "warning: the shared secret is shorter than {n} bytes; Pandium issues longer ones, and a short "
    "HS256 secret can be brute-forced."
)
BAD_PORT = "--port must be between 0 and 65535 (0 picks a free port); got {port}."
CANNOT_LISTEN = "pandium-embed mock: cannot listen on {host}:{port}: {error}"
PUBLIC_HOST = (
    "warning: {host} is not a loopback address: anyone who can reach it can read the claims of "
    "accepted tokens at {prefix}/records."
)
DOCTOR_BAD_URL = "--url and --page take an http:// or https:// URL; got {value!r}."
DOCTOR_BAD_HEADER = "--header takes 'Name: value' (e.g. --header 'Authorization: Bearer ...')."
DOCTOR_NEEDS_HTTPX = (
    "doctor asks servers over HTTP with httpx: pip install 'pandium-embed[doctor]' (or pass --offline)."
)
BAD_PAIR = "expected {form}, got {value!r}"
CONNECTOR_FORM = "NAME=INTEGRATION_NAME[,INTEGRATION_ID] (e.g. gwt=GWT,5)"
GROUP_FORM = "GROUP=ID[,ID...] (e.g. gold=1,2,3)"
EXTERNAL_FORM = "ID=NAME=URL (e.g. legacy-crm=Legacy CRM=https://crm.example.com/)"

# The CLI shows the connector the docs' examples use (`<pandium-embed connector="gwt">`), on an integration
# of its own, so what a newcomer pastes from the docs works against it unchanged.
CLI_INTEGRATIONS: tuple[Integration, ...] = (
    *DEFAULT_INTEGRATIONS,
    Integration("5", "GWT", description="Send Great Widgets orders to your account."),
)
CLI_CONNECTORS: tuple[Connector, ...] = (Connector("gwt", "GWT", integration_id="5"),)


def _integration(value: str) -> Integration:
    identifier, sep, name = value.partition("=")
    if not sep or not identifier or not name:
        raise argparse.ArgumentTypeError(BAD_PAIR.format(form="ID=NAME (e.g. 7=Zendesk)", value=value))
    return Integration(identifier, name)


def _connector(value: str) -> Connector:
    # The integration name is what PandiumConfig.connectors maps the connector to; the mock's page
    # shows it as the system to connect.
    name, sep, rest = value.partition("=")
    integration_name, _, integration_id = rest.partition(",")
    if not sep or not name or not integration_name:
        raise argparse.ArgumentTypeError(BAD_PAIR.format(form=CONNECTOR_FORM, value=value))
    return Connector(name, integration_name, integration_id=integration_id or "1")


def _group(value: str) -> tuple[str, list[str]]:
    # A group the token's xti.user_group or xti.user_tier names, and the integrations it sees.
    name, sep, ids = value.partition("=")
    members = [item.strip() for item in ids.split(",") if item.strip()]
    if not sep or not name.strip() or not members:
        raise argparse.ArgumentTypeError(BAD_PAIR.format(form=GROUP_FORM, value=value))
    return name, members


def _groups(pairs: Sequence[tuple[str, list[str]]]) -> dict[str, list[str]]:
    # A group given twice sees the integrations of both flags.
    groups: dict[str, list[str]] = {}
    for name, members in pairs:
        groups.setdefault(name, []).extend(members)
    return groups


def _external(value: str) -> ExternalIntegration:
    identifier, sep, rest = value.partition("=")
    name, sep2, url = rest.partition("=")
    if not sep or not sep2 or not identifier or not name or not url:
        raise argparse.ArgumentTypeError(BAD_PAIR.format(form=EXTERNAL_FORM, value=value))
    return ExternalIntegration(identifier, name, url=url)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="pandium-embed",
        description="Tools for embedding Pandium's hosted integration pages.",
    )
    commands = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)

    mock = commands.add_parser(
        "mock",
        help="serve MockPandium, a local stand-in for Pandium's hosted pages",
        description=(
            "Serve MockPandium: the In-App Marketplace, install-only and Auth-Only pages, verifying "
            "tokens as Pandium does. Point PandiumConfig's three base URLs at the printed URL."
        ),
    )
    mock.add_argument("--host", default="127.0.0.1", help="address to listen on (default: %(default)s)")
    mock.add_argument(
        "--port",
        type=int,
        default=DEFAULT_MOCK_PORT,
        help="port to listen on; 0 picks a free one (default: %(default)s)",
    )
    mock.add_argument("--org", help="your Pandium org name (default: $PANDIUM_ORG, else acme)")
    mock.add_argument(
        "--secret",
        help="the shared secret tokens are signed with (default: $PANDIUM_SHARED_SECRET, which is safer)",
    )
    mock.add_argument(
        "--parent-origin",
        dest="parent_origins",
        action="append",
        required=True,
        metavar="ORIGIN",
        help="origin of the app that frames the pages, e.g. http://127.0.0.1:8000 (repeatable)",
    )
    mock.add_argument(
        "--integration",
        dest="integrations",
        action="append",
        type=_integration,
        metavar="ID=NAME",
        help="an integration to show (repeatable; default: 1=HubSpot 2=Salesforce 3=NetSuite 4=Shopify 5=GWT)",
    )
    mock.add_argument(
        "--connector",
        dest="connectors",
        action="append",
        type=_connector,
        metavar="NAME=INTEGRATION_NAME[,ID]",
        help=(
            "an Auth-Only connector: its name, its integration name (as in PANDIUM_CONNECTORS) and the "
            "integration id its tenants report (repeatable; default: gwt=GWT,5)"
        ),
    )
    mock.add_argument(
        "--group",
        dest="groups",
        action="append",
        type=_group,
        metavar="GROUP=ID[,ID...]",
        help=(
            "the integrations a group sees, for tokens whose xti.user_group or xti.user_tier names it "
            "(repeatable; default: no groups, everyone sees every integration)"
        ),
    )
    mock.add_argument(
        "--external-integration",
        dest="external_integrations",
        action="append",
        type=_external,
        metavar="ID=NAME=URL",
        help=(
            "an integration outside Pandium: shown as installed, with an Open link to URL, to users whose "
            "token lists ID in ti.ili (repeatable)"
        ),
    )
    mock.add_argument(
        "--notifications-url",
        metavar="URL",
        help=(
            "where to POST Pandium's notifications (tenant_created, tenant_archived, ...), e.g. your app's "
            "<prefix>/webhooks/<secret> (default: $PANDIUM_MOCK_NOTIFICATIONS_URL, which keeps the secret "
            "out of the process list)"
        ),
    )
    # Each subcommand carries its own parser, so its errors print its own usage line.
    mock.set_defaults(run=_run_mock, parser=mock)

    doctor = commands.add_parser(
        "doctor",
        help="check a deployment: the configuration, the running app, the page that embeds, Pandium",
        description=(
            "Check what makes embedded pages fail silently. Reads the configuration from the environment "
            "as PandiumConfig.from_env() does (run it in the app's environment); with --url, asks the running "
            "app; with --page, reads the page that embeds. Exits 1 if anything is an error. Never prints a "
            "secret, a token, or the cookies and headers given."
        ),
    )
    doctor.add_argument("--url", help="the running app's base URL, e.g. http://127.0.0.1:8000 (under it: <prefix>)")
    doctor.add_argument("--page", help="the URL of a page that embeds, e.g. http://127.0.0.1:8000/integrations")
    doctor.add_argument(
        "--cookie",
        dest="cookies",
        action="append",
        default=[],
        metavar="NAME=VALUE",
        help="a cookie of a signed-in session, sent to --url and --page (repeatable)",
    )
    doctor.add_argument(
        "--header",
        dest="headers",
        action="append",
        default=[],
        metavar="'NAME: VALUE'",
        help="a header sent to --url and --page, e.g. for a signed-in session (repeatable)",
    )
    doctor.add_argument(
        "--prefix",
        help="the middleware's prefix if the app passes PandiumConfig(prefix=...) (default: /pandium)",
    )
    doctor.add_argument("--json", action="store_true", help="print the findings as JSON (for CI)")
    doctor.add_argument(
        "--offline",
        action="store_true",
        help="contact no Pandium host (the app and the page are still asked)",
    )
    doctor.set_defaults(run=_run_doctor, parser=doctor)
    return parser


def _run_doctor(
    args: argparse.Namespace,
    parser: argparse.ArgumentParser,
    environ: Mapping[str, str],
    serve: Serve,
    out: TextIO,
    err: TextIO,
) -> int:
    from . import doctor

    for value in (args.url, args.page):
        if value is not None and not value.lower().startswith(("http://", "https://")):
            parser.error(DOCTOR_BAD_URL.format(value=value))
    if any(":" not in header for header in args.headers):
        parser.error(DOCTOR_BAD_HEADER)
    if args.url or args.page or not args.offline:
        try:
            import httpx  # noqa: F401 - the [doctor] extra
        except ImportError:
            parser.error(DOCTOR_NEEDS_HTTPX)
    findings = doctor.diagnose(
        environ,
        url=args.url,
        page=args.page,
        prefix=args.prefix,
        cookies=args.cookies,
        headers=args.headers,
        offline=args.offline,
    )
    print(doctor.format_json(findings) if args.json else doctor.format_text(findings), file=out, flush=True)
    return 1 if any(finding.severity == "error" for finding in findings) else 0


def _flow_line(flow: Flow, base: str, org: str, target: str = "") -> str:
    spec = FLOWS[flow]
    return f"  {spec.title:<20}{base}{spec.path.format(org=org, target=target)}?tenant=<jwt>"


def _format_host(host: str) -> str:
    return f"[{host}]" if ":" in host else host


def _listen(host: str, port: int) -> socket.socket:
    # Bound here rather than by uvicorn so that --port 0 prints the port actually chosen.
    sock = socket.socket(socket.AF_INET6 if ":" in host else socket.AF_INET, socket.SOCK_STREAM)
    try:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind((host, port))
    except OSError:
        sock.close()
        raise
    return sock


def _serve_with_uvicorn(app: ASGIApp, sock: socket.socket) -> None:
    import uvicorn  # the [mock] extra

    logging.basicConfig(level=logging.INFO, format="%(levelname)s: %(message)s")
    # No access log: every page URL carries ?tenant=<token>, which must never reach a log.
    config = uvicorn.Config(app, log_level="info", access_log=False, lifespan="off")
    uvicorn.Server(config).run(sockets=[sock])


def _run_mock(
    args: argparse.Namespace,
    parser: argparse.ArgumentParser,
    environ: Mapping[str, str],
    serve: Serve,
    out: TextIO,
    err: TextIO,
) -> int:
    secret = args.secret if args.secret is not None else environ.get("PANDIUM_SHARED_SECRET")
    if secret is None:
        parser.error(MISSING_SECRET)
    if not secret or secret != secret.strip():
        parser.error(BLANK_SECRET)
    if not 0 <= args.port <= 65535:
        parser.error(BAD_PORT.format(port=args.port))
    org = args.org or environ.get("PANDIUM_ORG") or "acme"
    try:
        app = MockPandium(
            org=org,
            secret=secret,
            parent_origins=args.parent_origins,
            integrations=args.integrations or CLI_INTEGRATIONS,
            connectors=args.connectors or CLI_CONNECTORS,
            groups=_groups(args.groups or ()),
            external_integrations=args.external_integrations or (),
            notifications_url=args.notifications_url or environ.get("PANDIUM_MOCK_NOTIFICATIONS_URL") or None,
        )
    except ValueError as error:
        # The messages name the bad setting, never the secret.
        parser.error(str(error))
    if len(secret.encode("utf-8")) < RECOMMENDED_SECRET_BYTES:
        print(SHORT_SECRET.format(n=RECOMMENDED_SECRET_BYTES), file=err)
    if not is_loopback_host(args.host):
        print(PUBLIC_HOST.format(host=args.host, prefix=RESERVED_PREFIX), file=err)
    try:
        sock = _listen(args.host, args.port)
    except OSError as error:
        print(CANNOT_LISTEN.format(host=args.host, port=args.port, error=error.strerror or error), file=err)
        return 1

    base = f"http://{_format_host(args.host)}:{sock.getsockname()[1]}"
    ids = ", ".join(integration.id for integration in app.integrations)
    lines = [
        f"MockPandium for org {org!r} at {base}",
        _flow_line("marketplace", base, org),
        _flow_line("install", base, org, "<integration_id>") + f"   (ids: {ids})",
        *(_flow_line("connect", base, org, connector.name) for connector in app.connectors),
        f"  Records             {base}{RESERVED_PREFIX}/records",
        f"  Scenario            {base}{RESERVED_PREFIX}/scenario   (POST JSON to misbehave, DELETE to reset)",
        f"  Framed by           {' '.join(app.parent_origins)}",
        # The URL itself is not printed: it holds the receiver's secret.
        f"  Notifications       {'sent to the configured URL' if app.notifications_url else 'off'}"
        f" (on demand: POST {base}{RESERVED_PREFIX}/notifications)",
        *_settings_lines(org, base, app.connectors),
    ]
    print("\n".join(lines), file=out, flush=True)
    try:
        serve(app, sock)
    finally:
        sock.close()
    return 0


def _settings_lines(org: str, base: str, connectors: Sequence[Connector]) -> list[str]:
    """Shell lines a user pastes into the terminal that starts their app (PandiumConfig.from_env reads them)."""
    urls = " ".join(f"PANDIUM_{kind}_BASE_URL={base}" for kind in ("MARKETPLACE", "INSTALL", "CONNECT"))
    lines = [
        "Point your app at it (paste into the shell that starts it):",
        f"  export PANDIUM_ORG={shlex.quote(org)} {urls}",
    ]
    if connectors:
        value = ",".join(f"{connector.name}={connector.system}" for connector in connectors)
        lines += [
            "For <pandium-embed connector=...> (your PandiumMiddleware needs a connector_token hook then):",
            f"  export PANDIUM_CONNECTORS={shlex.quote(value)}",
        ]
    return lines


def main(
    argv: Sequence[str] | None = None,
    *,
    environ: Mapping[str, str] | None = None,
    serve: Serve | None = None,
    out: TextIO | None = None,
    err: TextIO | None = None,
) -> int:
    """Run ``pandium-embed``; returns the exit code (argument errors exit with 2 via argparse)."""
    parser = build_parser()
    args = parser.parse_args(argv)
    return int(
        args.run(
            args,
            args.parser,
            os.environ if environ is None else environ,
            serve or _serve_with_uvicorn,
            out or sys.stdout,
            err or sys.stderr,
        )
    )


if __name__ == "__main__":
    sys.exit(main())
