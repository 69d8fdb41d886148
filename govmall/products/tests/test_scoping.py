"""Every products endpoint (HTML and API) against every role of the cast and an anonymous
visitor, with the expected answer written down as data.

The world: the cast's supplier S (环翠区), a supplier W in 文登区, and a supplier J based in
济南 but registered with the Weihai sub-site. Listings: S_listed, S_draft, S_pending,
W_listed, J_listed. Outcomes: a set of labels (exactly those shown), LOGIN, or a status."""

from __future__ import annotations

import re

import pytest

from govmall.accounts.models import OrgKind
from govmall.products.models import Listing
from govmall.products import services
from govmall.regions.models import Region
from govmall.testing import OrganizationFactory, csrf_post, sign_in, weihai

from .conftest import admit, make_listing, png_upload

pytestmark = pytest.mark.django_db

LOGIN = "login"
ANON = "anonymous"
ROLES = [ANON, "purchaser", "approver", "purchaser_town", "supplier", "operator", "supervisor_city", "supervisor_district", "admin"]
ALL = {"S_listed", "S_draft", "S_pending", "W_listed", "J_listed"}

BACK_OFFICE_LIST = {
    ANON: LOGIN, "purchaser": 403, "approver": 403, "purchaser_town": 403,
    "supplier": {"S_listed", "S_draft", "S_pending"},
    "operator": ALL,  # the city, and the 济南 supplier registered with Weihai
    "supervisor_city": {"S_listed", "S_draft", "S_pending", "W_listed"},
    "supervisor_district": {"S_listed", "S_draft", "S_pending"},
    "admin": ALL,
}  # fmt: skip
API_LIST = {**BACK_OFFICE_LIST, ANON: 401, "purchaser": set(), "approver": set(), "purchaser_town": set()}
STOREFRONT = {"S_listed", "W_listed", "J_listed"}
REVIEW = {ANON: LOGIN, **{r: 403 for r in ROLES[1:]}, "operator": {"S_pending"}, "admin": {"S_pending"}}
PRICES = {ANON: LOGIN, "purchaser": 403, "approver": 403, "purchaser_town": 403, "supplier": 403, "operator": 200, "supervisor_city": 200, "supervisor_district": 200, "admin": 200}
SCOPES = {**PRICES, "supplier": 200}
RULES = {ANON: LOGIN, **{r: 403 for r in ROLES[1:]}, "operator": 200, "admin": 200}
NEW = {ANON: LOGIN, **{r: 403 for r in ROLES[1:]}, "supplier": 200}


@pytest.fixture
def world(cast, mall):
    from govmall.core.context import Actor, acting_as

    s_org = cast.supplier.organization
    w_org = OrganizationFactory(kind=OrgKind.SUPPLIER, name="文登供应商", region=Region.objects.get(code="371003"))
    j_org = OrganizationFactory(kind=OrgKind.SUPPLIER, name="济南供应商", region=Region.objects.get(code="370102"), subsite=weihai())
    with acting_as(Actor(username="centre")):
        for org in (s_org, w_org, j_org):
            services.scope_grant(supplier=org, category=services.Category.objects.get(code="A02010100", edition__is_current=True))
            admit(org)
    listings = {
        "S_listed": make_listing(s_org, title="环翠 台式计算机 甲"),
        "S_draft": make_listing(s_org, title="环翠 台式计算机 草稿", status="draft"),
        "S_pending": make_listing(s_org, title="环翠 台式计算机 待审", status="pending_review"),
        "W_listed": make_listing(w_org, title="文登 台式计算机 乙"),
        "J_listed": make_listing(j_org, title="济南 台式计算机 丙"),
    }
    image = services.image_add(listing=listings["S_draft"], upload=png_upload())
    return {"cast": cast, "ids": {k: v.pk for k, v in listings.items()}, "image": image}


def _client(client, world, role):
    if role != ANON:
        sign_in(client, getattr(world["cast"], role))
    return client


def _labels(world, html: str) -> set[str]:
    return {label for label, pk in world["ids"].items() if re.search(rf'/products/{pk}/"', html)}


def _check(resp, expected, world, labels_of=None):
    if expected == LOGIN:
        assert resp.status_code == 302 and "/accounts/login/" in resp["Location"]
    elif isinstance(expected, int):
        assert resp.status_code == expected
    else:
        assert resp.status_code == 200
        assert (labels_of or _labels)(world, resp.content.decode()) == expected


@pytest.mark.parametrize("role", ROLES)
def test_back_office_listing_list(client, world, role):
    _check(_client(client, world, role).get("/workspace/products/"), BACK_OFFICE_LIST[role], world)


@pytest.mark.parametrize("role", ROLES)
def test_back_office_listing_detail_of_each_listing(client, world, role):
    c = _client(client, world, role)
    expected = BACK_OFFICE_LIST[role]
    for label, pk in world["ids"].items():
        resp = c.get(f"/workspace/products/{pk}/")
        if expected in (LOGIN, 403):
            _check(resp, expected, world)
        else:
            assert resp.status_code == (200 if label in expected else 404), (label, resp.status_code)


@pytest.mark.parametrize("role", ROLES)
def test_storefront_search_shows_listed_products_to_everyone(client, world, role):
    resp = _client(client, world, role).get("/search?q=台式计算机")
    assert resp.status_code == 200
    assert _labels(world, resp.content.decode()) == STOREFRONT


