"""Pages of the suppliers app: self-registration, the supplier's back office (dashboard,
application, company profile, qualifications, enterprise scale and SME letter, credit
records and appeals, exit) and the procurement centre's pages (supplier list and detail, the
application review queue, qualification renewals, violations and measures, appeals).

Views stay thin: fetch through accounts.scoping → one service call → render. Upload views
refuse an oversized body before reading it (see uploads.py)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.files.storage import default_storage
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.csrf import csrf_exempt, csrf_protect
from django.views.decorators.http import require_POST

from govmall.accounts import scoping
from govmall.accounts.models import Organization, OrgKind, Role
from govmall.audit.models import AuditEntry
from govmall.catalog.selectors import listable_categories
from govmall.core.errors import BusinessError
from govmall.core.exports import xlsx_response
from govmall.regions.models import Region
from govmall.suppliers import forms as F
from govmall.suppliers import scale, selectors, services, uploads
from govmall.suppliers.models import (
    Appeal,
    AppealStatus,
    Application,
    ApplicationKind,
    ApplicationStatus,
    DishonestyEntry,
    Measure,
    Qualification,
    QualificationStatus,
    SupplierProfile,
    SupplierScope,
    SupplierStatus,
    Violation,
    ViolationSource,
)

CENTRE = {Role.CENTRE_OPERATOR, Role.PLATFORM_ADMIN}
STAFF = {Role.CENTRE_OPERATOR, Role.FINANCE_SUPERVISOR, Role.PLATFORM_ADMIN}
STATUS_BADGE = {
    "active": "ok", "pending_training": "warn", "applying": "neutral", "suspended": "danger", "removed": "danger", "exited": "neutral",
    "draft": "neutral", "submitted": "warn", "returned": "danger", "approved": "ok", "rejected": "danger",
    "pending": "warn", "expired": "danger", "superseded": "neutral", "in_force": "danger", "lifted": "neutral", "revoked": "ok",
    "upheld": "ok", "dismissed": "neutral",
}  # fmt: skip


def _require(user, roles):
    if not scoping.can_use(user, roles):
        raise PermissionDenied("您的角色不能使用此功能")


def _form_errors(form, exc: BusinessError):
    field = exc.field if exc.field in form.fields else None
    form.add_error(field, exc.message)


def _supplier_org(user) -> Organization:
    _require(user, {Role.SUPPLIER_STAFF})
    org = user.organization
    if org is None or org.kind != OrgKind.SUPPLIER:
        raise PermissionDenied("只有供应商人员可以使用此功能")
    return org


def _regions():
    return [(r.pk, f"{r.name}（{r.code}）") for r in Region.objects.filter(level__lte=3).order_by("code")]


def _category_choices(subsite):
    return [(c.pk, f"{c.code} {c.name}") for c in listable_categories(subsite).order_by("code")]


def _timeline(user, obj):
    return scoping.visible(user, AuditEntry).filter(object_type=obj._meta.label_lower, object_id=str(obj.pk)).order_by("-seq")[:30]


def _upload_guard(view):
    """csrf_exempt outside, so the CSRF middleware does not read the body; the size is
    checked first, then the limiting upload handler is installed, then CSRF is checked."""
    protected = csrf_protect(view)

    @csrf_exempt
    def wrapper(request, *args, **kwargs):
        if request.method == "POST":
            refusal = uploads.request_too_large(request)
            if refusal:
                return render(request, "suppliers/refused.html", {"message": refusal}, status=413)
            uploads.install_limit(request)
        return protected(request, *args, **kwargs)

    wrapper.__name__ = view.__name__
    wrapper.__doc__ = view.__doc__
    return wrapper


def _too_large(request) -> str:
    seen = getattr(request, "_upload_too_large", 0)
    return uploads.too_large_message(seen) if seen else ""


# --- Public sign-up ----------------------------------------------------------------------------


def signup(request):
    """供应商注册: any company from any region; then it fills in its onboarding application."""
    if request.user.is_authenticated:
        return redirect("suppliers:home")
    form = F.SignupForm(request.POST or None, regions=_regions())
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            org, user, app = services.supplier_signup(
                company_name=d["company_name"], uscc=d["uscc"], region=Region.objects.get(pk=d["region"]), subsite=request.subsite,
                username=d["username"], password=d["password"], display_name=d["display_name"], phone=d["phone"], email=d["email"] or "",
            )  # fmt: skip
        except BusinessError as exc:
            _form_errors(form, exc)
        else:
            login(request, user, backend="django.contrib.auth.backends.ModelBackend")
            messages.success(request, "注册成功，请填写入驻申请。")
            return redirect("suppliers:application", pk=app.pk)
    return render(request, "suppliers/signup.html", {"form": form}, status=400 if form.errors else 200)


# --- Supplier back office ----------------------------------------------------------------------


@login_required
def home(request):
    org = _supplier_org(request.user)
    profile = selectors.profile_of(org)
    apps = scoping.visible(request.user, Application).filter(supplier=org).order_by("-created_at")
    ctx = {
        "org": org, "profile": profile, "eligibility": selectors.eligibility(org), "applications": apps[:5],
        "open_application": apps.filter(status__in=[ApplicationStatus.DRAFT, ApplicationStatus.SUBMITTED, ApplicationStatus.RETURNED]).first(),
        "expiring": selectors.expiring_qualifications(30).filter(supplier=org),
        "measures": selectors.measures_in_force(org), "scopes": SupplierScope.objects.filter(supplier=org).select_related("category"),
        "missing_courses": services.training_missing(org) if profile and profile.status == SupplierStatus.PENDING_TRAINING else [],
        "badge": STATUS_BADGE,
    }  # fmt: skip
    return render(request, "suppliers/home.html", ctx)


@login_required
@require_POST
def application_new(request):
    org = _supplier_org(request.user)
    profile = selectors.profile_of(org)
    kind = ApplicationKind.CHANGE if profile and profile.status not in (SupplierStatus.APPLYING, SupplierStatus.EXITED) else ApplicationKind.ONBOARDING
    try:
        app = services.application_start(supplier=org, subsite=request.subsite, kind=kind)
    except BusinessError as exc:
        messages.error(request, exc.message)
        return redirect("suppliers:home")
    return redirect("suppliers:application", pk=app.pk)


@_upload_guard
@login_required
def application(request, pk):
    """The supplier's application: fields, categories, documents, commitment letter, submit."""
    org = _supplier_org(request.user)
    app = scoping.get_visible_or_404(request.user, Application, pk=pk, supplier=org)
    editable = app.status in (ApplicationStatus.DRAFT, ApplicationStatus.RETURNED)
    cats = _category_choices(app.subsite)
    initial = {
        **{n: getattr(app, n) for n in ("company_name", "uscc", "legal_rep", "address", "bank_name", "bank_account", "contact_name", "contact_phone", "contact_email")},
        "region": app.region_id, "categories": [str(i) for i in app.categories.values_list("pk", flat=True)],
    }  # fmt: skip
    action = request.POST.get("action", "") if request.method == "POST" else ""
    form = F.ApplicationForm(request.POST if action == "save" else None, initial=initial, regions=_regions(), categories=cats)
    qform = F.QualificationForm(request.POST if action == "qualification" else None, request.FILES if action == "qualification" else None, categories=cats)
    cform = F.CommitmentForm(request.POST if action == "commitment" else None, request.FILES if action == "commitment" else None)
    submit_error = ""
    if request.method == "POST":
        if not editable and action != "":
            raise PermissionDenied("此申请不能修改")
        too_large = _too_large(request)
        try:
            if action == "save" and form.is_valid():
                services.application_update(application=app, data=dict(form.cleaned_data))
                messages.success(request, "已保存")
                return redirect("suppliers:application", pk=app.pk)
            if action == "qualification":
                if too_large:
                    raise BusinessError(too_large, field="file")
                if qform.is_valid():
                    d = qform.cleaned_data
                    services.qualification_add(
                        supplier=org, application=app, kind=d["kind"], name=d["name"], number=d["number"], issuer=d["issuer"],
                        expires_on=d["expires_on"], categories=d["categories"], upload=d["file"],
                    )  # fmt: skip
                    messages.success(request, "证书已上传")
                    return redirect("suppliers:application", pk=app.pk)
            if action == "commitment":
                if too_large:
                    raise BusinessError(too_large, field="commitment")
                if cform.is_valid():
                    services.application_set_commitment(application=app, upload=cform.cleaned_data["commitment"])
                    messages.success(request, "承诺书已上传")
                    return redirect("suppliers:application", pk=app.pk)
            if action == "remove-qualification":
                q = scoping.get_visible_or_404(request.user, Qualification, pk=request.POST.get("qualification"), application=app)
                services.qualification_remove(qualification=q)
                return redirect("suppliers:application", pk=app.pk)
            if action == "submit":
                services.application_submit(application=app)
                messages.success(request, "已提交，采购中心审核后将通知您。")
                return redirect("suppliers:application", pk=app.pk)
        except BusinessError as exc:
            target = {"save": form, "qualification": qform, "commitment": cform}.get(action)
            if target is not None:
                _form_errors(target, exc)
            else:
                submit_error = exc.message
    app.refresh_from_db()
    ctx = {
        "app": app, "form": form, "qform": qform, "cform": cform, "editable": app.status in (ApplicationStatus.DRAFT, ApplicationStatus.RETURNED),
        "qualifications": app.qualifications.prefetch_related("categories"), "problems": services.application_problems(app) if editable else [],
        "reasons": app.field_reasons if app.status == ApplicationStatus.RETURNED else {}, "labels": services.FIELD_LABELS,
        "versions": app.versions.all(), "badge": STATUS_BADGE, "submit_error": submit_error, "selected_categories": app.categories.order_by("code"),
    }  # fmt: skip
    errors = form.errors or qform.errors or cform.errors or submit_error
    return render(request, "suppliers/application.html", ctx, status=400 if errors else 200)


