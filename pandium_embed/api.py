"""Pandium's REST API, server-side with your API key (optional: needs the ``[api]`` extra).

``PandiumAPI`` (over ``httpx.Client``) and ``AsyncPandiumAPI`` (over ``httpx.AsyncClient``) have the same
methods: ``tenants(sub=)``, ``tenant(id, sub=)``, ``sync(id, sub=)``, ``run_status(id, trigger_id,
sub=)``, ``archive(id, sub=)``, ``archive_all(sub=)``, ``integrations()`` and ``tenant_owner(id)``. Every
call that names a tenant for a user first checks that the tenant belongs to the user ``sub`` (the rule of
``verify_tenant``): a tenant of another user is ``PandiumNotFound``, exactly like one that does not exist.

``verify_tenant`` (the browser-reported tenant, confirmed) is ``AsyncPandiumAPI.tenant`` with ``None``
for "not found or not theirs".

Each operation is written once, as a generator that yields the requests it needs and is sent their
decoded answers; the two classes only differ in how they send a request (each one's ``_drive``).
"""

from __future__ import annotations

import email.utils
import math
import time
from collections.abc import Generator, Mapping
from dataclasses import dataclass
from types import MappingProxyType, TracebackType
from typing import TYPE_CHECKING, Any, TypeVar

from .net import normalise_base_url
from .validate import ascii_lower, segment_id

if TYPE_CHECKING:
    import httpx

__all__ = [
    "API_BASE_URLS",
    "DEFAULT_SYNC_PATH",
    "SYNC_PATHS",
    "AsyncPandiumAPI",
    "PandiumAPI",
    "PandiumAPIError",
    "PandiumNotFound",
    "PandiumRateLimited",
    "PandiumUnauthorised",
    "PandiumUnavailable",
    "verify_tenant",
]

API_BASE_URLS: Mapping[str, str] = MappingProxyType(
    {
        "production": "https://api.pandium.io",
        "sandbox": "https://api.sandbox.pandium.com",
    }
)
DEFAULT_TIMEOUT_SECONDS = 10.0
# Pandium's public sources disagree on the path that triggers a sync: its API reference has
# POST /v2/tenants/<id>/sync?mode=init|normal (answering {"trigger_id": ...}); the introduction of the
# same documentation shows POST /v2/tenants/<id>/run?mode=init. The reference is the specific one, so
# it is the default; PandiumAPI(sync_path=SYNC_PATHS["run"]) (or your own template) takes the other.
SYNC_PATHS: Mapping[str, str] = MappingProxyType(
    {
        "sync": "/v2/tenants/{tenant_id}/sync",
        "run": "/v2/tenants/{tenant_id}/run",
    }
)
DEFAULT_SYNC_PATH = SYNC_PATHS["sync"]
SYNC_MODES = ("normal", "init")
# Pandium's list endpoints take limit (at most 500) and skip. MAX_PAGES stops an API that keeps
# answering full pages (a misbehaving proxy) from looping for ever: 200 pages are 100,000 records.
PAGE_SIZE = 500
MAX_PAGES = 200

