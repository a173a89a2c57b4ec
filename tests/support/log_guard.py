"""What the suite-wide log guard (tests/conftest.py) looks for: a token, a ``tenant=`` URL or a secret.

Secrets are learned from every PandiumConfig built while the suite runs, so the guard covers every
test module, whichever secret it uses.
"""

from __future__ import annotations

import base64
import logging
from collections.abc import Iterable

import pytest

from pandium_embed import PandiumConfig
from pandium_embed.tokens import HEADER_JSON

# Every token we mint starts with this segment, whatever its claims.
TOKEN_HEADER_SEGMENT = base64.urlsafe_b64encode(HEADER_JSON).rstrip(b"=").decode("ascii")
WATCHED_SECRETS: set[str] = set()
# Shorter values would match ordinary words in log lines.
_SHORTEST_WATCHED_SECRET = 8


def leaks_in(texts: Iterable[str], secrets: Iterable[str]) -> list[str]:
    """The texts that hold a token, a tenant= URL or one of the secrets."""
    needles = [TOKEN_HEADER_SEGMENT, "tenant=", *secrets]
    return [text for text in texts if any(needle in text for needle in needles)]


def watch_config_secrets(monkeypatch: pytest.MonkeyPatch) -> None:
    """Remember the secret of every PandiumConfig built until ``monkeypatch`` is undone."""
    original = PandiumConfig.__post_init__

    def remember_secret(self: PandiumConfig) -> None:
        secret = self.secret
        if isinstance(secret, bytes):
            secret = secret.decode("utf-8", "replace")
        if isinstance(secret, str) and len(secret) >= _SHORTEST_WATCHED_SECRET:
            WATCHED_SECRETS.add(secret)
        original(self)

    monkeypatch.setattr(PandiumConfig, "__post_init__", remember_secret)


class RecordEverything(logging.Handler):
    """Every record's message (and traceback), at any level."""

    def __init__(self) -> None:
        super().__init__(level=logging.DEBUG)
        self.texts: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        text = record.getMessage()
        if record.exc_info:
            text += "\n" + logging.Formatter().formatException(record.exc_info)
        self.texts.append(text)
