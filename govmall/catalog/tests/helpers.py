"""Shared set-up for the mall catalog tests: versions built through the real services."""

from __future__ import annotations

from govmall.catalog.models import CatalogEdition, Category
from govmall.catalog.national import Row, load_edition
from govmall.catalog.services import ItemData, mall_catalog_create_draft, mall_catalog_publish, mall_item_add
from govmall.core.context import Actor, acting_as
from govmall.subsites.models import Subsite

# A few real 2022 items: (local code, local name, aliases, provincial code)
BASIC = [
    ("WH-A02010105", "台式计算机", "台式机、台式电脑", "A02010105"),
    ("WH-A02010108", "便携式计算机", "笔记本、笔记本电脑", "A02010108"),
    ("WH-A05040101", "复印纸", "打印纸、A4纸", "A05040101"),
]


def weihai() -> Subsite:
    return Subsite.objects.get(code="weihai")


def actor():
    return acting_as(Actor(username="catalog-test"), source="command")


def add_items(version, items):
    with actor():
        return [
            mall_item_add(version=version, data=ItemData(local_code=code, local_name=name, aliases=aliases, category_code=prov))
            for code, name, aliases, prov in items
        ]


def draft(subsite=None, items=(), *, copy=False, note=""):
    with actor():
        version = mall_catalog_create_draft(subsite=subsite or weihai(), copy_published=copy, note=note)
    add_items(version, items)
    return version


def published(subsite=None, items=BASIC):
    version = draft(subsite, items)
    with actor():
        mall_catalog_publish(version=version)
    version.refresh_from_db()
    return version


def edition_2013() -> CatalogEdition:
    """A cut of the 2013 edition where the codes meant other things (DOMAIN.md §3):
    A02010104 was 台式计算机 (2022: 服务器), 复印纸 was A09010100 (2022: A05040101)."""
    existing = CatalogEdition.objects.filter(code="2013").first()
    if existing is not None:
        return existing
    rows = [
        Row(2, "A", "货物", ""),
        Row(3, "A02000000", "通用设备", ""),
        Row(4, "A02010000", "信息化设备", ""),  # same code and name in 2022
        Row(5, "A02010100", "计算机", ""),
        Row(6, "A02010104", "台式计算机", ""),
        Row(7, "A02010108", "便携式计算机", ""),  # same code and name in 2022
        Row(8, "A09000000", "办公消耗用品及类似物品", ""),
        Row(9, "A09010000", "纸制文具及印刷品", ""),
        Row(10, "A09010100", "复印纸", ""),
    ]
    return load_edition(CatalogEdition, Category, code="2013", name="政府采购品目分类目录（2013年印发）", document="财库〔2013〕189号", rows=rows, make_current=False)


def category(code, edition_code="2022") -> Category:
    return Category.objects.get(edition__code=edition_code, code=code)
