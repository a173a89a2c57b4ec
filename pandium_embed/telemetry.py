"""OpenTelemetry spans and counters, when ``opentelemetry-api`` is installed (``pandium-embed[otel]``).

Without the package nothing here is imported and the middleware does no telemetry work at all. With
it, the middleware reports to the global tracer and meter providers (or the ones given to
``Telemetry``); until an SDK is configured those are OpenTelemetry's no-op providers.

What is recorded: one span per request to the mint, events, launch and webhook routes, named after the
route's template (``pandium_embed GET /launch/{ticket}``), with ``pandium.route``,
``http.request.method``, ``pandium.flow``, ``pandium.outcome``, ``pandium.reason`` (refusals),
``pandium.event_type`` (webhooks) and ``http.response.status_code``; and two counters,
``pandium_embed.mints`` (by ``pandium.flow``) and ``pandium_embed.refusals`` (by ``pandium.reason``
and ``pandium.route``). Never a token, a ``tenant=`` URL, a ticket or a secret: the route is always
the template, never the path, and a failing hook's exception is reduced to its class name.

Telemetry never changes an answer: when the SDK or a span processor raises (starting or ending a span,
setting an attribute, counting), the failure is logged once per ``Telemetry``, by its class name, and
the request is answered exactly as it would be without telemetry.
"""

from __future__ import annotations

import logging
import math
import time
from types import TracebackType
from typing import TYPE_CHECKING, Any

from .version import __version__

if TYPE_CHECKING:
    from opentelemetry.metrics import MeterProvider
    from opentelemetry.trace import Span, TracerProvider

__all__ = ["INSTRUMENTATION_NAME", "MISSING_OTEL", "RouteSpan", "Telemetry", "default_telemetry"]

logger = logging.getLogger("pandium_embed")

INSTRUMENTATION_NAME = "pandium_embed"
# How often the global providers are looked at again: an SDK configured after the middleware was built
# is picked up within this, and until then a request pays one clock read, not a no-op span.
RECHECK_SECONDS = 1.0
MISSING_OTEL = (
    "pandium_embed.telemetry needs the OpenTelemetry API: pip install 'pandium-embed[otel]' "
    "(or pip install opentelemetry-api)."
)
TELEMETRY_FAILED = (
    "pandium_embed: OpenTelemetry raised %s while %s; requests are answered as without telemetry "
    "(logged once; check your span processors and exporters)"
)


class Telemetry:
    """Where the middleware's spans and counters go. ``Telemetry()`` uses OpenTelemetry's global
    providers; pass ``tracer_provider`` / ``meter_provider`` to use others (tests, several apps)."""

    def __init__(
        self, *, tracer_provider: TracerProvider | None = None, meter_provider: MeterProvider | None = None
    ) -> None:
        try:
            from opentelemetry import context, metrics, trace
        except ImportError:
            raise ImportError(MISSING_OTEL) from None
        self._trace = trace
        self._context = context
        self._metrics = metrics
        self._tracer_provider = tracer_provider
        self._meter_provider = meter_provider
        self._tracing = self._counting = False
        self._failure_logged = False
        self._recheck_at = -math.inf
        self._tracer = trace.get_tracer(INSTRUMENTATION_NAME, __version__, tracer_provider=tracer_provider)
        meter = metrics.get_meter(INSTRUMENTATION_NAME, __version__, meter_provider=meter_provider)
        self._mints = meter.create_counter(
            "pandium_embed.mints", unit="{token}", description="Pandium tokens minted, by flow."
        )
        self._flow_attributes: dict[str, dict[str, str]] = {}
        self._refusals = meter.create_counter(
            "pandium_embed.refusals",
            unit="{request}",
            description="Requests to a mint route answered with an error, by reason and route.",
        )

    def active(self) -> bool:
        """Whether spans or counts would be recorded now. Not while a provider is one of the API's own
        (its no-op, or its proxy until an SDK is configured): there even a no-op span costs microseconds."""
        now = time.monotonic()
        if now >= self._recheck_at:
            tracer_provider = self._tracer_provider or self._trace.get_tracer_provider()
            meter_provider = self._meter_provider or self._metrics.get_meter_provider()
            self._tracing = not _is_api_default(tracer_provider)
            self._counting = not _is_api_default(meter_provider)
            fixed = self._tracer_provider is not None and self._meter_provider is not None
            self._recheck_at = math.inf if fixed else now + RECHECK_SECONDS
        return self._tracing or self._counting

    def span(self, method: str, route: str) -> RouteSpan | None:
        """A span for one request to ``route`` (a template, never a path), current while it is open;
        ``None`` when nothing would record it (as of the last ``active()``)."""
        if not self._tracing:
            return None
        try:
            span = self._tracer.start_span(
                f"{INSTRUMENTATION_NAME} {method} {route}",
                attributes={"pandium.route": route, "http.request.method": method},
            )
        except Exception as error:
            self.failed(error, "starting a span")
            return None
        return RouteSpan(self, span)

    def minted(self, flow: str) -> None:
        if not self._counting:
            return
        attributes = self._flow_attributes.get(flow)
        if attributes is None:
            attributes = self._flow_attributes[flow] = {"pandium.flow": flow}
        try:
            # The same dict every time: building one per mint is most of a no-op counter's cost.
            self._mints.add(1, attributes)
        except Exception as error:
            self.failed(error, "counting a mint")

    def refused(self, reason: str, route: str) -> None:
        if not self._counting:
            return
        try:
            self._refusals.add(1, {"pandium.reason": reason, "pandium.route": route})
        except Exception as error:
            self.failed(error, "counting a refusal")

    def failed(self, error: Exception, doing: str) -> None:
        """Note that OpenTelemetry raised: logged the first time only (a broken exporter fails on every
        request), by class name (its message may quote anything), never raised on."""
        if not self._failure_logged:
            self._failure_logged = True
            logger.error(TELEMETRY_FAILED, type(error).__name__, doing)


