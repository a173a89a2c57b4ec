"""js/dist/ is generated from js/src/: a fresh build (`node js/build.mjs <dir>`, what `make js` runs) gives
the committed files byte for byte, so js/src/ is the only place loader behaviour is written."""

from __future__ import annotations

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
        "pandium-embed.development.js",
        "pandium-embed.development.js.map",
        "pandium-embed.mjs",
        "pandium-embed.mjs.map",
        "pure.mjs",
        "pure.development.mjs",
        "react.mjs",
        "react.mjs.map",
        "react.development.mjs",
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
        ("pandium-embed.development.js.map", "src/element.ts"),
        ("pure.mjs.map", "src/element.ts"),
        ("react.mjs.map", "src/react.ts"),
        ("testing.mjs.map", "testing/index.ts"),
    ):
        source_map = json.loads((DIST / name).read_text(encoding="utf-8"))
        assert f"../{source}" in source_map["sources"], name
        text = source_map["sourcesContent"][source_map["sources"].index(f"../{source}")]
        assert text == (ROOT / "js" / source).read_text(encoding="utf-8")


# Texts only the development build may carry: every diagnostic, and the console itself.
DIAGNOSTIC_TEXTS = ("console.warn", "dropped", "frame-ancestors", "proxy", "pandium:diagnostic")


def test_the_production_builds_carry_no_diagnostic_text_and_the_development_builds_do() -> None:
    for production, development in (
        ("pandium-embed.js", "pandium-embed.development.js"),
        ("pure.mjs", "pure.development.mjs"),
    ):
        shipped = (DIST / production).read_text(encoding="utf-8")
        explained = (DIST / development).read_text(encoding="utf-8")
        assert [text for text in DIAGNOSTIC_TEXTS if text in shipped] == [], production
        assert [text for text in DIAGNOSTIC_TEXTS if text not in explained] == [], development
    # The React wrapper imports the element of its own build.
    assert '"./pandium-embed.mjs"' in (DIST / "react.mjs").read_text(encoding="utf-8")
    assert '"./pandium-embed.development.mjs"' in (DIST / "react.development.mjs").read_text(encoding="utf-8")


def test_no_source_module_imports_one_that_imports_it_back() -> None:
    # No import circle in js/src/ (types.ts and element.ts used to import each other).
    import re

    imports = {
        path.stem: set(re.findall(r'from "\./([\w-]+)(?:\.js)?";', path.read_text(encoding="utf-8")))
        for path in (ROOT / "js" / "src").glob("*.ts")
        if not path.name.endswith(".d.ts")
    }

    def reaches(start: str, goal: str, seen: set[str]) -> bool:
        return any(n == goal or (n not in seen and reaches(n, goal, seen | {n})) for n in imports.get(start, ()))

    assert imports["element"] and imports["types"] == set()
    assert [name for name in imports if reaches(name, name, set())] == []
