"""Pages and JSON endpoints × every role: who sees which order, who may act, and the
checkout form with its policy check, tampered price and double submit."""

from __future__ import annotations

import re
from decimal import Decimal

import pytest
from django.urls import reverse

from govmall.audit.models import AuditEntry
from govmall.ordering import services
from govmall.ordering.models import CartItem, Order, OrderStatus
from govmall.ordering.tests.helpers import as_user, make_world, submit
from govmall.plans.models import Plan
from govmall.purchasers.tests.helpers import make_plan, purchaser_of
from govmall.testing import csrf_post, sign_in

pytestmark = pytest.mark.django_db
S = OrderStatus


@pytest.fixture
def world(cast):
    return make_world(clerk=cast.purchaser, approver=cast.approver)


def login(client, user):
    return sign_in(client, user)


# Which cast members see an order of the city purchaser (cast.purchaser) sent to supplier A.
SEES = {
    "purchaser": True, "approver": True, "purchaser_town": False, "supplier": False, "operator": True,
    "supervisor_city": True, "supervisor_district": False, "admin": True,
}  # fmt: skip


@pytest.mark.parametrize("who", list(SEES))
def test_order_detail_list_and_api_are_scoped_for_every_role(client, cast, world, who):
    order = submit(world)
    user = getattr(cast, who)
    login(client, user)
    detail = client.get(reverse("ordering:order_detail", args=[order.pk]))
    api = client.get(f"/api/v1/ordering/orders/{order.pk}/")
    api_list = client.get("/api/v1/ordering/orders/")
    if SEES[who]:
        assert detail.status_code == 200 and order.order_no in detail.content.decode()
        assert api.status_code == 200 and api.json()["order_no"] == order.order_no
        assert order.order_no in api_list.content.decode()
    else:
        assert detail.status_code == 404
        assert api.status_code == 404
        assert order.order_no not in api_list.content.decode()
    page = client.get(reverse("ordering:order_list"))
    if who in ("supplier",):
        assert page.status_code == 403
    elif SEES[who]:
        assert page.status_code == 200 and order.order_no in page.content.decode()
    else:
        assert page.status_code == 200 and order.order_no not in page.content.decode()


def test_the_orders_supplier_sees_it_once_sent_and_not_the_purchasers_plans(client, cast, world):
    services.rules_update(subsite=world.clerk.organization.subsite, approval_required=True, confirm_working_days=2)
    order = submit(world)
    login(client, world.staff_a)
    assert client.get(reverse("ordering:supplier_order_detail", args=[order.pk])).status_code == 404  # still inside the unit
    with as_user(world.approver):
        services.order_approve(order=order, user=world.approver)
    page = client.get(reverse("ordering:supplier_order_detail", args=[order.pk]))
    assert page.status_code == 200 and "确认订单" in page.content.decode()
    assert world.plan.plan_no not in page.content.decode()
    assert "审批通过" in page.content.decode() and "提交直购订单" not in page.content.decode()
    api = client.get(f"/api/v1/ordering/orders/{order.pk}/").json()
    assert api["fundings"] is None and api["lines"][0]["unit_price"] == "4999.00"
    assert order.order_no in client.get(reverse("ordering:supplier_orders") + "?tab=confirm").content.decode()
    login(client, world.staff_b)
    assert client.get(reverse("ordering:supplier_order_detail", args=[order.pk])).status_code == 404


ACTIONS = ["order_cancel", "order_approve", "order_reject", "order_confirm", "order_refuse", "order_deliver"]


@pytest.mark.parametrize("who", list(SEES))
@pytest.mark.parametrize("action", ACTIONS)
def test_order_actions_for_every_role(client, cast, world, who, action):
    """Outsiders get 404; insiders without the right role get 403; nothing changes."""
    services.rules_update(subsite=world.clerk.organization.subsite, approval_required=action in ("order_approve", "order_reject"), confirm_working_days=2)
    order = submit(world)
    if action == "order_deliver":
        services.order_confirm(order=order, user=world.staff_a)
        services.order_mark_contracted(order)
    before = Order.objects.get(pk=order.pk).status
    user = getattr(cast, who)
    login(client, user)
    url = reverse(f"ordering:{action}", args=[order.pk])
    resp = csrf_post(client, url, {"reason": "测试理由", "note": "测试"}, form_url=reverse("ordering:order_list") if who != "supplier" else "/")
    allowed = (action == "order_cancel" and who in ("purchaser", "approver")) or (action in ("order_approve", "order_reject") and who == "approver")
    if not SEES[who]:
        assert resp.status_code == 404
    elif allowed:
        assert resp.status_code == 302
        assert Order.objects.get(pk=order.pk).status != before
        return
    else:
        assert resp.status_code == 403
    assert Order.objects.get(pk=order.pk).status == before


