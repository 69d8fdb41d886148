"""The search interface, run on whichever database the suite uses (SQLite by default,
PostgreSQL with DATABASE_URL): segmentation, pinyin, initials, synonyms, filters, sorting,
highlighting, paging, hostile queries and index sync."""

from decimal import Decimal

import pytest

from govmall.products import search, services
from govmall.products.models import EnterpriseSize, SearchDoc
from govmall.products.search import Filters, backend
from govmall.products.search.text import Segmenter, index_tokens
from govmall.testing import weihai

from .conftest import make_listing, supplier_org

pytestmark = pytest.mark.django_db


def run(q="", **kw):
    kw.setdefault("hide_overpriced", True)
    return search.search(subsite_id=weihai().pk, q=q, **kw)


PAPER = {"paper_size": "A4", "grammage": "70g", "pack": "500张/包 5包/箱"}
CHAIR = {"material": "网布", "dimensions": "600×600×1050"}
LAPTOP = LAPTOP_SPECS = {"cpu": "英特尔 酷睿 i5-1240P", "memory": "16GB", "storage": "512GB 固态硬盘", "screen": "14", "os": "统信UOS"}


@pytest.fixture
def shelf(supplier):
    """A small shelf: desktops, a laptop, paper, a chair, from two suppliers."""
    other = supplier_org(name="威海蓝海信息技术有限公司", region_code="371003", size=EnterpriseSize.LARGE)
    items = {
        "lenovo": make_listing(supplier, brand="联想", title="联想 启天M450 台式计算机 i5/16G/512G", price="4999.00", sales=120, regions=("371002",)),
        "huawei": make_listing(supplier, brand="华为", title="华为 擎云B730 台式计算机 i7/16G/1T", price="6999.00", sales=5, regions=("371000",)),
        "laptop": make_listing(other, code="A02010108", brand="联想", title="联想 ThinkPad E14 便携式计算机", price="5599.00", specs=LAPTOP, sales=60),
        "paper": make_listing(supplier, code="A05040101", brand="得力", title="得力 A4 复印纸 70g 5包/箱", price="129.00", specs=PAPER, energy=False, env=True, sales=900),
        "chair": make_listing(other, code="A05010301", brand="永艺", title="永艺 网布办公椅 人体工学", price="899.00", specs=CHAIR, energy=False, sales=30),
    }
    return {k: v.pk for k, v in items.items()}


def test_search_mode_segmentation_indexes_words_and_their_parts():
    seg = Segmenter()
    seg.load(["台式计算机"])
    assert index_tokens(seg, "联想台式计算机 i5-12400") == ["联想", "台式", "计算", "算机", "计算机", "台式计算机", "i5", "12400"]
    assert index_tokens(seg, "ＡＢＣ１２") == ["abc12"]  # full width → half width, lower case


def test_a_chinese_word_finds_the_listings(shelf):
    r = run("台式计算机")
    assert set(r.ids) == {shelf["lenovo"], shelf["huawei"]}
    assert r.ids[0] == shelf["lenovo"]  # same text match: the better static rank (sales) first


def test_a_brand_and_a_category_together(shelf):
    assert run("联想 台式计算机").ids == [shelf["lenovo"]]
    assert set(run("联想").ids) == {shelf["lenovo"], shelf["laptop"]}


def test_pinyin_and_initials_find_the_catalog_word(shelf):
    assert set(run("taishiji").ids) == {shelf["lenovo"], shelf["huawei"]}
    assert set(run("tsj").ids) == {shelf["lenovo"], shelf["huawei"]}
    assert set(run("lianxiang").ids) == {shelf["lenovo"], shelf["laptop"]}


def test_synonyms_and_mall_aliases(shelf):
    assert run("笔记本").ids == [shelf["laptop"]]  # alias of 便携式计算机 in the mall catalog
    assert run("笔记本电脑").ids == [shelf["laptop"]]
    assert run("打印纸").ids == [shelf["paper"]]
    assert set(run("台式机").ids) == {shelf["lenovo"], shelf["huawei"]}


