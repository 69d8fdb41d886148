"""Workspace to-dos of the contracts app (counts through accounts.scoping)."""

from __future__ import annotations

from django.db.models import Q
from django.urls import reverse
from django.utils import timezone

from govmall.accounts import scoping
from govmall.accounts.models import Role
from govmall.contracts.models import Contract, ContractStatus
from govmall.contracts.selectors import payments_overdue, unpublished_overdue

BUYERS = {Role.PURCHASER_CLERK, Role.PURCHASER_APPROVER}


def todos(user) -> list[dict]:
    roles = user.role_set
    items: list[dict] = []
    url = reverse("contracts:list")
    today = timezone.localdate()
    if roles & BUYERS or Role.SUPPLIER_STAFF in roles:
        mine = scoping.visible(user, Contract)
        side = "purchaser" if roles & BUYERS else "supplier"
        unsigned = mine.filter(status=ContractStatus.PENDING, **{f"signed_by_{side}_at__isnull": True}).count()
        if unsigned:
            items.append({"label": "待签署合同", "count": unsigned, "url": f"{url}?todo=sign"})
        if side == "purchaser":
            n = mine.filter(signed_at__isnull=False, published_at__isnull=True).exclude(status=ContractStatus.CANCELLED).count()
            if n:
                items.append({"label": "待发布合同公告", "count": n, "url": f"{url}?todo=publish", "hint": "签订后 2 个工作日内公告"})
            n = mine.filter(Q(status=ContractStatus.DELIVERED) | Q(status=ContractStatus.SIGNED, order__status="delivered")).count()
            if n:
                items.append({"label": "待验收", "count": n, "url": f"{url}?todo=accept"})
            n = mine.filter(status=ContractStatus.ACCEPTED).count()
            if n:
                items.append({"label": "待付款合同", "count": n, "url": f"{url}?todo=pay", "hint": f"逾期 {payments_overdue(mine, today).count()} 份"})
        else:
            n = mine.filter(status=ContractStatus.SIGNED).count()
            if n:
                items.append({"label": "待送货合同", "count": n, "url": f"{url}?todo=deliver"})
    if roles & scoping.STAFF_ROLES:
        seen = scoping.visible(user, Contract)
        n = unpublished_overdue(seen, today).count()
        if n:
            items.append({"label": "逾期未公告合同", "count": n, "url": reverse("contracts:overdue_publications")})
        n = payments_overdue(seen, today, sme_only=True).count()
        if n:
            items.append({"label": "拖欠中小企业款项", "count": n, "url": reverse("contracts:overdue_payments")})
    return items
