"""The shared checks: one definition each of a positive integer, a secret's bytes and a path segment."""

from __future__ import annotations

from typing import Any

import pytest

from pandium_embed.validate import is_positive_int, is_segment, secret_bytes, segment_id


@pytest.mark.parametrize(
    ("value", "expected"),
    [(1, True), (10**9, True), (0, False), (-1, False), (True, False), (1.0, False), ("1", False)],
)
def test_a_positive_int_is_a_whole_number_above_zero_and_not_a_bool(value: Any, expected: bool) -> None:
    assert is_positive_int(value) is expected


def test_a_text_secret_is_its_utf8_bytes_and_bytes_stay_as_they_are() -> None:
    assert secret_bytes("sécret") == "sécret".encode()
    assert secret_bytes(b"\xff\x00") == b"\xff\x00"


@pytest.mark.parametrize("value", ["42", "abc_DEF-9", "x" * 128])
def test_plain_segments(value: str) -> None:
    assert is_segment(value) and segment_id(value) == value


@pytest.mark.parametrize("value", ["", ".", "..", "a/b", "a%2Fb", "a b", "é", "x" * 129, None, True, -1, 1.5, ["1"]])
def test_anything_else_is_not_a_segment_id(value: Any) -> None:
    assert segment_id(value) is None


def test_a_non_negative_int_id_is_its_digits() -> None:
    assert (segment_id(0), segment_id(42)) == ("0", "42")
