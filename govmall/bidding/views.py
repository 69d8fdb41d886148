"""Bidding pages: the purchaser's biddings (draft, publish, cancel, re-bid, result), the
supplier's open biddings and quotes (quote, revise, withdraw, confirm or decline the award),
the centre's overview, low-quote flags and rules, and the public result page."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from govmall.accounts import scoping
from govmall.accounts.models import Role
from govmall.audit.models import AuditEntry
from govmall.bidding import selectors, services
from govmall.bidding.evaluation import percent
from govmall.bidding.forms import BiddingForm, QuoteForm, ReasonForm, RulesForm
from govmall.bidding.models import Bidding, BiddingRules, BiddingStatus, PublishedBidding, QuoteStatus
from govmall.catalog.selectors import listable_categories
from govmall.core.errors import BusinessError
from govmall.plans.models import OPEN_STATUSES, Plan

BUYERS = frozenset({Role.PURCHASER_CLERK, Role.PURCHASER_APPROVER})
STAFF = frozenset({Role.CENTRE_OPERATOR, Role.FINANCE_SUPERVISOR, Role.PLATFORM_ADMIN})
CENTRE = frozenset({Role.CENTRE_OPERATOR, Role.PLATFORM_ADMIN})


def _require(user, roles):
    if not scoping.can_use(user, roles):
        raise PermissionDenied("您的角色不能使用此功能")


def _page(request, qs, size=20):
    return Paginator(qs, size).get_page(request.GET.get("page"))


def _form_error(form, exc: BusinessError):
    field = exc.field if exc.field in form.fields else None
    for reason in getattr(exc, "reasons", None) or [exc.message]:
        form.add_error(field, reason)


def _status_filter(request, qs):
    status = request.GET.get("status", "")
    if status in BiddingStatus.values:
        qs = qs.filter(status=status)
    q = (request.GET.get("q") or "").strip()
    if q:
        qs = qs.filter(Q(bidding_no__icontains=q) | Q(title__icontains=q) | Q(purchaser__organization__name__icontains=q))
    return qs, {"status": status, "q": q}


# --- Purchaser ------------------------------------------------------------------------------


@login_required
def mine(request):
    _require(request.user, BUYERS)
    qs, f = _status_filter(request, selectors.biddings_for(request.user).filter(purchaser__organization_id=request.user.organization_id))
    return render(request, "bidding/mine.html", {"page": _page(request, qs), "f": f, "statuses": BiddingStatus.choices, "can_create": request.user.has_role(Role.PURCHASER_CLERK)})


def _form_choices(user, bidding: Bidding | None = None):
    purchaser = services.purchaser_of(user)
    categories = listable_categories(purchaser.organization.subsite).order_by("code")
    plans = Plan.objects.filter(purchaser=purchaser, status__in=OPEN_STATUSES).order_by("-year", "plan_no")
    return purchaser, categories, plans


def _initial(b: Bidding) -> dict:
    return {
        "title": b.title, "category": str(b.category_id), "plan": str(b.plan_id), "quantity": b.quantity, "unit": b.unit,
        "ceiling_price": f"{b.ceiling_price:.2f}", "specs": b.specs, "spec_lines": services.spec_lines_text(b.spec_items),
        "delivery_terms": b.delivery_terms, "delivery_place": b.delivery_place, "delivery_days": b.delivery_days,
        "quote_closes_at": timezone.localtime(b.quote_closes_at) if b.quote_closes_at else None, "eligibility_note": b.eligibility_note,
    }  # fmt: skip


def _edit(request, bidding: Bidding | None):
    _require(request.user, {Role.PURCHASER_CLERK})
    try:
        purchaser, categories, plans = _form_choices(request.user)
    except BusinessError as exc:
        raise PermissionDenied(exc.message) from None
    form = BiddingForm(request.POST or None, initial=_initial(bidding) if bidding else {"unit": "台", "delivery_days": 15}, categories=categories, plans=plans)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        try:
            if bidding is None:
                bidding = services.bidding_create(user=request.user, data=data)
                messages.success(request, f"竞价草稿 {bidding.bidding_no} 已保存。核对后点击「发布」，系统将按最高限价预留额度。")
            else:
                bidding = services.bidding_update(bidding=bidding, user=request.user, data=data)
                messages.success(request, "草稿已保存")
        except BusinessError as exc:
            _form_error(form, exc)
        else:
            return redirect("bidding:detail", pk=bidding.pk)
    rules = services.rules_for(purchaser.organization.subsite)
    earliest, known = services.earliest_close(timezone.now(), rules)
    return render(request, "bidding/form.html", {"form": form, "bidding": bidding, "rules": rules, "earliest": earliest, "earliest_known": known, "rate": percent(rules.sme_deduction_rate)})


@login_required
def new(request):
    return _edit(request, None)


@login_required
def edit(request, pk):
    bidding = scoping.get_visible_or_404(request.user, Bidding, "change", pk=pk)
    if bidding.status != BiddingStatus.DRAFT:
        messages.error(request, f"竞价当前状态为「{bidding.get_status_display()}」，只有草稿可以修改")
        return redirect("bidding:detail", pk=pk)
    return _edit(request, bidding)


@login_required
@require_POST
def publish(request, pk):
    bidding = scoping.get_visible_or_404(request.user, Bidding, "change", pk=pk)
    try:
        bidding = services.bidding_publish(bidding=bidding, user=request.user)
    except BusinessError as exc:
        for reason in getattr(exc, "reasons", None) or [exc.message]:
            messages.error(request, reason)
        return redirect("bidding:detail", pk=pk)
    messages.success(request, f"竞价已发布，报价截止 {timezone.localtime(bidding.quote_closes_at):%Y-%m-%d %H:%M}，已预留 {bidding.ceiling_price:,.2f} 元")
    return redirect("bidding:detail", pk=pk)


@login_required
@require_POST
def cancel(request, pk):
    bidding = scoping.get_visible_or_404(request.user, Bidding, "change", pk=pk)
    form = ReasonForm(request.POST)
    if not form.is_valid():
        messages.error(request, "请填写取消原因")
        return redirect("bidding:detail", pk=pk)
    try:
        services.bidding_cancel(bidding=bidding, user=request.user, reason=form.cleaned_data["reason"])
    except BusinessError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, "竞价已取消，额度预留已释放" if bidding.reservation_id else "草稿已作废")
    return redirect("bidding:detail", pk=pk)


@login_required
@require_POST
def rebid(request, pk):
    bidding = scoping.get_visible_or_404(request.user, Bidding, "change", pk=pk)
    try:
        draft = services.bidding_rebid(bidding=bidding, user=request.user)
    except BusinessError as exc:
        messages.error(request, exc.message)
        return redirect("bidding:detail", pk=pk)
    messages.success(request, f"已按原需求生成新的竞价草稿 {draft.bidding_no}，可修改后发布")
    return redirect("bidding:edit", pk=draft.pk)


# --- Detail (every role) --------------------------------------------------------------------


def _find(user, pk) -> tuple[Bidding, bool]:
    """The bidding and whether the user sees it on the purchaser/staff side."""
    full = selectors.biddings_for(user).filter(pk=pk).first() if user.is_authenticated else None
    if full is not None:
        return full, True
    return scoping.get_visible_or_404(user, PublishedBidding, pk=pk), False


@login_required
def detail(request, pk, quote_form=None):
    bidding, inside = _find(request.user, pk)
    user = request.user
    ctx = {"bidding": bidding, "inside": inside, "results": selectors.result_quotes(user, bidding), "opened": selectors.is_opened(bidding)}
    ctx["is_owner"] = inside and scoping.can(user, "change", bidding)
    ctx["show_flags"] = inside and user.has_role(*STAFF)  # low-quote flags are for the centre and supervisors
    ctx["rate"] = percent(bidding.sme_deduction_rate) if bidding.sme_deduction_rate is not None else ""
    ctx["now"] = timezone.now()
    ctx["window_open"] = bidding.status == BiddingStatus.OPEN and ctx["now"] < bidding.quote_closes_at
    if user.has_role(Role.SUPPLIER_STAFF) and user.organization_id:
        ctx["own_quote"] = selectors.own_quote(user, bidding)
        ok, reasons = services.may_quote(user.organization, bidding) if bidding.status == BiddingStatus.OPEN else (False, [])
        ctx["may_quote"], ctx["quote_reasons"] = ok, reasons
        if ok and ctx["window_open"]:
            own = ctx["own_quote"]
            initial = {"price": f"{own.price:.2f}", "brand_model": own.brand_model, "note": own.note} if own and own.status == QuoteStatus.SUBMITTED else None
            ctx["quote_form"] = quote_form or QuoteForm(initial=initial)
        aq = bidding.awarded_quote
        ctx["is_winner"] = bidding.status == BiddingStatus.AWARDED and aq is not None and aq.supplier_id == user.organization_id
    if ctx["is_owner"]:
        ctx["rebids"] = list(bidding.rebids.all())
    if inside and bidding.status == BiddingStatus.OPEN and user.has_role(*CENTRE) and ctx["now"] >= bidding.quote_closes_at:
        ctx["can_close"] = True
    if inside and user.has_role(*STAFF):
        ctx["timeline"] = scoping.visible(user, AuditEntry).filter(object_type="bidding.bidding", object_id=str(bidding.pk)).order_by("id")[:50]
    return render(request, "bidding/detail.html", ctx)


def public(request, pk):
    """The public result page the announcements link to (no sign-in)."""
    bidding = scoping.get_visible_or_404(request.user, PublishedBidding.objects.select_related("purchaser__organization", "category"), pk=pk)
    return render(request, "bidding/public.html", {"bidding": bidding, "results": selectors.result_quotes(request.user, bidding), "opened": selectors.is_opened(bidding), "rate": percent(bidding.sme_deduction_rate) if bidding.sme_deduction_rate is not None else ""})


# --- Supplier -------------------------------------------------------------------------------


@login_required
def supplier_open(request):
    _require(request.user, {Role.SUPPLIER_STAFF})
    rows = selectors.open_biddings_for_supplier(request.user)
    quoted = set(selectors.my_quotes(request.user).filter(status=QuoteStatus.SUBMITTED).values_list("bidding_id", flat=True))
    return render(request, "bidding/supplier_open.html", {"rows": rows, "quoted": quoted})


@login_required
def supplier_quotes(request):
    _require(request.user, {Role.SUPPLIER_STAFF})
    qs = selectors.my_quotes(request.user)
    if request.GET.get("awarded"):
        qs = qs.filter(bidding__status=BiddingStatus.AWARDED, bidding__awarded_quote__supplier_id=request.user.organization_id)
    return render(request, "bidding/supplier_quotes.html", {"page": _page(request, qs), "awarded": bool(request.GET.get("awarded"))})


def _published_or_404(user, pk) -> Bidding:
    return scoping.get_visible_or_404(user, PublishedBidding, pk=pk)


@login_required
@require_POST
def quote(request, pk):
    _require(request.user, {Role.SUPPLIER_STAFF})
    bidding = _published_or_404(request.user, pk)
    form = QuoteForm(request.POST)
    if form.is_valid():
        try:
            services.quote_submit(bidding=bidding, user=request.user, **form.cleaned_data)
        except BusinessError as exc:
            _form_error(form, exc)
        else:
            messages.success(request, "报价已提交。报价截止前对其他人保密，截止前可修改或撤回。")
            return redirect("bidding:detail", pk=pk)
    return detail(request, pk, quote_form=form)


def _supplier_act(request, pk, act, ok: str):
    """A supplier's one-click action on a published bidding: `act(bidding)`, then back to it."""
    _require(request.user, {Role.SUPPLIER_STAFF})
    bidding = _published_or_404(request.user, pk)
    try:
        act(bidding)
    except BusinessError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, ok)
    return redirect("bidding:detail", pk=pk)


