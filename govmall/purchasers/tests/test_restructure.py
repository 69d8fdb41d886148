"""Split, merge and rename: people, open plans and the year's cap usage move to the
successors; predecessors close from the effective date; past purchases keep their purchaser;
bad input is refused with the reason and nothing is partly applied."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from govmall.accounts.models import Organization, Role
from govmall.audit.models import AuditEntry
from govmall.core.context import Actor, acting_as
from govmall.core.errors import BusinessError
from govmall.limits.models import CapTransfer, CapUsage, Reservation
from govmall.limits.services import consume, reserve
from govmall.plans.models import Plan
from govmall.purchasers.budget import today
from govmall.purchasers.models import Purchaser, Restructure, RestructureLink
from govmall.purchasers.restructuring import SuccessorInput, restructure_apply_due, restructure_register
from govmall.purchasers.selectors import lineage_ids, predecessors_of, successors_of
from govmall.purchasers.tests.helpers import make_plan, make_purchaser
from govmall.testing import make_user, valid_uscc

pytestmark = pytest.mark.django_db


def register(**kwargs):
    with acting_as(Actor(username="sup"), source="web"):
        return restructure_register(**kwargs)


def signed(purchaser, plan, amount, category="A02010105"):
    with acting_as(Actor(username="t")):
        r = reserve(purchaser=purchaser, plan=plan, category=category, amount=amount, mode="direct")
        consume(reservation=r, amount=amount)
    return r


def successor(code, name, share=None, region="371000"):
    return SuccessorInput(code=code, name=name, uscc=valid_uscc(region), share=share)


def world_counts():
    return (Purchaser.objects.count(), Organization.objects.count(), Plan.objects.count(), Restructure.objects.count(),
            RestructureLink.objects.count(), CapUsage.objects.count(), AuditEntry.objects.count())  # fmt: skip


def test_a_split_moves_people_divides_plans_and_cap_usage_by_share():
    old = make_purchaser("371000", code="SPLIT-A", name="市教育和体育局")
    clerk = make_user(Role.PURCHASER_CLERK, org=old.organization, username="edu_clerk")
    plan = make_plan(old, "1000000", plan_no="P-EDU-1")
    given = make_plan(old, "300000", plan_no="P-EDU-2", category="A0202")
    past = signed(old, plan, "400000")
    r = register(
        number="改革〔2026〕1号", type="split", effective_date=today(), predecessor_codes=["SPLIT-A"],
        successors=[successor("SPLIT-B", "市教育局", "0.7"), successor("SPLIT-C", "市体育局", "0.3")],
        plan_transfers=[{"plan_no": "P-EDU-2", "to_code": "SPLIT-C"}],
    )  # fmt: skip
    assert r.status == "applied"
    b, c = Purchaser.objects.get(organization__code="SPLIT-B"), Purchaser.objects.get(organization__code="SPLIT-C")
    old.refresh_from_db()
    assert (old.status, old.effective_to, old.organization.is_active) == ("inactive", today(), False)
    assert (b.status, c.status, b.effective_from) == ("active", "active", today())
    # people go to the successor with the largest share
    clerk.refresh_from_db()
    assert clerk.organization_id == b.organization_id
    # the plan named in plan_transfers moves whole; the other is divided by share
    given.refresh_from_db()
    assert (given.purchaser_id, given.original_purchaser_id, given.plan_no) == (c.pk, old.pk, "P-EDU-2")
    plan.refresh_from_db()
    assert (plan.purchaser_id, plan.amount, plan.used, plan.status) == (old.pk, Decimal("400000.00"), Decimal("400000.00"), "adjusted")
    parts = {p.plan_no: (p.purchaser_id, p.amount, p.derived_from_id, p.original_purchaser_id) for p in Plan.objects.filter(derived_from=plan)}
    assert parts == {"P-EDU-1-1": (b.pk, Decimal("420000.00"), plan.pk, old.pk), "P-EDU-1-2": (c.pk, Decimal("180000.00"), plan.pk, old.pk)}
    # the year's usage is split by share; the past purchase keeps its purchaser
    assert CapUsage.objects.get(purchaser=old).used == Decimal("0.00")
    assert CapUsage.objects.get(purchaser=b).used == Decimal("280000.00")
    assert CapUsage.objects.get(purchaser=c).used == Decimal("120000.00")
    assert Reservation.objects.get(pk=past.pk).purchaser_id == old.pk
    assert CapTransfer.objects.filter(restructure_number="改革〔2026〕1号").count() == 2
    assert r.summary == {"plans": {"moved": 1, "divided": 1, "created": 2}, "limits": {"cap_rows": 1}, "users": 1}
    # lineage both ways
    assert [s.purchaser.code for s in successors_of(old)] == ["SPLIT-B", "SPLIT-C"]
    assert [(s.purchaser.code, s.share) for s in predecessors_of(b)] == [("SPLIT-A", Decimal("0.7000"))]
    assert set(lineage_ids(b, "back")) == {b.pk, old.pk}
    assert set(lineage_ids(old, "forward")) == {old.pk, b.pk, c.pk}


def test_a_merge_sums_usage_and_moves_every_open_plan():
    a = make_purchaser("371003", code="M-A", name="甲局")
    b = make_purchaser("371003", code="M-B", name="乙局")
    pa, pb = make_plan(a, "500000", plan_no="M-PA"), make_plan(b, "600000", plan_no="M-PB")
    signed(a, pa, "100000")
    signed(b, pb, "150000.50")
    r = register(number="合并1", type="merge", effective_date=today(), predecessor_codes=["M-A", "M-B"], successors=[successor("M-C", "甲乙局", region="371003")])
    c = Purchaser.objects.get(organization__code="M-C")
    assert (r.status, c.level, c.district.code) == ("applied", "county", "371003")
    assert set(Plan.objects.filter(purchaser=c).values_list("plan_no", flat=True)) == {"M-PA", "M-PB"}
    assert CapUsage.objects.get(purchaser=c).used == Decimal("250000.50")
    assert not Purchaser.objects.filter(pk__in=[a.pk, b.pk], status="active").exists()
    assert set(lineage_ids(c, "back")) == {a.pk, b.pk, c.pk}


def test_a_rename_keeps_the_unit_s_uscc_on_the_successor():
    a = make_purchaser("371082", code="R-A", name="旧名局")
    uscc = a.organization.uscc
    register(number="更名1", type="rename", effective_date=today(), predecessor_codes=["R-A"], successors=[SuccessorInput(code="R-B", name="新名局", uscc=uscc)])
    a.refresh_from_db()
    b = Purchaser.objects.get(organization__code="R-B")
    assert (b.organization.uscc, a.organization.uscc, a.retired_uscc) == (uscc, None, uscc)


def test_a_restructure_dated_later_waits_for_its_date():
    a = make_purchaser("371002", code="F-A")
    make_plan(a, "100000", plan_no="F-P")
    later = today() + dt.timedelta(days=3)
    if later.year != today().year:
        pytest.skip("the days after today fall in the next year")
    r = register(number="待生效1", type="rename", effective_date=later, predecessor_codes=["F-A"], successors=[successor("F-B", "新单位", region="371002")])
    b = Purchaser.objects.get(organization__code="F-B")
    assert (r.status, b.status, Purchaser.objects.get(pk=a.pk).status) == ("scheduled", "inactive", "active")
    with acting_as(Actor(username="worker"), source="worker"):
        assert restructure_apply_due(on=today()) == []
        assert restructure_apply_due(on=later) == ["待生效1"]
        assert restructure_apply_due(on=later) == []  # idempotent
    assert Plan.objects.get(plan_no="F-P").purchaser_id == b.pk
    assert Purchaser.objects.get(pk=b.pk).status == "active"


def test_purchases_in_progress_block_the_restructure():
    a = make_purchaser("371002", code="IP-A", name="进行中单位")
    plan = make_plan(a, "100000")
    with acting_as(Actor(username="t")):
        reserve(purchaser=a, plan=plan, category="A02010105", amount="20000", mode="direct")
    before = world_counts()
    with pytest.raises(BusinessError) as exc:
        register(number="阻止1", type="rename", effective_date=today(), predecessor_codes=["IP-A"], successors=[successor("IP-B", "新单位", region="371002")])
    assert exc.value.message == "原单位尚有 1 笔进行中的采购（已预留 2 万元），请完成签约或取消后再办理机构改革"
    assert world_counts() == before


def _refused(expected_message, **kwargs):
    before = world_counts()
    with pytest.raises(BusinessError) as exc:
        register(**kwargs)
    assert exc.value.message == expected_message
    assert world_counts() == before


def test_shares_that_do_not_sum_to_one_are_refused():
    make_purchaser("371000", code="S-A")
    _refused(
        "分立各新单位份额之和应为 1，现为 0.9",
        number="份额1", type="split", effective_date=today(), predecessor_codes=["S-A"],
        successors=[successor("S-B", "乙", "0.6"), successor("S-C", "丙", "0.3")],
    )  # fmt: skip
    _refused(
        "分立须为每个新单位填写份额（第 2 个未填）",
        number="份额2", type="split", effective_date=today(), predecessor_codes=["S-A"], successors=[successor("S-B", "乙", "1"), successor("S-C", "丙")],
    )  # fmt: skip


def test_a_successor_code_that_already_exists_is_refused():
    make_purchaser("371000", code="E-A")
    existing = make_purchaser("371000", code="E-X", name="已有单位")
    _refused(
        "新单位编码 E-X 已存在（「已有单位」），新单位须使用新的编码",
        number="重复1", type="rename", effective_date=today(), predecessor_codes=["E-A"], successors=[successor("E-X", "新名")],
    )  # fmt: skip
    assert existing.pk


def test_a_date_in_a_closed_year_is_refused():
    make_purchaser("371000", code="C-A")
    last_year = dt.date(today().year - 1, 12, 31)
    _refused(
        f"生效日期 {last_year.isoformat()} 属于已结转的 {last_year.year} 年度，不能使用",
        number="结转1", type="rename", effective_date=last_year, predecessor_codes=["C-A"], successors=[successor("C-B", "新名")],
    )  # fmt: skip


def test_a_failing_handler_rolls_the_whole_restructure_back():
    """Plans divide first; the limits handler then refuses: nothing of either remains."""
    a = make_purchaser("371000", code="RB-A")
    plan = make_plan(a, "100000", plan_no="RB-P")
    later = today() + dt.timedelta(days=2)
    if later.year != today().year:
        pytest.skip("the days after today fall in the next year")
    register(number="回滚1", type="split", effective_date=later, predecessor_codes=["RB-A"], successors=[successor("RB-B", "乙", "0.5"), successor("RB-C", "丙", "0.5")])
    other = make_plan(a, "50000", plan_no="RB-Q")
    with acting_as(Actor(username="t")):
        reserve(purchaser=a, plan=other, category="A02010105", amount="1000", mode="direct")
    with acting_as(Actor(username="worker"), source="worker"):
        assert restructure_apply_due(on=later) == []
    r = Restructure.objects.get(number="回滚1")
    assert r.status == "scheduled"
    assert r.last_error.startswith("计划 RB-Q 尚有进行中的采购预留 1,000 元") or r.last_error.startswith("原单位尚有 1 笔进行中的采购")
    assert Plan.objects.filter(derived_from=plan).count() == 0
    assert Plan.objects.get(pk=plan.pk).amount == Decimal("100000.00")
    assert Purchaser.objects.get(pk=a.pk).status == "active"


@pytest.mark.parametrize(
    "kwargs,message",
    [
        ({"type": "merge", "predecessor_codes": ["SH-A"], "successors": [SuccessorInput(code="SH-X", name="新")]}, "合并应为 2 个及以上原单位合并为 1 个新单位（现为 1 个原单位、1 个新单位）"),
        ({"type": "rename", "predecessor_codes": ["SH-A"], "successors": [SuccessorInput(code="SH-X", name="新", share="0.5")]}, "更名时新单位承继原单位的全部，份额应为 1，现为 0.5"),
        ({"type": "rename", "predecessor_codes": ["SH-NONE"], "successors": [SuccessorInput(code="SH-X", name="新")]}, "原单位编码「SH-NONE」不存在"),
        ({"type": "split", "predecessor_codes": ["SH-A"], "successors": [SuccessorInput(code="SH-X", name="新", share="-0.5"), SuccessorInput(code="SH-Y", name="新2", share="1.5")]}, "第 1 个新单位的份额应大于 0 且不超过 1，现为 -0.5"),
    ],
)
def test_malformed_restructures_are_refused(kwargs, message):
    make_purchaser("371000", code="SH-A")
    _refused(message, number="形状", effective_date=today(), **kwargs)


def test_the_api_shows_a_purchaser_s_predecessors_and_successors(client):
    from govmall.accounts.models import Role
    from govmall.testing import sign_in

    make_purchaser("371000", code="API-A", name="甲")
    register(number="API更名", type="rename", effective_date=today(), predecessor_codes=["API-A"], successors=[successor("API-B", "乙")])
    sign_in(client, make_user(Role.FINANCE_SUPERVISOR, username="api_sup"))
    old = client.get("/api/v1/purchasers/API-A").json()
    new = client.get("/api/v1/purchasers/API-B").json()
    assert (old["status"], old["successors"][0]["code"], old["successors"][0]["restructure_no"], old["successors"][0]["applied"]) == ("inactive", "API-B", "API更名", True)
    assert (new["status"], [p["code"] for p in new["predecessors"]], new["effective_from"]) == ("active", ["API-A"], today().isoformat())
