"""Public announcement pages (信息公开): no sign-in needed."""

from __future__ import annotations

from django.core.paginator import Paginator
from django.db.models import Q
from django.shortcuts import render

from govmall.accounts import scoping
from govmall.disclosure.models import Announcement, AnnouncementKind
from govmall.regions.models import Region


def announcement_list(request):
    site = request.subsite.region
    qs = scoping.visible(request.user, Announcement).filter(subsite=request.subsite).select_related("region", "organization")
    kind = request.GET.get("kind", "")
    if kind in AnnouncementKind.values:
        qs = qs.filter(kind=kind)
    else:
        kind = ""
    region = request.GET.get("region", "")
    if region:
        qs = qs.filter(region__path__startswith=Region.objects.filter(code=region).values_list("path", flat=True).first() or "-")
    q = (request.GET.get("q") or "").strip()[:50]
    if q:
        qs = qs.filter(Q(title__icontains=q) | Q(organization__name__icontains=q))
    regions = Region.objects.filter(Q(pk=site.pk) | Q(parent=site)).order_by("code")
    page = Paginator(qs, 20).get_page(request.GET.get("page"))
    return render(request, "disclosure/list.html", {"page": page, "kinds": AnnouncementKind.choices, "kind": kind, "region": region, "regions": regions, "q": q})


def announcement_detail(request, pk):
    ann = scoping.get_visible_or_404(request.user, Announcement.objects.select_related("region", "organization"), pk=pk)
    return render(request, "disclosure/detail.html", {"ann": ann})