@pytest.mark.parametrize("action", ["order_confirm", "order_refuse", "order_deliver"])
def test_supplier_actions_by_the_orders_supplier(client, world, action):
    order = submit(world)
    if action == "order_deliver":
        services.order_confirm(order=order, user=world.staff_a)
        services.order_mark_contracted(order)
    login(client, world.staff_a)
    resp = csrf_post(client, reverse(f"ordering:{action}", args=[order.pk]), {"reason": "库存不足", "note": "已送达"}, form_url=reverse("ordering:supplier_orders"))
    assert resp.status_code == 302
    assert Order.objects.get(pk=order.pk).status == {"order_confirm": S.CONFIRMED, "order_refuse": S.REFUSED, "order_deliver": S.DELIVERED}[action]
    login(client, world.staff_b)
    assert csrf_post(client, reverse(f"ordering:{action}", args=[order.pk]), {"reason": "x"}, form_url=reverse("ordering:supplier_orders")).status_code == 404


def test_a_refused_transition_shows_its_chinese_message(client, world):
    order = submit(world)
    login(client, world.staff_a)
    resp = csrf_post(client, reverse("ordering:order_deliver", args=[order.pk]), {"note": "x"}, form_url=reverse("ordering:supplier_orders"))
    page = client.get(resp.url)
    assert "尚未签订合同，不能发出送达通知" in page.content.decode()
    assert "采购人提交订单，金额 9,998.00 元" in page.content.decode()  # the supplier's timeline, without the plans
    assert world.plan.plan_no not in page.content.decode()


PAGES = {
    "ordering:cart": {"purchaser", "purchaser_town"},
    "ordering:order_list": {"purchaser", "approver", "purchaser_town", "operator", "supervisor_city", "supervisor_district", "admin"},
    "ordering:approval_queue": {"approver"},
    "ordering:supplier_orders": {"supplier"},
    "ordering:rules": {"operator", "admin"},
}


@pytest.mark.parametrize("name", list(PAGES))
@pytest.mark.parametrize("who", list(SEES))
def test_pages_for_every_role(client, cast, name, who):
    login(client, getattr(cast, who))
    resp = client.get(reverse(name))
    assert resp.status_code == (200 if who in PAGES[name] else 403)


def test_pages_need_sign_in(client, world):
    order = submit(world)
    for url in [reverse("ordering:cart"), reverse("ordering:order_list"), reverse("ordering:order_detail", args=[order.pk]), reverse("ordering:supplier_orders")]:
        assert client.get(url).status_code == 302
    assert client.get(f"/api/v1/ordering/orders/{order.pk}/").status_code == 401


def test_cart_add_and_the_cart_groups_per_supplier(client, world):
    login(client, world.clerk)
    for listing in (world.desktop, world.printer):
        resp = csrf_post(client, reverse("ordering:cart_add"), {"listing": listing.pk, "quantity": "1"}, form_url=reverse("ordering:cart"))
        assert resp.status_code == 302
    page = client.get(reverse("ordering:cart")).content.decode()
    assert world.supplier_a.name in page and world.supplier_b.name in page
    assert page.count("去结算") == 2
    api = client.get("/api/v1/ordering/cart/").json()
    assert {i["listing_id"] for i in api} == {world.desktop.pk, world.printer.pk}


@pytest.mark.parametrize("qty", ["0", "1000000000"])
def test_cart_add_refuses_bad_quantities_with_a_message(client, world, qty):
    login(client, world.clerk)
    resp = csrf_post(client, reverse("ordering:cart_add"), {"listing": world.desktop.pk, "quantity": qty}, form_url=reverse("ordering:cart"))
    page = client.get(resp.url).content.decode()
    assert "数量须为 1 至 99,999 之间的整数" in page
    assert not CartItem.objects.exists()


@pytest.mark.parametrize("who", ["approver", "supplier", "operator", "admin"])
def test_only_purchaser_clerks_may_add_to_the_cart(client, cast, world, who):
    login(client, getattr(cast, who))
    resp = csrf_post(client, reverse("ordering:cart_add"), {"listing": world.desktop.pk, "quantity": "1"}, form_url="/")
    assert resp.status_code == 403


def test_cart_items_of_another_user_are_not_found(client, cast, world):
    with as_user(world.clerk):
        item = services.cart_add(user=world.clerk, listing_id=world.desktop.pk, quantity=1)
    login(client, cast.purchaser_town)
    assert csrf_post(client, reverse("ordering:cart_item", args=[item.pk]), {"action": "remove"}, form_url=reverse("ordering:cart")).status_code == 404
    assert CartItem.objects.filter(pk=item.pk).exists()


