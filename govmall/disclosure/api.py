"""JSON endpoints of the disclosure app, mounted by govmall/api.py under /api/v1/disclosure.
Announcements are public: no sign-in."""

from __future__ import annotations

import datetime as dt

from ninja import Router, Schema
from ninja.pagination import paginate

from govmall.accounts import scoping
from govmall.disclosure.models import Announcement

router = Router(tags=["disclosure"])


class AnnouncementOut(Schema):
    id: int
    kind: str
    title: str
    body: str
    region: str
    organization: str | None
    published_at: dt.datetime

    @staticmethod
    def resolve_region(obj):
        return obj.region.code

    @staticmethod
    def resolve_organization(obj):
        return obj.organization.name if obj.organization_id else None


@router.get("/announcements", response=list[AnnouncementOut], summary="公告列表（公开）")
@paginate
def announcements(request, kind: str = ""):
    qs = scoping.visible(request.user, Announcement).select_related("region", "organization")
    if kind:
        qs = qs.filter(kind=kind)
    return qs
