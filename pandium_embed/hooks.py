"""``Hook``: a host app's callback (identify, connector_token, on_connected, user_for_sub, ...),
sync or async, called the same way."""

from __future__ import annotations

import functools
import inspect
from collections.abc import Callable
from typing import Any

from starlette.concurrency import run_in_threadpool

__all__ = ["Hook", "is_async_callable"]


def is_async_callable(obj: Any) -> bool:
    """Whether calling ``obj`` gives an awaitable: a coroutine function, an async callable object, or
    a partial of either."""
    while isinstance(obj, functools.partial):
        obj = obj.func
    return inspect.iscoroutinefunction(obj) or inspect.iscoroutinefunction(getattr(obj, "__call__", None))  # noqa: B004 -- a callable instance's async __call__


class Hook:
    """A callback that knows, once, whether it is async. ``await hook(...)`` is the ASGI way to call
    it; the WSGI door calls ``hook.func`` on the server's thread itself."""

    __slots__ = ("func", "is_async")

    def __init__(self, func: Callable[..., Any]) -> None:
        self.func = func
        self.is_async = is_async_callable(func)

    async def __call__(self, *args: Any) -> Any:
        # Sync hooks usually touch a database or a session store: keep them off the event loop (and out
        # of Django's async-unsafe checks), as Starlette does for sync endpoints.
        if self.is_async:
            return await self.func(*args)
        result = await run_in_threadpool(self.func, *args)
        if inspect.isawaitable(result):
            result = await result
        return result
