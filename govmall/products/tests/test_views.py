import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from govmall.products.models import Listing, ListingImage, ReferencePrice
from govmall.testing import csrf_post, make_user, sign_in

from .conftest import cat, make_listing

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    "q",
    ["", "台" * 500, "<script>alert(1)</script>", '"', "*", "NEAR", "'", 'a" OR "b', "' OR 1=1; --", "%", "\x00"],
)
def test_bad_queries_get_a_normal_result_page(client, supplier, q):
    make_listing(supplier)
    resp = client.get("/search", {"q": q})
    assert resp.status_code == 200
    body = resp.content.decode()
    assert "共找到" in body
    assert "<script>alert(1)</script>" not in body


@pytest.mark.parametrize("params", [{"pmin": "abc", "pmax": "-5"}, {"page": "x"}, {"page": "99999999999"}, {"cat": "ZZZ"}, {"brand": ["x", "1" * 30]}, {"area": "'"}, {"sort": "<x>"}, {"green": "1"}])
def test_bad_filters_are_ignored(client, supplier, params):
    make_listing(supplier)
    assert client.get("/search", params).status_code == 200


def test_search_page_highlights_and_links_the_product(client, supplier):
    listing = make_listing(supplier, title="联想 启天M450 台式计算机 i5")
    body = client.get("/search", {"q": "tsj"}).content.decode()
    assert "<mark>台式计算机</mark>" in body
    assert f"/products/{listing.pk}/" in body


def test_home_page_has_the_search_box(client, mall):
    body = client.get("/").content.decode()
    assert 'action="/search"' in body


def test_the_storefront_can_be_switched_off(client, supplier):
    from govmall.core.context import Actor, acting_as
    from govmall.subsites.services import subsite_update_style
    from govmall.testing import weihai

    listing = make_listing(supplier)
    with acting_as(Actor(username="op")):
        subsite_update_style(subsite=weihai(), data={"features": {"storefront": False, "hide_overpriced": True}})
    assert client.get("/search").status_code == 404
    assert client.get(f"/products/{listing.pk}/").status_code == 404
    assert 'action="/search"' not in client.get("/").content.decode()


def test_compare_holds_at_most_four(client, supplier):
    ids = [make_listing(supplier, title=f"联想 台式计算机 {i}").pk for i in range(5)]
    for pk in ids:
        csrf_post(client, "/compare/add/", {"listing": pk, "next": "/search"}, form_url="/search")
    assert client.session["products_compare"] == ids[:4]
    body = client.get("/compare/").content.decode()
    assert body.count('scope="col"') == 5  # the label column and four products
    assert "内存" in body and "16GB" in body
    csrf_post(client, "/compare/remove/", {"listing": ids[0]}, form_url="/compare/")
    assert client.session["products_compare"] == ids[1:4]


def test_compare_ignores_unlisted_and_foreign_ids(client, supplier):
    draft = make_listing(supplier, status="draft")
    csrf_post(client, "/compare/add/", {"listing": draft.pk, "next": "//evil.example/"}, form_url="/search")
    assert client.session.get("products_compare", []) == []
    assert client.get("/compare/", {"ids": [draft.pk, "x", "99999"]}).status_code == 200


def test_supplier_creates_a_listing_through_the_forms(client, supplier, supplier_user):
    sign_in(client, supplier_user)
    desktop = cat("A02010105")
    form_url = f"/workspace/products/new/?category={desktop.pk}"
    assert "处理器" in client.get(form_url).content.decode()
    data = {
        "category": desktop.pk, "brand": "联想", "model": "启天M450", "title": "联想 启天M450 台式计算机", "price": "4999.00", "stock": "10",
        "delivery_days": "3", "warranty_months": "36", "warranty_terms": "", "description": "", "spec_cpu": "i5-12400", "spec_memory": "16GB",
        "spec_storage": "512GB", "spec_os": "统信UOS", "delivery_regions": [],
    }  # fmt: skip
    bad = csrf_post(client, "/workspace/products/new/", {**data, "price": "-1"}, form_url=form_url)
    assert bad.status_code == 200 and "价格应大于 0" in bad.content.decode()
    assert Listing.objects.count() == 0
    resp = csrf_post(client, "/workspace/products/new/", data, form_url=form_url)
    listing = Listing.objects.get()
    assert resp.status_code == 302 and resp["Location"] == f"/workspace/products/{listing.pk}/"
    detail = client.get(f"/workspace/products/{listing.pk}/").content.decode()
    assert "至少录入一个市场参考价" in detail
    resp = csrf_post(client, f"/workspace/products/{listing.pk}/references/", {"source": "京东自营", "url": "javascript:alert(1)", "ref_price": "4999", "observed_on": timezone.localdate().isoformat()}, form_url=f"/workspace/products/{listing.pk}/")
    assert resp.status_code == 400 and "请填写以 http:// 或 https:// 开头的商品页面链接" in resp.content.decode()
    assert ReferencePrice.objects.count() == 0


def test_upload_of_a_non_image_is_refused_with_a_message_and_nothing_stored(client, supplier, supplier_user, settings):
    listing = make_listing(supplier, status="draft")
    sign_in(client, supplier_user)
    url = f"/workspace/products/{listing.pk}/"
    resp = csrf_post(client, f"{url}images/", {"image": SimpleUploadedFile("x.jpg", b"%PDF-1.4 not an image")}, form_url=url)
    assert resp.status_code == 400
    assert "文件不是可识别的图片（只接受 JPEG、PNG 或 WebP）" in resp.content.decode()
    assert ListingImage.objects.count() == 0
    assert not (settings.MEDIA_ROOT.exists() and any(p.is_file() for p in settings.MEDIA_ROOT.rglob("*")))


