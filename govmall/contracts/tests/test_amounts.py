"""Amounts in Chinese capitals (大写金额) as banks and contracts write them."""

import pytest

from govmall.contracts.amounts import capitals


@pytest.mark.parametrize(
    "value, text",
    [
        ("0", "零元整"),
        ("1", "壹元整"),
        ("10", "壹拾元整"),
        ("15", "壹拾伍元整"),
        ("100.50", "壹佰元零伍角整"),
        ("1004.56", "壹仟零肆元伍角陆分"),
        ("1680.32", "壹仟陆佰捌拾元零叁角贰分"),
        ("325.04", "叁佰贰拾伍元零肆分"),
        ("107000.53", "壹拾万柒仟元零伍角叁分"),
        ("200000", "贰拾万元整"),
        ("10005", "壹万零伍元整"),
        ("1010", "壹仟零壹拾元整"),
        ("100000005", "壹亿零伍元整"),
        ("100010000", "壹亿零壹万元整"),
        ("1500000", "壹佰伍拾万元整"),
        ("9998.00", "玖仟玖佰玖拾捌元整"),
        ("0.05", "伍分"),
        ("0.5", "伍角整"),
        ("999999999999.99", "玖仟玖佰玖拾玖亿玖仟玖佰玖拾玖万玖仟玖佰玖拾玖元玖角玖分"),
    ],
)
def test_amount_in_capitals(value, text):
    assert capitals(value) == text


def test_negative_amounts_and_a_trillion_are_refused():
    with pytest.raises(ValueError):
        capitals("-1")
    with pytest.raises(ValueError):
        capitals("1000000000000")


def test_floats_are_refused():
    with pytest.raises(TypeError):
        capitals(1.5)
