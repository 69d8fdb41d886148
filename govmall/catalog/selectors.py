from django.conf import settings

from govmall.catalog.models import CatalogEdition, Category


def current_edition() -> CatalogEdition:
    return CatalogEdition.objects.get(is_current=True)


def category_by_code(code: str, edition: CatalogEdition | None = None) -> Category:
    return Category.objects.get(edition=edition or current_edition(), code=code)


def cap_category(category: Category) -> Category:
    """The category that annual caps are counted on (二级品目): the ancestor at
    settings.CAP_CATEGORY_LEVEL (3 = e.g. A0201 信息化设备), or the category itself when it is
    at or above that level."""
    level = settings.CAP_CATEGORY_LEVEL
    if category.level <= level:
        return category
    code = category.path.strip("/").split("/")[level - 1]
    return Category.objects.get(edition_id=category.edition_id, code=code)


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
