"""What the stand-in shows: integrations on the marketplace, external (legacy) integrations, and
connectors for Auth-Only pages."""

from __future__ import annotations

from dataclasses import KW_ONLY, dataclass

__all__ = ["DEFAULT_CONNECTORS", "DEFAULT_INTEGRATIONS", "Connector", "ExternalIntegration", "Integration"]


@dataclass(frozen=True, slots=True)
class Integration:
    """A tile on the marketplace; ``id`` is what ``ti.ili`` and ``xti.hidden_integrations`` name."""

    id: str
    name: str
    _: KW_ONLY
    description: str = ""


@dataclass(frozen=True, slots=True)
class ExternalIntegration:
    """An integration that lives outside Pandium, configured on Pandium with the URL it opens.

    A user whose token lists its ``id`` in ``ti.ili`` (``PandiumUser.installed_integrations``) sees its
    tile as installed, with an "Open" link to ``url``; others see a "Learn more" link to it.
    """

    id: str
    name: str
    url: str
    _: KW_ONLY
    description: str = ""


@dataclass(frozen=True, slots=True)
class Connector:
    """An external system behind ``/<org>/<name>/auth``: the page offers "Connect <system>".

    ``integration_id`` is the integration reported in the ``pandium-success`` tenant.
    """

    name: str
    system: str
    _: KW_ONLY
    integration_id: str = "1"


DEFAULT_INTEGRATIONS: tuple[Integration, ...] = (
    Integration("1", "HubSpot", description="Sync contacts and deals both ways."),
    Integration("2", "Salesforce", description="Keep accounts and opportunities in step."),
    Integration("3", "NetSuite", description="Send invoices and payments to your ledger."),
    Integration("4", "Shopify", description="Import orders and customers as they arrive."),
)

DEFAULT_CONNECTORS: tuple[Connector, ...] = (Connector("hubspot", "HubSpot", integration_id="1"),)
