"""The flow vocabulary: which of Pandium's hosted flows exist, what target each takes, how a target is
checked, and which URL each goes to. The middleware's routes, ``POST <prefix>/token``, launch links
and the CLI all read it from here."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from types import MappingProxyType
from typing import Any, Literal, TypeGuard
from urllib.parse import quote

from .config import PandiumConfig
from .validate import segment_id

__all__ = ["FLOWS", "Flow", "FlowSpec", "TargetRefused", "check_target", "flow_url", "is_flow"]

BAD_SEGMENT = "{name} must be a non-empty string other than '.' or '..' (got {what})."
URL_TOO_LONG = (
    "The {flow} URL would be {size} bytes, over max_url_length={limit}: browsers and proxies "
    "truncate or refuse long URLs. Shrink the user's claims (meta, extra, installed_integrations) "
    "or raise PandiumConfig.max_url_length."
)

Flow = Literal["marketplace", "install", "connect"]
TargetField = Literal["integration_id", "connector"]


@dataclass(frozen=True, slots=True)
class FlowSpec:
    """One hosted flow. ``path`` is below the flow's base URL (``config.hosts.<name>``), with
    ``{org}`` and ``{target}`` (the integration id or connector name, named by ``target``) to fill in."""

    name: Flow
    title: str
    target: TargetField | None
    path: str


FLOWS: Mapping[Flow, FlowSpec] = MappingProxyType(
    {
        "marketplace": FlowSpec("marketplace", "In-App Marketplace", None, "/{org}"),
        "install": FlowSpec("install", "Install-only", "integration_id", "/{org}/tenants/create/{target}"),
        "connect": FlowSpec("connect", "Auth-Only", "connector", "/{org}/{target}/auth"),
    }
)


class TargetRefused(ValueError):
    """A flow's target is missing or not acceptable; ``reason`` names the field: ``"flow"``,
    ``"integration_id"`` or ``"connector"`` (each caller words its own message)."""

    def __init__(self, reason: Literal["flow"] | TargetField) -> None:
        super().__init__(reason)
        self.reason = reason


def is_flow(value: Any) -> TypeGuard[Flow]:
    """One of the flow names (case matters: "Marketplace" is not one)."""
    return isinstance(value, str) and value in FLOWS


def check_target(config: PandiumConfig, flow: Any, target: Any) -> tuple[Flow, str | None]:
    """``(flow, target)`` once both are fit for a redirect: an integration id is one plain segment (an
    integer of 0 or more is taken as its digits), a connector one of ``config.connectors``; the marketplace takes
    none (a target given to it is ignored). Raises :class:`TargetRefused` otherwise."""
    if not is_flow(flow):
        raise TargetRefused("flow")
    if flow == "install":
        integration_id = segment_id(target)
        if integration_id is None:
            raise TargetRefused("integration_id")
        return flow, integration_id
    if flow == "connect":
        if not isinstance(target, str) or target not in config.connectors:
            raise TargetRefused("connector")
        return flow, target
    return flow, None


def flow_url(config: PandiumConfig, flow: Flow, target: str | int | None, token: str) -> str:
    """``<base of the flow>/<its path>?tenant=<token>``. Every name in the path is percent-encoded
    whole, so it stays one segment; refused (``ValueError``) when missing, ``.`` or ``..``."""
    spec = FLOWS[flow]
    values = {"org": _segment("org", config.org)}
    if spec.target is not None:
        values["target"] = _segment(spec.target, target)
    url = f"{getattr(config.hosts, flow)}{spec.path.format(**values)}?tenant={token}"
    if len(url) > config.max_url_length:
        raise ValueError(URL_TOO_LONG.format(flow=flow, size=len(url), limit=config.max_url_length))
    return url


def _segment(name: str, value: object) -> str:
    # Percent-encode everything, '/' included, so a value can never add a path segment;
    # '.' and '..' survive encoding and would be resolved by the browser, so refuse them.
    if isinstance(value, int) and not isinstance(value, bool):
        value = str(value)
    if not isinstance(value, str) or value in {"", ".", ".."}:
        what = repr(value) if isinstance(value, str) else f"a {type(value).__name__}"
        raise ValueError(BAD_SEGMENT.format(name=name, what=what))
    return quote(value, safe="")
