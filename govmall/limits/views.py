"""Limits pages: the finance bureau's standards and the effective set for any district, the
public notices, the purchaser's 我的计划与额度, the check form and the reservations list."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods, require_POST

from govmall.accounts import scoping
from govmall.accounts.models import Role
from govmall.audit.models import AuditEntry
from govmall.core.errors import BusinessError
from govmall.limits import hooks
from govmall.limits.forms import CheckForm, PublishForm, StandardForm
from govmall.limits.models import LimitNotice, LimitStandard, Reservation, ReservationStatus, StandardStatus
from govmall.limits.policy import check
from govmall.limits.selectors import cap_lines, region_chain, rule_for_purchaser, standard_in_force, standard_label
from govmall.limits.services import RULE_FIELDS, levels_for, notice_text, standard_draft, standard_publish, standard_update
from govmall.plans.models import OPEN_STATUSES, Plan
from govmall.purchasers.budget import today
from govmall.core.exports import xlsx_response
from govmall.purchasers.models import Purchaser
from govmall.purchasers.selectors import lineage_ids, purchaser_of_user
from govmall.regions.models import Level, Region

BUYERS = frozenset({Role.PURCHASER_CLERK, Role.PURCHASER_APPROVER})
EDITORS = frozenset({Role.FINANCE_SUPERVISOR, Role.PLATFORM_ADMIN})


def _require(user, roles):
    if not scoping.can_use(user, roles):
        raise PermissionDenied("您的角色不能使用此功能")


def _page(request, qs, size=20):
    return Paginator(qs, size).get_page(request.GET.get("page"))


def can_edit_region(user, region: Region) -> bool:
    """A city bureau edits the city's standard, a district bureau its own; administrators any."""
    if user.has_role(Role.PLATFORM_ADMIN):
        return region.level in (Level.CITY, Level.COUNTY)
    return bool(user.has_role(Role.FINANCE_SUPERVISOR) and user.organization_id and user.organization.region_id == region.pk)


# --- Public notices -------------------------------------------------------------------------


def notice_list(request):
    site_path = request.subsite.region.path
    qs = scoping.visible(request.user, LimitNotice).select_related("region").filter(region__path__startswith=site_path)
    region = request.GET.get("region", "")
    if region:
        qs = qs.filter(region__code=region)
    regions = Region.objects.filter(Q(pk=request.subsite.region_id) | Q(parent=request.subsite.region)).order_by("code")
    return render(request, "limits/notice_list.html", {"page": _page(request, qs), "region": region, "regions": regions})


def notice_detail(request, pk):
    notice = scoping.get_visible_or_404(request.user, LimitNotice.objects.select_related("region", "standard"), pk=pk)
    rules = notice.standard.rules.all().order_by("id")
    return render(request, "limits/notice_detail.html", {"notice": notice, "rules": rules})


# --- Standards (finance bureau) -------------------------------------------------------------


@login_required
def standard_list(request):
    """The effective set for any district, and the versions of the chosen region."""
    _require(request.user, scoping.STAFF_ROLES)
    city = request.subsite.region
    regions = [city, *Region.objects.filter(parent=city).order_by("code")]
    code = request.GET.get("region") or (request.user.organization.region.code if request.user.organization_id else city.code)
    region = next((r for r in regions if r.code == code), city)
    on = today()
    in_force = standard_in_force(region, on)
    versions = readable_standards(request.user).filter(region=region).select_related("region").order_by("-version")
    upcoming = LimitStandard.objects.filter(region__in=[region, city], status=StandardStatus.PUBLISHED, effective_from__gt=on).order_by("effective_from")
    levels = levels_for(region)
    rules = [in_force.rule_for(level) for level in levels] if in_force else []
    return render(
        request,
        "limits/standard_list.html",
        {
            "regions": regions, "region": region, "in_force": in_force, "rules": [r for r in rules if r], "versions": versions,
            "inherited": in_force is not None and in_force.region_id != region.pk, "can_edit": can_edit_region(request.user, region),
            "draft": versions.filter(status=StandardStatus.DRAFT).first(), "upcoming": upcoming, "on": on,
        },
    )  # fmt: skip


@login_required
@require_POST
def standard_new(request):
    region = Region.objects.filter(code=request.POST.get("region", "")).first()
    if region is None or not can_edit_region(request.user, region):
        raise PermissionDenied("只能制定本级财政部门所辖区划的限额标准")
    try:
        std = standard_draft(region=region)
    except BusinessError as exc:
        messages.error(request, exc.message)
        return redirect(reverse("limits:standards") + f"?region={region.code}")
    return redirect("limits:standard_edit", pk=std.pk)


