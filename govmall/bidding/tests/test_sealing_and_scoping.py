"""Every bidding page and API endpoint against every role of the cast (and an anonymous
visitor), and the seal: before the close nobody but the quoting supplier itself sees a price
or who quoted — not the purchaser, the centre, supervisors, administrators, other suppliers
or the API. After the close the ranked result is public.

The world: the cast's city purchaser P with an open bidding (OPEN, three sealed quotes, one of
them the cast's supplier's), a draft (DRAFT) and a closed one (DONE); a 环翠区 purchaser with
an open bidding (HC)."""

from __future__ import annotations

import json
import re
from decimal import Decimal

import pytest

from govmall.accounts.models import Role
from govmall.bidding.models import Bidding, BiddingStatus, Quote
from govmall.bidding.tests.helpers import cat, close, draft, make_supplier, move_deadline, published, quote
from govmall.purchasers.tests.helpers import make_plan, purchaser_of
from govmall.suppliers.models import EnterpriseSize, SupplierProfile, SupplierScope, SupplierStatus
from govmall.testing import csrf_post, make_user, sign_in

pytestmark = pytest.mark.django_db

LOGIN = "login"
ANON = "anonymous"
ROLES = [ANON, "purchaser", "approver", "purchaser_town", "supplier", "operator", "supervisor_city", "supervisor_district", "admin"]
SEALED = ["512,345.67", "512345.67", "523,456.78", "523456.78", "534,567.89", "534567.89"]
OWN = {"512,345.67", "512345.67"}  # the cast supplier's own price
OTHER_QUOTERS = ["威海甲乙办公设备有限公司", "威海丙丁信息技术有限公司"]


def by_role(anon, purchaser, approver, town, supplier, operator, city, district, admin):
    return dict(zip(ROLES, [anon, purchaser, approver, town, supplier, operator, city, district, admin]))


ALL = {"OPEN", "DRAFT", "DONE", "HC"}
MINE = by_role(LOGIN, {"OPEN", "DRAFT", "DONE"}, {"OPEN", "DRAFT", "DONE"}, set(), 403, 403, 403, 403, 403)
CENTRE = by_role(LOGIN, 403, 403, 403, 403, {"OPEN", "DONE", "HC"}, {"OPEN", "DONE", "HC"}, {"HC"}, {"OPEN", "DONE", "HC"})
SUPPLIER_OPEN = by_role(LOGIN, 403, 403, 403, {"OPEN", "HC"}, 403, 403, 403, 403)
STAFF_PAGE = by_role(LOGIN, 403, 403, 403, 403, 200, 200, 200, 200)
DETAIL_OPEN = by_role(LOGIN, 200, 200, 200, 200, 200, 200, 200, 200)  # a published requirement is a public notice
DETAIL_DRAFT = by_role(LOGIN, 200, 200, 404, 404, 404, 404, 404, 404)  # a draft: its own unit only
EDIT_DRAFT = by_role(LOGIN, 200, 404, 404, 404, 404, 404, 404, 404)  # clerks of the unit
API_LIST = by_role(401, {"OPEN", "DRAFT", "DONE"}, {"OPEN", "DRAFT", "DONE"}, set(), {"OPEN", "HC"}, {"OPEN", "DONE", "HC"}, {"OPEN", "DONE", "HC"}, {"HC"}, {"OPEN", "DONE", "HC"})
API_DRAFT = by_role(401, 200, 200, 404, 404, 404, 404, 404, 404)
API_QUOTES = by_role(401, 403, 403, 403, 200, 403, 403, 403, 403)


@pytest.fixture
def world(cast, mall):
    sup = cast.supplier
    SupplierProfile.objects.create(supplier=sup.organization, status=SupplierStatus.ACTIVE, enterprise_size=EnterpriseSize.SMALL)
    SupplierScope.objects.create(supplier=sup.organization, category=cat("A02010100"), granted_by="test")
    other1 = make_supplier(OTHER_QUOTERS[0], size=EnterpriseSize.LARGE, username="o1")
    other2 = make_supplier(OTHER_QUOTERS[1], size=EnterpriseSize.MEDIUM, username="o2")
    plan = make_plan(purchaser_of(cast.purchaser), "3000000", category="A0201")
    b = {}
    b["OPEN"] = published(cast.purchaser, plan, title="市局台式计算机竞价")
    quote(sup, b["OPEN"], "512345.67")
    quote(other1, b["OPEN"], "523456.78")
    quote(other2, b["OPEN"], "534567.89")
    b["DRAFT"] = draft(cast.purchaser, plan, title="市局笔记本草稿", category="A02010108")
    b["DONE"] = published(cast.purchaser, plan, title="市局已截止竞价")
    quote(sup, b["DONE"], "580000")
    quote(other1, b["DONE"], "560000")
    quote(other2, b["DONE"], "570000")
    b["DONE"] = close(move_deadline(b["DONE"]))
    hc_clerk = make_user(Role.PURCHASER_CLERK, region_code="371002", username="hc_clerk")
    hc_plan = make_plan(purchaser_of(hc_clerk), "1000000", category="A0201")
    b["HC"] = published(hc_clerk, hc_plan, title="环翠区台式计算机竞价", ceiling_price="400000")
    return {"cast": cast, "b": b}