MISSING_HTTPX = "pandium_embed.api needs httpx: pip install 'pandium-embed[api]' (or pip install 'httpx>=0.27')."
MISSING_API_KEY = (
    "Pandium's API needs api_key: the API key of your Pandium org (Settings > API Access); keep it server-side."
)
MISSING_SUB = (
    "Pandium's API calls that name a tenant need sub: the signed-in user's id, the same sub your tokens "
    "carry (user.sub), so that a tenant of another user is not taken for theirs."
)
UNKNOWN_API_ENVIRONMENT = "Pandium's API has no URL for environment {got!r}: use one of {known}, or pass base_url."
BAD_TENANT_ID = "tenant_id must be an integer or 1-128 letters, digits, '-' or '_'."
BAD_TRIGGER_ID = "trigger_id must be 1-128 letters, digits, '-' or '_' (the trigger_id sync() returned)."
BAD_SYNC_PATH = (
    "sync_path must be a path template starting with /v2/ and holding {{tenant_id}} once, like "
    "{default!r} or {other!r}."
)
BAD_SYNC_MODE = "sync mode must be one of {modes}."
BAD_CLIENT = "client must be an {expected} (or None: one is made and closed by the API object)."
API_FAILED = "Pandium's API answered {status} for {method} {path}{hint}."
API_UNAUTHORISED = "Pandium's API answered {status} for {method} {path}: {hint}."
API_RATE_LIMITED = "Pandium's API is rate limiting this key (429 for {method} {path}): {when}."
API_UNAVAILABLE = "Pandium's API answered {status} for {method} {path}: Pandium is unavailable, try again later."
API_UNREACHABLE = "Pandium's API could not be reached ({kind})."
API_NOT_JSON = "Pandium's API answered {method} {path} with something other than {expected}."
TENANT_NOT_FOUND = "Pandium has no tenant with this id for this user."
NO_TRIGGER_ID = "Pandium's API accepted the sync but its answer has no trigger_id."

_TENANT = "/v2/tenants/<id>"


class PandiumAPIError(Exception):
    """Pandium's API failed or refused; ``status`` is its HTTP status (``None`` if unreachable).

    The message never carries the API key, a token or a secret: only the status, the method and the
    path template (``/v2/tenants/<id>``).
    """

    def __init__(self, message: str, *, status: int | None = None) -> None:
        super().__init__(message)
        self.status = status


class PandiumUnauthorised(PandiumAPIError):
    """401 or 403: the API key is wrong, revoked, or may not do this."""


class PandiumNotFound(PandiumAPIError):
    """404: no such tenant (or run status) — or a tenant that belongs to another user, which looks the
    same on purpose, so that a caller cannot probe other users' tenants."""


class PandiumRateLimited(PandiumAPIError):
    """429: too many requests. ``retry_after`` is Pandium's ``Retry-After`` in seconds (``None`` if it
    sent none)."""

    def __init__(self, message: str, *, status: int | None = 429, retry_after: float | None = None) -> None:
        super().__init__(message, status=status)
        self.retry_after = retry_after


class PandiumUnavailable(PandiumAPIError):
    """Pandium could not be reached (``status`` is ``None``), timed out, or answered 5xx."""


def _httpx() -> Any:
    try:
        import httpx
    except ImportError:
        raise ImportError(MISSING_HTTPX) from None
    return httpx


def _api_base_url(environment: str, base_url: str | None) -> str:
    if base_url is not None:
        return normalise_base_url("Pandium API base_url", base_url)
    preset = API_BASE_URLS.get(environment)
    if preset is None:
        known = ", ".join(repr(name) for name in API_BASE_URLS)
        raise ValueError(UNKNOWN_API_ENVIRONMENT.format(got=environment, known=known))
    return preset


def _tenant_segment(tenant_id: int | str) -> str:
    # The id goes into the URL path: one plain segment only, so a reported "../x" never reaches another route.
    segment = segment_id(tenant_id)
    if segment is None:
        raise ValueError(BAD_TENANT_ID)
    return segment


def _tenant_path(tenant_id: int | str) -> str:
    return f"/v2/tenants/{_tenant_segment(tenant_id)}"


def _check_sub(sub: Any) -> str:
    if not isinstance(sub, str) or not sub:
        raise ValueError(MISSING_SUB)
    return sub


def _check_sync_path(template: Any) -> str:
    if (
        not isinstance(template, str)
        or not template.startswith("/v2/")
        or template.count("{tenant_id}") != 1
        or any(character in template for character in "?#%\\ ")
    ):
        raise ValueError(BAD_SYNC_PATH.format(default=SYNC_PATHS["sync"], other=SYNC_PATHS["run"]))
    return template


