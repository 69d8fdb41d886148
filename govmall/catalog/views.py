"""Pages of the mall catalog: the procurement centre's versions, drafts, validation report,
diff, import and export under /workspace/catalog/, and the public catalog at /catalog/.

Every query goes through accounts.scoping; every write through one service call."""

from __future__ import annotations

from collections import OrderedDict

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Count, Q
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from govmall.accounts import scoping
from govmall.accounts.scoping import STAFF_ROLES
from govmall.audit.models import AuditEntry
from govmall.catalog import mapping
from govmall.catalog.forms import DraftCreateForm, EditionForm, ImportForm, ItemForm
from govmall.catalog.models import (
    CatalogEdition,
    Category,
    MallCatalogStatus,
    MallCatalogVersion,
    MallItem,
    PublishedMallCatalogVersion,
    PublishedMallItem,
)
from govmall.catalog.scoping import CHANGE_ROLES
from govmall.catalog.selectors import cap_code_of, current_edition, mall_catalog_diff, mall_items
from govmall.catalog.services import (
    CatalogNotPublishable,
    mall_catalog_change_edition,
    mall_catalog_create_draft,
    mall_catalog_discard,
    mall_catalog_import,
    mall_catalog_publish,
    mall_item_add,
    mall_item_remove,
    mall_item_update,
)
from govmall.catalog.validation import excluded_branches, mall_catalog_validate
from govmall.core.errors import BusinessError
from govmall.core.exports import xlsx_response
from govmall.subsites.models import Subsite

ITEMS_PER_PAGE = 50


def _require(user, roles):
    if not scoping.can_use(user, roles):
        raise PermissionDenied("您的角色不能使用此功能")


def _page(request, qs, size):
    return Paginator(qs, size).get_page(request.GET.get("page"))


def _version(request, pk, action="view"):
    _require(request.user, STAFF_ROLES if action == "view" else CHANGE_ROLES)
    return scoping.get_visible_or_404(request.user, MallCatalogVersion.objects.select_related("subsite__region", "edition", "based_on"), action, pk=pk)


def _draft(request, pk):
    """A version the person may change, refused politely unless it is a draft."""
    version = _version(request, pk, "change")
    if not version.is_draft:
        messages.error(request, f"第 {version.number} 版{version.get_status_display()}，已冻结，不能修改。请新建草稿后在草稿中修改")
    return version


def _dt(value) -> str:
    return timezone.localtime(value).strftime("%Y-%m-%d %H:%M") if value else ""


def _can_change(user, version) -> bool:
    return version.is_draft and scoping.can_use(user, CHANGE_ROLES) and scoping.can(user, "change", version)


def _form_error(form, exc: BusinessError):
    form.add_error(exc.field if exc.field in form.fields else None, exc.message)


# --- Workspace to-do ---------------------------------------------------------------------------


def draft_todos(user) -> list[dict]:
    """Drafts the person may edit, each with its number of validation errors."""
    if not scoping.can_use(user, CHANGE_ROLES):
        return []
    todos = []
    drafts = scoping.visible(user, MallCatalogVersion, "change").filter(status=MallCatalogStatus.DRAFT).select_related("subsite", "edition")
    for version in drafts:
        report = mall_catalog_validate(version)
        todos.append(
            {
                "label": f"商城品目目录草稿第 {version.number} 版：待修正错误",
                "count": len(report.errors),
                "hint": f"{version.subsite.short_name}，{report.item_count} 个品目" + ("，可以发布" if report.ok else ""),
                "url": reverse("catalog:report", args=[version.pk]),
            }
        )
    return todos


# --- Versions ----------------------------------------------------------------------------------


@login_required
@require_GET
def version_list(request):
    _require(request.user, STAFF_ROLES)
    qs = (
        scoping.visible(request.user, MallCatalogVersion)
        .select_related("subsite", "edition", "based_on")
        .annotate(item_count=Count("items"))
        .order_by("subsite__region__code", "-number")
    )
    status = request.GET.get("status", "")
    if status in MallCatalogStatus.values:
        qs = qs.filter(status=status)
    if request.GET.get("export") == "xlsx":
        return xlsx_response(
            "商城品目目录版本.xlsx",
            ["分站", "版本", "状态", "对照目录", "品目数", "复制自", "创建时间", "发布时间", "说明"],
            (
                (v.subsite.short_name, f"第{v.number}版", v.get_status_display(), v.edition.code, v.item_count,
                 f"第{v.based_on.number}版" if v.based_on else "", _dt(v.created_at), _dt(v.published_at), v.note)
                for v in qs
            ),
        )  # fmt: skip
    site = request.subsite
    can_create = scoping.can_use(request.user, CHANGE_ROLES) and scoping.visible(request.user, Subsite, "change").filter(pk=site.pk).exists()
    draft = MallCatalogVersion.objects.filter(subsite=site, status=MallCatalogStatus.DRAFT).first() if can_create else None
    has_published = MallCatalogVersion.objects.filter(subsite=site, status=MallCatalogStatus.PUBLISHED).exists()
    form = DraftCreateForm(initial={"source": "copy" if has_published else "empty"})
    return render(
        request,
        "catalog/version_list.html",
        {
            "page": _page(request, qs, 20), "status": status, "statuses": MallCatalogStatus.choices, "can_create": can_create,
            "draft": draft, "form": form, "has_published": has_published,
        },
    )  # fmt: skip


