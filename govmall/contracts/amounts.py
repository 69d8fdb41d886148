"""Amounts in Chinese capitals (大写金额) as written on contracts and payment vouchers.

Rules of 中国人民银行《正确填写票据和结算凭证的基本规定》: digits 零壹贰叁肆伍陆柒捌玖,
units 拾佰仟万亿; 整 after 元 (and after 角), never after 分; one 零 stands for any run of
zeros between non-zero digits (1004 → 壹仟零肆), and 元 followed by zero 角 and a 分 takes 零
(325.04 → 叁佰贰拾伍元零肆分); 10 is written 壹拾."""

from __future__ import annotations

from decimal import Decimal

from govmall.core.money import to_money

DIGITS = "零壹贰叁肆伍陆柒捌玖"
LIMIT = Decimal("1000000000000")  # below 1 万亿: what a 14-digit money field holds


def _four(n: int) -> str:
    """0 < n < 10000 without leading 零."""
    out, zero = "", False
    for power, unit in ((3, "仟"), (2, "佰"), (1, "拾"), (0, "")):
        d = n // 10**power % 10
        if d == 0:
            zero = bool(out)
            continue
        if zero:
            out += "零"
            zero = False
        out += DIGITS[d] + unit
    return out


def _integer(n: int) -> str:
    groups = [(n // 10**8) % 10**4, (n // 10**4) % 10**4, n % 10**4]
    units = ["亿", "万", ""]
    out, pending_zero = "", False
    for g, unit in zip(groups, units):
        if g == 0:
            pending_zero = bool(out)
            continue
        if out and (pending_zero or g < 1000):
            out += "零"
        out += _four(g) + unit
        pending_zero = False
    return out


def capitals(value) -> str:
    """12345.60 → 壹万贰仟叁佰肆拾伍元陆角整. Refuses negative amounts and 1 万亿 or more."""
    amount = to_money(value)
    if amount < 0:
        raise ValueError("金额不能为负数")
    if amount >= LIMIT:
        raise ValueError("金额超出可书写范围（须小于 1 万亿元）")
    cents = int(amount * 100)
    yuan, jiao, fen = cents // 100, cents // 10 % 10, cents % 10
    head = _integer(yuan) + "元" if yuan else ""
    if not jiao and not fen:
        return (head or "零元") + "整"
    tail = ""
    if jiao:
        if head and yuan % 10 == 0:
            tail += "零"
        tail += DIGITS[jiao] + "角"
    if fen:
        if head and not jiao:
            tail += "零"
        tail += DIGITS[fen] + "分"
    else:
        tail += "整"
    return head + tail
