"""Configuration: which Pandium org, which secret, which hosts, which connectors."""

from __future__ import annotations

import os
import re
import warnings
from collections.abc import Mapping
from dataclasses import KW_ONLY, dataclass, field
from types import MappingProxyType
from typing import Any
from urllib.parse import urlsplit

from .net import (
    BAD_BASE_URL,
    BASE_URL_UNSAFE_CHARACTERS,
    BASE_URL_WITH_PATH,
    is_loopback_host,
    normalise_base_url,
    origin_of,
)
from .validate import is_positive_int, is_segment, secret_bytes

# The base-URL messages raised here live with the check, in net.
__all__ = [
    "BAD_BASE_URL",
    "BASE_URL_UNSAFE_CHARACTERS",
    "BASE_URL_WITH_PATH",
    "ENVIRONMENTS",
    "LOOPBACK_IN_PRODUCTION",
    "PandiumConfig",
    "PandiumHosts",
]


@dataclass(frozen=True, slots=True)
class PandiumHosts:
    """Base URLs of the three hosted flows in one Pandium environment."""

    marketplace: str
    install: str
    connect: str


# Pandium's own docs name different hosts on different pages (imp.pandium.io vs imp.pandium.com),
# so each is a preset that can be overridden one by one.
ENVIRONMENTS: Mapping[str, PandiumHosts] = MappingProxyType(
    {
        "production": PandiumHosts(
            marketplace="https://imp.pandium.io",
            install="https://imp.pandium.com",
            connect="https://emp.pandium.com",
        ),
        "sandbox": PandiumHosts(
            marketplace="https://imp.sandbox.pandium.com",
            install="https://imp.sandbox.pandium.com",
            connect="https://emp.sandbox.pandium.com",
        ),
        "demo": PandiumHosts(
            marketplace="https://imp.demo.pandium.com",
            install="https://imp.demo.pandium.com",
            connect="https://emp.demo.pandium.com",
        ),
    }
)

DEFAULT_PREFIX = "/pandium"
DEFAULT_MAX_URL_LENGTH = 8 * 1024
TOKEN_LIFETIME_SECONDS = 60
RECOMMENDED_SECRET_BYTES = 32

MISSING_ORG = "PandiumConfig needs org: your Pandium organisation name (set PANDIUM_ORG)."
MISSING_SECRET = (
    "PandiumConfig needs secret: the shared secret Pandium issued for your org (set PANDIUM_SHARED_SECRET)."
)
BAD_DEVELOPMENT_LOADER = (
    "PandiumConfig development_loader (PANDIUM_DEVELOPMENT_LOADER) is {got!r}: use True (the loader that "
    "explains itself in the browser console), False (the production build) or leave it out (development "
    "everywhere but in the 'production' environment)."
)
UNKNOWN_ENVIRONMENT = "PandiumConfig environment {got!r} is unknown: use one of {known} (PANDIUM_ENV)."
BAD_ORG = "PandiumConfig org must be 1-128 letters, digits, '-' or '_' (got {length} characters)."
LOOPBACK_IN_PRODUCTION = (
    "{setting} points at this machine (localhost or a loopback address) while environment is "
    "'production': an override left over from local testing? Unset it, or use environment 'sandbox'."
)
# Never echo the value: a stray "\r" would reach the log that shows the error.
BAD_PREFIX = (
    "PandiumConfig prefix must be a URL path like /pandium or /api/pandium: one leading '/', segments "
    "of ASCII letters, digits, '-', '_', '.' and '~' separated by single slashes, no '.' or '..' "
    "segment and no trailing '/' (no '//host', spaces, control or non-ASCII characters)."
)
# What the middleware, the loader and launch links put in front of a route: a same-origin path only.
_PREFIX = re.compile(r"(/(?!\.\.?(?:/|$))[A-Za-z0-9._~-]+)+")
BAD_CONNECTOR = (
    "PandiumConfig connectors maps connector names to integration names; connector names must be "
    "1-128 letters, digits, '-' or '_' and integration names non-empty strings (problem with {name!r})."
)
BAD_MAX_URL_LENGTH = "PandiumConfig max_url_length must be a positive integer (got {got!r})."
BAD_CONNECTORS_ENV = (
    "PANDIUM_CONNECTORS must be comma-separated connector=integration pairs, "
    "e.g. 'hubspot=HubSpot Sync,gwt=GWT' (problem with {item!r})."
)
SECRET_WITH_WHITESPACE = (
    "PandiumConfig secret (PANDIUM_SHARED_SECRET) holds whitespace or a control "
    "character (a stray \\r from an .env file with Windows line endings?). Set it to the secret exactly as "
    "Pandium issued it; pass bytes if your key really is binary."
)
SHORT_SECRET = (
    "The Pandium shared secret is shorter than {n} bytes; use the full secret Pandium issued. "
    "A short HS256 secret can be brute-forced."
)


