"""Pages of purchaser master data and restructuring. Lists and details go through
accounts.scoping; writes through purchasers.services / restructuring."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Q
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods, require_POST

from govmall.accounts import scoping
from govmall.accounts.models import User
from govmall.audit.models import AuditEntry
from govmall.core.errors import BusinessError
from govmall.purchasers import imports
from govmall.core.exports import XLSX, xlsx_bytes, xlsx_response
from govmall.purchasers.forms import ImportForm, PurchaserForm, RestructureForm
from govmall.purchasers.models import Purchaser, PurchaserLevel, PurchaserStatus, Restructure, RestructureType
from govmall.purchasers.restructuring import SuccessorInput, restructure_register
from govmall.purchasers.scoping import MAINTAINERS
from govmall.purchasers.selectors import predecessors_of, successors_of
from govmall.purchasers.services import PurchaserData, purchaser_set_status, purchaser_upsert
from govmall.regions.models import Level, Region

PAGE_SIZE = 20


def _page(request, qs):
    return Paginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))


def _require(user, roles):
    if not scoping.can_use(user, roles):
        raise PermissionDenied("您的角色不能使用此功能")


def _counties(request):
    return Region.objects.filter(parent=request.subsite.region).order_by("code")


def _editable_regions(user):
    """Regions a maintainer may place a purchaser in: their bureau's region and below."""
    if user.has_role("platform_admin"):
        base = Region.objects.filter(level__gte=Level.CITY, path__startswith="/370000/")
    else:
        base = Region.objects.filter(path__startswith=user.organization.region.path)
    return base.order_by("path")


def _timeline(user, obj):
    return scoping.visible(user, AuditEntry).filter(object_type=obj._meta.label_lower, object_id=str(obj.pk))[:20]


@login_required
def purchaser_list(request):
    _require(request.user, scoping.STAFF_ROLES)
    qs = scoping.visible(request.user, Purchaser).select_related("organization", "organization__region", "district")
    q = request.GET.get("q", "").strip()
    region = request.GET.get("region", "")
    level = request.GET.get("level", "")
    status = request.GET.get("status", "")
    if q:
        qs = qs.filter(Q(organization__name__icontains=q) | Q(organization__code__icontains=q) | Q(organization__uscc__icontains=q))
    if region:
        qs = qs.filter(organization__region__path__contains=f"/{region}/")
    if level in PurchaserLevel.values:
        qs = qs.filter(level=level)
    if status in PurchaserStatus.values:
        qs = qs.filter(status=status)
    qs = qs.order_by("organization__code")
    if request.GET.get("export") == "xlsx":
        return xlsx_response(
            "采购人名录.xlsx",
            ["预算单位编码", "单位名称", "统一社会信用代码", "所在区划", "主管区划", "级次", "单位类型", "状态", "联系人", "联系电话"],
            (
                (p.code, p.name, p.organization.uscc, p.organization.region.name, p.district.name, p.get_level_display(), p.get_kind_display(),
                 p.get_status_display(), p.organization.contact_name, p.organization.contact_phone)
                for p in qs.iterator(chunk_size=500)
            ),
        )  # fmt: skip
    return render(
        request,
        "purchasers/list.html",
        {
            "page": _page(request, qs), "q": q, "region": region, "level": level, "status": status, "counties": _counties(request),
            "levels": PurchaserLevel.choices, "statuses": PurchaserStatus.choices, "can_maintain": scoping.can_use(request.user, MAINTAINERS),
        },
    )  # fmt: skip


@login_required
def purchaser_detail(request, pk):
    p = scoping.get_visible_or_404(request.user, Purchaser.objects.select_related("organization", "organization__region", "district", "parent__organization"), pk=pk)
    users = scoping.visible(request.user, User).filter(organization=p.organization)
    return render(
        request,
        "purchasers/detail.html",
        {
            "p": p, "predecessors": predecessors_of(p), "successors": successors_of(p), "users": users,
            "timeline": _timeline(request.user, p), "can_change": scoping.can(request.user, "change", p),
        },
    )  # fmt: skip


