"""Validation that both the HTML forms and the JSON API go through.

Services raise `Invalid` with messages keyed by field. A message is an untranslated msgid with its
parameters (marked with `N_` so Babel extracts it); the web layer translates it at render time, so
the rules themselves know nothing of Flask or of the reader's language.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from stdnum import exceptions as stdnum_exc
from stdnum.cn import uscc as stdnum_uscc

#: The largest row id: ids are INTEGER columns, 32-bit on PostgreSQL, where a larger number in a
#: query is an error of the database ("integer out of range"), not an empty answer.
MAX_ID = 2**31 - 1
#: The longest text a path segment may carry: every task number, code, receipt and hash is far
#: shorter, and a longer one names nothing.
MAX_SEGMENT = 200
#: The largest amount a column holds: money is BIGINT fen.
MAX_FEN = 2**63 - 1


def N_(msgid: str) -> str:
    """Mark a string for translation without translating it here."""
    return msgid


@dataclass(frozen=True)
class Message:
    msgid: str
    params: Mapping[str, object] = field(default_factory=dict)


class Invalid(Exception):
    """Bad input: `errors` maps a field name ("" for the whole request) to its messages."""

    def __init__(self, errors: Mapping[str, list[Message]]):
        super().__init__("; ".join(f"{k}: {m.msgid}" for k, ms in errors.items() for m in ms))
        self.errors = dict(errors)


class Forbidden(Exception):
    """The actor may not do this; `message` says why in words the user can act on."""

    def __init__(self, message: Message | str):
        self.message = message if isinstance(message, Message) else Message(message)
        super().__init__(self.message.msgid)


class NotFound(Exception):
    pass


#: An amount as typed in yuan, once NFKC (full-width digits) and thousands commas are dealt with:
#: digits and at most one point, nothing else (no sign, exponent, NaN or infinity).
_YUAN = re.compile(r"(?=\.?[0-9])[0-9]*(?:\.[0-9]*)?")
_EXPONENT = re.compile(r"[0-9.]+[eE][+-]?[0-9]+")
#: Digits of yuan beyond which no amount fits MAX_FEN (19 digits of fen, 2 of them decimals).
_MAX_YUAN_DIGITS = 18


def yuan_text(fen: int) -> str:
    """An amount of fen as yuan with two decimals and thousands commas: 123450 → "1,234.50"."""
    yuan, rest = divmod(abs(fen), 100)
    return f"{'-' if fen < 0 else ''}{yuan:,}.{rest:02d}"


def parse_yuan(value: object) -> int | None:
    """An amount typed in yuan as integer fen, exactly (by `Decimal`, never a float):
    "1,234.50" → 123450, "１２" → 1200; None when empty. Anything else raises `Invalid` under ""
    with what is wrong in words: text, an exponent (1e5), a sign, more than two decimals, a value
    beyond what a column holds. The one parser of every form's amounts."""
    if value is None:
        return None
    text = unicodedata.normalize("NFKC", str(value)).strip()
    if not text:
        return None

    def refuse(msgid: str) -> Invalid:
        return Invalid({"": [Message(msgid)]})

    whole, point, decimals = text.partition(".")
    digits = whole.replace(",", "") + point + decimals  # thousands commas, in the yuan only
    if _YUAN.fullmatch(digits) is None:
        if text.startswith("-") and _YUAN.fullmatch(text[1:].replace(",", "")):
            raise refuse(N_("An amount cannot be negative."))
        if _EXPONENT.fullmatch(text.lstrip("+-")):
            raise refuse(N_("Write the amount in digits, without an exponent such as 1e5."))
        raise refuse(N_("Enter an amount in yuan, such as 1234.50."))
    if len(digits.partition(".")[0].lstrip("0")) > _MAX_YUAN_DIGITS:
        raise refuse(N_("This amount is too large."))
    fen = Decimal(digits) * 100
    if fen != fen.to_integral_value():
        raise refuse(N_("At most two decimals: the smallest amount is 0.01 yuan (1 fen)."))
    if fen > MAX_FEN:
        raise refuse(N_("This amount is too large."))
    return int(fen)


_MARKUP = re.compile(r"[<>]|&[#a-zA-Z0-9]+;")
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
#: Unicode direction controls (embeddings, overrides, isolates, marks): invisible, they make a name
#: display in another order than it is stored ("Trojan Source", CVE-2021-42574).
_BIDI = re.compile("[\u202a-\u202e\u2066-\u2069\u200e\u200f\u061c]")
#: Letters and symbols that render as nothing: the Hangul fillers and the blank braille pattern.
_BLANK_GLYPHS = frozenset("\u115f\u1160\u3164\uffa0\u2800")
#: Categories that show no glyph of their own: format characters (zero-width spaces and joiners,
#: the soft hyphen …), separators (spaces), controls and non-spacing marks with no base.
_INVISIBLE_CATEGORIES = frozenset({"Cf", "Cc", "Zs", "Zl", "Zp", "Mn"})


def _invisible(char: str) -> bool:
    return char in _BLANK_GLYPHS or unicodedata.category(char) in _INVISIBLE_CATEGORIES