@login_required
@require_POST
def version_create(request):
    _require(request.user, CHANGE_ROLES)
    site = scoping.get_visible_or_404(request.user, Subsite, "change", pk=request.subsite.pk)
    form = DraftCreateForm(request.POST)
    if form.is_valid():
        try:
            version = mall_catalog_create_draft(subsite=site, copy_published=form.cleaned_data["source"] == "copy", note=form.cleaned_data["note"])
        except BusinessError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, f"已新建草稿第 {version.number} 版，共 {version.items.count()} 个品目")
            return redirect("catalog:version_detail", version.pk)
    else:
        messages.error(request, "请选择草稿内容")
    return redirect("catalog:version_list")


@login_required
@require_GET
def version_detail(request, pk):
    version = _version(request, pk)
    qs = mall_items(version)
    q = request.GET.get("q", "").strip()
    group = request.GET.get("group", "")
    only_problems = request.GET.get("problems") == "1"
    if q:
        qs = qs.filter(
            Q(local_code__icontains=q) | Q(local_name__icontains=q) | Q(aliases__icontains=q) | Q(category__code__startswith=q.upper())
            | Q(category__name__icontains=q)
        )  # fmt: skip
    if group:
        qs = qs.filter(group__code=group)
    report = mall_catalog_validate(version) if version.is_draft else None
    problems_by_item: dict[int, list] = {}
    if report is not None:
        for p in report.problems:
            if p.item_id:
                problems_by_item.setdefault(p.item_id, []).append(p)
        if only_problems:
            qs = qs.filter(pk__in=list(problems_by_item))
    if request.GET.get("export") == "xlsx":
        return xlsx_response(
            f"{version.subsite.short_name}商城品目目录_第{version.number}版.xlsx",
            ["本地品目编码", "本地品目名称", "别名", "省品目编码", "省品目名称", "二级品目", "备注"],
            (
                (i.local_code, i.local_name, "、".join(i.alias_list()), i.category.code if i.category else "", i.category.name if i.category else "",
                 f"{i.group.code} {i.group.name}" if i.group else "", i.remark)
                for i in qs
            ),
        )  # fmt: skip
    page = _page(request, qs, ITEMS_PER_PAGE)
    rows = [(item, problems_by_item.get(item.pk, [])) for item in page.object_list]
    groups = Category.objects.filter(pk__in=version.items.values("group_id")).order_by("code")
    # The version's own entries and those of its items (deleted ones included: they name the draft).
    timeline = (
        scoping.visible(request.user, AuditEntry)
        .filter(
            Q(object_type="catalog.mallcatalogversion", object_id=str(version.pk))
            | Q(object_type="catalog.mallitem", scope_path=version.subsite.region.path, message__startswith=f"草稿第 {version.number} 版")
        )
        .order_by("-id")[:30]
    )
    other_editions = CatalogEdition.objects.exclude(pk=version.edition_id).exists()
    return render(
        request,
        "catalog/version_detail.html",
        {
            "version": version, "page": page, "rows": rows, "q": q, "group": group, "groups": groups, "only_problems": only_problems,
            "report": report, "can_change": _can_change(request.user, version), "timeline": timeline,
            "edition_form": EditionForm(initial={"edition": version.edition_id}) if other_editions else None,
            "total": version.items.count(),
        },
    )  # fmt: skip


@login_required
@require_GET
def mapping_export(request, pk, fmt):
    version = _version(request, pk)
    if fmt == "xlsx":
        body, ctype = mapping.export_xlsx(version), "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    else:
        body, ctype = mapping.export_csv(version), "text/csv; charset=utf-8"
    from urllib.parse import quote

    response = HttpResponse(body, content_type=ctype)
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(mapping.mapping_filename(version, fmt))}"
    return response


