"""The served loader drops full-line comments, blank lines and indentation (loader._strip) and is
otherwise the shipped source: same tokens, same line breaks between them, still valid JavaScript."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path
from typing import Any

import pytest

from pandium_embed import PandiumConfig
from pandium_embed.loader import CONFIG_PLACEHOLDER, _strip, render_loader

ROOT = Path(__file__).resolve().parents[2]
SOURCE = ROOT / "js" / "pandium-embed.js"
CONFIG = PandiumConfig("acme", "loader-strip-test-secret-0123456789abcdef", "production")

# Tokenizes with acorn (a devDependency in package.json, installed by `make test`'s npm ci): an
# independent JavaScript lexer, so a line that started inside a string, template or comment would show up as a
# changed token. For each token: type, source text, and whether a line break precedes it (what
# automatic semicolon insertion looks at).
TOKENS_JS = r"""
const acorn = require("acorn");
const source = require("fs").readFileSync(process.argv[1], "utf8");
const out = [];
let end = 0;
for (const t of acorn.tokenizer(source, { ecmaVersion: "latest", sourceType: "script" })) {
  out.push([t.type.label, source.slice(t.start, t.end), /[\n\r\u2028\u2029]/.test(source.slice(end, t.start))]);
  end = t.end;
}
process.stdout.write(JSON.stringify(out));
"""


def tokens(path: Path) -> list[list[Any]]:
    run = subprocess.run(
        ["node", "-e", TOKENS_JS, str(path)], capture_output=True, text=True, timeout=60, cwd=ROOT
    )
    assert run.returncode == 0, "acorn from node_modules is needed for this test (run make test): " + run.stderr
    result: list[list[Any]] = json.loads(run.stdout)
    return result


def test_the_stripped_loader_has_the_same_tokens_and_line_breaks(tmp_path: Path) -> None:
    original = tmp_path / "original.js"
    stripped = tmp_path / "stripped.js"
    original.write_text(SOURCE.read_text(encoding="utf-8"), encoding="utf-8")
    stripped.write_text(_strip(SOURCE.read_text(encoding="utf-8")), encoding="utf-8")
    before, after = tokens(original), tokens(stripped)
    assert len(before) > 1000
    assert after == before


def test_the_token_check_would_see_a_line_changed_inside_a_string(tmp_path: Path) -> None:
    # The guard above is real: in a template literal, a "comment" line and indentation are text.
    source = "var a = `x\n  // not a comment\n  y`;\nvar b = 'c\\\n  d';\n"
    original = tmp_path / "original.js"
    stripped = tmp_path / "stripped.js"
    original.write_text(source, encoding="utf-8")
    stripped.write_text(_strip(source), encoding="utf-8")
    assert tokens(stripped) != tokens(original)


@pytest.mark.parametrize(
    ("source", "served"),
    [
        ("  // why\n  var a = 1;\n", "var a = 1;\n"),
        ("\n\n    x();\n\t\n", "x();\n"),
        # Only full-line comments go: code keeps its trailing comment and strings keep their slashes.
        ('var u = "//host"; // note\n', 'var u = "//host"; // note\n'),
        ("a = b\n// c\n(d)\n", "a = b\n(d)\n"),
        ("/* block */\nf();\n", "/* block */\nf();\n"),
    ],
)
def test_strip_drops_only_full_line_comments_blank_lines_and_indentation(source: str, served: str) -> None:
    assert _strip(source) == served


def test_the_served_loader_is_the_stripped_source_and_valid_javascript(tmp_path: Path) -> None:
    body, _ = render_loader(CONFIG)
    text = body.decode("utf-8")
    settings = json.dumps({"origins": list(CONFIG.origins), "prefix": CONFIG.prefix}, separators=(",", ":"))
    assert text == _strip(SOURCE.read_text(encoding="utf-8")).replace(CONFIG_PLACEHOLDER, settings)
    assert not any(line.lstrip().startswith("//") or line != line.strip() for line in text.splitlines())
    # The source keeps its why-comments; the served copy is smaller.
    assert any(line.strip().startswith("//") for line in SOURCE.read_text(encoding="utf-8").splitlines())
    assert len(body) < SOURCE.stat().st_size
    script = tmp_path / "embed.js"
    script.write_bytes(body)
    subprocess.run(["node", "--check", str(script)], check=True, capture_output=True, timeout=60)
