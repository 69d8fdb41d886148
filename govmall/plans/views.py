"""Procurement plan pages: purchasers see their own plans and what is left; the finance
bureau enters, adjusts and cancels plans (the budget system will do the same through the
integration API, calling the same services)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Q, Sum
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods, require_POST

from govmall.accounts import scoping
from govmall.accounts.models import Role
from govmall.audit.models import AuditEntry
from govmall.core.errors import BusinessError
from govmall.plans.forms import AdjustForm, CancelForm, PlanForm
from govmall.plans.models import Plan, PlanStatus, ProcurementForm
from govmall.plans.services import plan_adjust, plan_cancel, plan_create
from govmall.purchasers.budget import today
from govmall.core.exports import xlsx_response
from govmall.purchasers.models import Purchaser
from govmall.regions.models import Region

MAINTAINERS = frozenset({Role.FINANCE_SUPERVISOR, Role.PLATFORM_ADMIN})
READERS = frozenset(Role.values) - {Role.SUPPLIER_STAFF}


def _require(user, roles):
    if not scoping.can_use(user, roles):
        raise PermissionDenied("您的角色不能使用此功能")


def _filtered(request):
    qs = scoping.visible(request.user, Plan).select_related("purchaser__organization", "cap_category", "category")
    f = {k: request.GET.get(k, "").strip() for k in ("year", "status", "form", "q", "region", "open")}
    if f["year"].isdigit():
        qs = qs.filter(year=int(f["year"]))
    if f["status"] in PlanStatus.values:
        qs = qs.filter(status=f["status"])
    if f["form"] in ProcurementForm.values:
        qs = qs.filter(procurement_form=f["form"])
    if f["q"]:
        qs = qs.filter(
            Q(plan_no__icontains=f["q"]) | Q(description__icontains=f["q"]) | Q(purchaser__organization__name__icontains=f["q"])
            | Q(cap_category__short_code__startswith=f["q"].upper()) | Q(category__short_code__startswith=f["q"].upper())
        )  # fmt: skip
    if f["region"]:
        qs = qs.filter(purchaser__organization__region__path__contains=f"/{f['region']}/")
    return f, qs.order_by("-year", "plan_no")


@login_required
def plan_list(request):
    _require(request.user, READERS)
    f, qs = _filtered(request)
    if request.GET.get("export") == "xlsx":
        return xlsx_response(
            "采购计划.xlsx",
            ["计划编号", "年度", "采购人编码", "采购人", "品目", "二级品目", "采购内容", "计划金额", "已使用", "已预留", "剩余", "资金来源", "采购形式", "批复日期", "状态"],
            (
                (p.plan_no, p.year, p.purchaser.code, p.purchaser.name, p.category.short_code, p.cap_category.short_code, p.description, p.amount,
                 p.used, p.reserved, p.remaining, p.get_fund_source_display(), p.get_procurement_form_display(), p.approved_at.date().isoformat(),
                 p.get_status_display())
                for p in qs.iterator(chunk_size=500)
            ),
        )  # fmt: skip
    totals = qs.exclude(status=PlanStatus.CANCELLED).aggregate(amount=Sum("amount"), used=Sum("used"), reserved=Sum("reserved"))
    return render(
        request,
        "plans/list.html",
        {
            "page": Paginator(qs, 20).get_page(request.GET.get("page")), "f": f, "totals": totals, "statuses": PlanStatus.choices,
            "forms": ProcurementForm.choices, "years": range(today().year + 1, today().year - 4, -1),
            "counties": Region.objects.filter(parent=request.subsite.region).order_by("code"),
            "can_maintain": scoping.can_use(request.user, MAINTAINERS),
            "is_staff": scoping.can_use(request.user, scoping.STAFF_ROLES),
        },
    )  # fmt: skip


@login_required
def plan_detail(request, pk):
    plan = scoping.get_visible_or_404(
        request.user, Plan.objects.select_related("purchaser__organization", "category", "cap_category", "original_purchaser__organization", "derived_from"), pk=pk
    )
    timeline = scoping.visible(request.user, AuditEntry).filter(object_type="plans.plan", object_id=str(plan.pk))[:30]
    return render(
        request,
        "plans/detail.html",
        {
            "plan": plan, "timeline": timeline, "can_change": scoping.can(request.user, "change", plan) and plan.status != PlanStatus.CANCELLED,
            "derived": plan.derived.select_related("purchaser__organization"), "cancel_form": CancelForm(),
        },
    )  # fmt: skip


@login_required
@require_http_methods(["GET", "POST"])
def plan_create_view(request):
    _require(request.user, MAINTAINERS)
    form = PlanForm(request.POST or None, initial={"year": today().year, "approved_at": today()})
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            purchaser = scoping.visible(request.user, Purchaser, "change").filter(organization__code=d["purchaser_code"].strip()).first()
            if purchaser is None:
                raise BusinessError(f"采购人编码「{d['purchaser_code']}」不存在或不在您的辖区", field="purchaser_code")
            plan = plan_create(
                plan_no=d["plan_no"], year=d["year"], purchaser=purchaser, category=d["category_code"], amount=d["amount"],
                procurement_form=d["procurement_form"], fund_source=d["fund_source"], description=d["description"], approved_at=d["approved_at"],
            )  # fmt: skip
        except BusinessError as exc:
            form.add_error(exc.field if exc.field in form.fields else None, exc.message)
        else:
            messages.success(request, f"采购计划 {plan.plan_no} 已下达")
            return redirect("plans:detail", pk=plan.pk)
    return render(request, "plans/form.html", {"form": form, "title": "录入采购计划"})


@login_required
@require_http_methods(["GET", "POST"])
def plan_adjust_view(request, pk):
    plan = scoping.get_visible_or_404(request.user, Plan.objects.select_related("purchaser__organization"), "change", pk=pk)
    form = AdjustForm(request.POST or None, initial={"amount": plan.amount})
    if request.method == "POST" and form.is_valid():
        try:
            plan_adjust(plan=plan, amount=form.cleaned_data["amount"], reason=form.cleaned_data["reason"])
        except BusinessError as exc:
            form.add_error("amount" if exc.field in (None, "amount") else None, exc.message)
        else:
            messages.success(request, f"采购计划 {plan.plan_no} 已调整")
            return redirect("plans:detail", pk=plan.pk)
    return render(request, "plans/adjust.html", {"form": form, "plan": plan})


@login_required
@require_POST
def plan_cancel_view(request, pk):
    plan = scoping.get_visible_or_404(request.user, Plan, "change", pk=pk)
    form = CancelForm(request.POST)
    if not form.is_valid():
        messages.error(request, "请填写撤销原因")
        return redirect("plans:detail", pk=plan.pk)
    try:
        plan_cancel(plan=plan, reason=form.cleaned_data["reason"])
    except BusinessError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, f"采购计划 {plan.plan_no} 已撤销")
    return redirect("plans:detail", pk=plan.pk)
