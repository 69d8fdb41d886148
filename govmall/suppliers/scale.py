"""Enterprise size classification (企业划型).

Source: 工业和信息化部、国家统计局、国家发展和改革委员会、财政部《关于印发中小企业划型标准规定的通知》
(工信部联企业〔2011〕300号), 第四条, the 16 industry rows. Figures: X = 从业人员 (people),
Y = 营业收入 (万元), Z = 资产总额 (万元). The notice's rules applied here:

- an enterprise above the row's upper bound (every listed indicator at or above it) is large;
  the row says "… 以下的为中小微型企业", so it is SME as soon as one indicator is below;
- 中型: every indicator at or above the medium lower bounds ("须同时满足所列指标的下限，否则下划一档");
- 小型: every indicator at or above the small lower bounds;
- 微型: otherwise (one indicator below the small lower bound is enough).

Used for the SME statistics and the price deduction of small and micro enterprises in bidding
(财库〔2020〕46号). Prison enterprises and welfare units for the disabled count as small/micro
(财库〔2014〕68号, 财库〔2017〕141号; 46号 第十六条) — see SupplierProfile.special_kind.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

X, Y, Z = "employees", "revenue", "total_assets"
LABELS = {X: "从业人员", Y: "营业收入", Z: "资产总额"}
UNITS = {X: "人", Y: "万元", Z: "万元"}


@dataclass(frozen=True)
class Row:
    code: str
    name: str
    indicators: tuple[str, ...]
    upper: tuple[int, ...]  # at or above every one of these: large
    medium: tuple[int, ...]  # lower bounds of medium
    small: tuple[int, ...]  # lower bounds of small


# 工信部联企业〔2011〕300号 第四条 (一)–(十六), in its order.
TABLE: tuple[Row, ...] = (
    Row("agriculture", "农、林、牧、渔业", (Y,), (20000,), (500,), (50,)),
    Row("industry", "工业（采矿业、制造业、电力热力燃气及水生产和供应业）", (X, Y), (1000, 40000), (300, 2000), (20, 300)),
    Row("construction", "建筑业", (Y, Z), (80000, 80000), (6000, 5000), (300, 300)),
    Row("wholesale", "批发业", (X, Y), (200, 40000), (20, 5000), (5, 1000)),
    Row("retail", "零售业", (X, Y), (300, 20000), (50, 500), (10, 100)),
    Row("transport", "交通运输业（不含铁路运输业）", (X, Y), (1000, 30000), (300, 3000), (20, 200)),
    Row("warehousing", "仓储业", (X, Y), (200, 30000), (100, 1000), (20, 100)),
    Row("postal", "邮政业", (X, Y), (1000, 30000), (300, 2000), (20, 100)),
    Row("accommodation", "住宿业", (X, Y), (300, 10000), (100, 2000), (10, 100)),
    Row("catering", "餐饮业", (X, Y), (300, 10000), (100, 2000), (10, 100)),
    Row("telecom", "信息传输业（电信、互联网和相关服务）", (X, Y), (2000, 100000), (100, 1000), (10, 100)),
    Row("software", "软件和信息技术服务业", (X, Y), (300, 10000), (100, 1000), (10, 50)),
    Row("real_estate", "房地产开发经营", (Y, Z), (200000, 10000), (1000, 5000), (100, 2000)),
    Row("property", "物业管理", (X, Y), (1000, 5000), (300, 1000), (100, 500)),
    Row("leasing", "租赁和商务服务业", (X, Z), (300, 120000), (100, 8000), (10, 100)),
    Row("other", "其他未列明行业", (X,), (300,), (100,), (10,)),
)
BY_CODE = {r.code: r for r in TABLE}
INDUSTRY_CHOICES = [(r.code, r.name) for r in TABLE]
WAN = Decimal(10000)


@dataclass(frozen=True)
class Result:
    size: str  # large / medium / small / micro
    row: Row
    figures: dict[str, Decimal]  # in the table's units (人, 万元)
    explanation: str


def _values(row: Row, *, employees, revenue, total_assets) -> dict[str, Decimal]:
    raw = {X: employees, Y: revenue, Z: total_assets}
    out = {}
    for ind in row.indicators:
        v = raw[ind]
        if v is None:
            raise ValueError(f"{row.name}须填写{LABELS[ind]}")
        out[ind] = Decimal(v) if ind == X else Decimal(v) / WAN
    return out


def _text(row: Row, bounds: tuple[int, ...]) -> str:
    return "、".join(f"{LABELS[i]} {b} {UNITS[i]}" for i, b in zip(row.indicators, bounds))


def classify(industry: str, *, employees=None, revenue=None, total_assets=None) -> Result:
    """The size for an industry code and figures (employees in people, revenue and assets in
    yuan). Raises KeyError for an unknown industry, ValueError for a missing indicator."""
    row = BY_CODE[industry]
    v = _values(row, employees=employees, revenue=revenue, total_assets=total_assets)

    def all_at_least(bounds):
        return all(v[i] >= b for i, b in zip(row.indicators, bounds))

    if all_at_least(row.upper):
        size, why = "large", f"各项指标均达到中小微型企业上限（{_text(row, row.upper)}）"
    elif all_at_least(row.medium):
        size, why = "medium", f"各项指标均不低于中型企业下限（{_text(row, row.medium)}）"
    elif all_at_least(row.small):
        size, why = "small", f"各项指标均不低于小型企业下限（{_text(row, row.small)}），未同时达到中型企业下限"
    else:
        size, why = "micro", f"有指标低于小型企业下限（{_text(row, row.small)}）"
    return Result(size=size, row=row, figures=v, explanation=f"按{row.name}标准：{why}")
