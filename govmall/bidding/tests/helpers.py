"""Test helpers of the bidding app: a published Weihai mall catalog, eligible suppliers,
a purchaser with a plan, and biddings made through the real services."""

from __future__ import annotations

import datetime as dt
import itertools

from django.utils import timezone

from govmall.accounts.models import OrgKind, Role
from govmall.accounts.services import actor_of
from govmall.bidding import services
from govmall.bidding.models import Bidding
from govmall.catalog.models import MallCatalogStatus, MallCatalogVersion, MallItem
from govmall.catalog.selectors import category_by_code, current_edition
from govmall.core.context import acting_as
from govmall.purchasers.tests.helpers import make_plan, purchaser_of
from govmall.regions.models import Region
from govmall.suppliers.models import EnterpriseSize, SupplierProfile, SupplierScope, SupplierStatus
from govmall.testing import OrganizationFactory, make_user, weihai

_n = itertools.count(1)
MALL = [("A02010105", "台式计算机"), ("A02010108", "便携式计算机"), ("A02021003", "A4黑白打印机"), ("A05010201", "办公桌")]


def make_mall(site=None) -> MallCatalogVersion:
    site = site or weihai()
    found = MallCatalogVersion.objects.filter(subsite=site, status=MallCatalogStatus.PUBLISHED).first()
    if found:
        return found
    version = MallCatalogVersion.objects.create(subsite=site, number=1, edition=current_edition(), status=MallCatalogStatus.PUBLISHED, published_at=timezone.now())
    for code, name in MALL:
        MallItem.objects.create(version=version, local_code=f"WH-{code}", local_name=name, category=category_by_code(code))
    return version


def cat(code="A02010105"):
    return category_by_code(code)


def make_supplier(name=None, *, size=EnterpriseSize.MEDIUM, scopes=("A02010100",), status=SupplierStatus.ACTIVE, region_code="371002", username=None):
    """A supplier organization (active, with scopes and a declared size) and one staff user."""
    n = next(_n)
    org = OrganizationFactory(kind=OrgKind.SUPPLIER, name=name or f"威海测试供应商{n}有限公司", region=Region.objects.get(code=region_code))
    SupplierProfile.objects.create(supplier=org, status=status, enterprise_size=size)
    for code in scopes:
        SupplierScope.objects.create(supplier=org, category=cat(code), granted_by="test")
    user = make_user(Role.SUPPLIER_STAFF, org=org, username=username or f"sup{n}")
    return user


def make_buyer(username=None, *, plan_amount="2000000"):
    """A city purchaser clerk with an approved plan for A0201 (bidding band: above 50万)."""
    user = make_user(Role.PURCHASER_CLERK, username=username or f"buyer{next(_n)}")
    purchaser = purchaser_of(user)
    plan = make_plan(purchaser, plan_amount, category="A0201")
    return user, plan


def as_user(user):
    return acting_as(actor_of(user), source="web")


def draft(user, plan, **over) -> Bidding:
    data = {
        "title": "办公台式计算机采购", "category": "A02010105", "plan": str(plan.pk), "quantity": "100", "unit": "台",
        "ceiling_price": "600000", "specs": "国产操作系统，三年上门保修", "spec_lines": "处理器：不低于 i5 十二代\n内存：16GB",
        "delivery_terms": "送货上门并安装", "delivery_place": "威海市环翠区新威路 1 号", "delivery_days": "15", "eligibility_note": "",
    }  # fmt: skip
    data.update(over)
    with as_user(user):
        return services.bidding_create(user=user, data=data)


def published(user, plan, **over) -> Bidding:
    b = draft(user, plan, **over)
    with as_user(user):
        return services.bidding_publish(bidding=b, user=user)


def quote(user, bidding, price, **kw):
    with as_user(user):
        return services.quote_submit(bidding=bidding, user=user, price=str(price), **kw)


def move_deadline(bidding, *, to=None) -> Bidding:
    """Move the close into the past (instead of waiting days)."""
    Bidding.objects.filter(pk=bidding.pk).update(quote_closes_at=to or timezone.now() - dt.timedelta(seconds=1))
    bidding.refresh_from_db()
    return bidding


def close(bidding, now=None) -> Bidding:
    with acting_as(source="worker"):
        services.bidding_close(bidding=bidding.pk, now=now)
    return Bidding.objects.get(pk=bidding.pk)
