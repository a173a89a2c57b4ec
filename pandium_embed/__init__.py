"""Embed Pandium's hosted integration pages in any ASGI app, secure by default."""

from .config import ENVIRONMENTS, PandiumConfig
from .events import ConnectedTenant
from .launch import launch_url
from .middleware import PandiumMiddleware
from .stores import MemoryTicketStore, RedisTicketStore, TicketStore
from .tokens import PandiumUser, mint_token
from .urls import connect_url, install_url, marketplace_url

__version__ = "0.1.0"

__all__ = [
    "ENVIRONMENTS",
    "ConnectedTenant",
    "MemoryTicketStore",
    "PandiumConfig",
    "PandiumMiddleware",
    "PandiumUser",
    "RedisTicketStore",
    "TicketStore",
    "connect_url",
    "install_url",
    "launch_url",
    "marketplace_url",
    "mint_token",
]