@login_required
@require_GET
def report(request, pk):
    version = _version(request, pk)
    result = mall_catalog_validate(version)
    return render(request, "catalog/report.html", {"version": version, "report": result, "can_change": _can_change(request.user, version)})


@login_required
@require_GET
def diff(request, pk):
    version = _version(request, pk)
    base = None
    if not version.is_draft and version.based_on_id:
        base = version.based_on  # a published or superseded version: what it changed
    result = mall_catalog_diff(version, base) if (version.is_draft or base) else None
    return render(request, "catalog/diff.html", {"version": version, "diff": result, "can_change": _can_change(request.user, version)})


@login_required
@require_http_methods(["GET", "POST"])
def publish(request, pk):
    version = _draft(request, pk)
    if not version.is_draft:
        return redirect("catalog:version_detail", version.pk)
    if request.method == "POST":
        try:
            mall_catalog_publish(version=version)
        except CatalogNotPublishable as exc:
            messages.error(request, exc.message)
            return redirect("catalog:report", version.pk)
        except BusinessError as exc:
            messages.error(request, exc.message)
            return redirect("catalog:version_detail", version.pk)
        messages.success(request, f"第 {version.number} 版已发布，即日起商城按此目录执行；原现行版本已标为“已被替代”")
        return redirect("catalog:version_detail", version.pk)
    result = mall_catalog_validate(version)
    changes = mall_catalog_diff(version)
    return render(request, "catalog/publish.html", {"version": version, "report": result, "diff": changes})


@login_required
@require_http_methods(["GET", "POST"])
def discard(request, pk):
    version = _draft(request, pk)
    if not version.is_draft:
        return redirect("catalog:version_detail", version.pk)
    if request.method == "POST":
        try:
            mall_catalog_discard(version=version)
        except BusinessError as exc:
            messages.error(request, exc.message)
            return redirect("catalog:version_detail", version.pk)
        messages.success(request, f"草稿第 {version.number} 版已删除")
        return redirect("catalog:version_list")
    return render(request, "catalog/discard.html", {"version": version, "count": version.items.count()})


@login_required
@require_POST
def change_edition(request, pk):
    version = _draft(request, pk)
    if not version.is_draft:
        return redirect("catalog:version_detail", version.pk)
    form = EditionForm(request.POST)
    if form.is_valid():
        try:
            moved = mall_catalog_change_edition(version=version, edition=form.cleaned_data["edition"])
        except BusinessError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, f"已改为对照 {form.cleaned_data['edition'].code} 版目录：{moved['moved']} 个品目沿用，{moved['dangling']} 个需重新对照")
    return redirect("catalog:version_detail", version.pk)


@login_required
@require_http_methods(["GET", "POST"])
def import_mapping(request, pk):
    version = _draft(request, pk)
    if not version.is_draft:
        return redirect("catalog:version_detail", version.pk)
    form = ImportForm(request.POST or None, request.FILES or None)
    row_errors = []
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            if upload.size > mapping.MAX_BYTES:
                raise mapping.MappingImportError(
                    [mapping.RowError(None, mapping.FILE, f"文件大小 {upload.size / 1024 / 1024:.1f} MB，超过 {mapping.MAX_BYTES // 1024 // 1024} MB 的上限")]
                )
            result = mall_catalog_import(version=version, data=upload.read(), filename=upload.name, mode=form.cleaned_data["mode"])
        except mapping.MappingImportError as exc:
            row_errors = exc.errors
            form.add_error("file", f"文件有 {len(exc.errors)} 处问题，未导入任何内容，请按下表修改后重新导入")
        except BusinessError as exc:
            _form_error(form, exc)
        else:
            messages.success(request, f"已导入 {upload.name}：{result.summary()}")
            return redirect("catalog:version_detail", version.pk)
    return render(request, "catalog/import.html", {"version": version, "form": form, "row_errors": row_errors, "columns": mapping.COLUMNS})


# --- Items -------------------------------------------------------------------------------------


def _item_initial(item: MallItem) -> dict:
    dangling = item.category is not None and item.category.edition_id != item.version.edition_id
    default_group = item.category is not None and item.group is not None and item.group.code == cap_code_of(item.category)
    return {
        "local_code": item.local_code,
        "local_name": item.local_name,
        "aliases": item.aliases,
        # A provincial item of another edition is not offered again: its code may mean something else now.
        "category_code": "" if dangling or item.category is None else item.category.code,
        "group_code": "" if (default_group or item.group is None or dangling) else item.group.code,
        "remark": item.remark,
    }


