"""Contract pages: list, detail with signing, delivery, acceptance, payment, publication,
cancellation and termination; PDFs; supervisors' overdue lists; reconciliation; the plan
trace; contract rules. Thin: every change goes through contracts.services, every read
through accounts.scoping."""

from __future__ import annotations

import datetime as dt
import uuid

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST

from govmall.accounts import scoping
from govmall.accounts.models import Role
from govmall.audit.models import Action, AuditEntry
from govmall.audit.services import record
from govmall.contracts import selectors, services
from govmall.contracts.amounts import capitals
from govmall.contracts.models import Acceptance, AcceptanceConclusion, Contract, ContractStatus
from govmall.contracts.pdfs import read_verified
from govmall.core.errors import BusinessError
from govmall.core.exports import xlsx_response
from govmall.disclosure.selectors import published_for
from govmall.plans.models import Plan
from govmall.purchasers.models import Purchaser
from govmall.regions.models import Region

S = ContractStatus
BUYERS = frozenset({Role.PURCHASER_CLERK, Role.PURCHASER_APPROVER})
PARTIES = BUYERS | {Role.SUPPLIER_STAFF}
READERS = PARTIES | scoping.STAFF_ROLES
CENTRE = frozenset({Role.CENTRE_OPERATOR, Role.PLATFORM_ADMIN})


def _require(user, roles):
    if not scoping.can_use(user, roles):
        raise PermissionDenied("您的角色不能使用此功能")


def _contract(request, no: str) -> Contract:
    qs = Contract.objects.select_related("purchaser__organization__region", "supplier", "order", "bidding", "signed_by_purchaser", "signed_by_supplier")
    return scoping.get_visible_or_404(request.user, qs, contract_no=no)


# --- List -----------------------------------------------------------------------------------

QUEUES = {
    "sign": ("待签署", lambda qs, side: qs.filter(status=S.PENDING, **{f"signed_by_{side}_at__isnull": True})),
    "publish": ("待发布合同公告", lambda qs, side: qs.filter(signed_at__isnull=False, published_at__isnull=True).exclude(status=S.CANCELLED)),
    "deliver": ("待送货", lambda qs, side: qs.filter(status=S.SIGNED)),
    "accept": ("待验收", lambda qs, side: qs.filter(Q(status=S.DELIVERED) | Q(status=S.SIGNED, order__status="delivered"))),
    "pay": ("待付款", lambda qs, side: qs.filter(status=S.ACCEPTED)),
}


@login_required
def contract_list(request):
    _require(request.user, READERS)
    user = request.user
    side = "supplier" if Role.SUPPLIER_STAFF in user.role_set else "purchaser"
    qs = scoping.visible(user, Contract).select_related("purchaser__organization")
    f = {k: request.GET.get(k, "").strip() for k in ("status", "q", "todo", "mode")}
    if f["status"] in S.values:
        qs = qs.filter(status=f["status"])
    if f["mode"]:
        qs = qs.filter(mode=f["mode"])
    if f["todo"] in QUEUES:
        qs = QUEUES[f["todo"]][1](qs, side)
    if f["q"]:
        q = f["q"]
        qs = qs.filter(Q(contract_no__icontains=q) | Q(title__icontains=q) | Q(supplier_name__icontains=q) | Q(purchaser_name__icontains=q))
    if request.GET.get("export") == "xlsx":
        rows = (
            [c.contract_no, c.get_mode_display(), c.title, c.purchaser_name, c.supplier_name, c.amount, c.get_status_display(),
             timezone.localtime(c.signed_at).strftime("%Y-%m-%d") if c.signed_at else "", c.publish_deadline or "",
             timezone.localtime(c.published_at).strftime("%Y-%m-%d") if c.published_at else "", c.payment_due_on or "", c.paid_total]
            for c in qs.iterator()
        )  # fmt: skip
        return xlsx_response("合同列表.xlsx", ["合同编号", "方式", "合同名称", "采购人", "供应商", "合同金额", "状态", "签订日期", "公告期限", "公告日期", "付款到期日", "已付金额"], rows)
    page = Paginator(qs, 20).get_page(request.GET.get("page"))
    return render(request, "contracts/contract_list.html", {"page": page, "f": f, "statuses": S.choices, "todo_label": QUEUES[f["todo"]][0] if f["todo"] in QUEUES else "", "today": timezone.localdate()})


