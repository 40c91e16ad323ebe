"""The amount in capital numerals (bidding/notices/capitals.py) on its boundaries."""

import pytest

from bidding.notices.capitals import rmb_capitals

CASES = [
    (0, "零元整"),
    (1, "壹分"),  # 0.01
    (10, "壹角"),  # 0.10
    (11, "壹角壹分"),
    (1000, "壹拾元整"),  # 10 and 10.00 are the same fen
    (1005, "壹拾元零伍分"),
    (105, "壹元零伍分"),
    (110, "壹元壹角"),
    (168032, "壹仟陆佰捌拾元零叁角贰分"),
    (100100, "壹仟零壹元整"),
    (10_000_100, "壹拾万零壹元整"),  # 100,001
    (10_010_000, "壹拾万零壹佰元整"),
    (12_345_678, "壹拾贰万叁仟肆佰伍拾陆元柒角捌分"),
    (100_000_010, "壹佰万元零壹角"),  # 1,000,000.10
    (10**8 * 100, "壹亿元整"),
    ((10**8 + 1) * 100, "壹亿零壹元整"),
    ((10**8 + 10**4) * 100, "壹亿零壹万元整"),
    ((10**8 + 10**7) * 100, "壹亿壹仟万元整"),
    (123_456_789_012_345, "壹万贰仟叁佰肆拾伍亿陆仟柒佰捌拾玖万零壹佰贰拾叁元肆角伍分"),
    (10**16 * 100, "壹亿亿元整"),
]


@pytest.mark.parametrize(("fen", "text"), CASES)
def test_capitals(fen, text):
    assert rmb_capitals(fen) == text


def test_negative_refused():
    with pytest.raises(ValueError, match="never negative, got -1 fen"):
        rmb_capitals(-1)


@pytest.mark.parametrize("value", [1.5, "100", True, None])
def test_only_integer_fen(value):
    with pytest.raises(TypeError, match="an amount in fen is an int"):
        rmb_capitals(value)
