"""Writes of the mall catalog (商城品目目录): drafts, their items, import, publication.

Every function runs in one transaction, locks the version row first (then the audit chain
head, through `record`), refuses anything but a draft for edits, and audits what it did.
Status changes go through `audit.states.transition` with `MALL_CATALOG_MACHINE`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from govmall.audit.models import Action
from govmall.audit.services import record
from govmall.audit.states import transition
from govmall.catalog.mapping import FORMULA_RULE, FORMULA_START, find_category, local_code_error, parse_mapping, text_error
from govmall.catalog.models import CatalogEdition, Category, MallCatalogStatus, MallCatalogVersion, MallItem
from govmall.catalog.selectors import cap_category, cap_code_of, current_edition, published_mall_catalog
from govmall.catalog.states import MALL_CATALOG_MACHINE
from govmall.catalog.validation import ValidationReport, mall_catalog_validate
from govmall.core.errors import BusinessError
from govmall.subsites.models import Subsite

ALIAS_SPLIT = re.compile(r"[、,，;；\s]+")


class CatalogNotPublishable(BusinessError):
    """Publication refused: the report lists every error."""

    def __init__(self, version: MallCatalogVersion, report: ValidationReport):
        self.report = report
        counts = "、".join(f"{p.label} {n}" for p, n in _error_counts(report))
        super().__init__(
            f"第 {version.number} 版有 {len(report.errors)} 个错误，不能发布（{counts}）。请按校验报告逐项修正后再发布",
            field="version",
            code="state",
        )


def _error_counts(report: ValidationReport):
    from govmall.catalog.validation import ERROR_KINDS

    counts = report.counts()
    return [(k, counts[k.value]) for k in ERROR_KINDS if counts[k.value]]


def _lock_draft(version: MallCatalogVersion) -> MallCatalogVersion:
    """The version row, locked; refused unless it is a draft (published versions are frozen)."""
    locked = MallCatalogVersion.objects.select_for_update(of=("self",)).select_related("edition", "subsite__region").get(pk=version.pk)
    if locked.status != MallCatalogStatus.DRAFT:
        raise BusinessError(
            f"第 {locked.number} 版{locked.get_status_display()}，已冻结，不能修改。请新建草稿后在草稿中修改",
            field="version",
            code="state",
        )
    return locked


def _item_values(item: MallItem) -> dict:
    """What an audit entry shows of an item: codes with names, not ids."""
    return {
        "local_code": item.local_code,
        "local_name": item.local_name,
        "aliases": item.aliases,
        "category": f"{item.category.code} {item.category.name}" if item.category_id else "",
        "group": f"{item.group.code} {item.group.name}" if item.group_id else "",
        "remark": item.remark,
    }


# --- Versions --------------------------------------------------------------------------------


def mall_catalog_create_draft(*, subsite: Subsite, copy_published: bool = True, note: str = "") -> MallCatalogVersion:
    """A new draft for the sub-site: empty, or a copy of the version in force. One draft at a
    time; it maps to the current edition of the national catalog."""
    problem = text_error(note, max_length=200)
    if problem:
        raise BusinessError(f"说明{problem}", field="note")
    with transaction.atomic():
        Subsite.objects.select_for_update().get(pk=subsite.pk)  # serialises two creations
        existing = MallCatalogVersion.objects.filter(subsite=subsite, status=MallCatalogStatus.DRAFT).first()
        if existing is not None:
            raise BusinessError(f"已有草稿第 {existing.number} 版，请继续编辑它，或删除后再新建", field="version", code="state")
        base = published_mall_catalog(subsite) if copy_published else None
        if copy_published and base is None:
            raise BusinessError("本分站还没有已发布的版本可以复制，请新建空白草稿", field="copy_published", code="state")
        number = (MallCatalogVersion.objects.filter(subsite=subsite).aggregate(n=Max("number"))["n"] or 0) + 1
        version = MallCatalogVersion.objects.create(subsite=subsite, number=number, edition=current_edition(), note=note, based_on=base)
        copied = 0
        if base is not None:
            items = [
                MallItem(
                    version=version, local_code=i.local_code, local_name=i.local_name, aliases=i.aliases,
                    category_id=i.category_id, group_id=i.group_id, remark=i.remark,
                )
                for i in base.items.all()
            ]  # fmt: skip
            MallItem.objects.bulk_create(items, batch_size=500)
            copied = len(items)
        record(
            Action.CREATE,
            version,
            changes={"number": [None, number], "edition": [None, version.edition.code], "based_on": [None, base.number if base else None], "items": [None, copied]},
            message=f"新建草稿第 {number} 版" + (f"，复制第 {base.number} 版的 {copied} 个品目" if base else "（空白）"),
        )
    return version


def mall_catalog_discard(*, version: MallCatalogVersion) -> None:
    """Delete a draft and its items (published and superseded versions are kept for ever)."""
    with transaction.atomic():
        locked = _lock_draft(version)
        count = locked.items.count()
        record(Action.DELETE, locked, changes={"items": [count, 0]}, message=f"删除草稿第 {locked.number} 版（{count} 个品目）")
        locked.items.all().delete()
        locked.delete()


def mall_catalog_publish(*, version: MallCatalogVersion) -> MallCatalogVersion:
    """Publish a draft whose validation report has no error: it is frozen from then on and
    the version in force becomes superseded. Refused with the report otherwise."""
    with transaction.atomic():
        # Lock the sub-site's versions in a fixed order: a concurrent edit or publication waits.
        versions = list(MallCatalogVersion.objects.select_for_update().filter(subsite_id=version.subsite_id).order_by("pk"))
        locked = _lock_draft(version)
        report = mall_catalog_validate(locked)
        if not report.ok:
            raise CatalogNotPublishable(locked, report)
        current = next((v for v in versions if v.status == MallCatalogStatus.PUBLISHED), None)
        if current is not None:
            transition(current, MallCatalogStatus.SUPERSEDED, machine=MALL_CATALOG_MACHINE, reason=f"被第 {locked.number} 版替代")
        transition(
            locked,
            MallCatalogStatus.PUBLISHED,
            machine=MALL_CATALOG_MACHINE,
            reason=f"发布第 {locked.number} 版（{report.item_count} 个品目）" + (f"，替代第 {current.number} 版" if current else ""),
            extra_fields={"published_at": timezone.now()},
        )
    return locked


def mall_catalog_change_edition(*, version: MallCatalogVersion, edition: CatalogEdition) -> dict:
    """Move a draft to another edition of the national catalog. An item whose provincial item
    has the same code *and* name in the new edition follows it; every other item keeps its old
    item and shows as dangling until someone maps it again (codes changed meaning between
    editions, DOMAIN.md §3)."""
    with transaction.atomic():
        locked = _lock_draft(version)
        if locked.edition_id == edition.pk:
            return {"moved": 0, "dangling": 0}
        old = locked.edition
        items = list(locked.items.select_related("category", "group"))
        wanted = {c.code for i in items for c in (i.category, i.group) if c is not None}
        target = {c.code: c for c in Category.objects.filter(edition=edition, code__in=wanted)}
        moved, dangling = [], []
        for item in items:
            for name in ("category", "group"):
                cat = getattr(item, name)
                if cat is None or cat.edition_id == edition.pk:
                    continue
                twin = target.get(cat.code)
                if twin is not None and twin.name == cat.name:
                    setattr(item, name, twin)
            if item.category is not None and item.category.edition_id != edition.pk:
                dangling.append(item.local_code)
            else:
                moved.append(item.local_code)
        MallItem.objects.bulk_update(items, ["category", "group"], batch_size=500)
        locked.edition = edition
        locked.save(update_fields=["edition", "updated_at"])
        record(
            Action.UPDATE,
            locked,
            changes={"edition": [old.code, edition.code], "dangling": [None, dangling]},
            message=f"对照目录由 {old.code} 版改为 {edition.code} 版：{len(moved)} 个品目沿用，{len(dangling)} 个需重新对照",
        )
    return {"moved": len(moved), "dangling": len(dangling)}


# --- Items -----------------------------------------------------------------------------------


@dataclass
class ItemData:
    local_code: str
    local_name: str
    aliases: str = ""
    category_code: str = ""
    group_code: str = ""
    remark: str = ""


def _clean_item(version: MallCatalogVersion, data: ItemData, *, exclude_pk: int | None = None) -> dict:
    """Checked values of an item, or the first problem as a BusinessError naming its field."""
    code = data.local_code.strip().upper()
    problem = local_code_error(code)
    if problem:
        raise BusinessError(f"本地品目编码{problem}", field="local_code")
    clash = version.items.filter(local_code=code).exclude(pk=exclude_pk).first()
    if clash is not None:
        raise BusinessError(f"本地品目编码 {code} 已被「{clash.local_name}」使用，同一版本内编码不能重复", field="local_code")
    name = data.local_name.strip()
    problem = text_error(name, max_length=100, required=True)
    if problem:
        raise BusinessError(f"本地品目名称{problem}", field="local_name")
    aliases = list(dict.fromkeys(a for a in ALIAS_SPLIT.split(data.aliases.strip()) if a))
    if any(a == name for a in aliases):
        raise BusinessError("别名不必重复本地品目名称", field="aliases")
    alias_text = "、".join(aliases)
    problem = text_error(alias_text, max_length=300) or next((FORMULA_RULE for a in aliases if a.startswith(FORMULA_START)), None)
    if problem:
        raise BusinessError(f"别名{problem}", field="aliases")
    remark = data.remark.strip()
    problem = text_error(remark, max_length=200)
    if problem:
        raise BusinessError(f"备注{problem}", field="remark")
    category = None
    cat_code = data.category_code.strip().upper()
    if cat_code:
        category = find_category(version.edition, cat_code)
        if category is None:
            raise BusinessError(f"省品目编码 {cat_code} 不在{version.edition.code}版品目目录中，请用搜索选择", field="category_code")
    group = None
    group_code = data.group_code.strip().upper()
    if group_code:
        group = find_category(version.edition, group_code)
        if group is None:
            raise BusinessError(f"二级品目编码 {group_code} 不在{version.edition.code}版品目目录中", field="group_code")
    elif category is not None:
        group = cap_category(category)
    return {"local_code": code, "local_name": name, "aliases": alias_text, "category": category, "group": group, "remark": remark}


def mall_item_add(*, version: MallCatalogVersion, data: ItemData) -> MallItem:
    """Add an item to a draft. The group defaults to the provincial item's level-2 category."""
    with transaction.atomic():
        locked = _lock_draft(version)
        values = _clean_item(locked, data)
        item = MallItem.objects.create(version=locked, **values)
        record(Action.CREATE, item, changes={k: [None, v] for k, v in _item_values(item).items() if v}, message=f"草稿第 {locked.number} 版新增品目 {item.local_code} {item.local_name}")
    return item


