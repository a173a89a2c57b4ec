"""The loader's TypeScript message and event types held to the message schema: every valid message, and
each cut down to what the schema requires, compiles as the wire type and as its event's detail type
(tsc from the repository's node_modules)."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

from tests.unit.test_message_schema import EVENTS, ROOT, SCHEMA, examples, minimal, stand_in_messages

# The loader's message and event types, as declared by the build (generated from js/src/types.ts).
DECLARATIONS = ROOT / "js" / "dist" / "types" / "types.d.ts"
TSC = ROOT / "node_modules" / ".bin" / "tsc"


def type_check(declarations: str, tmp_path: Path) -> subprocess.CompletedProcess[str]:
    """Compile every valid message, and each one cut down to what the schema requires, as a value of
    the loader's wire type and of its event's detail type."""
    assert TSC.is_file(), "TypeScript is not installed: run `make node_modules` (npm ci) first."
    # The generated declarations import each other: check the whole set, with types.d.ts as given.
    for generated in DECLARATIONS.parent.glob("*.d.ts"):
        shutil.copyfile(generated, tmp_path / generated.name)
    (tmp_path / DECLARATIONS.name).write_text(declarations, encoding="utf-8")
    lines = [
        'import type { PandiumEmbedEventMap } from "./events";',
        'import type { PandiumMessageData } from "./types";',
    ]
    valid = [*examples(), *stand_in_messages()]
    for index, message in enumerate(valid + [minimal(m, SCHEMA["$defs"][m["message"]]) for m in valid]):
        event = EVENTS[message["message"]]
        detail = {key: value for key, value in message.items() if key != "message"}
        lines.append(f"export const wire{index}: PandiumMessageData = {json.dumps(message)};")
        lines.append(f'export const detail{index}: PandiumEmbedEventMap["{event}"]["detail"] = {json.dumps(detail)};')
    (tmp_path / "messages.ts").write_text("\n".join(lines) + "\n", encoding="utf-8")
    tsconfig = json.loads((ROOT / "js" / "tsconfig.types-test.json").read_text(encoding="utf-8"))
    # Only what messages.ts imports is compiled (react.d.ts and testing.d.ts need their peer packages).
    tsconfig["files"] = ["messages.ts"]
    (tmp_path / "tsconfig.json").write_text(json.dumps(tsconfig), encoding="utf-8")
    command = [str(TSC), "-p", str(tmp_path / "tsconfig.json")]
    return subprocess.run(command, capture_output=True, text=True, timeout=300)


def test_the_loader_types_accept_every_valid_message(tmp_path: Path) -> None:
    result = type_check(DECLARATIONS.read_text(encoding="utf-8"), tmp_path)
    assert result.returncode == 0, result.stdout + result.stderr


def test_the_type_check_catches_types_that_promise_more_than_the_schema(tmp_path: Path) -> None:
    # A cancelled set-up's tenant typed as a saved one (id: number) is a drift: the stand-in's id is null.
    declarations = DECLARATIONS.read_text(encoding="utf-8")
    drifted = declarations.replace("readonly tenant: PandiumCancelledTenant;", "readonly tenant: PandiumTenant;")
    assert drifted != declarations
    result = type_check(drifted, tmp_path)
    assert result.returncode != 0
    assert "null" in result.stdout, result.stdout
