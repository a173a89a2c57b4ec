"""Pandium tenant tokens: ``PandiumUser`` -> claims -> a signed HS256 JWT.

Pure functions with no I/O; the clock and the ``jti`` are injectable so tokens can be golden-tested.
"""

from __future__ import annotations

import base64
import json
import math
import time
import uuid
import warnings
import weakref
from collections.abc import Mapping, Sequence
from dataclasses import KW_ONLY, dataclass
from typing import Any

from joserfc.jwk import OctKey
from joserfc.jws import JWSRegistry

from .config import PandiumConfig
from .validate import secret_bytes

__all__ = ["VIEW_RULES", "MarketplaceView", "PandiumUser", "build_claims", "mint_token"]

# Pandium checks the header byte for byte, so it is fixed rather than serialised per token.
HEADER_JSON = b'{"alg":"HS256","typ":"JWT"}'
_HS256 = JWSRegistry.algorithms["HS256"]
_MAX_DEPTH = 32

BAD_SUB = "PandiumUser.sub must be a non-empty string: the user's unique id in your system."
BAD_INSTALLED = (
    "PandiumUser.installed_integrations must be a list of integration ids (strings or integers), not a single string."
)
NOT_JSON = (
    "{field} holds {what}, which cannot go in a token: "
    "use JSON values (str, int, float, bool, None, list, dict with str keys)."
)
NOT_FINITE = "{field} holds a NaN or infinite number, which JSON cannot carry: use a finite number or a string."
NOT_UTF8 = "{field} holds a string that is not valid Unicode (a lone surrogate): it cannot be encoded as UTF-8."
INT_TOO_LONG = "{field} holds an integer too long to write as JSON: send it as a string."
TOO_DEEP = "{field} is nested more than {depth} levels deep (or refers to itself): flatten it."
BAD_NOW = "mint_token now must be epoch seconds as an int or float (got {what})."
BAD_JTI = "mint_token jti must be a non-empty string (got {what})."
BAD_VIEW = "PandiumUser.view must be a MarketplaceView (got a {what})."
BAD_HIDDEN = (
    "MarketplaceView.hidden_integrations must be a list of integration ids, each a non-empty string or a "
    "non-negative integer (problem at item {index}: {what})."
)
HIDDEN_NOT_A_LIST = "MarketplaceView.hidden_integrations must be a list of integration ids, not a single {what}."
BAD_GROUP = "MarketplaceView.{field} must be a non-empty string or None (got {what})."
BAD_ALLOWED_INSTALLS = "MarketplaceView.allowed_installs must be a non-negative integer or None (got {what})."
VIEW_RULE_TWICE = (
    "{keys} set both in PandiumUser.view and in PandiumUser.extra or xti: give each view rule once, in "
    "MarketplaceView (extra is for the rules MarketplaceView does not name)."
)
TOKEN_TOO_LONG = (
    "The token would be {size} bytes, over max_url_length={limit} before the URL is even added: "
    "shrink the user's claims (meta, extra, installed_integrations) or raise PandiumConfig.max_url_length."
)


# The xti keys MarketplaceView writes: the names Pandium's "Customizing the JWT" page gives.
VIEW_RULES = ("hidden_integrations", "user_group", "user_tier", "allowed_installs")


def _what(value: Any) -> str:
    # Type only, and the value for plain numbers: a message never echoes a string a host passed.
    if value == "":
        return "an empty string"
    if isinstance(value, bool) or not isinstance(value, int):
        return f"a {type(value).__name__}"
    return repr(value)