def test_a_single_character_matches_words_ending_with_it(shelf):
    assert shelf["paper"] in run("纸").ids


def test_filters(shelf):
    assert set(run("", filters=Filters(category_code="A02010100")).ids) == {shelf["lenovo"], shelf["huawei"], shelf["laptop"]}
    assert set(run("", filters=Filters(price_min=Decimal("800"), price_max=Decimal("5000"))).ids) == {shelf["lenovo"], shelf["chair"]}
    assert run("", filters=Filters(price_min=Decimal("899.01"), price_max=Decimal("4999"))).ids == [shelf["lenovo"]]
    assert run("", filters=Filters(green="environmental")).ids == [shelf["paper"]]
    assert set(run("", filters=Filters(green="energy")).ids) == {shelf["lenovo"], shelf["huawei"], shelf["laptop"]}
    assert set(run("", filters=Filters(sme=True)).ids) == {shelf["lenovo"], shelf["huawei"], shelf["paper"]}
    # Delivery area 环翠区 371002: the listing for 环翠区 and those for the whole city.
    hc = ("370000", "371000", "371002")
    assert shelf["lenovo"] in run("", filters=Filters(area_codes=hc)).ids
    assert shelf["huawei"] in run("", filters=Filters(area_codes=hc)).ids
    wd = ("370000", "371000", "371003")
    assert shelf["lenovo"] not in run("", filters=Filters(area_codes=wd)).ids
    brand = SearchDoc.objects.get(listing_id=shelf["huawei"]).listing.brand_id
    assert run("计算机", filters=Filters(brand_ids=(brand,))).ids == [shelf["huawei"]]


def test_sorting(shelf):
    assert run("", sort="price").ids == [shelf["paper"], shelf["chair"], shelf["lenovo"], shelf["laptop"], shelf["huawei"]]
    assert run("", sort="-price").ids == [shelf["huawei"], shelf["laptop"], shelf["lenovo"], shelf["chair"], shelf["paper"]]
    assert run("", sort="-sales").ids == [shelf["paper"], shelf["lenovo"], shelf["laptop"], shelf["chair"], shelf["huawei"]]
    assert run("", sort="'; DROP TABLE x").ids  # an unknown sort is relevance


def test_highlighting_marks_matches_and_escapes_the_rest(shelf):
    r = run("tsj")
    assert r.highlight("联想 启天 台式计算机 <b>") == "联想 启天 <mark>台式计算机</mark> &lt;b&gt;"
    assert run("i5").highlight("i5 php5 I5") == "<mark>i5</mark> php5 <mark>I5</mark>"


def test_paging(supplier):
    for i in range(45):
        make_listing(supplier, brand="联想", model=f"P{i:03d}", title=f"联想 P{i:03d} 台式计算机", sales=i)
    pages = [run("台式计算机", page=p) for p in (1, 2, 3)]
    assert [len(p.ids) for p in pages] == [20, 20, 5]
    assert pages[0].total == 45 and pages[0].num_pages == 3
    assert len({i for p in pages for i in p.ids}) == 45
    assert run("台式计算机", page=99).page == 3
    assert run("台式计算机", page=-4).page == 1


@pytest.mark.parametrize(
    "q",
    ["", "x" * 500, "<script>alert(1)</script>", '"', "*", "NEAR", "'", "\"NEAR(a b)\" OR *", "联想' OR 1=1 --", "a:b {name}:x", "\\", "!&|()", "\x00\x1f", "😀😀"],
)
def test_hostile_queries_return_a_normal_result(shelf, q):
    r = run(q)
    assert r.page == 1
    assert isinstance(r.ids, list)


def test_relaxed_query_drops_words_that_match_nothing(shelf):
    r = run("联想 不存在的词汇甲乙丙")
    assert set(r.ids) == {shelf["lenovo"], shelf["laptop"]}
    assert r.dropped


