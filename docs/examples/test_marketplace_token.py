import httpx
from starlette.applications import Starlette

from pandium_embed import PandiumMiddleware, PandiumUser
from pandium_embed.testing.server import BackgroundServer


def test_pandium_accepts_our_marketplace_token(pandium_mock):
    app = PandiumMiddleware(Starlette(), config=pandium_mock.config(), identify=lambda r: PandiumUser("user-1"))
    with BackgroundServer(app) as host:  # uvicorn in a thread on a free 127.0.0.1 port
        page = httpx.get(f"{host.url}/pandium/marketplace", follow_redirects=True)
    assert page.status_code == 200
    assert pandium_mock.accepted[-1].claims["sub"] == "user-1"