@login_required
@require_POST
def withdraw(request, pk):
    return _supplier_act(request, pk, lambda b: services.quote_withdraw(bidding=b, user=request.user), "报价已撤回。截止前可重新报价。")


@login_required
@require_POST
def confirm(request, pk):
    return _supplier_act(request, pk, lambda b: services.award_confirm(bidding=b, user=request.user), "已确认成交，采购人将与贵单位签订合同。")


@login_required
@require_POST
def decline(request, pk):
    form = ReasonForm(request.POST)
    if not form.is_valid():
        _require(request.user, {Role.SUPPLIER_STAFF})
        _published_or_404(request.user, pk)
        messages.error(request, "请填写放弃成交的原因")
        return redirect("bidding:detail", pk=pk)
    reason = form.cleaned_data["reason"]
    return _supplier_act(request, pk, lambda b: services.award_decline(bidding=b, user=request.user, reason=reason), "已放弃成交，成交将顺延至下一名。")


# --- Centre ---------------------------------------------------------------------------------


@login_required
def centre(request):
    _require(request.user, STAFF)
    qs, f = _status_filter(request, selectors.biddings_for(request.user).exclude(status=BiddingStatus.DRAFT))
    return render(request, "bidding/centre.html", {"page": _page(request, qs), "f": f, "statuses": [c for c in BiddingStatus.choices if c[0] != BiddingStatus.DRAFT]})


