"""``PandiumOptions``: what a front door is configured with, declared once for both doors.

``PandiumMiddleware`` (ASGI) and ``PandiumWSGIMiddleware`` (WSGI) take these as keyword arguments
(or one ``PandiumOptions`` built ahead), and ``routes.Routes`` builds its route table from them. An
option is a field here, with its type, its default and what it does; a hook is marked ``HOOK`` (the
doors call it with their own request object, and the WSGI door takes only plain functions). Each
door checks the options once, when it is built, and its messages name that door.
"""

from __future__ import annotations

import time
import uuid
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass, field, fields
from typing import Any, Generic, TypeAlias, TypeVar

from .audit import AuditRecord
from .config import PandiumConfig
from .reports import ConnectedTenant
from .stores import DeliveryStore, TicketStore, takes_owners
from .telemetry import Telemetry
from .tokens import PandiumUser
from .validate import is_positive_int
from .webhooks import WebhookEvent

__all__ = [
    "DEFAULT_MAX_BODY_SIZE",
    "ConnectorTokenHook",
    "IdentifyHook",
    "OnConnectedHook",
    "OnMintHook",
    "OnWebhookHook",
    "PandiumOptions",
    "UserForSubHook",
    "hook_names",
]

# The front door's own request object: a Starlette Request (ASGI) or a Werkzeug Request (WSGI).
RequestT = TypeVar("RequestT")

IdentifyHook: TypeAlias = Callable[[RequestT], "PandiumUser | Awaitable[PandiumUser | None] | None"]
ConnectorTokenHook: TypeAlias = Callable[[RequestT, PandiumUser, str], "str | Awaitable[str]"]
OnConnectedHook: TypeAlias = Callable[[RequestT, PandiumUser, ConnectedTenant], "Awaitable[None] | None"]
UserForSubHook: TypeAlias = Callable[[str], "PandiumUser | Awaitable[PandiumUser | None] | None"]
OnWebhookHook: TypeAlias = Callable[[RequestT, WebhookEvent], "Awaitable[None] | None"]
OnMintHook: TypeAlias = Callable[[RequestT, "PandiumUser | None", AuditRecord], "Awaitable[None] | None"]

DEFAULT_MAX_BODY_SIZE = 16 * 1024


def _hook(takes: str) -> dict[str, str]:
    """The metadata of a field that is a hook (a callable of the host app's): what it takes, for messages."""
    return {"hook": takes}


MISSING_CONNECTOR_TOKEN = (
    "{door}: config.connectors is set but connector_token is not. Pass "
    "connector_token=(request, user, connector) -> str returning a credential for your own API, "
    "which Pandium's Auth-Only page uses to connect the user."
)
BAD_HOOK = "{door} {name} must be a callable {takes}."
BAD_CONFIG = "{door} config must be a PandiumConfig (see PandiumConfig.from_env())."
BAD_BODY_LIMIT = "{door} max_body_size must be a positive integer number of bytes."
BAD_TICKET_STORE = "{door} ticket_store must have an async claim(ticket_id, expires_at) -> bool (a TicketStore)."
LAUNCH_OPTIONS_WITHOUT_SECRET = (
    "{door} user_for_sub is for launch links, and ticket_store for launch links and webhooks: "
    "pass launch_secret (or webhook_secret and on_webhook) too."
)
WEBHOOK_OPTIONS_TOGETHER = (
    "{door} webhook_secret and on_webhook go together: the secret in the URL you give Pandium, "
    "and on_webhook=(request, event) -> None to receive its notifications."
)
BAD_DELIVERY_STORE = (
    "{door} ticket_store must also have begin_delivery, finish_delivery and abandon_delivery "
    "(a DeliveryStore, as MemoryTicketStore and RedisTicketStore are) when webhooks are on."
)
DELIVERY_STORE_WITHOUT_OWNERS = (
    "{door} ticket_store's begin_delivery, finish_delivery and abandon_delivery must take "
    "owner=, the token of the attempt that claimed a delivery: only that owner may abandon its claim "
    "(see DeliveryStore)."
)
BAD_TELEMETRY = "{door} telemetry must be True (OpenTelemetry if installed), False, or a Telemetry."
BAD_OPTION = "{door} has no option {name!r}; the options are: {names}."
NOT_OPTIONS = "{door} takes its options as keyword arguments or one PandiumOptions, not both."


def _new_jti() -> str:
    return str(uuid.uuid4())


