"""JSON endpoints of the purchasers app, mounted by govmall/api.py under /api/v1/. Scoped like the pages."""

from __future__ import annotations

import datetime as dt

from django.shortcuts import get_object_or_404
from ninja import Router, Schema
from ninja.pagination import paginate
from ninja.security import django_auth

from govmall.accounts import scoping
from govmall.purchasers.models import Purchaser
from govmall.purchasers.selectors import predecessors_of, successors_of

router = Router(auth=django_auth, tags=["purchasers"])


class PurchaserOut(Schema):
    id: int
    code: str
    name: str
    uscc: str | None
    region_code: str
    district_code: str
    level: str
    kind: str
    status: str
    parent_code: str | None
    effective_from: dt.date | None
    effective_to: dt.date | None

    @staticmethod
    def resolve_uscc(obj):
        return obj.organization.uscc or obj.retired_uscc or None

    @staticmethod
    def resolve_region_code(obj):
        return obj.organization.region.code

    @staticmethod
    def resolve_district_code(obj):
        return obj.district.code

    @staticmethod
    def resolve_parent_code(obj):
        return obj.parent.code if obj.parent_id else None


class LinkOut(Schema):
    code: str
    name: str
    restructure_no: str
    type: str
    effective_date: dt.date
    share: str
    applied: bool


class PurchaserDetailOut(PurchaserOut):
    predecessors: list[LinkOut]
    successors: list[LinkOut]


def _links(steps):
    return [
        {"code": s.purchaser.code, "name": s.purchaser.name, "restructure_no": s.restructure_number, "type": s.restructure_type,
         "effective_date": s.effective_date, "share": str(s.share), "applied": s.applied}
        for s in steps
    ]  # fmt: skip


def _qs(request):
    return scoping.visible(request.user, Purchaser).select_related("organization", "organization__region", "district", "parent__organization")


@router.get("/", response=list[PurchaserOut])
@paginate
def purchaser_list(request, status: str | None = None, q: str | None = None):
    qs = _qs(request).order_by("organization__code")
    if status:
        qs = qs.filter(status=status)
    if q:
        qs = qs.filter(organization__name__icontains=q) | qs.filter(organization__code__startswith=q)
    return qs


@router.get("/{code}", response=PurchaserDetailOut)
def purchaser_detail(request, code: str):
    p = get_object_or_404(_qs(request), organization__code=code)
    p.predecessors = _links(predecessors_of(p))
    p.successors = _links(successors_of(p))
    return p
