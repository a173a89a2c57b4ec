"""Each README recipe is the file the framework tests run: same text, byte for byte."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from tests.frameworks.support import RECIPES

README = Path(__file__).resolve().parents[2] / "README.md"
# README marker -> the recipe file it shows.
RECIPE_FILES = {
    "fastapi": "fastapi_app.py",
    "starlette": "starlette_app.py",
    "django": "django_app.py",
    "litestar": "litestar_app.py",
    "quart": "quart_app.py",
    "asgi": "asgi_app.py",
    "flask": "flask_app.py",
    "django-wsgi": "django_wsgi.py",
    "wsgi": "wsgi_app.py",
}


def readme_recipe(name: str) -> str:
    text = README.read_text(encoding="utf-8")
    pattern = rf"<!-- recipe:{name} -->\n```python\n(.*?)```\n<!-- /recipe:{name} -->"
    blocks = re.findall(pattern, text, re.DOTALL)
    assert len(blocks) == 1, f"README needs exactly one python block between the recipe:{name} markers"
    block: str = blocks[0]
    return block


@pytest.mark.parametrize(("name", "filename"), RECIPE_FILES.items())
def test_readme_recipe_is_the_tested_file(name: str, filename: str) -> None:
    assert readme_recipe(name) == (RECIPES / filename).read_text(encoding="utf-8")


def test_every_recipe_file_is_in_the_readme_and_tested() -> None:
    assert {path.name for path in RECIPES.glob("*.py")} == set(RECIPE_FILES.values())
    tests = Path(__file__).parent
    for filename in RECIPE_FILES.values():
        # load_recipe("name", ...) itself, or the name in a table a load_recipe call reads.
        users = [
            path
            for path in tests.glob("test_*.py")
            if "load_recipe(" in (text := path.read_text()) and f'"{filename[:-3]}"' in text
        ]
        assert users, f"no test runs docs/recipes/{filename}"


def test_the_recipes_sit_under_framework_recipes() -> None:
    text = README.read_text(encoding="utf-8")
    section = text.split("\n## Framework recipes\n", 1)[1].split("\n## ", 1)[0]
    for name in RECIPE_FILES:
        assert f"<!-- recipe:{name} -->" in section
