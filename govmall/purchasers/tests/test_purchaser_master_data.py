"""Purchaser master data: one upsert for form, import and API; towns belong to their district."""

from __future__ import annotations

from decimal import Decimal

import pytest

from govmall.accounts.models import Organization
from govmall.audit.models import AuditEntry
from govmall.core.context import Actor, acting_as
from govmall.core.errors import BusinessError
from govmall.purchasers.budget import is_year_closed, parse_amount, today, wan
from govmall.purchasers.models import BudgetYear, Purchaser
from govmall.purchasers.services import PurchaserData, purchaser_set_status, purchaser_upsert
from govmall.testing import valid_uscc

pytestmark = pytest.mark.django_db


def upsert(**kw):
    data = {"code": "U-1", "name": "威海市测试局", "uscc": valid_uscc("371000"), "region_code": "371000", **kw}
    with acting_as(Actor(username="sup"), source="web"):
        return purchaser_upsert(data=PurchaserData(**data))


def test_a_town_unit_belongs_to_its_district():
    p, created = upsert(code="TOWN-1", name="张家产镇人民政府", region_code="371003102", uscc=valid_uscc("371003"))
    assert created is True
    assert (p.level, p.district.code, p.organization.region.code, p.organization.subsite.code) == ("town", "371003", "371003102", "weihai")
    assert p.organization.kind == "purchaser"
    assert AuditEntry.objects.filter(object_type="purchasers.purchaser", object_id=str(p.pk), action="create").count() == 1


def test_upsert_by_code_updates_the_same_purchaser():
    p, _ = upsert(contact_name="王")
    uscc = p.organization.uscc
    q, created = upsert(name="威海市测试局（新）", uscc=uscc, kind="事业单位", contact_name="李", contact_phone="0631-1")
    assert (created, q.pk, q.kind) == (False, p.pk, "institution")
    org = Organization.objects.get(pk=p.organization_id)
    assert (org.name, org.contact_name, org.contact_phone) == ("威海市测试局（新）", "李", "0631-1")
    assert Purchaser.objects.filter(organization__code="U-1").count() == 1


@pytest.mark.parametrize(
    "kw,field,message",
    [
        ({"code": "有 空格"}, "code", "预算单位编码应为 1–32 位数字、字母或短横线"),
        ({"name": " "}, "name", "单位名称不能为空"),
        ({"uscc": "123"}, "uscc", "统一社会信用代码应为 18 位，现为 3 位"),
        ({"region_code": "999999"}, "region_code", "区划代码「999999」不存在"),
        ({"level": "村级"}, "level", "级次「村级」无法识别，应为：省级、市级、区县级、乡镇级"),
        ({"parent_code": "NOPE"}, "parent_code", "上级预算单位编码「NOPE」不存在"),
        ({"contact_email": "a@b"}, "contact_email", "联系邮箱「a@b」格式不正确"),
    ],
)
def test_bad_master_data_is_refused_with_the_field(kw, field, message):
    before = (Purchaser.objects.count(), Organization.objects.count())
    with pytest.raises(BusinessError) as exc:
        upsert(**kw)
    assert (exc.value.field, exc.value.message) == (field, message)
    assert (Purchaser.objects.count(), Organization.objects.count()) == before


def test_a_uscc_used_by_another_organization_is_refused():
    p, _ = upsert()
    with pytest.raises(BusinessError) as exc:
        upsert(code="U-2", uscc=p.organization.uscc)
    assert exc.value.message == f"统一社会信用代码 {p.organization.uscc} 已被「威海市测试局」使用"


def test_a_parent_cannot_be_its_own_descendant():
    parent, _ = upsert(code="PA")
    upsert(code="CH", uscc=valid_uscc("371000"), parent_code="PA")
    with pytest.raises(BusinessError) as exc:
        upsert(code="PA", uscc=parent.organization.uscc, parent_code="CH")
    assert exc.value.message == "上级预算单位「测试」是本单位的下级，不能形成循环".replace("测试", "威海市测试局")


def test_closing_and_reopening_a_purchaser_goes_through_the_state_machine():
    p, _ = upsert()
    with acting_as(Actor(username="sup")):
        purchaser_set_status(purchaser=p, status="inactive", reason="撤并")
        p.refresh_from_db()
        assert (p.status, p.organization.is_active) == ("inactive", False)
        purchaser_set_status(purchaser=p, status="active")
    p.refresh_from_db()
    assert (p.status, p.organization.is_active) == ("active", True)
    assert AuditEntry.objects.filter(object_type="purchasers.purchaser", object_id=str(p.pk), action="transition").count() == 2


def test_amounts_are_strict_and_spoken_in_wan():
    assert parse_amount("1,234.50") == Decimal("1234.50")
    assert parse_amount("1.000") == Decimal("1.00")
    for bad, message in (("1.005", "金额最多两位小数（到分），现为 1.005"), ("-1", "金额不能为负数，现为 -1"), ("NaN", "金额不是有效的数字")):
        with pytest.raises(BusinessError) as exc:
            parse_amount(bad)
        assert exc.value.message == message
    with pytest.raises(BusinessError):
        parse_amount(1.5)
    assert [wan(x) for x in ("2000000", "125000", "12345.67", "800", "0")] == ["200 万元", "12.5 万元", "12,345.67 元", "800 元", "0 元"]


def test_years_before_the_current_one_are_closed_unless_reopened():
    year = today().year
    assert (is_year_closed(year - 1), is_year_closed(year), is_year_closed(year + 1)) == (True, False, False)
    BudgetYear.objects.create(year=year - 1, closed=False)
    BudgetYear.objects.create(year=year, closed=True)
    assert (is_year_closed(year - 1), is_year_closed(year)) == (False, True)