def _form_data(form) -> PurchaserData:
    d = form.cleaned_data
    return PurchaserData(
        code=d["code"], name=d["name"], uscc=d["uscc"], region_code=d["region_code"], level=d["level"], kind=d["kind"],
        parent_code=d["parent_code"], status=d["status"], contact_name=d["contact_name"], contact_phone=d["contact_phone"],
        contact_email=d["contact_email"],
    )  # fmt: skip


def _save(request, form, *, existing=None):
    try:
        data = _form_data(form)
        if existing is not None:
            data.code = existing.code
        elif Purchaser.objects.filter(organization__code=data.code).exists():
            raise BusinessError(f"预算单位编码 {data.code} 已存在，请在该单位页面修改", field="code")
        allowed = {r.code for r in _editable_regions(request.user)}
        if data.region_code not in allowed:
            raise BusinessError("只能登记本辖区的采购人", field="region_code")
        p, _created = purchaser_upsert(data=data)
    except BusinessError as exc:
        form.add_error(exc.field if exc.field in form.fields else None, exc.message)
        return None
    return p


@login_required
@require_http_methods(["GET", "POST"])
def purchaser_create(request):
    _require(request.user, MAINTAINERS)
    form = PurchaserForm(request.POST or None, regions=_editable_regions(request.user), initial={"status": "active", "kind": "government"})
    if request.method == "POST" and form.is_valid():
        p = _save(request, form)
        if p is not None:
            messages.success(request, f"已登记采购人「{p.name}」")
            return redirect("purchasers:detail", pk=p.pk)
    return render(request, "purchasers/form.html", {"form": form, "title": "登记采购人"})


@login_required
@require_http_methods(["GET", "POST"])
def purchaser_edit(request, pk):
    p = scoping.get_visible_or_404(request.user, Purchaser.objects.select_related("organization", "organization__region"), "change", pk=pk)
    org = p.organization
    initial = {
        "code": p.code, "name": org.name, "uscc": org.uscc or p.retired_uscc, "region_code": org.region.code, "level": p.level, "kind": p.kind,
        "parent_code": p.parent.code if p.parent_id else "", "status": p.status, "contact_name": org.contact_name,
        "contact_phone": org.contact_phone, "contact_email": p.contact_email,
    }  # fmt: skip
    form = PurchaserForm(request.POST or None, regions=_editable_regions(request.user), lock_code=True, initial=initial)
    if request.method == "POST" and form.is_valid():
        saved = _save(request, form, existing=p)
        if saved is not None:
            messages.success(request, "采购人信息已保存")
            return redirect("purchasers:detail", pk=p.pk)
    return render(request, "purchasers/form.html", {"form": form, "title": f"修改：{p.name}", "p": p})


@login_required
@require_POST
def purchaser_status(request, pk):
    p = scoping.get_visible_or_404(request.user, Purchaser, "change", pk=pk)
    to = request.POST.get("status", "")
    try:
        if to not in PurchaserStatus.values:
            raise BusinessError("请选择状态")
        purchaser_set_status(purchaser=p, status=to, reason=request.POST.get("reason", "").strip()[:200])
    except BusinessError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, f"「{p.name}」已{'启用' if to == PurchaserStatus.ACTIVE else '停用'}")
    return redirect("purchasers:detail", pk=p.pk)


@login_required
@require_http_methods(["GET", "POST"])
def purchaser_import(request):
    _require(request.user, MAINTAINERS)
    form = ImportForm(request.POST or None, request.FILES or None)
    errors: list[str] = []
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            if upload.size > 5 * 1024 * 1024:
                raise imports.ImportRejected(["文件超过 5 MB，请拆分后导入"])
            data = upload.read()
            allowed = {r.code for r in _editable_regions(request.user)}
            outside = [f"第 {line} 行（编码 {v['code']}）：区划 {v['region_code']} 不在本辖区" for line, v in imports.read_rows(data) if v["region_code"] not in allowed]
            if outside:
                raise imports.ImportRejected(outside)
            result = imports.purchasers_import(data=data, filename=upload.name)
        except imports.ImportRejected as exc:
            errors = exc.errors
            form.add_error("file", exc.message)
        else:
            messages.success(request, f"导入成功：新增 {result.created} 个，更新 {result.updated} 个采购人")
            return redirect("purchasers:list")
    return render(request, "purchasers/import.html", {"form": form, "errors": errors, "headers": imports.HEADERS})


