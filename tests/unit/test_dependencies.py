"""What pyproject.toml publishes and what the development environment installs: extras only for users'
apps, the development sets as dependency groups, runtime requirements as ranges, and every requirement
pinned in requirements/dev.txt (written by `make upgrade`) at a version its range allows."""

from __future__ import annotations

import re
import tomllib
from itertools import chain
from typing import Any

from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

from tests.support.docs import ROOT

PROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
EXTRAS: dict[str, list[str]] = PROJECT["project"]["optional-dependencies"]
GROUPS: dict[str, list[Any]] = PROJECT["dependency-groups"]
LOCK = ROOT / "requirements" / "dev.txt"
# Development tools that must never reach a user's app through an extra.
DEVELOPMENT_TOOLS = {"pytest", "ruff", "mypy", "mkdocs", "django", "litestar", "quart", "flask", "hypothesis", "uv"}


def requirements(names: list[Any]) -> list[Requirement]:
    """The requirement strings of an extra or a group (a group's include-group tables are followed)."""
    found: list[Requirement] = []
    for item in names:
        if isinstance(item, dict):
            found += requirements(GROUPS[item["include-group"]])
        else:
            found.append(Requirement(item))
    return found


def pinned() -> dict[str, tuple[str, str]]:
    """requirements/dev.txt as {name: (version, marker)}."""
    pins: dict[str, tuple[str, str]] = {}
    for line in LOCK.read_text(encoding="utf-8").splitlines():
        if line and not line.startswith((" ", "#")):
            requirement, _, marker = line.partition(" ; ")
            name, version = requirement.split("==")
            pins[canonicalize_name(name)] = (version, marker)
    return pins


def test_only_the_extras_a_users_app_installs_are_published() -> None:
    assert {"test", "bench", "docs", "demo"} <= set(GROUPS)
    assert not set(EXTRAS) & set(GROUPS)
    for extra, names in EXTRAS.items():
        tools = {canonicalize_name(r.name) for r in requirements(names)} & DEVELOPMENT_TOOLS
        assert not tools, f"[{extra}] would install development tools {tools} into a user's app"


def test_the_runtime_requirements_are_ranges_not_pins() -> None:
    for requirement in requirements([*PROJECT["project"]["dependencies"], *chain.from_iterable(EXTRAS.values())]):
        assert requirement.name == "pandium-embed" or str(requirement.specifier).startswith(">="), requirement
        assert "==" not in str(requirement.specifier), requirement


def test_the_development_environment_installs_every_extra() -> None:
    makefile = (ROOT / "Makefile").read_text(encoding="utf-8")
    listed = re.search(r"^EXTRAS := (.+)$", makefile, re.MULTILINE)
    assert listed is not None
    assert set(listed.group(1).split(",")) == set(EXTRAS)


def test_every_requirement_is_pinned_in_the_lock_at_a_version_its_range_allows() -> None:
    # Adding a requirement or raising a floor without `make upgrade` leaves it unpinned or pinned too low.
    pins = pinned()
    everything = [
        *PROJECT["project"]["dependencies"],
        *chain.from_iterable(EXTRAS.values()),
        *chain.from_iterable(GROUPS.values()),
    ]
    for requirement in requirements(everything):
        name = canonicalize_name(requirement.name)
        if name == "pandium-embed" or (requirement.marker and not requirement.marker.evaluate()):
            continue
        assert name in pins, f"{name} is not in {LOCK.name}: run make upgrade"
        version, _ = pins[name]
        assert requirement.specifier.contains(version), f"{name}=={version} is outside {requirement}: make upgrade"