def _checkout_page(client, world, listing):
    login(client, world.clerk)
    csrf_post(client, reverse("ordering:cart_add"), {"listing": listing.pk, "quantity": "2"}, form_url=reverse("ordering:cart"))
    sid, cap = services.group_key(listing)
    key = f"{sid}-{cap}"
    page = client.get(reverse("ordering:checkout", args=[key]))
    assert page.status_code == 200
    token = re.search(r'name="token" value="([0-9a-f]+)"', page.content.decode()).group(1)
    return key, token, page.content.decode()


def test_checkout_shows_the_policy_check_and_submits_one_order(client, world):
    key, token, html = _checkout_page(client, world, world.desktop)
    assert world.plan.plan_no in html and "限额校验" in html
    check = csrf_post(client, reverse("ordering:checkout_check", args=[key]), {"plans": [world.plan.pk]}, form_url=reverse("ordering:checkout", args=[key]))
    assert "校验通过" in check.content.decode() and "年度限额剩余" in check.content.decode()
    data = {"token": token, "plans": [world.plan.pk], f"price_{world.desktop.pk}": "4999.00", "delivery_address": "威海市统一路 1 号"}
    resp = csrf_post(client, reverse("ordering:checkout", args=[key]), data, form_url=reverse("ordering:checkout", args=[key]))
    assert resp.status_code == 302
    order = Order.objects.get()
    assert resp.url == reverse("ordering:order_detail", args=[order.pk])
    again = csrf_post(client, reverse("ordering:checkout", args=[key]), data, form_url=reverse("ordering:cart"))
    assert again.status_code == 302 and again.url == reverse("ordering:order_detail", args=[order.pk])
    assert "请勿重复提交" in client.get(again.url).content.decode()
    assert Order.objects.count() == 1


def test_checkout_starts_from_the_address_the_units_last_order_went_to(client, world):
    _, _, html = _checkout_page(client, world, world.desktop)
    assert 'name="delivery_address"' in html and "威海市统一路 1 号" not in html
    order = submit(world)  # the desktop in the cart goes out as an order
    Order.objects.filter(pk=order.pk).update(delivery_address="威海市统一路 1 号 信息中心")
    _, _, html = _checkout_page(client, world, world.desktop)
    assert 'value="威海市统一路 1 号 信息中心"' in html


def test_checkout_with_a_tampered_price_is_refused_on_screen(client, world):
    key, token, _ = _checkout_page(client, world, world.desktop)
    data = {"token": token, "plans": [world.plan.pk], f"price_{world.desktop.pk}": "0.01"}
    resp = csrf_post(client, reverse("ordering:checkout", args=[key]), data, form_url=reverse("ordering:checkout", args=[key]))
    assert resp.status_code == 400
    assert "与商城当前价格 4999.00 元不一致" in resp.content.decode()
    assert not Order.objects.exists() and Plan.objects.get(pk=world.plan.pk).reserved == 0
    assert AuditEntry.objects.filter(object_type="ordering.order_attempt").exists()


def test_checkout_refusal_by_policy_lists_every_reason(client, world):
    small = make_plan(world.purchaser, "100", category="A02")
    key, token, _ = _checkout_page(client, world, world.desktop)
    data = {"token": token, "plans": [small.pk], f"price_{world.desktop.pk}": "4999.00"}
    resp = csrf_post(client, reverse("ordering:checkout", args=[key]), data, form_url=reverse("ordering:checkout", args=[key]))
    html = resp.content.decode()
    assert resp.status_code == 400 and "限额校验未通过，未预留任何资金" in html and "超出采购计划" in html
    assert not Order.objects.exists()


def test_checkout_with_another_units_plan_is_refused(client, cast, world):
    foreign_world_plan = make_plan(make_world().purchaser, "900000", category="A02")
    key, token, _ = _checkout_page(client, world, world.desktop)
    data = {"token": token, "plans": [foreign_world_plan.pk], f"price_{world.desktop.pk}": "4999.00"}
    resp = csrf_post(client, reverse("ordering:checkout", args=[key]), data, form_url=reverse("ordering:checkout", args=[key]))
    assert resp.status_code == 400 and "不属于" in resp.content.decode()
    assert Plan.objects.get(pk=foreign_world_plan.pk).reserved == Decimal("0")


def test_rules_page_saves_and_shows_field_errors(client, cast):
    login(client, cast.operator)
    resp = csrf_post(client, reverse("ordering:rules"), {"approval_required": "on", "confirm_working_days": "99"})
    assert resp.status_code == 200 and "1 至 15" in resp.content.decode()
    resp = csrf_post(client, reverse("ordering:rules"), {"approval_required": "on", "confirm_working_days": "3"})
    assert resp.status_code == 302
    rules = services.rules_for(cast.operator.organization.subsite)
    assert rules.approval_required and rules.confirm_working_days == 3


