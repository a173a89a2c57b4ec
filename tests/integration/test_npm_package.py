"""js/ is the npm package `pandium-embed`: its manifest, what the tarball holds, and that importing it
and rendering its React component on the server (plain Node, no DOM) works and defines nothing."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

import pandium_embed
from tests.support.npm import REACT_18, ROOT, dev_version, run

MANIFEST = json.loads((ROOT / "js" / "package.json").read_text(encoding="utf-8"))


def node(project: Path, script: str) -> str:
    return run(["node", "--input-type=module", "-e", script], project)


def test_the_manifest_says_what_the_package_is() -> None:
    assert (MANIFEST["name"], MANIFEST["license"], MANIFEST["type"]) == ("pandium-embed", "MIT", "module")
    # One version for the wheel and the npm package.
    assert MANIFEST["version"] == pandium_embed.__version__
    # Bundlers that honour the `development` condition (Vite, webpack, Next.js in development) get the
    # build that says why it drops a message; every other resolution gets the production build.
    for entry, file in ((".", "pandium-embed"), ("./pure", "pure"), ("./react", "react")):
        types = "index" if file == "pandium-embed" else file
        assert MANIFEST["exports"][entry] == {
            "types": f"./dist/types/{types}.d.ts",
            "development": f"./dist/{file}.development.mjs",
            "default": f"./dist/{file}.mjs",
        }
    assert MANIFEST["exports"]["./testing"] == {
        "types": "./dist/types/testing/index.d.ts",
        "default": "./dist/testing.mjs",
    }
    for target in (
        "./dist/types/testing/index.d.ts",
        "./dist/testing.mjs",
        "./dist/types/index.d.ts",
        "./dist/pandium-embed.mjs",
        "./dist/react.mjs",
        "./dist/pandium-embed.js",
        "./dist/pure.mjs",
        "./dist/pure.development.mjs",
        "./dist/pandium-embed.development.mjs",
        "./dist/react.development.mjs",
        "./dist/pandium-embed.development.js",
    ):
        assert (ROOT / "js" / target).is_file(), target
    # Honest: importing the element module defines <pandium-embed>; `pure` and the React module only declare.
    assert MANIFEST["sideEffects"] == [
        "./dist/pandium-embed.mjs",
        "./dist/pandium-embed.development.mjs",
        "./dist/pandium-embed.js",
        "./dist/pandium-embed.development.js",
    ]
    # Each for one entry point only: an app that uses neither React nor the testing kit installs neither.
    assert MANIFEST["peerDependencies"] == {"@playwright/test": ">=1.40", "react": ">=18"}
    assert MANIFEST["peerDependenciesMeta"] == {"@playwright/test": {"optional": True}, "react": {"optional": True}}
    assert "dependencies" not in MANIFEST


def test_the_tarball_holds_the_build_and_not_the_source(tmp_path: Path) -> None:
    packed = json.loads(run(["npm", "pack", "--dry-run", "--json", str(ROOT / "js")], tmp_path))
    files = {entry["path"] for entry in packed[0]["files"]}
    assert {"package.json", "README.md", "dist/pandium-embed.mjs", "dist/react.mjs", "dist/types/index.d.ts"} <= files
    assert {"dist/types/react.d.ts", "dist/pandium-embed.js", "dist/pandium-embed.js.map"} <= files
    assert {"dist/testing.mjs", "dist/testing.mjs.map", "dist/types/testing/index.d.ts"} <= files
    assert not [
        name
        for name in files
        if name.startswith(("src/", "testing/", "examples/")) or (name.endswith(".ts") and not name.endswith(".d.ts"))
    ]


def test_importing_in_plain_node_does_nothing_and_throws_nothing(npm_project: Path) -> None:
    script = (
        'const element = await import("pandium-embed"); const react = await import("pandium-embed/react");'
        'const pure = await import("pandium-embed/pure"); element.prewarm();'
        "console.log(JSON.stringify([Object.keys(element).sort(), Object.keys(react).sort(),"
        " typeof globalThis.PandiumEmbed, typeof globalThis.customElements,"
        " element.PandiumEmbed === pure.PandiumEmbed]));"
    )
    assert json.loads(node(npm_project, script)) == [
        [
            "PANDIUM_EVENT_TYPES",
            "PandiumEmbed",
            "PandiumTokenError",
            "configure",
            "define",
            "mintURL",
            "prewarm",
            "prewarmOnIntent",
        ],
        ["PandiumEmbed", "usePandiumPopup", "usePandiumToken"],
        "undefined",
        "undefined",
        # The main entry re-exports pure's: one class per page, whichever entry an app imports.
        True,
    ]


def test_the_testing_kit_imports_and_type_checks_from_the_installed_package(npm_project: Path) -> None:
    # As a user's suite has it: `pandium-embed/testing` resolved through the exports map of the installed
    # tarball, with the project's own @playwright/test (one copy: the runner's fixtures are its).
    script = 'const kit = await import("pandium-embed/testing"); console.log(JSON.stringify(Object.keys(kit).sort()));'
    assert {"PandiumFrame", "NoPandiumEvent", "expect", "test"} <= set(json.loads(node(npm_project, script)))
    (npm_project / "kit.spec.ts").write_text(
        'import { expect, PandiumFrame, test } from "pandium-embed/testing";\n'
        'test("types", async ({ page, pandiumMock }) => {\n'
        "  const pandium = await PandiumFrame.attach(page);\n"
        '  expect(await pandium.signedInAs()).toBe("Ann Example");\n'
        "  // @ts-expect-error: a scenario's silent is a boolean\n"
        '  await pandiumMock.scenario({ silent: "yes" });\n'
        "});\n",
        encoding="utf-8",
    )
    tsc = ROOT / "node_modules" / ".bin" / "tsc"
    options = ["--strict", "--noEmit", "--module", "esnext", "--moduleResolution", "bundler", "--target", "es2022"]
    run(
        [str(tsc), *options, "--types", "node", "--typeRoots", str(ROOT / "node_modules" / "@types"), "kit.spec.ts"],
        npm_project,
    )


# The component's peer range is "react": ">=18": the pinned React 19 and the oldest, 18, are tested.
@pytest.mark.parametrize("project", ["npm_project", "npm_project_react_18"])
def test_render_to_string_gives_the_elements_markup(project: str, request: pytest.FixtureRequest) -> None:
    script = (
        'import { createElement, version } from "react"; import { renderToString } from "react-dom/server";'
        'import { PandiumEmbed } from "pandium-embed/react";'
        "console.log(version);"
        'console.log(renderToString(createElement(PandiumEmbed, { view: "marketplace" })));'
        "console.log(renderToString(createElement(PandiumEmbed, "
        '{ connector: "gwt", report: true, minHeight: 300, expectMessage: 4000, fallback: "popup", onSuccess() {} })));'
        'console.log(renderToString(createElement(PandiumEmbed, { mode: "popup", className: "wide" }, "Connect")));'
    )
    version, first, second, third = node(request.getfixturevalue(project), script).splitlines()
    assert version == (REACT_18 if project == "npm_project_react_18" else dev_version("react"))
    assert first == '<pandium-embed view="marketplace"></pandium-embed>'
    assert second == (
        '<pandium-embed connector="gwt" report="" min-height="300" expect-message="4000" fallback="popup">'
        "</pandium-embed>"
    )
    assert third == '<pandium-embed mode="popup" class="wide">Connect</pandium-embed>'


def test_configure_refuses_what_is_not_a_list_of_origins(npm_project: Path) -> None:
    script = (
        'import { configure } from "pandium-embed"; const errors = [];'
        'const bad = [{}, { origins: "https://imp.pandium.io" }, { origins: [42] },'
        ' { origins: [], prefix: "pandium" }];'
        "for (const config of bad) {"
        "  try { configure(config); errors.push(null); } catch (error) { errors.push(error.message); } }"
        'configure({ origins: ["https://imp.pandium.io"], prefix: "/integrations" });'
        "console.log(JSON.stringify(errors));"
    )
    errors = json.loads(node(npm_project, script))
    assert all(errors), errors
    assert "configure({origins}) takes an array of origins" in errors[0]
    assert "configure({prefix})" in errors[3]


def test_bundlers_get_the_development_build_through_the_development_condition(npm_project: Path) -> None:
    # What Vite, webpack and Next.js do in development (they add the "development" condition).
    (npm_project / "condition.js").write_text(
        'import { configure } from "pandium-embed"; import { PandiumEmbed } from "pandium-embed/react";'
        " console.log(configure, PandiumEmbed);\n",
        encoding="utf-8",
    )
    esbuild = str(ROOT / "node_modules" / ".bin" / "esbuild")
    built = {}
    for name, conditions in (("production", []), ("development", ["--conditions=development"])):
        out = npm_project / f"condition-{name}.js"
        options = ["--bundle", "--format=esm", "--external:react", f"--outfile={out}", "--log-level=warning"]
        run([esbuild, "condition.js", *options, *conditions], npm_project)
        built[name] = out.read_text(encoding="utf-8")
    assert "pandium:diagnostic" in built["development"]
    assert "pandium:diagnostic" not in built["production"]
    # One element class in each bundle: the React wrapper's import resolved to the same build.
    assert built["development"].count("customElements.define(") == 1
    assert built["production"].count("customElements.define(") == 1