@dataclass(frozen=True, kw_only=True)
class MarketplaceView:
    """Rules that shape the In-App Marketplace for one user, carried in the token's ``ti.xti``.

    The names are the ones Pandium's "Customizing the JWT" documentation gives: ``hidden_integrations``
    (ids of integrations this user must not see), a group such as ``user_group`` or ``user_tier``
    (which integrations a group sees), and ``allowed_installs`` (how many integrations the user may
    install). Pandium documents the names, not a contract: what each rule does for your organisation
    (which ids a group sees, what counts as an install) is configured with Pandium, per organisation,
    through your Technical Account Manager. A rule this class does not name goes in
    ``PandiumUser.extra``; the same key in both is an error.

    Checked when a token is minted: ids are non-empty strings or non-negative integers, groups
    non-empty strings, ``allowed_installs`` a non-negative integer; ``ValueError`` otherwise.
    Unset rules are left out of the token.
    """

    hidden_integrations: Sequence[str | int] = ()
    user_group: str | None = None
    user_tier: str | None = None
    allowed_installs: int | None = None

    def as_xti(self) -> dict[str, Any]:
        """The rules as ``ti.xti`` keys (checked; unset ones left out)."""
        rules: dict[str, Any] = {}
        hidden = self.hidden_integrations
        if isinstance(hidden, (str, bytes)) or not isinstance(hidden, Sequence):
            raise ValueError(HIDDEN_NOT_A_LIST.format(what=type(hidden).__name__))
        for index, item in enumerate(hidden):
            if (
                isinstance(item, bool)
                or not isinstance(item, (str, int))
                or item == ""
                or (isinstance(item, int) and item < 0)
            ):
                raise ValueError(BAD_HIDDEN.format(index=index, what=_what(item)))
        if hidden:
            rules["hidden_integrations"] = _jsonable(list(hidden), "MarketplaceView.hidden_integrations")
        for field in ("user_group", "user_tier"):
            value = getattr(self, field)
            if value is None:
                continue
            if not isinstance(value, str) or not value.strip():
                raise ValueError(BAD_GROUP.format(field=field, what=_what(value)))
            rules[field] = _jsonable(value, f"MarketplaceView.{field}")
        allowed = self.allowed_installs
        if allowed is not None:
            if isinstance(allowed, bool) or not isinstance(allowed, int) or allowed < 0:
                raise ValueError(BAD_ALLOWED_INSTALLS.format(what=_what(allowed)))
            rules["allowed_installs"] = _jsonable(allowed, "MarketplaceView.allowed_installs")
        return rules


@dataclass(frozen=True)
class PandiumUser:
    """The signed-in user, as Pandium should see them. Unset fields are left out of the token."""

    sub: str
    _: KW_ONLY
    display_name: str | None = None
    full_name: str | None = None
    email: str | None = None
    installed_integrations: Sequence[str | int] = ()
    auditable_id: str | None = None
    auditable_display_name: str | None = None
    extra: Mapping[str, Any] | None = None
    external_id: str | None = None
    meta: Any = None
    view: MarketplaceView | None = None


# Friendly name -> compact claim inside "ti", in the order Pandium's sample backend writes them.
_TI_FIELDS = (
    ("display_name", "udn"),
    ("full_name", "ufn"),
    ("email", "uem"),
    ("installed_integrations", "ili"),
    ("auditable_id", "aid"),
    ("auditable_display_name", "adn"),
)


def _jsonable(value: Any, name: str, depth: int = 0) -> Any:
    """``value`` as plain JSON data (mappings become dicts, tuples lists), or a ValueError naming ``name``.

    Validating and normalising in one pass means whatever passes here is exactly what gets serialised.
    The message names the field and the type, never the value: values may be credentials.
    """
    if depth > _MAX_DEPTH:
        raise ValueError(TOO_DEEP.format(field=name, depth=_MAX_DEPTH))
    if value is None or isinstance(value, bool):
        return value
    if isinstance(value, int):
        try:
            int.__repr__(value)  # Python refuses to print integers past sys.get_int_max_str_digits()
        except ValueError:
            raise ValueError(INT_TOO_LONG.format(field=name)) from None
        return value
    if isinstance(value, str):
        try:
            value.encode("utf-8")
        except UnicodeEncodeError:
            raise ValueError(NOT_UTF8.format(field=name)) from None
        return value
    if isinstance(value, float):
        if not math.isfinite(value):
            raise ValueError(NOT_FINITE.format(field=name))
        return value
    if isinstance(value, Mapping):
        result: dict[str, Any] = {}
        for key, item in value.items():
            if not isinstance(key, str):
                raise ValueError(NOT_JSON.format(field=f"{name} key", what=f"a {type(key).__name__} key"))
            _jsonable(key, f"{name} key", depth + 1)
            result[key] = _jsonable(item, f"{name}[{key!r}]", depth + 1)
        return result
    if isinstance(value, (list, tuple)):
        return [_jsonable(item, f"{name}[{index}]", depth + 1) for index, item in enumerate(value)]
    raise ValueError(NOT_JSON.format(field=name, what=f"a {type(value).__name__}"))


