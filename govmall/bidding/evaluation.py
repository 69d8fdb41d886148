"""Evaluation of a closed bidding (评审), as a pure function over plain values so that every
rule can be tested without a database (DOMAIN.md §6).

- A quote is valid when its total price is at most the ceiling price (最高限价).
- Small and micro suppliers' prices are reduced by the deduction rate for evaluation:
  evaluated = price × (1 − rate), rounded to the fen (财库〔2020〕46号 / 〔2022〕19号).
  Others are evaluated at their quoted price.
- Valid quotes are ranked by evaluated price, lowest first; equal evaluated prices by the
  earlier final quote time (then by id, for a total order).
- Fewer valid quotes than the minimum: the bidding fails.
- Abnormally low quotes are flagged for the procurement centre (never excluded automatically):
  * method "median" (default): quoted price below `ratio` × the median of the valid quoted
    prices (default ratio 0.50 — "far below the median");
  * method "quartile": quoted price below the lower Tukey fence Q1 − 1.5 × IQR of the valid
    quoted prices (OCDS Cardinal's "heavily discounted bid" red flag, DOMAIN.md §11).
  Flags need at least 3 valid quotes (with fewer, a median or quartiles say nothing).
"""

from __future__ import annotations

import datetime as dt
import statistics
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

CENT = Decimal("0.01")
MIN_QUOTES_FOR_FLAGS = 3


@dataclass(frozen=True)
class QuoteIn:
    id: int
    price: Decimal
    submitted_at: dt.datetime
    small_or_micro: bool


@dataclass
class QuoteOut:
    id: int
    valid: bool
    evaluated_price: Decimal | None = None
    rank: int | None = None
    deduction_applied: bool = False
    invalid_reason: str = ""
    low_flag: bool = False
    low_flag_note: str = ""


@dataclass
class Evaluation:
    results: dict[int, QuoteOut] = field(default_factory=dict)
    ranked: list[int] = field(default_factory=list)  # quote ids, best first
    failed: bool = False
    failure_reason: str = ""

    @property
    def valid_count(self) -> int:
        return len(self.ranked)


def deducted(price: Decimal, rate: Decimal) -> Decimal:
    return (price * (Decimal(1) - rate)).quantize(CENT, rounding=ROUND_HALF_UP)


def percent(rate: Decimal) -> str:
    """0.1 → '10%', 0.125 → '12.5%'."""
    value = (rate * 100).normalize()
    return f"{value:f}%"


def _yuan(value: Decimal) -> str:
    return f"{value:,.2f} 元"


def low_flags(prices: dict[int, Decimal], *, method: str, ratio: Decimal) -> dict[int, str]:
    """{quote id: note} for the abnormally low prices among the valid ones."""
    if len(prices) < MIN_QUOTES_FOR_FLAGS:
        return {}
    values = sorted(prices.values())
    out = {}
    if method == "quartile":
        q1, _q2, q3 = statistics.quantiles(values, n=4, method="inclusive")
        fence = (q1 - Decimal("1.5") * (q3 - q1)).quantize(CENT, rounding=ROUND_HALF_UP)
        for qid, price in prices.items():
            if price < fence:
                out[qid] = f"报价 {_yuan(price)} 低于四分位下限 {_yuan(fence)}（Q1 − 1.5×IQR）"
    else:
        median = Decimal(statistics.median(values))
        line = (median * ratio).quantize(CENT, rounding=ROUND_HALF_UP)
        for qid, price in prices.items():
            if price < line:
                out[qid] = f"报价 {_yuan(price)} 低于有效报价中位数 {_yuan(median.quantize(CENT))} 的 {percent(ratio)}（{_yuan(line)}）"
    return out


def evaluate(quotes: list[QuoteIn], *, ceiling: Decimal, rate: Decimal, min_valid: int, low_method: str = "median", low_ratio: Decimal = Decimal("0.5")) -> Evaluation:
    ev = Evaluation()
    valid: list[QuoteIn] = []
    for q in quotes:
        if q.price > ceiling:
            ev.results[q.id] = QuoteOut(q.id, valid=False, invalid_reason=f"报价 {_yuan(q.price)} 超过最高限价 {_yuan(ceiling)}")
            continue
        out = QuoteOut(q.id, valid=True, deduction_applied=q.small_or_micro)
        out.evaluated_price = deducted(q.price, rate) if q.small_or_micro else q.price.quantize(CENT)
        ev.results[q.id] = out
        valid.append(q)
    valid.sort(key=lambda q: (ev.results[q.id].evaluated_price, q.submitted_at, q.id))
    for position, q in enumerate(valid, start=1):
        ev.results[q.id].rank = position
    ev.ranked = [q.id for q in valid]
    for qid, note in low_flags({q.id: q.price for q in valid}, method=low_method, ratio=low_ratio).items():
        ev.results[qid].low_flag, ev.results[qid].low_flag_note = True, note
    if len(valid) < min_valid:
        ev.failed = True
        ev.failure_reason = f"有效报价 {len(valid)} 家，少于规定的 {min_valid} 家" + (
            f"（共 {len(quotes)} 家报价，{len(quotes) - len(valid)} 家超过最高限价）" if len(quotes) > len(valid) else ""
        )
    return ev
