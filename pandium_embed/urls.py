"""The URLs of Pandium's three hosted flows, each carrying a token as ``?tenant=``."""

from __future__ import annotations

from urllib.parse import quote

from .config import PandiumConfig

__all__ = ["connect_url", "install_url", "marketplace_url"]

BAD_SEGMENT = "{name} must be a non-empty string other than '.' or '..' (got {what})."
URL_TOO_LONG = (
    "The {flow} URL would be {size} bytes, over max_url_length={limit}: browsers and proxies "
    "truncate or refuse long URLs. Shrink the user's claims (meta, extra, installed_integrations) "
    "or raise PandiumConfig.max_url_length."
)


def _segment(name: str, value: object) -> str:
    # Percent-encode everything, '/' included, so a value can never add a path segment;
    # '.' and '..' survive encoding and would be resolved by the browser, so refuse them.
    if isinstance(value, int) and not isinstance(value, bool):
        value = str(value)
    if not isinstance(value, str) or value in {"", ".", ".."}:
        what = repr(value) if isinstance(value, str) else f"a {type(value).__name__}"
        raise ValueError(BAD_SEGMENT.format(name=name, what=what))
    return quote(value, safe="")


def _with_token(config: PandiumConfig, flow: str, base: str, token: str) -> str:
    url = f"{base}?tenant={token}"
    if len(url) > config.max_url_length:
        raise ValueError(URL_TOO_LONG.format(flow=flow, size=len(url), limit=config.max_url_length))
    return url


def marketplace_url(config: PandiumConfig, token: str) -> str:
    """The In-App Marketplace: ``<marketplace base>/<org>?tenant=<token>``."""
    base = f"{config.hosts.marketplace}/{_segment('org', config.org)}"
    return _with_token(config, "marketplace", base, token)


def install_url(config: PandiumConfig, integration_id: str | int, token: str) -> str:
    """Install-only: ``<install base>/<org>/tenants/create/<integration_id>?tenant=<token>``."""
    base = (
        f"{config.hosts.install}/{_segment('org', config.org)}"
        f"/tenants/create/{_segment('integration_id', integration_id)}"
    )
    return _with_token(config, "install", base, token)


def connect_url(config: PandiumConfig, connector: str, token: str) -> str:
    """Auth-Only connection: ``<connect base>/<org>/<connector>/auth?tenant=<token>``."""
    base = f"{config.hosts.connect}/{_segment('org', config.org)}/{_segment('connector', connector)}/auth"
    return _with_token(config, "connect", base, token)
