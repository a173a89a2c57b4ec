"""The scenario's fields are written once, in the ``Scenario`` dataclass: the TypeScript ``Scenario``
interface of the npm testing kit (js/testing/index.ts) must name the same fields, checked here by
TypeScript itself."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path
from typing import Any

import pytest

from pandium_embed.mock import Scenario, ScenarioError
from pandium_embed.mock.app import MockPandium
from pandium_embed.mock.scenarios import FIELDS

ROOT = Path(__file__).resolve().parents[2]
TSC = ROOT / "node_modules" / ".bin" / "tsc"
TS_OPTIONS = ["--strict", "--noEmit", "--module", "esnext", "--moduleResolution", "bundler", "--target", "es2022"]


def typescript_fields_check(directory: Path, fields: tuple[str, ...]) -> subprocess.CompletedProcess[str]:
    """Type-checks that ``keyof Scenario`` in js/testing/index.ts is exactly ``fields``."""
    union = " | ".join(json.dumps(name) for name in fields)
    (directory / "scenario_fields.ts").write_text(
        f'import type {{ Scenario }} from "{ROOT / "js" / "testing" / "index"}";\n'
        "type Exactly<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;\n"
        f"export const same: Exactly<keyof Scenario, {union}> = true;\n",
        encoding="utf-8",
    )
    command = [str(TSC), *TS_OPTIONS, "--types", "node", "--typeRoots", str(ROOT / "node_modules" / "@types")]
    return subprocess.run(
        [*command, "scenario_fields.ts"], cwd=directory, capture_output=True, text=True, timeout=300, check=False
    )


def test_fields_come_from_the_dataclass() -> None:
    assert tuple(Scenario.__dataclass_fields__) == FIELDS
    assert FIELDS[0] == "reject" and "deny_consent" in FIELDS


def test_the_typescript_interface_names_the_same_fields(tmp_path: Path) -> None:
    result = typescript_fields_check(tmp_path, FIELDS)
    assert result.returncode == 0, result.stdout + result.stderr


def test_the_check_catches_a_field_missing_on_either_side(tmp_path: Path) -> None:
    assert typescript_fields_check(tmp_path, FIELDS[:-1]).returncode != 0
    assert typescript_fields_check(tmp_path, (*FIELDS, "retry")).returncode != 0


def test_mock_pandium_scenario_takes_each_field_and_refuses_others() -> None:
    mock = MockPandium(org="acme", secret="scenario-fields-secret-0123456789abcdef")
    values: dict[str, Any] = {"reject": "expired", "status": 503, "delay": 0.5, "silent": True, "tenant": {"id": 9}}
    values |= {"deny_consent": True, "times": 2}
    assert set(values) == set(FIELDS)
    assert mock.scenario(**values) == Scenario(**values)
    with pytest.raises(ScenarioError) as raised:
        mock.scenario(rejcet="expired")
    assert "'rejcet'" in str(raised.value) and ", ".join(FIELDS) in str(raised.value)