def readable_standards(user):
    """Staff see the standards of their region; published ones also by those they apply to
    (a district bureau reads the city's set it inherits)."""
    qs = scoping.visible(user, LimitStandard)
    if user.organization_id:
        chain = region_chain(user.organization.region)
        qs = qs | LimitStandard.objects.filter(status=StandardStatus.PUBLISHED, region__in=chain)
    return qs.distinct()


def _viewable_standard(user, pk) -> LimitStandard:
    _require(user, scoping.STAFF_ROLES)
    std = readable_standards(user).select_related("region").filter(pk=pk).first()
    if std is None:
        raise Http404("未找到，或您无权查看")
    return std


@login_required
def standard_detail(request, pk):
    std = _viewable_standard(request.user, pk)
    timeline = scoping.visible(request.user, AuditEntry).filter(object_type="limits.limitstandard", object_id=str(std.pk))[:20]
    return render(
        request,
        "limits/standard_detail.html",
        {"std": std, "rules": std.rules.all().order_by("id"), "timeline": timeline, "can_edit": can_edit_region(request.user, std.region)},
    )


def _editable(request, pk) -> LimitStandard:
    std = scoping.get_visible_or_404(request.user, LimitStandard.objects.select_related("region"), "change", pk=pk)
    if not can_edit_region(request.user, std.region):
        raise PermissionDenied("只能修改本级财政部门的限额标准")
    if std.status != StandardStatus.DRAFT:
        raise Http404("已发布的版本不能修改")
    return std


@login_required
@require_http_methods(["GET", "POST"])
def standard_edit(request, pk):
    std = _editable(request, pk)
    levels = levels_for(std.region)
    initial = {"title": std.title, "split_window_days": std.split_window_days, "split_action": std.split_action}
    for level in levels:
        rule = std.rule_for(level)
        for name in RULE_FIELDS:
            initial[f"{level}_{name}"] = getattr(rule, name) if rule else ""
    form = StandardForm(request.POST or None, levels=levels, initial=initial)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            standard_update(standard=std, title=d["title"], split_window_days=d["split_window_days"], split_action=d["split_action"], rules=form.rules())
        except BusinessError as exc:
            form.add_error(exc.field if exc.field in form.fields else None, exc.message)
        else:
            messages.success(request, "草稿已保存。核对无误后请发布，发布后按生效日期执行。")
            return redirect("limits:standard_publish", pk=std.pk) if "publish" in request.POST else redirect("limits:standard_edit", pk=std.pk)
    return render(request, "limits/standard_edit.html", {"std": std, "form": form})


@login_required
@require_http_methods(["GET", "POST"])
def standard_publish_view(request, pk):
    std = _editable(request, pk)
    form = PublishForm(request.POST or None, initial={"effective_from": std.effective_from, "notice_body": notice_text(std)})
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            standard_publish(standard=std, notice_no=d["notice_no"], effective_from=d["effective_from"], notice_body=d["notice_body"])
        except BusinessError as exc:
            form.add_error(exc.field if exc.field in form.fields else None, exc.message)
        else:
            messages.success(request, f"限额标准第 {std.version} 版已发布，{d['effective_from']} 起施行，公告已在门户公开")
            return redirect("limits:standard_detail", pk=std.pk)
    return render(request, "limits/standard_publish.html", {"std": std, "form": form, "rules": std.rules.all().order_by("id")})


# --- Purchaser's plans and caps --------------------------------------------------------------


def _caps_context(purchaser: Purchaser, year: int, rollup: str):
    ids = lineage_ids(purchaser, rollup)
    standard, rule = rule_for_purchaser(purchaser, today())
    plans = Plan.objects.filter(purchaser_id__in=ids, year=year).select_related("category", "cap_category", "purchaser__organization").order_by("status", "plan_no")
    return {
        "purchaser": purchaser, "year": year, "lines": cap_lines(ids, year, rule), "plans": plans, "standard": standard, "rule": rule,
        "standard_text": standard_label(standard) if standard else "", "rollup": rollup, "rolled": len(ids) > 1,
        "open_statuses": OPEN_STATUSES, "years": range(today().year, today().year - 4, -1),
    }  # fmt: skip


def _year(request) -> int:
    raw = request.GET.get("year", "")
    return int(raw) if raw.isdigit() and 2000 <= int(raw) <= 2100 else today().year


@login_required
def my_caps(request):
    """我的计划与额度: the signed-in purchaser's plans and, per level-2 category, the cap."""
    _require(request.user, BUYERS)
    purchaser = purchaser_of_user(request.user)
    if purchaser is None:
        return render(request, "limits/no_purchaser.html")
    ctx = _caps_context(purchaser, _year(request), "")
    return render(request, "limits/caps.html", {**ctx, "mine": True})


