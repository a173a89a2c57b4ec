"""Time to first event: ``<pandium-embed>`` inserted -> ``pandium:load``, against a hand-written iframe.

Needs the real loader (js/pandium-embed.js) and the Pandium stand-in (``pandium_embed.mock.MockPandium``);
until both exist the figure is reported as not measured, with the reason.
"""

from __future__ import annotations

from dataclasses import dataclass

from pandium_embed.loader import loader_source

from .harness import Spread


@dataclass(frozen=True)
class FirstEventFigures:
    embed_ms: Spread
    iframe_ms: Spread
    ratio: Spread


class NotMeasured(Exception):
    """The figure cannot be measured here; the message says why."""


def readiness() -> str | None:
    """Why the figure cannot be measured yet, or None when it can."""
    import importlib

    if not hasattr(importlib.import_module("pandium_embed.mock"), "MockPandium"):
        return "pandium_embed.mock.MockPandium does not exist yet (the stand-in is being built)"
    if "customElements" not in loader_source():
        return "js/pandium-embed.js is still a placeholder (no custom element defined)"
    return None


def measure(*, rounds: int = 15) -> FirstEventFigures:
    reason = readiness()
    if reason is not None:
        raise NotMeasured(reason)
    raise NotMeasured("the browser measurement is not written yet")
