"""The browser loader (built from js/src/ into js/dist/pandium-embed.js, and its development build
js/dist/pandium-embed.development.js), with a config's Pandium origins baked in."""

from __future__ import annotations

import hashlib
import json
from importlib import resources
from pathlib import Path

from .config import PandiumConfig

__all__ = ["CONFIG_PLACEHOLDER", "PREWARM_FILE", "browser_settings", "loader_file", "loader_source", "render_loader"]

# The identifier in the built loader that the middleware replaces with the config's JSON (see
# js/src/pandium-embed.ts); everything else is served exactly as built.
CONFIG_PLACEHOLDER = "__PANDIUM_EMBED_CONFIG__"


# The opt-in script served at <prefix>/prewarm.js (js/src/prewarm-script.ts): kept out of embed.js, whose
# size is budgeted. One build: it has no diagnostics to say.
PREWARM_FILE = "pandium-prewarm.js"


def loader_file(*, development: bool = False) -> str:
    """The built file's name: the production build, or the development build that says why it drops a
    message, why a frame is silent or shows the wrong page (on the console and as ``pandium:diagnostic``)."""
    return "pandium-embed.development.js" if development else "pandium-embed.js"


def loader_source(*, development: bool = False, name: str | None = None) -> str:
    """The loader as built (or the built file ``name``, such as :data:`PREWARM_FILE`): from the installed
    wheel, or from js/dist/ in a source checkout."""
    name = name or loader_file(development=development)
    packaged = resources.files("pandium_embed").joinpath("_static", name)
    if packaged.is_file():
        return packaged.read_text(encoding="utf-8")
    # Editable installs and plain checkouts have no copy inside the package; js/dist/ is the build.
    in_tree = Path(__file__).resolve().parent.parent / "js" / "dist" / name
    return in_tree.read_text(encoding="utf-8")


def browser_settings(config: PandiumConfig, root_path: str = "") -> str:
    """What the browser needs of ``config``, as JSON: ``{"origins": [...], "prefix": "..."}``. Baked into
    the served loader; a page that bundles the npm package renders it and passes it to ``configure()``.
    An app mounted under a sub-path passes it (ASGI's ``scope["root_path"]``, e.g. ``"/app"``): the
    browser's routes are then ``/app/pandium/...``."""
    return json.dumps({"origins": list(config.origins), "prefix": root_path + config.prefix}, separators=(",", ":"))


def render_loader(
    config: PandiumConfig, *, root_path: str = "", development: bool | None = None, name: str | None = None
) -> tuple[bytes, str]:
    """The loader for ``config`` served under ``root_path``, and its strong ETag: the development build
    when ``development`` says so, or by default when ``config.development_loader`` does. ``name``: another
    built script with the same placeholder, baked the same way (:data:`PREWARM_FILE`)."""
    if development is None:
        development = bool(config.development_loader)  # resolved by PandiumConfig: never None there
    source = loader_source(development=development, name=name)
    if source.count(CONFIG_PLACEHOLDER) != 1:
        file = name or "pandium-embed.js"
        raise RuntimeError(f"{file} has lost its {CONFIG_PLACEHOLDER} placeholder; reinstall pandium-embed.")
    body = source.replace(CONFIG_PLACEHOLDER, browser_settings(config, root_path), 1).encode("utf-8")
    etag = '"' + hashlib.sha256(body).hexdigest()[:32] + '"'
    return body, etag
