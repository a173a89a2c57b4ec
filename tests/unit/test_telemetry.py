"""pandium_embed.telemetry: spans and counters through the OpenTelemetry API, and nothing without it."""

from __future__ import annotations

import logging
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import httpx
import pytest
from opentelemetry import metrics, trace
from opentelemetry.sdk.metrics import MeterProvider
from opentelemetry.sdk.metrics.export import InMemoryMetricReader
from opentelemetry.sdk.trace import ReadableSpan, SpanProcessor, TracerProvider
from opentelemetry.sdk.trace.export import SimpleSpanProcessor
from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter

from pandium_embed import launch_url
from pandium_embed.telemetry import RouteSpan, Telemetry, default_telemetry
from tests.support.asgi import quiet_asgi_client
from tests.support.front_doors import FrontDoor, client
from tests.support.launch import claims_of, launch_app, open_link, reason_of
from tests.support.launch import link as launch_link
from tests.support.log_guard import leaks_in, span_texts
from tests.unit.test_middleware import CONFIG, build


@dataclass
class Recorded:
    """A Telemetry on its own SDK providers, and what they recorded."""

    telemetry: Telemetry
    spans: InMemorySpanExporter
    metrics: InMemoryMetricReader
    tracer_provider: TracerProvider

    def finished(self) -> tuple[ReadableSpan, ...]:
        return self.spans.get_finished_spans()

    def counts(self) -> dict[str, dict[tuple[tuple[str, Any], ...], int]]:
        """{metric name: {sorted attributes: value}}."""
        data = self.metrics.get_metrics_data()
        found: dict[str, dict[tuple[tuple[str, Any], ...], int]] = {}
        for resource in data.resource_metrics if data else []:
            for scope in resource.scope_metrics:
                for metric in scope.metrics:
                    for point in metric.data.data_points:
                        key = tuple(sorted((point.attributes or {}).items()))
                        found.setdefault(metric.name, {})[key] = int(point.value)  # type: ignore[union-attr]
        return found


def started(telemetry: Telemetry, method: str, route: str) -> RouteSpan:
    assert telemetry.active()
    span = telemetry.span(method, route)
    assert span is not None
    return span


@pytest.fixture
def recorded() -> Iterator[Recorded]:
    spans = InMemorySpanExporter()
    tracer_provider = TracerProvider()
    tracer_provider.add_span_processor(SimpleSpanProcessor(spans))
    reader = InMemoryMetricReader()
    meter_provider = MeterProvider(metric_readers=[reader])
    yield Recorded(
        Telemetry(tracer_provider=tracer_provider, meter_provider=meter_provider), spans, reader, tracer_provider
    )
    meter_provider.shutdown()
    tracer_provider.shutdown()


def test_a_route_span_carries_the_template_and_what_happened(recorded: Recorded) -> None:
    with started(recorded.telemetry, "GET", "/launch/{ticket}") as span:
        span.set(flow="install", outcome="minted", status=303, reason=None)
    (finished,) = recorded.finished()
    assert finished.name == "pandium_embed GET /launch/{ticket}"
    assert dict(finished.attributes or {}) == {
        "pandium.route": "/launch/{ticket}",
        "http.request.method": "GET",
        "pandium.flow": "install",
        "pandium.outcome": "minted",
        "http.response.status_code": 303,
    }
    assert finished.status.status_code == trace.StatusCode.UNSET


def test_a_route_span_is_current_so_a_hooks_spans_nest_under_it(recorded: Recorded) -> None:
    hook_tracer = recorded.tracer_provider.get_tracer("host-app")
    with (
        started(recorded.telemetry, "POST", "/webhooks/{secret}"),
        hook_tracer.start_as_current_span("save connection"),
    ):
        pass
    child, parent = recorded.finished()
    assert child.parent is not None and parent.context is not None
    assert child.parent.span_id == parent.context.span_id
    assert trace.get_current_span() is trace.INVALID_SPAN


