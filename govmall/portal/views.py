"""Public portal, per-role workspace and the foundation's back-office pages.

Every list and detail goes through accounts.scoping; every write through a service."""

from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import HttpResponseRedirect
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST

from govmall.accounts import scoping
from govmall.accounts.models import Notification, Organization, OrgKind, Role, User
from govmall.accounts.services import notification_mark_read, notifications_mark_all_read
from govmall.accounts.workspace import todos_for as workspace_todos
from govmall.audit.models import Action, AuditEntry, ChainCheck
from govmall.core.errors import BusinessError
from govmall.core.exports import xlsx_response
from govmall.disclosure.models import Announcement
from govmall.portal.forms import AuditFilterForm, HolidayYearForm, SubsiteStyleForm
from govmall.regions.models import Region
from govmall.subsites import features
from govmall.subsites.models import Subsite
from govmall.subsites.services import subsite_update_style
from govmall.workdays.models import HolidayYear
from govmall.workdays.services import add_working_days, holiday_year_save, missing_years, parse_schedule

PAGE_SIZE = 20


def _page(request, qs, size=PAGE_SIZE):
    return Paginator(qs, size).get_page(request.GET.get("page"))


def _require(user, roles):
    if not scoping.can_use(user, roles):
        raise PermissionDenied("您的角色不能使用此功能")


def _site_orgs(request):
    return Organization.objects.filter(subsite=request.subsite, is_active=True)


# --- Public --------------------------------------------------------------------------------


def home(request):
    site = request.subsite
    stats = {
        "purchasers": _site_orgs(request).filter(kind=OrgKind.PURCHASER).count(),
        "suppliers": _site_orgs(request).filter(kind=OrgKind.SUPPLIER).count(),
        "counties": Region.objects.filter(parent=site.region).count() if not site.is_province else Region.objects.filter(parent=site.region).count(),
        "towns": Region.objects.filter(path__startswith=site.region.path, level=4).count(),
    }
    latest = scoping.visible(request.user, Announcement).filter(subsite=site).select_related("organization")[:8]
    return render(request, "portal/home.html", {"stats": stats, "announcements": latest})


def supplier_directory(request):
    if not features.enabled(request.subsite, "supplier_directory"):
        return render(request, "portal/feature_off.html", {"title": "供应商名录"}, status=404)
    qs = _site_orgs(request).filter(kind=OrgKind.SUPPLIER).select_related("region")
    q = request.GET.get("q", "").strip()
    if q:
        qs = qs.filter(Q(name__icontains=q) | Q(uscc__icontains=q))
    return render(request, "portal/supplier_directory.html", {"page": _page(request, qs.order_by("name")), "q": q})


def workday_calendar(request):
    if not features.enabled(request.subsite, "workday_calendar"):
        return render(request, "portal/feature_off.html", {"title": "工作日历"}, status=404)
    today = timezone.localdate()
    try:
        year = int(request.GET.get("year", today.year))
        month = int(request.GET.get("month", today.month))
        first = dt.date(year, month, 1)
    except (TypeError, ValueError):
        first = today.replace(day=1)
    from govmall.workdays.services import _answer, _load  # the calendar kept per process

    last = (first.replace(day=28) + dt.timedelta(days=4)).replace(day=1) - dt.timedelta(days=1)
    years, specials = _load()
    days = [_answer(first + dt.timedelta(days=i), years, specials) for i in range((last - first).days + 1)]
    weeks, week = [], [None] * first.weekday()
    for d in days:
        week.append(d)
        if len(week) == 7:
            weeks.append(week)
            week = []
    if week:
        weeks.append(week + [None] * (7 - len(week)))
    calc = None
    calc_error = ""
    if request.GET.get("start"):
        try:
            start = dt.date.fromisoformat(request.GET["start"])
            n = int(request.GET.get("n", "0"))
            if not 0 <= n <= 365:
                raise ValueError
            calc = {"start": start, "n": n, "answer": add_working_days(start, n)}
        except ValueError:
            calc_error = "请输入正确的日期和 0–365 之间的工作日数"
    prev_m = (first - dt.timedelta(days=1)).replace(day=1)
    next_m = last + dt.timedelta(days=1)
    return render(
        request,
        "portal/calendar.html",
        {
            "first": first, "weeks": weeks, "known": first.year in years, "prev_m": prev_m, "next_m": next_m,
            "calc": calc, "calc_error": calc_error, "today": today,
        },
    )  # fmt: skip


