"""Server-rendered HTML of the stand-in's pages.

The ``data-testid`` attributes are the supported surface for tests (``pandium_embed.testing`` and
``js/testing`` use nothing else); element ids, classes and texts may change with the look of the pages:

- ``pandium-page``, with ``data-page``: marketplace, install, auth, consent or error;
- ``signed-in-as``: the viewer's name;
- ``integration`` (a marketplace card, with ``data-integration-id``), its ``install`` button and
  ``installed`` badge; an external integration's card (``data-external``) has an ``open`` link to its
  URL when the token lists it as installed (``ti.ili``), a ``learn-more`` link otherwise;
- ``install-panel`` (with ``data-integration-id``), its ``save`` and ``cancel`` buttons;
- ``status``: what happened, with ``data-outcome``: saved, cancelled, refused (an install past the
  user's ``allowed_installs``), waiting, connected, denied or popup-blocked;
- ``connect`` (Auth-Only), ``approve`` and ``deny`` (the consent popup);
- ``refusal``, with ``data-reason``: a refused page's reason code.

Every value that comes from a token or from configuration goes through ``html.escape``; the data the
page script needs travels as JSON in a ``<script type="application/json">`` block, never as
string-built JavaScript. The one stylesheet and the one script are served from ``/__mock__/static``,
so the pages run under a CSP without ``'unsafe-inline'``.
"""

from __future__ import annotations

import html
import json
from collections.abc import Mapping, Sequence
from typing import Any

from .catalog import ExternalIntegration, Integration

__all__ = [
    "auth_page",
    "consent_page",
    "error_page",
    "install_page",
    "marketplace_page",
    "viewer_name",
]

STATIC_PREFIX = "/__mock__/static"
_LOGO_COLOURS = 6
# Where the page says what happened; mock.js also sets data-outcome (saved, cancelled, connected, ...).
# Served disabled: the page script enables them once their handlers are attached, so an early click
# (a browser test acting as soon as a button shows) waits for the script instead of being lost.
_BUTTON = '<button type="button" disabled data-until-script'
_STATUS_LINE = '<p id="status" data-testid="status" class="status" role="status"></p>'


def _h(value: object) -> str:
    return html.escape(str(value), quote=True)


def _json_block(data: Mapping[str, Any]) -> str:
    # Inside <script> the HTML parser ends the element at "</script" and treats "<!--" specially;
    # escaping <, > and & as JSON \u escapes keeps the JSON identical and the markup inert.
    text = json.dumps(data, separators=(",", ":"), ensure_ascii=False)
    text = text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")
    return f'<script type="application/json" id="pandium-mock-data">{text}</script>'


def _logo(name: str, index: int) -> str:
    initial = name.strip()[:1].upper() or "?"
    return f'<div class="logo logo-{index % _LOGO_COLOURS}" aria-hidden="true">{_h(initial)}</div>'


def viewer_name(claims: Mapping[str, Any]) -> str:
    """Who is signed in, as the page shows it: display name, else full name, else ``sub``."""
    ti = claims.get("ti") or {}
    for key in ("udn", "ufn"):
        value = ti.get(key)
        if isinstance(value, str) and value.strip():
            return value
    sub: str = claims["sub"]
    return sub


def _layout(*, title: str, main: str, data: Mapping[str, Any], header: str = "") -> str:
    return (
        "<!doctype html>\n"
        '<html lang="en"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        '<meta name="robots" content="noindex">'
        f"<title>{_h(title)}</title>"
        f'<link rel="stylesheet" href="{STATIC_PREFIX}/mock.css">'
        "</head><body>"
        f'<div id="pandium-root" data-testid="pandium-page" data-page="{_h(data["page"])}">'
        f"{header}<main>{main}</main></div>"
        f"{_json_block(data)}"
        f'<script src="{STATIC_PREFIX}/mock.js" defer></script>'
        "</body></html>\n"
    )


def _topbar(*, org: str, claims: Mapping[str, Any]) -> str:
    ti = claims.get("ti") or {}
    email = ti.get("uem")
    email_html = f' <span class="muted">{_h(email)}</span>' if isinstance(email, str) and email else ""
    return (
        '<header class="topbar">'
        f'<div class="brand"><span class="brand-mark" aria-hidden="true">P</span>'
        f'<span>{_h(org)} integrations</span><span class="tag">Mock</span></div>'
        f'<div class="user" id="signed-in">Signed in as <strong id="viewer" data-testid="signed-in-as">'
        f"{_h(viewer_name(claims))}</strong>{email_html}</div>"
        "</header>"
    )


def _install_panel(*, integration: Integration | None, hidden: bool) -> str:
    title = f"Install {integration.name}" if integration else "Install"
    hidden_attr = " hidden" if hidden else ""
    # Which integration the panel sets up (mock.js updates it on the marketplace).
    id_attr = f' data-integration-id="{_h(integration.id)}"' if integration else ""
    return (
        f'<section id="install-panel" data-testid="install-panel" class="panel" role="dialog"'
        f' aria-labelledby="install-title"{id_attr}{hidden_attr}>'
        f'<h2 id="install-title">{_h(title)}</h2>'
        '<p class="muted">Choose how often to sync, then save to create the connection.</p>'
        '<label for="schedule">Sync schedule'
        '<select id="schedule"><option>Every 30 minutes</option><option>Every hour</option>'
        "<option>Once a day</option></select></label>"
        '<div class="actions">'
        f'{_BUTTON} class="secondary" id="cancel" data-testid="cancel">Cancel</button>'
        f'{_BUTTON} class="primary" id="save" data-testid="save">Save</button>'
        "</div></section>"
    )