def build_claims(
    user: PandiumUser,
    *,
    iat: int,
    jti: str,
    xti: Mapping[str, Any] | None = None,
) -> dict[str, Any]:
    """The JWT claims for ``user``. ``xti`` is merged over ``user.extra`` (the flow's keys win);
    ``user.view``'s rules go beside them (a rule also set in ``extra`` or ``xti`` is an error).

    Raises ``ValueError`` naming the field when a value cannot be carried by the token.
    """
    if not isinstance(user, PandiumUser):
        raise ValueError(f"mint_token needs a PandiumUser (got a {type(user).__name__}).")
    if not isinstance(user.sub, str) or not user.sub.strip():
        raise ValueError(BAD_SUB)
    _jsonable(user.sub, "PandiumUser.sub")

    claims: dict[str, Any] = {"iat": iat, "jti": jti, "sub": user.sub}
    if user.external_id is not None:
        claims["external_id"] = _jsonable(user.external_id, "PandiumUser.external_id")
    if user.meta is not None:
        claims["meta"] = _jsonable(user.meta, "PandiumUser.meta")

    ti: dict[str, Any] = {}
    for attribute, claim in _TI_FIELDS:
        value = getattr(user, attribute)
        if value is None or (attribute == "installed_integrations" and not value):
            continue
        if attribute == "installed_integrations":
            if isinstance(value, (str, bytes)) or not isinstance(value, Sequence):
                raise ValueError(BAD_INSTALLED)
            value = list(value)
        ti[claim] = _jsonable(value, f"PandiumUser.{attribute}")

    extra: dict[str, Any] = {}
    if user.extra is not None:
        if not isinstance(user.extra, Mapping):
            raise ValueError(NOT_JSON.format(field="PandiumUser.extra", what=f"a {type(user.extra).__name__}"))
        extra.update(user.extra)
    if xti is not None:
        if not isinstance(xti, Mapping):
            raise ValueError(NOT_JSON.format(field="xti", what=f"a {type(xti).__name__}"))
        extra.update(xti)
    if user.view is not None:
        if not isinstance(user.view, MarketplaceView):
            raise ValueError(BAD_VIEW.format(what=type(user.view).__name__))
        rules = user.view.as_xti()
        twice = sorted(rules.keys() & extra.keys())
        if twice:
            raise ValueError(VIEW_RULE_TWICE.format(keys=", ".join(twice)))
        extra.update(rules)
    if extra:
        ti["xti"] = _jsonable(extra, "PandiumUser.extra/xti")
    if ti:
        claims["ti"] = ti
    return claims


def _b64url(data: bytes) -> bytes:
    return base64.urlsafe_b64encode(data).rstrip(b"=")


_HEADER_SEGMENT = _b64url(HEADER_JSON)


# Derived once per config, never per token; forgotten with the config.
_SIGNING_KEYS: weakref.WeakKeyDictionary[PandiumConfig, OctKey] = weakref.WeakKeyDictionary()


def signing_key(config: PandiumConfig) -> OctKey:
    """The joserfc HS256 key made of the config's shared secret."""
    key = _SIGNING_KEYS.get(config)
    if key is None:
        with warnings.catch_warnings():
            # joserfc warns about keys under 112 bits; PandiumConfig already warned, and better.
            warnings.simplefilter("ignore")
            key = OctKey.import_key(secret_bytes(config.secret))
        _SIGNING_KEYS[config] = key
    return key


def sign_claims(config: PandiumConfig, claims: Mapping[str, Any]) -> str:
    """Serialise ``claims`` as compact JSON and sign them with the config's key (joserfc HS256)."""
    payload = json.dumps(claims, separators=(",", ":"), ensure_ascii=False, allow_nan=False)
    signing_input = _HEADER_SEGMENT + b"." + _b64url(payload.encode("utf-8"))
    signature = _HS256.sign(signing_input, signing_key(config))
    return (signing_input + b"." + _b64url(signature)).decode("ascii")


def mint_token(
    config: PandiumConfig,
    user: PandiumUser,
    *,
    xti: Mapping[str, Any] | None = None,
    now: float | None = None,
    jti: str | None = None,
) -> str:
    """A fresh Pandium tenant token for ``user``: valid for 60 seconds, usable once.

    ``now`` is epoch seconds (default ``time.time()``); ``jti`` defaults to a new uuid4.
    """
    if now is None:
        now = time.time()
    elif isinstance(now, bool) or not isinstance(now, (int, float)) or not math.isfinite(now):
        raise ValueError(BAD_NOW.format(what=f"a {type(now).__name__}"))
    if jti is None:
        jti = str(uuid.uuid4())
    elif not isinstance(jti, str) or not jti:
        raise ValueError(BAD_JTI.format(what=f"a {type(jti).__name__}"))
    claims = build_claims(user, iat=int(now), jti=jti, xti=xti)
    token = sign_claims(config, claims)
    if len(token) > config.max_url_length:
        raise ValueError(TOKEN_TOO_LONG.format(size=len(token), limit=config.max_url_length))
    return token
