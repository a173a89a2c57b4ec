"""Helpers shared by the MockPandium tests: hand-forged tokens, the page's data block, payload shapes."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import re
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

import httpx

from pandium_embed import PandiumUser, install_url, mint_token
from pandium_embed.mock.mock_server import MockPandiumServer
from tests.support.asgi import quiet_httpx

# Every claim set, so the pandium-success payload has a value wherever Pandium's example has one.
USER = PandiumUser(
    "user-1",
    display_name="Ann Example",
    full_name="Ann Q. Example",
    email="ann@example.com",
    installed_integrations=["4"],
    auditable_id="admin-7",
    auditable_display_name="Support Admin",
)
# The example pandium-success payload from Pandium's Auth-Only documentation, kept with the tests.
SUCCESS_EXAMPLE = Path(__file__).parents[1] / "fixtures" / "pandium-success.example.json"

# A webhook notification as Pandium posts it (a tenant created), for the webhook route's tests in each door.
TENANT_CREATED: dict[str, Any] = {
    "event_type": "tenant_created",
    "environment": "acme",
    "account_id": 12,
    "account_name": "Acme",
    "timestamp": "2026-11-29T10:00:00Z",
    "tenant_id": 11,
}

HS256_HEADER = b'{"alg":"HS256","typ":"JWT"}'
_DATA_BLOCK = re.compile(r'<script type="application/json" id="pandium-mock-data">(.*?)</script>', re.S)
_STATUS_KEY = re.compile(r"[A-Z0-9_]+_(AUTH_STATUS|LAST_CHANGE)")


def b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def forge(
    claims: Mapping[str, Any],
    *,
    secret: str,
    header: bytes = HS256_HEADER,
    payload: bytes | None = None,
    digest: Callable[..., Any] = hashlib.sha256,
) -> str:
    """A compact JWS built by hand: any header, any payload bytes, HMAC with any digest."""
    body = payload if payload is not None else json.dumps(claims, separators=(",", ":")).encode()
    signing_input = f"{b64(header)}.{b64(body)}"
    signature = hmac.new(secret.encode(), signing_input.encode(), digest).digest()
    return f"{signing_input}.{b64(signature)}"


def page_data(body: str) -> dict[str, Any]:
    """The JSON a MockPandium page hands its script."""
    match = _DATA_BLOCK.search(body)
    assert match is not None, "no pandium-mock-data block in the page"
    value = json.loads(match.group(1))
    assert isinstance(value, dict)
    return value


def load_success_example() -> dict[str, Any]:
    value = json.loads(SUCCESS_EXAMPLE.read_text(encoding="utf-8"))
    assert isinstance(value, dict)
    return value


def shape(value: Any, path: str = "") -> Any:
    """Keys and JSON types of ``value``, recursively. ``status.auth`` holds one key pair per connected
    system (``<SYSTEM>_AUTH_STATUS``, ``<SYSTEM>_LAST_CHANGE``), so there only the suffixes count."""
    if isinstance(value, dict):
        if path.endswith(".status.auth"):
            return sorted(
                _STATUS_KEY.fullmatch(key).group(1) if _STATUS_KEY.fullmatch(key) else key  # type: ignore[union-attr]
                for key in value
            )
        return {key: shape(item, f"{path}.{key}") for key, item in value.items()}
    if isinstance(value, list):
        return [shape(item, path) for item in value]
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "bool"
    return type(value).__name__


def install(mock: MockPandiumServer, user: PandiumUser, integration_id: str = "1") -> dict[str, Any]:
    """Open the install-only page for ``user`` and report its Save, as the page's script does."""
    config = mock.config()
    with quiet_httpx():
        page = httpx.get(install_url(config, integration_id, mint_token(config, user)))
        assert page.status_code == 200, page.text
        tenant: dict[str, Any] = page_data(page.text)["integrations"][0]["tenant"]
        created = httpx.post(f"{mock.url}/__mock__/tenants/{tenant['id']}/created", json={})
    assert created.status_code == 200, created.text
    return tenant
