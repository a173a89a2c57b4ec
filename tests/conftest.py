"""Suite-wide guard: no log record and no span may carry a token, a ``tenant=`` URL, a shared secret or
a webhook path's secret.

Every log record emitted while a test runs (at any level, from any logger) and every OpenTelemetry
span ended meanwhile (its name, attributes, events and status, through a global SDK tracer provider
set up for the session) is checked when that test ends; a leak fails the test that caused it. Secrets
are learned from every PandiumConfig built during the suite, so the guard covers every test module,
whichever secret it uses.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Iterable, Iterator

import pytest
from opentelemetry import trace
from opentelemetry.sdk.trace import ReadableSpan, TracerProvider
from opentelemetry.sdk.trace.export import SimpleSpanProcessor
from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter

from pandium_embed import config as config_module
from pandium_embed.tokens import HEADER_JSON, _b64url

# Every token we mint starts with this segment, whatever its claims.
TOKEN_HEADER_SEGMENT = _b64url(HEADER_JSON).decode("ascii")
# A webhook path with anything but a placeholder after it carries the receiver's secret.
WEBHOOK_SECRET_PATH = re.compile(r"/webhooks/(?!<secret>|\{secret\})[^\s\"']")
_SECRETS: set[str] = set()
_SPANS = InMemorySpanExporter()


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


class _RecordEverything(logging.Handler):
    def __init__(self) -> None:
        super().__init__(level=logging.DEBUG)
        self.texts: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        text = record.getMessage()
        if record.exc_info:
            text += "\n" + logging.Formatter().formatException(record.exc_info)
        self.texts.append(text)


def pytest_configure(config: pytest.Config) -> None:
    original = config_module.PandiumConfig.__post_init__

    def remember_secret(self: config_module.PandiumConfig) -> None:
        secret = self.secret
        if isinstance(secret, bytes):
            secret = secret.decode("utf-8", "replace")
        if isinstance(secret, str) and len(secret) >= 8:
            _SECRETS.add(secret)
        original(self)

    config_module.PandiumConfig.__post_init__ = remember_secret  # type: ignore[method-assign]
    # Every span the middleware makes anywhere in the suite is exported here and checked per test.
    provider = TracerProvider()
    provider.add_span_processor(SimpleSpanProcessor(_SPANS))
    trace.set_tracer_provider(provider)


@pytest.fixture(autouse=True)
def no_secrets_in_logs() -> Iterator[None]:
    handler = _RecordEverything()
    _SPANS.clear()
    root = logging.getLogger()
    previous_level = root.level
    root.addHandler(handler)
    root.setLevel(logging.DEBUG)
    try:
        yield
    finally:
        root.removeHandler(handler)
        root.setLevel(previous_level)
    leaked = leaks_in(handler.texts, _SECRETS)
    assert not leaked, f"{len(leaked)} log record(s) carried a token, a tenant= URL or a secret"
    leaky_spans = [span.name for span in _SPANS.get_finished_spans() if leaks_in(span_texts(span), _SECRETS)]
    assert not leaky_spans, f"span(s) {leaky_spans} carried a token, a tenant= URL or a secret"
