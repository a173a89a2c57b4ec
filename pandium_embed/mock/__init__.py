"""MockPandium: a local stand-in for Pandium's hosted pages, with a pytest fixture and a CLI."""

from .app import PAGE_REASONS, RESERVED_PREFIX, MockPandium
from .catalog import DEFAULT_CONNECTORS, DEFAULT_INTEGRATIONS, Connector, ExternalIntegration, Integration
from .records import AcceptedToken, RejectedToken
from .scenarios import Scenario, ScenarioError
from .verify import REASONS, JtiMemory, TokenRejected, verify_token

__all__ = [
    "DEFAULT_CONNECTORS",
    "DEFAULT_INTEGRATIONS",
    "PAGE_REASONS",
    "REASONS",
    "RESERVED_PREFIX",
    "AcceptedToken",
    "Connector",
    "ExternalIntegration",
    "Integration",
    "JtiMemory",
    "MockPandium",
    "RejectedToken",
    "Scenario",
    "ScenarioError",
    "TokenRejected",
    "verify_token",
]
