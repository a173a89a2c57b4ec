"""Serve your ASGI app on a free loopback port for browser tests (needs the ``[mock]`` extra: uvicorn).

    from pandium_embed.testing.server import BackgroundServer

    with BackgroundServer(create_app(pandium_mock.config())) as server:
        pandium_mock.add_parent_origin(server.origin)
        page.goto(f"{server.url}/integrations")

The server binds ``127.0.0.1`` on a free port before it starts (so nothing races for the port), runs
uvicorn in a daemon thread without an access log (page URLs may carry ``?tenant=`` tokens), and stops
when the ``with`` block ends. ``url_host="localhost"`` names the same address differently: a second
browser origin on one machine, which is how the ``pandium_mock`` fixture serves the stand-in.
"""

from __future__ import annotations

from ..background_server import START_TIMEOUT, BackgroundServer

__all__ = ["START_TIMEOUT", "BackgroundServer"]
