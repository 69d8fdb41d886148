"""Direct-purchase journeys in headless Chromium: a town clerk buys two products from two
suppliers, from the cart through contract, acceptance and payment; a purchase that would break the annual ceiling is refused on screen."""

from __future__ import annotations

import re
from decimal import Decimal

import pytest
from playwright.sync_api import expect

from govmall.contracts.models import Contract
from govmall.contracts.tests.journey import sign_deliver_accept_and_pay
from govmall.core.context import Actor, acting_as
from govmall.limits.models import Reservation
from govmall.limits.services import reserve
from govmall.ordering.models import Order, OrderStatus
from govmall.ordering.tests.helpers import make_world
from govmall.plans.models import Plan
from govmall.testing import browser_sign_in as sign_in
from govmall.testing import make_user

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
TOWN = "371003102"  # 文登区张家产镇




def add_to_cart(page, base, listing, quantity: int):
    """On the product page: the 加入购物车 form (ordering/_add_to_cart.html)."""
    page.goto(f"{base}/products/{listing.pk}/")
    expect(page.get_by_text(listing.title).first).to_be_visible()
    page.locator(f"#cart-qty-{listing.pk}").fill(str(quantity))
    page.get_by_role("button", name="加入购物车").click()
    expect(page.get_by_text(f"已将「{listing.title}」加入购物车")).to_be_visible()


def test_a_town_clerk_buys_two_products_from_two_suppliers_through_payment(page, live_server, tmp_path):
    clerk = make_user("purchaser_clerk", region_code=TOWN, username="zjc_clerk", display_name="张家产镇经办")
    w = make_world(region_code=TOWN, clerk=clerk)
    base = live_server.url
    sign_in(page, base, clerk)
    add_to_cart(page, base, w.desktop, 2)
    add_to_cart(page, base, w.printer, 1)
    page.goto(f"{base}/cart/")
    expect(page.locator(".cart-group")).to_have_count(2)
    for supplier in (w.supplier_a, w.supplier_b):
        page.goto(f"{base}/cart/")
        page.locator(".cart-group", has_text=supplier.name).get_by_role("link", name="去结算").click()
        expect(page.get_by_role("heading", name=f"结算：{supplier.name}")).to_be_visible()
        page.get_by_role("checkbox", name=w.plan.plan_no).check()
        expect(page.locator("#policy-check")).to_contain_text("校验通过")
        expect(page.locator("#policy-check")).to_contain_text("年度限额剩余")
        page.get_by_role("button", name="提交订单").click()
        expect(page.get_by_text(re.compile(rf"订单 ZG\d+ 已提交，等待 {supplier.name} 确认"))).to_be_visible()
    page.goto(f"{base}/cart/")
    expect(page.get_by_text("购物车是空的")).to_be_visible()
    orders = {o.supplier_id: o for o in Order.objects.all()}
    assert set(orders) == {w.supplier_a.pk, w.supplier_b.pk}
    assert Plan.objects.get(pk=w.plan.pk).reserved == Decimal("9998.00") + Decimal("1299.00")
    page.get_by_role("link", name="我的订单").first.click()
    for o in orders.values():
        expect(page.get_by_role("link", name=o.order_no)).to_be_visible()
    for staff, supplier in ((w.staff_a, w.supplier_a), (w.staff_b, w.supplier_b)):
        order = orders[supplier.pk]
        sign_in(page, base, staff)
        page.goto(f"{base}/supplier/orders/")
        page.get_by_role("link", name=order.order_no).click()
        page.get_by_role("button", name="确认订单").click()
        expect(page.get_by_text(f"已确认订单 {order.order_no}")).to_be_visible()
        assert Order.objects.get(pk=order.pk).status == OrderStatus.CONFIRMED
    sign_in(page, base, clerk)
    page.goto(f"{base}/orders/{orders[w.supplier_a.pk].pk}/")
    expect(page.locator(".timeline")).to_contain_text("供应商确认订单")
    # Contract, delivery, acceptance and payment of each order (the contracts app's pages).
    for staff, supplier in ((w.staff_a, w.supplier_a), (w.staff_b, w.supplier_b)):
        contract = Contract.objects.get(order=orders[supplier.pk])
        sign_deliver_accept_and_pay(page, base, contract=contract, clerk=clerk, supplier_staff=staff, tmp_path=tmp_path)
    assert {o.status for o in Order.objects.all()} == {OrderStatus.COMPLETED}
    plan = Plan.objects.get(pk=w.plan.pk)
    assert plan.used == Decimal("9998.00") + Decimal("1299.00") and plan.reserved == 0


def test_a_purchase_beyond_the_annual_ceiling_is_refused_on_screen(page, live_server):
    clerk = make_user("purchaser_clerk", region_code=TOWN, username="zjc_clerk2")
    w = make_world(region_code=TOWN, clerk=clerk, plan_amount="3000000")
    # Earlier purchases this year took 196 万 of the 200 万 A0201 ceiling.
    with acting_as(Actor(username="earlier")):
        for i in range(7):
            reserve(purchaser=w.purchaser, plan=w.plan, category="A02010105", amount="280000", mode="direct", reference=f"EARLIER-{i}")
    held = Reservation.objects.count()
    base = live_server.url
    sign_in(page, base, clerk)
    add_to_cart(page, base, w.desktop, 10)  # 49,990 元 > 4 万 left
    page.goto(f"{base}/cart/")
    page.get_by_role("link", name="去结算").click()
    page.get_by_role("checkbox", name=w.plan.plan_no).check()
    check = page.locator("#policy-check")
    expect(check).to_contain_text("不能提交")
    expect(check).to_contain_text("超出本年度 A0201 信息化设备 采购限额（集中采购）：上限 200 万元，已用 0 元，已预留 196 万元，剩余 4 万元")
    page.get_by_role("button", name="提交订单").click()
    expect(page.locator("#submit-error")).to_contain_text("限额校验未通过，未预留任何资金")
    expect(page.locator("#submit-error")).to_contain_text("超出本年度 A0201 信息化设备 采购限额")
    assert Reservation.objects.count() == held
    assert not Order.objects.exists()
