"""The Content-Security-Policy sources a host page needs for the embedded flows, derived from a config.

One place decides them: the demo sends them, the docs show them, and ``pandium-embed doctor`` checks a
page's policy against them.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from urllib.parse import urlsplit

from .config import PandiumConfig

__all__ = ["csp_directives", "csp_header", "effective_sources", "parse_policies", "policy_allows", "source_allows"]


def csp_directives(config: PandiumConfig) -> dict[str, tuple[str, ...]]:
    """The sources each directive needs on a page that embeds ``config``'s flows.

    - ``frame-src``: the element's frame opens the app's own mint route (``'self'``), which redirects to
      Pandium's pages (``config.origins``: the stand-in's origin when the base URLs point at it).
    - ``script-src``: the loader, served by the middleware at ``<prefix>/embed.js``.
    - ``connect-src``: ``POST <prefix>/token`` and ``<prefix>/events``, on the app's own origin.
    - ``frame-ancestors``: the mint route's error page (a 401 after sign-out) is framed by the app's own
      page; ``'none'`` there would blank the frame instead of emitting ``pandium:error``.
    """
    return {
        "script-src": ("'self'",),
        "connect-src": ("'self'",),
        "frame-src": ("'self'", *config.origins),
        "frame-ancestors": ("'self'",),
    }


def csp_header(config: PandiumConfig, base: Mapping[str, Sequence[str]] | None = None) -> str:
    """A ``Content-Security-Policy`` value: ``base`` (the rest of your policy, directive -> sources) with
    the sources of :func:`csp_directives` added to the directives they belong to."""
    merged: dict[str, list[str]] = {name: list(sources) for name, sources in (base or {}).items()}
    for name, sources in csp_directives(config).items():
        present = merged.setdefault(name, [])
        # 'none' allows nothing, so it cannot stand beside a source the embed needs.
        if "'none'" in present:
            present.remove("'none'")
        present.extend(source for source in sources if source not in present)
    return "; ".join(" ".join([name, *sources]) for name, sources in merged.items())


# --- reading a page's policy (pandium-embed doctor) ------------------------------------------------------

# Where a browser looks for a directive's sources when the policy does not set it (CSP Level 3).
FALLBACKS: Mapping[str, tuple[str, ...]] = {
    "frame-src": ("frame-src", "child-src", "default-src"),
    "script-src-elem": ("script-src-elem", "script-src", "default-src"),
    "connect-src": ("connect-src", "default-src"),
    "frame-ancestors": ("frame-ancestors",),
}
_DEFAULT_PORTS = {"http": 80, "https": 443, "ws": 80, "wss": 443}
# The scheme a source's scheme also allows (CSP3: an http: source allows the https: upgrade).
_UPGRADES = {"http": ("http", "https"), "ws": ("ws", "wss")}


def parse_policies(values: Sequence[str]) -> list[dict[str, tuple[str, ...]]]:
    """Every policy in ``values`` (header values or ``<meta http-equiv>`` contents; one value may hold
    several policies separated by commas), each as directive -> sources. A repeated directive is
    ignored, as browsers do."""
    policies = []
    for value in values:
        for text in value.split(","):
            policy: dict[str, tuple[str, ...]] = {}
            for directive in text.split(";"):
                tokens = directive.split()
                if tokens:
                    policy.setdefault(tokens[0].lower(), tuple(tokens[1:]))
            if policy:
                policies.append(policy)
    return policies


def effective_sources(policy: Mapping[str, Sequence[str]], directive: str) -> tuple[str, ...] | None:
    """The sources ``policy`` applies to ``directive`` after the fallbacks; ``None``: no restriction."""
    for name in FALLBACKS.get(directive, (directive, "default-src")):
        if name in policy:
            return tuple(policy[name])
    return None


def _split_url(url: str) -> tuple[str, str, int | None, str]:
    parts = urlsplit(url)
    scheme = parts.scheme.lower()
    return scheme, (parts.hostname or "").lower(), parts.port or _DEFAULT_PORTS.get(scheme), parts.path or "/"


def source_allows(source: str, url: str, page_url: str, *, redirected: bool = False) -> bool:
    """Whether one CSP source expression allows loading ``url`` on the page at ``page_url`` (absolute
    http(s) URLs). ``redirected``: ``url`` was reached by a redirect, so paths no longer count."""
    scheme, host, port, path = _split_url(url)
    page_scheme, page_host, page_port, _ = _split_url(page_url)
    lowered = source.lower()
    if lowered == "'self'":
        same_host = host == page_host
        return same_host and (
            (scheme, port) == (page_scheme, page_port) or (page_scheme == "http" and scheme == "https" and port == 443)
        )
    if lowered == "*":
        return scheme in _DEFAULT_PORTS or scheme == page_scheme
    if lowered.startswith("'"):
        return False  # 'none', keywords, nonces and hashes allow no URL by themselves
    if lowered.endswith(":") and "/" not in lowered:
        return scheme in _UPGRADES.get(lowered[:-1], (lowered[:-1],))
    source_scheme, has_scheme, rest = lowered.partition("://")
    if not has_scheme:
        source_scheme, rest = "", lowered
        if scheme not in (("http", "https") if page_scheme == "http" else (page_scheme,)):
            return False
    elif scheme not in _UPGRADES.get(source_scheme, (source_scheme,)):
        return False
    authority, slash, source_path = rest.partition("/")
    source_host, colon, source_port = authority.rpartition(":") if ":" in authority else (authority, "", "")
    if not colon:
        source_host = authority
    if source_host.startswith("*."):
        if not host.endswith(source_host[1:]):
            return False
    elif source_host != "*" and source_host != host:
        return False
    if source_port == "*":
        pass
    elif source_port:
        upgraded = source_port == "80" and scheme == "https" and port == 443
        if not (source_port.isdigit() and (int(source_port) == port or upgraded)):
            return False
    elif port != _DEFAULT_PORTS.get(scheme):
        return False
    if slash and source_path and not redirected:
        wanted = "/" + source_path
        return path.startswith(wanted) if wanted.endswith("/") else path == wanted
    return True


def policy_allows(
    policy: Mapping[str, Sequence[str]], directive: str, url: str, page_url: str, *, redirected: bool = False
) -> bool:
    """Whether ``policy`` lets the page at ``page_url`` load ``url`` under ``directive``."""
    sources = effective_sources(policy, directive)
    if sources is None:
        return True
    return any(source_allows(source, url, page_url, redirected=redirected) for source in sources)
