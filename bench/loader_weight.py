"""Loader weight: the served loader gzipped (-9), production and development builds, against two
published embed loaders. Whole builds are measured (no per-feature markers in the source).

The others are measured from their published npm tarballs (``npm pack``, their browser/unpkg build);
if npm or the registry is not there, recorded reference figures are used and marked as such.
"""

from __future__ import annotations

import gzip
import json
import shutil
import subprocess
import tarfile
import tempfile
from dataclasses import dataclass
from pathlib import Path

from pandium_embed.loader import render_loader

from . import apps

# package -> gzipped bytes of its browser build, recorded when this benchmark was written; used only
# when measuring fails (and marked "stated figure").
REFERENCES: dict[str, int] = {"@iframe-resizer/parent": 10_300, "@prismatic-io/embedded": 9_300}
NPM_TIMEOUT = 90
ROOT = Path(__file__).resolve().parents[1]
REACT_WRAPPER = ROOT / "js" / "dist" / "react.mjs"


def gz_size(data: bytes) -> int:
    # mtime=0 and no file name: the same 10-byte header as `gzip -9 < file`.
    return len(gzip.compress(data, compresslevel=9, mtime=0))


@dataclass(frozen=True)
class Weight:
    name: str
    gz_bytes: int
    raw_bytes: int | None
    source: str  # what was measured, or why the stated figure is used


def ours(*, development: bool = False) -> Weight:
    body = render_loader(apps.CONFIG, development=development)[0]
    build = "development" if development else "production"
    return Weight(
        f"pandium-embed loader (served, {build} build)",
        gz_size(body),
        len(body),
        f"render_loader(config, development={development})[0]",
    )


def react_wrapper() -> Weight:
    """`pandium-embed/react` as the npm package ships it (minified ES module), on top of the element."""
    data = REACT_WRAPPER.read_bytes()
    return Weight("pandium-embed/react (npm)", gz_size(data), len(data), "js/dist/react.mjs")


def _main_file(package_dir: Path) -> Path:
    manifest = json.loads((package_dir / "package.json").read_text(encoding="utf-8"))
    # The self-contained browser build is what a page loads; fall back to main.
    for field in ("browser", "unpkg", "jsdelivr", "main"):
        value = manifest.get(field)
        if isinstance(value, str) and (package_dir / value).is_file():
            return package_dir / value
    raise FileNotFoundError("no browser/unpkg/jsdelivr/main file in package.json")


def published(package: str) -> Weight:
    npm = shutil.which("npm")
    if npm is None:
        return Weight(package, REFERENCES[package], None, "stated figure (npm not installed)")
    with tempfile.TemporaryDirectory(prefix="pandium-bench-npm-") as tmp:
        try:
            done = subprocess.run(
                [npm, "pack", "--silent", package],
                cwd=tmp,
                capture_output=True,
                text=True,
                timeout=NPM_TIMEOUT,
                check=True,
            )
            tarball = Path(tmp) / done.stdout.strip().splitlines()[-1]
            with tarfile.open(tarball) as archive:
                archive.extractall(tmp, filter="data")
            package_dir = Path(tmp) / "package"
            version = json.loads((package_dir / "package.json").read_text(encoding="utf-8"))["version"]
            main = _main_file(package_dir)
            data = main.read_bytes()
        except (OSError, subprocess.SubprocessError, ValueError, KeyError, IndexError, tarfile.TarError) as error:
            return Weight(
                package, REFERENCES[package], None, f"stated figure (npm pack failed: {type(error).__name__})"
            )
        relative = main.relative_to(package_dir).as_posix()
        return Weight(f"{package}@{version}", gz_size(data), len(data), f"npm pack, {relative}")


def measure(*, offline: bool = False) -> list[Weight]:
    others = (
        [Weight(name, size, None, "stated figure (--offline)") for name, size in REFERENCES.items()]
        if offline
        else [published(name) for name in REFERENCES]
    )
    return [ours(), *others]


if __name__ == "__main__":
    for weight in measure():
        print(weight)