def mall_item_update(*, item: MallItem, data: ItemData) -> MallItem:
    with transaction.atomic():
        locked = _lock_draft(item.version)
        item = MallItem.objects.select_for_update(of=("self",)).select_related("category", "group").get(pk=item.pk, version=locked)
        before = _item_values(item)
        values = _clean_item(locked, data, exclude_pk=item.pk)
        for name, value in values.items():
            setattr(item, name, value)
        item.save()
        after = _item_values(item)
        changes = {k: [before[k], after[k]] for k in before if before[k] != after[k]}
        if changes:
            record(Action.UPDATE, item, changes=changes, message=f"草稿第 {locked.number} 版修改品目 {item.local_code} {item.local_name}")
    return item


def mall_item_remove(*, item: MallItem) -> None:
    with transaction.atomic():
        locked = _lock_draft(item.version)
        item = MallItem.objects.select_related("category", "group").get(pk=item.pk, version=locked)
        record(Action.DELETE, item, changes={k: [v, None] for k, v in _item_values(item).items() if v}, message=f"草稿第 {locked.number} 版删除品目 {item.local_code} {item.local_name}")
        item.delete()


# --- Import ----------------------------------------------------------------------------------


class ImportMode:
    MERGE = "merge"  # add new local codes, update the others, keep items the file does not name
    REPLACE = "replace"  # the file is the whole mapping table: items it does not name are removed

    choices = [
        (MERGE, "合并：新增和更新文件中的品目，保留文件中没有的品目"),
        (REPLACE, "替换：以文件为完整对照表，删除文件中没有的品目"),
    ]


