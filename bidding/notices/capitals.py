"""An amount in Chinese capital numerals (大写金额), as notices and contracts write it beside the
figures: 123456.78 yuan → 壹拾贰万叁仟肆佰伍拾陆元柒角捌分.

The conventions of the rules for filling in bills and settlement vouchers: "整" after whole yuan and
never after 分; one 零 for any run of zeros inside the yuan, and one 零 between the yuan and the
fractional part when the ones of the yuan or the 角 are zero (壹仟陆佰捌拾元零叁角贰分,
壹元零伍分); "壹拾" is written out in full, so nobody can prefix a digit. The PyPI converter `cn2an`
was weighed and left: its wheel installs top-level `src`, `build` and `example` packages and a
dependency of its own for what is thirty lines here."""

from __future__ import annotations

DIGITS = "零壹贰叁肆伍陆柒捌玖"
_PLACES = ("", "拾", "佰", "仟")


def _below_10k(n: int) -> str:
    out = ""
    zero_pending = False
    for place in range(3, -1, -1):
        digit = n // 10**place % 10
        if digit == 0:
            zero_pending = bool(out)
            continue
        if zero_pending:
            out += "零"
            zero_pending = False
        out += DIGITS[digit] + _PLACES[place]
    return out


def _whole(n: int) -> str:
    """A positive whole number in capitals: sections of 万 and 亿 (亿亿 beyond 10^16)."""
    for unit, size in (("亿", 10**8), ("万", 10**4)):
        if n >= size:
            high, rest = divmod(n, size)
            text = _whole(high) + unit
            if rest:
                text += ("零" if rest < size // 10 else "") + _whole(rest)
            return text
    return _below_10k(n)


def rmb_capitals(fen: int) -> str:
    """`fen` (an integer of fen, never negative) in capital numerals; raises ValueError for a
    negative amount and TypeError for anything but an int."""
    if not isinstance(fen, int) or isinstance(fen, bool):
        raise TypeError(f"an amount in fen is an int, got {type(fen).__name__}")
    if fen < 0:
        raise ValueError(f"an amount in capitals is never negative, got {fen} fen")
    yuan, cents = divmod(fen, 100)
    jiao, fen_digit = divmod(cents, 10)
    if not cents:
        return (_whole(yuan) if yuan else "零") + "元整"
    text = ""
    if yuan:
        text = _whole(yuan) + "元"
        if yuan % 10 == 0 or jiao == 0:
            text += "零"
    if jiao:
        text += DIGITS[jiao] + "角"
    if fen_digit:
        text += DIGITS[fen_digit] + "分"
    return text
