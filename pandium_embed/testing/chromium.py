"""Finding and launching a Chromium for browser tests on machines where Playwright cannot download its own browser."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

__all__ = ["CHROMIUM_ARGS", "chromium_path"]

# Without the networking flags Chromium keeps dialling Google's hosts, which a closed network refuses.
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-gpu",
    "--no-first-run",
]

NO_CHROMIUM = (
    "No Chromium found for the browser tests: install Debian's chromium (make test does, as root) "
    "or set PANDIUM_EMBED_CHROMIUM to a Chromium executable."
)


def chromium_path() -> str:
    """$PANDIUM_EMBED_CHROMIUM, else /usr/bin/chromium, else whatever `chromium` is on PATH."""
    candidates = [os.environ.get("PANDIUM_EMBED_CHROMIUM"), "/usr/bin/chromium", shutil.which("chromium")]
    for candidate in candidates:
        if candidate and Path(candidate).is_file():
            return candidate
    raise RuntimeError(NO_CHROMIUM)
