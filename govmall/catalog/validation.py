"""The validation report of a mall catalog version (商城品目目录校验报告).

Errors block publication; warnings are shown but do not. The kinds, precisely:

- **empty** (目录为空): the version has no item.
- **unmapped** (未对照): an item has no provincial item.
- **doubly_mapped** (重复对照): two or more local items carry the same provincial item. The
  mapping must be one-to-one: the province counts by provincial code and the mall resolves a
  product's category to exactly one local item (`selectors.mall_item_for`); a local
  distinction finer than the provincial item is written as an alias. (Inside an import file,
  one local code with two provincial codes is refused row by row: `mapping.py`.)
- **dangling** (悬空对照): the provincial item, or the group, belongs to another edition of
  the national catalog than the one the version maps to (after the draft moved to a new
  edition, or copied from a version on an older one). Codes changed between editions
  (DOMAIN.md §3), so such an item must be mapped again, never matched by code alone.
- **out_of_scope** (超出商城范围): the provincial item is not something the mall carries —
  a works item (B, procured by tender under the Tendering Law), an item in a branch the mall
  excludes (`EXCLUDED_BRANCHES`: real estate A01, cultural relics A03, special animals and
  plants A06, PPP services C24; a deployment may set `MALL_CATALOG_EXCLUDED_BRANCHES`), or a
  non-leaf item (a mapping must name the most specific item, 末级品目).
- **wrong_group** (二级品目不符): the group is missing or is not the item's level-2 ancestor
  (二级品目, `CAP_CATEGORY_LEVEL`), which the annual caps count on.

Warnings: **alias_clash** (别名冲突) — one alias, or an alias and a local name, shared by two
items (search synonyms would be ambiguous); **name_clash** (名称重复) — two items with the same
local name.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import asdict, dataclass, field

from django.conf import settings
from django.db import models
from django.utils import timezone

from govmall.catalog.models import CatalogEdition, Category, MallCatalogVersion
from govmall.catalog.selectors import cap_code_of

EXCLUDED_BRANCHES = {
    "B": "工程类品目依法通过招标投标采购，不在网上商城采购",
    "A01": "房屋和构筑物属不动产，不在网上商城采购",
    "A03": "文物和陈列品不在网上商城采购",
    "A06": "特种动植物不在网上商城采购",
    "C24": "政府和社会资本合作服务不在网上商城采购",
}


def excluded_branches() -> dict[str, str]:
    return getattr(settings, "MALL_CATALOG_EXCLUDED_BRANCHES", EXCLUDED_BRANCHES)


class ProblemKind(models.TextChoices):
    EMPTY = "empty", "目录为空"
    UNMAPPED = "unmapped", "未对照"
    DOUBLY_MAPPED = "doubly_mapped", "重复对照"
    DANGLING = "dangling", "悬空对照"
    OUT_OF_SCOPE = "out_of_scope", "超出商城范围"
    WRONG_GROUP = "wrong_group", "二级品目不符"
    ALIAS_CLASH = "alias_clash", "别名冲突"
    NAME_CLASH = "name_clash", "名称重复"


ERROR_KINDS = (
    ProblemKind.EMPTY, ProblemKind.UNMAPPED, ProblemKind.DOUBLY_MAPPED, ProblemKind.DANGLING,
    ProblemKind.OUT_OF_SCOPE, ProblemKind.WRONG_GROUP,
)  # fmt: skip
WARNING_KINDS = (ProblemKind.ALIAS_CLASH, ProblemKind.NAME_CLASH)


@dataclass(frozen=True)
class Problem:
    kind: str
    message: str
    local_code: str = ""
    local_name: str = ""
    item_id: int | None = None
    detail: str = ""  # a finer reason: works / branch / not_leaf / missing / mismatch / category / group

    @property
    def is_error(self) -> bool:
        return self.kind in ERROR_KINDS

    @property
    def kind_label(self) -> str:
        return ProblemKind(self.kind).label


@dataclass
class ValidationReport:
    version_id: int
    version_number: int
    edition_code: str
    item_count: int
    problems: list[Problem] = field(default_factory=list)
    checked_at: object = None

    @property
    def errors(self) -> list[Problem]:
        return [p for p in self.problems if p.is_error]

    @property
    def warnings(self) -> list[Problem]:
        return [p for p in self.problems if not p.is_error]

    @property
    def ok(self) -> bool:
        return not self.errors

    def of_kind(self, kind: str) -> list[Problem]:
        return [p for p in self.problems if p.kind == kind]

    def counts(self) -> dict[str, int]:
        """Every kind with its number of problems (zeros included), errors first."""
        return {k.value: len(self.of_kind(k)) for k in (*ERROR_KINDS, *WARNING_KINDS)}

    def sections(self) -> list[dict]:
        return [
            {"kind": k.value, "label": k.label, "is_error": k in ERROR_KINDS, "problems": self.of_kind(k)}
            for k in (*ERROR_KINDS, *WARNING_KINDS)
        ]

    def summary(self) -> str:
        if not self.problems:
            return f"共 {self.item_count} 个品目，未发现问题"
        parts = [f"{ProblemKind(k).label} {n}" for k, n in self.counts().items() if n]
        return f"共 {self.item_count} 个品目，{len(self.errors)} 个错误、{len(self.warnings)} 个提示（{'、'.join(parts)}）"

    def as_dict(self) -> dict:
        return {
            "version_id": self.version_id,
            "version_number": self.version_number,
            "edition": self.edition_code,
            "item_count": self.item_count,
            "ok": self.ok,
            "error_count": len(self.errors),
            "warning_count": len(self.warnings),
            "counts": self.counts(),
            "problems": [{**asdict(p), "severity": "error" if p.is_error else "warning"} for p in self.problems],
        }


def _label(cat: Category) -> str:
    return f"{cat.code} {cat.name}"


def mall_catalog_validate(version: MallCatalogVersion) -> ValidationReport:
    """Check every item of a version; list every problem by kind (see the module docstring)."""
    # Only the columns the checks read: loading thousands of items is most of the cost.
    cat_fields = ("code", "name", "level", "kind", "is_leaf", "path", "edition_id")
    items = list(
        version.items.select_related("category", "group")
        .only("local_code", "local_name", "aliases", "version_id", *(f"category__{f}" for f in cat_fields), *(f"group__{f}" for f in cat_fields))
        .order_by("local_code")
    )
    edition = version.edition
    edition_codes = dict(CatalogEdition.objects.values_list("pk", "code"))
    report = ValidationReport(version.pk, version.number, edition.code, len(items), checked_at=timezone.now())
    add = report.problems.append
    if not items:
        add(Problem(ProblemKind.EMPTY, "目录中没有品目，至少需要一个品目才能发布"))
        return report

    # The expected level-2 groups, and an example child for each non-leaf item, in two queries.
    in_edition = [i for i in items if i.category is not None and i.category.edition_id == edition.pk]
    expected_codes = {cap_code_of(i.category) for i in in_edition}
    groups = {c.code: c for c in Category.objects.filter(edition=edition, code__in=expected_codes)}
    non_leaf = [i.category.pk for i in in_edition if not i.category.is_leaf]
    first_child: dict[int, Category] = {}
    for child in Category.objects.filter(parent_id__in=non_leaf, is_leaf=True).order_by("code"):
        first_child.setdefault(child.parent_id, child)
    branches = excluded_branches()

    by_category: dict[int, list] = defaultdict(list)
    for item in items:
        who = {"local_code": item.local_code, "local_name": item.local_name, "item_id": item.pk}
        cat = item.category
        if cat is None:
            add(Problem(ProblemKind.UNMAPPED, "未对应省品目。每个本地品目须对应且只对应一个省品目", **who))
            continue
        by_category[cat.pk].append(item)
        if cat.edition_id != edition.pk:
            add(
                Problem(
                    ProblemKind.DANGLING,
                    f"对应省品目 {_label(cat)} 属于 {edition_codes[cat.edition_id]} 版目录，不在本版本对照的 {edition.code} 版目录中；"
                    f"两版编码含义不同，请按 {edition.code} 版重新选择",
                    detail="category",
                    **who,
                )
            )
            continue
        prefix = next((p for p in sorted(branches, key=len, reverse=True) if cat.code.startswith(p)), None)
        if prefix is not None:
            detail = "works" if cat.kind == "works" else "branch"
            add(Problem(ProblemKind.OUT_OF_SCOPE, f"对应省品目 {_label(cat)} 超出商城范围：{branches[prefix]}", detail=detail, **who))
        elif not cat.is_leaf:
            child = first_child.get(cat.pk)
            example = f"（如 {_label(child)}）" if child else ""
            add(Problem(ProblemKind.OUT_OF_SCOPE, f"对应省品目 {_label(cat)} 不是末级品目，请改为其下级的末级品目{example}", detail="not_leaf", **who))
        expected = groups.get(cap_code_of(cat))
        expected_text = _label(expected) if expected else cap_code_of(cat)
        group = item.group
        if group is None:
            add(Problem(ProblemKind.WRONG_GROUP, f"未设二级品目，应为 {expected_text}", detail="missing", **who))
        elif group.edition_id != edition.pk:
            add(
                Problem(
                    ProblemKind.DANGLING,
                    f"二级品目 {_label(group)} 属于 {edition_codes[group.edition_id]} 版目录，应为 {edition.code} 版的 {expected_text}",
                    detail="group",
                    **who,
                )
            )
        elif group.code != cap_code_of(cat):
            add(
                Problem(
                    ProblemKind.WRONG_GROUP,
                    f"二级品目 {_label(group)} 不是 {_label(cat)} 的上级二级品目，应为 {expected_text}（年度限额按二级品目累计）",
                    detail="mismatch",
                    **who,
                )
            )

    for mapped in by_category.values():
        if len(mapped) < 2:
            continue
        cat = mapped[0].category
        codes = "、".join(f"{i.local_code} {i.local_name}" for i in mapped)
        for item in mapped:
            add(
                Problem(
                    ProblemKind.DOUBLY_MAPPED,
                    f"{codes} 都对应省品目 {_label(cat)}。一个省品目只能由一个本地品目对应，细分的叫法请写作别名",
                    local_code=item.local_code,
                    local_name=item.local_name,
                    item_id=item.pk,
                )
            )

    # Warnings: names and aliases are search synonyms; one word must lead to one item.
    owners: dict[str, list] = defaultdict(list)
    names: dict[str, list] = defaultdict(list)
    for item in items:
        names[item.local_name].append(item)
        for alias in dict.fromkeys(item.alias_list()):
            owners[alias].append(item)
    for name, same in names.items():
        if len(same) > 1:
            codes = "、".join(i.local_code for i in same)
            for item in same:
                add(Problem(ProblemKind.NAME_CLASH, f"本地品目名称「{name}」在 {codes} 中重复", item.local_code, item.local_name, item.pk))
    for alias, holders in owners.items():
        clash = [i for i in holders] + [i for i in names.get(alias, []) if i not in holders]
        if len(clash) > 1:
            codes = "、".join(f"{i.local_code} {i.local_name}" for i in clash)
            for item in holders:
                add(Problem(ProblemKind.ALIAS_CLASH, f"别名「{alias}」同时指向 {codes}，搜索时会有歧义", item.local_code, item.local_name, item.pk))
    order = {k: n for n, k in enumerate((*ERROR_KINDS, *WARNING_KINDS))}
    report.problems.sort(key=lambda p: (order[p.kind], p.local_code))
    return report