# --- Detail and actions ---------------------------------------------------------------------


def _detail_context(request, c: Contract, **extra) -> dict:
    user = request.user
    side = services.side_of(user, c)
    today = timezone.localdate()
    order_delivered = bool(c.order_id and c.order.delivered_at)
    days, interest = services.late_interest(c, today)
    ctx = {
        "c": c, "side": side, "lines": list(c.lines.all()), "fundings": list(c.fundings.select_related("plan", "reservation")),
        "acceptances": list(c.acceptances.select_related("signed_by").prefetch_related("lines__contract_line")),
        "payments": list(c.payments.select_related("entered_by")), "announcement": published_for(c),
        "capitals": capitals(c.amount), "overdue_days": days, "late_interest": interest, "today": today,
        "timeline": AuditEntry.objects.filter(object_type="contracts.contract", object_id=str(c.pk)).order_by("-seq")[:30],
        "can_sign": side is not None and c.status == S.PENDING and not getattr(c, f"signed_by_{side}_at"),
        "can_edit_terms": side == "purchaser" and c.status == S.PENDING and not (c.signed_by_purchaser_at or c.signed_by_supplier_at),
        "can_cancel": side == "purchaser" and c.status == S.PENDING,
        "can_publish": side == "purchaser" and c.signed_at is not None and c.published_at is None and c.status != S.CANCELLED,
        "can_deliver": side == "supplier" and c.status == S.SIGNED and not order_delivered,
        "can_accept": side == "purchaser" and (c.status == S.DELIVERED or (c.status == S.SIGNED and order_delivered)),
        "can_pay": side == "purchaser" and c.status == S.ACCEPTED,
        "can_terminate": side == "purchaser" and c.status in (S.SIGNED, S.DELIVERED, S.ACCEPTED),
        "pay_key": uuid.uuid4().hex, "pay_values": {"paid_on": today.isoformat(), "amount": f"{c.remaining:.2f}"}, "pay_errors": {},
        "terms_errors": {}, "terms_values": {"payment_term_days": c.payment_term_days, "delivery_place": c.delivery_place},
        "show_fundings": side != "supplier",
    }  # fmt: skip
    ctx.update(extra)
    return ctx


@login_required
def contract_detail(request, no):
    _require(request.user, READERS)
    c = _contract(request, no)
    return render(request, "contracts/contract_detail.html", _detail_context(request, c))


def _action(request, no, fn, ok: str):
    c = _contract(request, no)
    try:
        fn(c)
    except BusinessError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, ok)
    return redirect("contracts:detail", no=c.contract_no)


@login_required
@require_POST
def contract_sign(request, no):
    return _action(request, no, lambda c: services.contract_sign(contract=c, user=request.user), "已签署合同")


@login_required
@require_POST
def contract_publish(request, no):
    return _action(request, no, lambda c: services.contract_publish(contract=c, user=request.user), "合同公告已发布")


@login_required
@require_POST
def contract_deliver(request, no):
    return _action(request, no, lambda c: services.contract_deliver(contract=c, user=request.user, note=request.POST.get("note", "")), "已发出送达通知")


@login_required
@require_POST
def contract_cancel(request, no):
    return _action(request, no, lambda c: services.contract_cancel(contract=c, user=request.user, reason=request.POST.get("reason", "")), "合同已取消，预留额度已释放")