# --- Workspace ------------------------------------------------------------------------------


@login_required
def workspace(request):
    user = request.user
    todos = []
    unread = user.notifications.filter(read_at__isnull=True).count()
    todos.append({"label": "未读消息", "count": unread, "url": reverse("portal:notifications") + "?unread=1"})
    if user.has_role(Role.CENTRE_OPERATOR, Role.PLATFORM_ADMIN):
        year = timezone.localdate().year
        gaps = missing_years(range(year, year + 2))
        todos.append(
            {
                "label": "待录入节假日安排",
                "count": len(gaps),
                "hint": "、".join(f"{y} 年" for y in gaps),
                "url": reverse("portal:holiday_list"),
            }
        )
        since = timezone.now() - dt.timedelta(hours=24)
        failed = scoping.visible(user, AuditEntry).filter(action=Action.LOGIN_FAILED, created_at__gte=since).count()
        todos.append({"label": "24 小时内登录失败", "count": failed, "url": reverse("portal:audit_list") + "?action=login_failed"})
    if user.has_role(Role.FINANCE_SUPERVISOR, Role.CENTRE_OPERATOR, Role.PLATFORM_ADMIN):
        today_start = timezone.localtime().replace(hour=0, minute=0, second=0, microsecond=0)
        todos.append(
            {
                "label": "今日操作记录",
                "count": scoping.visible(user, AuditEntry).filter(created_at__gte=today_start).count(),
                "url": reverse("portal:audit_list") + f"?since={timezone.localdate().isoformat()}",
            }
        )
        for kind, label in ((OrgKind.PURCHASER, "辖区采购人"), (OrgKind.SUPPLIER, "辖区供应商")):
            todos.append(
                {
                    "label": label,
                    "count": scoping.visible(user, Organization).filter(kind=kind, is_active=True).count(),
                    "url": reverse("portal:org_list") + f"?kind={kind}",
                }
            )
    todos.extend(workspace_todos(user))
    chain = ChainCheck.objects.first() if user.has_role(Role.PLATFORM_ADMIN) else None
    return render(request, "portal/workspace.html", {"todos": todos, "chain": chain, "org": user.organization})


# --- Organizations and users ----------------------------------------------------------------


@login_required
def org_list(request):
    qs = scoping.visible(request.user, Organization).select_related("region", "subsite")
    kind = request.GET.get("kind", "")
    q = request.GET.get("q", "").strip()
    if kind in OrgKind.values:
        qs = qs.filter(kind=kind)
    if q:
        qs = qs.filter(Q(name__icontains=q) | Q(code__icontains=q) | Q(uscc__icontains=q))
    region = request.GET.get("region", "")
    if region:
        qs = qs.filter(region__path__contains=f"/{region}/")
    qs = qs.order_by("kind", "region__code", "name")
    if request.GET.get("export") == "xlsx":
        return xlsx_response(
            "机构名录.xlsx",
            ["类型", "名称", "单位编码", "统一社会信用代码", "所在区划", "联系人", "联系电话", "状态"],
            ((o.get_kind_display(), o.name, o.code, o.uscc, o.region.name, o.contact_name, o.contact_phone, "有效" if o.is_active else "停用") for o in qs.iterator()),
        )
    counties = Region.objects.filter(parent=request.subsite.region).order_by("code")
    return render(
        request,
        "portal/org_list.html",
        {"page": _page(request, qs), "kinds": OrgKind.choices, "kind": kind, "q": q, "region": region, "counties": counties},
    )


