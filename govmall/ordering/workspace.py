"""Workspace to-dos of the ordering app (accounts.workspace provider): the order's own steps,
up to the supplier's confirmation. Delivery, acceptance and payment are the contract's steps
and its to-dos (contracts.workspace), for direct purchases and biddings alike; counting them
here as well would show one delivery as two to-dos."""

from django.urls import reverse

from govmall.accounts.models import Role
from govmall.ordering.models import OrderStatus
from govmall.ordering.selectors import approval_queue, orders_for, supplier_queue


def todos(user) -> list[dict]:
    items = []
    if user.has_role(Role.PURCHASER_APPROVER):
        items.append({"label": "待审批的直购订单", "count": approval_queue(user).count(), "url": reverse("ordering:approval_queue")})
    if user.has_role(Role.PURCHASER_CLERK):
        base = reverse("ordering:order_list")
        own = orders_for(user).filter(purchaser__organization_id=user.organization_id)
        items.append({"label": "待供应商确认的订单", "count": own.filter(status=OrderStatus.AWAITING_SUPPLIER).count(), "url": f"{base}?status=awaiting_supplier"})
    if user.has_role(Role.SUPPLIER_STAFF):
        base = reverse("ordering:supplier_orders")
        items.append({"label": "待确认的订单", "count": supplier_queue(user, "confirm").count(), "url": f"{base}?tab=confirm", "hint": "逾期未确认的订单自动失效"})
    return items
