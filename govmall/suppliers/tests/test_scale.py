"""Enterprise size by the full 工信部联企业〔2011〕300号 table."""

from decimal import Decimal

import pytest

from govmall.suppliers import scale

WAN = Decimal(10000)


def test_table_has_all_sixteen_industries_of_the_notice():
    assert len(scale.TABLE) == 16
    assert [r.name[:2] for r in scale.TABLE] == ["农、", "工业", "建筑", "批发", "零售", "交通", "仓储", "邮政", "住宿", "餐饮", "信息", "软件", "房地", "物业", "租赁", "其他"]


@pytest.mark.parametrize(
    "industry, x, y, z, expected",
    [
        ("agriculture", None, 20000, None, "large"),
        ("agriculture", None, 19999, None, "medium"),
        ("agriculture", None, 500, None, "medium"),
        ("agriculture", None, 499, None, "small"),
        ("agriculture", None, 49, None, "micro"),
        ("industry", 1000, 40000, None, "large"),
        ("industry", 999, 40000, None, "medium"),  # one indicator below the upper bound: SME
        ("industry", 300, 2000, None, "medium"),
        ("industry", 300, 1999, None, "small"),  # medium needs both lower bounds
        ("industry", 20, 300, None, "small"),
        ("industry", 19, 5000, None, "micro"),  # one indicator below small: micro
        ("construction", None, 80000, 80000, "large"),
        ("construction", None, 6000, 5000, "medium"),
        ("construction", None, 300, 299, "micro"),
        ("wholesale", 20, 5000, None, "medium"),
        ("wholesale", 5, 1000, None, "small"),
        ("wholesale", 4, 1000, None, "micro"),
        ("retail", 50, 500, None, "medium"),
        ("retail", 10, 100, None, "small"),
        ("transport", 300, 3000, None, "medium"),
        ("transport", 20, 200, None, "small"),
        ("warehousing", 100, 1000, None, "medium"),
        ("postal", 20, 100, None, "small"),
        ("accommodation", 100, 2000, None, "medium"),
        ("catering", 10, 100, None, "small"),
        ("telecom", 2000, 100000, None, "large"),
        ("telecom", 100, 1000, None, "medium"),
        ("software", 10, 50, None, "small"),
        ("software", 10, 49, None, "micro"),
        ("real_estate", None, 1000, 5000, "medium"),
        ("real_estate", None, 100, 2000, "small"),
        ("property", 100, 500, None, "small"),
        ("property", 99, 5000, None, "micro"),
        ("leasing", 100, None, 8000, "medium"),
        ("leasing", 10, None, 100, "small"),
        ("other", 300, None, None, "large"),
        ("other", 100, None, None, "medium"),
        ("other", 9, None, None, "micro"),
    ],
)
def test_classify_by_industry_row(industry, x, y, z, expected):
    result = scale.classify(industry, employees=x, revenue=Decimal(y) * WAN if y is not None else None, total_assets=Decimal(z) * WAN if z is not None else None)
    assert result.size == expected
    assert result.row.code == industry


def test_missing_indicator_is_refused():
    with pytest.raises(ValueError, match="营业收入"):
        scale.classify("industry", employees=50)