def _username(tenant: dict[str, Any]) -> str | None:
    """The username of the tenant's Pandium (Keycloak) user: where Pandium records the token's sub."""
    users = tenant.get("connected_users")
    pandium = users.get("pandium") if isinstance(users, dict) else None
    username = pandium.get("username") if isinstance(pandium, dict) else None
    return username if isinstance(username, str) and username else None


def _belongs_to(tenant: dict[str, Any], sub: str) -> bool:
    # Pandium links a tenant to the user through the token's sub, recorded as the username of the
    # tenant's Pandium (Keycloak) user. Keycloak stores usernames lower-cased, and whether Pandium
    # normalises sub any further is not documented: ASCII case is ignored, everything else compared
    # exactly (str.lower() would make the Kelvin sign "k", so one user's sub could match another's).
    username = _username(tenant)
    return username is not None and ascii_lower(username) == ascii_lower(sub)


@dataclass(frozen=True, slots=True)
class _Request:
    """One call an operation needs. ``path`` is sent; ``template`` (no ids) is what messages show."""

    method: str
    path: str
    template: str
    action: str
    params: tuple[tuple[str, str], ...] = ()
    # Whether a 404 is an answer (``None`` sent back) rather than PandiumNotFound.
    absent_ok: bool = False


def _retry_after(value: str | None, now: float) -> float | None:
    """``Retry-After`` as seconds: delay-seconds, or an HTTP date (RFC 9110); ``None`` if neither."""
    if value is None:
        return None
    value = value.strip()
    if value.isascii() and value.isdigit():
        return float(value)
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError):
        return None
    seconds = when.timestamp() - now
    return max(0.0, seconds) if math.isfinite(seconds) else None


def _answer(request: _Request, response: Any) -> Any:
    """The decoded JSON of ``response`` (``None`` for an allowed 404), or the typed error for it."""
    status: int = response.status_code
    where = {"status": status, "method": request.method, "path": request.template}
    if status == 404:
        if request.absent_ok:
            return None
        raise PandiumNotFound(API_FAILED.format(**where, hint=""), status=status)
    if status in (401, 403):
        hint = "check the API key" if status == 401 else f"the API key may not {request.action}"
        raise PandiumUnauthorised(API_UNAUTHORISED.format(**where, hint=hint), status=status)
    if status == 429:
        delay = _retry_after(response.headers.get("retry-after"), time.time())
        when = "retry later" if delay is None else f"retry in {math.ceil(delay)} seconds"
        raise PandiumRateLimited(
            API_RATE_LIMITED.format(method=request.method, path=request.template, when=when),
            status=status,
            retry_after=delay,
        )
    if status >= 500:
        raise PandiumUnavailable(API_UNAVAILABLE.format(**where), status=status)
    if not 200 <= status < 300:
        raise PandiumAPIError(API_FAILED.format(**where, hint=""), status=status)
    if status == 204 or not response.content:
        return {}
    try:
        return response.json()
    except (ValueError, RecursionError):
        return _NOT_JSON


_NOT_JSON = object()
_T = TypeVar("_T")
# What an operation is: a generator that yields requests, is sent their answers, and returns a result.
_Operation = Generator[_Request, Any, _T]


def _expect(request: _Request, value: Any, kind: type, expected: str) -> Any:
    if value is _NOT_JSON or not isinstance(value, kind):
        raise PandiumAPIError(
            API_NOT_JSON.format(method=request.method, path=request.template, expected=expected), status=200
        )
    return value


def _tenant_request(segment: str, *, absent_ok: bool = False) -> _Request:
    return _Request("GET", f"/v2/tenants/{segment}", _TENANT, "read tenants", absent_ok=absent_ok)


def _owned_tenant(tenant_id: int | str, sub: str) -> _Operation[dict[str, Any]]:
    """The tenant, if it belongs to ``sub``; otherwise PandiumNotFound, whether it exists or not."""
    request = _tenant_request(_tenant_segment(tenant_id), absent_ok=True)
    tenant = yield request
    if tenant is None:
        raise PandiumNotFound(TENANT_NOT_FOUND, status=404)
    tenant = _expect(request, tenant, dict, "a JSON object")
    if not _belongs_to(tenant, sub):
        raise PandiumNotFound(TENANT_NOT_FOUND, status=404)
    result: dict[str, Any] = tenant
    return result


