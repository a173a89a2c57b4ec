"""docs/examples/reports_and_launch_links.py, run as written against MockPandium and a real redis-server."""

from __future__ import annotations

import json
from types import ModuleType
from typing import Any

import httpx
import pytest
from starlette.requests import Request

from pandium_embed import PandiumUser, marketplace_url, mint_token
from pandium_embed.mock.mock_server import MockPandiumServer
from tests.support.asgi import asgi_client, bare_app, quiet_httpx
from tests.support.docs import EXAMPLES, mock_environment, run_file
from tests.support.mock import page_data

SECRET = "readme-beyond-secret-0123456789abcdefghij"
LAUNCH_SECRET = "readme-beyond-launch-secret-0123456789abcdef"
NAVIGATE = {"sec-fetch-mode": "navigate", "sec-fetch-dest": "document"}


@pytest.mark.anyio
async def test_the_beyond_the_glue_example_runs_as_written(monkeypatch: pytest.MonkeyPatch, redis_url: str) -> None:
    with MockPandiumServer(secret=SECRET) as mock:
        environment = {**mock_environment(mock, SECRET), "LAUNCH_SECRET": LAUNCH_SECRET, "REDIS_URL": redis_url}
        saved: list[tuple[str, dict[str, Any]]] = []

        async def save_connection(sub: str, tenant: dict[str, Any]) -> None:
            saved.append((sub, tenant))

        def identify(request: Request) -> PandiumUser | None:
            return PandiumUser("user-7") if request.headers.get("x-signed-in") else None

        yourapp = ModuleType("yourapp")  # what the example imports from the reader's own app
        yourapp.app = bare_app  # type: ignore[attr-defined]
        yourapp.identify = identify  # type: ignore[attr-defined]
        yourapp.save_connection = save_connection  # type: ignore[attr-defined]
        yourapp.load_user = lambda sub: PandiumUser(sub, display_name="Loaded")  # type: ignore[attr-defined]
        example = run_file(
            EXAMPLES / "reports_and_launch_links.py", monkeypatch, env=environment, modules={"yourapp": yourapp}
        )
        app = example.app
        try:
            # The emailed link: absolute, works once without a session.
            link: str = example.link
            assert link.startswith("https://app.example.com/pandium/launch/")
            path = link.removeprefix("https://app.example.com")
            with quiet_httpx():
                async with asgi_client(app) as http:
                    first = await http.get(path, headers=NAVIGATE)
                    second = await http.get(path, headers=NAVIGATE)
            assert first.status_code == 303
            assert first.headers["location"].startswith(f"{mock.url}/{mock.org}/tenants/create/42?tenant=")
            assert second.status_code == 410

            # A tenant the mock's marketplace offered, reported by the browser, verified, saved.
            config = example.config
            with quiet_httpx():
                async with httpx.AsyncClient() as http:
                    page = await http.get(marketplace_url(config, mint_token(config, PandiumUser("user-7"))))
                    others = await http.get(marketplace_url(config, mint_token(config, PandiumUser("user-8"))))
            tenant = page_data(page.text)["integrations"][0]["tenant"]
            # Another user's real tenant, and user-7's own tenant reported as another integration.
            someone_elses = page_data(others.text)["integrations"][0]["tenant"]
            relabelled = {**page_data(page.text)["integrations"][1]["tenant"], "integration": tenant["integration"]}
            headers = {"content-type": "application/json", "origin": "http://app.test", "x-signed-in": "1"}
            answers = []
            async with asgi_client(app) as http:
                for reported in (
                    tenant,
                    {"id": 424242, "name": "made-up", "integration": {"id": 1, "name": "HubSpot"}},
                    someone_elses,
                    relabelled,
                ):
                    body = json.dumps({"type": "pandium-save-sync", "tenant": reported})
                    answers.append((await http.post("/pandium/events", content=body, headers=headers)).status_code)
            assert answers == [204, 204, 204, 204]
            assert saved == [("user-7", tenant)]
        finally:
            await app._routes.ticket_store._client.aclose()
