"""js/dist/ is generated from js/src/: a fresh build (`node js/build.mjs <dir>`, what `make js` runs) gives
the committed files byte for byte, so js/src/ is the only place loader behaviour is written."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
DIST = ROOT / "js" / "dist"
NODE_MODULES = ROOT / "node_modules"


def files(directory: Path) -> dict[str, bytes]:
    return {
        path.relative_to(directory).as_posix(): path.read_bytes() for path in directory.rglob("*") if path.is_file()
    }


def test_js_dist_is_exactly_a_fresh_build_of_js_src(tmp_path: Path) -> None:
    assert (NODE_MODULES / "esbuild").is_dir(), "esbuild is not installed: run `make node_modules` (npm ci) first."
    build = subprocess.run(
        ["node", str(ROOT / "js" / "build.mjs"), str(tmp_path / "dist")],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert build.returncode == 0, build.stdout + build.stderr
    fresh, committed = files(tmp_path / "dist"), files(DIST)
    assert sorted(fresh) == sorted(committed), "js/dist/ has other files than a build makes: run `make js`"
    stale = [name for name in fresh if fresh[name] != committed[name]]
    assert stale == [], f"js/dist/ is not a build of js/src/ (stale: {stale}): run `make js` and commit js/dist/"
    expected = {
        "pandium-embed.js",
        "pandium-embed.js.map",
        "pandium-embed.mjs",
        "pandium-embed.mjs.map",
        "types/index.d.ts",
        "types/pandium-embed.d.ts",
        "types/types.d.ts",
    }
    assert expected <= set(fresh)


def test_the_source_maps_carry_the_readable_source() -> None:
    for name in ("pandium-embed.js.map", "pandium-embed.mjs.map"):
        source_map = json.loads((DIST / name).read_text(encoding="utf-8"))
        assert "../src/element.ts" in source_map["sources"]
        element = source_map["sourcesContent"][source_map["sources"].index("../src/element.ts")]
        assert element == (ROOT / "js" / "src" / "element.ts").read_text(encoding="utf-8")


def test_each_marked_feature_can_be_left_out_for_make_bench(tmp_path: Path) -> None:
    # make bench prices each `// @feature <name>` part by building without it: that build must still be
    # valid JavaScript, smaller, and free of the feature's code.
    full = (DIST / "pandium-embed.js").read_text(encoding="utf-8")
    for feature, gone in (("popup", "popup-blocked"), ("report", "report-failed")):
        out = tmp_path / feature
        build = subprocess.run(
            ["node", str(ROOT / "js" / "build.mjs"), str(out), "--without", feature],
            cwd=ROOT,
            capture_output=True,
            text=True,
            timeout=300,
        )
        assert build.returncode == 0, build.stdout + build.stderr
        without = (out / "pandium-embed.js").read_text(encoding="utf-8")
        subprocess.run(["node", "--check", str(out / "pandium-embed.js")], check=True, capture_output=True)
        assert gone in full and gone not in without
        assert len(without) < len(full)
