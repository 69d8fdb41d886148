"""Workspace to-dos of purchasers, plans and limits (registered in AppConfig.ready). Counts
go through accounts.scoping."""

from __future__ import annotations

from django.db.models import F
from django.urls import reverse

from govmall.accounts import scoping
from govmall.accounts.models import Role
from govmall.limits.models import LimitStandard, Reservation, ReservationStatus, StandardStatus
from govmall.plans.models import OPEN_STATUSES, Plan
from govmall.purchasers.budget import today
from govmall.purchasers.models import Restructure, RestructureStatus


def todos(user) -> list[dict]:
    items = []
    if user.has_role(Role.PURCHASER_CLERK, Role.PURCHASER_APPROVER):
        plans = scoping.visible(user, Plan).filter(year=today().year, status__in=OPEN_STATUSES).filter(amount__gt=F("used") + F("reserved"))
        items.append({"label": "本年度可用采购计划", "count": plans.count(), "url": reverse("limits:my_caps")})
        pending = scoping.visible(user, Reservation).filter(status=ReservationStatus.RESERVED)
        items.append({"label": "进行中的额度预留", "count": pending.count(), "url": reverse("limits:reservations") + "?status=reserved"})
    if user.has_role(Role.FINANCE_SUPERVISOR, Role.CENTRE_OPERATOR, Role.PLATFORM_ADMIN):
        flagged = scoping.visible(user, Reservation).filter(split_flag=True).exclude(status=ReservationStatus.RELEASED)
        items.append({"label": "疑似化整为零", "count": flagged.count(), "url": reverse("limits:reservations") + "?flag=1"})
    if user.has_role(Role.FINANCE_SUPERVISOR, Role.PLATFORM_ADMIN):
        stuck = scoping.visible(user, Restructure).filter(status=RestructureStatus.SCHEDULED).exclude(last_error="")
        items.append({"label": "未能生效的机构改革", "count": stuck.count(), "url": reverse("purchasers:restructure_list")})
        drafts = scoping.visible(user, LimitStandard, "change").filter(status=StandardStatus.DRAFT)
        items.append({"label": "未发布的限额标准草稿", "count": drafts.count(), "url": reverse("limits:standards")})
    return items
