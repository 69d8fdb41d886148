"""JSON endpoints of the suppliers app, mounted by govmall/api.py under /api/v1/suppliers.
Scoped like the pages: the supplier its own record, the centre and supervisors their reach."""

from __future__ import annotations

from django.http import HttpRequest
from ninja import Router, Schema
from ninja.pagination import paginate
from ninja.security import django_auth

from govmall.accounts import scoping
from govmall.suppliers import selectors
from govmall.suppliers.models import SupplierProfile

router = Router(auth=django_auth, tags=["suppliers"])


class SupplierOut(Schema):
    id: int
    name: str
    uscc: str | None
    region_code: str
    status: str
    enterprise_size: str
    is_sme: bool
    scope: list[str]

    @staticmethod
    def resolve_id(obj):
        return obj.supplier_id

    @staticmethod
    def resolve_name(obj):
        return obj.supplier.name

    @staticmethod
    def resolve_uscc(obj):
        return obj.supplier.uscc

    @staticmethod
    def resolve_region_code(obj):
        return obj.supplier.region.code

    @staticmethod
    def resolve_scope(obj):
        return sorted(obj.supplier.supplier_scopes.values_list("category__code", flat=True))


class EligibilityOut(Schema):
    active: bool
    can_list: bool
    can_quote: bool
    reasons: list[str]


@router.get("/", response=list[SupplierOut], summary="供应商（按权限范围）")
@paginate
def supplier_list(request: HttpRequest, status: str = ""):
    qs = scoping.visible(request.user, SupplierProfile).select_related("supplier", "supplier__region").order_by("supplier__name")
    if status:
        qs = qs.filter(status=status)
    return qs


@router.get("/{org_id}", response=SupplierOut, summary="供应商详情（按权限范围）")
def supplier_detail(request: HttpRequest, org_id: int):
    return scoping.get_visible_or_404(request.user, SupplierProfile.objects.select_related("supplier", "supplier__region"), supplier_id=org_id)


@router.get("/{org_id}/eligibility", response=EligibilityOut, summary="能否上架、报价及原因")
def supplier_eligibility(request: HttpRequest, org_id: int):
    profile = scoping.get_visible_or_404(request.user, SupplierProfile.objects.select_related("supplier"), supplier_id=org_id)
    e = selectors.eligibility(profile.supplier)
    return {"active": e.active, "can_list": e.can_list, "can_quote": e.can_quote, "reasons": e.reasons}
