"""RFC 8785 canonical JSON (JCS), fast where that is provably the same bytes.

`rfc8785.dumps` is pure Python: at about 0.7 µs a value it was the largest single cost of opening
a task with 1,000 bids (1,004 audit events chained at commit, one with the 1,000-entry ranking).
`dumps` gives the very same bytes through the standard library's C encoder when the value holds
only what both write identically, and hands everything else to `rfc8785` (its bytes, or its error):

- strings (subclasses too: both write the characters): both escape exactly `"`, `\\` and the
  control characters U+0000–U+001F, as `\\b \\f \\n \\r \\t` or lowercase `\\u00xx`, and write every
  other character as itself in UTF-8 (`tests/market/test_jcs.py` compares every BMP character);
  a lone surrogate fails the UTF-8 encoding, and `rfc8785` then raises its own error;
- integers in JSON's exact range ±(2⁵³ − 1) (IntEnum too: both write the number), `true`,
  `false`, `null`;
- lists and tuples of these, and dicts whose keys are ASCII strings: RFC 8785 orders keys by
  their UTF-16 code units, which for ASCII is Python's own string order (`sort_keys`).

A float (RFC 8785 writes numbers as ECMAScript does, Python's `repr` does not), a larger integer,
a non-ASCII or non-string key, or any other type goes to `rfc8785` whole.
"""

from __future__ import annotations

import json

import rfc8785

_MAX = 2**53 - 1
_encode = json.JSONEncoder(
    ensure_ascii=False, allow_nan=False, sort_keys=True, separators=(",", ":")
).encode


def _plain(value: object) -> bool:
    """Whether the C encoder writes `value` exactly as RFC 8785 does (see the module docstring)."""
    kind = type(value)
    if kind is str or kind is bool or value is None:
        return True
    if kind is int:
        return -_MAX <= value <= _MAX
    if kind is dict:
        for key, item in value.items():
            if type(key) is not str or not key.isascii() or not _plain(item):
                return False
        return True
    if kind is list or kind is tuple:
        return all(_plain(item) for item in value)
    if isinstance(value, str):
        return True
    if isinstance(value, int):  # bool is handled above; IntEnum and the like
        return -_MAX <= value <= _MAX
    return False


def dumps(value: object) -> bytes:
    """RFC 8785 canonical JSON of `value` as UTF-8 bytes: byte for byte `rfc8785.dumps(value)`."""
    if _plain(value):
        try:
            return _encode(value).encode("utf-8")
        except UnicodeEncodeError:  # a lone surrogate: rfc8785 refuses it with its own error
            pass
    return rfc8785.dumps(value)