def test_a_5xx_or_an_exception_marks_the_span_as_an_error_by_class_name_only(recorded: Recorded) -> None:
    with started(recorded.telemetry, "POST", "/events") as span:
        span.set(outcome="error", status=500)
    with pytest.raises(KeyError), started(recorded.telemetry, "POST", "/token"):
        raise KeyError("tenant=secret-value")
    answered, raised = recorded.finished()
    assert (answered.status.status_code, answered.status.description) == (trace.StatusCode.ERROR, "server-error")
    assert (raised.status.status_code, raised.status.description) == (trace.StatusCode.ERROR, "KeyError")
    assert raised.events == ()  # no exception event: its message could carry anything


def test_mints_and_refusals_are_counted_by_flow_and_by_reason(recorded: Recorded) -> None:
    assert recorded.telemetry.active()
    for flow in ("marketplace", "marketplace", "connect"):
        recorded.telemetry.minted(flow)
    recorded.telemetry.refused("not-signed-in", "/marketplace")
    recorded.telemetry.refused("link-used", "/launch/{ticket}")
    recorded.telemetry.refused("link-used", "/launch/{ticket}")
    counts = recorded.counts()
    assert counts["pandium_embed.mints"] == {
        (("pandium.flow", "marketplace"),): 2,
        (("pandium.flow", "connect"),): 1,
    }
    assert counts["pandium_embed.refusals"] == {
        (("pandium.reason", "not-signed-in"), ("pandium.route", "/marketplace")): 1,
        (("pandium.reason", "link-used"), ("pandium.route", "/launch/{ticket}")): 2,
    }


def test_with_the_apis_own_providers_nothing_is_recorded_at_all() -> None:
    telemetry = Telemetry(tracer_provider=trace.NoOpTracerProvider(), meter_provider=metrics.NoOpMeterProvider())
    assert telemetry.active() is False
    assert telemetry.span("GET", "/marketplace") is None


def test_a_global_sdk_configured_later_is_picked_up(monkeypatch: pytest.MonkeyPatch, recorded: Recorded) -> None:
    # Until an SDK is configured, the global providers are the API's proxies: nothing is made.
    monkeypatch.setattr(trace, "get_tracer_provider", lambda: trace.ProxyTracerProvider())
    monkeypatch.setattr(metrics, "get_meter_provider", metrics.NoOpMeterProvider)
    telemetry = Telemetry()
    assert telemetry.active() is False
    monkeypatch.setattr(trace, "get_tracer_provider", lambda: recorded.tracer_provider)
    assert telemetry.active() is False  # looked at again only after RECHECK_SECONDS
    telemetry._recheck_at = 0.0
    assert telemetry.active() is True
    assert telemetry.span("GET", "/marketplace") is not None


def test_the_default_uses_the_global_providers() -> None:
    # The suite's conftest installs a global SDK tracer provider (its span guard).
    telemetry = default_telemetry()
    assert telemetry is not None
    with started(telemetry, "GET", "/marketplace") as span:
        assert trace.get_current_span().is_recording()
        span.set(outcome="minted")