@login_required
@require_POST
def contract_terms(request, no):
    c = _contract(request, no)
    values = {"payment_term_days": request.POST.get("payment_term_days", ""), "delivery_place": request.POST.get("delivery_place", "")}
    try:
        services.contract_update_terms(contract=c, user=request.user, **values)
    except BusinessError as exc:
        return render(request, "contracts/contract_detail.html", _detail_context(request, c, terms_errors={exc.field or "general": exc.message}, terms_values=values), status=400)
    messages.success(request, "合同条款已修改")
    return redirect("contracts:detail", no=c.contract_no)


@login_required
@require_POST
def contract_pay(request, no):
    c = _contract(request, no)
    values = {k: request.POST.get(k, "") for k in ("amount", "paid_on", "voucher_no")}
    key = request.POST.get("idempotency_key", "")
    try:
        payment, created = services.payment_record(contract=c, user=request.user, idempotency_key=key, **values)
    except BusinessError as exc:
        ctx = _detail_context(request, c, pay_errors={exc.field or "general": exc.message}, pay_values=values)
        return render(request, "contracts/contract_detail.html", ctx, status=400)
    if created:
        messages.success(request, f"已登记付款 {payment.amount:,.2f} 元（凭证号 {payment.voucher_no}）")
    else:
        messages.info(request, "该付款已登记过，未重复登记")
    return redirect("contracts:detail", no=c.contract_no)


@login_required
@require_http_methods(["GET", "POST"])
def contract_terminate(request, no):
    c = _contract(request, no)
    if services.side_of(request.user, c) != "purchaser":
        raise PermissionDenied("只有本合同采购人可以终止合同")
    errors, values = {}, {"kind": "", "reason": ""}
    if request.method == "POST":
        values = {"kind": request.POST.get("kind", ""), "reason": request.POST.get("reason", "")}
        try:
            services.contract_terminate(contract=c, user=request.user, **values)
        except BusinessError as exc:
            errors = {exc.field or "general": exc.message}
        else:
            messages.success(request, "合同已终止，终止公告已发布")
            return redirect("contracts:detail", no=c.contract_no)
    return render(request, "contracts/terminate.html", {"c": c, "kinds": services.TERMINATION_KINDS, "errors": errors, "values": values}, status=400 if errors else 200)


@login_required
@require_http_methods(["GET", "POST"])
def acceptance_new(request, no):
    c = _contract(request, no)
    if services.side_of(request.user, c) != "purchaser":
        raise PermissionDenied("只有本合同采购人可以验收")
    lines = list(c.lines.all())
    errors: dict = {}
    values = {"conclusion": AcceptanceConclusion.PASSED, "remarks": "", "accepted_on": timezone.localdate().isoformat()}
    rows = [{"line": ln, "accepted": str(ln.quantity), "rejected": "0", "reason": ""} for ln in lines]
    if request.method == "POST":
        values = {k: request.POST.get(k, "") for k in ("conclusion", "remarks", "accepted_on")}
        rows = [{"line": ln, "accepted": request.POST.get(f"accepted-{ln.pk}", ""), "rejected": request.POST.get(f"rejected-{ln.pk}", "0") or "0", "reason": request.POST.get(f"reason-{ln.pk}", "")} for ln in lines]
        try:
            try:
                inputs = [services.AcceptanceInput(line_id=r["line"].pk, accepted_quantity=int(r["accepted"]), rejected_quantity=int(r["rejected"]), reject_reason=r["reason"]) for r in rows]
            except ValueError:
                raise BusinessError("验收数量须为整数", field="lines") from None
            try:
                on = dt.date.fromisoformat(values["accepted_on"].strip()) if values["accepted_on"].strip() else None
            except ValueError:
                raise BusinessError("验收日期格式应为 YYYY-MM-DD", field="accepted_on") from None
            acc = services.acceptance_sign(contract=c, user=request.user, lines=inputs, conclusion=values["conclusion"], remarks=values["remarks"], accepted_on=on)
        except BusinessError as exc:
            errors = {exc.field or "general": exc.message}
        else:
            messages.success(request, f"验收书 {acc.number} 已签署：{acc.get_conclusion_display()}")
            return redirect("contracts:detail", no=c.contract_no)
    return render(
        request, "contracts/acceptance_form.html",
        {"c": c, "rows": rows, "values": values, "errors": errors, "conclusions": AcceptanceConclusion.choices},
        status=400 if errors else 200,
    )  # fmt: skip


