"""GET <prefix>/embed.js: the loader with this config's Pandium origins baked in, cacheable and small.
The route's tests take ``door``: they run through PandiumMiddleware (ASGI) and PandiumWSGIMiddleware (WSGI)."""

from __future__ import annotations

import gzip
import json
import re
import subprocess
from pathlib import Path
from typing import Any

import httpx
import httpx2
import pytest
from starlette.types import Receive, Scope, Send

from pandium_embed import PandiumConfig, PandiumMiddleware, PandiumUser
from pandium_embed.loader import CONFIG_PLACEHOLDER, PREWARM_FILE, browser_settings, loader_file, render_loader
from tests.support.asgi import sync_client
from tests.support.front_doors import FRONT_DOORS, FrontDoor
from tests.support.wsgi import sync_wsgi_client

SOURCE = Path(__file__).resolve().parents[2] / "js" / "dist" / "pandium-embed.js"
SECRET = "loader-route-test-secret-0123456789abcdef"
# The served loader's budget (gzip -9, production config baked in): never above 3,072 as features are
# added, and at most 2,800 for the features it had when it got its TypeScript source (test_loader_build.py).
GZIP_BUDGET = 3 * 1024
# The minified loader reads the placeholder in one statement: `try{k=__PANDIUM_EMBED_CONFIG__}catch{}`.
BAKED = re.compile(r"try\{[A-Za-z_$][\w$]*=(\{.*?\})\}catch\{\}")


async def downstream(scope: Scope, receive: Receive, send: Send) -> None:
    await send({"type": "http.response.start", "status": 418, "headers": []})
    await send({"type": "http.response.body", "body": b"downstream"})


def fetch(
    config: PandiumConfig,
    method: str,
    path: str,
    headers: dict[str, str] | None = None,
    root_path: str = "",
    door: FrontDoor = FRONT_DOORS[0],
) -> httpx.Response | httpx2.Response:
    if door.name == "asgi":
        app = PandiumMiddleware(downstream, config=config, identify=lambda request: PandiumUser("u"))
        return sync_client(app, root_path=root_path).request(method, path, headers=headers)
    wsgi_app = door.build(config=config, user=PandiumUser("u"))
    return sync_wsgi_client(wsgi_app, root_path=root_path).request(method, path, headers=headers)


def baked(body: str) -> Any:
    match = BAKED.search(body)
    assert match, "no baked config in the served loader"
    return json.loads(match.group(1))


SANDBOX = PandiumConfig("acme", SECRET)
PRODUCTION = PandiumConfig("acme", SECRET, "production", prefix="/integrations")


def test_serves_javascript_with_nosniff_and_a_strong_etag(door: FrontDoor) -> None:
    response = fetch(SANDBOX, "GET", "/pandium/embed.js", door=door)
    assert response.status_code == 200
    assert response.headers["content-type"] == "text/javascript; charset=utf-8"
    assert response.headers["x-content-type-options"] == "nosniff"
    assert response.headers["cache-control"] == "public, max-age=300"
    etag = response.headers["etag"]
    assert re.fullmatch(r'"[0-9a-f]{32}"', etag), "a strong ETag (no W/ prefix)"
    assert "set-cookie" not in response.headers


@pytest.mark.parametrize(
    ("config", "path", "origins"),
    [
        (SANDBOX, "/pandium/embed.js", ["https://imp.sandbox.pandium.com", "https://emp.sandbox.pandium.com"]),
        (
            PRODUCTION,
            "/integrations/embed.js",
            ["https://imp.pandium.io", "https://imp.pandium.com", "https://emp.pandium.com"],
        ),
        (
            PandiumConfig(
                "acme",
                SECRET,
                marketplace_base_url="http://localhost:8765/",
                install_base_url="http://LOCALHOST:8765/",
                connect_base_url="https://connect.example:443",
            ),
            "/pandium/embed.js",
            ["http://localhost:8765", "https://connect.example"],
        ),
    ],
)
def test_the_baked_origins_are_the_configs(
    door: FrontDoor, config: PandiumConfig, path: str, origins: list[str]
) -> None:
    response = fetch(config, "GET", path, door=door)
    assert response.status_code == 200
    assert CONFIG_PLACEHOLDER not in response.text
    assert baked(response.text) == {"origins": origins, "prefix": config.prefix}
    assert list(config.origins) == origins
    # Everything but the config is the built file, byte for byte: the development build unless the
    # config is production's.
    source = (SOURCE.parent / loader_file(development=config.environment != "production")).read_text(encoding="utf-8")
    assert response.text == source.replace(CONFIG_PLACEHOLDER, json.dumps(baked(response.text), separators=(",", ":")))


