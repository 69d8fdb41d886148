"""Reservations: reserve holds money on plan and cap in one transaction; release gives it
back; consume turns it into usage at the contract amount; every refusal writes nothing."""

from __future__ import annotations

from decimal import Decimal

import pytest

from govmall.audit.models import AuditEntry
from govmall.audit.states import InvalidTransition
from govmall.core.context import Actor, acting_as
from govmall.core.errors import BusinessError
from govmall.limits.models import CapUsage, Reservation
from govmall.limits.policy import LimitRefused
from govmall.limits.services import consume, release, reserve
from govmall.plans.models import Plan
from govmall.purchasers.tests.helpers import make_plan, make_purchaser

pytestmark = pytest.mark.django_db


@pytest.fixture
def buyer():
    return make_purchaser("371002", name="环翠测试局")


def figures(plan):
    plan = Plan.objects.get(pk=plan.pk)
    usage = CapUsage.objects.filter(purchaser=plan.purchaser).first()
    return (plan.used, plan.reserved, usage.used if usage else None, usage.reserved if usage else None)


def test_reserve_release_and_consume_move_the_money(buyer):
    plan = make_plan(buyer, "500000")
    with acting_as(Actor(username="clerk")):
        a = reserve(purchaser=buyer, plan=plan, category="A02010105", amount="120000", mode="direct", reference="ORD-1")
        b = reserve(purchaser=buyer, plan=plan, category="A02010108", amount="80000", mode="direct")
        assert figures(plan) == (Decimal("0"), Decimal("200000"), Decimal("0"), Decimal("200000"))
        assert (a.status, a.form, a.year, a.cap_category.short_code, a.result.allowed) == ("reserved", "centralized", plan.year, "A0201", True)
        release(reservation=a, reason="采购人取消订单")
        assert figures(plan) == (Decimal("0"), Decimal("80000"), Decimal("0"), Decimal("80000"))
        consume(reservation=b, amount="76500.50")
        assert figures(plan) == (Decimal("76500.50"), Decimal("0"), Decimal("76500.50"), Decimal("0"))
    a.refresh_from_db()
    b.refresh_from_db()
    assert (a.status, a.release_reason, b.status, b.consumed_amount) == ("released", "采购人取消订单", "consumed", Decimal("76500.50"))
    entries = AuditEntry.objects.filter(object_type="limits.reservation").order_by("id")
    assert [e.action for e in entries] == ["create", "create", "transition", "transition"]
    assert entries[0].message == "预留 12 万元：计划 " + plan.plan_no + " 剩余 38 万元，A0201 年度限额剩余 188 万元"


def test_a_refused_reservation_writes_nothing(buyer):
    plan = make_plan(buyer, "100000")
    before = (Reservation.objects.count(), CapUsage.objects.count(), AuditEntry.objects.count(), figures(plan)[:2])
    with acting_as(Actor(username="clerk")), pytest.raises(LimitRefused) as exc:
        reserve(purchaser=buyer, plan=plan, category="A02010105", amount="350000", mode="direct")
    assert exc.value.code == "limit_exceeded"
    assert exc.value.result.codes == ["plan_exceeded", "mode_band"]
    assert exc.value.message == (
        f"超出采购计划 {plan.plan_no} 的可用余额：计划金额 10 万元，已使用 0 元，剩余 10 万元；"
        "直购单笔上限为 30 万元（区县级采购人，威海市限额标准第 1 版），本次 35 万元 应采用网上竞价"
    )
    assert (Reservation.objects.count(), CapUsage.objects.count(), AuditEntry.objects.count(), figures(plan)[:2]) == before


def test_bad_input_to_reserve_is_a_refusal_with_the_reason(buyer):
    plan = make_plan(buyer, "100000")
    with acting_as(Actor(username="clerk")):
        for amount, reason in (("-1", "采购金额不能为负数，现为 -1"), ("1.001", "采购金额最多两位小数（到分），现为 1.001")):
            with pytest.raises(LimitRefused) as exc:
                reserve(purchaser=buyer, plan=plan, category="A02010105", amount=amount, mode="direct")
            assert exc.value.result.reasons == [reason]
        with pytest.raises(LimitRefused) as exc:
            reserve(purchaser=buyer, plan="NO-SUCH-PLAN", category="A02010105", amount="1", mode="direct")
        assert exc.value.result.reasons == ["采购计划「NO-SUCH-PLAN」不存在"]
    assert Reservation.objects.count() == 0


def test_a_business_reference_reserves_once(buyer):
    plan = make_plan(buyer, "100000")
    with acting_as(Actor(username="clerk")):
        reserve(purchaser=buyer, plan=plan, category="A02010105", amount="100", mode="direct", reference="ORD-9")
        with pytest.raises(LimitRefused) as exc:
            reserve(purchaser=buyer, plan=plan, category="A02010105", amount="100", mode="direct", reference="ORD-9")
    assert exc.value.result.reasons == ["业务单号 ORD-9 已有额度预留，不能重复预留"]
    assert figures(plan)[1] == Decimal("100")