class RouteSpan:
    """``with telemetry.span(...) as span: span.set(outcome="minted", status=303)``."""

    __slots__ = ("_span", "_telemetry", "_token")

    def __init__(self, telemetry: Telemetry, span: Span) -> None:
        self._telemetry = telemetry
        self._span = span
        self._token: Any = None

    def set(self, **attributes: str | int | None) -> None:
        """Set ``pandium.<name>`` attributes; ``status`` becomes ``http.response.status_code`` (a 5xx
        also marks the span as an error)."""
        try:
            self._set(attributes)
        except Exception as error:
            self._telemetry.failed(error, "setting span attributes")

    def _set(self, attributes: dict[str, str | int | None]) -> None:
        if not self._span.is_recording():
            return
        for name, value in attributes.items():
            if value is None:
                continue
            if name == "status":
                self._span.set_attribute("http.response.status_code", value)
                if isinstance(value, int) and value >= 500:
                    self._error("server-error")
            else:
                self._span.set_attribute(f"pandium.{name}", value)

    def _error(self, description: str) -> None:
        trace = self._telemetry._trace
        self._span.set_status(trace.Status(trace.StatusCode.ERROR, description))

    def __enter__(self) -> RouteSpan:
        # Current only when recording: hooks' own spans then nest under it, and a no-op span costs nothing.
        telemetry = self._telemetry
        try:
            if self._span.is_recording():
                self._token = telemetry._context.attach(telemetry._trace.set_span_in_context(self._span))
        except Exception as error:
            telemetry.failed(error, "making a span current")
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        telemetry = self._telemetry
        try:
            if exc_type is not None and self._span.is_recording():
                # The class name only: an exception's message may quote whatever the failing code held.
                self._error(exc_type.__name__)
        except Exception as error:
            telemetry.failed(error, "marking a span as an error")
        try:
            if self._token is not None:
                telemetry._context.detach(self._token)
        except Exception as error:
            telemetry.failed(error, "restoring the context")
        try:
            # Processors' on_end runs here: a vendor's exporter that raises must not reach the answer.
            self._span.end()
        except Exception as error:
            telemetry.failed(error, "ending a span")


def _is_api_default(provider: object) -> bool:
    # The API package's own providers (NoOp*, and the proxies that stand in until an SDK is set)
    # record nothing; an SDK's or a vendor's provider is defined elsewhere.
    return type(provider).__module__.startswith(("opentelemetry.trace", "opentelemetry.metrics"))


def default_telemetry() -> Telemetry | None:
    """``Telemetry()`` on the global providers if ``opentelemetry-api`` is installed, else ``None``."""
    try:
        return Telemetry()
    except ImportError:
        return None