@pytest.mark.parametrize("role", ROLES)
def test_product_pages_show_unlisted_ones_only_to_who_may_see_them(client, world, role):
    c = _client(client, world, role)
    visible = BACK_OFFICE_LIST[role] if isinstance(BACK_OFFICE_LIST[role], set) else set()
    for label, pk in world["ids"].items():
        resp = c.get(f"/products/{pk}/")
        expected = 200 if label in STOREFRONT or label in visible else 404
        assert resp.status_code == expected, (label, resp.status_code)
        if expected == 200 and label not in STOREFRONT:
            assert "预览" in resp.content.decode()


@pytest.mark.parametrize("role", ROLES)
def test_images_of_unlisted_products_are_private(client, world, role):
    resp = _client(client, world, role).get(f"/products/images/{world['image'].pk}/")
    visible = BACK_OFFICE_LIST[role] if isinstance(BACK_OFFICE_LIST[role], set) else set()
    assert resp.status_code == (200 if "S_draft" in visible else 404)
    if resp.status_code == 200:
        assert resp["Content-Type"] == "image/png"
        assert resp["Cache-Control"].startswith("private")


@pytest.mark.parametrize("role", ROLES)
def test_review_queue(client, world, role):
    _check(_client(client, world, role).get("/workspace/products/review/"), REVIEW[role], world)


@pytest.mark.parametrize("page, table", [("/workspace/products/prices/", PRICES), ("/workspace/products/scopes/", SCOPES), ("/workspace/products/rules/", RULES), ("/workspace/products/new/", NEW)])
@pytest.mark.parametrize("role", ROLES)
def test_back_office_pages(client, world, role, page, table):
    _check(_client(client, world, role).get(page), table[role], world)


@pytest.mark.parametrize("role", ROLES)
def test_only_the_centre_approves(client, world, role):
    pk = world["ids"]["S_pending"]
    resp = csrf_post(_client(client, world, role), f"/workspace/products/{pk}/approve/", {}, form_url="/search")
    status = Listing.objects.get(pk=pk).status
    if role in ("operator", "admin"):
        assert resp.status_code == 302 and status == "listed"
    else:
        assert status == "pending_review"
        assert resp.status_code in ((302,) if role == ANON else (403,))


@pytest.mark.parametrize("role", ROLES)
def test_only_the_owner_submits(client, world, role):
    pk = world["ids"]["S_draft"]
    resp = csrf_post(_client(client, world, role), f"/workspace/products/{pk}/submit/", {}, form_url="/search")
    status = Listing.objects.get(pk=pk).status
    if role == "supplier":
        assert resp.status_code == 302 and status == "pending_review"
    else:
        assert status == "draft"
        assert resp.status_code in ((302,) if role == ANON else (403,))


def test_another_supplier_gets_404_for_someone_elses_listing(client, world):
    from govmall.accounts.models import Role
    from govmall.testing import make_user

    w_org = Listing.objects.get(pk=world["ids"]["W_listed"]).supplier
    other = make_user(Role.SUPPLIER_STAFF, org=w_org, username="w_staff")
    sign_in(client, other)
    pk = world["ids"]["S_draft"]
    assert client.get(f"/workspace/products/{pk}/").status_code == 404
    assert client.get(f"/workspace/products/{pk}/edit/").status_code == 404
    assert csrf_post(client, f"/workspace/products/{pk}/submit/", {}, form_url="/search").status_code == 404
    assert Listing.objects.get(pk=pk).status == "draft"


@pytest.mark.parametrize("role", ROLES)
def test_api_listings(client, world, role):
    c = _client(client, world, role)
    resp = c.get("/api/v1/products/listings")
    expected = API_LIST[role]
    if isinstance(expected, int):
        assert resp.status_code == expected
        return
    if expected == 403:
        assert resp.status_code == 403
        return
    assert resp.status_code == 200
    got = {label for label, pk in world["ids"].items() if pk in {x["id"] for x in resp.json()["items"]}}
    assert got == expected
    for label, pk in world["ids"].items():
        assert c.get(f"/api/v1/products/listings/{pk}").status_code == (200 if label in expected else 404)


@pytest.mark.parametrize("role", ROLES)
def test_api_search_is_public(client, world, role):
    resp = _client(client, world, role).get("/api/v1/products/search", {"q": "台式计算机"})
    assert resp.status_code == 200
    got = {label for label, pk in world["ids"].items() if pk in {x["id"] for x in resp.json()["items"]}}
    assert got == STOREFRONT


def test_a_supplier_sees_stock_and_sales_of_its_own_listings_and_staff_also_see_whose_they_are(client, world):
    html = _client(client, world, "supplier").get("/workspace/products/").content.decode()
    assert "<th>供应商</th>" not in html and '<th class="num">库存</th>' in html and '<th class="num">销量</th>' in html
    assert '<td data-label="库存" class="num">10</td>' in html  # make_listing's stock
    client.logout()
    html = _client(client, world, "operator").get("/workspace/products/").content.decode()
    assert "<th>供应商</th>" in html and "文登供应商" in html and '<th class="num">库存</th>' in html
