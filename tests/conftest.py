"""Suite-wide guard: no log record may carry a token, a ``tenant=`` URL or a shared secret.

Every log record emitted while a test runs (at any level, from any logger) is checked when that test
ends; a leak fails the test that caused it. Secrets are learned from every PandiumConfig built during
the suite, so the guard covers every test module, whichever secret it uses.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Iterator
from pathlib import Path

import pytest

from pandium_embed import config as config_module
from pandium_embed.tokens import HEADER_JSON, _b64url

# Every token we mint starts with this segment, whatever its claims.
TOKEN_HEADER_SEGMENT = _b64url(HEADER_JSON).decode("ascii")
_SECRETS: set[str] = set()


def leaks_in(texts: Iterable[str], secrets: Iterable[str]) -> list[str]:
    """The texts that hold a token, a tenant= URL or one of the secrets."""
    needles = [TOKEN_HEADER_SEGMENT, "tenant=", *secrets]
    return [text for text in texts if any(needle in text for needle in needles)]


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


@pytest.fixture(autouse=True)
def no_secrets_in_logs() -> Iterator[None]:
    handler = _RecordEverything()
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


@pytest.fixture(scope="session")
def npm_project(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A scratch project with the packed npm package (js/) and React installed offline (tests/npm_support.py)."""
    from tests.npm_support import scratch_project

    return scratch_project(tmp_path_factory.mktemp("npm"))
