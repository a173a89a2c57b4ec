"""What every framework recipe does alike: the signed-in user is the token subject on every mint
route; nobody signed in, a logged-out or a forged session is 401; the loader is served, and the
prefix answers its own 404."""

from __future__ import annotations

import pytest

from tests.support.recipes import (
    MINT_IDS,
    MINT_ROUTES,
    SignedIn,
    assert_loader,
    assert_signed_out,
    client,
    mint,
    minted_claims,
)

pytestmark = pytest.mark.anyio


@pytest.mark.parametrize(("method", "path", "where"), MINT_ROUTES, ids=MINT_IDS)
async def test_the_signed_in_user_is_the_token_subject(
    recipe_signed_in: SignedIn, method: str, path: str, where: str
) -> None:
    async with client(recipe_signed_in.app) as http:
        await recipe_signed_in.sign_in(http)
        claims = minted_claims(await mint(http, method, path), where)
    assert claims["sub"] == recipe_signed_in.sub
    assert claims.get("ti", {}) == recipe_signed_in.ti


@pytest.mark.parametrize(("method", "path", "where"), MINT_ROUTES, ids=MINT_IDS)
async def test_nobody_signed_in_is_401_on_every_mint_route(
    recipe_signed_in: SignedIn, method: str, path: str, where: str
) -> None:
    async with client(recipe_signed_in.app) as http:
        assert_signed_out(await mint(http, method, path))


async def test_the_loader_and_the_prefixs_own_404(recipe_signed_in: SignedIn) -> None:
    async with client(recipe_signed_in.app) as http:
        assert_loader(await http.get("/pandium/embed.js"))
        assert (await http.get("/pandium/nope")).json()["error"] == "not-found"


@pytest.mark.parametrize(("method", "path", "where"), MINT_ROUTES, ids=MINT_IDS)
async def test_after_logout_and_with_a_forged_session_cookie_every_mint_route_is_401(
    recipe_with_cookie_session: SignedIn, method: str, path: str, where: str
) -> None:
    recipe = recipe_with_cookie_session
    assert recipe.forge is not None
    async with client(recipe.app) as http:
        await recipe.sign_in(http)
        cookie = http.cookies["session"]
        await http.post("/logout")
        assert_signed_out(await mint(http, method, path))
        http.cookies.set("session", recipe.forge(cookie))
        assert_signed_out(await mint(http, method, path))
        # The real cookie still works: only the forgery was refused.
        http.cookies.set("session", cookie)
        assert minted_claims(await mint(http, method, path), where)["sub"] == recipe.sub
