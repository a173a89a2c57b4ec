"""The checks every layer shares: one definition of a positive integer, a secret's bytes, and a plain
path segment (the ids and names that end up in Pandium's URLs, our routes and API paths)."""

from __future__ import annotations

import re
import string
from typing import Any, TypeGuard

__all__ = ["SEGMENT_PATTERN", "ascii_lower", "is_positive_int", "is_segment", "secret_bytes", "segment_id"]

# Names that end up as one path segment of a Pandium URL and of our own routes: no '/', '..', '%',
# backslash or non-ASCII can reach a redirect or an API path through them.
SEGMENT_PATTERN = re.compile(r"[A-Za-z0-9_-]{1,128}")


_ASCII_LOWER = str.maketrans(string.ascii_uppercase, string.ascii_lowercase)


def ascii_lower(value: str) -> str:
    """``value`` with A-Z lower-cased and every other character as it is. Not ``str.lower()``, which
    also maps the Kelvin sign to "k", Σ to σ and ǅ to ǆ: a user choosing such characters in a ``sub``
    would then compare equal to another user."""
    return value.translate(_ASCII_LOWER)


def is_positive_int(value: Any) -> TypeGuard[int]:
    """A whole number above zero; ``True`` is not one, although Python says it is an int."""
    return isinstance(value, int) and not isinstance(value, bool) and value > 0


def secret_bytes(secret: str | bytes) -> bytes:
    """A secret as the bytes an HMAC key is made of (text is UTF-8)."""
    return secret.encode("utf-8") if isinstance(secret, str) else secret


def is_segment(value: Any) -> TypeGuard[str]:
    """A string that is one plain path segment (:data:`SEGMENT_PATTERN`)."""
    return isinstance(value, str) and SEGMENT_PATTERN.fullmatch(value) is not None


def segment_id(value: Any) -> str | None:
    """An id given as a plain segment or as a non-negative integer, as a string; ``None`` if it is neither."""
    if isinstance(value, int) and not isinstance(value, bool) and value >= 0:
        return str(value)
    return value if is_segment(value) else None