@login_required
def org_detail(request, pk):
    org = scoping.get_visible_or_404(request.user, Organization.objects.select_related("region", "subsite", "parent"), pk=pk)
    users = scoping.visible(request.user, User).filter(organization=org).prefetch_related("roles")
    timeline = scoping.visible(request.user, AuditEntry).filter(object_type="accounts.organization", object_id=str(org.pk))[:20]
    return render(request, "portal/org_detail.html", {"org": org, "users": users, "timeline": timeline, "can_change": scoping.can(request.user, "change", org)})


@login_required
def user_list(request):
    _require(request.user, scoping.STAFF_ROLES)
    qs = scoping.visible(request.user, User).select_related("organization", "organization__region").prefetch_related("roles")
    q = request.GET.get("q", "").strip()
    role = request.GET.get("role", "")
    if q:
        qs = qs.filter(Q(username__icontains=q) | Q(display_name__icontains=q) | Q(organization__name__icontains=q))
    if role in Role.values:
        qs = qs.filter(roles__role=role)
    qs = qs.order_by("organization__name", "username").distinct()
    if request.GET.get("export") == "xlsx":
        return xlsx_response(
            "用户名单.xlsx",
            ["用户名", "姓名", "所属机构", "角色", "状态", "最近登录"],
            (
                (u.username, u.display_name, u.organization.name if u.organization else "", "、".join(u.role_labels()), "启用" if u.is_active else "停用",
                 timezone.localtime(u.last_login).strftime("%Y-%m-%d %H:%M") if u.last_login else "")
                for u in qs
            ),
        )  # fmt: skip
    return render(request, "portal/user_list.html", {"page": _page(request, qs), "q": q, "role": role, "roles": Role.choices})


@login_required
def user_detail(request, pk):
    _require(request.user, scoping.STAFF_ROLES)
    person = scoping.get_visible_or_404(request.user, User.objects.select_related("organization"), pk=pk)
    timeline = scoping.visible(request.user, AuditEntry).filter(object_type="accounts.user", object_id=str(person.pk))[:20]
    return render(request, "portal/user_detail.html", {"person": person, "timeline": timeline})


# --- Audit log ------------------------------------------------------------------------------


def _audit_queryset(request):
    qs = scoping.visible(request.user, AuditEntry)
    form = AuditFilterForm(request.GET or None)
    if form.is_valid():
        data = form.cleaned_data
        if data.get("action"):
            qs = qs.filter(action=data["action"])
        if data.get("actor"):
            qs = qs.filter(actor_name__icontains=data["actor"])
        if data.get("object_type"):
            qs = qs.filter(object_type=data["object_type"])
        if data.get("q"):
            qs = qs.filter(Q(object_repr__icontains=data["q"]) | Q(message__icontains=data["q"]) | Q(request_id=data["q"]))
        if data.get("since"):
            qs = qs.filter(created_at__date__gte=data["since"])
        if data.get("until"):
            qs = qs.filter(created_at__date__lte=data["until"])
    return form, qs.order_by("-id")


@login_required
def audit_list(request):
    _require(request.user, scoping.STAFF_ROLES)
    form, qs = _audit_queryset(request)
    if request.GET.get("export") == "xlsx":
        return xlsx_response(
            "审计日志.xlsx",
            ["序号", "时间", "操作", "操作人", "操作人单位", "对象类型", "对象", "说明", "客户端地址", "请求ID"],
            (
                (e.seq, timezone.localtime(e.created_at).strftime("%Y-%m-%d %H:%M:%S"), e.get_action_display(), e.actor_name, e.org_name,
                 e.object_type, e.object_repr, e.message, e.client_ip, e.request_id)
                for e in qs.iterator()
            ),
        )  # fmt: skip
    return render(request, "portal/audit_list.html", {"form": form, "page": _page(request, qs, 30)})