@dataclass(frozen=True, kw_only=True, slots=True)
class PandiumOptions(Generic[RequestT]):
    """The options of ``PandiumMiddleware`` and ``PandiumWSGIMiddleware`` (the same for both).

    ``identify(request)`` returns the signed-in ``PandiumUser`` or ``None`` (401).
    ``connector_token(request, user, connector)`` returns a credential for your own API, which the
    Auth-Only flow hands to Pandium; it is required when ``config.connectors`` is set.
    ``on_connected(request, user, event)`` turns on ``POST <prefix>/events``: the loader's
    ``<pandium-embed report>`` reports each ``pandium-success`` / ``pandium-save-sync`` there, and the
    hook receives it as an unverified ``ConnectedTenant`` (verify it before trusting it).
    ``launch_secret`` turns on launch links (``GET <prefix>/launch/<ticket>``, made by ``launch_url``):
    single use through ``ticket_store`` (default: in memory, one instance only; ``RedisTicketStore``
    for several), and ``user_for_sub(sub)`` builds the user for links made with ``alone=True``.
    ``webhook_secret`` (one, or a list while rotating) and ``on_webhook(request, event)`` turn on
    ``POST <prefix>/webhooks/<secret>`` for Pandium's notifications, each handled once through
    ``ticket_store``. ``on_mint(request, user, record)`` gets an audit record of every mint and of
    every refusal of a mint route. ``telemetry``: OpenTelemetry spans and counts (``True``: the global
    providers, if ``opentelemetry-api`` is installed; ``False``: none; or a ``Telemetry``).
    ``max_body_size`` bounds ``POST <prefix>/token``'s body; ``clock`` and ``new_jti`` are for tests.
    Hooks may be sync or async under ASGI (sync ones run in a thread), plain functions under WSGI.
    """

    config: PandiumConfig
    identify: IdentifyHook[RequestT] = field(metadata=_hook("taking the request and returning a PandiumUser or None"))
    connector_token: ConnectorTokenHook[RequestT] | None = field(
        default=None, metadata=_hook("taking (request, user, connector) and returning a credential string, or None")
    )
    on_connected: OnConnectedHook[RequestT] | None = field(
        default=None, metadata=_hook("taking (request, user, event) or None")
    )
    launch_secret: str | bytes | None = None
    ticket_store: TicketStore | None = None
    user_for_sub: UserForSubHook | None = field(
        default=None, metadata=_hook("taking a sub and returning a PandiumUser or None")
    )
    webhook_secret: str | Sequence[str] | None = None
    on_webhook: OnWebhookHook[RequestT] | None = field(default=None, metadata=_hook("taking (request, event) or None"))
    on_mint: OnMintHook[RequestT] | None = field(default=None, metadata=_hook("taking (request, user, record) or None"))
    telemetry: Telemetry | bool = True
    max_body_size: int = DEFAULT_MAX_BODY_SIZE
    clock: Callable[[], float] = time.time
    new_jti: Callable[[], str] = _new_jti

    @classmethod
    def of(cls, door: str, options: PandiumOptions[Any] | None, keywords: dict[str, Any]) -> PandiumOptions[Any]:
        """What a door was given, as checked options: ``options``, or built from ``keywords``."""
        if options is not None:
            if keywords or not isinstance(options, PandiumOptions):
                raise TypeError(NOT_OPTIONS.format(door=door))
        else:
            names = {item.name for item in fields(cls)}
            for name in keywords:
                if name not in names:
                    raise TypeError(BAD_OPTION.format(door=door, name=name, names=", ".join(sorted(names))))
            if "config" not in keywords or "identify" not in keywords:
                missing = "config" if "config" not in keywords else "identify"
                raise TypeError(f"{door} needs {missing}=: see PandiumOptions for what it takes.")
            options = cls(**keywords)
        options.check(door)
        return options

    def check(self, door: str) -> None:
        """Raise ``ValueError`` naming ``door`` and the option when a value cannot work."""
        if not isinstance(self.config, PandiumConfig):
            raise ValueError(BAD_CONFIG.format(door=door))
        for item in fields(self):
            takes = item.metadata.get("hook")
            value = getattr(self, item.name)
            if takes is not None and not callable(value) and (value is not None or item.name == "identify"):
                raise ValueError(BAD_HOOK.format(door=door, name=item.name, takes=takes))
        # config.connectors without connector_token is no exception: it comes from the environment
        # (PANDIUM_CONNECTORS), and an exception under Starlette's lazily built middleware stack makes every
        # route of the app a 500. routes.Routes logs MISSING_CONNECTOR_TOKEN when it is built and answers
        # 500 on its own routes only.
        store = self.ticket_store
        if store is not None and not callable(getattr(store, "claim", None)):
            raise ValueError(BAD_TICKET_STORE.format(door=door))
        if (self.webhook_secret is None) != (self.on_webhook is None):
            raise ValueError(WEBHOOK_OPTIONS_TOGETHER.format(door=door))
        if self.on_webhook is not None and store is not None and not isinstance(store, DeliveryStore):
            raise ValueError(BAD_DELIVERY_STORE.format(door=door))
        if self.on_webhook is not None and store is not None and not takes_owners(store):
            raise ValueError(DELIVERY_STORE_WITHOUT_OWNERS.format(door=door))
        launch_options = self.user_for_sub is not None or (store is not None and self.on_webhook is None)
        if self.launch_secret is None and launch_options:
            raise ValueError(LAUNCH_OPTIONS_WITHOUT_SECRET.format(door=door))
        if not isinstance(self.telemetry, (bool, Telemetry)):
            raise ValueError(BAD_TELEMETRY.format(door=door))
        if not is_positive_int(self.max_body_size):
            raise ValueError(BAD_BODY_LIMIT.format(door=door))


def hook_names() -> tuple[str, ...]:
    """The options that are hooks, in declaration order."""
    return tuple(item.name for item in fields(PandiumOptions) if item.metadata.get("hook"))