def test_order_detail_shows_the_timeline_from_the_audit_log(client, world):
    from govmall.accounts.services import actor_of
    from govmall.core.context import acting_as

    order = submit(world)
    with acting_as(actor_of(world.staff_a), source="web"):
        services.order_refuse(order=order, user=world.staff_a, reason="该型号缺货")
    login(client, world.clerk)
    html = client.get(reverse("ordering:order_detail", args=[order.pk])).content.decode()
    assert "操作记录" in html and "供应商拒绝：该型号缺货" in html and "提交直购订单" in html
    # people are named as the site shows them (display name, not user name), with their organization
    assert f"王供应（{world.staff_a.organization.name}）：供应商拒绝：该型号缺货" in html
    assert f"{world.staff_a.username}（" not in html


def test_workspace_todos_count_each_queue(cast, world):
    from govmall.accounts.workspace import todos_for

    services.rules_update(subsite=world.clerk.organization.subsite, approval_required=True, confirm_working_days=2)
    submit(world)
    todo = {t["label"]: t["count"] for t in todos_for(world.approver)}
    assert todo["待审批的直购订单"] == 1
    order = Order.objects.get()
    with as_user(world.approver):
        services.order_approve(order=order, user=world.approver)
    assert {t["label"]: t["count"] for t in todos_for(world.staff_a)}["待确认的订单"] == 1
    assert {t["label"]: t["count"] for t in todos_for(world.staff_b)}["待确认的订单"] == 0
    assert {t["label"]: t["count"] for t in todos_for(world.clerk)}["待供应商确认的订单"] == 1


@pytest.mark.parametrize("who", ["approver", "supplier", "operator", "supervisor_city", "supervisor_district", "admin"])
def test_checkout_and_cart_endpoints_are_for_purchaser_clerks_only(client, cast, world, who):
    with as_user(world.clerk):
        item = services.cart_add(user=world.clerk, listing_id=world.desktop.pk, quantity=1)
    sid, cap = services.group_key(world.desktop)
    key = f"{sid}-{cap}"
    login(client, getattr(cast, who))
    assert client.get(reverse("ordering:checkout", args=[key])).status_code == 403
    assert client.get(reverse("ordering:checkout_check", args=[key])).status_code == 403
    data = {"token": "x", "plans": [world.plan.pk], f"price_{world.desktop.pk}": "4999.00"}
    assert csrf_post(client, reverse("ordering:checkout", args=[key]), data, form_url="/").status_code == 403
    assert csrf_post(client, reverse("ordering:cart_item", args=[item.pk]), {"action": "remove"}, form_url="/").status_code == 403
    assert not Order.objects.exists() and CartItem.objects.filter(pk=item.pk).exists()


def test_another_clerk_cannot_check_out_someone_elses_cart_group(client, cast, world):
    with as_user(world.clerk):
        services.cart_add(user=world.clerk, listing_id=world.desktop.pk, quantity=1)
    sid, cap = services.group_key(world.desktop)
    login(client, cast.purchaser_town)
    assert client.get(reverse("ordering:checkout", args=[f"{sid}-{cap}"])).status_code == 403  # not yet a registered purchaser
    purchaser_of(cast.purchaser_town)
    assert client.get(reverse("ordering:checkout", args=[f"{sid}-{cap}"])).status_code == 404
    assert client.get(reverse("ordering:checkout", args=["not-a-key"])).status_code == 404


def test_the_only_fitting_plan_is_chosen_and_checked_at_once(client, world):
    _key, _token, html = _checkout_page(client, world, world.desktop)
    assert f'value="{world.plan.pk}" id="plan-{world.plan.pk}" checked' in html
    assert "校验通过" in html


def test_a_reservation_page_links_the_order_it_holds_money_for(client, cast, world):
    order = submit(world)
    res = order.fundings.get().reservation
    login(client, world.clerk)
    html = client.get(f"/workspace/limits/reservations/{res.pk}/").content.decode()
    assert f'href="/orders/{order.pk}/">{order.order_no}（待供应商确认）</a>' in html
    client.logout()
    sign_in(client, cast.supervisor_city)
    html = client.get(f"/workspace/limits/reservations/{res.pk}/").content.decode()
    assert f'href="/orders/{order.pk}/">{order.order_no}' in html


def test_staff_find_orders_by_the_purchasers_name(client, cast, world):
    order = submit(world)
    sign_in(client, cast.operator)
    name = world.clerk.organization.name
    html = client.get(reverse("ordering:order_list"), {"q": name[:6]}).content.decode()
    assert "订单号、采购人或供应商" in html and order.order_no in html
    html = client.get(reverse("ordering:order_list"), {"q": "没有这个单位"}).content.decode()
    assert order.order_no not in html
