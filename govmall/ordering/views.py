"""Ordering pages: 购物车 and checkout, 我的订单, 订单审批, 供应商订单, 直购规则. Thin: every
change goes through ordering.services; every object read through accounts.scoping."""

from __future__ import annotations

import uuid

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_http_methods, require_POST

from govmall.accounts import scoping
from govmall.accounts.models import Role
from govmall.core.errors import BusinessError
from govmall.limits.policy import LimitRefused
from govmall.ordering import hooks, selectors, services
from govmall.ordering.models import CartItem, Order, OrderStatus
from govmall.ordering.states import ORDER_MACHINE
from govmall.purchasers.selectors import purchaser_of_user

S = OrderStatus
CLERK = frozenset({Role.PURCHASER_CLERK})
ORDER_READERS = frozenset({Role.PURCHASER_CLERK, Role.PURCHASER_APPROVER, Role.CENTRE_OPERATOR, Role.FINANCE_SUPERVISOR, Role.PLATFORM_ADMIN})


def _require(user, roles):
    if not scoping.can_use(user, roles):
        raise PermissionDenied("您的角色不能使用此功能")


def _back(request, default: str) -> str:
    nxt = request.POST.get("next") or request.GET.get("next") or ""
    if nxt and url_has_allowed_host_and_scheme(nxt, allowed_hosts={request.get_host()}, require_https=request.is_secure()):
        return nxt
    return default


# --- Cart ------------------------------------------------------------------------------------


@login_required
def cart(request):
    _require(request.user, CLERK)
    groups = selectors.cart_groups(request.user)
    return render(request, "ordering/cart.html", {"groups": groups, "total": sum((g.total for g in groups), 0)})


@login_required
@require_POST
def cart_add(request):
    _require(request.user, CLERK)
    try:
        item = services.cart_add(user=request.user, listing_id=request.POST.get("listing", ""), quantity=request.POST.get("quantity", ""))
    except BusinessError as exc:
        messages.error(request, exc.message)
        return redirect(_back(request, reverse("ordering:cart")))
    messages.success(request, f"已将「{item.listing.title}」加入购物车（共 {item.quantity} 件）")
    if request.POST.get("go") == "cart":
        return redirect("ordering:cart")
    return redirect(_back(request, reverse("ordering:cart")))


@login_required
@require_POST
def cart_item(request, pk: int):
    _require(request.user, CLERK)
    scoping.get_visible_or_404(request.user, CartItem, pk=pk)
    try:
        if request.POST.get("action") == "remove":
            services.cart_remove(user=request.user, item_id=pk)
            messages.success(request, "已移出购物车")
        else:
            services.cart_set_quantity(user=request.user, item_id=pk, quantity=request.POST.get("quantity", ""))
            messages.success(request, "数量已更新")
    except BusinessError as exc:
        messages.error(request, exc.message)
    return redirect("ordering:cart")


# --- Checkout --------------------------------------------------------------------------------


def _group_ids(key: str) -> tuple[int, int]:
    try:
        supplier_id, cap_id = (int(x) for x in key.split("-", 1))
    except ValueError:
        raise Http404("购物车分组不存在") from None
    return supplier_id, cap_id


def _plan_input(request) -> tuple[list[str], dict]:
    plan_ids = request.POST.getlist("plans") if request.method == "POST" else request.GET.getlist("plans")
    src = request.POST if request.method == "POST" else request.GET
    amounts = {pid: src.get(f"amount_{pid}", "") for pid in plan_ids}
    return plan_ids, amounts