def test_too_big_an_upload_is_refused(client, supplier, supplier_user, settings):
    settings.PRODUCTS_IMAGE_MAX_BYTES = 2048
    listing = make_listing(supplier, status="draft")
    sign_in(client, supplier_user)
    url = f"/workspace/products/{listing.pk}/"
    resp = csrf_post(client, f"{url}images/", {"image": SimpleUploadedFile("x.png", b"\x89PNG" + b"1" * 10000)}, form_url=url)
    assert resp.status_code == 400
    assert "超过上限 2 KB" in resp.content.decode()
    assert ListingImage.objects.count() == 0


def test_operator_rejects_then_approves_through_the_pages(client, supplier):
    listing = make_listing(supplier, status="pending_review")
    operator = make_user("centre_operator")
    sign_in(client, operator)
    assert listing.title in client.get("/workspace/products/review/").content.decode()
    url = f"/workspace/products/{listing.pk}/"
    resp = csrf_post(client, f"{url}reject/", {"reason": ""}, form_url=url)
    assert resp.status_code == 400 and "请写明理由" in resp.content.decode()
    listing.refresh_from_db()
    assert listing.status == "pending_review"
    resp = csrf_post(client, f"{url}reject/", {"reason": "请补充参考价链接"}, form_url=url)
    assert resp.status_code == 302
    listing.refresh_from_db()
    assert (listing.status, listing.review_note) == ("rejected", "请补充参考价链接")


def test_exports_are_excel(client, supplier):
    make_listing(supplier, price="5000.00", ref_price="4000.00")
    sign_in(client, make_user("centre_operator"))
    for url in ("/workspace/products/?export=xlsx", "/workspace/products/prices/?export=xlsx", "/workspace/products/review/?export=xlsx", "/workspace/products/scopes/?export=xlsx"):
        resp = client.get(url)
        assert resp.status_code == 200
        assert resp["Content-Type"] == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    from io import BytesIO

    from openpyxl import load_workbook

    rows = list(load_workbook(BytesIO(client.get("/workspace/products/?export=xlsx").content)).active.iter_rows(values_only=True))
    head = list(rows[0])
    assert rows[1][head.index("库存")] == 10 and rows[1][head.index("价格（元）")] == 5000


def test_workspace_todos(client, supplier, supplier_user):
    make_listing(supplier, status="rejected")
    make_listing(supplier, status="pending_review")
    make_listing(supplier, price="5000.00", ref_price="4000.00")
    sign_in(client, supplier_user)
    body = client.get("/workspace/").content.decode()
    assert "被驳回的商品" in body and "高于参考价的在售商品" in body
    from govmall.accounts.workspace import todos_for

    expected = {"被驳回的商品": 1, "审核中的商品": 1, "高于参考价的在售商品": 1}
    supplier_todos = {t["label"]: t["count"] for t in todos_for(supplier_user) if t["label"] in expected}  # other apps add their own
    assert supplier_todos == expected
    operator_todos = {t["label"]: t["count"] for t in todos_for(make_user("centre_operator"))}
    assert operator_todos["待审核商品"] == 1 and operator_todos["高于参考价的在售商品"] == 1


def test_price_report_shows_how_much_above(client, supplier):
    make_listing(supplier, price="5000.00", ref_price="4000.00", title="联想 贵的 台式计算机")
    sign_in(client, make_user("centre_operator"))
    body = client.get("/workspace/products/prices/").content.decode()
    assert "联想 贵的 台式计算机" in body and "25.0%" in body


def test_scope_page_grants_a_scope(client, mall):
    from govmall.accounts.models import OrgKind
    from govmall.products.models import SupplierScope
    from govmall.testing import OrganizationFactory

    org = OrganizationFactory(kind=OrgKind.SUPPLIER, name="新供应商")
    sign_in(client, make_user("centre_operator"))
    resp = csrf_post(client, "/workspace/products/scopes/", {"form": "scope", "supplier": org.pk, "category": "A99999999"}, form_url="/workspace/products/scopes/")
    assert "品目编码 A99999999 不存在于现行品目目录" in resp.content.decode()
    resp = csrf_post(client, "/workspace/products/scopes/", {"form": "scope", "supplier": org.pk, "category": "a02010100", "note": "试点"}, form_url="/workspace/products/scopes/")
    assert resp.status_code == 302
    assert list(SupplierScope.objects.filter(supplier=org).values_list("category__code", flat=True)) == ["A02010100"]


def test_listed_product_edit_that_raises_price_warns(client, supplier, supplier_user):
    listing = make_listing(supplier, price="1000.00", ref_price="3000.00")
    sign_in(client, supplier_user)
    url = f"/workspace/products/{listing.pk}/edit/"
    page = client.get(url)
    assert page.status_code == 200
    form = page.context["form"]
    data = {k: v for k, v in form.initial.items() if v is not None}
    data.update({"price": "1500.00", "delivery_regions": data.get("delivery_regions", [])})
    resp = csrf_post(client, url, data, form_url=url)
    assert resp.status_code == 302
    listing.refresh_from_db()
    assert (listing.status, str(listing.price)) == ("pending_review", "1500.00")
    _ = dt