def test_without_opentelemetry_nothing_is_imported_and_the_middleware_runs() -> None:
    code = (
        "import sys\n"
        "class Block:\n"
        "    def find_spec(self, name, path=None, target=None):\n"
        "        if name.split('.')[0] == 'opentelemetry': raise ImportError(name)\n"
        "sys.meta_path.insert(0, Block())\n"
        "from pandium_embed import telemetry\n"
        "assert telemetry.default_telemetry() is None\n"
        "try:\n"
        "    telemetry.Telemetry()\n"
        "except ImportError as error:\n"
        "    assert str(error) == telemetry.MISSING_OTEL\n"
        "import asyncio, pandium_embed\n"
        "async def app(scope, receive, send): pass\n"
        "middleware = pandium_embed.PandiumMiddleware(app, config=pandium_embed.PandiumConfig('acme', 'x' * 32),\n"
        "    identify=lambda request: pandium_embed.PandiumUser('u'))\n"
        "assert middleware._routes._telemetry is None\n"
        "sent = []\n"
        "async def receive(): return {'type': 'http.request', 'body': b''}\n"
        "async def send(message): sent.append(message)\n"
        "scope = {'type': 'http', 'method': 'GET', 'path': '/pandium/marketplace', 'headers': []}\n"
        "asyncio.run(middleware(scope, receive, send))\n"
        "assert sent[0]['status'] == 303\n"
        "assert not [name for name in sys.modules if name.startswith('opentelemetry')]\n"
        "print('ok')\n"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert result.stdout.strip() == "ok", result.stderr


# --- through the middleware ---------------------------------------------------------------------------------


def traced(recorded: Recorded, **options: Any) -> Any:
    return build(telemetry=recorded.telemetry, **options)


async def call(app: Any, method: str, path: str, **options: Any) -> httpx.Response:
    async with quiet_asgi_client(app) as http:
        return await http.request(method, path, **options)


@pytest.mark.anyio
async def test_mint_routes_make_one_span_each_with_flow_outcome_and_status(recorded: Recorded) -> None:
    app = traced(recorded)
    await call(app, "GET", "/pandium/install/42")
    await call(app, "GET", "/pandium/connect/gwt", headers={"sec-fetch-site": "cross-site"})
    install, refused = recorded.finished()
    assert install.name == "pandium_embed GET /install/{integration_id}"
    assert dict(install.attributes or {}) == {
        "pandium.route": "/install/{integration_id}",
        "http.request.method": "GET",
        "pandium.flow": "install",
        "pandium.outcome": "minted",
        "http.response.status_code": 303,
    }
    assert dict(refused.attributes or {}) == {
        "pandium.route": "/connect/{connector}",
        "http.request.method": "GET",
        "pandium.flow": "connect",
        "pandium.outcome": "refused",
        "pandium.reason": "cross-site",
        "http.response.status_code": 403,
    }
    counts = recorded.counts()
    assert counts["pandium_embed.mints"] == {(("pandium.flow", "install"),): 1}
    assert counts["pandium_embed.refusals"] == {
        (("pandium.reason", "cross-site"), ("pandium.route", "/connect/{connector}")): 1
    }


@pytest.mark.anyio
async def test_events_launch_and_webhook_routes_are_spanned_by_template(recorded: Recorded) -> None:
    secret = "telemetry-webhook-secret-0123456789abcdefghij"
    launch_secret = "telemetry-launch-secret-0123456789abcdefghij"

    async def on_connected(request: Any, user: Any, event: Any) -> None:
        return None

    async def on_webhook(request: Any, event: Any) -> None:
        return None

    app = traced(
        recorded,
        on_connected=on_connected,
        webhook_secret=secret,
        on_webhook=on_webhook,
        launch_secret=launch_secret,
    )
    link = launch_url(CONFIG, "user-1", flow="marketplace", max_age=60, launch_secret=launch_secret)
    tenant = {"id": 11, "name": "hubspot-user-1", "integration": {"id": 1, "name": "HubSpot"}}
    event = {"type": "pandium-save-sync", "tenant": tenant}
    notification = {
        "event_type": "run_failed",
        "environment": "acme",
        "account_id": 1,
        "account_name": "acme",
        "timestamp": "2026-11-29T10:00:00Z",
    }
    await call(app, "GET", link)
    await call(app, "POST", "/pandium/events", json=event, headers={"origin": "http://app.test"})
    await call(app, "POST", f"/pandium/webhooks/{secret}", json=notification)
    await call(app, "POST", f"/pandium/webhooks/{secret}", json=notification)
    await call(app, "GET", "/pandium/embed.js")
    await call(app, "GET", "/elsewhere")
    spans = {span.name: dict(span.attributes or {}) for span in recorded.finished()}
    assert list(spans) == [
        "pandium_embed GET /launch/{ticket}",
        "pandium_embed POST /events",
        "pandium_embed POST /webhooks/{secret}",
    ]
    assert spans["pandium_embed GET /launch/{ticket}"]["pandium.outcome"] == "minted"
    assert spans["pandium_embed POST /events"]["pandium.outcome"] == "reported"
    webhooks = [dict(span.attributes or {}) for span in recorded.finished() if "webhooks" in span.name]
    assert [(a["pandium.event_type"], a["pandium.outcome"], a["http.response.status_code"]) for a in webhooks] == [
        ("run_failed", "delivered", 200),
        ("run_failed", "duplicate", 200),
    ]
    texts = [text for span in recorded.finished() for text in span_texts(span)]
    assert leaks_in(texts, [secret, launch_secret, link.rsplit("/", 1)[1]]) == []


@pytest.mark.anyio
async def test_a_wrong_webhook_secret_is_spanned_like_an_unknown_route(recorded: Recorded) -> None:
    secret = "telemetry-webhook-secret-0123456789abcdefghij"

    async def on_webhook(request: Any, event: Any) -> None:
        return None

    app = traced(recorded, webhook_secret=secret, on_webhook=on_webhook)
    await call(app, "POST", "/pandium/webhooks/not-the-secret", json={})
    assert recorded.finished() == ()


@pytest.mark.anyio
async def test_telemetry_false_records_nothing(recorded: Recorded) -> None:
    app = build(telemetry=False)
    await call(app, "GET", "/pandium/marketplace")
    assert recorded.finished() == () and app._routes._telemetry is None


# --- telemetry that raises never changes an answer -----------------------------------------------------------


class BrokenProcessor(SpanProcessor):
    """A span processor (a vendor's exporter, say) that raises in ``on_start`` or ``on_end``."""

    def __init__(self, when: str) -> None:
        self.when = when

    def on_start(self, span: Any, parent_context: Any = None) -> None:
        if self.when == "on_start":
            raise RuntimeError("exporter down")

    def on_end(self, span: Any) -> None:
        if self.when == "on_end":
            raise RuntimeError("exporter down")


@pytest.fixture(params=["on_start", "on_end"])
def broken(request: pytest.FixtureRequest) -> Iterator[Telemetry]:
    tracer_provider = TracerProvider()
    tracer_provider.add_span_processor(BrokenProcessor(request.param))
    yield Telemetry(tracer_provider=tracer_provider, meter_provider=metrics.NoOpMeterProvider())
    tracer_provider.shutdown()


class Audit:
    def __init__(self) -> None:
        self.records: list[Any] = []

    def __call__(self, request: Any, user: Any, record: Any) -> None:
        self.records.append(record)


@pytest.mark.anyio
async def test_a_span_processor_that_raises_never_changes_a_mint(
    broken: Telemetry, door: FrontDoor, caplog: pytest.LogCaptureFixture
) -> None:
    audit = Audit()
    app = build(door=door, telemetry=broken, on_mint=audit)
    with caplog.at_level(logging.WARNING, logger="pandium_embed"):
        async with client(app) as http:
            minted = await http.get("/pandium/install/42")
            again = await http.get("/pandium/install/42")
            refused = await http.get("/pandium/marketplace", headers={"sec-fetch-site": "cross-site"})
    assert (minted.status_code, again.status_code, refused.status_code) == (303, 303, 403)
    assert minted.headers["location"].startswith("https://imp.sandbox.pandium.com/acme/tenants/create/42?tenant=")
    assert [record.outcome for record in audit.records] == ["minted", "minted", "refused"]
    # Logged once, by class name only, however often it fails.
    failures = [record for record in caplog.records if "telemetry" in record.getMessage()]
    assert len(failures) == 1 and "RuntimeError" in failures[0].getMessage()
    assert "exporter down" not in caplog.text


@pytest.mark.anyio
async def test_a_span_processor_that_raises_never_spends_a_launch_link(broken: Telemetry, door: FrontDoor) -> None:
    audit = Audit()
    app = launch_app(door=door, telemetry=broken, on_mint=audit)
    url = launch_link()
    first = await open_link(app, url)
    second = await open_link(app, url)
    assert first.status_code == 303
    assert (second.status_code, reason_of(second)) == (410, "link-used")
    # One MintRecord, for the token that was delivered.
    minted = [record for record in audit.records if record.outcome == "minted"]
    assert [record.jti for record in minted] == [claims_of(first)["jti"]]
