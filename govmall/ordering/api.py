"""JSON endpoints of the ordering app, mounted by govmall/api.py under /api/v1/ordering.
Read only; scoped like the pages."""

from __future__ import annotations

import datetime as dt

from django.http import Http404
from ninja import Router, Schema
from ninja.pagination import paginate
from ninja.security import django_auth

from govmall.accounts import scoping
from govmall.ordering.models import CartItem, OrderStatus
from govmall.ordering.selectors import orders_for

router = Router(auth=django_auth, tags=["ordering"])


class LineOut(Schema):
    listing_id: int
    category_code: str
    title: str
    brand: str
    model: str
    unit_price: str
    quantity: int
    amount: str
    warranty_months: int
    delivery_days: int

    @staticmethod
    def resolve_category_code(obj):
        return obj.category.code

    @staticmethod
    def resolve_unit_price(obj):
        return f"{obj.unit_price:.2f}"

    @staticmethod
    def resolve_amount(obj):
        return f"{obj.amount:.2f}"


class FundingOut(Schema):
    plan_no: str
    amount: str
    reservation_status: str

    @staticmethod
    def resolve_plan_no(obj):
        return obj.plan.plan_no

    @staticmethod
    def resolve_amount(obj):
        return f"{obj.amount:.2f}"

    @staticmethod
    def resolve_reservation_status(obj):
        return obj.reservation.status


class OrderOut(Schema):
    id: int
    order_no: str
    status: str
    status_label: str
    purchaser_code: str
    purchaser_name: str
    supplier_name: str
    total: str
    submitted_at: dt.datetime | None
    confirm_deadline: dt.datetime | None
    confirmed_at: dt.datetime | None
    delivered_at: dt.datetime | None

    @staticmethod
    def resolve_status_label(obj):
        return obj.get_status_display()

    @staticmethod
    def resolve_purchaser_code(obj):
        return obj.purchaser.code

    @staticmethod
    def resolve_purchaser_name(obj):
        return obj.purchaser.name

    @staticmethod
    def resolve_supplier_name(obj):
        return obj.supplier.name

    @staticmethod
    def resolve_total(obj):
        return f"{obj.total:.2f}"


class OrderDetailOut(OrderOut):
    refusal_reason: str
    cancel_reason: str
    lines: list[LineOut]
    fundings: list[FundingOut] | None

    @staticmethod
    def resolve_lines(obj):
        return list(obj.lines.select_related("category"))

    @staticmethod
    def resolve_fundings(obj, context):
        user = context["request"].user
        if user.organization_id == obj.supplier_id:
            return None  # the supplier does not see the purchaser's plans
        return list(obj.fundings.select_related("plan", "reservation"))


class CartItemOut(Schema):
    id: int
    listing_id: int
    title: str
    supplier_name: str
    unit_price: str
    quantity: int

    @staticmethod
    def resolve_title(obj):
        return obj.listing.title

    @staticmethod
    def resolve_supplier_name(obj):
        return obj.listing.supplier.name

    @staticmethod
    def resolve_unit_price(obj):
        return f"{obj.listing.price:.2f}"


@router.get("/orders/", response=list[OrderOut])
@paginate
def order_list(request, status: str | None = None):
    qs = orders_for(request.user).order_by("-created_at", "-id")
    if status:
        if status not in OrderStatus.values:
            return qs.none()
        qs = qs.filter(status=status)
    return qs


@router.get("/orders/{order_id}/", response=OrderDetailOut)
def order_detail(request, order_id: int):
    order = orders_for(request.user).filter(pk=order_id).first()
    if order is None:
        raise Http404("未找到，或您无权查看")
    return order


@router.get("/cart/", response=list[CartItemOut])
def cart(request):
    return list(scoping.visible(request.user, CartItem).select_related("listing", "listing__supplier").order_by("id"))