NAMES = {"OPEN": "市局台式计算机竞价", "DRAFT": "市局笔记本草稿", "DONE": "市局已截止竞价", "HC": "环翠区台式计算机竞价"}


def client_for(client, world, role):
    if role != ANON:
        sign_in(client, world["cast"].all()[role])
    return client


def outcome(response, html_labels=False):
    if response.status_code == 302 and "/accounts/login/" in response["Location"]:
        return LOGIN
    if response.status_code != 200 or not html_labels:
        return response.status_code
    html = response.content.decode()
    return {label for label, name in NAMES.items() if name in html}


def sealed_leaks(text: str, role: str) -> list[str]:
    allowed = OWN if role == "supplier" else set()
    return [p for p in SEALED if p in text and p not in allowed] + [n for n in OTHER_QUOTERS if n in text]


@pytest.mark.parametrize("role", ROLES)
def test_list_pages_by_role(client, world, role):
    c = client_for(client, world, role)
    assert outcome(c.get("/workspace/bidding/"), True) == MINE[role]
    assert outcome(c.get("/workspace/bidding/centre/"), True) == CENTRE[role]
    assert outcome(c.get("/workspace/bidding/supplier/"), True) == SUPPLIER_OPEN[role]
    for url in ("/workspace/bidding/centre/flagged/", "/workspace/bidding/centre/rules/"):
        assert outcome(c.get(url)) == STAFF_PAGE[role], url


@pytest.mark.parametrize("role", ROLES)
def test_detail_pages_by_role_keep_quotes_sealed_until_the_close(client, world, role):
    c = client_for(client, world, role)
    b = world["b"]
    r = c.get(f"/workspace/bidding/{b['OPEN'].pk}/")
    assert outcome(r) == DETAIL_OPEN[role]
    if r.status_code == 200:
        html = r.content.decode()
        assert sealed_leaks(html, role) == []
        assert ("512,345.67" in html) == (role == "supplier")  # the supplier sees its own quote
        assert re.search(r"\d\s*家", html) is None  # no count of quotes either
    assert outcome(c.get(f"/workspace/bidding/{b['DRAFT'].pk}/")) == DETAIL_DRAFT[role]
    assert outcome(c.get(f"/workspace/bidding/{b['DRAFT'].pk}/edit/")) == EDIT_DRAFT[role]
    # the public result page of the open bidding shows no price either
    r = c.get(f"/bidding/{b['OPEN'].pk}/result/")
    assert r.status_code == 200 and [p for p in SEALED if p in r.content.decode()] == []


@pytest.mark.parametrize("role", ROLES)
def test_after_the_close_every_participant_and_the_public_see_the_ranking(client, world, role):
    c = client_for(client, world, role)
    done = world["b"]["DONE"]
    r = c.get(f"/bidding/{done.pk}/result/")
    html = r.content.decode()
    assert r.status_code == 200 and "560,000.00" in html and "580,000.00" in html and "522,000.00" in html  # 580,000 × 0.9
    if role != ANON:
        html = c.get(f"/workspace/bidding/{done.pk}/").content.decode()
        assert "522,000.00" in html and "小微企业，扣除 10%" in html


@pytest.mark.parametrize("role", ROLES)
def test_api_by_role_keeps_the_seal(client, world, role):
    c = client_for(client, world, role)
    b = world["b"]
    r = c.get("/api/v1/bidding/biddings")
    if API_LIST[role] == 401:
        assert r.status_code == 401
    else:
        assert r.status_code == 200
        assert {label for label, x in b.items() if x.pk in {row["id"] for row in r.json()}} == API_LIST[role]
        assert sealed_leaks(r.content.decode(), role) == []
    r = c.get(f"/api/v1/bidding/biddings/{b['OPEN'].pk}")
    if role == ANON:
        assert r.status_code == 401
    else:
        data = r.json()
        assert r.status_code == 200 and data["results"] == []
        assert sealed_leaks(json.dumps(data, ensure_ascii=False), role) == []
        assert (data["my_quote"] or {}).get("price") == ("512345.67" if role == "supplier" else None)
        r = c.get(f"/api/v1/bidding/biddings/{b['DONE'].pk}")
        assert [(x["rank"], x["price"], x["evaluated_price"], x["deduction_applied"]) for x in r.json()["results"]] == [
            (1, "580000.00", "522000.00", True), (2, "560000.00", "560000.00", False), (3, "570000.00", "570000.00", False),
        ]  # fmt: skip
    assert c.get(f"/api/v1/bidding/biddings/{b['DRAFT'].pk}").status_code == API_DRAFT[role]
    r = c.get("/api/v1/bidding/quotes")
    assert r.status_code == API_QUOTES[role]
    if r.status_code == 200:
        assert sorted(x["price"] for x in r.json()) == ["512345.67", "580000.00"]


