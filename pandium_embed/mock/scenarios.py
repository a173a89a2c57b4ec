"""Scenarios: make the stand-in misbehave on purpose, so a host app's failure paths can be tested.

One scenario is active at a time. It applies to the pages (marketplace, install-only, Auth-Only) opened
after it is set, for ``times`` page loads or, with ``times=None``, until it is reset; Pandium's REST API
(``/v2/...``) follows its ``status``, ``delay`` and ``tenant`` while it is active.

From Python: ``pandium_mock.scenario(reject="expired", times=1)``. Over HTTP (Node suites):
``POST /__mock__/scenario`` with the same fields as a JSON object, ``DELETE /__mock__/scenario`` to reset.
"""

from __future__ import annotations

import contextvars
import copy
import json
import threading
from collections.abc import Mapping
from dataclasses import asdict, dataclass, field, fields
from typing import Any

__all__ = [
    "FIELDS",
    "MAX_DELAY",
    "SCENARIO_UNAVAILABLE",
    "Scenario",
    "ScenarioError",
    "Scenarios",
    "current_scenario",
    "parse_scenario",
]

# A slow page, not a hung test run.
MAX_DELAY = 60.0

NOT_AN_OBJECT = 'A scenario is a JSON object like {"reject": "expired", "times": 1}.'
BAD_REJECT = "reject must be one of the mock's reason codes ({codes}); got {value!r}."
BAD_STATUS = "status must be an HTTP server-error status, 500-599, or 429 (rate limited) (got {value!r})."
BAD_DELAY = f"delay must be a number of seconds from 0 to {MAX_DELAY:g} (got {{value!r}})."
BAD_FLAG = "{name} must be true or false (got {value!r})."
BAD_TENANT = 'tenant must be a JSON object of tenant fields to replace, like {{"id": 99}} (got {value!r}).'
BAD_TIMES = "times must be a positive integer, or null for every page until reset (got {value!r})."
# What a page or the REST API answers under a scenario's status.
SCENARIO_UNAVAILABLE = "Pandium answered {status}: the test set a scenario that makes the stand-in fail."


class ScenarioError(ValueError):
    """A scenario field is wrong; the message names it and says what it takes."""


@dataclass(frozen=True, slots=True)
class Scenario:
    """What the stand-in does wrong. Each field is independent; the defaults misbehave in no way.

    ``reject``: refuse the token with this reason code (one of ``PAGE_REASONS``), as for a real refusal.
    ``status``: answer pages and the REST API with this 5xx status (or 429, rate limited, with
    ``Retry-After``) and an error page.
    ``delay``: wait this many seconds before answering a page or an API request.
    ``silent``: pages load and work but post no message at all (not even their height).
    ``tenant``: top-level tenant fields that replace the generated ones, in what the pages post and
    what the API serves (e.g. ``{"id": 99, "name": "custom"}``).
    ``deny_consent``: the Auth-Only consent popup's answer counts as denied, whichever button is clicked.
    ``times``: how many page loads it applies to; ``None`` means until reset.
    """

    reject: str | None = None
    status: int | None = None
    delay: float = 0.0
    silent: bool = False
    tenant: Mapping[str, Any] = field(default_factory=dict)
    deny_consent: bool = False
    times: int | None = None

    def as_json(self) -> dict[str, Any]:
        values = asdict(self)
        values["tenant"] = copy.deepcopy(dict(self.tenant))
        return values


# The field names, in order, from the dataclass: the one list that parse_scenario, the error messages
# and the TypeScript Scenario interface (js/testing, checked by a test) follow.
FIELDS: tuple[str, ...] = tuple(item.name for item in fields(Scenario))
UNKNOWN_FIELD = "Unknown scenario field {name!r}: the fields are " + ", ".join(FIELDS) + "."


def parse_scenario(value: Any, *, reasons: Mapping[str, str]) -> Scenario:
    """Validate a scenario's fields (keyword arguments or a JSON body) into a ``Scenario``."""
    if not isinstance(value, dict):
        raise ScenarioError(NOT_AN_OBJECT)
    for name in value:
        if name not in FIELDS:
            raise ScenarioError(UNKNOWN_FIELD.format(name=name))
    reject = value.get("reject")
    if reject is not None and not (isinstance(reject, str) and reject in reasons):
        raise ScenarioError(BAD_REJECT.format(codes=", ".join(sorted(reasons)), value=reject))
    status = value.get("status")
    if status is not None and not (_is_int(status) and (500 <= status <= 599 or status == 429)):
        raise ScenarioError(BAD_STATUS.format(value=status))
    delay = value.get("delay", 0.0)
    if isinstance(delay, bool) or not isinstance(delay, (int, float)) or not (0 <= delay <= MAX_DELAY):
        raise ScenarioError(BAD_DELAY.format(value=delay))
    for name in ("silent", "deny_consent"):
        if not isinstance(value.get(name, False), bool):
            raise ScenarioError(BAD_FLAG.format(name=name, value=value[name]))
    tenant = value.get("tenant", {})
    if not isinstance(tenant, dict) or not _is_json(tenant):
        raise ScenarioError(BAD_TENANT.format(value=tenant))
    times = value.get("times")
    if times is not None and not (_is_int(times) and times > 0):
        raise ScenarioError(BAD_TIMES.format(value=times))
    return Scenario(
        reject=reject,
        status=status,
        delay=float(delay),
        silent=value.get("silent", False),
        # A copy: the caller's dict may change after the scenario is set.
        tenant=copy.deepcopy(tenant),
        deny_consent=value.get("deny_consent", False),
        times=times,
    )


def _is_int(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _is_json(value: dict[Any, Any]) -> bool:
    # What JSON can carry to the page: no NaN, no objects, string keys.
    try:
        json.dumps(value, allow_nan=False)
    except (TypeError, ValueError):
        return False
    return all(isinstance(key, str) for key in value)


class Scenarios:
    """The active scenario, shared by the server thread and the test thread."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._active: Scenario | None = None
        self._left: int | None = None

    def set(self, scenario: Scenario) -> None:
        with self._lock:
            self._active, self._left = scenario, scenario.times

    def reset(self) -> None:
        with self._lock:
            self._active, self._left = None, None

    @property
    def active(self) -> Scenario | None:
        with self._lock:
            return self._active

    def take(self) -> Scenario | None:
        """The scenario for one page load: counts it against ``times``, clearing it when used up."""
        with self._lock:
            scenario = self._active
            if scenario is not None and self._left is not None:
                self._left -= 1
                if self._left <= 0:
                    self._active, self._left = None, None
            return scenario


# The scenario the request being served runs under, for the code that builds its page and tenants.
current_scenario: contextvars.ContextVar[Scenario | None] = contextvars.ContextVar("current_scenario", default=None)