def test_the_index_follows_every_listing_change(shelf):
    from govmall.products.models import Listing

    lenovo = Listing.objects.get(pk=shelf["lenovo"])
    services.listing_update(listing=lenovo, data={"title": "联想 启天M450 台式计算机 商务办公"})
    assert run("商务").ids == [lenovo.pk]
    services.listing_delist(listing=lenovo)
    assert run("商务").ids == []
    assert lenovo.pk not in run("台式计算机").ids
    assert SearchDoc.objects.filter(listing_id=lenovo.pk).count() == 0
    assert backend().row_count() == 4


def test_rebuild_gives_the_same_results(shelf):
    before = {q: run(q).ids for q in ("台式计算机", "联想", "tsj", "")}
    assert search.rebuild() == 5
    assert {q: run(q).ids for q in before} == before


def test_other_sub_sites_listings_do_not_show(shelf):
    from govmall.subsites.models import Subsite

    other = Subsite.objects.exclude(pk=weihai().pk).first()
    assert search.search(subsite_id=other.pk, q="台式计算机").ids == []


def test_suggestions_by_prefix_and_pinyin(shelf):
    assert "台式计算机" in search.suggestions("台式")
    assert "台式机" in search.suggestions("tsj")
    assert search.suggestions("<>") == []


def test_price_and_sales_sorts_are_exact_across_buckets_and_pages(supplier):
    prices = [Decimal(p) for p in ("99.00", "101.00", "150.00", "150.50", "999.00", "1000.00", "1001.00", "2400.00", "5999.00", "6000.00",
                                   "120.00", "130.00", "3500.00", "4100.00", "4999.00", "5000.00", "7500.00", "8800.00", "9999.00", "12000.00",
                                   "15000.00", "100.00", "102.00", "5500.00", "6100.00")]  # fmt: skip
    made = [make_listing(supplier, brand="联想", model=f"S{i:03d}", title=f"联想 S{i:03d} 台式计算机", price=str(p), sales=(i * 37) % 50) for i, p in enumerate(prices)]
    by_price = [x.pk for x in sorted(made, key=lambda x: (x.price, x.pk))]
    got = run("台式计算机", sort="price").ids + run("台式计算机", sort="price", page=2).ids
    assert [p for p in got] == by_price
    assert run("台式计算机", sort="-price").ids == [x.pk for x in sorted(made, key=lambda x: (-x.price, x.pk))][:20]
    from govmall.products.models import Listing

    sales = dict(Listing.objects.filter(pk__in=[x.pk for x in made]).values_list("pk", "sales_count"))
    got_sales = [sales[i] for i in run("台式计算机", sort="-sales").ids]
    assert got_sales == sorted(sales.values(), reverse=True)[:20]
    assert run("台式计算机", sort="price", filters=Filters(price_min=Decimal("1000"), price_max=Decimal("5000"))).ids == [
        x.pk for x in sorted(made, key=lambda x: (x.price, x.pk)) if Decimal("1000") <= x.price <= Decimal("5000")
    ]


def test_search_statements_are_planned_with_their_words_while_repeated_lookups_are_prepared(shelf):
    """On PostgreSQL the app's cursors bind on the server, so a statement a connection repeats
    is prepared (planned once); the search's tier statements bind on the client and never are,
    so each is planned with its words and filters."""
    from django.db import connection

    from govmall.products.models import Listing

    if connection.vendor != "postgresql":
        pytest.skip("PostgreSQL only")
    for _ in range(8):
        run("台式计算机")
        list(Listing.objects.filter(pk=shelf["paper"]).values_list("title", flat=True))
    with connection.cursor() as cur:
        cur.execute("SELECT statement FROM pg_prepared_statements")
        prepared = [r[0] for r in cur.fetchall()]
    assert any('FROM "products_listing"' in s and "$1" in s for s in prepared)
    tier_statements = [s for s in prepared if "products_searchdoc WHERE tier = " in s or "ts_rank(" in s]
    assert tier_statements == []
