"""Workspace to-dos of the ordering app (accounts.workspace provider)."""

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
        items.append({"label": "已送达待验收的订单", "count": own.filter(status=OrderStatus.DELIVERED).count(), "url": f"{base}?status=delivered"})
    if user.has_role(Role.SUPPLIER_STAFF):
        base = reverse("ordering:supplier_orders")
        items.append({"label": "待确认的订单", "count": supplier_queue(user, "confirm").count(), "url": f"{base}?tab=confirm", "hint": "逾期未确认的订单自动失效"})
        items.append({"label": "待送货的订单", "count": supplier_queue(user, "deliver").count(), "url": f"{base}?tab=deliver"})
    return items
