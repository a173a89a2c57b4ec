"""Each README recipe is the file the framework tests run: same text, byte for byte."""

from __future__ import annotations

import re

import pytest

from tests.support.readme import README
from tests.support.recipes import RECIPE_NAMES, RECIPES

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
    # test_recipes.py runs every recipe named here.
    assert {f"{name}.py" for name in RECIPE_NAMES} == set(RECIPE_FILES.values())


def test_the_recipes_sit_under_framework_recipes() -> None:
    text = README.read_text(encoding="utf-8")
    section = text.split("\n## Framework recipes\n", 1)[1].split("\n## ", 1)[0]
    for name in RECIPE_FILES:
        assert f"<!-- recipe:{name} -->" in section
