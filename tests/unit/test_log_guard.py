"""The suite-wide log guard (tests/conftest.py) must recognise every kind of leak it exists to catch."""

from __future__ import annotations

import logging

import pytest

from pandium_embed import PandiumConfig, PandiumUser, mint_token
from tests.support.log_guard import WATCHED_SECRETS, leaks_in

SECRET = "log-guard-secret-0123456789abcdefghij"


def test_tokens_tenant_urls_and_secrets_are_recognised_as_leaks() -> None:
    token = mint_token(PandiumConfig("acme", SECRET), PandiumUser("u"))
    texts = [f"minted {token}", "redirect to https://imp.test/acme?tenant=abc", f"key={SECRET}", "all fine"]
    assert leaks_in(texts, [SECRET]) == texts[:3]


def test_every_config_secret_built_during_the_suite_is_watched() -> None:
    PandiumConfig("acme", SECRET)
    assert SECRET in WATCHED_SECRETS


def test_the_guard_sees_records_from_any_logger_at_any_level(caplog: pytest.LogCaptureFixture) -> None:
    # The autouse guard lowers the root level to DEBUG for the test, so nothing can slip under it.
    assert logging.getLogger().getEffectiveLevel() == logging.DEBUG
    assert logging.getLogger("pandium_embed").isEnabledFor(logging.DEBUG)
