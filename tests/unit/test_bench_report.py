"""docs/BENCHMARKS.md is written by hand; `make bench` and `make soak` each replace only their section."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from bench import report


@pytest.fixture
def doc(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    copy = tmp_path / "BENCHMARKS.md"
    shutil.copyfile(report.DOC, copy)
    monkeypatch.setattr(report, "DOC", copy)
    return copy


def section(text: str, name: str) -> str:
    return text.split(f"<!-- {name}:start -->\n", 1)[1].split(f"<!-- {name}:end -->", 1)[0]


def test_a_script_rewrites_its_own_section_and_nothing_else(doc: Path) -> None:
    before = doc.read_text(encoding="utf-8")
    report.write_section("bench", "### Figures\n\n| new | table |\n")
    after = doc.read_text(encoding="utf-8")
    assert section(after, "bench") == "### Figures\n\n| new | table |\n"
    assert section(after, "soak") == section(before, "soak")
    assert after.replace(section(after, "bench"), "") == before.replace(section(before, "bench"), "")
    # The method is prose in the Markdown file, not in the scripts.
    assert "## Method" in after and "**Alternating runs.**" in after


def test_a_file_without_the_markers_is_refused_not_overwritten(doc: Path) -> None:
    doc.write_text("# Benchmarks\n\nhand-written\n", encoding="utf-8")
    with pytest.raises(ValueError, match="bench:start"):
        report.write_section("bench", "figures")
    assert doc.read_text(encoding="utf-8") == "# Benchmarks\n\nhand-written\n"