@dataclass
class ImportResult:
    added: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    unchanged: int = 0
    kept: int = 0  # merge: items the file does not name, left as they were

    def summary(self) -> str:
        text = f"新增 {len(self.added)} 个、更新 {len(self.updated)} 个、删除 {len(self.removed)} 个、未变 {self.unchanged} 个"
        return text + (f"；文件中没有的 {self.kept} 个品目保留不变" if self.kept else "")


def mall_catalog_import(*, version: MallCatalogVersion, data: bytes, filename: str, mode: str = ImportMode.MERGE) -> ImportResult:
    """Read a mapping table (XLSX or CSV) into a draft, whole or not at all.

    Rows are matched to items by local code: the name, provincial item and remark come from
    the file; aliases stay; the group is derived again when the provincial item changes.
    Raises `MappingImportError` naming every bad row and column; nothing is written then."""
    if mode not in (ImportMode.MERGE, ImportMode.REPLACE):
        raise BusinessError("请选择导入方式", field="mode")
    rows = parse_mapping(data, filename, edition=version.edition)
    result = ImportResult()
    with transaction.atomic():
        locked = _lock_draft(version)
        if locked.edition_id != version.edition_id:  # moved to another edition meanwhile: check again
            rows = parse_mapping(data, filename, edition=locked.edition)
        existing = {i.local_code: i for i in locked.items.select_related("category", "group")}
        # Each provincial item's level-2 group, all in one query.
        wanted = {cap_code_of(r.category) for r in rows if r.category is not None}
        groups = {c.code: c for c in Category.objects.filter(edition=locked.edition, code__in=wanted)}
        to_create, to_update = [], []
        for row in rows:
            group = groups[cap_code_of(row.category)] if row.category is not None else None
            item = existing.get(row.local_code)
            if item is None:
                to_create.append(
                    MallItem(version=locked, local_code=row.local_code, local_name=row.local_name, category=row.category, group=group, remark=row.remark)
                )
                result.added.append(row.local_code)
                continue
            new_group = item.group if row.category is not None and item.category_id == row.category.pk else group
            if (item.local_name, item.category_id, item.group_id, item.remark) == (
                row.local_name, row.category.pk if row.category else None, new_group.pk if new_group else None, row.remark,
            ):  # fmt: skip
                result.unchanged += 1
                continue
            item.local_name, item.category, item.group, item.remark = row.local_name, row.category, new_group, row.remark
            to_update.append(item)
            result.updated.append(row.local_code)
        MallItem.objects.bulk_create(to_create, batch_size=500)
        MallItem.objects.bulk_update(to_update, ["local_name", "category", "group", "remark"], batch_size=500)
        named = {r.local_code for r in rows}
        absent = sorted(code for code in existing if code not in named)
        if mode == ImportMode.REPLACE:
            result.removed = absent
            locked.items.filter(local_code__in=result.removed).delete()
        else:
            result.kept = len(absent)
        locked.save(update_fields=["updated_at"])
        record(
            Action.IMPORT,
            locked,
            changes={"added": [None, result.added], "updated": [None, result.updated], "removed": [result.removed, None] if result.removed else [None, []]},
            message=f"导入对照表 {filename}（{'替换' if mode == ImportMode.REPLACE else '合并'}）：{result.summary()}",
        )
    return result
