"""Budget fundamentals shared by purchasers, plans and limits: strict amounts, amounts in
words people use (万元), and which budget years are closed (已结转).

Kept here, the lowest of the three apps, so plans and limits use the same rules."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal, InvalidOperation

from django.utils import timezone

from govmall.core.errors import BusinessError

MAX_AMOUNT = Decimal("999999999999.99")  # DecimalField(max_digits=14, decimal_places=2)
WAN = Decimal(10000)


def parse_amount(value, *, field: str = "amount", label: str = "金额", allow_zero: bool = False) -> Decimal:
    """An amount in yuan, refused (never rounded) when negative, zero, not a number or with
    more than two decimals. Floats are refused: they cannot carry cents exactly."""
    if isinstance(value, float):
        raise BusinessError(f"{label}必须以文字或定点数给出，不能是浮点数", field=field)
    if isinstance(value, Decimal):
        amount = value
    else:
        text = str(value if value is not None else "").strip().replace(",", "").replace("，", "")
        if not text:
            raise BusinessError(f"请填写{label}", field=field)
        try:
            amount = Decimal(text)
        except InvalidOperation:
            raise BusinessError(f"{label}「{text}」不是有效的数字", field=field) from None
    if not amount.is_finite():
        raise BusinessError(f"{label}不是有效的数字", field=field)
    if amount.as_tuple().exponent < -2 and amount != amount.quantize(Decimal("0.01")):
        raise BusinessError(f"{label}最多两位小数（到分），现为 {amount}", field=field)
    if amount < 0:
        raise BusinessError(f"{label}不能为负数，现为 {amount}", field=field)
    if amount == 0 and not allow_zero:
        raise BusinessError(f"{label}必须大于 0", field=field)
    if amount > MAX_AMOUNT:
        raise BusinessError(f"{label}超出系统可记录的范围", field=field)
    return amount.quantize(Decimal("0.01"))


def wan(amount) -> str:
    """Amounts as people say them: 2000000 → '200 万元', 125000 → '12.5 万元',
    12345.67 → '12,345.67 元'."""
    amount = Decimal(amount)
    if amount != 0 and abs(amount) >= WAN and (amount * 100) % WAN == 0:
        value = (amount / WAN).normalize()
        text = f"{value:,f}"
        return f"{text} 万元"
    if amount == amount.to_integral_value():
        return f"{amount:,.0f} 元"
    return f"{amount:,.2f} 元"


def today() -> dt.date:
    return timezone.localdate()


def is_year_closed(year: int) -> bool:
    from govmall.purchasers.models import BudgetYear

    return year_closed_from(BudgetYear.objects.filter(year=year).values_list("closed", flat=True).first(), year)


def year_closed_from(mark: bool | None, year: int) -> bool:
    """is_year_closed on the year's mark already read (None: no mark), as the limits engine
    reads it inside its own statements: an explicit mark decides, else past years are closed."""
    return mark if mark is not None else year < today().year


def require_open_year(year: int, *, field: str = "year", what: str = "") -> None:
    if is_year_closed(year):
        raise BusinessError(f"{what}{year} 年度已结转（关闭），不能再登记或变更该年度的数据", field=field, code="closed_year")


def require_open_date(day: dt.date, *, field: str = "effective_date", what: str = "日期") -> None:
    if is_year_closed(day.year):
        raise BusinessError(f"{what} {day.isoformat()} 属于已结转的 {day.year} 年度，不能使用", field=field, code="closed_year")


def parse_date(value, *, field: str, label: str) -> dt.date:
    if isinstance(value, dt.datetime):
        return timezone.localtime(value).date() if timezone.is_aware(value) else value.date()
    if isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(str(value).strip()[:10])
    except ValueError:
        raise BusinessError(f"{label}「{value}」不是有效日期，应为 YYYY-MM-DD", field=field) from None
