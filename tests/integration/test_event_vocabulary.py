"""One event vocabulary: js/src/events.ts's table is the source; what is written elsewhere is held to it.
The built module's `PANDIUM_EVENT_TYPES` (derived from the table) against Python's testing kit, and the
table's lifecycle messages against the message schema."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

from pandium_embed.schema import message_schema

ROOT = Path(__file__).resolve().parents[2]
ESBUILD = ROOT / "node_modules" / ".bin" / "esbuild"


def node(script: str) -> str:
    done = subprocess.run(
        ["node", "--input-type=module", "-e", script], cwd=ROOT, capture_output=True, text=True, timeout=120
    )
    assert done.returncode == 0, done.stderr
    return done.stdout


def event_table(tmp_path: Path) -> dict[str, list[str] | int]:
    """js/src/events.ts's EVENTS as run-time values (an event's fields, or 0 for the loader's own)."""
    assert ESBUILD.is_file(), "esbuild is not installed: run `make node_modules` (npm ci) first."
    out = tmp_path / "events.mjs"
    subprocess.run(
        [
            str(ESBUILD),
            str(ROOT / "js" / "src" / "events.ts"),
            "--format=esm",
            f"--outfile={out}",
            "--log-level=warning",
        ],
        check=True,
        timeout=120,
    )
    module = json.dumps(out.as_uri())
    table: dict[str, list[str] | int] = json.loads(
        node(f"const {{ EVENTS }} = await import({module}); console.log(JSON.stringify(EVENTS));")
    )
    return table


def test_the_python_testing_kit_records_exactly_the_elements_events() -> None:
    from pandium_embed.testing import EVENT_NAMES

    built = ROOT / "js" / "dist" / "pandium-embed.mjs"
    script = (
        f"const m = await import({json.dumps(built.as_uri())}); console.log(JSON.stringify(m.PANDIUM_EVENT_TYPES));"
    )
    types = json.loads(node(script))
    assert "pandium:install-cancel" in types
    assert list(EVENT_NAMES) == types


def test_the_lifecycle_messages_are_the_schemas_and_copy_its_fields(tmp_path: Path) -> None:
    table = event_table(tmp_path)
    schema = message_schema()["$defs"]
    lifecycle = {name: fields for name, fields in table.items() if isinstance(fields, list)}
    # The schema's messages: each lifecycle message, plus the height message (the loader's `resize`).
    assert {f"pandium-{name}" for name in lifecycle} | {"pandium-content-height-change"} == {
        name for name in schema if name.startswith("pandium-")
    }
    for name, fields in lifecycle.items():
        properties = set(schema[f"pandium-{name}"]["properties"]) - {"message"}
        assert set(fields) == properties, name
    # The loader's own events are never a wire message of the schema (Pandium's page cannot forge them).
    assert not {f"pandium-{name}" for name, fields in table.items() if not fields} & set(schema)