@login_required
def flagged(request):
    _require(request.user, STAFF)
    return render(request, "bidding/flagged.html", {"page": _page(request, selectors.flagged_quotes(request.user))})


@login_required
@require_POST
def close_now(request, pk):
    _require(request.user, CENTRE)
    bidding = scoping.get_visible_or_404(request.user, Bidding, pk=pk)
    try:
        services.bidding_close(bidding=bidding)
    except BusinessError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, "竞价已截止并完成评审")
    return redirect("bidding:detail", pk=pk)


@login_required
def rules(request):
    _require(request.user, STAFF)
    subsite = request.subsite
    current = services.rules_for(subsite)
    if not scoping.visible(request.user, BiddingRules).filter(pk=current.pk).exists():
        raise Http404("未找到，或您无权查看")
    can_edit = scoping.visible(request.user, BiddingRules, "change").filter(pk=current.pk).exists()
    initial = {
        "sme_deduction_percent": f"{(current.sme_deduction_rate * 100).normalize():f}", "min_valid_quotes": current.min_valid_quotes,
        "quote_window_working_days": current.quote_window_working_days, "winner_confirm_hours": current.winner_confirm_hours,
        "low_quote_method": current.low_quote_method, "low_quote_percent": f"{(current.low_quote_ratio * 100).normalize():f}",
    }  # fmt: skip
    form = RulesForm(request.POST or None, initial=initial)
    if request.method == "POST":
        if not can_edit:
            raise PermissionDenied("只有采购中心可以修改竞价规则")
        if form.is_valid():
            try:
                services.rules_update(subsite=subsite, data=form.cleaned_data)
            except BusinessError as exc:
                _form_error(form, exc)
            else:
                messages.success(request, "竞价规则已保存，对此后发布的竞价生效")
                return redirect("bidding:rules")
    return render(request, "bidding/rules.html", {"form": form, "rules": current, "can_edit": can_edit, "rate": percent(current.sme_deduction_rate), "low": percent(current.low_quote_ratio)})
