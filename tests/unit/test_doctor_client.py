"""pandium-embed doctor's HTTP client keeps no cookies: each check sends exactly the session it was given
(or none), even when the app sets or refreshes its session cookie on every answer, as Starlette's
SessionMiddleware before 1.0, Django with SESSION_SAVE_EVERY_REQUEST or Flask's permanent sessions do."""

from __future__ import annotations

import httpx

from pandium_embed.doctor import _client


def test_a_set_cookie_answer_is_not_kept_for_the_next_request() -> None:
    with _client() as http:
        request = http.build_request("GET", "http://127.0.0.1:8000/integrations", headers={"cookie": "session=given"})
        answer = httpx.Response(200, headers={"set-cookie": "session=refreshed; Path=/; HttpOnly"}, request=request)
        http.cookies.extract_cookies(answer)
        following = http.build_request("GET", "http://127.0.0.1:8000/pandium/marketplace")
        assert "cookie" not in following.headers
        assert not list(http.cookies.jar)
