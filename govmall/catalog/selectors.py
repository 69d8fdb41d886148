from dataclasses import dataclass, field

from django.conf import settings

from govmall.catalog.models import CatalogEdition, Category
from govmall.core.memo import ProcessCache


def current_edition() -> CatalogEdition:
    return CatalogEdition.objects.get(is_current=True)


def category_by_code(code: str, edition: CatalogEdition | None = None) -> Category:
    return Category.objects.get(edition=edition or current_edition(), code=code)


def cap_category(category: Category) -> Category:
    """The category that annual caps are counted on (二级品目): the ancestor at
    settings.CAP_CATEGORY_LEVEL (3 = e.g. A0201 信息化设备), or the category itself when it is
    at or above that level."""
    if category.level <= settings.CAP_CATEGORY_LEVEL:
        return category
    return Category.objects.get(edition_id=category.edition_id, code=cap_code_of(category))


cap_ids = ProcessCache("cap-category-ids", max_entries=4096)  # emptied when a category changes (apps.py)


def cap_category_id(category: Category) -> int:
    """cap_category(category).pk, kept per process (core.memo): the cart groups its items by it."""
    level = settings.CAP_CATEGORY_LEVEL
    if category.level <= level:
        return category.pk
    code = cap_code_of(category)
    return cap_ids.get((category.edition_id, code), lambda: Category.objects.filter(edition_id=category.edition_id, code=code).values_list("pk", flat=True).get())


def cap_categories(edition: CatalogEdition | None = None):
    return Category.objects.filter(edition=edition or current_edition(), level=settings.CAP_CATEGORY_LEVEL)


def published_mall_catalog(subsite):
    """The sub-site's mall catalog version in force (None before the first publication)."""
    from govmall.catalog.models import MallCatalogStatus, MallCatalogVersion

    return MallCatalogVersion.objects.filter(subsite=subsite, status=MallCatalogStatus.PUBLISHED).order_by("-number").first()


def listable_categories(subsite):
    """National categories a supplier may list under on this sub-site: those the published
    mall catalog carries (mapped items only)."""
    version = published_mall_catalog(subsite)
    if version is None:
        return Category.objects.none()
    return Category.objects.filter(mall_items__version=version).distinct()


def mall_item_for(subsite, category):
    """The published mall item that carries a national category, or None."""
    version = published_mall_catalog(subsite)
    if version is None:
        return None
    return version.items.filter(category=category).select_related("group").first()


def cap_code_of(category: Category) -> str:
    """The code of `category`'s level-2 category (二级品目) without a query: read from its path."""
    level = settings.CAP_CATEGORY_LEVEL
    if category.level <= level:
        return category.code
    return category.path.strip("/").split("/")[level - 1]


# --- Mall catalog versions ------------------------------------------------------------------


def draft_mall_catalog(subsite):
    """The sub-site's draft being edited (at most one), or None."""
    from govmall.catalog.models import MallCatalogStatus, MallCatalogVersion

    return MallCatalogVersion.objects.filter(subsite=subsite, status=MallCatalogStatus.DRAFT).first()


def mall_items(version):
    """A version's items with their provincial item and group, in local-code order."""
    return version.items.select_related("category", "category__edition", "group").order_by("local_code")


@dataclass(frozen=True)
class FieldChange:
    field: str
    label: str
    before: str
    after: str


@dataclass(frozen=True)
class ItemChange:
    local_code: str
    local_name: str
    changes: tuple[FieldChange, ...]


@dataclass
class CatalogDiff:
    """What a draft changes against the version in force (matched by local code)."""

    base: object | None  # the published version compared against, None before the first
    added: list = field(default_factory=list)  # MallItem of the draft
    removed: list = field(default_factory=list)  # MallItem of the base
    changed: list[ItemChange] = field(default_factory=list)
    unchanged: int = 0

    @property
    def is_empty(self) -> bool:
        return not (self.added or self.removed or self.changed)

    def summary(self) -> str:
        return f"新增 {len(self.added)} 个、删除 {len(self.removed)} 个、修改 {len(self.changed)} 个、未变 {self.unchanged} 个"


DIFF_FIELDS = (
    ("local_name", "本地品目名称"),
    ("aliases", "别名"),
    ("category", "对应省品目"),
    ("group", "二级品目"),
    ("remark", "备注"),
)


def _diff_value(item, name: str) -> str:
    if name in ("category", "group"):
        cat = getattr(item, name)
        if cat is None:
            return ""
        return f"{cat.code} {cat.name}" + (f"（{cat.edition.code}版）" if cat.edition_id != item.version.edition_id else "")
    if name == "aliases":
        return "、".join(item.alias_list())
    return getattr(item, name) or ""


def mall_catalog_diff(version, base=None) -> CatalogDiff:
    """Added, removed and changed items of `version` against `base` (default: the version in
    force on the same sub-site), each changed field with its value before and after."""
    if base is None:
        base = published_mall_catalog(version.subsite)
        if base is not None and base.pk == version.pk:
            base = None
    result = CatalogDiff(base=base)
    new = {i.local_code: i for i in mall_items(version).select_related("version", "group__edition")}
    old = {i.local_code: i for i in mall_items(base).select_related("version", "group__edition")} if base is not None else {}
    for code, item in new.items():
        before = old.get(code)
        if before is None:
            result.added.append(item)
            continue
        changes = []
        for name, label in DIFF_FIELDS:
            a, b = _diff_value(before, name), _diff_value(item, name)
            if a != b:
                changes.append(FieldChange(name, label, a, b))
        if changes:
            result.changed.append(ItemChange(code, item.local_name, tuple(changes)))
        else:
            result.unchanged += 1
    result.removed = [item for code, item in old.items() if code not in new]
    return result