def test_nobody_reaches_a_quote_row_but_its_supplier(world):
    from govmall.accounts import scoping
    from govmall.bidding.models import ResultQuote

    cast = world["cast"]
    for role, user in cast.all().items():
        rows = scoping.visible(user, Quote)
        assert rows.count() == (2 if role == "supplier" else 0), role
        opened = scoping.visible(user, ResultQuote)
        assert set(opened.values_list("bidding_id", flat=True)) == {world["b"]["DONE"].pk}, role


def test_someone_elses_bidding_cannot_be_changed_or_quoted_on(client, world):
    cast, b = world["cast"], world["b"]
    town = sign_in(client, cast.purchaser_town)
    for action in ("publish", "cancel", "rebid"):
        r = csrf_post(town, f"/workspace/bidding/{b['DRAFT'].pk}/{action}/", {"reason": "x"}, form_url="/workspace/bidding/")
        assert r.status_code == 404, action
    assert Bidding.objects.get(pk=b["DRAFT"].pk).status == BiddingStatus.DRAFT
    client.logout()
    sup = sign_in(client, cast.supplier)
    r = csrf_post(sup, f"/workspace/bidding/{b['DRAFT'].pk}/quote/", {"price": "500000"}, form_url="/workspace/bidding/supplier/")
    assert r.status_code == 404
    # a supplier that did not win cannot confirm the award of the closed bidding
    winner = Bidding.objects.get(pk=b["DONE"].pk).awarded_quote.supplier
    assert winner == cast.supplier.organization
    client.logout()
    o1 = sign_in(client, make_user(Role.SUPPLIER_STAFF, org=Quote.objects.filter(bidding=b["DONE"]).exclude(supplier=winner).first().supplier, username="o1b"))
    r = csrf_post(o1, f"/workspace/bidding/{b['DONE'].pk}/confirm/", {}, form_url=f"/workspace/bidding/{b['DONE'].pk}/")
    assert r.status_code == 302
    page = o1.get(r["Location"]).content.decode()
    assert "只有成交供应商可以确认成交" in page
    assert Bidding.objects.get(pk=b["DONE"].pk).status == BiddingStatus.AWARDED


def test_a_quote_form_error_names_the_field(client, world):
    sup = sign_in(client, world["cast"].supplier)
    url = f"/workspace/bidding/{world['b']['OPEN'].pk}/"
    r = csrf_post(sup, url + "quote/", {"price": "700000"}, form_url=url)
    html = r.content.decode()
    assert r.status_code == 200 and "报价 700,000.00 元超过最高限价 600,000.00 元" in html and 'class="field-error"' in html
    assert Quote.objects.get(bidding=world["b"]["OPEN"], supplier=world["cast"].supplier.organization).price == Decimal("512345.67")


def test_the_centre_edits_rules_and_a_supervisor_cannot(client, world):
    cast = world["cast"]
    data = {"sme_deduction_percent": "21", "min_valid_quotes": "3", "quote_window_working_days": "2", "winner_confirm_hours": "72", "low_quote_method": "median", "low_quote_percent": "50"}
    op = sign_in(client, cast.operator)
    r = csrf_post(op, "/workspace/bidding/centre/rules/", data)
    assert r.status_code == 200 and "小微企业价格扣除比例应在 10%–20% 之间" in r.content.decode()
    r = csrf_post(op, "/workspace/bidding/centre/rules/", {**data, "sme_deduction_percent": "12"})
    assert r.status_code == 302
    client.logout()
    sv = sign_in(client, cast.supervisor_city)
    assert csrf_post(sv, "/workspace/bidding/centre/rules/", data).status_code == 403


def test_a_refused_publication_shows_every_reason_on_the_page(client, world):
    cast = world["cast"]
    c = sign_in(client, cast.purchaser)
    plan = world["b"]["OPEN"].plan
    r = csrf_post(c, "/workspace/bidding/new/", {
        "title": "低于竞价起点的需求", "category": str(cat("A02010105").pk), "plan": str(plan.pk), "quantity": "10", "unit": "台",
        "ceiling_price": "80000", "delivery_days": "15", "quote_closes_at": "2026-01-01T10:00",
    }, form_url="/workspace/bidding/new/")  # fmt: skip
    assert r.status_code == 302
    detail = r["Location"]
    r = csrf_post(c, detail + "publish/", {}, form_url=detail)
    html = c.get(r["Location"]).content.decode()
    assert "报价截止时间 2026-01-01 10:00 过早" in html
    assert "网上竞价适用于 50 万元 以上的采购" in html
    assert Bidding.objects.get(title="低于竞价起点的需求").status == BiddingStatus.DRAFT
