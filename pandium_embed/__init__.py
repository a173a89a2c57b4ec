"""Embed Pandium's hosted integration pages in any ASGI or WSGI app, secure by default."""

from .asgi import PandiumMiddleware
from .audit import AuditRecord, MintRecord, RefusalRecord
from .config import ENVIRONMENTS, PandiumConfig
from .csp import csp_directives, csp_header
from .launch import launch_url
from .options import PandiumOptions
from .reports import ConnectedTenant
from .stores import DeliveryStore, MemoryTicketStore, RedisTicketStore, TicketStore
from .tokens import MarketplaceView, PandiumUser, mint_token
from .urls import connect_url, install_url, marketplace_url
from .version import __version__ as __version__
from .webhooks import WebhookEvent, webhook_url

__all__ = [
    "ENVIRONMENTS",
    "AuditRecord",
    "ConnectedTenant",
    "DeliveryStore",
    "MarketplaceView",
    "MemoryTicketStore",
    "MintRecord",
    "PandiumConfig",
    "PandiumMiddleware",
    "PandiumOptions",
    "PandiumUser",
    "RedisTicketStore",
    "RefusalRecord",
    "TicketStore",
    "WebhookEvent",
    "connect_url",
    "csp_directives",
    "csp_header",
    "install_url",
    "launch_url",
    "marketplace_url",
    "mint_token",
    "webhook_url",
]
