"""The suite-wide log guard (tests/conftest.py) must recognise every kind of leak it exists to catch."""

from __future__ import annotations

import logging

import pytest
from opentelemetry import trace

from pandium_embed import PandiumConfig, PandiumUser, mint_token
from tests.support.log_guard import SPANS, WATCHED_SECRETS, leaks_in, span_texts

SECRET = "log-guard-secret-0123456789abcdefghij"


def test_tokens_tenant_urls_and_secrets_are_recognised_as_leaks() -> None:
    token = mint_token(PandiumConfig("acme", SECRET), PandiumUser("u"))
    texts = [
        f"minted {token}",
        "redirect to https://imp.test/acme?tenant=abc",
        f"key={SECRET}",
        "POST /pandium/webhooks/s3cr3t-value failed",
        "all fine",
        "POST /pandium/webhooks/<secret> failed",
        "pandium_embed POST /webhooks/{secret}",
    ]
    assert leaks_in(texts, [SECRET]) == texts[:4]


def test_the_guard_reads_every_span_the_suite_ends() -> None:
    with trace.get_tracer("log-guard-test").start_as_current_span("GET /pandium/launch/ticket-xyz") as span:
        span.set_attribute("url.full", "https://imp.test/acme?tenant=abc")
        span.add_event("minted", {"note": f"key={SECRET}"})
    finished = [span for span in SPANS.get_finished_spans() if span.name.startswith("GET /pandium/launch/")]
    assert len(leaks_in(span_texts(finished[-1]), [SECRET])) == 2
    SPANS.clear()  # a made-up leak: keep it from failing this test


def test_every_config_secret_built_during_the_suite_is_watched() -> None:
    PandiumConfig("acme", SECRET)
    assert SECRET in WATCHED_SECRETS


def test_the_guard_sees_records_from_any_logger_at_any_level(caplog: pytest.LogCaptureFixture) -> None:
    # The autouse guard lowers the root level to DEBUG for the test, so nothing can slip under it.
    assert logging.getLogger().getEffectiveLevel() == logging.DEBUG
    assert logging.getLogger("pandium_embed").isEnabledFor(logging.DEBUG)
