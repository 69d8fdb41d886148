"""Pages of the products app: the public storefront (search, detail, compare) and the back
office (supplier listings, the centre's review queue, price monitoring, scopes, rules).

Views stay thin: fetch through accounts.scoping → one service call → render."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.files.storage import default_storage
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import FileResponse, Http404, HttpResponse, HttpResponseNotAllowed
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_POST

from govmall.accounts import scoping
from govmall.accounts.models import Organization, OrgKind, Role
from govmall.audit.models import AuditEntry
from govmall.catalog.models import Category
from govmall.catalog.selectors import current_edition
from govmall.core.errors import BusinessError
from govmall.core.exports import XLSX, xlsx_response
from govmall.products import detail_actions
from govmall.products import search as search_api
from govmall.products import selectors, services
from govmall.products.forms import (
    ApproveForm,
    CertificateForm,
    ImageForm,
    ListingForm,
    ReasonForm,
    ReferenceForm,
    RulesForm,
    ScopeForm,
    SizeForm,
)
from govmall.products.models import (
    Certificate,
    EnterpriseSize,
    Listing,
    ListingImage,
    ListingStatus,
    PriceChange,
    PublicListing,
    ReferencePrice,
    SupplierProfile,
    SupplierScope,
)
from govmall.regions.models import Region
from govmall.subsites import features

PAGE_SIZE = 20
CENTRE = {Role.CENTRE_OPERATOR, Role.PLATFORM_ADMIN}
STATUS_BADGE = {"draft": "neutral", "pending_review": "warn", "listed": "ok", "rejected": "danger", "delisted": "neutral"}
COMPARE_KEY = "products_compare"


def _require(user, roles):
    if not scoping.can_use(user, roles):
        raise PermissionDenied("您的角色不能使用此功能")


def _storefront_on(request) -> bool:
    return features.enabled(request.subsite, "storefront")


def _feature_off(request):
    return render(request, "portal/feature_off.html", {"title": "商城商品"}, status=404)


def _decimal(raw: str) -> Decimal | None:
    raw = (raw or "").strip()[:16]
    if not raw:
        return None
    try:
        value = Decimal(raw)
    except InvalidOperation:
        return None
    return value if value.is_finite() and value >= 0 else None


def _int_list(values, limit=20) -> list[int]:
    out = []
    for v in values[:limit]:
        v = str(v).strip()
        if v.isdigit() and len(v) < 12:
            out.append(int(v))
    return out


def _areas(subsite):
    return Region.objects.filter(Q(pk=subsite.region_id) | Q(parent=subsite.region)).order_by("level", "code")


# --- Storefront -----------------------------------------------------------------------------


@require_GET
def search_page(request):
    if not _storefront_on(request):
        return _feature_off(request)
    site = request.subsite
    g = request.GET
    q = g.get("q", "")[:500]
    category_code = g.get("cat", "").strip().upper()[:9]
    category = Category.objects.filter(edition=current_edition(), code=category_code).first() if category_code else None
    area_code = g.get("area", "").strip()[:12]
    area = _areas(site).filter(code=area_code).first() if area_code else None
    pmin, pmax = _decimal(g.get("pmin", "")), _decimal(g.get("pmax", ""))
    if pmin is not None and pmax is not None and pmin > pmax:
        pmin, pmax = pmax, pmin
    green = g.get("green", "") if g.get("green", "") in ("energy", "environmental", "any") else ""
    filters = search_api.Filters(
        category_code=category.code if category else "",
        brand_ids=tuple(_int_list(g.getlist("brand"))),
        price_min=pmin,
        price_max=pmax,
        green=green,
        sme=g.get("sme") == "1",
        area_codes=tuple(c for c in area.path.strip("/").split("/") if c) if area else (),
    )
    sort = g.get("sort", "relevance")
    try:
        page = int(g.get("page", "1")[:4])
    except ValueError:
        page = 1
    result = search_api.search(
        subsite_id=site.pk, q=q, filters=filters, sort=sort, page=page, hide_overpriced=selectors.hide_overpriced(site)
    )
    items = selectors.listings_in_order(request.user, site, result.ids)
    for it in items:
        it.title_html = result.highlight(it.title)
        it.brand_html = result.highlight(it.brand.name)
    compare_ids = request.session.get(COMPARE_KEY, []) if hasattr(request, "session") else []
    context = {
        "q": q,
        "result": result,
        "items": items,
        "nav": selectors.category_nav_html(site, category.code if category else ""),
        "category": category,
        "areas": _areas(site),
        "area": area,
        "filters": filters,
        "pmin": "" if pmin is None else pmin,
        "pmax": "" if pmax is None else pmax,
        "sort": result and (sort if sort in search_api.SORTS else "relevance"),
        "sorts": search_api.SORTS.items(),
        "compare_ids": compare_ids,
        "compare_count": len(compare_ids),
        "pages": _page_links(result.page, result.num_pages),
    }
    return render(request, "products/search.html", context)


def _page_links(page: int, num: int) -> list[int]:
    return sorted({p for p in (1, page - 2, page - 1, page, page + 1, page + 2, num) if 1 <= p <= num})


@require_GET
def suggest(request):
    words = search_api.suggestions(request.GET.get("q", "")) if _storefront_on(request) else []
    return render(request, "products/_suggest.html", {"words": words})


def _visible_listing(request, pk):
    """A listed product anyone may see (unless hidden as overpriced), or — for its supplier
    and the staff who may see it — any status, shown as a preview."""
    site = request.subsite
    listing = selectors.storefront_listings(request.user, site).filter(pk=pk).first()
    if listing is not None:
        return Listing.objects.get(pk=listing.pk), False
    if request.user.is_authenticated:
        own = scoping.visible(request.user, Listing).filter(pk=pk).first()
        if own is not None:
            return own, True
    raise Http404("未找到该商品，或该商品已下架")


def product_detail(request, pk):
    if not _storefront_on(request):
        return _feature_off(request)
    listing, preview = _visible_listing(request, pk)
    listing = selectors.decorate(selectors.with_display(Listing.objects.filter(pk=listing.pk)).get())
    attrs = services.template_attributes(listing.category)
    labels = {a["code"]: (a["label"], a.get("unit", "")) for a in attrs}
    specs = [(labels.get(k, (k, ""))[0], f"{v}{labels.get(k, ('', ''))[1]}") for k, v in (listing.specs or {}).items()]
    rules = services.rules_for(listing.subsite)
    refs = list(listing.references.all())
    for r in refs:
        r.current = r.is_current(rules.reference_stale_days)
    compare_ids = request.session.get(COMPARE_KEY, [])
    return render(
        request,
        "products/detail.html",
        {
            "listing": listing, "preview": preview, "specs": specs, "references": refs, "rules": rules,
            "detail_actions": [] if preview else detail_actions.templates(),
            "in_compare": listing.pk in compare_ids, "compare_count": len(compare_ids),
            "mandatory": services.mandatory_rule(listing),
        },
    )  # fmt: skip


def image_file(request, pk, thumb=False):
    image = ListingImage.objects.select_related("listing").filter(pk=pk).first()
    if image is None:
        raise Http404("未找到图片")
    public = selectors.storefront_listings(request.user, request.subsite).filter(pk=image.listing_id).exists()
    if not public and not (request.user.is_authenticated and scoping.visible(request.user, Listing).filter(pk=image.listing_id).exists()):
        raise Http404("未找到图片")
    f = image.thumb if thumb and image.thumb else image.file
    try:
        handle = default_storage.open(f.name, "rb")
    except FileNotFoundError:
        raise Http404("未找到图片") from None
    response = FileResponse(handle, content_type=image.content_type)
    response["Cache-Control"] = "public, max-age=86400" if public else "private, max-age=300"
    response["X-Content-Type-Options"] = "nosniff"
    return response


def compare(request):
    if not _storefront_on(request):
        return _feature_off(request)
    ids = _int_list(request.GET.getlist("ids")) or request.session.get(COMPARE_KEY, [])
    items = selectors.compare_listings(request.user, request.subsite, ids)
    # Rows: every spec attribute any of the products has, in template order.
    rows: list[tuple[str, list[str]]] = []
    seen: dict[str, str] = {}
    for it in items:
        for a in services.template_attributes(it.category):
            if a["code"] not in seen:
                seen[a["code"]] = a["label"] + (f"（{a['unit']}）" if a.get("unit") else "")
    for code, label in seen.items():
        rows.append((label, [str((it.specs or {}).get(code, "—")) for it in items]))
    return render(request, "products/compare.html", {"items": items, "rows": rows, "max": selectors.MAX_COMPARE})


@require_POST
def compare_add(request):
    ids = request.session.get(COMPARE_KEY, [])
    pk = _int_list([request.POST.get("listing", "")])
    back = request.POST.get("next", "")
    if not back.startswith("/") or back.startswith("//"):
        back = reverse("products:compare")
    if pk and selectors.storefront_listings(request.user, request.subsite).filter(pk=pk[0]).exists():
        if pk[0] in ids:
            messages.info(request, "该商品已在对比栏中")
        elif len(ids) >= selectors.MAX_COMPARE:
            messages.error(request, f"最多同时对比 {selectors.MAX_COMPARE} 件商品，请先移除一件")
        else:
            ids.append(pk[0])
            request.session[COMPARE_KEY] = ids
            messages.success(request, f"已加入对比（{len(ids)}/{selectors.MAX_COMPARE}）")
    return redirect(back)


@require_POST
def compare_remove(request):
    ids = [i for i in request.session.get(COMPARE_KEY, []) if i not in _int_list([request.POST.get("listing", "")])]
    request.session[COMPARE_KEY] = ids
    return redirect("products:compare")


@require_POST
def compare_clear(request):
    request.session[COMPARE_KEY] = []
    return redirect("products:compare")


# --- Back office: listings --------------------------------------------------------------------


def _listing_filters(request, qs):
    status = request.GET.get("status", "")
    if status in ListingStatus.values:
        qs = qs.filter(status=status)
    flag = request.GET.get("flag", "")
    if flag == "overpriced":
        qs = qs.filter(overpriced=True)
    elif flag == "stale":
        qs = qs.filter(references_stale=True)
    q = request.GET.get("q", "").strip()[:100]
    if q:
        qs = qs.filter(Q(title__icontains=q) | Q(model__icontains=q) | Q(brand__name__icontains=q) | Q(supplier__name__icontains=q))
    return qs, {"status": status, "flag": flag, "q": q}


@login_required
def listing_list(request):
    _require(request.user, {Role.SUPPLIER_STAFF, Role.CENTRE_OPERATOR, Role.FINANCE_SUPERVISOR, Role.PLATFORM_ADMIN})
    qs = scoping.visible(request.user, Listing).select_related("brand", "supplier", "category")
    qs, f = _listing_filters(request, qs)
    qs = qs.order_by("-updated_at", "-pk")
    if request.GET.get("export") == "xlsx":
        return _export(qs, "商品清单.xlsx")
    return render(
        request,
        "products/ws_list.html",
        {
            "page": Paginator(qs, PAGE_SIZE).get_page(request.GET.get("page")), "statuses": ListingStatus.choices, "f": f,
            "badge": STATUS_BADGE, "can_create": request.user.has_role(Role.SUPPLIER_STAFF), "title": "商品管理",
        },
    )  # fmt: skip


def _export(qs, filename):
    return xlsx_response(
        filename,
        ["编号", "商品名称", "品牌", "型号", "品目", "供应商", "价格（元）", "最低现行参考价（元）", "高于参考价", "库存", "销量", "状态", "更新时间"],
        (
            (x.pk, x.title, x.brand.name, x.model, f"{x.category.code} {x.category.name}", x.supplier.name, x.price,
             x.lowest_reference, "是" if x.overpriced else "否", x.stock, x.sales_count, x.get_status_display(), x.updated_at.strftime("%Y-%m-%d %H:%M"))
            for x in qs.iterator()
        ),
    )  # fmt: skip


def _supplier_org(user) -> Organization:
    if not user.has_role(Role.SUPPLIER_STAFF) or user.organization is None or user.organization.kind != OrgKind.SUPPLIER:
        raise PermissionDenied("只有供应商业务员可以维护商品")
    return user.organization


def _form_errors(form, exc: BusinessError):
    field = exc.field if exc.field in form.fields else None
    form.add_error(field, exc.message)


@login_required
def listing_new(request):
    org = _supplier_org(request.user)
    site = request.subsite
    categories = services.allowed_categories(supplier=org, subsite=site)
    raw = request.POST.get("category") or request.GET.get("category", "")
    category = next((c for c in categories if str(c.pk) == raw), None)
    form = ListingForm(request.POST or None, categories=categories, regions=_areas(site), category=category, initial={"category": category.pk if category else ""})
    if request.method == "POST" and form.is_valid():
        try:
            listing = services.listing_create(supplier=org, subsite=site, data=form.service_data(), user=request.user)
        except BusinessError as exc:
            _form_errors(form, exc)
        else:
            messages.success(request, "商品草稿已保存。请补充参考价、证书和图片后提交审核。")
            return redirect("products:listing_detail", pk=listing.pk)
    return render(request, "products/ws_form.html", {"form": form, "categories": categories, "category": category, "listing": None})


@login_required
def listing_edit(request, pk):
    org = _supplier_org(request.user)
    listing = scoping.get_visible_or_404(request.user, Listing, "change", pk=pk, supplier=org)
    site = request.subsite
    categories = services.allowed_categories(supplier=org, subsite=listing.subsite)
    if listing.category not in categories:
        categories = [listing.category, *categories]
    raw = request.POST.get("category", "")
    category = next((c for c in categories if str(c.pk) == raw), listing.category)
    initial = {
        "category": listing.category_id, "brand": listing.brand.name, "model": listing.model, "title": listing.title, "price": listing.price,
        "stock": listing.stock, "delivery_days": listing.delivery_days, "warranty_months": listing.warranty_months,
        "warranty_terms": listing.warranty_terms, "description": listing.description,
        "delivery_regions": list(listing.delivery_regions.values_list("pk", flat=True)),
        **{f"spec_{k}": v for k, v in (listing.specs or {}).items()},
    }  # fmt: skip
    form = ListingForm(request.POST or None, categories=categories, regions=_areas(site), category=category, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.service_data()
        if data["category"] == listing.category_id:
            data.pop("category")
        try:
            updated = services.listing_update(listing=listing, data=data)
        except BusinessError as exc:
            _form_errors(form, exc)
        else:
            if listing.status == ListingStatus.LISTED and updated.status == ListingStatus.PENDING:
                messages.warning(request, "修改已保存。因涉及关键参数或涨价超过阈值，商品已退回采购中心审核，审核通过前不在商城展示。")
            else:
                messages.success(request, "修改已保存")
            return redirect("products:listing_detail", pk=listing.pk)
    return render(request, "products/ws_form.html", {"form": form, "categories": categories, "category": category, "listing": listing, "rise": services.pct_text(services.rules_for(listing.subsite).price_rise_review_percent)})


@login_required
def listing_detail(request, pk):
    _require(request.user, {Role.SUPPLIER_STAFF, Role.CENTRE_OPERATOR, Role.FINANCE_SUPERVISOR, Role.PLATFORM_ADMIN})
    listing = scoping.get_visible_or_404(request.user, Listing.objects.select_related("brand", "supplier", "category", "subsite"), pk=pk)
    return _render_detail(request, listing)


def _render_detail(request, listing, **forms):
    user = request.user
    is_owner = user.has_role(Role.SUPPLIER_STAFF) and user.organization_id == listing.supplier_id
    is_centre = user.has_role(*CENTRE) and scoping.can(user, "change", listing)
    attrs = services.template_attributes(listing.category)
    labels = {a["code"]: (a["label"], a.get("unit", "")) for a in attrs}
    specs = [(labels.get(k, (k, ""))[0], f"{v}{labels.get(k, ('', ''))[1]}") for k, v in (listing.specs or {}).items()]
    rules = services.rules_for(listing.subsite)
    refs = list(listing.references.all())
    for r in refs:
        r.current = r.is_current(rules.reference_stale_days)
    timeline = scoping.visible(user, AuditEntry).filter(object_type="products.listing", object_id=str(listing.pk)).order_by("-id")[:30]
    editable = is_owner and listing.status in services.EDITABLE
    ctx = {
        "listing": listing, "specs": specs, "references": refs, "rules": rules, "timeline": timeline,
        "certificates": listing.certificates.all(), "images": listing.images.all(),
        "prices": PriceChange.objects.filter(listing=listing)[:50], "badge": STATUS_BADGE,
        "is_owner": is_owner, "is_centre": is_centre, "editable": editable, "show_timeline": user.has_role(*scoping.STAFF_ROLES),
        "problems": services.readiness_problems(listing) if listing.status in (ListingStatus.DRAFT, ListingStatus.REJECTED, ListingStatus.DELISTED, ListingStatus.PENDING) else [],
        "mandatory": services.mandatory_rule(listing),
        "ref_form": forms.get("ref_form") or ReferenceForm(), "cert_form": forms.get("cert_form") or CertificateForm(),
        "image_form": forms.get("image_form") or ImageForm(), "reject_form": forms.get("reject_form") or ReasonForm(),
        "approve_form": forms.get("approve_form") or ApproveForm(), "delist_form": forms.get("delist_form") or ReasonForm(),
    }  # fmt: skip
    return render(request, "products/ws_detail.html", ctx, status=400 if forms else 200)


OWNER_ACTIONS = {"submit", "withdraw", "delist", "references", "certificates", "images"}
CENTRE_ACTIONS = {"approve", "reject", "centre-delist"}


@login_required
def listing_action(request, pk, action):
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    user = request.user
    if action in OWNER_ACTIONS:
        org = _supplier_org(user)
        listing = scoping.get_visible_or_404(user, Listing.objects.select_related("category", "supplier", "subsite"), "change", pk=pk, supplier=org)
    elif action in CENTRE_ACTIONS:
        _require(user, CENTRE)
        listing = scoping.get_visible_or_404(user, Listing.objects.select_related("category", "supplier", "subsite"), "change", pk=pk)
    else:
        raise Http404("未知操作")
    back = redirect("products:listing_detail", pk=listing.pk)
    try:
        if action == "submit":
            services.listing_submit(listing=listing)
            messages.success(request, "已提交采购中心审核")
        elif action == "withdraw":
            services.listing_withdraw(listing=listing)
            messages.success(request, "已撤回，可继续修改")
        elif action == "delist":
            services.listing_delist(listing=listing, reason=request.POST.get("reason", ""))
            messages.success(request, "商品已下架")
        elif action == "references":
            form = ReferenceForm(request.POST)
            if not form.is_valid():
                return _render_detail(request, listing, ref_form=form)
            d = form.cleaned_data
            try:
                services.reference_add(listing=listing, source=d["source"], url=d["url"], price=d["ref_price"], observed_on=d["observed_on"])
            except BusinessError as exc:
                _form_errors(form, exc)
                return _render_detail(request, listing, ref_form=form)
            messages.success(request, "参考价已录入")
        elif action == "certificates":
            form = CertificateForm(request.POST)
            if not form.is_valid():
                return _render_detail(request, listing, cert_form=form)
            d = form.cleaned_data
            was_listed = listing.status == ListingStatus.LISTED
            try:
                services.certificate_add(listing=listing, kind=d["kind"], number=d["number"], issuer=d["issuer"], expires_on=d["expires_on"])
            except BusinessError as exc:
                _form_errors(form, exc)
                return _render_detail(request, listing, cert_form=form)
            messages.success(request, "证书已录入" + ("，商品已退回采购中心审核" if was_listed else ""))
        elif action == "images":
            form = ImageForm(request.POST, request.FILES)
            if not form.is_valid():
                return _render_detail(request, listing, image_form=form)
            try:
                services.image_add(listing=listing, upload=form.cleaned_data["image"])
            except BusinessError as exc:
                _form_errors(form, exc)
                return _render_detail(request, listing, image_form=form)
            messages.success(request, "图片已上传")
        elif action == "approve":
            form = ApproveForm(request.POST)
            form.is_valid()
            services.listing_approve(listing=listing, note=form.cleaned_data.get("note", ""))
            messages.success(request, f"已通过审核，商品「{listing.title}」已上架")
            return redirect("products:review_queue")
        elif action == "reject":
            form = ReasonForm(request.POST)
            if not form.is_valid():
                return _render_detail(request, listing, reject_form=form)
            try:
                services.listing_reject(listing=listing, reason=form.cleaned_data["reason"])
            except BusinessError as exc:
                _form_errors(form, exc)
                return _render_detail(request, listing, reject_form=form)
            messages.success(request, f"已驳回「{listing.title}」")
            return redirect("products:review_queue")
        elif action == "centre-delist":
            form = ReasonForm(request.POST)
            if not form.is_valid():
                return _render_detail(request, listing, delist_form=form)
            try:
                services.listing_delist(listing=listing, reason=form.cleaned_data["reason"], by_centre=True)
            except BusinessError as exc:
                _form_errors(form, exc)
                return _render_detail(request, listing, delist_form=form)
            messages.success(request, "商品已下架")
    except BusinessError as exc:
        messages.error(request, exc.message)
    return back


def _owned_child(request, model, pk, child_pk):
    org = _supplier_org(request.user)
    listing = scoping.get_visible_or_404(request.user, Listing, "change", pk=pk, supplier=org)
    obj = scoping.get_visible_or_404(request.user, model, "change", pk=child_pk, listing=listing)
    return listing, obj


@login_required
@require_POST
def reference_delete(request, pk, rid):
    listing, ref = _owned_child(request, ReferencePrice, pk, rid)
    try:
        services.reference_remove(reference=ref)
        messages.success(request, "参考价已删除")
    except BusinessError as exc:
        messages.error(request, exc.message)
    return redirect("products:listing_detail", pk=listing.pk)


@login_required
@require_POST
def certificate_delete(request, pk, cid):
    listing, cert = _owned_child(request, Certificate, pk, cid)
    try:
        services.certificate_remove(certificate=cert)
        messages.success(request, "证书已删除")
    except BusinessError as exc:
        messages.error(request, exc.message)
    return redirect("products:listing_detail", pk=listing.pk)


@login_required
@require_POST
def image_delete(request, pk, iid):
    listing, image = _owned_child(request, ListingImage, pk, iid)
    services.image_remove(image=image)
    messages.success(request, "图片已删除")
    return redirect("products:listing_detail", pk=listing.pk)


# --- Back office: review, prices, scopes, rules ---------------------------------------------


@login_required
def review_queue(request):
    _require(request.user, CENTRE)
    qs = selectors.pending_review(request.user).select_related("brand", "supplier", "category")
    qs, f = _listing_filters(request, qs)
    qs = qs.order_by("submitted_at", "pk")
    if request.GET.get("export") == "xlsx":
        return _export(qs, "待审核商品.xlsx")
    return render(request, "products/review_list.html", {"page": Paginator(qs, PAGE_SIZE).get_page(request.GET.get("page")), "f": f})


@login_required
def price_report(request):
    _require(request.user, {Role.CENTRE_OPERATOR, Role.FINANCE_SUPERVISOR, Role.PLATFORM_ADMIN})
    kind = request.GET.get("kind", "overpriced")
    if kind == "stale":
        qs = selectors.stale_listed(request.user)
    else:
        kind = "overpriced"
        qs = selectors.overpriced_listed(request.user)
    qs = qs.select_related("brand", "supplier", "category")
    q = request.GET.get("q", "").strip()[:100]
    if q:
        qs = qs.filter(Q(title__icontains=q) | Q(supplier__name__icontains=q) | Q(brand__name__icontains=q))
    qs = qs.order_by("-updated_at", "pk")
    if request.GET.get("export") == "xlsx":
        return _export(qs, "价格监测.xlsx" if kind == "overpriced" else "参考价过期.xlsx")
    page = Paginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))
    for x in page.object_list:
        x.above = ((x.price - x.lowest_reference) / x.lowest_reference * 100) if x.lowest_reference else None
        x.latest_ref = x.references.order_by("-observed_on").first()
    return render(
        request,
        "products/price_report.html",
        {"page": page, "kind": kind, "q": q, "hidden": selectors.hide_overpriced(request.subsite), "rules": services.rules_for(request.subsite)},
    )


@login_required
def scope_list(request):
    user = request.user
    _require(user, {Role.SUPPLIER_STAFF, Role.CENTRE_OPERATOR, Role.FINANCE_SUPERVISOR, Role.PLATFORM_ADMIN})
    can_change = user.has_role(*CENTRE)
    suppliers = scoping.visible(user, Organization).filter(kind=OrgKind.SUPPLIER, is_active=True).order_by("name")
    scope_form = ScopeForm(request.POST if request.POST.get("form") == "scope" else None, suppliers=suppliers)
    size_form = SizeForm(request.POST if request.POST.get("form") == "size" else None, suppliers=suppliers)
    if request.method == "POST":
        if not can_change:
            raise PermissionDenied("只有采购中心可以维护经营范围")
        form = scope_form if request.POST.get("form") == "scope" else size_form
        if form.is_valid():
            supplier = scoping.get_visible_or_404(user, Organization, "change", pk=form.cleaned_data["supplier"], kind=OrgKind.SUPPLIER)
            try:
                if form is scope_form:
                    code = form.cleaned_data["category"].strip().upper()
                    category = Category.objects.filter(edition=current_edition(), code=code).first()
                    if category is None:
                        raise BusinessError(f"品目编码 {code} 不存在于现行品目目录", field="category")
                    services.scope_grant(supplier=supplier, category=category, note=form.cleaned_data["note"])
                    messages.success(request, f"已为「{supplier.name}」增加经营范围 {category.code} {category.name}")
                else:
                    services.supplier_profile_set(supplier=supplier, enterprise_size=form.cleaned_data["enterprise_size"])
                    messages.success(request, f"已更新「{supplier.name}」的企业规模")
                return redirect("products:scope_list")
            except BusinessError as exc:
                _form_errors(form, exc)
    qs = scoping.visible(user, SupplierScope).select_related("supplier", "category").order_by("supplier__name", "category__code")
    sid = request.GET.get("supplier", "")
    if sid.isdigit():
        qs = qs.filter(supplier_id=int(sid))
    if request.GET.get("export") == "xlsx":
        return xlsx_response(
            "供应商经营范围.xlsx", ["供应商", "品目编码", "品目名称", "说明", "批准人", "批准时间"],
            ((s.supplier.name, s.category.code, s.category.name, s.note, s.granted_by, s.granted_at.strftime("%Y-%m-%d")) for s in qs.iterator()),
        )  # fmt: skip
    sizes = {p.supplier_id: p for p in scoping.visible(user, SupplierProfile)}
    return render(
        request,
        "products/scopes.html",
        {
            "page": Paginator(qs, 50).get_page(request.GET.get("page")), "scope_form": scope_form, "size_form": size_form,
            "can_change": can_change, "suppliers": suppliers, "sizes": sizes, "sizes_choices": EnterpriseSize.choices, "supplier_id": sid,
        },
    )  # fmt: skip


@login_required
@require_POST
def scope_revoke(request, pk):
    _require(request.user, CENTRE)
    scope = scoping.get_visible_or_404(request.user, SupplierScope, "change", pk=pk)
    services.scope_revoke(scope=scope)
    messages.success(request, f"已撤销「{scope.supplier.name}」的经营范围 {scope.category.code}")
    return redirect("products:scope_list")


@login_required
def rules(request):
    _require(request.user, CENTRE)
    site = request.subsite
    if not scoping.can(request.user, "change", site):
        raise PermissionDenied("您不能修改本分站的商品规则")
    current = services.rules_for(site)
    form = RulesForm(request.POST or None, initial={"price_rise_review_percent": current.price_rise_review_percent, "reference_stale_days": current.reference_stale_days})
    if request.method == "POST" and form.is_valid():
        try:
            services.rules_update(subsite=site, **form.cleaned_data)
        except BusinessError as exc:
            _form_errors(form, exc)
        else:
            messages.success(request, "商品规则已保存")
            return redirect("products:rules")
    return render(request, "products/rules.html", {"form": form, "hidden": selectors.hide_overpriced(site)})


_ = PublicListing


@login_required
def bulk(request):
    """批量导入导出: the supplier's listings as XLSX (also the template), and an import that
    creates draft listings only when every row of the file is right."""
    from govmall.products import bulk as bulk_io

    org = _supplier_org(request.user)
    own = scoping.visible(request.user, Listing).filter(supplier=org, subsite=request.subsite)
    if request.GET.get("export") == "xlsx":
        qs = own.select_related("category", "brand").prefetch_related("delivery_regions", "references").order_by("pk")
        response = HttpResponse(bulk_io.export_xlsx(qs), content_type=XLSX)
        response["Content-Disposition"] = "attachment; filename*=UTF-8''%E5%95%86%E5%93%81%E6%89%B9%E9%87%8F%E5%AF%BC%E5%85%A5%E6%A8%A1%E6%9D%BF.xlsx"
        return response
    errors: list = []
    if request.method == "POST":
        upload = request.FILES.get("file")
        try:
            if upload is None:
                raise BusinessError("请选择要导入的 XLSX 文件", field="file")
            if upload.size > bulk_io.MAX_BYTES:
                raise bulk_io.BulkImportError([bulk_io.RowError(None, bulk_io.FILE, f"文件大小 {upload.size / 1024 / 1024:.1f} MB，超过 2 MB 的上限")])
            created = bulk_io.import_listings(supplier=org, subsite=request.subsite, data=upload.read(), filename=upload.name, user=request.user)
            messages.success(request, f"已导入 {len(created)} 个商品（草稿），请逐个补充图片后提交审核。")
            return redirect(f"{reverse('products:listing_list')}?status=draft")
        except bulk_io.BulkImportError as exc:
            errors = [str(e) for e in exc.errors]
        except BusinessError as exc:
            errors = [exc.message]
    return render(request, "products/bulk.html", {"errors": errors, "columns": bulk_io.COLUMNS, "count": own.count()}, status=400 if errors else 200)
