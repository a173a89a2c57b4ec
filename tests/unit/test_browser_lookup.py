from __future__ import annotations

from pathlib import Path

import pytest

from pandium_embed.testing import chromium


def test_the_environment_variable_wins(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    mine = tmp_path / "my-chrome"
    mine.write_text("#!/bin/sh\n")
    monkeypatch.setenv("PANDIUM_EMBED_CHROMIUM", str(mine))
    assert chromium.chromium_path() == str(mine)


def test_without_the_variable_debians_chromium_is_next(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("PANDIUM_EMBED_CHROMIUM", raising=False)
    checked: list[str] = []

    def is_file(path: Path) -> bool:
        checked.append(str(path))
        return str(path) == "/usr/bin/chromium"

    monkeypatch.setattr(Path, "is_file", is_file)
    assert chromium.chromium_path() == "/usr/bin/chromium"
    assert checked[0] == "/usr/bin/chromium"


def test_no_chromium_anywhere_says_how_to_get_one(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PANDIUM_EMBED_CHROMIUM", "/nonexistent/chrome")
    monkeypatch.setattr(Path, "is_file", lambda path: False)
    with pytest.raises(RuntimeError) as caught:
        chromium.chromium_path()
    assert str(caught.value) == chromium.NO_CHROMIUM
    assert "PANDIUM_EMBED_CHROMIUM" in str(caught.value)
