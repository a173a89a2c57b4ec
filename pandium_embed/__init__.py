"""Embed Pandium's hosted integration pages in any ASGI app, secure by default."""

from .config import ENVIRONMENTS, PandiumConfig
from .events import ConnectedTenant
from .middleware import PandiumMiddleware
from .tokens import PandiumUser, mint_token
from .urls import connect_url, install_url, marketplace_url

__version__ = "0.1.0"

__all__ = [
    "ENVIRONMENTS",
    "ConnectedTenant",
    "PandiumConfig",
    "PandiumMiddleware",
    "PandiumUser",
    "connect_url",
    "install_url",
    "marketplace_url",
    "mint_token",
]