def _owner(tenant_id: int | str) -> _Operation[str | None]:
    request = _tenant_request(_tenant_segment(tenant_id), absent_ok=True)
    tenant = yield request
    if tenant is None:
        return None
    return _username(_expect(request, tenant, dict, "a JSON object"))


def _pages(path: str, action: str, params: tuple[tuple[str, str], ...]) -> _Operation[list[dict[str, Any]]]:
    """Every record of a list endpoint, page by page."""
    records: list[dict[str, Any]] = []
    for page in range(MAX_PAGES):
        request = _Request(
            "GET", path, path, action, params=(*params, ("limit", str(PAGE_SIZE)), ("skip", str(page * PAGE_SIZE)))
        )
        batch = _expect(request, (yield request), list, "a JSON array")
        for item in batch:
            records.append(_expect(request, item, dict, "a JSON array of objects"))
        if len(batch) < PAGE_SIZE:
            break
    return records


def _tenants_of(sub: str, archived: bool) -> _Operation[list[dict[str, Any]]]:
    # user_name narrows the list on Pandium's side ("a user id connected to ... a tenant"); the ownership
    # rule decides. A listed tenant without connected_users (Pandium's list schema does not promise
    # them) is read whole before it is judged.
    params = (("user_name", sub), ("archived", "true" if archived else "false"))
    listed = yield from _pages("/v2/tenants", "read tenants", params)
    owned: list[dict[str, Any]] = []
    for tenant in listed:
        if "connected_users" not in tenant:
            segment = segment_id(tenant.get("id"))
            if segment is None:
                continue
            request = _tenant_request(segment, absent_ok=True)
            whole = yield request
            if whole is None:
                continue
            tenant = _expect(request, whole, dict, "a JSON object")
        if _belongs_to(tenant, sub) and bool(tenant.get("archived")) == archived:
            owned.append(tenant)
    return owned


def _sync(tenant_id: int | str, sub: str, mode: str, template: str) -> _Operation[str]:
    if mode not in SYNC_MODES:
        raise ValueError(BAD_SYNC_MODE.format(modes=", ".join(repr(name) for name in SYNC_MODES)))
    segment = _tenant_segment(tenant_id)
    yield from _owned_tenant(segment, sub)
    path = template.replace("{tenant_id}", segment)
    request = _Request("POST", path, template.replace("{tenant_id}", "<id>"), "trigger syncs", params=(("mode", mode),))
    answer = _expect(request, (yield request), dict, "a JSON object")
    trigger_id = segment_id(answer.get("trigger_id"))
    if trigger_id is None:
        raise PandiumAPIError(NO_TRIGGER_ID, status=200)
    return trigger_id


def _run_status(tenant_id: int | str, trigger_id: str, sub: str) -> _Operation[dict[str, Any] | None]:
    segment = _tenant_segment(tenant_id)
    trigger = segment_id(trigger_id) if isinstance(trigger_id, str) else None
    if trigger is None:
        raise ValueError(BAD_TRIGGER_ID)
    yield from _owned_tenant(segment, sub)
    # Pandium answers 404 until the (debounced) run has a status: that is "not yet", not an error.
    request = _Request(
        "GET", f"/v2/runs/triggers/{trigger}/status", "/v2/runs/triggers/<id>/status", "read runs", absent_ok=True
    )
    answer = yield request
    if answer is None:
        return None
    status: dict[str, Any] = _expect(request, answer, dict, "a JSON object")
    return status


def _archive_request(segment: str, *, absent_ok: bool = False) -> _Request:
    # Pandium's reference: DELETE /v2/tenants/<id> "Archive a tenant".
    return _Request("DELETE", f"/v2/tenants/{segment}", _TENANT, "archive tenants", absent_ok=absent_ok)


