"""Embed Pandium's hosted integration pages in any ASGI app, secure by default."""

from .audit import AuditRecord, MintRecord, RefusalRecord
from .config import ENVIRONMENTS, PandiumConfig
from .events import ConnectedTenant
from .launch import launch_url
from .middleware import PandiumMiddleware
from .stores import DeliveryStore, MemoryTicketStore, RedisTicketStore, TicketStore
from .tokens import MarketplaceView, PandiumUser, mint_token
from .urls import connect_url, install_url, marketplace_url
from .webhooks import WebhookEvent, webhook_url

__version__ = "0.1.0"

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
    "PandiumUser",
    "RedisTicketStore",
    "RefusalRecord",
    "TicketStore",
    "WebhookEvent",
    "connect_url",
    "install_url",
    "launch_url",
    "marketplace_url",
    "mint_token",
    "webhook_url",
]