@login_required
def profile(request):
    org = _supplier_org(request.user)
    prof = selectors.profile_of(org)
    form = F.ContactForm(
        request.POST or None, initial={"contact_name": org.contact_name, "contact_phone": org.contact_phone, "contact_email": prof.contact_email if prof else ""}
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.contact_update(supplier=org, **form.cleaned_data)
            messages.success(request, "联系人已更新")
            return redirect("suppliers:profile")
        except BusinessError as exc:
            _form_errors(form, exc)
    ctx = {"org": org, "profile": prof, "form": form, "scopes": SupplierScope.objects.filter(supplier=org).select_related("category"), "badge": STATUS_BADGE}
    return render(request, "suppliers/profile.html", ctx, status=400 if form.errors else 200)


@_upload_guard
@login_required
def qualifications(request):
    """The supplier's certificates; a renewal (换证) or an additional certificate goes to review."""
    org = _supplier_org(request.user)
    scope_cats = [(c.pk, f"{c.code} {c.name}") for c in (s.category for s in SupplierScope.objects.filter(supplier=org).select_related("category"))]
    form = F.QualificationForm(request.POST or None, request.FILES or None, categories=scope_cats)
    quals = scoping.visible(request.user, Qualification).filter(supplier=org).prefetch_related("categories").order_by("status", "expires_on")
    if request.method == "POST":
        too_large = _too_large(request)
        replaces = None
        if request.POST.get("replaces", "").isdigit():
            replaces = quals.filter(pk=int(request.POST["replaces"])).first()
        try:
            if too_large:
                raise BusinessError(too_large, field="file")
            if form.is_valid():
                d = form.cleaned_data
                services.qualification_add(
                    supplier=org, kind=d["kind"], name=d["name"], number=d["number"], issuer=d["issuer"], expires_on=d["expires_on"],
                    categories=d["categories"], upload=d["file"], replaces=replaces,
                )  # fmt: skip
                messages.success(request, "证书已提交，采购中心审核通过后生效")
                return redirect("suppliers:qualifications")
        except BusinessError as exc:
            _form_errors(form, exc)
    ctx = {"quals": quals, "form": form, "badge": STATUS_BADGE, "today": timezone.localdate(), "renew": request.GET.get("renew", "")}
    return render(request, "suppliers/qualifications.html", ctx, status=400 if form.errors else 200)


@login_required
def scale_view(request):
    org = _supplier_org(request.user)
    prof = selectors.profile_of(org)
    initial = {"year": timezone.localdate().year - 1}
    if prof and prof.scale_declared_at:
        initial = {
            "industry": prof.industry, "employees": prof.employees, "special_kind": prof.special_kind, "year": prof.scale_year,
            "revenue": prof.revenue / scale.WAN if prof.revenue is not None else None,
            "total_assets": prof.total_assets / scale.WAN if prof.total_assets is not None else None,
        }  # fmt: skip
    form = F.ScaleForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            services.scale_declare(
                supplier=org, industry=d["industry"], employees=d["employees"], revenue_wan=d["revenue"], total_assets_wan=d["total_assets"],
                special_kind=d["special_kind"] or "", year=d["year"],
            )  # fmt: skip
            messages.success(request, "企业划型已更新")
            return redirect("suppliers:scale")
        except BusinessError as exc:
            _form_errors(form, exc)
    result = None
    if prof and prof.scale_declared_at and prof.industry in scale.BY_CODE:
        result = scale.classify(prof.industry, employees=prof.employees, revenue=prof.revenue, total_assets=prof.total_assets)
    ctx = {"form": form, "profile": prof, "result": result, "table": scale.TABLE, "labels": scale.LABELS, "letter_form": F.LetterForm()}
    return render(request, "suppliers/scale.html", ctx, status=400 if form.errors else 200)


@login_required
def sme_letter(request):
    org = _supplier_org(request.user)
    form = F.LetterForm(request.GET or None)
    d = form.cleaned_data if form.is_valid() else {}
    try:
        pdf = services.sme_letter_pdf(
            supplier=org, purchaser_name=d.get("purchaser_name", ""), project_name=d.get("project_name", ""), item_name=d.get("item_name", ""), kind=d.get("kind") or "goods"
        )
    except BusinessError as exc:
        messages.error(request, exc.message)
        return redirect("suppliers:scale")
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = "attachment; filename*=UTF-8''%E4%B8%AD%E5%B0%8F%E4%BC%81%E4%B8%9A%E5%A3%B0%E6%98%8E%E5%87%BD.pdf"
    return response


@login_required
def credit(request):
    """The supplier's violations, measures, dishonesty entries; appeal each measure."""
    org = _supplier_org(request.user)
    measures = scoping.visible(request.user, Measure).filter(supplier=org).select_related("violation").prefetch_related("appeals")
    form = F.ReasonForm(request.POST or None)
    if request.method == "POST":
        measure = scoping.get_visible_or_404(request.user, Measure, pk=request.POST.get("measure"), supplier=org)
        if form.is_valid():
            try:
                services.appeal_submit(measure=measure, reason=form.cleaned_data["reason"])
                messages.success(request, "申诉已提交，采购中心处理后将通知您")
                return redirect("suppliers:credit")
            except BusinessError as exc:
                _form_errors(form, exc)
    ctx = {
        "violations": scoping.visible(request.user, Violation).filter(supplier=org), "measures": measures, "form": form,
        "entries": scoping.visible(request.user, DishonestyEntry).filter(supplier=org), "badge": STATUS_BADGE,
        "appeal_for": request.POST.get("measure", ""),
    }  # fmt: skip
    return render(request, "suppliers/credit.html", ctx, status=400 if form.errors else 200)


@login_required
def exit_view(request):
    org = _supplier_org(request.user)
    from govmall.suppliers.exit import open_business

    form = F.ExitForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.supplier_exit(supplier=org, reason=form.cleaned_data["reason"])
            messages.success(request, "已退出商城，全部商品已下架")
            return redirect("suppliers:home")
        except BusinessError as exc:
            _form_errors(form, exc)
    ctx = {"form": form, "open_items": open_business(org), "profile": selectors.profile_of(org)}
    return render(request, "suppliers/exit.html", ctx, status=400 if form.errors else 200)


# --- Documents ----------------------------------------------------------------------------------


@login_required
def document(request, kind, pk):
    """A stored document, to those who may see its owner's records (never a public URL)."""
    if kind == "qualification":
        obj = scoping.get_visible_or_404(request.user, Qualification, pk=pk)
        name = obj.file.name
    elif kind == "commitment":
        obj = scoping.get_visible_or_404(request.user, Application, pk=pk)
        name = obj.commitment_file.name
    elif kind == "evidence":
        obj = scoping.get_visible_or_404(request.user, Violation, pk=pk)
        name = obj.evidence.name
    else:
        raise Http404
    if not name or not default_storage.exists(name):
        raise Http404("文件不存在")
    ext = name.rsplit(".", 1)[-1].lower()
    response = FileResponse(default_storage.open(name, "rb"), content_type=uploads.KINDS.get(ext, "application/octet-stream"))
    response["Content-Disposition"] = "inline"
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, max-age=300"
    return response


# --- Procurement centre ---------------------------------------------------------------------------


@login_required
def supplier_list(request):
    _require(request.user, STAFF)
    qs = scoping.visible(request.user, SupplierProfile).select_related("supplier", "supplier__region").order_by("supplier__name")
    status = request.GET.get("status", "")
    if status in SupplierStatus.values:
        qs = qs.filter(status=status)
    q = request.GET.get("q", "").strip()
    if q:
        qs = qs.filter(Q(supplier__name__icontains=q) | Q(supplier__uscc__icontains=q))
    if request.GET.get("export") == "xlsx":
        return xlsx_response(
            "供应商名录.xlsx", ["供应商", "统一社会信用代码", "注册地", "状态", "企业规模", "激活时间"],
            ((p.supplier.name, p.supplier.uscc or "", p.supplier.region.name, p.get_status_display(), p.get_enterprise_size_display(),
              timezone.localtime(p.activated_at).strftime("%Y-%m-%d") if p.activated_at else "") for p in qs.iterator()),
        )  # fmt: skip
    ctx = {"page": Paginator(qs, 50).get_page(request.GET.get("page")), "status": status, "q": q, "statuses": SupplierStatus.choices, "badge": STATUS_BADGE}
    return render(request, "suppliers/list.html", ctx)


@_upload_guard
@login_required
def supplier_detail(request, pk):
    """A supplier for the centre and supervisors: record, scope, documents, credit; record a
    violation (with a measure) or a dishonesty-list entry."""
    _require(request.user, STAFF)
    prof = scoping.get_visible_or_404(request.user, SupplierProfile.objects.select_related("supplier"), supplier_id=pk)
    org = prof.supplier
    can_discipline = request.user.has_role(Role.CENTRE_OPERATOR, Role.FINANCE_SUPERVISOR, Role.PLATFORM_ADMIN)
    action = request.POST.get("action", "") if request.method == "POST" else ""
    vform = F.ViolationForm(request.POST if action == "violation" else None, request.FILES if action == "violation" else None, initial={"source": ViolationSource.SUPERVISOR if request.user.has_role(Role.FINANCE_SUPERVISOR) else ViolationSource.CENTRE})
    dform = F.DishonestyForm(request.POST if action == "dishonesty" else None)
    if request.method == "POST":
        if not can_discipline:
            raise PermissionDenied("您不能记录此供应商的信用信息")
        try:
            if action == "violation":
                too_large = _too_large(request)
                if too_large:
                    raise BusinessError(too_large, field="evidence")
                if vform.is_valid():
                    d = vform.cleaned_data
                    services.violation_record(
                        supplier=org, source=d["source"], occurred_on=d["occurred_on"], title=d["title"], description=d["description"],
                        evidence=d["evidence"], measure=d["measure"] or "", ends_on=d["ends_on"],
                    )  # fmt: skip
                    messages.success(request, "不良行为已记录" + ("，处理措施已生效" if d["measure"] else ""))
                    return redirect("suppliers:detail", pk=org.pk)
            elif action == "dishonesty" and dform.is_valid():
                services.dishonesty_record(supplier=org, **dform.cleaned_data)
                messages.success(request, "失信名单记录已录入")
                return redirect("suppliers:detail", pk=org.pk)
        except BusinessError as exc:
            _form_errors(vform if action == "violation" else dform, exc)
    ctx = {
        "org": org, "profile": prof, "eligibility": selectors.eligibility(org), "badge": STATUS_BADGE,
        "scopes": SupplierScope.objects.filter(supplier=org).select_related("category"),
        "quals": Qualification.objects.filter(supplier=org).prefetch_related("categories"),
        "applications": Application.objects.filter(supplier=org).order_by("-created_at"),
        "violations": Violation.objects.filter(supplier=org).prefetch_related("measures__appeals"),
        "entries": DishonestyEntry.objects.filter(supplier=org), "vform": vform, "dform": dform, "can_discipline": can_discipline,
        "timeline": _timeline(request.user, prof),
    }  # fmt: skip
    return render(request, "suppliers/detail.html", ctx, status=400 if (vform.errors or dform.errors) else 200)


@login_required
def review_queue(request):
    _require(request.user, CENTRE)
    qs = scoping.visible(request.user, Application, "change").filter(status=ApplicationStatus.SUBMITTED).select_related("supplier", "region").order_by("submitted_at")
    quals = scoping.visible(request.user, Qualification, "change").filter(status=QualificationStatus.PENDING, application__isnull=True).select_related("supplier")
    appeals = scoping.visible(request.user, Appeal, "change").filter(status=AppealStatus.PENDING).select_related("supplier", "measure")
    return render(request, "suppliers/review_queue.html", {"apps": qs, "quals": quals, "appeals": appeals})


@login_required
def review(request, pk):
    """One application for review: its data beside the documents, the checklist, and the
    three decisions (approve / return with reasons per field / reject with a reason)."""
    _require(request.user, CENTRE)
    app = scoping.get_visible_or_404(request.user, Application.objects.select_related("supplier", "region"), "change", pk=pk)
    error, field_errors = "", {}
    if request.method == "POST" and app.status == ApplicationStatus.SUBMITTED:
        decision = request.POST.get("decision")
        try:
            if decision == "approve":
                checks = {k: bool(request.POST.get(f"check_{k}")) for k, _ in services.CHECKLIST}
                services.application_approve(application=app, checklist=checks, note=request.POST.get("note", ""))
                messages.success(request, f"已通过「{app.company_name}」的{app.get_kind_display()}")
                return redirect("suppliers:review_queue")
            if decision == "return":
                reasons = {k: request.POST.get(f"reason_{k}", "") for k in services.FIELD_LABELS}
                services.application_return(application=app, reasons=reasons, note=request.POST.get("note", ""))
                messages.success(request, "已退回修改，供应商已收到通知")
                return redirect("suppliers:review_queue")
            if decision == "reject":
                services.application_reject(application=app, reason=request.POST.get("reject_reason", ""))
                messages.success(request, "已不予通过，供应商已收到通知")
                return redirect("suppliers:review_queue")
        except BusinessError as exc:
            error = exc.message
            field_errors[exc.field or ""] = exc.message
    prev = app.versions.filter(number__lt=app.version).first()
    ctx = {
        "app": app, "quals": app.qualifications.prefetch_related("categories"), "checklist": services.CHECKLIST,
        "labels": services.FIELD_LABELS, "versions": app.versions.all(), "previous": prev, "badge": STATUS_BADGE,
        "error": error, "field_errors": field_errors, "post": request.POST if request.method == "POST" else {},
        "categories": app.categories.order_by("code"), "timeline": _timeline(request.user, app),
        "reason_fields": [(k, v) for k, v in services.FIELD_LABELS.items()],
    }  # fmt: skip
    return render(request, "suppliers/review.html", ctx, status=400 if error else 200)


@login_required
def qualification_review(request, pk):
    _require(request.user, CENTRE)
    q = scoping.get_visible_or_404(request.user, Qualification.objects.select_related("supplier", "replaces"), "change", pk=pk)
    form = F.ReasonForm(request.POST if request.POST.get("decision") == "reject" else None)
    if request.method == "POST":
        try:
            if request.POST.get("decision") == "approve":
                services.qualification_approve(qualification=q, note=request.POST.get("note", ""))
                messages.success(request, "证书已审核通过")
                return redirect("suppliers:review_queue")
            if form.is_valid():
                services.qualification_reject(qualification=q, reason=form.cleaned_data["reason"])
                messages.success(request, "已不予认可")
                return redirect("suppliers:review_queue")
        except BusinessError as exc:
            _form_errors(form, exc)
    return render(request, "suppliers/qualification_review.html", {"q": q, "form": form, "badge": STATUS_BADGE}, status=400 if form.errors else 200)


@login_required
def appeal_review(request, pk):
    _require(request.user, CENTRE)
    ap = scoping.get_visible_or_404(request.user, Appeal.objects.select_related("measure__violation", "supplier"), "change", pk=pk)
    form = F.AppealDecisionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.appeal_decide(appeal=ap, upheld=form.cleaned_data["decision"] == "uphold", note=form.cleaned_data["note"])
            messages.success(request, "申诉已处理")
            return redirect("suppliers:review_queue")
        except BusinessError as exc:
            _form_errors(form, exc)
    return render(request, "suppliers/appeal_review.html", {"ap": ap, "form": form, "badge": STATUS_BADGE}, status=400 if form.errors else 200)

