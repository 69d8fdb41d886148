"""Test data of the ordering tests: a purchaser with clerk and approver, a plan, two
suppliers with listed products — all made through the real services."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from decimal import Decimal

from govmall.accounts.models import Role
from govmall.core.context import Actor, acting_as
from govmall.ordering import services
from govmall.ordering.models import Order
from govmall.products.tests.conftest import make_listing, make_mall, supplier_org
from govmall.purchasers.tests.helpers import make_plan, purchaser_of
from govmall.testing import make_user, weihai


@dataclass
class World:
    clerk: object
    approver: object
    purchaser: object
    plan: object
    supplier_a: object
    supplier_b: object
    staff_a: object
    staff_b: object
    desktop: object  # supplier A, A02010105 台式计算机, 4,999.00
    printer: object  # supplier B, A02021003 打印机, 1,299.00


def make_world(*, region_code: str = "371000", plan_amount="200000", clerk=None, approver=None, stock: int = 10) -> World:
    if not _mall_exists():
        make_mall()
    clerk = clerk or make_user(Role.PURCHASER_CLERK, region_code=region_code, display_name="张经办")
    approver = approver or make_user(Role.PURCHASER_APPROVER, org=clerk.organization, display_name="李审批")
    purchaser = purchaser_of(clerk)
    plan = make_plan(purchaser, plan_amount, category="A02")
    a = supplier_org(name=f"威海华信办公设备有限公司{uuid.uuid4().hex[:4]}")
    b = supplier_org(name=f"威海蓝海信息技术有限公司{uuid.uuid4().hex[:4]}", region_code="371071")
    staff_a = make_user(Role.SUPPLIER_STAFF, org=a, display_name="王供应")
    staff_b = make_user(Role.SUPPLIER_STAFF, org=b, display_name="赵供应")
    desktop = make_listing(a, code="A02010105", brand="联想", title="联想 启天M437 台式计算机", price="4999.00", stock=stock)
    printer = make_listing(b, code="A02021003", brand="惠普", title="惠普 M208dw 黑白激光打印机", price="1299.00", specs={"print_tech": "激光", "paper_size": "A4", "color": "黑白", "speed": "30"})
    return World(clerk, approver, purchaser, plan, a, b, staff_a, staff_b, desktop, printer)


def _mall_exists() -> bool:
    from govmall.catalog.models import MallCatalogVersion

    return MallCatalogVersion.objects.filter(subsite=weihai()).exists()


def submit(world: World, listing=None, quantity=2, *, plan=None, user=None, token=None, prices=None) -> Order:
    """Put one listing in the cart and submit it as an order funded by the world's plan."""
    listing = listing or world.desktop
    user = user or world.clerk
    with acting_as(Actor(user_id=user.pk, username=user.username, org_id=user.organization_id)):
        services.cart_add(user=user, listing_id=listing.pk, quantity=quantity)
        key = services.group_key(listing)
        return services.order_submit(
            user=user, supplier_id=key[0], cap_category_id=key[1], plan_ids=[(plan or world.plan).pk],
            prices=prices if prices is not None else {listing.pk: str(listing.price)}, token=token or uuid.uuid4().hex,
        )  # fmt: skip


def as_user(user):
    return acting_as(Actor(user_id=user.pk, username=user.username, org_id=user.organization_id))


def money(v) -> Decimal:
    return Decimal(str(v)).quantize(Decimal("0.01"))