def test_if_none_match_answers_304_with_the_same_validators(door: FrontDoor) -> None:
    first = fetch(SANDBOX, "GET", "/pandium/embed.js", door=door)
    etag = first.headers["etag"]
    again = fetch(SANDBOX, "GET", "/pandium/embed.js", {"If-None-Match": etag}, door=door)
    listed = fetch(SANDBOX, "GET", "/pandium/embed.js", {"If-None-Match": f'"other", {etag}'}, door=door)
    stale = fetch(SANDBOX, "GET", "/pandium/embed.js", {"If-None-Match": '"0000"'}, door=door)
    for response in (again, listed):
        assert response.status_code == 304
        assert response.content == b""
        assert response.headers["etag"] == etag
        assert response.headers["cache-control"] == "public, max-age=300"
    assert stale.status_code == 200
    assert stale.content == first.content


def test_the_etag_changes_with_the_baked_config(door: FrontDoor) -> None:
    first = fetch(SANDBOX, "GET", "/pandium/embed.js", door=door)
    second = fetch(PRODUCTION, "GET", "/integrations/embed.js", door=door)
    assert first.headers["etag"] != second.headers["etag"]
    assert render_loader(SANDBOX)[1] == first.headers["etag"]


def test_head_has_the_headers_and_no_body(door: FrontDoor) -> None:
    get = fetch(SANDBOX, "GET", "/pandium/embed.js", door=door)
    head = fetch(SANDBOX, "HEAD", "/pandium/embed.js", door=door)
    assert head.status_code == 200
    assert head.content == b""
    for name in ("content-type", "etag", "cache-control", "x-content-type-options"):
        assert head.headers[name] == get.headers[name]


@pytest.mark.parametrize("method", ["POST", "PUT", "DELETE", "PATCH"])
def test_other_methods_are_405(door: FrontDoor, method: str) -> None:
    response = fetch(SANDBOX, method, "/pandium/embed.js", door=door)
    assert response.status_code == 405
    assert response.headers["allow"] == "GET, HEAD"
    assert "CONFIG" not in response.text


def test_served_under_a_root_path(door: FrontDoor) -> None:
    response = fetch(SANDBOX, "GET", "/app/pandium/embed.js", root_path="/app", door=door)
    assert response.status_code == 200
    # The baked prefix is where the routes are from the browser: under the mount.
    assert baked(response.text) == {"origins": list(SANDBOX.origins), "prefix": "/app/pandium"}
    top = fetch(SANDBOX, "GET", "/pandium/embed.js", door=door)
    assert baked(top.text)["prefix"] == "/pandium"
    # Two bodies, two ETags: a cache never hands one mount's copy to the other.
    assert response.headers["etag"] != top.headers["etag"]
    again = fetch(
        SANDBOX, "GET", "/app/pandium/embed.js", {"If-None-Match": top.headers["etag"]}, root_path="/app", door=door
    )
    assert again.status_code == 200
    # What a page that bundles the npm package renders for configure() is the same settings.
    assert json.loads(browser_settings(SANDBOX, root_path="/app")) == baked(response.text)


# The budget is the production build's (the development build's diagnostics are the bytes it saves).
SANDBOX_IN_PRODUCTION_BUILD = PandiumConfig("acme", SECRET, development_loader=False)


@pytest.mark.parametrize(
    ("config", "path"), [(SANDBOX_IN_PRODUCTION_BUILD, "/pandium/embed.js"), (PRODUCTION, "/integrations/embed.js")]
)
def test_the_served_loader_is_within_its_gzip_budget(door: FrontDoor, config: PandiumConfig, path: str) -> None:
    response = fetch(config, "GET", path, door=door)
    size = len(gzip.compress(response.content, compresslevel=9, mtime=0))
    assert size <= GZIP_BUDGET, f"the served loader is {size} bytes gzipped; the budget is {GZIP_BUDGET}"


def test_the_built_file_itself_is_within_the_gzip_budget() -> None:
    # Self-hosters copy js/dist/pandium-embed.js (the wheel's _static copy), not the served bytes.
    size = len(gzip.compress(SOURCE.read_bytes(), compresslevel=9, mtime=0))
    assert size <= GZIP_BUDGET, f"js/dist/pandium-embed.js is {size} bytes gzipped; the budget is {GZIP_BUDGET}"