def _checkout_context(request, key: str, *, error: str = "", reasons: list | None = None, token: str | None = None):
    supplier_id, cap_id = _group_ids(key)
    plan_ids, amounts = _plan_input(request)
    try:
        co = services.checkout_preview(user=request.user, supplier_id=supplier_id, cap_category_id=cap_id, plan_ids=plan_ids, amounts=amounts)
    except BusinessError as exc:
        if exc.field == "items":
            raise Http404(exc.message) from None
        if exc.code == "forbidden":
            raise PermissionDenied(exc.message) from None
        raise
    plans = selectors.usable_plans(request.user, category=co.category)
    if request.method == "GET" and not plan_ids and len(plans) == 1:
        # One plan fits: chosen already, its check shown at once.
        plan_ids = [str(plans[0].pk)]
        co = services.checkout_preview(user=request.user, supplier_id=supplier_id, cap_category_id=cap_id, plan_ids=plan_ids, amounts={})
    chosen = {str(p) for p in plan_ids}
    return {
        "co": co, "key": key, "plans": plans, "chosen": chosen, "amounts": {str(k): v for k, v in amounts.items()},
        "token": token or request.POST.get("token") or uuid.uuid4().hex, "error": error, "refusal": reasons or [],
        "supplier": co.items[0].listing.supplier, "purchaser": purchaser_of_user(request.user),
        "address": request.POST.get("delivery_address", "") if request.method == "POST" else (
            selectors.last_delivery_address(request.user) or request.user.organization.address or ""
        ),
        "contact": request.POST.get("contact", "") if request.method == "POST" else " ".join(
            x for x in (request.user.display_name, request.user.organization.contact_phone) if x
        ),
    }  # fmt: skip


@login_required
@require_http_methods(["GET", "POST"])
def checkout(request, key: str):
    _require(request.user, CLERK)
    if request.method == "POST":
        supplier_id, cap_id = _group_ids(key)
        plan_ids, amounts = _plan_input(request)
        prices = {k[len("price_") :]: v for k, v in request.POST.items() if k.startswith("price_")}
        try:
            order = services.order_submit(
                user=request.user, supplier_id=supplier_id, cap_category_id=cap_id, plan_ids=plan_ids, amounts=amounts, prices=prices,
                token=request.POST.get("token", ""), delivery_address=request.POST.get("delivery_address", ""), contact=request.POST.get("contact", ""),
            )  # fmt: skip
        except services.DuplicateSubmit as exc:
            messages.warning(request, exc.message)
            return redirect("ordering:order_detail", exc.order.pk)
        except LimitRefused as exc:
            ctx = _checkout_context(request, key, error="订单未提交：限额校验未通过，未预留任何资金", reasons=exc.result.reasons, token=uuid.uuid4().hex)
            return render(request, "ordering/checkout.html", ctx, status=400)
        except BusinessError as exc:
            try:
                ctx = _checkout_context(request, key, error="订单未提交：" + exc.message, token=uuid.uuid4().hex)
            except Http404:
                messages.error(request, exc.message)
                return redirect("ordering:cart")
            return render(request, "ordering/checkout.html", ctx, status=400)
        if order.status == S.PENDING_APPROVAL:
            messages.success(request, f"订单 {order.order_no} 已提交，等待本单位审批人审批")
        else:
            messages.success(request, f"订单 {order.order_no} 已提交，等待 {order.supplier.name} 确认")
        return redirect("ordering:order_detail", order.pk)
    return render(request, "ordering/checkout.html", _checkout_context(request, key))


@login_required
def checkout_check(request, key: str):
    """The policy check panel, refreshed by htmx when the plan choice changes."""
    _require(request.user, CLERK)
    return render(request, "ordering/_policy_check.html", _checkout_context(request, key))


# --- Orders ----------------------------------------------------------------------------------


@login_required
def order_list(request):
    _require(request.user, ORDER_READERS)
    qs = selectors.orders_for(request.user)
    status = request.GET.get("status", "")
    if status in S.values:
        qs = qs.filter(status=status)
    q = request.GET.get("q", "").strip()
    if q:
        qs = qs.filter(Q(order_no__icontains=q) | Q(supplier__name__icontains=q) | Q(purchaser__organization__name__icontains=q))
    return render(
        request,
        "ordering/order_list.html",
        {"page": Paginator(qs.order_by("-created_at", "-id"), 20).get_page(request.GET.get("page")), "status": status, "statuses": S.choices, "q": q},
    )