# --- PDFs -----------------------------------------------------------------------------------


def _pdf_response(data: bytes, filename: str, *, inline: bool = True) -> HttpResponse:
    from urllib.parse import quote

    response = HttpResponse(data, content_type="application/pdf")
    response["Content-Disposition"] = f"{'inline' if inline else 'attachment'}; filename*=UTF-8''{quote(filename)}"
    response["X-Content-Type-Options"] = "nosniff"
    return response


def _tampered(obj, what: str) -> HttpResponse:
    record(Action.SYSTEM, obj, message=f"{what}文件校验失败（SHA-256 与登记值不符），已拒绝下载")
    return HttpResponse(f"{what}文件校验失败，文件可能已被改动。已记录并通知管理员，请联系采购中心。", status=409, content_type="text/plain; charset=utf-8")


@login_required
def contract_pdf(request, no):
    _require(request.user, READERS)
    c = _contract(request, no)
    if not c.pdf:
        return render(request, "contracts/pdf_pending.html", {"c": c, "what": "合同文本"}, status=202)
    data = read_verified(c.pdf, c.pdf_sha256)
    if data is None:
        return _tampered(c, "合同文本")
    return _pdf_response(data, f"{c.contract_no}.pdf")


def public_pdf(request, no):
    """The signed contract of a published notice: public, as the law requires it published."""
    c = Contract.objects.filter(contract_no=no, published_at__isnull=False).first()
    if c is None or not c.pdf:
        raise Http404("未找到已公告的合同")
    data = read_verified(c.pdf, c.pdf_sha256)
    if data is None:
        return _tampered(c, "合同文本")
    return _pdf_response(data, f"{c.contract_no}.pdf")


@login_required
def acceptance_pdf(request, no, pk):
    _require(request.user, READERS)
    c = _contract(request, no)
    a = Acceptance.objects.filter(contract=c, pk=pk).first()
    if a is None:
        raise Http404("未找到验收书")
    if not a.pdf:
        return render(request, "contracts/pdf_pending.html", {"c": c, "what": "验收书"}, status=202)
    data = read_verified(a.pdf, a.pdf_sha256)
    if data is None:
        return _tampered(a, "验收书")
    return _pdf_response(data, f"{a.number}.pdf", inline=False)


# --- Supervision ----------------------------------------------------------------------------


@login_required
def overdue_publications(request):
    _require(request.user, scoping.STAFF_ROLES)
    today = timezone.localdate()
    qs = selectors.unpublished_overdue(scoping.visible(request.user, Contract), today).select_related("purchaser__district").order_by("publish_deadline")
    rows = [(c, (today - c.publish_deadline).days) for c in qs]
    if request.GET.get("export") == "xlsx":
        return xlsx_response("逾期未公告合同.xlsx", ["合同编号", "采购人", "主管区划", "供应商", "合同金额", "签订日期", "公告期限", "逾期天数"],
                             ([c.contract_no, c.purchaser_name, c.purchaser.district.name, c.supplier_name, c.amount, timezone.localtime(c.signed_at).strftime("%Y-%m-%d"), c.publish_deadline, d] for c, d in rows))  # fmt: skip
    return render(request, "contracts/overdue_publications.html", {"rows": rows, "today": today})


@login_required
def overdue_payments(request):
    _require(request.user, scoping.STAFF_ROLES)
    today = timezone.localdate()
    sme_only = request.GET.get("all") != "1"
    qs = selectors.payments_overdue(scoping.visible(request.user, Contract), today, sme_only=sme_only).select_related("purchaser__district").order_by("payment_due_on")
    rows = [(c, *services.late_interest(c, today)) for c in qs]
    if request.GET.get("export") == "xlsx":
        return xlsx_response("逾期未付款合同.xlsx", ["合同编号", "采购人", "主管区划", "供应商", "中小企业", "合同金额", "未付金额", "付款到期日", "逾期天数", "逾期利息"],
                             ([c.contract_no, c.purchaser_name, c.purchaser.district.name, c.supplier_name, "是" if c.supplier_is_sme else "否", c.amount, c.remaining, c.payment_due_on, d, i] for c, d, i in rows))  # fmt: skip
    return render(request, "contracts/overdue_payments.html", {"rows": rows, "today": today, "sme_only": sme_only})


