"""``pandium-embed mock``: the installed script for --help and argument errors, ``main`` in-process
(with an injected ``serve``) for what it prints and builds."""

from __future__ import annotations

import io
import os
import socket
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from starlette.types import ASGIApp

from pandium_embed import PandiumConfig
from pandium_embed.cli import BAD_PORT, BLANK_SECRET, CANNOT_LISTEN, MISSING_SECRET, main
from pandium_embed.mock import Connector, Integration, MockPandium
from pandium_embed.mock.app import BAD_PARENT_ORIGIN

SCRIPT = Path(sys.executable).parent / "pandium-embed"
SECRET = "cli-tests-shared-secret-0123456789abcdef"
PARENT = "http://127.0.0.1:8000"


def run_script(*args: str, secret: str | None = None) -> subprocess.CompletedProcess[str]:
    env = {key: value for key, value in os.environ.items() if not key.startswith("PANDIUM_")}
    if secret is not None:
        env["PANDIUM_SHARED_SECRET"] = secret
    return subprocess.run([str(SCRIPT), *args], capture_output=True, text=True, env=env, timeout=60, check=False)


def test_help_lists_the_mock_command() -> None:
    result = run_script("--help")
    assert result.returncode == 0
    assert "mock" in result.stdout and "serve MockPandium" in result.stdout


def test_mock_help_names_every_flag() -> None:
    result = run_script("mock", "--help")
    assert result.returncode == 0, result.stderr
    flags = ("--port", "--host", "--org", "--secret", "--parent-origin", "--integration", "--connector")
    for flag in (*flags, "--notifications-url"):
        assert flag in result.stdout
    assert "PANDIUM_SHARED_SECRET" in result.stdout


@pytest.mark.parametrize(
    ("args", "secret", "message"),
    [
        (("mock", "--parent-origin", PARENT), None, MISSING_SECRET),
        (("mock", "--parent-origin", PARENT, "--secret", ""), None, BLANK_SECRET),
        (("mock", "--parent-origin", PARENT), " padded-secret-0123456789abcdefghijkl ", BLANK_SECRET),
        (("mock", "--parent-origin", "*"), SECRET, BAD_PARENT_ORIGIN.format(origin="*")),
        (("mock", "--parent-origin", PARENT, "--port", "70000"), SECRET, BAD_PORT.format(port=70000)),
        (("mock", "--parent-origin", PARENT, "--org", "a/b"), SECRET, "MockPandium org must be"),
        (("mock",), SECRET, "the following arguments are required: --parent-origin"),
        (("mock", "--parent-origin", PARENT, "--integration", "nope"), SECRET, "expected ID=NAME"),
        ((), SECRET, "the following arguments are required: COMMAND"),
    ],
    ids=[
        "missing secret",
        "empty secret",
        "padded secret",
        "wildcard parent",
        "bad port",
        "bad org",
        "no parent",
        "bad integration",
        "no command",
    ],
)
def test_bad_settings_exit_2_with_a_clear_error_and_no_traceback(
    args: tuple[str, ...], secret: str | None, message: str
) -> None:
    result = run_script(*args, secret=secret)
    assert result.returncode == 2
    assert message in result.stderr
    assert "Traceback" not in result.stderr
    assert result.stdout == ""
    for value in (SECRET, "padded-secret"):
        assert value not in result.stderr


class Served:
    def __init__(self) -> None:
        self.app: ASGIApp | None = None
        self.address: Any = None

    def __call__(self, app: ASGIApp, sock: socket.socket) -> None:
        self.app = app
        self.address = sock.getsockname()


def run_main(*args: str, environ: dict[str, str] | None = None) -> tuple[int, str, str, Served]:
    out, err, served = io.StringIO(), io.StringIO(), Served()
    env = {"PANDIUM_SHARED_SECRET": SECRET} if environ is None else environ
    code = main(list(args), environ=env, serve=served, out=out, err=err)
    return code, out.getvalue(), err.getvalue(), served


# The mock on a free port, framed by PARENT: what most of these tests start from.
MOCK = ("mock", "--port", "0", "--parent-origin", PARENT)


def test_mock_prints_the_urls_it_serves_and_never_the_secret() -> None:
    code, out, err, served = run_main(*MOCK)

    assert code == 0
    port = served.address[1]
    assert served.address[0] == "127.0.0.1" and port > 0
    base = f"http://127.0.0.1:{port}"
    for line in (
        f"MockPandium for org 'acme' at {base}",
        f"{base}/acme?tenant=<jwt>",
        f"{base}/acme/tenants/create/<integration_id>?tenant=<jwt>",
        f"{base}/acme/gwt/auth?tenant=<jwt>",
        f"{base}/__mock__/records",
        f"PANDIUM_MARKETPLACE_BASE_URL={base}",
    ):
        assert line in out
    assert SECRET not in out and SECRET not in err
    assert isinstance(served.app, MockPandium)
    assert served.app.parent_origins == (PARENT,)
    assert SECRET not in repr(served.app)


def test_mock_takes_org_and_secret_from_the_environment_and_flags_win() -> None:
    _, _out, _, served = run_main(
        *MOCK,
        "--org",
        "globex",
        environ={"PANDIUM_SHARED_SECRET": SECRET, "PANDIUM_ORG": "initech"},
    )
    assert isinstance(served.app, MockPandium) and served.app.org == "globex"
    _, _, _, served = run_main(
        *MOCK,
        environ={"PANDIUM_SHARED_SECRET": SECRET, "PANDIUM_ORG": "initech"},
    )
    assert isinstance(served.app, MockPandium) and served.app.org == "initech"
    code, _, _, served = run_main(*MOCK, "--secret", SECRET, environ={})
    assert code == 0 and served.app is not None


