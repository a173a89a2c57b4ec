"""Starlette (docs/recipes/starlette_app.py) and FastAPI (docs/recipes/fastapi_app.py).

Both recipes list PandiumMiddleware *after* the session (and auth) middleware: the Request identify
receives is built from the scope at the middleware's position, so only middleware outside it has put
``session`` and ``user`` there. The ordering tests show what the wrong order does.
"""

from __future__ import annotations

from types import ModuleType

import pytest
from fastapi import FastAPI
from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.middleware.sessions import SessionMiddleware
from starlette.requests import Request

from pandium_embed import PandiumConfig, PandiumMiddleware
from tests.support.recipes import (
    MARKETPLACE,
    MINT_IDS,
    MINT_ROUTES,
    SESSION_SECRET_KEY,
    assert_signed_out,
    client,
    load_recipe,
    mint,
    minted_claims,
    starlette_login,
    with_login,
)

pytestmark = pytest.mark.anyio


@pytest.fixture
def starlette_recipe(monkeypatch: pytest.MonkeyPatch) -> ModuleType:
    return with_login("starlette_app", monkeypatch)


@pytest.fixture
def fastapi_recipe(monkeypatch: pytest.MonkeyPatch) -> ModuleType:
    return with_login("fastapi_app", monkeypatch)


# --- Starlette: AuthenticationMiddleware -> request.user ---------------------------------------------


async def test_starlette_own_routes(starlette_recipe: ModuleType) -> None:
    async with client(starlette_recipe.app) as http:
        assert (await http.get("/")).text == "hello stranger"
        await http.post("/login", json={"username": "ann"})
        assert (await http.get("/")).text == "hello ann"
        # Starlette's own 404 outside the prefix; ours (JSON, with a reason) inside it.
        assert (await http.get("/nope")).text == "Not Found"
        assert (await http.get("/pandium/nope")).json()["error"] == "not-found"


async def test_starlette_pandium_outside_the_auth_middleware_cannot_see_the_user(
    caplog: pytest.LogCaptureFixture,
) -> None:
    # The wrong order: PandiumMiddleware wrapping the whole app sees the raw scope, with no user in it.
    # Starlette's request.user says so loudly; the middleware answers 500 and logs why.
    async def identify(request: Request) -> None:
        request.user  # noqa: B018 - touching it is the point

    app = PandiumMiddleware(
        Starlette(middleware=[Middleware(SessionMiddleware, secret_key=SESSION_SECRET_KEY)]),
        config=PandiumConfig("acme", "framework-recipes-shared-secret-0123456789"),
        identify=identify,
    )
    async with client(app) as http:
        response = await http.get("/pandium/marketplace")
    assert response.status_code == 500
    assert "AuthenticationMiddleware must be installed" in caplog.text
    assert "AuthenticationMiddleware" not in response.text


# --- FastAPI: one lookup for the dependency and for identify ---------------------------------------------


async def test_fastapi_the_dependency_and_identify_see_the_same_user(fastapi_recipe: ModuleType) -> None:
    async with client(fastapi_recipe.app) as http:
        await http.post("/login", json={"user_id": "u-42"})
        # The route sees the user through Depends(current_user) ...
        assert (await http.get("/me")).json() == {"id": "u-42", "email": "ann@example.com"}
        # ... and identify sees the same user through the same function.
        assert minted_claims(await http.get("/pandium/marketplace"), MARKETPLACE)["sub"] == "u-42"


@pytest.mark.parametrize("user_id", [None, "u-unknown"], ids=["no-session", "user-not-in-db"])
@pytest.mark.parametrize(("method", "path", "where"), MINT_ROUTES, ids=MINT_IDS)
async def test_fastapi_no_user_is_401_for_the_route_and_the_middleware_alike(
    fastapi_recipe: ModuleType, user_id: str | None, method: str, path: str, where: str
) -> None:
    async with client(fastapi_recipe.app) as http:
        if user_id is not None:
            await http.post("/login", json={"user_id": user_id})
        assert (await http.get("/me")).status_code == 401
        assert_signed_out(await mint(http, method, path))


async def test_fastapi_own_routes(fastapi_recipe: ModuleType) -> None:
    async with client(fastapi_recipe.app) as http:
        assert (await http.get("/openapi.json")).json()["paths"].keys() == {"/me"}
        assert (await http.get("/nope")).json() == {"detail": "Not Found"}


async def test_fastapi_session_middleware_inside_pandium_leaves_identify_without_a_session(
    caplog: pytest.LogCaptureFixture, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The wrong order: add_middleware() puts each new middleware *outside* the ones before it, so adding
    # SessionMiddleware first and PandiumMiddleware second leaves the session inside, unseen by identify.
    recipe = load_recipe("fastapi_app", monkeypatch)
    app = FastAPI()
    app.add_middleware(SessionMiddleware, secret_key=SESSION_SECRET_KEY)
    app.add_middleware(PandiumMiddleware, config=PandiumConfig.from_env(), identify=recipe.identify)
    async with client(app) as http:
        response = await http.get("/pandium/marketplace")
    assert response.status_code == 500
    assert "SessionMiddleware must be installed" in caplog.text


async def test_fastapi_add_middleware_in_reverse_order_works(monkeypatch: pytest.MonkeyPatch) -> None:
    # The same app built with add_middleware(): PandiumMiddleware first, SessionMiddleware last (outermost).
    recipe = load_recipe("fastapi_app", monkeypatch)
    recipe.USERS["u-42"] = recipe.User(id="u-42", email="ann@example.com")
    app = FastAPI()
    app.add_middleware(PandiumMiddleware, config=PandiumConfig.from_env(), identify=recipe.identify)
    app.add_middleware(SessionMiddleware, secret_key=SESSION_SECRET_KEY)
    app.add_route("/login", starlette_login, methods=["POST"])
    async with client(app) as http:
        await http.post("/login", json={"user_id": "u-42"})
        assert minted_claims(await http.get("/pandium/marketplace"), MARKETPLACE)["sub"] == "u-42"