@login_required
def purchaser_import_template(request):
    _require(request.user, MAINTAINERS)
    from django.http import HttpResponse

    response = HttpResponse(xlsx_bytes(imports.HEADERS, imports.template_rows(), sheet="采购人"), content_type=XLSX)
    response["Content-Disposition"] = "attachment; filename*=UTF-8''%E9%87%87%E8%B4%AD%E4%BA%BA%E5%AF%BC%E5%85%A5%E6%A8%A1%E6%9D%BF.xlsx"
    return response


# --- Restructures ---------------------------------------------------------------------------


@login_required
def restructure_list(request):
    _require(request.user, scoping.STAFF_ROLES)
    qs = scoping.visible(request.user, Restructure).select_related("region").prefetch_related("links__predecessor__organization", "links__successor__organization")
    kind = request.GET.get("type", "")
    if kind in RestructureType.values:
        qs = qs.filter(type=kind)
    return render(
        request,
        "purchasers/restructure_list.html",
        {"page": _page(request, qs), "type": kind, "types": RestructureType.choices, "can_maintain": scoping.can_use(request.user, MAINTAINERS)},
    )


def _parse_successors(text: str) -> list[SuccessorInput]:
    out = []
    for n, line in enumerate([ln for ln in text.splitlines() if ln.strip()], start=1):
        parts = [x.strip() for x in line.replace("，", ",").split(",")]
        if len(parts) < 2:
            raise BusinessError(f"新单位第 {n} 行应至少有编码和名称，以逗号分隔", field="successors")
        out.append(SuccessorInput(code=parts[0], name=parts[1], uscc=parts[2] if len(parts) > 2 else "", share=parts[3] if len(parts) > 3 and parts[3] else None))
    return out


def _parse_transfers(text: str) -> list[dict]:
    out = []
    for n, line in enumerate([ln for ln in text.splitlines() if ln.strip()], start=1):
        parts = [x.strip() for x in line.replace("，", ",").split(",")]
        if len(parts) != 2:
            raise BusinessError(f"计划划转第 {n} 行应为“计划编号,新单位编码”", field="plan_transfers")
        out.append({"plan_no": parts[0], "to_code": parts[1]})
    return out


@login_required
@require_http_methods(["GET", "POST"])
def restructure_create(request):
    _require(request.user, MAINTAINERS)
    form = RestructureForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            codes = [c.strip() for c in d["predecessors"].replace(",", "\n").replace("，", "\n").splitlines() if c.strip()]
            visible = scoping.visible(request.user, Purchaser, "change")
            for code in codes:
                if not visible.filter(organization__code=code).exists():
                    raise BusinessError(f"原单位编码「{code}」不存在或不在您的辖区", field="predecessors")
            r = restructure_register(
                number=d["number"], type=d["type"], effective_date=d["effective_date"], predecessor_codes=codes,
                successors=_parse_successors(d["successors"]), plan_transfers=_parse_transfers(d["plan_transfers"]), note=d["note"],
            )  # fmt: skip
        except BusinessError as exc:
            form.add_error(exc.field if exc.field in form.fields else None, exc.message)
        else:
            messages.success(request, f"机构改革 {r.number} 已登记，{'已生效' if r.status == 'applied' else str(r.effective_date) + ' 生效'}")
            return redirect("purchasers:restructure_detail", pk=r.pk)
    return render(request, "purchasers/restructure_form.html", {"form": form})


@login_required
def restructure_detail(request, pk):
    r = scoping.get_visible_or_404(request.user, Restructure.objects.select_related("region"), pk=pk)
    links = r.links.select_related("predecessor__organization", "successor__organization")
    return render(request, "purchasers/restructure_detail.html", {"r": r, "links": links, "timeline": _timeline(request.user, r)})