def test_mock_catalog_flags() -> None:
    _, out, _, served = run_main(
        *MOCK,
        "--parent-origin",
        "http://localhost:3000",
        "--integration",
        "7=Zendesk",
        "--integration",
        "8=Jira",
        "--connector",
        "zendesk=Zendesk,7",
    )
    app = served.app
    assert isinstance(app, MockPandium)
    assert app.integrations == (Integration("7", "Zendesk"), Integration("8", "Jira"))
    assert app.connectors == (Connector("zendesk", "Zendesk", integration_id="7"),)
    assert app.parent_origins == (PARENT, "http://localhost:3000")
    assert "/acme/zendesk/auth?tenant=<jwt>" in out and "(ids: 7, 8)" in out


def test_short_secret_warns_but_serves() -> None:
    secret = "dev-secret-x7"
    code, out, err, served = run_main(*MOCK, environ={"PANDIUM_SHARED_SECRET": secret})
    assert code == 0 and served.app is not None
    assert "shorter than 32 bytes" in err
    assert secret not in err and secret not in out


@pytest.fixture
def busy_port() -> Iterator[int]:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        sock.listen()
        yield sock.getsockname()[1]


def test_a_busy_port_is_a_clear_error(busy_port: int) -> None:
    code, out, err, served = run_main("mock", "--port", str(busy_port), "--parent-origin", PARENT)
    assert code == 1
    assert err.startswith(CANNOT_LISTEN.split("{error}")[0].format(host="127.0.0.1", port=busy_port))
    assert served.app is None and out == ""


def exported(out: str) -> dict[str, str]:
    """What the printed ``export`` lines set, as a shell reads them."""
    exports = "\n".join(line for line in out.splitlines() if line.strip().startswith("export "))
    script = f"{exports}\nenv -0"
    result = subprocess.run(["bash", "-c", script], capture_output=True, text=True, env={}, check=True)
    variables = dict(item.split("=", 1) for item in result.stdout.split("\0") if "=" in item)
    return {key: value for key, value in variables.items() if key.startswith("PANDIUM_")}


def test_the_printed_settings_paste_into_a_shell_and_configure_the_app() -> None:
    _, out, _, served = run_main("mock", "--port", "0", "--parent-origin", PARENT)
    base = f"http://127.0.0.1:{served.address[1]}"
    assert isinstance(served.app, MockPandium)

    settings = exported(out)
    assert settings == {
        "PANDIUM_ORG": "acme",
        "PANDIUM_MARKETPLACE_BASE_URL": base,
        "PANDIUM_INSTALL_BASE_URL": base,
        "PANDIUM_CONNECT_BASE_URL": base,
        "PANDIUM_CONNECTORS": "gwt=GWT",
    }
    # The docs' example connector, ready for PandiumConfig.from_env, and named as the mock names it.
    config = PandiumConfig.from_env({**settings, "PANDIUM_SHARED_SECRET": SECRET})
    assert dict(config.connectors) == served.app.connector_integrations == {"gwt": "GWT"}
    assert config.origins == (base,)


def test_integration_names_with_spaces_are_quoted_for_the_shell() -> None:
    _, out, _, _ = run_main(
        "mock",
        "--port",
        "0",
        "--parent-origin",
        PARENT,
        "--connector",
        "hubspot=HubSpot Sync,1",
        "--connector",
        "gwt=GWT,2",
    )
    assert "PANDIUM_CONNECTORS='hubspot=HubSpot Sync,gwt=GWT'" in out
    settings = exported(out)
    assert dict(PandiumConfig.from_env({**settings, "PANDIUM_SHARED_SECRET": SECRET}).connectors) == {
        "hubspot": "HubSpot Sync",
        "gwt": "GWT",
    }


def test_the_connector_flag_names_the_integration_name() -> None:
    result = run_script("mock", "--help")
    assert "NAME=INTEGRATION_NAME[,ID]" in result.stdout
    assert "SYSTEM" not in result.stdout
    bad = run_script("mock", "--parent-origin", PARENT, "--connector", "gwt", secret=SECRET)
    assert bad.returncode == 2
    assert "expected NAME=INTEGRATION_NAME[,INTEGRATION_ID] (e.g. gwt=GWT,5), got 'gwt'" in bad.stderr


def test_mock_sends_notifications_to_the_url_from_the_environment_without_printing_it() -> None:
    url = "http://127.0.0.1:8000/pandium/webhooks/cli-webhook-secret-0123456789abcdefghij"
    _, out, err, served = run_main(
        "mock", "--port", "0", "--parent-origin", PARENT,
        environ={"PANDIUM_SHARED_SECRET": SECRET, "PANDIUM_MOCK_NOTIFICATIONS_URL": url},
    )  # fmt: skip
    assert isinstance(served.app, MockPandium) and served.app.notifications_url == url
    assert "Notifications       sent to the configured URL" in out
    assert "cli-webhook-secret" not in out + err
    _, out, _, served = run_main("mock", "--port", "0", "--parent-origin", PARENT)
    assert isinstance(served.app, MockPandium) and served.app.notifications_url is None
    assert "Notifications       off" in out


def test_a_bad_notifications_url_exits_2_saying_what_to_give() -> None:
    result = run_script("mock", "--parent-origin", PARENT, "--notifications-url", "ftp://x", secret=SECRET)
    assert result.returncode == 2
    assert "notifications_url must be an http(s) URL" in result.stderr
