"""JSON endpoints of the limits app, mounted by govmall/api.py under /api/v1/. Scoped like the pages.

`POST /check` runs the policy check (no reservation); reservations themselves are made by the
ordering and bidding services in-process (limits.services.reserve)."""

from __future__ import annotations

import datetime as dt

from django.shortcuts import get_object_or_404
from ninja import Router, Schema
from ninja.errors import HttpError
from ninja.pagination import paginate
from ninja.security import django_auth

from govmall.accounts import scoping
from govmall.accounts.models import Role
from govmall.limits.models import LimitNotice, Reservation
from govmall.limits.policy import check
from govmall.limits.selectors import cap_lines, rule_for_purchaser, standard_in_force
from govmall.plans.models import Plan
from govmall.purchasers.budget import today
from govmall.purchasers.models import Purchaser
from govmall.purchasers.selectors import lineage_ids, purchaser_of_user
from govmall.regions.models import Region

router = Router(auth=django_auth, tags=["limits"])


class CheckIn(Schema):
    plan_no: str
    category_code: str
    amount: str
    mode: str
    purchaser_code: str | None = None  # staff only; purchasers check for their own unit


class CheckOut(Schema):
    allowed: bool
    reasons: list[str]
    codes: list[str]
    warnings: list[str]
    amount: str | None
    year: int | None
    mode: str
    mode_required: str | None
    modes_allowed: list[str]
    plan_no: str
    plan_remaining: str | None
    cap_category_code: str
    form: str
    cap_ceiling: str | None
    cap_used: str | None
    cap_reserved: str | None
    cap_remaining: str | None
    split_flag: bool
    standard: str


def _money(v):
    return None if v is None else f"{v:.2f}"


@router.post("/check", response=CheckOut)
def policy_check(request, body: CheckIn):
    user = request.user
    if user.has_role(Role.PURCHASER_CLERK, Role.PURCHASER_APPROVER):
        purchaser = purchaser_of_user(user)
    elif user.role_set & scoping.STAFF_ROLES and body.purchaser_code:
        purchaser = scoping.visible(user, Purchaser).filter(organization__code=body.purchaser_code).first()
    else:
        raise HttpError(403, "您的角色不能使用额度测算")
    if purchaser is None:
        raise HttpError(404, "采购人不存在或不在您的辖区")
    plan = scoping.visible(user, Plan).filter(plan_no=body.plan_no).first()
    if plan is None:
        raise HttpError(404, f"采购计划「{body.plan_no}」不存在或您无权使用")
    r = check(purchaser=purchaser, plan=plan, category=body.category_code, amount=body.amount, mode=body.mode)
    return {
        **{k: getattr(r, k) for k in ("allowed", "reasons", "codes", "warnings", "year", "mode", "mode_required", "modes_allowed", "plan_no",
                                        "cap_category_code", "form", "split_flag", "standard")},
        **{k: _money(getattr(r, k)) for k in ("amount", "plan_remaining", "cap_ceiling", "cap_used", "cap_reserved", "cap_remaining")},
    }  # fmt: skip


class CapOut(Schema):
    category_code: str
    category_name: str
    form: str
    ceiling: str | None
    used: str
    reserved: str
    remaining: str | None
    plan_remaining: str


class CapsOut(Schema):
    purchaser_code: str
    year: int
    rollup: str
    standard: str
    caps: list[CapOut]


@router.get("/caps", response=CapsOut)
def caps(request, year: int | None = None, purchaser_code: str | None = None, rollup: str = ""):
    """What is left per level-2 category: the signed-in purchaser's own, or (staff) any
    purchaser in scope, optionally rolled up over its predecessors or successors."""
    if purchaser_code:
        purchaser = scoping.visible(request.user, Purchaser).filter(organization__code=purchaser_code).first()
    else:
        purchaser = purchaser_of_user(request.user)
    if purchaser is None:
        raise HttpError(404, "采购人不存在或不在您的辖区")
    year = year or today().year
    standard, rule = rule_for_purchaser(purchaser)
    rollup = rollup if rollup in ("back", "forward") else ""
    lines = cap_lines(lineage_ids(purchaser, rollup), year, rule)
    return {
        "purchaser_code": purchaser.code, "year": year, "rollup": rollup, "standard": str(standard) if standard else "",
        "caps": [
            {"category_code": ln.category_code, "category_name": ln.category_name, "form": ln.form, "ceiling": _money(ln.ceiling),
             "used": _money(ln.used), "reserved": _money(ln.reserved), "remaining": _money(ln.remaining), "plan_remaining": _money(ln.plan_remaining)}
            for ln in lines
        ],
    }  # fmt: skip


class ReservationOut(Schema):
    id: int
    purchaser_code: str
    plan_no: str
    category_code: str
    cap_category_code: str
    form: str
    year: int
    amount: str
    consumed_amount: str | None
    mode: str
    status: str
    reference: str
    split_flag: bool
    warnings: list[str]
    created_at: dt.datetime

    @staticmethod
    def resolve_purchaser_code(obj):
        return obj.purchaser.code

    @staticmethod
    def resolve_plan_no(obj):
        return obj.plan.plan_no

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
    def resolve_consumed_amount(obj):
        return _money(obj.consumed_amount)


def _reservations(request):
    return scoping.visible(request.user, Reservation).select_related("purchaser__organization", "plan", "category", "cap_category")


@router.get("/reservations", response=list[ReservationOut])
@paginate
def reservation_list(request, status: str | None = None, split_flag: bool | None = None):
    qs = _reservations(request).order_by("-id")
    if status:
        qs = qs.filter(status=status)
    if split_flag is not None:
        qs = qs.filter(split_flag=split_flag)
    return qs


@router.get("/reservations/{reservation_id}", response=ReservationOut)
def reservation_detail(request, reservation_id: int):
    return get_object_or_404(_reservations(request), pk=reservation_id)


class RuleOut(Schema):
    level: str
    tender_threshold: str
    mall_limit: str
    direct_max: str
    bidding_min: str
    cap_centralized: str
    cap_department: str
    cap_decentralized: str


class StandardOut(Schema):
    region_code: str
    source_region_code: str
    version: int
    notice_no: str
    effective_from: dt.date
    split_window_days: int
    split_action: str
    rules: list[RuleOut]


@router.get("/standards/effective", response=StandardOut)
def effective_standard(request, region: str, on: dt.date | None = None):
    """The standard in force in a region (a district's own, else the city's)."""
    target = get_object_or_404(Region, code=region)
    std = standard_in_force(target, on or today())
    if std is None:
        raise HttpError(404, f"{target.name}没有适用的限额标准")
    fields = ("tender_threshold", "mall_limit", "direct_max", "bidding_min", "cap_centralized", "cap_department", "cap_decentralized")
    return {
        "region_code": target.code, "source_region_code": std.region.code, "version": std.version, "notice_no": std.notice_no,
        "effective_from": std.effective_from, "split_window_days": std.split_window_days, "split_action": std.split_action,
        "rules": [{"level": r.level, **{f: f"{getattr(r, f):.2f}" for f in fields}} for r in std.rules.all().order_by("id")],
    }  # fmt: skip


class NoticeOut(Schema):
    id: int
    region_code: str
    notice_no: str
    title: str
    body: str
    effective_from: dt.date
    published_at: dt.datetime

    @staticmethod
    def resolve_region_code(obj):
        return obj.region.code


@router.get("/notices", response=list[NoticeOut], auth=None)
@paginate
def notices(request, region: str | None = None):
    qs = scoping.visible(request.user, LimitNotice).select_related("region")
    if region:
        qs = qs.filter(region__code=region)
    return qs
