"""The single-page-app guide's files that Chromium does not run (tests/browser/test_spa_guide.py runs the
Vite and Next.js apps): the Angular recipe type-checked under --strict against the packed tarball and
Angular's own declarations, the shell steps' stand-in line run as written, and each example's
package.json pinned to what the repository tests it with."""

from __future__ import annotations

import io
import json
import re
import shlex
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from pandium_embed.cli import main
from pandium_embed.mock import MockPandium
from tests.support.docs import DOCS, EXAMPLES
from tests.support.npm import ROOT, dev_version
from tests.support.spa import SPA_EXAMPLES, Workspace, tool

# Angular's CLI writes a tsconfig of its own; this one is as strict, and checks the libraries too.
ANGULAR_TSCONFIG = {
    "compilerOptions": {
        "strict": True,
        "noEmit": True,
        "target": "ES2022",
        "module": "ESNext",
        "moduleResolution": "bundler",
        "lib": ["ES2022", "DOM"],
        "skipLibCheck": False,
        "types": [],
    },
    "files": ["src/main.ts"],
}


@pytest.fixture(scope="module")
def workspace() -> Iterator[Workspace]:
    made = Workspace()
    yield made
    made.remove()


def type_check(project: Path) -> str:
    (project / "tsconfig.json").write_text(json.dumps(ANGULAR_TSCONFIG), encoding="utf-8")
    return tool(project, ["tsc", "-p", "."], {})


def test_the_angular_recipe_type_checks_against_the_packed_package(workspace: Workspace) -> None:
    type_check(workspace.app("angular"))


def test_the_type_check_catches_a_wrong_recipe(workspace: Workspace) -> None:
    # A control: a mistyped event type and a mistyped component option are errors, so the check is real.
    project = workspace.app("angular")
    component = project / "src" / "integrations.component.ts"
    written = component.read_text(encoding="utf-8")
    for right, wrong in [('["pandium:save-sync"]', '["pandium:saved"]'), ("selector:", "selectr:")]:
        assert right in written
        component.write_text(written.replace(right, wrong), encoding="utf-8")
        with pytest.raises(AssertionError, match="error TS"):
            type_check(project)
    component.write_text(written, encoding="utf-8")


def test_the_angular_proxy_forwards_what_the_vite_configs_forward() -> None:
    proxy = json.loads((SPA_EXAMPLES / "angular" / "proxy.conf.json").read_text(encoding="utf-8"))
    vite_config = (SPA_EXAMPLES / "vite-react" / "vite.config.js").read_text(encoding="utf-8")
    [backend] = re.findall(r'process\.env\.BACKEND_URL \?\? "([^"]+)"', vite_config)
    assert proxy == {"/pandium": {"target": backend}, "/dev": {"target": backend}}
    assert '"/pandium": backend, "/dev": backend' in vite_config


def test_the_dev_steps_let_the_dev_servers_origin_frame_the_stand_in() -> None:
    mock_line, export_line, backend_line, dev_line = (SPA_EXAMPLES / "dev.sh").read_text(encoding="utf-8").splitlines()
    # The origin the stand-in lets frame it is the dev server's, on the port its config names.
    for name in ("vite-react", "vite-vue", "vite-svelte"):
        assert "server: { port: 5173," in (SPA_EXAMPLES / name / "vite.config.js").read_text(encoding="utf-8")
    argv = shlex.split(mock_line, comments=True)
    argv.remove("&")
    argv[argv.index("--port") + 1] = "0"  # 8001 may be taken on a shared machine
    served: list[Any] = []
    out = io.StringIO()
    code = main(
        argv[1:],
        environ={"PANDIUM_SHARED_SECRET": "spa-dev-steps-secret-0123456789abcdef"},
        serve=lambda app, sock: served.append(app),
        out=out,
    )
    assert code == 0
    [app] = served
    assert isinstance(app, MockPandium) and app.parent_origins == ("http://localhost:5173",)
    # The backend's settings and command are the quick start's.
    quick_start = (EXAMPLES / "quickstart.sh").read_text(encoding="utf-8").splitlines()
    assert export_line in quick_start
    assert backend_line.startswith("DEV_SIGN_IN=1 uvicorn --factory app:create_app --port 8000 &")
    assert dev_line.startswith("npm run dev")


@pytest.mark.parametrize("name", ["vite-react", "vite-vue", "vite-svelte", "next"])
def test_each_examples_package_json_pins_what_the_tests_run(name: str) -> None:
    manifest = json.loads((SPA_EXAMPLES / name / "package.json").read_text(encoding="utf-8"))
    ours = json.loads((ROOT / "js" / "package.json").read_text(encoding="utf-8"))["version"]
    pinned = {**manifest.get("dependencies", {}), **manifest.get("devDependencies", {})}
    for package, version in pinned.items():
        expected = f"^{ours}" if package == "pandium-embed" else dev_version(package)
        assert version == expected, f"{name}/package.json: {package} {version}, tested with {expected}"
    assert manifest["scripts"]["dev"] in ("vite", "next dev")


def test_the_guide_shows_every_file_of_every_app() -> None:
    page = (DOCS / "single-page-apps.md").read_text(encoding="utf-8")
    shown = set(re.findall(r'--8<-- "examples/spa/([^"]+)"', page))
    files = {str(path.relative_to(SPA_EXAMPLES)) for path in SPA_EXAMPLES.rglob("*") if path.is_file()}
    assert shown == files