def _archive(tenant_id: int | str, sub: str) -> _Operation[dict[str, Any]]:
    segment = _tenant_segment(tenant_id)
    tenant = yield from _owned_tenant(segment, sub)
    request = _archive_request(segment)
    answer = _expect(request, (yield request), dict, "a JSON object")
    return answer or {**tenant, "archived": True}


def _archive_all(sub: str) -> _Operation[list[dict[str, Any]]]:
    archived: list[dict[str, Any]] = []
    for tenant in (yield from _tenants_of(sub, archived=False)):
        segment = segment_id(tenant.get("id"))
        if segment is None:
            continue
        # Archived in the meantime (another request, the user in the marketplace): nothing left to do.
        answer = yield _archive_request(segment, absent_ok=True)
        if answer is not None:
            archived.append(tenant)
    return archived


class _Base:
    """What both clients share: the checked options, and the operations behind every method."""

    _client: Any

    def __init__(
        self,
        api_key: str,
        *,
        environment: str,
        base_url: str | None,
        sync_path: str,
    ) -> None:
        if not isinstance(api_key, str) or not api_key:
            raise ValueError(MISSING_API_KEY)
        self._base_url = _api_base_url(environment, base_url)
        self._sync_path = _check_sync_path(sync_path)
        self._headers = {"X-API-KEY": api_key, "Accept": "application/json"}

    def __repr__(self) -> str:
        # Never the key.
        return f"{type(self).__name__}(base_url={self._base_url!r}, sync_path={self._sync_path!r})"

    def _send_args(self, request: _Request) -> dict[str, Any]:
        return {
            "method": request.method,
            "url": self._base_url + request.path,
            "params": list(request.params),
            "headers": self._headers,
        }

    @staticmethod
    def _unreachable(error: Exception) -> PandiumUnavailable:
        # Only the class name: an httpx message may quote the request, and the request holds the key.
        return PandiumUnavailable(API_UNREACHABLE.format(kind=type(error).__name__))


class PandiumAPI(_Base):
    """Pandium's REST API over ``httpx.Client`` (blocking). See ``AsyncPandiumAPI`` for the methods.

    ``PandiumAPI(api_key, environment="sandbox")``; ``base_url`` overrides the host (a ``MockPandium``'s
    URL), ``client`` reuses your own ``httpx.Client`` (otherwise one is made; close it with ``close()``
    or use ``with``). ``sync_path`` is the template ``sync()`` posts to (see ``SYNC_PATHS``).
    """

    def __init__(
        self,
        api_key: str,
        *,
        environment: str = "sandbox",
        base_url: str | None = None,
        client: httpx.Client | None = None,
        timeout: float = DEFAULT_TIMEOUT_SECONDS,
        sync_path: str = DEFAULT_SYNC_PATH,
    ) -> None:
        super().__init__(api_key, environment=environment, base_url=base_url, sync_path=sync_path)
        httpx = _httpx()
        if client is not None and not isinstance(client, httpx.Client):
            raise ValueError(BAD_CLIENT.format(expected="httpx.Client"))
        self._owns_client = client is None
        self._client = client if client is not None else httpx.Client(timeout=timeout, follow_redirects=False)

    def close(self) -> None:
        """Close the client this object made (a client you passed is yours to close)."""
        if self._owns_client:
            self._client.close()

    def __enter__(self) -> PandiumAPI:
        return self

    def __exit__(
        self, kind: type[BaseException] | None, error: BaseException | None, trace: TracebackType | None
    ) -> None:
        self.close()

    def _drive(self, operation: _Operation[_T]) -> _T:
        httpx = _httpx()
        try:
            request = next(operation)
            while True:
                try:
                    response = self._client.request(**self._send_args(request))
                except httpx.HTTPError as error:
                    raise self._unreachable(error) from None
                request = operation.send(_answer(request, response))
        except StopIteration as done:
            result: _T = done.value
            return result

    def tenants(self, *, sub: str, archived: bool = False) -> list[dict[str, Any]]:
        return self._drive(_tenants_of(_check_sub(sub), bool(archived)))

    def tenant(self, tenant_id: int | str, *, sub: str) -> dict[str, Any]:
        return self._drive(_owned_tenant(tenant_id, _check_sub(sub)))

    def tenant_owner(self, tenant_id: int | str) -> str | None:
        return self._drive(_owner(tenant_id))

    def sync(self, tenant_id: int | str, *, sub: str, mode: str = "normal") -> str:
        return self._drive(_sync(tenant_id, _check_sub(sub), mode, self._sync_path))

    def run_status(self, tenant_id: int | str, trigger_id: str, *, sub: str) -> dict[str, Any] | None:
        return self._drive(_run_status(tenant_id, trigger_id, _check_sub(sub)))

    def archive(self, tenant_id: int | str, *, sub: str) -> dict[str, Any]:
        return self._drive(_archive(tenant_id, _check_sub(sub)))

    def archive_all(self, *, sub: str) -> list[dict[str, Any]]:
        return self._drive(_archive_all(_check_sub(sub)))

    def integrations(self) -> list[dict[str, Any]]:
        return self._drive(_pages("/v2/integrations", "read integrations", ()))


