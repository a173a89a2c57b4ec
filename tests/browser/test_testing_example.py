"""The Testing page's FastAPI example (docs/examples/myapp.py and test_myapp.py) passes as a user's own
suite: a fresh pytest in a temporary directory, the ``pandium_mock`` fixture from the installed plugin,
the app served by the public ``pandium_embed.testing.server``, a signed-in session, Chromium."""

from __future__ import annotations

import pytest

from tests.support.docs import EXAMPLES

pytest_plugins = ["pytester"]


def test_the_app_factory_example_passes_as_a_users_own_suite(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(
        myapp=(EXAMPLES / "myapp.py").read_text(encoding="utf-8"),
        test_myapp=(EXAMPLES / "test_myapp.py").read_text(encoding="utf-8"),
    )
    result = pytester.runpytest_subprocess("-W", "error", "-p", "no:cacheprovider")
    result.assert_outcomes(passed=2)


def test_the_example_fails_when_the_marketplace_is_not_shown(pytester: pytest.Pytester) -> None:
    # The example's assertions are real: with the element left out of the page, its browser test fails.
    app = (EXAMPLES / "myapp.py").read_text(encoding="utf-8")
    broken = app.replace('<pandium-embed view="marketplace"></pandium-embed>', "")
    assert broken != app
    pytester.makepyfile(myapp=broken, test_myapp=(EXAMPLES / "test_myapp.py").read_text(encoding="utf-8"))
    result = pytester.runpytest_subprocess("-W", "error", "-p", "no:cacheprovider", "-k", "sees_the_marketplace")
    result.assert_outcomes(failed=1)


def test_the_quick_start_app_runs_under_the_pandium_mock_fixture(pytester: pytest.Pytester) -> None:
    # The quick start saved as app.py, and the Getting started page's test beside it, as a user runs them.
    pytester.makepyfile(
        app=(EXAMPLES / "quickstart_fastapi.py").read_text(encoding="utf-8"),
        test_app=(EXAMPLES / "test_quickstart_app.py").read_text(encoding="utf-8"),
    )
    result = pytester.runpytest_subprocess("-W", "error", "-p", "no:cacheprovider")
    result.assert_outcomes(passed=1)