# The base URL of each flow (PandiumHosts field), as the environment variable from_env reads.
_BASE_URL_VARIABLES: Mapping[str, str] = MappingProxyType(
    {
        "marketplace": "PANDIUM_MARKETPLACE_BASE_URL",
        "install": "PANDIUM_INSTALL_BASE_URL",
        "connect": "PANDIUM_CONNECT_BASE_URL",
    }
)


@dataclass(frozen=True, eq=False)
class PandiumConfig:
    """Everything the middleware needs to mint tokens for one Pandium org.

    Validated at construction: a bad value raises ``ValueError`` saying what to set.
    The secret never appears in ``repr`` or in any error message.
    """

    org: str
    secret: str | bytes = field(repr=False)
    environment: str = "sandbox"
    _: KW_ONLY
    marketplace_base_url: str | None = None
    connect_base_url: str | None = None
    install_base_url: str | None = None
    connectors: Mapping[str, str] = field(default_factory=dict)
    prefix: str = DEFAULT_PREFIX
    max_url_length: int = DEFAULT_MAX_URL_LENGTH
    # The served loader's build: None means the development build (it says in the browser console why a
    # message was dropped or a frame stays silent) everywhere but in the production environment.
    development_loader: bool | None = None

    def __post_init__(self) -> None:
        if not self.org or not isinstance(self.org, str):
            raise ValueError(MISSING_ORG)
        if not is_segment(self.org):
            raise ValueError(BAD_ORG.format(length=len(self.org)))
        if not self.secret or not isinstance(self.secret, (str, bytes)):
            raise ValueError(MISSING_SECRET)
        # Pandium issues printable secrets without spaces: a "\r" from an .env with Windows line endings (or a stray
        # space or newline) would sign every token with the wrong key, and Pandium would refuse them all.
        if isinstance(self.secret, str) and (not self.secret.isprintable() or any(c.isspace() for c in self.secret)):
            raise ValueError(SECRET_WITH_WHITESPACE)
        preset = ENVIRONMENTS.get(self.environment) if isinstance(self.environment, str) else None
        if preset is None:
            known = ", ".join(repr(name) for name in ENVIRONMENTS)
            raise ValueError(UNKNOWN_ENVIRONMENT.format(got=self.environment, known=known))
        urls: dict[str, str] = {}
        for flow, variable in _BASE_URL_VARIABLES.items():
            setting = f"PandiumConfig {flow}_base_url ({variable})"
            url = normalise_base_url(setting, getattr(self, f"{flow}_base_url") or getattr(preset, flow))
            # Users' browsers are sent there: in production, "this machine" is every user's own.
            if self.environment == "production" and is_loopback_host(urlsplit(url).hostname or ""):
                raise ValueError(LOOPBACK_IN_PRODUCTION.format(setting=setting))
            urls[flow] = url
        hosts = PandiumHosts(**urls)
        if not isinstance(self.prefix, str) or not _PREFIX.fullmatch(self.prefix):
            raise ValueError(BAD_PREFIX)
        if not isinstance(self.connectors, Mapping):
            raise ValueError(BAD_CONNECTOR.format(name=type(self.connectors).__name__))
        for connector, integration in self.connectors.items():
            if not is_segment(connector):
                raise ValueError(BAD_CONNECTOR.format(name=connector))
            if not (isinstance(integration, str) and integration):
                raise ValueError(BAD_CONNECTOR.format(name=connector))
        if not is_positive_int(self.max_url_length):
            raise ValueError(BAD_MAX_URL_LENGTH.format(got=self.max_url_length))

        if self.development_loader is None:
            object.__setattr__(self, "development_loader", self.environment != "production")
        elif not isinstance(self.development_loader, bool):
            raise ValueError(BAD_DEVELOPMENT_LOADER.format(got=self.development_loader))

        if len(secret_bytes(self.secret)) < RECOMMENDED_SECRET_BYTES:
            warnings.warn(SHORT_SECRET.format(n=RECOMMENDED_SECRET_BYTES), UserWarning, stacklevel=3)

        object.__setattr__(self, "connectors", MappingProxyType(dict(self.connectors)))
        object.__setattr__(self, "hosts", hosts)

    # Set in __post_init__; declared for type checkers.
    hosts: PandiumHosts = field(init=False, repr=False)

    @property
    def origins(self) -> tuple[str, ...]:
        """The distinct browser origins of this config's Pandium pages (what the loader trusts)."""
        seen: dict[str, None] = {}
        for url in (self.hosts.marketplace, self.hosts.install, self.hosts.connect):
            seen[origin_of(url)] = None
        return tuple(seen)

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None, **overrides: Any) -> PandiumConfig:
        """Build a config from ``PANDIUM_ORG``, ``PANDIUM_SHARED_SECRET``, ``PANDIUM_ENV`` and the
        ``PANDIUM_MARKETPLACE_BASE_URL`` / ``PANDIUM_INSTALL_BASE_URL`` / ``PANDIUM_CONNECT_BASE_URL``
        overrides, ``PANDIUM_CONNECTORS`` (``"hubspot=HubSpot Sync,gwt=GWT"``) and
        ``PANDIUM_DEVELOPMENT_LOADER`` (``1``/``0``: which build of the loader to serve). Keyword arguments
        (``connectors``, ``prefix``, ...) win over the environment."""
        env = os.environ if environ is None else environ
        values: dict[str, Any] = {
            "org": env.get("PANDIUM_ORG", ""),
            "secret": env.get("PANDIUM_SHARED_SECRET", ""),
            "environment": env.get("PANDIUM_ENV") or "sandbox",
        }
        for flow, variable in _BASE_URL_VARIABLES.items():
            values[f"{flow}_base_url"] = env.get(variable) or None
        development_loader = env.get("PANDIUM_DEVELOPMENT_LOADER")
        if development_loader:
            values["development_loader"] = _BOOLEANS.get(development_loader.strip().lower(), development_loader)
        connectors = env.get("PANDIUM_CONNECTORS")
        if connectors:
            values["connectors"] = _parse_connectors(connectors)
        values.update(overrides)
        return cls(**values)


_BOOLEANS: Mapping[str, bool] = MappingProxyType(
    {"1": True, "true": True, "yes": True, "on": True, "0": False, "false": False, "no": False, "off": False}
)


def _parse_connectors(text: str) -> dict[str, str]:
    """``"hubspot=HubSpot Sync, gwt=GWT"`` -> ``{"hubspot": "HubSpot Sync", "gwt": "GWT"}``."""
    connectors: dict[str, str] = {}
    for item in text.split(","):
        name, separator, integration = item.partition("=")
        if not separator:
            raise ValueError(BAD_CONNECTORS_ENV.format(item=item.strip()))
        connectors[name.strip()] = integration.strip()
    return connectors
