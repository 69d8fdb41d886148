"""JSON endpoints of the plans app, mounted by govmall/api.py under /api/v1/. Scoped like the pages."""

from __future__ import annotations

import datetime as dt

from django.shortcuts import get_object_or_404
from ninja import Router, Schema
from ninja.pagination import paginate
from ninja.security import django_auth

from govmall.accounts import scoping
from govmall.plans.models import Plan

router = Router(auth=django_auth, tags=["plans"])


class PlanOut(Schema):
    plan_no: str
    year: int
    purchaser_code: str
    original_purchaser_code: str | None
    category_code: str
    cap_category_code: str
    description: str
    amount: str
    used: str
    reserved: str
    remaining: str
    fund_source: str
    procurement_form: str
    approved_at: dt.datetime
    status: str

    @staticmethod
    def resolve_purchaser_code(obj):
        return obj.purchaser.code

    @staticmethod
    def resolve_original_purchaser_code(obj):
        return obj.original_purchaser.code if obj.original_purchaser_id else None

    @staticmethod
    def resolve_category_code(obj):
        return obj.category.code

    @staticmethod
    def resolve_cap_category_code(obj):
        return obj.cap_category.short_code

    @staticmethod
    def resolve_amount(obj):
        return f"{obj.amount:.2f}"

    @staticmethod
    def resolve_used(obj):
        return f"{obj.used:.2f}"

    @staticmethod
    def resolve_reserved(obj):
        return f"{obj.reserved:.2f}"

    @staticmethod
    def resolve_remaining(obj):
        return f"{obj.remaining:.2f}"


def _qs(request):
    return scoping.visible(request.user, Plan).select_related(
        "purchaser__organization", "original_purchaser__organization", "category", "cap_category"
    )


@router.get("/", response=list[PlanOut])
@paginate
def plan_list(request, year: int | None = None, status: str | None = None):
    qs = _qs(request).order_by("-year", "plan_no")
    if year:
        qs = qs.filter(year=year)
    if status:
        qs = qs.filter(status=status)
    return qs


@router.get("/{plan_no}", response=PlanOut)
def plan_detail(request, plan_no: str):
    return get_object_or_404(_qs(request), plan_no=plan_no)