class AsyncPandiumAPI(_Base):
    """Pandium's REST API over ``httpx.AsyncClient``; ``PandiumAPI`` is the same, blocking.

    ``AsyncPandiumAPI(api_key, environment="sandbox")`` (``production``: https://api.pandium.io,
    ``sandbox``: https://api.sandbox.pandium.com); ``base_url`` overrides the host (a ``MockPandium``'s
    URL); ``client`` reuses your own ``httpx.AsyncClient`` (otherwise one is made: ``await aclose()``
    or ``async with``). Every method sends ``X-API-KEY``.

    Every method that names a tenant reads it first and checks that it belongs to ``sub``: its
    ``connected_users["pandium"]["username"]`` is the token's ``sub`` (the rule of ``verify_tenant``).
    A tenant of another user raises ``PandiumNotFound`` exactly like one that does not exist.

    Errors: ``PandiumUnauthorised`` (401/403), ``PandiumNotFound`` (404, or not this user's),
    ``PandiumRateLimited`` (429, with ``retry_after``), ``PandiumUnavailable`` (unreachable, timeout,
    5xx), ``PandiumAPIError`` (anything else); none holds the key. A bad argument is ``ValueError``.
    """

    def __init__(
        self,
        api_key: str,
        *,
        environment: str = "sandbox",
        base_url: str | None = None,
        client: httpx.AsyncClient | None = None,
        timeout: float = DEFAULT_TIMEOUT_SECONDS,
        sync_path: str = DEFAULT_SYNC_PATH,
    ) -> None:
        super().__init__(api_key, environment=environment, base_url=base_url, sync_path=sync_path)
        httpx = _httpx()
        if client is not None and not isinstance(client, httpx.AsyncClient):
            raise ValueError(BAD_CLIENT.format(expected="httpx.AsyncClient"))
        self._owns_client = client is None
        self._client = client if client is not None else httpx.AsyncClient(timeout=timeout, follow_redirects=False)

    async def aclose(self) -> None:
        """Close the client this object made (a client you passed is yours to close)."""
        if self._owns_client:
            await self._client.aclose()

    async def __aenter__(self) -> AsyncPandiumAPI:
        return self

    async def __aexit__(
        self, kind: type[BaseException] | None, error: BaseException | None, trace: TracebackType | None
    ) -> None:
        await self.aclose()

    async def _drive(self, operation: _Operation[_T]) -> _T:
        httpx = _httpx()
        try:
            request = next(operation)
            while True:
                try:
                    response = await self._client.request(**self._send_args(request))
                except httpx.HTTPError as error:
                    raise self._unreachable(error) from None
                request = operation.send(_answer(request, response))
        except StopIteration as done:
            result: _T = done.value
            return result

    async def tenants(self, *, sub: str, archived: bool = False) -> list[dict[str, Any]]:
        """The user's tenants (``archived=True``: their archived ones), from ``GET /v2/tenants``."""
        return await self._drive(_tenants_of(_check_sub(sub), bool(archived)))

    async def tenant(self, tenant_id: int | str, *, sub: str) -> dict[str, Any]:
        """``GET /v2/tenants/<id>``, if it is the user's."""
        return await self._drive(_owned_tenant(tenant_id, _check_sub(sub)))

    async def tenant_owner(self, tenant_id: int | str) -> str | None:
        """Whose tenant this is, as Pandium recorded it (``connected_users["pandium"]["username"]``: the
        token's ``sub``, lower-cased by Pandium's Keycloak); ``None`` if there is no such tenant or it
        names no user. For server-side events that name a tenant but no user (``run_failed``): find
        your user by it (ignoring case), then confirm with ``tenant(tenant_id, sub=user.sub)``."""
        return await self._drive(_owner(tenant_id))

    async def sync(self, tenant_id: int | str, *, sub: str, mode: str = "normal") -> str:
        """Ask Pandium to run the tenant's integration (``mode``: "normal" or "init"); the trigger id.

        Posts to ``sync_path`` (default ``POST /v2/tenants/<id>/sync?mode=...``, Pandium's API
        reference; ``SYNC_PATHS["run"]`` is the ``/run`` path its introduction shows)."""
        return await self._drive(_sync(tenant_id, _check_sub(sub), mode, self._sync_path))

    async def run_status(self, tenant_id: int | str, trigger_id: str, *, sub: str) -> dict[str, Any] | None:
        """``GET /v2/runs/triggers/<trigger_id>/status`` (``{"status": ...}``) after checking the tenant;
        ``None`` while Pandium has no status yet (it debounces triggers). Pandium does not tie a trigger
        to a tenant in this call: pass only trigger ids ``sync()`` returned for that tenant."""
        return await self._drive(_run_status(tenant_id, trigger_id, _check_sub(sub)))

    async def archive(self, tenant_id: int | str, *, sub: str) -> dict[str, Any]:
        """Archive the user's tenant (``DELETE /v2/tenants/<id>``, which Pandium documents as archiving)."""
        return await self._drive(_archive(tenant_id, _check_sub(sub)))

    async def archive_all(self, *, sub: str) -> list[dict[str, Any]]:
        """Archive every tenant of the user (account deletion); the tenants archived. Safe to repeat:
        a tenant archived meanwhile is skipped, one already archived is not listed."""
        return await self._drive(_archive_all(_check_sub(sub)))

    async def integrations(self) -> list[dict[str, Any]]:
        """Your org's integrations (``GET /v2/integrations``): not per user."""
        return await self._drive(_pages("/v2/integrations", "read integrations", ()))


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
    yours. Pass the ``sub`` your tokens carry (``user.sub``). ``AsyncPandiumAPI.tenant`` is the same call,
    raising ``PandiumNotFound`` instead of answering ``None``.

    ``environment`` picks the API host (``production``: https://api.pandium.io, ``sandbox``:
    https://api.sandbox.pandium.com); ``base_url`` overrides it (e.g. a ``MockPandium``'s URL).
    Pass ``client`` to reuse your own ``httpx.AsyncClient`` (its connection pool); otherwise one is
    made for the call. Any other answer raises a ``PandiumAPIError``; a bad argument, ``ValueError``.
    """
    _check_sub(sub)
    _tenant_segment(tenant_id)
    api = AsyncPandiumAPI(api_key, environment=environment, base_url=base_url, client=client, timeout=timeout)
    try:
        return await api.tenant(tenant_id, sub=sub)
    except PandiumNotFound:
        return None
    finally:
        await api.aclose()
