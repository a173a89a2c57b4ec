"""Confirm a browser-reported tenant through Pandium's REST API (optional: needs the ``[api]`` extra).

A ``ConnectedTenant`` comes from the user's browser, so it proves nothing. Pandium's API, called
server-side with your API key, does: ``await verify_tenant(event.tenant_id, api_key=..., sub=user.sub)``
returns Pandium's tenant object when it exists *and* was created for that user, else ``None``.
"""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType
from typing import TYPE_CHECKING, Any

from .net import normalise_base_url
from .validate import ascii_lower, segment_id

if TYPE_CHECKING:
    import httpx

__all__ = ["API_BASE_URLS", "PandiumAPIError", "verify_tenant"]

API_BASE_URLS: Mapping[str, str] = MappingProxyType(
    {
        "production": "https://api.pandium.io",
        "sandbox": "https://api.sandbox.pandium.com",
    }
)
DEFAULT_TIMEOUT_SECONDS = 10.0

MISSING_HTTPX = "pandium_embed.api needs httpx: pip install 'pandium-embed[api]' (or pip install 'httpx>=0.27')."
MISSING_API_KEY = "verify_tenant needs api_key: the Pandium API key of your org (keep it server-side)."
MISSING_SUB = (
    "verify_tenant needs sub: the signed-in user's id, the same sub your tokens carry (user.sub in "
    "on_connected), so that a tenant of another user is not taken for theirs."
)
UNKNOWN_API_ENVIRONMENT = "verify_tenant has no API URL for environment {got!r}: use one of {known}, or pass base_url."
BAD_TENANT_ID = "verify_tenant tenant_id must be an integer or 1-128 letters, digits, '-' or '_'."
API_FAILED = "Pandium's API answered {status} for GET /v2/tenants/<id>{hint}."
API_UNREACHABLE = "Pandium's API could not be reached ({kind})."
API_NOT_JSON = "Pandium's API answered GET /v2/tenants/<id> with something other than a JSON object."
_HINTS = {401: ": check the API key", 403: ": the API key may not read tenants"}


class PandiumAPIError(Exception):
    """Pandium's API failed or refused; ``status`` is its HTTP status (``None`` if unreachable).

    The message never carries the API key.
    """

    def __init__(self, message: str, *, status: int | None = None) -> None:
        super().__init__(message)
        self.status = status


def _httpx() -> Any:
    try:
        import httpx
    except ImportError:
        raise ImportError(MISSING_HTTPX) from None
    return httpx


def _api_base_url(environment: str, base_url: str | None) -> str:
    if base_url is not None:
        return normalise_base_url("verify_tenant base_url", base_url)
    preset = API_BASE_URLS.get(environment)
    if preset is None:
        known = ", ".join(repr(name) for name in API_BASE_URLS)
        raise ValueError(UNKNOWN_API_ENVIRONMENT.format(got=environment, known=known))
    return preset


def _tenant_path(tenant_id: int | str) -> str:
    # The id goes into the URL path: one plain segment only, so a reported "../x" never reaches another route.
    segment = segment_id(tenant_id)
    if segment is None:
        raise ValueError(BAD_TENANT_ID)
    return f"/v2/tenants/{segment}"


def _belongs_to(tenant: dict[str, Any], sub: str) -> bool:
    # Pandium links a tenant to the user through the token's sub, recorded as the username of the
    # tenant's Pandium (Keycloak) user. Keycloak stores usernames lower-cased, and whether Pandium
    # normalises sub any further is not documented: ASCII case is ignored, everything else compared
    # exactly (str.lower() would make the Kelvin sign "k", so one user's sub could match another's).
    users = tenant.get("connected_users")
    pandium = users.get("pandium") if isinstance(users, dict) else None
    username = pandium.get("username") if isinstance(pandium, dict) else None
    return isinstance(username, str) and ascii_lower(username) == ascii_lower(sub)


async def verify_tenant(
    tenant_id: int | str,
    *,
    api_key: str,
    sub: str,
    environment: str = "sandbox",
    base_url: str | None = None,
    client: httpx.AsyncClient | None = None,
    timeout: float = DEFAULT_TIMEOUT_SECONDS,
) -> dict[str, Any] | None:
    """Pandium's tenant object for ``tenant_id`` (``GET /v2/tenants/<id>`` with ``X-API-KEY``) if it
    belongs to the user ``sub``; ``None`` when Pandium has no such tenant (404) **or** it is another
    user's. The two look the same on purpose: a caller cannot probe other users' tenants.

    Ownership: the tenant's ``connected_users["pandium"]["username"]`` must equal ``sub`` with ASCII
    letters compared case-insensitively (A-Z equals a-z) and every other character compared exactly,
    code point by code point: no Unicode case mapping or normalisation, so the Kelvin sign is not "k"
    and Σ is not σ. Pandium documents ``sub`` as what links a tenant to your user, and its example
    tenant carries the token's ``sub`` there; it does not document any normalisation beyond that (its
    Keycloak lower-cases usernames, hence ASCII case is ignored). A tenant without that field is never
    yours. Pass the ``sub`` your tokens carry (``user.sub``).

    ``environment`` picks the API host (``production``: https://api.pandium.io, ``sandbox``:
    https://api.sandbox.pandium.com); ``base_url`` overrides it (e.g. a ``MockPandium``'s URL).
    Pass ``client`` to reuse your own ``httpx.AsyncClient`` (its connection pool); otherwise one is
    made for the call. Any other answer raises ``PandiumAPIError``; a bad argument, ``ValueError``.
    """
    if not isinstance(api_key, str) or not api_key:
        raise ValueError(MISSING_API_KEY)
    if not isinstance(sub, str) or not sub:
        raise ValueError(MISSING_SUB)
    path = _tenant_path(tenant_id)
    url = _api_base_url(environment, base_url) + path
    httpx = _httpx()
    headers = {"X-API-KEY": api_key, "Accept": "application/json"}
    try:
        if client is None:
            async with httpx.AsyncClient(timeout=timeout, follow_redirects=False) as own_client:
                response = await own_client.get(url, headers=headers)
        else:
            response = await client.get(url, headers=headers)
    except httpx.HTTPError as error:
        # Only the class name: an httpx message may quote the request, and the request holds the key.
        raise PandiumAPIError(API_UNREACHABLE.format(kind=type(error).__name__)) from None
    if response.status_code == 404:
        return None
    if response.status_code != 200:
        hint = _HINTS.get(response.status_code, "")
        raise PandiumAPIError(API_FAILED.format(status=response.status_code, hint=hint), status=response.status_code)
    try:
        tenant = response.json()
    except ValueError:
        tenant = None
    if not isinstance(tenant, dict):
        raise PandiumAPIError(API_NOT_JSON, status=response.status_code)
    return tenant if _belongs_to(tenant, sub) else None
