"""Eight purchasers' clerks submit at the same moment against one plan whose remaining money
fits only some of them: the reserved total never exceeds the plan, every refusal says why.
Runs on the suite's database (SQLite by default, PostgreSQL with DATABASE_URL)."""

from __future__ import annotations

import threading
import uuid
from decimal import Decimal

import pytest
from django.db import connection
from django.db.models import Sum

from govmall.accounts.models import Role
from govmall.core.context import Actor, acting_as
from govmall.limits.models import Reservation, ReservationStatus
from govmall.limits.policy import LimitRefused
from govmall.ordering import services
from govmall.ordering.models import Order, OrderFunding
from govmall.ordering.tests.helpers import make_world
from govmall.plans.models import Plan
from govmall.testing import make_user

THREADS = 8
pytestmark = pytest.mark.django_db(transaction=True)


def test_eight_concurrent_checkouts_never_overdraw_the_plan():
    world = make_world(plan_amount="15000")  # room for three orders of 4,999.00
    clerks = [world.clerk] + [make_user(Role.PURCHASER_CLERK, org=world.clerk.organization) for _ in range(THREADS - 1)]
    for clerk in clerks:
        with acting_as(Actor(user_id=clerk.pk, username=clerk.username)):
            services.cart_add(user=clerk, listing_id=world.desktop.pk, quantity=1)
    sid, cap = services.group_key(world.desktop)
    start = threading.Barrier(THREADS)
    results: list = []
    lock = threading.Lock()

    def run(clerk):
        try:
            start.wait(timeout=30)
            with acting_as(Actor(user_id=clerk.pk, username=clerk.username), source="web"):
                order = services.order_submit(
                    user=clerk, supplier_id=sid, cap_category_id=cap, plan_ids=[world.plan.pk], prices={world.desktop.pk: "4999.00"}, token=uuid.uuid4().hex
                )
            out = ("ok", order.order_no)
        except LimitRefused as exc:
            out = ("refused", exc.result)
        except BaseException as exc:  # noqa: BLE001 - reported by the test
            out = ("error", repr(exc))
        finally:
            connection.close()
        with lock:
            results.append(out)

    threads = [threading.Thread(target=run, args=(c,)) for c in clerks]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=240)
    assert not any(t.is_alive() for t in threads)
    assert [r for r in results if r[0] == "error"] == []
    ok = [r for r in results if r[0] == "ok"]
    refused = [r[1] for r in results if r[0] == "refused"]
    assert len(ok) == 3 and len(refused) == 5
    for r in refused:
        assert r.codes == ["plan_exceeded"], r.reasons
        assert f"超出采购计划 {world.plan.plan_no} 的可用余额" in r.reasons[0] and "已预留 14,997 元，剩余 3 元" in r.reasons[0]
    plan = Plan.objects.get(pk=world.plan.pk)
    assert plan.reserved == Decimal("14997.00") <= plan.amount
    assert Order.objects.count() == 3
    held = Reservation.objects.filter(plan=plan, status=ReservationStatus.RESERVED).aggregate(s=Sum("amount"))["s"]
    assert held == plan.reserved == OrderFunding.objects.aggregate(s=Sum("amount"))["s"]