def test_a_reservation_is_released_or_consumed_once(buyer):
    plan = make_plan(buyer, "100000")
    with acting_as(Actor(username="clerk")):
        r = reserve(purchaser=buyer, plan=plan, category="A02010105", amount="5000", mode="direct")
        release(reservation=r, reason="取消")
        with pytest.raises(InvalidTransition) as exc:
            release(reservation=Reservation.objects.get(pk=r.pk), reason="又取消")
        assert exc.value.message == "当前状态为「已释放」，不能变更为「已释放」"
        with pytest.raises(InvalidTransition):
            consume(reservation=Reservation.objects.get(pk=r.pk), amount="5000")
    assert figures(plan)[:2] == (Decimal("0"), Decimal("0"))


def test_a_contract_cannot_exceed_its_reservation(buyer):
    plan = make_plan(buyer, "100000")
    with acting_as(Actor(username="clerk")):
        r = reserve(purchaser=buyer, plan=plan, category="A02010105", amount="5000", mode="direct")
        with pytest.raises(BusinessError) as exc:
            consume(reservation=r, amount="5000.01")
    assert exc.value.message == "签约金额 5,000.01 元 超过预留金额 5,000 元，超出部分须另行预留"
    assert Reservation.objects.get(pk=r.pk).status == "reserved"


def test_callers_may_name_the_purchaser_by_its_organization_or_code(buyer):
    plan = make_plan(buyer, "10000", plan_no="ORG-1")
    with acting_as(Actor(username="clerk")):
        a = reserve(purchaser=buyer.organization, plan="ORG-1", category="A0201", amount="100", mode="direct")
        b = reserve(purchaser=buyer.code, plan=plan, category="A02010105", amount="100", mode="direct")
    assert (a.purchaser_id, b.purchaser_id, a.category.short_code, a.cap_category.short_code) == (buyer.pk, buyer.pk, "A0201", "A0201")
    assert figures(plan)[1] == Decimal("200")


def test_reserve_reads_categories_and_rule_once_per_process(buyer):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    plan = make_plan(buyer, "500000")
    with acting_as(Actor(username="clerk")):
        reserve(purchaser=buyer, plan=plan, category="A02010105", amount="1000", mode="direct")
        with CaptureQueriesContext(connection) as second:
            reserve(purchaser=buyer, plan=plan, category="A02010105", amount="1000", mode="direct")
    assert not [q for q in second.captured_queries if "catalog_category c" in q["sql"] or "limits_limitrule r" in q["sql"]]
    assert figures(plan)[1] == Decimal("2000")


def test_a_standard_published_by_another_process_applies_to_the_next_reservation(buyer):
    """Another process's publication sends no signal here: the tokens read with the lock show
    that the cached rule is stale, and reserve() starts over with the new one."""
    import datetime as dt

    from django.utils import timezone

    from govmall.limits.models import LimitRule, LimitStandard
    from govmall.purchasers.budget import today
    from govmall.regions.models import Region

    plan = make_plan(buyer, "500000")
    with acting_as(Actor(username="clerk")):
        reserve(purchaser=buyer, plan=plan, category="A02010105", amount="100000", mode="direct")
    region = Region.objects.get(code="371002")
    [std] = LimitStandard.objects.bulk_create(
        [LimitStandard(region=region, version=1, title="环翠区限额标准", effective_from=today() - dt.timedelta(days=1), status="published", published_at=timezone.now())]
    )
    wan = Decimal(10000)
    LimitRule.objects.bulk_create(
        [LimitRule(standard=std, level="county", tender_threshold=200 * wan, mall_limit=200 * wan, direct_max=5 * wan, bidding_min=5 * wan,
                   cap_centralized=200 * wan, cap_department=200 * wan, cap_decentralized=200 * wan)]
    )  # fmt: skip
    with acting_as(Actor(username="clerk")), pytest.raises(LimitRefused) as exc:
        reserve(purchaser=buyer, plan=plan, category="A02010105", amount="100000", mode="direct")
    assert exc.value.result.codes == ["mode_band"]
    assert "直购单笔上限为 5 万元" in exc.value.message
    assert figures(plan)[1] == Decimal("100000")


