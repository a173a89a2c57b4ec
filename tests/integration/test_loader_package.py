"""The wheel carries the built loader, its source map and its generated types, byte for byte, and serves
the loader from inside itself."""

from __future__ import annotations

import os
import subprocess
import sys
import zipfile
from pathlib import Path

from pandium_embed.schema import SCHEMA_FILE

ROOT = Path(__file__).resolve().parents[2]


def test_the_wheel_ships_the_loader_and_serves_it(tmp_path: Path) -> None:
    out = tmp_path / "dist"
    build = subprocess.run(
        [sys.executable, "-m", "build", "--wheel", "--outdir", str(out), str(ROOT)],
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert build.returncode == 0, build.stdout[-2000:] + build.stderr[-2000:]
    (wheel,) = out.glob("pandium_embed-*.whl")
    with zipfile.ZipFile(wheel) as archive:
        names = set(archive.namelist())
        dist = ROOT / "js" / "dist"
        shipped = {
            "pandium_embed/_static/pandium-embed.js": dist / "pandium-embed.js",
            "pandium_embed/_static/pandium-embed.js.map": dist / "pandium-embed.js.map",
            **{f"pandium_embed/_static/types/{path.name}": path for path in (dist / "types").glob("*.d.ts")},
        }
        assert "pandium_embed/_static/types/index.d.ts" in shipped
        for name, path in shipped.items():
            assert name in names
            assert archive.read(name) == path.read_bytes(), name
        # The message schema (package data, read with importlib.resources) and the testing kit ship too.
        schema = f"pandium_embed/schema/{SCHEMA_FILE}"
        assert archive.read(schema) == (ROOT / schema).read_bytes()
        assert {"pandium_embed/testing/__init__.py", "pandium_embed/testing/server.py"} <= set(names)
        archive.extractall(tmp_path / "site")

    # Imported from the unpacked wheel (not this checkout), the loader comes from _static.
    probe = (
        "import pandium_embed, pandium_embed.loader as l; "
        "print(pandium_embed.__file__); print(l.loader_source() == open(l.__file__.rsplit('/', 1)[0] + '/_static/pandium-embed.js').read())"
    )
    env = {**os.environ, "PYTHONPATH": str(tmp_path / "site")}
    run = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, env=env, cwd=tmp_path, timeout=60
    )
    assert run.returncode == 0, run.stderr
    location, same = run.stdout.splitlines()
    assert location.startswith(str(tmp_path / "site"))
    assert same == "True"
