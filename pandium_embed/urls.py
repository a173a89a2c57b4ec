"""The URLs of Pandium's three hosted flows, each carrying a token as ``?tenant=``."""

from __future__ import annotations

from .config import PandiumConfig
from .flows import BAD_SEGMENT, URL_TOO_LONG, flow_url

__all__ = ["BAD_SEGMENT", "URL_TOO_LONG", "connect_url", "install_url", "marketplace_url"]


def marketplace_url(config: PandiumConfig, token: str) -> str:
    """The In-App Marketplace: ``<marketplace base>/<org>?tenant=<token>``."""
    return flow_url(config, "marketplace", None, token)


def install_url(config: PandiumConfig, integration_id: str | int, token: str) -> str:
    """Install-only: ``<install base>/<org>/tenants/create/<integration_id>?tenant=<token>``."""
    return flow_url(config, "install", integration_id, token)


def connect_url(config: PandiumConfig, connector: str, token: str) -> str:
    """Auth-Only connection: ``<connect base>/<org>/<connector>/auth?tenant=<token>``."""
    return flow_url(config, "connect", connector, token)
