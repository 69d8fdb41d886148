"""JSON API for signed-in people (session auth, CSRF enforced on writes): `/api/v1/`.

Every endpoint goes through accounts.scoping, exactly like the HTML pages."""

from __future__ import annotations

import datetime as dt

from django.shortcuts import get_object_or_404
from ninja import Field, Router, Schema
from ninja.pagination import paginate
from ninja.security import django_auth

from govmall.accounts import scoping
from govmall.accounts.models import Organization, User
from govmall.audit.models import AuditEntry
from govmall.regions.models import Region
from govmall.workdays.services import add_working_days, day_info

router = Router(auth=django_auth)
public = Router(tags=["public"])


class RegionOut(Schema):
    code: str
    name: str
    level: int
    parent_code: str | None

    @staticmethod
    def resolve_parent_code(obj):
        return obj.parent.code if obj.parent_id else None


class OrgOut(Schema):
    id: int
    kind: str
    name: str
    code: str | None
    uscc: str | None
    region_code: str
    is_active: bool

    @staticmethod
    def resolve_region_code(obj):
        return obj.region.code


class UserOut(Schema):
    id: int
    username: str
    display_name: str
    organization_id: int | None
    roles: list[str]
    is_active: bool

    @staticmethod
    def resolve_roles(obj):
        return sorted(obj.role_set)


class AuditOut(Schema):
    id: int
    seq: int | None = Field(None, description="链内序号；PostgreSQL 上提交后由封存补上，之前为空（待封存）")
    created_at: dt.datetime
    action: str
    actor_name: str
    org_name: str
    object_type: str
    object_id: str
    object_repr: str
    changes: dict
    message: str
    request_id: str
    client_ip: str
    hash: str | None = Field(None, description="本条哈希；待封存时为空")


class WorkdayOut(Schema):
    date: dt.date
    working: bool
    known: bool
    name: str


class DeadlineOut(Schema):
    start: dt.date
    working_days: int
    date: dt.date
    known: bool
    unknown_years: list[int]


def _staff_only(request):
    """Users and the audit log are back-office data: other roles are refused, as on the pages."""
    if not scoping.can_use(request.user, scoping.STAFF_ROLES):
        from ninja.errors import HttpError

        raise HttpError(403, "您的角色不能使用此功能")


@router.get("/me", response=UserOut)
def me(request):
    return request.user


@public.get("/regions", response=list[RegionOut])
def regions(request, parent: str | None = None):
    qs = scoping.visible(request.user, Region).select_related("parent")
    if parent:
        qs = qs.filter(parent__code=parent)
    else:
        qs = qs.filter(level__lte=2)
    return list(qs)


@public.get("/workdays/{day}", response=WorkdayOut)
def workday(request, day: dt.date):
    a = day_info(day)
    return {"date": a.date, "working": a.working, "known": a.known, "name": a.name}


@public.get("/workdays/{day}/plus/{n}", response=DeadlineOut)
def deadline(request, day: dt.date, n: int):
    if not 0 <= n <= 365:
        from ninja.errors import HttpError

        raise HttpError(422, "工作日数应在 0–365 之间")
    a = add_working_days(day, n)
    return {"start": day, "working_days": n, "date": a.date, "known": a.known, "unknown_years": list(a.unknown_years)}


@router.get("/organizations", response=list[OrgOut])
@paginate
def organizations(request, kind: str | None = None):
    qs = scoping.visible(request.user, Organization).select_related("region").order_by("id")
    return qs.filter(kind=kind) if kind else qs


@router.get("/organizations/{org_id}", response=OrgOut)
def organization(request, org_id: int):
    return get_object_or_404(scoping.visible(request.user, Organization).select_related("region"), pk=org_id)


@router.get("/users", response=list[UserOut])
@paginate
def users(request):
    _staff_only(request)
    return scoping.visible(request.user, User).prefetch_related("roles").order_by("id")


@router.get("/users/{user_id}", response=UserOut)
def user(request, user_id: int):
    _staff_only(request)
    return get_object_or_404(scoping.visible(request.user, User), pk=user_id)


@router.get("/audit", response=list[AuditOut])
@paginate
def audit(request, action: str | None = None, object_type: str | None = None):
    _staff_only(request)
    qs = scoping.visible(request.user, AuditEntry).order_by("-id")
    if action:
        qs = qs.filter(action=action)
    if object_type:
        qs = qs.filter(object_type=object_type)
    return qs


@router.get("/audit/{entry_id}", response=AuditOut)
def audit_entry(request, entry_id: int):
    _staff_only(request)
    return get_object_or_404(scoping.visible(request.user, AuditEntry), pk=entry_id)