@login_required
def reconciliation(request):
    _require(request.user, BUYERS | scoping.STAFF_ROLES)
    user = request.user
    staff = bool(user.role_set & scoping.STAFF_ROLES)
    purchaser_id = district = ""
    purchasers, districts = [], []
    if staff:
        purchaser_id = request.GET.get("purchaser", "")
        district = request.GET.get("district", "")
        purchasers = scoping.visible(user, Purchaser).select_related("organization").order_by("organization__code")[:500]
        districts = Region.objects.filter(Q(pk=request.subsite.region_id) | Q(parent=request.subsite.region)).order_by("code")
    rules = services.rules_for(request.subsite)
    items = selectors.reconciliation(user, alert_days=rules.unsigned_alert_days, purchaser_id=int(purchaser_id) if purchaser_id.isdigit() else None, district_code=district)
    kind = request.GET.get("kind", "")
    if kind in selectors.KINDS:
        items = [i for i in items if i.kind == kind]
    if request.GET.get("export") == "xlsx":
        return xlsx_response("对账异常.xlsx", ["异常类型", "采购人", "主管区划", "单号", "金额", "说明"], ([i.label, i.purchaser, i.district, i.reference, i.amount, i.detail] for i in items))
    plans = scoping.visible(user, Plan).select_related("purchaser__organization").order_by("-year", "plan_no")
    if purchaser_id.isdigit():
        plans = plans.filter(purchaser_id=int(purchaser_id))
    if district:
        plans = plans.filter(purchaser__district__code=district)
    counts = {k: 0 for k in selectors.KINDS}
    for i in items:
        counts[i.kind] += 1
    return render(request, "contracts/reconciliation.html", {
        "items": items, "kinds": selectors.KINDS, "summary": [(k, label, counts[k]) for k, label in selectors.KINDS.items()], "kind": kind, "counts": counts, "staff": staff, "purchasers": purchasers,
        "districts": districts, "plans": plans[:50], "purchaser_id": purchaser_id, "district": district, "alert_days": rules.unsigned_alert_days,
    })  # fmt: skip


@login_required
def plan_trace(request, plan_id):
    _require(request.user, BUYERS | scoping.STAFF_ROLES)
    plan = scoping.get_visible_or_404(request.user, Plan.objects.select_related("purchaser__organization", "category"), pk=plan_id)
    trace = selectors.plan_trace(request.user, plan)
    return render(request, "contracts/trace.html", {"t": trace, "plan": plan})


@login_required
@require_http_methods(["GET", "POST"])
def rules_edit(request):
    _require(request.user, CENTRE)
    subsite = request.subsite
    if not scoping.can_use(request.user, {Role.PLATFORM_ADMIN}) and request.user.organization.subsite_id != subsite.pk:
        raise PermissionDenied("只能设置本分站的合同规则")
    rules = services.rules_for(subsite)
    names = ["payment_term_days", "acceptance_days", "unsigned_alert_days", "late_interest_rate"]
    values = {n: getattr(rules, n) for n in names}
    errors = {}
    if request.method == "POST":
        values = {n: request.POST.get(n, "") for n in names}
        try:
            services.rules_update(subsite=subsite, **values)
        except BusinessError as exc:
            errors = {exc.field or "general": exc.message}
        else:
            messages.success(request, "合同规则已保存")
            return redirect("contracts:rules")
    return render(request, "contracts/rules.html", {"values": values, "errors": errors, "sme_max": services.SME_MAX_TERM_DAYS}, status=400 if errors else 200)
