"""`make demo`: Acme CRM on http://127.0.0.1:8000 and the Pandium stand-in on http://localhost:8001.

Two host names give two browser origins on one machine, as in production. With PANDIUM_ORG and
PANDIUM_SHARED_SECRET set, the stand-in is skipped and the demo talks to the configured Pandium.
"""

from __future__ import annotations

import argparse
import os
import secrets
import sys
from collections.abc import Sequence

import uvicorn

from pandium_embed import PandiumConfig
from pandium_embed.background_server import BackgroundServer
from pandium_embed.mock import MockPandium

from .app import create_app
from .serve import CONNECTORS, ORG, mock_config
from .users import DEMO_PASSWORD, USERS


def parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m demo", description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument(
        "--port",
        type=int,
        default=int(os.environ.get("DEMO_PORT", "8000")),
        help="the demo app's port (DEMO_PORT, default 8000)",
    )
    parser.add_argument(
        "--mock-port",
        type=int,
        default=int(os.environ.get("MOCK_PORT", "8001")),
        help="the Pandium stand-in's port (MOCK_PORT, default 8001)",
    )
    return parser.parse_args(argv)


def banner(app_url: str, pandium: str) -> str:
    logins = "\n".join(f"    {user.username:<6} {user.role}" for user in USERS.values())
    return (
        f"\nAcme CRM demo:  {app_url}\n"
        f"Pandium:        {pandium}\n"
        f"Sign in as one of (password '{DEMO_PASSWORD}'):\n{logins}\n"
        "Press Ctrl-C to stop.\n"
    )


def main(argv: Sequence[str] | None = None) -> int:
    args = parse_args(argv)
    app_origin = f"http://127.0.0.1:{args.port}"
    mock_server: BackgroundServer | None = None
    try:
        if os.environ.get("PANDIUM_ORG") and os.environ.get("PANDIUM_SHARED_SECRET"):
            # Real Pandium: PANDIUM_CONNECTORS names your connectors; the demo's own is the fallback.
            config = PandiumConfig.from_env(
                **({} if os.environ.get("PANDIUM_CONNECTORS") else {"connectors": CONNECTORS})
            )
            pandium = f"{config.environment} ({', '.join(config.origins)})"
        else:
            secret = secrets.token_urlsafe(32)  # a fresh shared secret per run: nothing to leak
            mock = MockPandium(secret=secret, org=ORG, parent_origins=[app_origin])
            mock_server = BackgroundServer(mock, url_host="localhost", port=args.mock_port).start()
            config = mock_config(secret, mock_server.url)
            pandium = f"{mock_server.url} (MockPandium, the local stand-in)"
    except (ValueError, OSError) as error:
        print(f"Cannot start the demo: {error}", file=sys.stderr)
        return 2

    app = create_app(config, session_secret=secrets.token_urlsafe(32))
    print(banner(app_origin, pandium), flush=True)
    try:
        uvicorn.run(app, host="127.0.0.1", port=args.port, log_level="warning")
    finally:
        if mock_server is not None:
            mock_server.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
