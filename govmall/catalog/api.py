"""JSON endpoints of the catalog app, mounted by govmall/api.py under /api/v1/catalog/.
Scoped like the pages: versions and reports for staff within reach, the catalog in force for
everyone (signed in or not)."""

from __future__ import annotations

import datetime as dt

from django.shortcuts import get_object_or_404
from ninja import Router, Schema
from ninja.errors import HttpError
from ninja.pagination import paginate
from ninja.security import django_auth

from govmall.accounts import scoping
from govmall.catalog.models import MallCatalogVersion, MallItem, PublishedMallCatalogVersion, PublishedMallItem
from govmall.catalog.validation import mall_catalog_validate
from govmall.subsites.models import Subsite

router = Router(auth=django_auth, tags=["catalog"])


class VersionOut(Schema):
    id: int
    subsite: str
    number: int
    status: str
    edition: str
    based_on: int | None
    note: str
    created_at: dt.datetime
    published_at: dt.datetime | None

    @staticmethod
    def resolve_subsite(obj):
        return obj.subsite.code

    @staticmethod
    def resolve_edition(obj):
        return obj.edition.code

    @staticmethod
    def resolve_based_on(obj):
        return obj.based_on.number if obj.based_on_id else None


class ItemOut(Schema):
    local_code: str
    local_name: str
    aliases: list[str]
    provincial_code: str | None
    provincial_name: str | None
    group_code: str | None
    group_name: str | None
    remark: str

    @staticmethod
    def resolve_aliases(obj):
        return obj.alias_list()

    @staticmethod
    def resolve_provincial_code(obj):
        return obj.category.code if obj.category_id else None

    @staticmethod
    def resolve_provincial_name(obj):
        return obj.category.name if obj.category_id else None

    @staticmethod
    def resolve_group_code(obj):
        return obj.group.code if obj.group_id else None

    @staticmethod
    def resolve_group_name(obj):
        return obj.group.name if obj.group_id else None


class PublishedOut(Schema):
    version: VersionOut
    items: list[ItemOut]


class ProblemOut(Schema):
    kind: str
    severity: str
    local_code: str
    local_name: str
    item_id: int | None
    detail: str
    message: str


class ReportOut(Schema):
    version_id: int
    version_number: int
    edition: str
    item_count: int
    ok: bool
    error_count: int
    warning_count: int
    counts: dict[str, int]
    problems: list[ProblemOut]


def _versions(request):
    """Versions within reach; other roles are refused, as on the pages (they read /published)."""
    if not scoping.can_use(request.user, scoping.STAFF_ROLES):
        raise HttpError(403, "您的角色不能使用此功能")
    return scoping.visible(request.user, MallCatalogVersion).select_related("subsite", "edition", "based_on")


@router.get("/versions", response=list[VersionOut])
@paginate
def versions(request, status: str | None = None):
    """Mall catalog versions within the caller's reach (staff), newest first."""
    qs = _versions(request).order_by("subsite__code", "-number")
    return qs.filter(status=status) if status else qs


@router.get("/versions/{version_id}", response=VersionOut)
def version(request, version_id: int):
    return get_object_or_404(_versions(request), pk=version_id)


@router.get("/versions/{version_id}/items", response=list[ItemOut])
@paginate
def version_items(request, version_id: int):
    found = get_object_or_404(_versions(request), pk=version_id)
    return scoping.visible(request.user, MallItem).filter(version=found).select_related("category", "group").order_by("local_code")


@router.get("/versions/{version_id}/report", response=ReportOut)
def version_report(request, version_id: int):
    """The validation report: every problem by kind; `ok` is false when publication would be refused."""
    found = get_object_or_404(_versions(request).select_related("subsite__region"), pk=version_id)
    return mall_catalog_validate(found).as_dict()


@router.get("/published", response=PublishedOut, auth=None)
def published(request, subsite: str | None = None):
    """The mall catalog in force on a sub-site (default: the one the request is for), with
    every item, its aliases (search synonyms) and its level-2 group. Public."""
    site = get_object_or_404(Subsite, code=subsite) if subsite else request.subsite
    found = scoping.visible(request.user, PublishedMallCatalogVersion).filter(subsite=site).select_related("subsite", "edition", "based_on").first()
    if found is None:
        raise HttpError(404, f"{site.short_name}尚未发布商城品目目录")
    items = scoping.visible(request.user, PublishedMallItem).filter(version_id=found.pk).select_related("category", "group").order_by("local_code")
    return {"version": found, "items": list(items)}