@login_required
@require_http_methods(["GET", "POST"])
def item_add(request, pk):
    version = _draft(request, pk)
    if not version.is_draft:
        return redirect("catalog:version_detail", version.pk)
    form = ItemForm(request.POST or None, version=version)
    if request.method == "POST" and form.is_valid():
        try:
            item = mall_item_add(version=version, data=form.item_data())
        except BusinessError as exc:
            _form_error(form, exc)
        else:
            messages.success(request, f"已新增品目 {item.local_code} {item.local_name}")
            if "another" in request.POST:
                return redirect("catalog:item_add", version.pk)
            return redirect(reverse("catalog:version_detail", args=[version.pk]) + f"?q={item.local_code}")
    return render(request, "catalog/item_form.html", {"version": version, "form": form, "item": None})


@login_required
@require_http_methods(["GET", "POST"])
def item_edit(request, pk, item_pk):
    version = _draft(request, pk)
    item = scoping.get_visible_or_404(request.user, MallItem.objects.select_related("category__edition", "group", "version"), "change", pk=item_pk, version=version)
    if not version.is_draft:
        return redirect("catalog:version_detail", version.pk)
    form = ItemForm(request.POST or None, version=version, initial=_item_initial(item))
    if request.method == "POST" and form.is_valid():
        try:
            mall_item_update(item=item, data=form.item_data())
        except BusinessError as exc:
            _form_error(form, exc)
        else:
            messages.success(request, f"已保存品目 {form.cleaned_data['local_code'].upper()}")
            return redirect(reverse("catalog:version_detail", args=[version.pk]) + f"?q={form.cleaned_data['local_code'].upper()}")
    dangling = item.category is not None and item.category.edition_id != version.edition_id
    return render(request, "catalog/item_form.html", {"version": version, "form": form, "item": item, "dangling": dangling})


@login_required
@require_http_methods(["GET", "POST"])
def item_remove(request, pk, item_pk):
    version = _draft(request, pk)
    item = scoping.get_visible_or_404(request.user, MallItem.objects.select_related("category", "group"), "change", pk=item_pk, version=version)
    if not version.is_draft:
        return redirect("catalog:version_detail", version.pk)
    if request.method == "POST":
        try:
            mall_item_remove(item=item)
        except BusinessError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, f"已从草稿删除品目 {item.local_code} {item.local_name}")
        return redirect("catalog:version_detail", version.pk)
    return render(request, "catalog/item_remove.html", {"version": version, "item": item})


@login_required
@require_GET
def category_search(request):
    """Search-as-you-type over the national catalog (htmx fragment for the item form)."""
    _require(request.user, CHANGE_ROLES)
    edition = CatalogEdition.objects.filter(pk=request.GET.get("edition") or 0).first() or current_edition()
    q = (request.GET.get("q") or request.GET.get("category_code") or "").strip()
    exact = None
    results = []
    if q:
        qs = Category.objects.filter(edition=edition, is_leaf=True)
        for prefix in excluded_branches():
            qs = qs.exclude(code__startswith=prefix)
        code = q.upper()
        if code[:1] in "ABC" and code[1:].isdigit():
            exact = Category.objects.filter(edition=edition).filter(Q(code=code) | Q(short_code=code)).first()
            qs = qs.filter(code__startswith=code)
        else:
            qs = qs.filter(name__icontains=q)
        results = list(qs.order_by("code")[:15])
    groups = {c.code: c for c in Category.objects.filter(edition=edition, code__in={cap_code_of(c) for c in [*results, *([exact] if exact else [])]})}
    return render(
        request,
        "catalog/_category_results.html",
        {"q": q, "results": [(c, groups.get(cap_code_of(c))) for c in results], "exact": exact, "exact_group": groups.get(cap_code_of(exact)) if exact else None, "edition": edition},
    )


# --- Public ------------------------------------------------------------------------------------


def public_catalog(request):
    """The sub-site's mall catalog in force, grouped by level-2 category (二级品目)."""
    version = scoping.visible(request.user, PublishedMallCatalogVersion).filter(subsite=request.subsite).select_related("edition").first()
    q = request.GET.get("q", "").strip()
    tree: OrderedDict = OrderedDict()
    count = 0
    if version is not None:
        qs = scoping.visible(request.user, PublishedMallItem).filter(version_id=version.pk).select_related("category", "group").order_by("group__code", "local_code")
        if q:
            qs = qs.filter(Q(local_name__icontains=q) | Q(aliases__icontains=q) | Q(local_code__icontains=q) | Q(category__code__startswith=q.upper()))
        for item in qs:
            tree.setdefault(item.group, []).append(item)
            count += 1
    return render(request, "catalog/public.html", {"version": version, "tree": tree, "q": q, "count": count, "today": timezone.localdate()})
