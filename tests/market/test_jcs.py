"""`market.jcs.dumps` writes exactly `rfc8785.dumps`'s bytes (the audit chain's hashes depend on
it), taking the C encoder only where that is provably the same and `rfc8785` elsewhere."""

from __future__ import annotations

import enum

import pytest
import rfc8785

from market import jcs

BMP = "".join(chr(c) for c in range(0x10000) if not 0xD800 <= c <= 0xDFFF)


class Colour(enum.StrEnum):
    red = "红"


class Size(enum.IntEnum):
    big = 3


@pytest.mark.parametrize(
    "value",
    [
        BMP,  # every escape and every character written as itself
        {"k": BMP, "astral": "\U0001f600𠀀", "ctl": "\x00\x1f\x7f\u2028\u2029"},
        [list(BMP[:200])],
        {"b": [1, -1, 0, 2**53 - 1, -(2**53 - 1)], "a": None, "c": True, "d": False},
        {"z": {"y": {"x": []}}, "A": {}, "_": (1, "2")},
        {"method": Colour.red, "n": Size.big, Colour.red: 1},  # enums: written by value
        {"price": 1.5, "n": 1},  # a float: rfc8785 writes it
        {"big": 2**53},  # beyond JSON's exact integers: rfc8785's error
        {"é": 1, "e": 2, "\uff61": 3, "\U0001f600": 4},  # non-ASCII keys: UTF-16 order
        {1: "integer key"},
        {"when": object()},
        {"lone": "\ud800"},
    ],
)
def test_the_same_bytes_or_the_same_error_as_rfc8785(value):
    try:
        expected = rfc8785.dumps(value)
    except Exception as error:  # noqa: BLE001 - whatever rfc8785 raises, jcs raises too
        with pytest.raises(type(error)):
            jcs.dumps(value)
    else:
        assert jcs.dumps(value) == expected


def test_the_fast_path_is_taken_for_plain_values_only():
    assert jcs._plain({"a": [1, "x", None, True, {"b": (2,)}]})
    assert jcs._plain({"method": Colour.red, "n": Size.big})
    assert not jcs._plain({"a": 1.0})
    assert not jcs._plain({"a": 2**53})
    assert not jcs._plain({"é": 1})
    assert not jcs._plain({1: 1})