def _external_card(item: ExternalIntegration, index: int, *, installed: bool) -> str:
    iid = _h(item.id)
    link = (
        f'<a class="button primary" data-testid="open" href="{_h(item.url)}" target="_blank" rel="noopener noreferrer"'
        f' aria-label="Open {_h(item.name)}">Open</a>'
        if installed
        else f'<a class="button secondary" data-testid="learn-more" href="{_h(item.url)}" target="_blank"'
        f' rel="noopener noreferrer">Learn more</a>'
    )
    badge = '<span class="badge" data-testid="installed">Installed</span>' if installed else ""
    return (
        f'<article class="card" id="integration-{iid}" data-testid="integration" data-integration-id="{iid}"'
        f" data-external>{_logo(item.name, index)}<h2>{_h(item.name)}</h2><p>{_h(item.description)}</p>"
        f'<div class="actions">{badge}{link}</div></article>'
    )


def marketplace_page(
    *,
    org: str,
    claims: Mapping[str, Any],
    integrations: Sequence[Integration],
    installed: frozenset[str],
    data: Mapping[str, Any],
    external: Sequence[ExternalIntegration] = (),
) -> str:
    """The In-App Marketplace: one card per visible integration, an Install button or a badge; then the
    external integrations, installed ones with an "Open" link."""
    cards: list[str] = []
    for index, integration in enumerate(integrations):
        iid = _h(integration.id)
        is_installed = integration.id in installed
        cards.append(
            f'<article class="card" id="integration-{iid}" data-testid="integration" data-integration-id="{iid}">'
            f"{_logo(integration.name, index)}"
            f"<h2>{_h(integration.name)}</h2>"
            f"<p>{_h(integration.description)}</p>"
            '<div class="actions">'
            f'<span class="badge" id="installed-{iid}" data-testid="installed"{"" if is_installed else " hidden"}>'
            "Installed</span>"
            f'{_BUTTON} class="primary" id="install-{iid}" data-testid="install" data-install'
            f' data-integration-id="{iid}"'
            f' aria-label="Install {_h(integration.name)}"{" hidden" if is_installed else ""}>Install</button>'
            "</div></article>"
        )
    for index, item in enumerate(external, start=len(cards)):
        cards.append(_external_card(item, index, installed=item.id in installed))
    grid = (
        f'<section class="grid" aria-label="Integrations">{"".join(cards)}</section>'
        if cards
        else '<p class="empty" id="no-integrations">No integrations are available to you yet.</p>'
    )
    main = f"{_install_panel(integration=None, hidden=True)}{_STATUS_LINE}{grid}"
    return _layout(title=f"{org} integrations", header=_topbar(org=org, claims=claims), main=main, data=data)


def install_page(*, org: str, claims: Mapping[str, Any], integration: Integration, data: Mapping[str, Any]) -> str:
    """Install-only: the set-up panel of one integration, open straight away."""
    main = f"{_install_panel(integration=integration, hidden=False)}{_STATUS_LINE}"
    return _layout(title=f"Install {integration.name}", header=_topbar(org=org, claims=claims), main=main, data=data)


def auth_page(*, claims: Mapping[str, Any], system: str, integration_name: str, data: Mapping[str, Any]) -> str:
    """Auth-Only: one "Connect <system>" button that opens the consent popup."""
    main = (
        '<div class="narrow">'
        f"{_logo(system, 0)}"
        f"<h1>Connect {_h(system)}</h1>"
        f"<p>Connect your {_h(system)} account to <strong>{_h(integration_name)}</strong>, "
        f'signed in as <strong id="viewer" data-testid="signed-in-as">{_h(viewer_name(claims))}</strong>.</p>'
        f'<div class="actions">{_BUTTON} class="primary" id="connect" data-testid="connect">'
        f"Connect {_h(system)}</button></div>"
        f"{_STATUS_LINE}"
        "</div>"
    )
    return _layout(title=f"Connect {system}", main=main, data=data)


def consent_page(*, org: str, system: str, data: Mapping[str, Any]) -> str:
    """The popup standing in for the external system's OAuth consent screen."""
    main = (
        '<div class="narrow consent">'
        f"{_logo(system, 0)}"
        f"<h1>{_h(system)}</h1>"
        f"<p><strong>{_h(org)}</strong> (through Pandium) asks to access your {_h(system)} account.</p>"
        '<ul class="scopes"><li>Read your records</li><li>Create and update records</li>'
        "<li>Receive change notifications</li></ul>"
        '<div class="actions">'
        f'{_BUTTON} class="secondary" id="deny" data-testid="deny">Deny</button>'
        f'{_BUTTON} class="primary" id="approve" data-testid="approve">Approve</button>'
        "</div></div>"
    )
    return _layout(title=f"{system}: authorize", main=main, data=data)


def error_page(*, code: str, message: str, data: Mapping[str, Any]) -> str:
    """A refused page: the short reason code and its sentence, nothing from the request."""
    main = (
        f'<div class="narrow error" data-testid="refusal" data-reason="{_h(code)}">'
        "<h1>This page could not be opened</h1>"
        f'<p id="reason-message">{_h(message)}</p>'
        f'<p class="muted">Reason: <code id="reason">{_h(code)}</code></p>'
        "</div>"
    )
    return _layout(title="Pandium: refused", main=main, data=data)
