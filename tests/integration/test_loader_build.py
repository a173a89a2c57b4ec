"""js/dist/ is generated from js/src/: a fresh build (`node js/build.mjs <dir>`, what `make js` runs) gives
the committed files byte for byte, so js/src/ is the only place loader behaviour is written."""

from __future__ import annotations

import gzip
import json
import subprocess
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
DIST = ROOT / "js" / "dist"
NODE_MODULES = ROOT / "node_modules"


def build(out: Path, *options: str) -> None:
    """`node js/build.mjs <out> [options]`: what `make js` runs, written elsewhere."""
    done = subprocess.run(
        ["node", str(ROOT / "js" / "build.mjs"), str(out), *options],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stdout + done.stderr


def files(directory: Path) -> dict[str, bytes]:
    return {
        path.relative_to(directory).as_posix(): path.read_bytes() for path in directory.rglob("*") if path.is_file()
    }


def test_js_dist_is_exactly_a_fresh_build_of_js_src(tmp_path: Path) -> None:
    assert (NODE_MODULES / "esbuild").is_dir(), "esbuild is not installed: run `make node_modules` (npm ci) first."
    build(tmp_path / "dist")
    fresh, committed = files(tmp_path / "dist"), files(DIST)
    assert sorted(fresh) == sorted(committed), "js/dist/ has other files than a build makes: run `make js`"
    stale = [name for name in fresh if fresh[name] != committed[name]]
    assert stale == [], f"js/dist/ is not a build of js/src/ (stale: {stale}): run `make js` and commit js/dist/"
    expected = {
        "pandium-embed.js",
        "pandium-embed.js.map",
        "pandium-embed.mjs",
        "pandium-embed.mjs.map",
        "react.mjs",
        "react.mjs.map",
        "types/index.d.ts",
        "types/react.d.ts",
        "types/pandium-embed.d.ts",
        "types/types.d.ts",
        "testing.mjs",
        "testing.mjs.map",
        "types/testing/index.d.ts",
    }
    assert expected <= set(fresh)


def test_the_source_maps_carry_the_readable_source() -> None:
    for name, source in (
        ("pandium-embed.js.map", "src/element.ts"),
        ("pandium-embed.mjs.map", "src/element.ts"),
        ("react.mjs.map", "src/react.ts"),
        ("testing.mjs.map", "testing/index.ts"),
    ):
        source_map = json.loads((DIST / name).read_text(encoding="utf-8"))
        assert f"../{source}" in source_map["sources"], name
        text = source_map["sourcesContent"][source_map["sources"].index(f"../{source}")]
        assert text == (ROOT / "js" / source).read_text(encoding="utf-8")


def test_each_marked_feature_can_be_left_out_for_make_bench(tmp_path: Path) -> None:
    # make bench prices each `// @feature <name>` part by building without it: that build must still be
    # valid JavaScript, smaller, and free of the feature's code.
    full = (DIST / "pandium-embed.js").read_text(encoding="utf-8")
    for feature, gone in (
        ("popup", "popup-blocked"),
        ("report", "report-failed"),
        ("expect-message", "no-message"),
        ("hints", "no Pandium origin"),
    ):
        out = tmp_path / feature
        build(out, "--without", feature)
        without = (out / "pandium-embed.js").read_text(encoding="utf-8")
        subprocess.run(["node", "--check", str(out / "pandium-embed.js")], check=True, capture_output=True)
        assert gone in full and gone not in without
        assert len(without) < len(full)


# Features added after the loader got its TypeScript source (issue 17; "hints": console warnings that
# name the fix, issue 15): the rest must stay within the 2,800 bytes the readable rewrite came to, so new
# features are paid for by themselves.
LATER_FEATURES = ("expect-message", "hints")
BASE_BUDGET = 2_800


def test_the_loader_without_later_features_stays_within_2800_bytes(tmp_path: Path) -> None:
    from pandium_embed import PandiumConfig
    from pandium_embed.loader import CONFIG_PLACEHOLDER, browser_settings

    out = tmp_path / "base"
    build(out, "--without", ",".join(LATER_FEATURES))
    production = PandiumConfig(
        "acme", "loader-build-test-secret-0123456789abcdef", "production", prefix="/integrations"
    )
    source = (out / "pandium-embed.js").read_text(encoding="utf-8")
    # Baked as the middleware bakes the shipped build (render_loader): the settings in the placeholder.
    body = source.replace(CONFIG_PLACEHOLDER, browser_settings(production), 1).encode("utf-8")
    size = len(gzip.compress(body, compresslevel=9, mtime=0))
    assert size <= BASE_BUDGET, f"without {LATER_FEATURES} the served loader is {size} B gzipped; budget {BASE_BUDGET}"
