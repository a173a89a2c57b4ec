"""URL and network helpers shared by the config, the guards, the events and the API client."""

from __future__ import annotations

import ipaddress
import re
from urllib.parse import urlsplit

__all__ = [
    "BAD_BASE_URL",
    "BASE_URL_UNSAFE_CHARACTERS",
    "BASE_URL_WITH_PATH",
    "is_loopback_host",
    "normalise_base_url",
    "origin_of",
]

BAD_BASE_URL = (
    "{setting} must be an https:// URL of a host, like https://imp.pandium.io, with no query, fragment "
    "(not even an empty '?' or '#'), credentials or port 0 (http:// is allowed only for 127.0.0.1, ::1 "
    "and localhost)."
)
# Never echo the value: a stray "\r" or NUL would reach the log that shows the error.
BASE_URL_UNSAFE_CHARACTERS = (
    "{setting} holds a control character, whitespace or a non-ASCII character (a stray \\r from an .env "
    "file with Windows line endings?). Write it in plain ASCII; an international host in its xn-- form."
)
BASE_URL_WITH_PATH = (
    "{setting} must be the scheme and host only, like https://imp.pandium.io, with no path: the org and "
    "the flow's path are added to it."
)

# What a DNS name (or an IPv4 literal) looks like: dot-separated labels of ASCII letters, digits, '-'.
_HOST_NAME = re.compile(r"(?!-)[a-z0-9-]{1,63}(?<!-)(\.(?!-)[a-z0-9-]{1,63}(?<!-))*")


def is_loopback_host(host: str) -> bool:
    """True for localhost and loopback IP literals: the only hosts where plain http is allowed."""
    if host == "localhost" or host.endswith(".localhost"):
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def _is_ip_literal(host: str) -> bool:
    try:
        ipaddress.ip_address(host)
    except ValueError:
        return False
    return True


def normalise_base_url(setting: str, url: str) -> str:
    """``url`` as a base URL (https, or http on loopback; a plain host, no path, query, fragment or
    credentials), without its trailing slash; ``ValueError`` naming ``setting`` (never the value) otherwise."""
    if not isinstance(url, str):
        raise ValueError(BAD_BASE_URL.format(setting=setting))
    # urlsplit silently drops tabs and newlines and strips C0 and spaces at the ends, so check the
    # raw text: "https://imp.pandium.io\r" would otherwise become a Location header servers refuse.
    if not url.isascii() or any(char <= " " or char == "\x7f" for char in url):
        raise ValueError(BASE_URL_UNSAFE_CHARACTERS.format(setting=setting))
    parts = urlsplit(url)
    host = parts.hostname or ""
    try:
        port = parts.port  # raises ValueError on a port that is not a number in range
    except ValueError:
        raise ValueError(BAD_BASE_URL.format(setting=setting)) from None
    # urlsplit reports an empty "?" or "#" as no query or fragment; the URL would still end in one and
    # put the org and token after it. Port 0 (or an empty one) reaches no server.
    if "?" in url or "#" in url or port == 0 or parts.netloc.endswith(":"):
        raise ValueError(BAD_BASE_URL.format(setting=setting))
    secure = parts.scheme == "https" or (parts.scheme == "http" and is_loopback_host(host))
    if (
        not (_HOST_NAME.fullmatch(host) or _is_ip_literal(host))
        or not secure
        or parts.query
        or parts.fragment
        or parts.username is not None
        or parts.password is not None
        or "\\" in url
    ):
        raise ValueError(BAD_BASE_URL.format(setting=setting))
    if parts.path not in ("", "/"):
        raise ValueError(BASE_URL_WITH_PATH.format(setting=setting))
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
