"""Evaluation rules as a pure function (DOMAIN.md §6): SME price deduction, ranking, ties,
too few valid quotes, quotes above the ceiling, abnormally low quotes."""

import datetime as dt
from decimal import Decimal as D

from govmall.bidding.evaluation import QuoteIn, deducted, evaluate, low_flags, percent

T0 = dt.datetime(2026, 12, 1, 9, 0, tzinfo=dt.timezone.utc)


def q(i, price, minutes=0, sm=False):
    return QuoteIn(i, D(price), T0 + dt.timedelta(minutes=minutes), sm)


def test_a_small_supplier_wins_after_the_deduction_though_its_price_is_not_lowest():
    ev = evaluate([q(1, "500000"), q(2, "540000", sm=True), q(3, "520000")], ceiling=D("600000"), rate=D("0.10"), min_valid=3)
    assert ev.results[2].evaluated_price == D("486000.00")  # 540,000 × 0.9
    assert ev.results[1].evaluated_price == D("500000.00")  # large/medium: no deduction
    assert ev.ranked == [2, 1, 3]
    assert [ev.results[i].rank for i in (1, 2, 3)] == [2, 1, 3]
    assert (ev.results[2].deduction_applied, ev.results[1].deduction_applied) == (True, False)
    assert not ev.failed


def test_the_deduction_rate_is_the_subsites_and_rounds_to_the_fen():
    assert deducted(D("333333.33"), D("0.15")) == D("283333.33")  # 283,333.3305
    assert deducted(D("100.05"), D("0.20")) == D("80.04")
    ev = evaluate([q(1, "500000"), q(2, "600000", sm=True), q(3, "560000")], ceiling=D("600000"), rate=D("0.20"), min_valid=3)
    assert ev.ranked == [2, 1, 3]  # 600,000 × 0.8 = 480,000


def test_equal_evaluated_prices_go_to_the_earlier_final_quote():
    ev = evaluate([q(1, "450000", minutes=30), q(2, "500000", minutes=40, sm=True), q(3, "450000", minutes=10)], ceiling=D("600000"), rate=D("0.10"), min_valid=3)
    assert ev.ranked == [3, 1, 2]  # all evaluated at 450,000: by final quote time
    ev = evaluate([q(1, "450000", minutes=30), q(2, "500000", minutes=20, sm=True), q(3, "470000")], ceiling=D("600000"), rate=D("0.10"), min_valid=3)
    assert ev.ranked == [2, 1, 3]  # 2 and 1 both evaluated at 450,000: 2 quoted earlier


def test_fewer_valid_quotes_than_the_minimum_fails():
    ev = evaluate([q(1, "500000"), q(2, "510000")], ceiling=D("600000"), rate=D("0.10"), min_valid=3)
    assert ev.failed and ev.failure_reason == "有效报价 2 家，少于规定的 3 家"
    assert ev.ranked == [1, 2]  # still ranked, for the failure notice


def test_quotes_above_the_ceiling_are_invalid_and_all_above_fails():
    ev = evaluate([q(1, "600000.01"), q(2, "700000", sm=True), q(3, "650000")], ceiling=D("600000"), rate=D("0.10"), min_valid=3)
    assert ev.failed and ev.ranked == []
    assert ev.failure_reason == "有效报价 0 家，少于规定的 3 家（共 3 家报价，3 家超过最高限价）"
    assert ev.results[1].invalid_reason == "报价 600,000.01 元 超过最高限价 600,000.00 元"
    assert ev.results[2].evaluated_price is None  # no deduction for an invalid quote


def test_a_quote_at_the_ceiling_is_valid():
    ev = evaluate([q(1, "600000"), q(2, "590000"), q(3, "580000")], ceiling=D("600000"), rate=D("0.10"), min_valid=3)
    assert ev.results[1].valid and not ev.failed


def test_a_quote_far_below_the_median_is_flagged_not_excluded():
    ev = evaluate([q(1, "500000"), q(2, "520000"), q(3, "240000"), q(4, "510000")], ceiling=D("600000"), rate=D("0.10"), min_valid=3)
    assert [i for i, r in ev.results.items() if r.low_flag] == [3]
    assert ev.results[3].low_flag_note == "报价 240,000.00 元 低于有效报价中位数 505,000.00 元 的 50%（252,500.00 元）"
    assert ev.ranked[0] == 3  # flagged for the centre, still the lowest


def test_low_flags_need_three_quotes_and_follow_the_ratio():
    assert low_flags({1: D("100"), 2: D("10")}, method="median", ratio=D("0.5")) == {}
    prices = {1: D("100"), 2: D("100"), 3: D("65")}
    assert low_flags(prices, method="median", ratio=D("0.5")) == {}
    assert list(low_flags(prices, method="median", ratio=D("0.7"))) == [3]


def test_quartile_fences_flag_only_outliers():
    prices = {1: D("500000"), 2: D("505000"), 3: D("510000"), 4: D("515000"), 5: D("300000")}
    flags = low_flags(prices, method="quartile", ratio=D("0.5"))
    assert list(flags) == [5] and "四分位下限" in flags[5]
    assert low_flags({1: D("500000"), 2: D("505000"), 3: D("510000"), 4: D("490000")}, method="quartile", ratio=D("0.5")) == {}


def test_percent_labels():
    assert (percent(D("0.10")), percent(D("0.125")), percent(D("0.2"))) == ("10%", "12.5%", "20%")
