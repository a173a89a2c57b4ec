"""How the stand-in applies a token's marketplace rules (``ti.xti``, ``ti.ili``), as a configured Pandium would.

Pandium's "Customizing the JWT" page documents the names (``hidden_integrations``, a group such as
``user_group`` or ``user_tier``, ``allowed_installs``) and says what they are for; what exactly each does
is configured with Pandium per organisation. What this stand-in does is its assumption, written here once:

- ``hidden_integrations``: a list of ids (strings or integers); those tiles are absent, and the
  install-only page of a hidden integration is refused (``not-in-view``).
- ``user_group`` / ``user_tier``: each names a group configured on the stand-in
  (``MockPandium(groups={"gold": ["1", "2"]})``, ``pandium-embed mock --group gold=1,2``); the user sees
  only the integrations of the group(s) named (with both, the ones in both). A group the stand-in has
  no configuration for is ignored (logged at INFO), as before groups could be configured: a host that
  sends a tier it has not set up on the stand-in still sees its whole catalog.
- ``allowed_installs``: how many tenants (installed, not archived) the user may have; an install past it
  is refused (``install-limit``): the install-only page outright, the marketplace when Save is clicked.
- ``ti.ili``: ids of external integrations configured on the stand-in (``ExternalIntegration``) show
  as installed, with an "Open" link to their URL.

A rule in another shape than documented (a string for ``hidden_integrations``, a negative limit) is
ignored, as if absent: the library refuses such tokens when minting them.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

from ..validate import segment_id
from .catalog import ExternalIntegration, Integration

__all__ = [
    "INSTALL_LIMIT",
    "NOT_IN_VIEW",
    "MarketplaceView",
    "check_external_integrations",
    "check_groups",
    "install_limit_message",
    "view_of",
]

BAD_GROUPS = (
    "MockPandium groups must map each group name (a non-empty string, as the token's xti.user_group or "
    "xti.user_tier carries it) to a list of integration ids, like {{'gold': ['1', '2']}} (problem with {item!r})."
)
BAD_EXTERNAL = (
    "MockPandium external_integrations must be ExternalIntegration objects with unique ids of 1-128 letters, "
    "digits, '-' or '_', a name and an http(s) URL (problem with {item!r})."
)
GROUP_KEYS = ("user_group", "user_tier")
logger = logging.getLogger("pandium_embed.mock")
# The refusals these rules cause (page reason codes, and the sentence the page shows).
NOT_IN_VIEW = (
    "This integration is not available to this user: the token's hidden_integrations, user_group or "
    "user_tier leaves it out."
)
INSTALL_LIMIT = (
    "This user has as many integrations installed as the token's allowed_installs allows: archive one, "
    "or raise the limit."
)
INSTALL_LIMIT_OF = (
    "This user may install at most {limit} integration(s) (the token's allowed_installs) and has as many "
    "already: archive one, or raise the limit."
)


def install_limit_message(limit: int) -> str:
    return INSTALL_LIMIT_OF.format(limit=limit)


@dataclass(frozen=True, slots=True)
class MarketplaceView:
    """What one user's marketplace shows."""

    integrations: tuple[Integration, ...]
    external: tuple[ExternalIntegration, ...]
    # Ids shown as installed: ti.ili (external integrations, and any Pandium tile the host lists there).
    installed: frozenset[str]
    allowed_installs: int | None

    def shows(self, integration_id: str) -> bool:
        return any(item.id == integration_id for item in self.integrations)


def check_groups(groups: Mapping[str, Iterable[str | int]] | None) -> dict[str, frozenset[str]]:
    """``groups`` as ``{name: frozenset of ids}``, or ``ValueError`` naming the entry."""
    if groups is None:
        return {}
    if not isinstance(groups, Mapping):
        raise ValueError(BAD_GROUPS.format(item=type(groups).__name__))
    checked: dict[str, frozenset[str]] = {}
    for name, ids in groups.items():
        if not isinstance(name, str) or not name.strip() or isinstance(ids, (str, bytes)):
            raise ValueError(BAD_GROUPS.format(item=name))
        try:
            members = [segment_id(item) for item in ids]
        except TypeError:
            raise ValueError(BAD_GROUPS.format(item=name)) from None
        if any(member is None for member in members):
            raise ValueError(BAD_GROUPS.format(item=name))
        checked[name] = frozenset(member for member in members if member is not None)
    return checked


def check_external_integrations(items: Iterable[ExternalIntegration]) -> tuple[ExternalIntegration, ...]:
    checked: list[ExternalIntegration] = []
    for item in items:
        if (
            not isinstance(item, ExternalIntegration)
            or segment_id(item.id) is None
            or any(item.id == other.id for other in checked)
            or not isinstance(item.name, str)
            or not item.name
            or not _is_link(item.url)
        ):
            raise ValueError(BAD_EXTERNAL.format(item=item))
        checked.append(item)
    return tuple(checked)


def _is_link(value: Any) -> bool:
    if not isinstance(value, str) or not value.isascii() or not value.isprintable() or " " in value:
        return False
    try:
        parts = urlsplit(value)
    except ValueError:
        return False
    return parts.scheme in {"http", "https"} and bool(parts.hostname)


def _ids(value: Any) -> frozenset[str] | None:
    if not isinstance(value, list):
        return None
    return frozenset(item for item in (segment_id(entry) for entry in value) if item is not None)


def view_of(
    claims: Mapping[str, Any],
    *,
    integrations: Iterable[Integration],
    external: Iterable[ExternalIntegration],
    groups: Mapping[str, frozenset[str]],
) -> MarketplaceView:
    """The marketplace the token's user sees (see the module's docstring for the rules)."""
    ti = claims.get("ti")
    ti = ti if isinstance(ti, Mapping) else {}
    xti = ti.get("xti")
    xti = xti if isinstance(xti, Mapping) else {}
    hidden = _ids(xti.get("hidden_integrations")) or frozenset()
    selected: frozenset[str] | None = None
    for key in GROUP_KEYS:
        name = xti.get(key)
        if not isinstance(name, str):
            continue
        members = groups.get(name)
        if members is None:
            logger.info("MockPandium has no group %r (xti.%s): configure it with groups= or --group", name, key)
            continue
        selected = members if selected is None else selected & members

    def visible(item_id: str) -> bool:
        return item_id not in hidden and (selected is None or item_id in selected)

    limit = xti.get("allowed_installs")
    allowed = limit if isinstance(limit, int) and not isinstance(limit, bool) and limit >= 0 else None
    return MarketplaceView(
        integrations=tuple(item for item in integrations if visible(item.id)),
        external=tuple(item for item in external if visible(item.id)),
        installed=_ids(ti.get("ili")) or frozenset(),
        allowed_installs=allowed,
    )