def test_the_served_loader_is_valid_javascript_and_inert_without_a_dom(tmp_path: Path) -> None:
    body, _ = render_loader(PRODUCTION)
    script = tmp_path / "embed.js"
    script.write_bytes(body)
    subprocess.run(["node", "--check", str(script)], check=True, capture_output=True)
    # Run as-is in Node: no window, so it must do nothing and throw nothing.
    run = subprocess.run(["node", str(script)], capture_output=True, text=True, timeout=30)
    assert (run.returncode, run.stdout, run.stderr) == (0, "", "")


def test_the_built_file_has_the_placeholder_exactly_once() -> None:
    source = SOURCE.read_text(encoding="utf-8")
    assert source.count(CONFIG_PLACEHOLDER) == 1
    # Not served: the map is only in js/dist/ (and the wheel) for a host to add in devtools by hand.
    assert "sourceMappingURL" not in source
    # The contract the browser code keeps: no string-prefix origin checks, no markup, no eval.
    for forbidden in (
        "innerHTML",
        "outerHTML",
        "insertAdjacentHTML",
        "eval(",
        "new Function",
        "startsWith",
        "attachShadow",
        "<style",
    ):
        assert forbidden not in source, forbidden


ENV = {"PANDIUM_ORG": "acme", "PANDIUM_SHARED_SECRET": SECRET}


@pytest.mark.parametrize(
    ("config", "file"),
    [
        (SANDBOX, "pandium-embed.development.js"),
        (PRODUCTION, "pandium-embed.js"),
        (PandiumConfig("acme", SECRET, development_loader=False), "pandium-embed.js"),
        (PandiumConfig("acme", SECRET, "production", development_loader=True), "pandium-embed.development.js"),
        (
            PandiumConfig.from_env(
                {"PANDIUM_ORG": "acme", "PANDIUM_SHARED_SECRET": SECRET, "PANDIUM_DEVELOPMENT_LOADER": "0"}
            ),
            "pandium-embed.js",
        ),
    ],
)
def test_the_development_build_is_served_unless_the_config_is_production_or_says_otherwise(
    door: FrontDoor, config: PandiumConfig, file: str
) -> None:
    response = fetch(config, "GET", config.prefix + "/embed.js", door=door)
    source = (SOURCE.parent / file).read_text(encoding="utf-8")
    assert response.text == source.replace(CONFIG_PLACEHOLDER, json.dumps(baked(response.text), separators=(",", ":")))


def test_a_development_loader_setting_that_is_not_a_boolean_says_what_to_use() -> None:
    with pytest.raises(ValueError, match=r"development_loader \(PANDIUM_DEVELOPMENT_LOADER\) is 'maybe': use True"):
        PandiumConfig.from_env(
            {"PANDIUM_ORG": "acme", "PANDIUM_SHARED_SECRET": SECRET, "PANDIUM_DEVELOPMENT_LOADER": "maybe"}
        )


@pytest.mark.parametrize(
    ("config", "path"), [(SANDBOX, "/pandium/prewarm.js"), (PRODUCTION, "/integrations/prewarm.js")]
)
def test_the_opt_in_prewarm_script_is_baked_like_the_loader(door: FrontDoor, config: PandiumConfig, path: str) -> None:
    response = fetch(config, "GET", path, door=door)
    assert response.status_code == 200
    assert response.headers["content-type"] == "text/javascript; charset=utf-8"
    assert response.headers["x-content-type-options"] == "nosniff"
    assert baked(response.text) == {"origins": list(config.origins), "prefix": config.prefix}
    # The one build of js/src/prewarm-script.ts, whatever the environment: it has no diagnostics.
    source = (SOURCE.parent / PREWARM_FILE).read_text(encoding="utf-8")
    assert response.text == source.replace(CONFIG_PLACEHOLDER, json.dumps(baked(response.text), separators=(",", ":")))
    again = fetch(config, "GET", path, {"If-None-Match": response.headers["etag"]}, door=door)
    assert again.status_code == 304
    # Its own validator: a cache never answers one script's request with the other.
    assert response.headers["etag"] != fetch(config, "GET", path.replace("prewarm", "embed"), door=door).headers["etag"]


def test_the_prewarm_script_is_served_under_a_root_path(door: FrontDoor) -> None:
    response = fetch(SANDBOX, "GET", "/app/pandium/prewarm.js", root_path="/app", door=door)
    assert baked(response.text)["prefix"] == "/app/pandium"


def test_the_prewarm_script_is_small() -> None:
    # Kept out of embed.js to keep that within its budget; on its own it is a few hundred bytes.
    body, _ = render_loader(PRODUCTION, name=PREWARM_FILE)
    assert len(gzip.compress(body, compresslevel=9, mtime=0)) <= 1024
