"""The browser loader (built from js/src/ into js/dist/pandium-embed.js), with a config's Pandium origins baked in."""

from __future__ import annotations

import hashlib
import json
from importlib import resources
from pathlib import Path

from .config import PandiumConfig

__all__ = ["CONFIG_PLACEHOLDER", "browser_settings", "loader_source", "render_loader"]

# The identifier in the built loader that the middleware replaces with the config's JSON (see
# js/src/pandium-embed.ts); everything else is served exactly as built.
CONFIG_PLACEHOLDER = "__PANDIUM_EMBED_CONFIG__"
_RESOURCE = "_static/pandium-embed.js"


def loader_source() -> str:
    """The loader as built: from the installed wheel, or from js/dist/ in a source checkout."""
    packaged = resources.files("pandium_embed").joinpath(_RESOURCE)
    if packaged.is_file():
        return packaged.read_text(encoding="utf-8")
    # Editable installs and plain checkouts have no copy inside the package; js/dist/ is the build.
    in_tree = Path(__file__).resolve().parent.parent / "js" / "dist" / "pandium-embed.js"
    return in_tree.read_text(encoding="utf-8")


def browser_settings(config: PandiumConfig, root_path: str = "") -> str:
    """What the browser needs of ``config``, as JSON: ``{"origins": [...], "prefix": "..."}``. Baked into
    the served loader; a page that bundles the npm package renders it and passes it to ``configure()``.
    An app mounted under a sub-path passes it (ASGI's ``scope["root_path"]``, e.g. ``"/app"``): the
    browser's routes are then ``/app/pandium/...``."""
    return json.dumps({"origins": list(config.origins), "prefix": root_path + config.prefix}, separators=(",", ":"))


def render_loader(config: PandiumConfig, *, root_path: str = "") -> tuple[bytes, str]:
    """The loader for ``config`` served under ``root_path``, and its strong ETag."""
    source = loader_source()
    if source.count(CONFIG_PLACEHOLDER) != 1:
        raise RuntimeError(f"pandium-embed.js has lost its {CONFIG_PLACEHOLDER} placeholder; reinstall pandium-embed.")
    body = source.replace(CONFIG_PLACEHOLDER, browser_settings(config, root_path), 1).encode("utf-8")
    etag = '"' + hashlib.sha256(body).hexdigest()[:32] + '"'
    return body, etag
