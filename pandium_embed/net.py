"""URL and network helpers shared by the config, the guards, the events and the API client."""

from __future__ import annotations

import ipaddress
from urllib.parse import urlsplit

__all__ = ["BAD_BASE_URL", "is_loopback_host", "normalise_base_url", "origin_of"]

BAD_BASE_URL = (
    "PandiumConfig {name} must be an https:// URL with a host and no query, fragment or "
    "credentials (http:// is allowed only for 127.0.0.1, ::1 and localhost); got {url!r}."
)


def is_loopback_host(host: str) -> bool:
    """True for localhost and loopback IP literals: the only hosts where plain http is allowed."""
    if host == "localhost" or host.endswith(".localhost"):
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def normalise_base_url(name: str, url: str) -> str:
    """``url`` as a base URL (https, or http on loopback; no query, fragment or credentials), without
    its trailing slash; ``ValueError`` (``BAD_BASE_URL``, naming the setting ``name``) otherwise."""
    if not isinstance(url, str):
        raise ValueError(BAD_BASE_URL.format(name=name, url=url))
    parts = urlsplit(url)
    host = parts.hostname or ""
    secure = parts.scheme == "https" or (parts.scheme == "http" and is_loopback_host(host))
    if (
        not host
        or not secure
        or parts.query
        or parts.fragment
        or parts.username is not None
        or parts.password is not None
        or "\\" in url
    ):
        raise ValueError(BAD_BASE_URL.format(name=name, url=url))
    # A trailing slash would make "<base>/<org>" a double slash.
    return url.rstrip("/")


def origin_of(url: str) -> str:
    """The browser origin (scheme://host[:port]) of an absolute URL, lower-cased, default port dropped."""
    parts = urlsplit(url)
    scheme = parts.scheme.lower()
    host = (parts.hostname or "").lower()
    if ":" in host:  # IPv6 literal
        host = f"[{host}]"
    port = parts.port
    if port is None or (scheme, port) in {("https", 443), ("http", 80)}:
        return f"{scheme}://{host}"
    return f"{scheme}://{host}:{port}"