def test_split_window_days_follow_reserve_release_consume_and_give_back(buyer):
    """WindowDay holds, per day, what the reservations themselves add up to: reserved amounts,
    contract amounts once signed, nothing once released."""
    from django.db.models import Case, F, Sum, When

    from govmall.limits.models import WindowDay
    from govmall.limits.services import give_back

    def from_reservations():
        value = Case(When(status="consumed", then=F("consumed_amount")), default=F("amount"))
        live = Reservation.objects.filter(purchaser=buyer, status__in=("reserved", "consumed"))
        return live.aggregate(t=Sum(value))["t"] or Decimal("0"), live.filter(mode="direct").aggregate(t=Sum(value))["t"] or Decimal("0")

    def from_days():
        agg = WindowDay.objects.filter(purchaser=buyer).aggregate(t=Sum("total_cents"), d=Sum("direct_cents"))
        return Decimal(agg["t"] or 0) / 100, Decimal(agg["d"] or 0) / 100

    plan = make_plan(buyer, "900000")
    with acting_as(Actor(username="clerk")):
        a = reserve(purchaser=buyer, plan=plan, category="A02010105", amount="120000.10", mode="direct")
        b = reserve(purchaser=buyer, plan=plan, category="A02010108", amount="80000", mode="direct")
        c = reserve(purchaser=buyer, plan=plan, category="A02010105", amount="400000", mode="bidding")
        assert from_days() == from_reservations() == (Decimal("600000.10"), Decimal("200000.10"))
        release(reservation=a, reason="取消")
        consume(reservation=c, amount="350000.55")
        assert from_days() == from_reservations() == (Decimal("430000.55"), Decimal("80000"))
        give_back(reservation=c, amount="50000.55", reason="合同终止")
        assert from_days() == from_reservations() == (Decimal("380000"), Decimal("80000"))
    assert b.status == "reserved"


def test_the_sql_wan_function_says_amounts_as_python_does():
    from django.db import connection

    from govmall.purchasers.budget import wan

    if connection.vendor != "postgresql":
        pytest.skip("govmall_wan exists on PostgreSQL only")
    amounts = [
        "0", "0.01", "9999.99", "10000", "10000.50", "12345.67", "125000", "2000000", "1999900", "1000000000.00",
        "99999999999.99", "380000", "380000.10", "1234567", "50000000", "100", "-125000", "-12.5",
    ]  # fmt: skip
    with connection.cursor() as cur:
        for text in amounts:
            cur.execute("SELECT govmall_wan(%s::numeric)", [text])
            assert cur.fetchone()[0] == wan(Decimal(text)), text


@pytest.mark.django_db(transaction=True)  # outside a transaction, as a request's call is
def test_on_postgresql_a_reservation_is_one_statement_after_one_read(buyer):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    if connection.vendor != "postgresql":
        pytest.skip("SQLite takes the locked way: its write transaction holds the database anyway")
    plan = make_plan(buyer, "500000")
    with acting_as(Actor(username="clerk")):
        reserve(purchaser=buyer, plan=plan, category="A02010105", amount="1000", mode="direct")  # creates the usage row
        with CaptureQueriesContext(connection) as q:
            res = reserve(purchaser=buyer, plan=plan, category="A02010105", amount="2000", mode="direct")
    assert [x["sql"][:12] for x in q.captured_queries] == ["SELECT p.id,", "WITH ok AS ("]
    assert (res.result.plan_reserved, res.result.cap_reserved) == (Decimal("1000.00"), Decimal("1000.00"))
    entry = AuditEntry.objects.filter(object_type="limits.reservation", object_id=str(res.pk)).get()
    assert entry.message == "预留 2,000 元：计划 " + plan.plan_no + " 剩余 49.7 万元，A0201 年度限额剩余 199.7 万元"
    assert (entry.actor_name, entry.changes["amount"], entry.object_repr) == ("clerk", [None, "2000.00"], f"预留 #{res.pk} 2000.00")
    assert figures(plan) == (Decimal("0"), Decimal("3000"), Decimal("0"), Decimal("3000"))
    stored = Reservation.objects.get(pk=res.pk)
    assert (stored.created_at, stored.warnings, stored.amount) == (res.created_at, [], Decimal("2000.00"))
    from govmall.audit.services import verify_chain

    assert verify_chain().ok


@pytest.mark.django_db(transaction=True)
def test_when_the_figures_moved_since_the_read_the_locked_way_decides(buyer, monkeypatch):
    from django.db import connection

    from govmall.limits import ledger

    if connection.vendor != "postgresql":
        pytest.skip("PostgreSQL only")
    plan = make_plan(buyer, "500000")
    with acting_as(Actor(username="clerk")):
        reserve(purchaser=buyer, plan=plan, category="A02010105", amount="1000", mode="direct")
        monkeypatch.setattr(ledger, "reserve_at_once", lambda *a, **k: None)  # as if another took the money meanwhile
        res = reserve(purchaser=buyer, plan=plan, category="A02010105", amount="2000", mode="direct")
    assert figures(plan) == (Decimal("0"), Decimal("3000"), Decimal("0"), Decimal("3000"))
    assert Reservation.objects.filter(plan=plan).count() == 2
    assert AuditEntry.objects.filter(object_type="limits.reservation", object_id=str(res.pk)).count() == 1