@login_required
def order_detail(request, pk: int):
    order = scoping.get_visible_or_404(request.user, Order.objects.select_related("purchaser__organization", "supplier", "created_by", "approved_by"), pk=pk)
    user = request.user
    own_purchaser = user.organization_id == order.purchaser.organization_id
    own_supplier = user.organization_id == order.supplier_id and user.has_role(Role.SUPPLIER_STAFF)
    ctx = {
        "order": order,
        "lines": order.lines.select_related("category"),
        "fundings": order.fundings.select_related("plan", "reservation"),
        "timeline": selectors.timeline(order, for_supplier=own_supplier),
        "can_cancel": own_purchaser and user.has_role(Role.PURCHASER_CLERK, Role.PURCHASER_APPROVER) and order.status in (S.PENDING_APPROVAL, S.AWAITING_SUPPLIER),
        "can_approve": own_purchaser and user.has_role(Role.PURCHASER_APPROVER) and order.status == S.PENDING_APPROVAL,
        "can_confirm": own_supplier and order.status == S.AWAITING_SUPPLIER,
        "can_deliver": own_supplier and order.status == S.CONTRACTED,
        "is_supplier": own_supplier,
        "related": hooks.related(order, user),
        "status_label": ORDER_MACHINE.label(order.status),
    }
    return render(request, "ordering/order_detail.html", ctx)


def _act(request, pk: int, fn, ok: str, *, field: str = "reason"):
    order = scoping.get_visible_or_404(request.user, Order, pk=pk)
    try:
        fn(order)
    except BusinessError as exc:
        if exc.code == "forbidden":
            raise PermissionDenied(exc.message) from None
        messages.error(request, exc.message)
    else:
        messages.success(request, ok.format(no=order.order_no))
    return redirect(_back(request, reverse("ordering:order_detail", args=[order.pk])))


@login_required
@require_POST
def order_cancel(request, pk: int):
    return _act(request, pk, lambda o: services.order_cancel(order=o, user=request.user, reason=request.POST.get("reason", "")), "订单 {no} 已取消，预留资金已释放")


@login_required
@require_POST
def order_approve(request, pk: int):
    return _act(request, pk, lambda o: services.order_approve(order=o, user=request.user, note=request.POST.get("note", "")), "订单 {no} 已审批通过，已发送给供应商")


@login_required
@require_POST
def order_reject(request, pk: int):
    return _act(request, pk, lambda o: services.order_reject(order=o, user=request.user, reason=request.POST.get("reason", "")), "订单 {no} 已退回，预留资金已释放")


@login_required
@require_POST
def order_confirm(request, pk: int):
    return _act(request, pk, lambda o: services.order_confirm(order=o, user=request.user), "已确认订单 {no}")


@login_required
@require_POST
def order_refuse(request, pk: int):
    return _act(request, pk, lambda o: services.order_refuse(order=o, user=request.user, reason=request.POST.get("reason", "")), "已拒绝订单 {no}")


@login_required
@require_POST
def order_deliver(request, pk: int):
    return _act(request, pk, lambda o: services.order_deliver(o, request.POST.get("note", ""), user=request.user), "订单 {no} 已发出送达通知")


# --- Queues ----------------------------------------------------------------------------------


@login_required
def approval_queue(request):
    _require(request.user, {Role.PURCHASER_APPROVER})
    qs = selectors.approval_queue(request.user).order_by("submitted_at")
    return render(request, "ordering/approval_queue.html", {"orders": qs})


@login_required
def supplier_orders(request):
    _require(request.user, {Role.SUPPLIER_STAFF})
    tab = request.GET.get("tab", "confirm")
    if tab not in ("confirm", "deliver", "all"):
        tab = "confirm"
    qs = selectors.supplier_queue(request.user, tab)
    if tab == "all":
        qs = qs.order_by("-created_at")
    counts = {t: selectors.supplier_queue(request.user, t).count() for t in ("confirm", "deliver")}
    return render(request, "ordering/supplier_orders.html", {"page": Paginator(qs, 20).get_page(request.GET.get("page")), "tab": tab, "counts": counts})


# --- Rules -----------------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def rules(request):
    _require(request.user, {Role.CENTRE_OPERATOR, Role.PLATFORM_ADMIN})
    subsite = request.subsite
    if not scoping.can(request.user, "change", subsite):
        raise PermissionDenied("只有本分站的采购中心可以修改直购规则")
    current = services.rules_for(subsite)
    error = ""
    if request.method == "POST":
        try:
            services.rules_update(
                subsite=subsite, approval_required=request.POST.get("approval_required") == "on", confirm_working_days=request.POST.get("confirm_working_days", "")
            )
        except BusinessError as exc:
            error = exc.message
        else:
            messages.success(request, "直购规则已保存")
            return redirect("ordering:rules")
    return render(request, "ordering/rules.html", {"rules": current, "error": error, "posted": request.POST if request.method == "POST" else None})