@login_required
def purchaser_usage(request, pk):
    """The same for one purchaser, as staff see it, optionally rolled up over its lineage."""
    purchaser = scoping.get_visible_or_404(request.user, Purchaser.objects.select_related("organization", "district"), pk=pk)
    rollup = request.GET.get("rollup", "")
    ctx = _caps_context(purchaser, _year(request), rollup if rollup in ("back", "forward") else "")
    return render(request, "limits/caps.html", {**ctx, "mine": False})


# --- Check -----------------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def check_view(request):
    """额度测算: the policy check, as every purchase path will call it, on request."""
    _require(request.user, BUYERS | scoping.STAFF_ROLES)
    staff = not scoping.can_use(request.user, BUYERS)
    own = purchaser_of_user(request.user) if not staff else None
    plans = None
    if own is not None:
        plans = scoping.visible(request.user, Plan).filter(purchaser=own, status__in=OPEN_STATUSES, year=today().year).select_related("category")
    initial = {"plan": request.GET.get("plan", ""), "mode": "direct"}
    form = CheckForm(request.POST or None, plans=plans, staff=staff, initial=initial)
    result = None
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            if staff:
                purchaser = scoping.visible(request.user, Purchaser).filter(organization__code=d["purchaser_code"].strip()).first()
                if purchaser is None:
                    raise BusinessError(f"采购人编码「{d['purchaser_code']}」不存在或不在您的辖区", field="purchaser_code")
            else:
                purchaser = own
                if purchaser is None:
                    raise BusinessError("您的单位没有采购人档案，请联系财政部门登记")
            plan = scoping.visible(request.user, Plan).filter(plan_no=d["plan"].strip()).first()
            if plan is None:
                raise BusinessError(f"采购计划「{d['plan']}」不存在或您无权使用", field="plan")
            result = check(purchaser=purchaser, plan=plan, category=d["category_code"], amount=d["amount"], mode=d["mode"])
        except BusinessError as exc:
            form.add_error(exc.field if exc.field in form.fields else None, exc.message)
    return render(request, "limits/check.html", {"form": form, "result": result, "staff": staff, "own": own})


# --- Reservations ----------------------------------------------------------------------------


@login_required
def reservation_list(request):
    _require(request.user, BUYERS | scoping.STAFF_ROLES)
    qs = scoping.visible(request.user, Reservation).select_related("purchaser__organization", "plan", "cap_category", "category")
    f = {k: request.GET.get(k, "").strip() for k in ("status", "flag", "plan", "q")}
    if f["status"] in ReservationStatus.values:
        qs = qs.filter(status=f["status"])
    if f["flag"] == "1":
        qs = qs.filter(split_flag=True)
    if f["plan"]:
        qs = qs.filter(plan__plan_no=f["plan"])
    if f["q"]:
        qs = qs.filter(Q(reference__icontains=f["q"]) | Q(purchaser__organization__name__icontains=f["q"]) | Q(cap_category__short_code__startswith=f["q"].upper()))
    if request.GET.get("export") == "xlsx":
        return xlsx_response(
            "额度预留.xlsx",
            ["编号", "时间", "采购人", "计划编号", "品目", "二级品目", "采购形式", "采购方式", "预留金额", "签约金额", "状态", "疑似化整为零", "业务单号", "提示"],
            (
                (r.pk, r.created_at.astimezone().strftime("%Y-%m-%d %H:%M"), r.purchaser.name, r.plan.plan_no, r.category.short_code, r.cap_category.short_code,
                 r.get_form_display(), r.get_mode_display(), r.amount, r.consumed_amount, r.get_status_display(), "是" if r.split_flag else "",
                 r.reference, "；".join(r.warnings))
                for r in qs.iterator(chunk_size=500)
            ),
        )  # fmt: skip
    return render(
        request,
        "limits/reservation_list.html",
        {"page": _page(request, qs), "f": f, "statuses": ReservationStatus.choices, "is_staff": scoping.can_use(request.user, scoping.STAFF_ROLES)},
    )


@login_required
def reservation_detail(request, pk):
    r = scoping.get_visible_or_404(
        request.user, Reservation.objects.select_related("purchaser__organization", "plan", "cap_category", "category", "standard__region"), pk=pk
    )
    timeline = scoping.visible(request.user, AuditEntry).filter(object_type="limits.reservation", object_id=str(r.pk))[:20]
    return render(request, "limits/reservation_detail.html", {"r": r, "timeline": timeline, "related": hooks.related(r, request.user)})
