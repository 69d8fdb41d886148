"""Reservations raced from 8 threads at once against one plan and one annual cap: the total
reserved never exceeds either, none is lost, every refusal says why. Runs on the database
the suite runs on (SQLite by default; PostgreSQL with DATABASE_URL), and CI runs both."""

from __future__ import annotations

import threading
from decimal import Decimal

import pytest
from django.db import connection
from django.db.models import Sum

from govmall.limits.models import CapUsage, Reservation, ReservationStatus
from govmall.limits.policy import LimitRefused
from govmall.limits.services import consume, release, reserve
from govmall.plans.models import Plan
from govmall.purchasers.tests.helpers import make_plan, make_purchaser
from govmall.testing import race as shared_race

THREADS = 8
pytestmark = pytest.mark.django_db(transaction=True)


def race(worker, n_threads=THREADS):
    return shared_race(worker, n_threads, source="worker")


def attempts(plan_id, purchaser_id, amount: str, per_thread: int, category="A02010105"):
    def worker(i):
        out = []
        for k in range(per_thread):
            try:
                r = reserve(purchaser=purchaser_id, plan=Plan.objects.get(pk=plan_id), category=category, amount=amount, mode="direct", reference=f"T{i}-{k}")
                out.append(("ok", r.pk))
            except LimitRefused as exc:
                out.append(("refused", exc.result))
        return out

    return worker


def test_eight_threads_never_overdraw_the_plan():
    buyer = make_purchaser("371003102")
    plan = make_plan(buyer, "100000.00")  # room for exactly 40 reservations of 2,500
    results, errors = race(attempts(plan.pk, buyer.pk, "2500.00", per_thread=8))
    assert errors == []
    ok = [pk for kind, pk in results if kind == "ok"]
    refused = [r for kind, r in results if kind == "refused"]
    assert len(results) == 64
    assert len(ok) == 40  # every one that fitted got in: none lost
    assert len(refused) == 24
    for r in refused:
        assert r.codes == ["plan_exhausted"]
        assert r.reasons == [f"采购计划 {plan.plan_no} 已用完：计划金额 10 万元，已使用 0 元，已预留 10 万元"]
    plan.refresh_from_db()
    assert plan.reserved == Decimal("100000.00")
    assert Reservation.objects.filter(plan=plan, status=ReservationStatus.RESERVED).aggregate(s=Sum("amount"))["s"] == Decimal("100000.00")
    assert sorted(Reservation.objects.filter(plan=plan).values_list("pk", flat=True)) == sorted(ok)
    usage = CapUsage.objects.get(purchaser=buyer)
    assert (usage.used, usage.reserved) == (Decimal("0"), Decimal("100000.00"))


def test_eight_threads_never_overdraw_the_annual_cap():
    """Eight plans of one purchaser, all drawing on one A0201 cap of 200 万."""
    buyer = make_purchaser("371000")
    plans = [make_plan(buyer, "1000000.00") for _ in range(THREADS)]  # 800 万 of plans, cap 200 万

    def worker(i):
        out = []
        for k in range(6):
            try:
                r = reserve(purchaser=buyer.pk, plan=plans[i].pk, category="A02010105", amount="50000.00", mode="direct")
                out.append(("ok", r.pk))
            except LimitRefused as exc:
                out.append(("refused", exc.result))
        return out

    results, errors = race(worker)
    assert errors == []
    ok = [pk for kind, pk in results if kind == "ok"]
    refused = [r for kind, r in results if kind == "refused"]
    assert len(ok) == 40  # 200 万 / 5 万
    assert len(refused) == 8
    for r in refused:
        assert r.codes == ["cap_exceeded"]
        assert r.reasons == ["超出本年度 A0201 信息化设备 采购限额（集中采购）：上限 200 万元，已用 0 元，已预留 200 万元，剩余 0 元"]
    usage = CapUsage.objects.get(purchaser=buyer)
    assert usage.reserved == Decimal("2000000.00")
    assert Plan.objects.filter(purchaser=buyer).aggregate(s=Sum("reserved"))["s"] == Decimal("2000000.00")
    assert Reservation.objects.filter(purchaser=buyer).count() == 40


def test_reserve_release_and_consume_racing_keep_every_figure_exact():
    buyer = make_purchaser("371002")
    plan = make_plan(buyer, "80000.00")

    def worker(i):
        out = []
        for k in range(5):
            try:
                r = reserve(purchaser=buyer.pk, plan=plan.pk, category="A02010105", amount="3000.00", mode="direct")
            except LimitRefused as exc:
                out.append(("refused", exc.result.codes))
                continue
            if k % 2:
                release(reservation=r, reason="取消订单")
                out.append(("released", r.pk))
            else:
                consume(reservation=r, amount="2900.00")
                out.append(("consumed", r.pk))
        return out

    results, errors = race(worker)
    assert errors == []
    consumed = [pk for kind, pk in results if kind == "consumed"]
    released = [pk for kind, pk in results if kind == "released"]
    for kind, codes in results:
        if kind == "refused":
            assert codes == ["plan_exceeded"] or codes == ["plan_exhausted"]
    plan.refresh_from_db()
    assert plan.reserved == Decimal("0.00")
    assert plan.used == Decimal("2900.00") * len(consumed)
    assert plan.used <= plan.amount
    usage = CapUsage.objects.get(purchaser=buyer)
    assert (usage.used, usage.reserved) == (plan.used, Decimal("0.00"))
    assert Reservation.objects.filter(status=ReservationStatus.RELEASED).count() == len(released)
    assert Reservation.objects.filter(status=ReservationStatus.CONSUMED).count() == len(consumed)


def test_a_writer_holding_the_database_does_not_make_reservations_fail():
    """Another transaction holds the write lock for a while (SQLite: the whole database;
    PostgreSQL: the plan row); reservations wait and succeed — no "database is locked"."""
    from django.db import transaction

    buyer = make_purchaser("371003102")
    plan = make_plan(buyer, "100000.00")
    holding = threading.Event()

    def holder():
        try:
            with transaction.atomic():
                list(Plan.objects.select_for_update().filter(pk=plan.pk))
                Plan.objects.filter(pk=plan.pk).update(description="锁定中")
                holding.set()
                threading.Event().wait(1.5)
        finally:
            connection.close()

    t = threading.Thread(target=holder)
    t.start()
    assert holding.wait(10)

    def worker(i):
        r = reserve(purchaser=buyer.pk, plan=plan.pk, category="A02010105", amount="1000.00", mode="direct")
        return [r.pk]

    results, errors = race(worker, n_threads=4)
    t.join()
    assert errors == []
    assert len(results) == 4
    plan.refresh_from_db()
    assert plan.reserved == Decimal("4000.00")
