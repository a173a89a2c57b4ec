"""What the suite-wide log guard (tests/conftest.py) looks for: a token, a ``tenant=`` URL, a secret,
or a webhook path with its secret, in any log record and in any span the middleware ends.

Secrets are learned from every PandiumConfig built while the suite runs, so the guard covers every
test module, whichever secret it uses. Spans reach the guard through a global OpenTelemetry SDK
tracer provider set up for the session (``record_spans``).
"""

from __future__ import annotations

import base64
import logging
import re
from collections.abc import Iterable

import pytest
from opentelemetry import trace
from opentelemetry.sdk.trace import ReadableSpan, TracerProvider
from opentelemetry.sdk.trace.export import SimpleSpanProcessor
from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter

from pandium_embed import PandiumConfig
from pandium_embed.tokens import HEADER_JSON

# Every token we mint starts with this segment, whatever its claims.
TOKEN_HEADER_SEGMENT = base64.urlsafe_b64encode(HEADER_JSON).rstrip(b"=").decode("ascii")
# A webhook path with anything but a placeholder after it carries the receiver's secret.
WEBHOOK_SECRET_PATH = re.compile(r"/webhooks/(?!<secret>|\{secret\})[^\s\"']")
WATCHED_SECRETS: set[str] = set()
# Every span ended anywhere in the suite (see record_spans).
SPANS = InMemorySpanExporter()
# Shorter values would match ordinary words in log lines.
_SHORTEST_WATCHED_SECRET = 8


def leaks_in(texts: Iterable[str], secrets: Iterable[str]) -> list[str]:
    """The texts that hold a token, a tenant= URL, a webhook secret in a path or one of the secrets."""
    needles = [TOKEN_HEADER_SEGMENT, "tenant=", *secrets]
    return [text for text in texts if any(needle in text for needle in needles) or WEBHOOK_SECRET_PATH.search(text)]


def span_texts(span: ReadableSpan) -> list[str]:
    """Everything a span exports as text: its name, attribute values, events and status."""
    texts = [span.name, span.status.description or ""]
    texts += [f"{key}={value!r}" for key, value in (span.attributes or {}).items()]
    for event in span.events:
        texts.append(event.name)
        texts += [f"{key}={value!r}" for key, value in (event.attributes or {}).items()]
    return texts


def record_spans() -> None:
    """Send every span of the session to ``SPANS``: OpenTelemetry's global tracer provider is set once
    per process, so this is for the whole session."""
    provider = TracerProvider()
    provider.add_span_processor(SimpleSpanProcessor(SPANS))
    trace.set_tracer_provider(provider)


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