class Checker:
    """Collects every problem in a submission, then raises them together."""

    def __init__(self) -> None:
        self.errors: dict[str, list[Message]] = {}

    def add(self, name: str, msgid: str, **params: object) -> None:
        self.errors.setdefault(name, []).append(Message(msgid, params))

    def ok(self, name: str) -> bool:
        return name not in self.errors

    def text(
        self,
        name: str,
        value: object,
        *,
        max_length: int,
        required: bool = True,
        min_length: int = 0,
        markup: bool = True,
        multiline: bool = False,
        identity: bool = False,
    ) -> str | None:
        """Normalize (NFC, trimmed) and check a text field; returns the clean value.

        `identity` marks a name someone is known by (a person, an organization, a user): it may
        not hold direction controls nor be made only of invisible characters, so that no one
        passes for someone else or for no one."""
        if value is None or (isinstance(value, str) and not value.strip()):
            if required:
                self.add(name, N_("This field is required."))
            return None
        if not isinstance(value, str):
            self.add(name, N_("Must be text."))
            return None
        clean = unicodedata.normalize("NFC", value.strip())
        if not multiline:
            clean = " ".join(clean.split())
        if _CONTROL.search(clean):
            self.add(name, N_("Contains control characters."))
        if len(clean) > max_length:
            self.add(
                name,
                N_("At most %(max)d characters (you gave %(n)d)."),
                max=max_length,
                n=len(clean),
            )
        elif len(clean) < min_length:
            self.add(name, N_("At least %(min)d characters."), min=min_length)
        if not markup and _MARKUP.search(clean):
            self.add(name, N_("Markup such as < > or & entities is not allowed here."))
        if identity and _BIDI.search(clean):
            self.add(
                name,
                N_(
                    "Contains invisible text-direction controls, "
                    "which can make a name read differently."
                ),
            )
        elif identity and all(map(_invisible, clean)):
            self.add(name, N_("A name needs at least one visible character."))
        return clean

    def integer(
        self,
        name: str,
        value: object,
        *,
        minimum: int | None = None,
        maximum: int | None = None,
        required: bool = True,
    ) -> int | None:
        if value is None or value == "":
            if required:
                self.add(name, N_("This field is required."))
            return None
        if isinstance(value, bool):
            self.add(name, N_("Must be a whole number."))
            return None
        try:
            number = int(value) if not isinstance(value, float) or value.is_integer() else None
        except (TypeError, ValueError):
            number = None
        if number is None:
            self.add(name, N_("Must be a whole number."))
            return None
        if minimum is not None and number < minimum:
            self.add(name, N_("Must be at least %(min)d."), min=minimum)
        if maximum is not None and number > maximum:
            self.add(name, N_("Must be at most %(max)d."), max=maximum)
        return number

    def money(
        self,
        name: str,
        value: object,
        *,
        minimum: int = 0,
        maximum: int = MAX_FEN,
        required: bool = True,
    ) -> int | None:
        """An amount in fen: a whole number, its bounds said in yuan, the unit people type."""
        before = len(self.errors.get(name, []))
        amount = self.integer(name, value, required=required)
        if amount is None or len(self.errors.get(name, [])) > before:
            return amount
        if amount < 0 <= minimum:
            self.add(name, N_("An amount cannot be negative."))
        elif amount < minimum:
            self.add(name, N_("Must be at least %(yuan)s yuan."), yuan=yuan_text(minimum))
        elif amount > maximum:
            self.add(name, N_("Must be at most %(yuan)s yuan."), yuan=yuan_text(maximum))
        return amount

    def date(self, name: str, value: object, *, required: bool = True) -> date | None:
        """A date: a `date`, or its ISO form (2027-06-30)."""
        if value in (None, ""):
            if required:
                self.add(name, N_("This field is required."))
            return None
        if isinstance(value, date):
            return value
        try:
            return date.fromisoformat(str(value))
        except ValueError:
            self.add(name, N_("A date looks like 2027-06-30."))
            return None

    def uscc(self, name: str, value: object) -> str | None:
        """A unified social credit code, checked with python-stdnum, each failure named."""
        raw = self.text(name, value, max_length=40)
        if raw is None:
            return None
        try:
            return stdnum_uscc.validate(raw.upper())
        except stdnum_exc.InvalidLength:
            self.add(name, N_("A unified social credit code has 18 characters."))
        except stdnum_exc.InvalidFormat:
            self.add(
                name,
                N_(
                    "A unified social credit code uses only digits and the letters "
                    "A–Y without I, O, S, V, Z."
                ),
            )
        except stdnum_exc.InvalidChecksum:
            self.add(
                name,
                N_(
                    "The check character of this unified social credit code is wrong; "
                    "please copy it again from the business licence."
                ),
            )
        except stdnum_exc.InvalidComponent:
            self.add(
                name,
                N_(
                    "This unified social credit code has an invalid component "
                    "(registration authority, kind or region)."
                ),
            )
        except stdnum_exc.ValidationError:
            self.add(name, N_("Not a valid unified social credit code."))
        return None

    def raise_if_any(self) -> None:
        if self.errors:
            raise Invalid(self.errors)