@login_required
def audit_detail(request, pk):
    _require(request.user, scoping.STAFF_ROLES)
    entry = scoping.get_visible_or_404(request.user, AuditEntry, pk=pk)
    return render(request, "portal/audit_detail.html", {"e": entry})


# --- Sub-site style -------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def subsite_style(request):
    _require(request.user, {Role.CENTRE_OPERATOR, Role.PLATFORM_ADMIN})
    site = scoping.get_visible_or_404(request.user, Subsite, "change", pk=request.subsite.pk)
    form = SubsiteStyleForm(request.POST or None, instance=site)
    if request.method == "POST" and form.is_valid():
        try:
            subsite_update_style(subsite=site, data=form.style_data())
        except BusinessError as exc:
            form.add_error(exc.field if exc.field in form.fields else None, exc.message)
        else:
            messages.success(request, "门户风格已保存，首页已按新设置显示")
            return redirect("portal:subsite_style")
    return render(request, "portal/subsite_style.html", {"form": form, "site": site})


# --- Holidays -------------------------------------------------------------------------------


@login_required
def holiday_list(request):
    _require(request.user, {Role.CENTRE_OPERATOR, Role.PLATFORM_ADMIN})
    year = timezone.localdate().year
    years = HolidayYear.objects.prefetch_related("days")[:6]
    return render(request, "portal/holiday_list.html", {"years": years, "missing": missing_years(range(year, year + 2))})


@login_required
@require_http_methods(["GET", "POST"])
def holiday_edit(request, year):
    _require(request.user, {Role.CENTRE_OPERATOR, Role.PLATFORM_ADMIN})
    existing = HolidayYear.objects.filter(year=year).prefetch_related("days").first()
    if existing is not None and not scoping.can(request.user, "change", existing):
        raise PermissionDenied
    initial = {"year": year}
    if existing:
        initial.update(
            source=existing.source,
            holidays="\n".join(f"{d.date} {d.name}" for d in existing.days.all() if not d.is_workday),
            workdays="\n".join(f"{d.date} {d.name}" for d in existing.days.all() if d.is_workday),
        )
    form = HolidayYearForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            days = parse_schedule(year, form.cleaned_data["holidays"], form.cleaned_data["workdays"])
            holiday_year_save(year=year, source=form.cleaned_data["source"], days=days)
        except BusinessError as exc:
            form.add_error("source" if exc.field == "source" else "holidays", exc.message)
        else:
            messages.success(request, f"{year} 年节假日安排已保存，期限计算即刻按新安排执行")
            return redirect("portal:holiday_list")
    return render(request, "portal/holiday_edit.html", {"form": form, "year": year, "existing": existing})


# --- Notifications --------------------------------------------------------------------------


@login_required
def notifications(request):
    qs = scoping.visible(request.user, Notification)
    if request.GET.get("unread"):
        qs = qs.filter(read_at__isnull=True)
    return render(request, "portal/notifications.html", {"page": _page(request, qs), "unread_only": bool(request.GET.get("unread"))})


@login_required
@require_POST
def notifications_read_all(request):
    n = notifications_mark_all_read(user=request.user)
    messages.success(request, f"已将 {n} 条消息标为已读" if n else "没有未读消息")
    return redirect("portal:notifications")


@login_required
@require_POST
def notification_read(request, pk):
    note = scoping.get_visible_or_404(request.user, Notification, "change", pk=pk)
    notification_mark_read(notification=note)
    if note.link and note.link.startswith("/"):
        return HttpResponseRedirect(note.link)
    return redirect("portal:notifications")


@login_required
def profile(request):
    from django_otp.plugins.otp_totp.models import TOTPDevice

    has_totp = TOTPDevice.objects.filter(user=request.user, confirmed=True).exists()
    return render(request, "portal/profile.html", {"has_totp": has_totp})
