"""A sample host app: the kind of app whose integration pages the testing kit tests.

Three pages, each embedding one of Pandium's flows, and a notice that says what happened. Every visitor
is signed in as Ann (a real app identifies the user from its session). Serve it by hand with
``python -m examples.sample_host.app --port 8000`` and the ``PANDIUM_*`` settings in the environment.
"""

from __future__ import annotations

import argparse
import html

from starlette.requests import Request
from starlette.responses import HTMLResponse
from starlette.routing import Route, Router
from starlette.types import ASGIApp

from pandium_embed import PandiumConfig, PandiumMiddleware, PandiumUser

ANN = PandiumUser("ann", display_name="Ann Example", email="ann@example.com")

# The host page's own reaction to the element's events: a notice the user reads.
PAGE = """<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Integrations</title>
<script src="/pandium/embed.js"></script></head>
<body><h1>Integrations</h1>
<p id="notice" role="status"></p>
<pandium-embed ATTRIBUTES></pandium-embed>
<script>
  const notice = document.getElementById("notice");
  const say = (text) => { notice.textContent = text; };
  document.addEventListener("pandium:save-sync", (e) => say(e.detail.tenant.integration.name + " is connected."));
  document.addEventListener("pandium:install-cancel", () => say("Nothing was installed."));
  document.addEventListener("pandium:success", () => say("Your account is connected."));
  document.addEventListener("pandium:error", (e) => say("Integrations are unavailable (" + e.detail.reason + ")."));
</script></body></html>
"""


def _page(request: Request, attributes: str) -> HTMLResponse:
    # ?timeout=<ms>: how long the element waits for Pandium's page before pandium:error "timeout".
    timeout = request.query_params.get("timeout", "")
    if timeout.isdecimal() and timeout.isascii():
        attributes += f' timeout="{timeout}"'
    return HTMLResponse(PAGE.replace("ATTRIBUTES", attributes))


async def marketplace(request: Request) -> HTMLResponse:
    return _page(request, 'view="marketplace"')


async def install(request: Request) -> HTMLResponse:
    return _page(request, f'integration="{html.escape(request.path_params["integration_id"])}"')


async def connect(request: Request) -> HTMLResponse:
    return _page(request, f'connector="{html.escape(request.path_params["connector"])}"')


def identify(request: Request) -> PandiumUser:
    return ANN


def connector_token(request: Request, user: PandiumUser, connector: str) -> str:
    # A credential for this app's own API, so Pandium can call it for the user.
    return f"sample-api-token-for-{user.sub}"


def create_app(config: PandiumConfig) -> ASGIApp:
    routes = [
        Route("/integrations", marketplace),
        Route("/integrations/{integration_id}", install),
        Route("/connect/{connector}", connect),
    ]
    return PandiumMiddleware(Router(routes), config=config, identify=identify, connector_token=connector_token)


def main() -> None:
    import uvicorn

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--port", type=int, default=8000)
    args = parser.parse_args()
    uvicorn.run(create_app(PandiumConfig.from_env()), host="127.0.0.1", port=args.port, access_log=False)


if __name__ == "__main__":
    main()
